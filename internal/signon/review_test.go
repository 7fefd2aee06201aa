package signon

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/csvin"
)

func reviewStatement() *Statement {
	return &Statement{ID: 7, Language: "en", Version: 2}
}

func TestCheckDecision(t *testing.T) {
	if _, err := CheckDecision(SignatureWithdrawn, ""); ErrorCode(err) != EINVALID {
		t.Errorf("withdrawing: %v, want EINVALID", err)
	}
	if r, err := CheckDecision(SignatureApproved, "ignored"); err != nil || r != "" {
		t.Errorf("approving = %q, %v; want no reason", r, err)
	}
	if r, err := CheckDecision(SignatureRejected, "  not a  real\ngroup "); err != nil || r != "not a real group" {
		t.Errorf("rejecting = %q, %v", r, err)
	}
	_, err := CheckDecision(SignatureRejected, strings.Repeat("x", MaxRejectionReason+1))
	if p := ErrorFields(err)["reason"]; p.Code != ProblemTooLong || p.Limit != MaxRejectionReason {
		t.Errorf("long reason: %v, problem %+v", err, p)
	}
}

func TestCanDecide(t *testing.T) {
	for _, tt := range []struct {
		from, to SignatureStatus
		want     bool
	}{
		{SignaturePending, SignatureApproved, true},
		{SignatureUnconfirmed, SignatureRejected, true},
		{SignatureRejected, SignatureApproved, true},
		{SignatureApproved, SignatureRejected, true},
		{SignatureWithdrawn, SignatureApproved, false},
		{SignatureWithdrawn, SignatureRejected, false},
		{SignatureApproved, SignatureApproved, false},
		{SignaturePending, SignatureWithdrawn, false},
	} {
		if got := CanDecide(tt.from, tt.to); got != tt.want {
			t.Errorf("CanDecide(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestCanMove(t *testing.T) {
	for _, tt := range []struct {
		from, to SignatureStatus
		want     bool
	}{
		{SignaturePending, SignatureWithdrawn, true},
		{SignatureApproved, SignatureWithdrawn, true},
		{SignatureRejected, SignatureWithdrawn, false},
		{SignatureWithdrawn, SignatureApproved, false},
		{SignatureRejected, SignatureApproved, true},
		{SignatureApproved, SignaturePending, false},
	} {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestSignatureEdit_Apply(t *testing.T) {
	sig := &Signature{SignerType: SignerOrganization, Organization: "CASA", OrgKey: "casa", SignerName: "Ana",
		Email: "ana@casa.org", Country: "US", Region: "US-MD", Language: "es"}
	edit := EditOf(sig)
	edit.Organization, edit.City, edit.Website = "CASA de Maryland", " Hyattsville ", "casa.org"
	changes, err := edit.Apply(reviewStatement(), sig)
	if err != nil {
		t.Fatal(err)
	}
	want := []FieldChange{
		{"organization", "CASA", "CASA de Maryland"},
		{"city", "", "Hyattsville"},
		{"website", "", "https://casa.org"},
	}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Errorf("changes = %v, want %v", changes, want)
	}
	if sig.OrgKey != OrganizationKey("CASA de Maryland") || sig.City != "Hyattsville" || sig.Email != "ana@casa.org" {
		t.Errorf("signature after edit: %+v", sig)
	}
	back, ok := DecodeChanges(EncodeChanges(changes))
	if !ok || fmt.Sprint(back) != fmt.Sprint(want) {
		t.Errorf("DecodeChanges(EncodeChanges()) = %v, %v", back, ok)
	}

	t.Run("Invalid", func(t *testing.T) {
		before := *sig
		bad := EditOf(sig)
		bad.SignerName, bad.Region = "", "MX-CHH"
		_, err := bad.Apply(reviewStatement(), sig)
		fields := ErrorFields(err)
		if fields["signer_name"].Code != ProblemRequired || fields["region"].Code != ProblemUnknownRegion {
			t.Errorf("err = %v, fields %v", err, fields)
		}
		if *sig != before {
			t.Errorf("signature changed by a refused edit: %+v", sig)
		}
	})
	t.Run("Nothing", func(t *testing.T) {
		changes, err := EditOf(sig).Apply(reviewStatement(), sig)
		if err != nil || len(changes) != 0 {
			t.Errorf("no edit = %v, %v", changes, err)
		}
	})
}

func TestCheckMerge(t *testing.T) {
	merged := int64(3)
	a := &Signature{ID: 1, Status: SignatureApproved}
	for _, tt := range []struct {
		name        string
		keep, other *Signature
		key         string
	}{
		{"Same", a, a, "review.error.merge_same"},
		{"AlreadyMerged", a, &Signature{ID: 2, Status: SignatureRejected, MergedIntoID: &merged}, "review.error.merge_merged"},
		{"KeepRejected", &Signature{ID: 2, Status: SignatureRejected}, a, "review.error.merge_keep"},
		{"OtherWithdrawn", a, &Signature{ID: 2, Status: SignatureWithdrawn}, "review.error.merge_withdrawn"},
		{"Fine", a, &Signature{ID: 2, Status: SignaturePending}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorKey(CheckMerge(tt.keep, tt.other)); got != tt.key {
				t.Errorf("CheckMerge = %q, want %q", got, tt.key)
			}
		})
	}
	t.Run("Fill", func(t *testing.T) {
		member := int64(9)
		keep := &Signature{City: "Baltimore"}
		other := &Signature{City: "Hyattsville", Website: "https://casa.org", SignerTitle: "Director", MemberID: &member}
		filled := FillFrom(keep, other)
		if fmt.Sprint(filled) != "[signer_title website]" || keep.City != "Baltimore" || keep.Website != "https://casa.org" ||
			keep.MemberID == nil || *keep.MemberID != 9 {
			t.Errorf("filled %v, keep %+v", filled, keep)
		}
	})
}

func TestParseSignatureCSV(t *testing.T) {
	st := reviewStatement()
	header := "organization,signer_name,signer_title,email,city,country,region,website\n"

	t.Run("Valid", func(t *testing.T) {
		data := "\uFEFFOrganization, Signer Name ,email,Region,country\r\n" +
			"Frontera Unida,Ana,ana@frontera.org,TX,\r\n" +
			"\"Casa, Inc.\",Luis,luis@casa.org,Nuevo México,US\r\n" +
			",,,,\r\n" +
			"Red Mexicana,Eva,eva@red.mx,MX-CHH,México\r\n" +
			"Centro,Sam,sam@centro.ca,ontario,CA\r\n"
		rows, err := ParseSignatureCSV([]byte(data), st)
		if err != nil {
			t.Fatal(err)
		}
		if !ImportValid(rows) {
			for _, r := range rows {
				t.Errorf("line %d: %v", r.Number, r.Problems)
			}
			t.FailNow()
		}
		got := []string{}
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%d %s %s %s", r.Number, r.Value.Organization, r.Value.Country, r.Value.Region))
		}
		want := "[2 Frontera Unida US US-TX 3 Casa, Inc. US US-NM 5 Red Mexicana MX MX-CHH 6 Centro CA CA-ON]"
		if fmt.Sprint(got) != want {
			t.Errorf("rows = %v, want %v", got, want)
		}
		if s := rows[0].Value; s.StatementID != st.ID || s.StatementVersion != st.Version || s.Language != "en" {
			t.Errorf("signature = %+v", s)
		}
	})

	t.Run("RowProblems", func(t *testing.T) {
		data := header +
			"Frontera Unida,Ana,,ana@frontera.org,,US,TX,\n" +
			",Luis,,not-an-email,,US,Atlantis,\n" +
			"FRONTERA UNIDA Inc.,Eva,,eva@example.org,,US,TX,\n" +
			"Otra,Sam,,sam@example.org,,US,TX,,surplus\n"
		rows, err := ParseSignatureCSV([]byte(data), st)
		if err != nil {
			t.Fatal(err)
		}
		if ImportValid(rows) {
			t.Fatal("ImportValid = true for rows with problems")
		}
		want := []string{
			"2 map[]",
			"3 map[email:{invalid_email 0} organization:{required 0} region:{unknown_region 0}]",
			"4 map[organization:{duplicate_row 2}]",
			"5 map[row:{extra_cells 8}]",
		}
		for i, r := range rows {
			if got := fmt.Sprintf("%d %v", r.Number, r.Problems); i >= len(want) || got != want[i] {
				t.Errorf("row %d = %s, want %v", i, got, want[min(i, len(want)-1)])
			}
			if (r.Value == nil) != (len(r.Problems) > 0) {
				t.Errorf("row %d: signature %v with problems %v", i, r.Value, r.Problems)
			}
		}
	})

	t.Run("FileProblems", func(t *testing.T) {
		many := strings.Builder{}
		many.WriteString(header)
		for i := 0; i <= MaxImportRows; i++ {
			fmt.Fprintf(&many, "Org %d,Ana,,a%d@example.org,,US,TX,\n", i, i)
		}
		for _, tt := range []struct {
			name, data string
			want       csvin.Error
		}{
			{"Empty", "", csvin.Error{Code: csvin.ErrEmpty}},
			{"HeaderOnly", header, csvin.Error{Code: csvin.ErrEmpty}},
			{"NotUTF8", header + "Caf\xe9,Ana,,a@example.org,,US,TX,\n", csvin.Error{Code: csvin.ErrNotUTF8, Row: 2}},
			{"Unknown", "organization,signer_name,email,phone\n", csvin.Error{Code: csvin.ErrUnknownColumn, Column: "phone", Row: 1}},
			{"Twice", "organization,signer_name,email,Email\n", csvin.Error{Code: csvin.ErrDuplicate, Column: "Email", Row: 1}},
			{"Missing", "organization,signer_name\nA,B\n", csvin.Error{Code: csvin.ErrMissingColumn, Column: "email", Row: 1}},
			{"Malformed", header + "A,\"B,,a@example.org\n", csvin.Error{Code: csvin.ErrMalformed, Row: 2}},
			{"TooBig", header + strings.Repeat("x", MaxImportBytes), csvin.Error{Code: csvin.ErrTooLarge, Limit: MaxImportBytes}},
			{"TooManyRows", many.String(), csvin.Error{Code: csvin.ErrTooManyRows, Limit: MaxImportRows}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rows, err := ParseSignatureCSV([]byte(tt.data), st)
				var ce *csvin.Error
				if !errors.As(err, &ce) || *ce != tt.want {
					t.Fatalf("ParseSignatureCSV = %d rows, %v; want %v", len(rows), err, &tt.want)
				}
			})
		}
	})
}
