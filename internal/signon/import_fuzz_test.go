package signon

import (
	"errors"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/csvin"
)

// checkImportRows fails t when the rows of an import break its rules:
// each row is numbered as the spreadsheet shows it, after the header and
// in order; a row is either accepted with no problems or refused with
// at least one; and no two accepted rows are of the same organization.
// key returns an accepted row's organization key.
func checkImportRows[In, Out any](t *testing.T, data []byte, rows []*ImportRow[In, Out], key func(*Out) string) {
	t.Helper()
	lines := strings.Count(string(data), "\n") + 1
	seen := map[string]int{}
	last := 1
	for _, row := range rows {
		if row.Number <= last || row.Number > lines {
			t.Fatalf("row numbered %d after row %d, in a file of %d lines", row.Number, last, lines)
		}
		last = row.Number
		if (row.Value == nil) == (len(row.Problems) == 0) {
			t.Fatalf("row %d: value %v with problems %v", row.Number, row.Value, row.Problems)
		}
		for field, p := range row.Problems {
			if p.Code == ProblemDuplicateRow && (p.Limit < 2 || p.Limit >= row.Number) {
				t.Fatalf("row %d: %s duplicates row %d", row.Number, field, p.Limit)
			}
		}
		if row.Value == nil {
			continue
		}
		k := key(row.Value)
		if first, ok := seen[k]; ok {
			t.Fatalf("rows %d and %d both accepted with key %q", first, row.Number, k)
		}
		seen[k] = row.Number
	}
}

// checkImportError fails t when err, from an import, is not a
// *csvin.Error naming a row that the file has.
func checkImportError(t *testing.T, data []byte, err error) {
	t.Helper()
	var ce *csvin.Error
	if !errors.As(err, &ce) {
		t.Fatalf("import: %v is not a *csvin.Error", err)
	}
	if lines := strings.Count(string(data), "\n") + 1; ce.Row < 0 || ce.Row > lines {
		t.Fatalf("import: %v names row %d of a file of %d lines", err, ce.Row, lines)
	}
}

func FuzzParseSignatureCSV(f *testing.F) {
	for _, s := range []string{
		"organization,signer_name,email\nCasa de la Raza,Ana,ana@example.org\n",
		"Organization;Signer name;Email;Country;Region\nCasa;Ana;ana@example.org;MX;Jalisco\n\"CASA, Inc.\";Luis;l@example.org;MX;JAL\n",
		"organization,signer_name,email,website\n=HYPERLINK(\"http://x.example\"),\"Ana\nPérez\",ana@example.org,x.org\n,,\n@SUM(A1),-1,+1@example.org,\n",
		"\uFEFForganization,signer_name,email,extra\n",
		"organization,signer_name,email\n\"unterminated,Ana,a@b.co\n",
	} {
		f.Add([]byte(s))
	}
	st := &Statement{ID: 1, Version: 1, Language: "es"}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseSignatureCSV(data, st)
		if err != nil {
			checkImportError(t, data, err)
			return
		}
		checkImportRows(t, data, rows, func(sig *Signature) string { return sig.OrgKey })
		for _, row := range rows {
			if row.Value != nil {
				if row.Value.SignerType != SignerOrganization {
					t.Fatalf("row %d imported as %q", row.Number, row.Value.SignerType)
				}
				checkAcceptedSignature(t, row.Value)
			}
		}
	})
}

func FuzzParseMemberCSV(f *testing.F) {
	for _, s := range []string{
		"name,email,state,country\nCasa de la Raza,casa@example.org,TX,US\nCASA DE LA RAZA INC,,,\n",
		"Name;Contact name;Language\nFundación Ñandú A.C.;Ana;es\n",
		"name,website\n-cmd|' /C calc'!A0,javascript:alert(1)\n",
		"name\n\n\n\"a\nb\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseMemberCSV(data)
		if err != nil {
			checkImportError(t, data, err)
			return
		}
		checkImportRows(t, data, rows, func(m *Member) string { return m.OrgKey })
		for _, row := range rows {
			if m := row.Value; m != nil {
				checkAcceptedText(t, "name", m.Name, MaxOrganization)
				checkAcceptedText(t, "contact_name", m.ContactName, MaxContactName)
				checkAcceptedText(t, "city", m.City, MaxCity)
				if m.OrgKey == "" || m.OrgKey != OrganizationKey(m.Name) || (m.Email != "" && !ValidEmail(m.Email)) {
					t.Fatalf("row %d: member accepted: %+v", row.Number, m)
				}
			}
		}
	})
}
