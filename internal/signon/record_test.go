package signon

import (
	"strings"
	"testing"
	"time"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"KeysSorted", map[string]any{"b": 1, "a": 2, "c": map[string]int{"z": 1, "y": 2}}, `{"a":2,"b":1,"c":{"y":2,"z":1}}`},
		// Sorted by UTF-16 code units: upper case before lower, "_" between.
		{"KeysByCodeUnit", map[string]int{"version_signed": 1, "version": 2, "Version": 3, "v": 4}, `{"Version":3,"v":4,"version":2,"version_signed":1}`},
		{"NoHTMLEscaping", map[string]string{"t": `<b>Tom & Jerry</b> > "us"`}, `{"t":"<b>Tom & Jerry</b> > \"us\""}`},
		{"UnicodeKept", map[string]string{"t": "Asociación de Trabajadores Agrícolas — Ciudad Juárez, 日本\u2028"}, "{\"t\":\"Asociación de Trabajadores Agrícolas — Ciudad Juárez, 日本\u2028\"}"},
		{"ControlsEscaped", map[string]string{"t": "line\nbreak\ttab\x01"}, `{"t":"line\nbreak\ttab\u0001"}`},
		{"NoWhitespace", []any{1, []int{2, 3}, map[string]any{}, "a b", nil, true}, `[1,[2,3],{},"a b",null,true]`},
		{"Integers", map[string]int{"big": 9007199254740991, "neg": -3, "zero": 0}, `{"big":9007199254740991,"neg":-3,"zero":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Canonicalize() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRecordDigest(t *testing.T) {
	// The SHA-256 of "abc" from FIPS 180-2, as sha256sum prints it.
	if got, want := RecordDigest([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("RecordDigest(abc) = %s, want %s", got, want)
	}
}

// recordStatement is a published statement with text that needs care in
// JSON: markup characters, accents and a line break.
func recordStatement() *Statement {
	published := time.Date(2026, 11, 20, 18, 30, 15, 987654000, time.FixedZone("CST", -6*3600))
	return &Statement{
		ID: 7, Slug: "respuesta-cumbre", Kind: KindResponse, Title: "Respuesta: <la cumbre> & después",
		Summary: "Breve.", Body: "Nosotras **exigimos**\n\n- dignidad", AddressedTo: "Los líderes",
		Occasion: "Cumbre", Language: "es", Status: StatusPublished, Version: 2,
		PublishedAt: &published, RecordURL: "https://sign.example.org/s/respuesta-cumbre",
	}
}

func recordSignature(id int64, org, country, region string, status SignatureStatus, version int) *Signature {
	return &Signature{
		ID: id, StatementID: 7, SignerType: SignerOrganization, Organization: org, OrgKey: OrganizationKey(org),
		SignerName: "Ana", SignerTitle: "Directora", Email: "private-" + org + "@example.org", City: "El Paso",
		Country: country, Region: region, Website: "", Language: "es", Status: status, Source: SourceForm,
		StatementVersion: version,
	}
}

func TestNewRecord(t *testing.T) {
	st := recordStatement()
	sigs := []*Signature{
		recordSignature(1, "Zeta Texas", "US", "US-TX", SignatureApproved, 1),
		recordSignature(2, "Alfa Chihuahua", "MX", "MX-CHH", SignatureApproved, 2),
		recordSignature(3, "Pending Group", "MX", "MX-CHH", SignaturePending, 2),
		recordSignature(4, "Beta Texas", "US", "US-TX", SignatureApproved, 2),
		recordSignature(5, "Rejected Group", "US", "US-TX", SignatureRejected, 1),
		recordSignature(6, "Withdrawn Group", "US", "US-CA", SignatureWithdrawn, 1),
		recordSignature(7, "Guatemala Group", "GT", "", SignatureApproved, 1),
		recordSignature(8, "Alfa Arizona", "US", "US-AZ", SignatureApproved, 1),
		recordSignature(9, "Unconfirmed", "US", "US-AZ", SignatureUnconfirmed, 1),
	}
	rec, err := NewRecord(st, sigs)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, s := range rec.Signatories {
		order = append(order, s.Organization)
	}
	want := []string{"Guatemala Group", "Alfa Chihuahua", "Alfa Arizona", "Beta Texas", "Zeta Texas"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("signatories = %q, want %q (approved only, by country, region, key)", order, want)
	}
	if !rec.PublishedAt.Equal(time.Date(2026, 11, 21, 0, 30, 15, 0, time.UTC)) {
		t.Errorf("PublishedAt = %v, want UTC to the second", rec.PublishedAt)
	}

	canonical, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	sig := func(org, country, region string, version int) string {
		return `{"city":"El Paso","country":"` + country + `","organization":"` + org + `","region":"` + region +
			`","signer_name":"Ana","signer_title":"Directora","signer_type":"organization","version_signed":` +
			string(rune('0'+version)) + `,"website":""}`
	}
	wantJSON := `{"addressed_to":"Los líderes","body":"Nosotras **exigimos**\n\n- dignidad","kind":"response",` +
		`"language":"es","occasion":"Cumbre","published_at":"2026-11-21T00:30:15Z","signatories":[` +
		sig("Guatemala Group", "GT", "", 1) + "," + sig("Alfa Chihuahua", "MX", "MX-CHH", 2) + "," +
		sig("Alfa Arizona", "US", "US-AZ", 1) + "," + sig("Beta Texas", "US", "US-TX", 2) + "," +
		sig("Zeta Texas", "US", "US-TX", 1) +
		`],"slug":"respuesta-cumbre","summary":"Breve.","title":"Respuesta: <la cumbre> & después",` +
		`"url":"https://sign.example.org/s/respuesta-cumbre","version":2}`
	if string(canonical) != wantJSON {
		t.Errorf("Canonical() =\n%s\nwant\n%s", canonical, wantJSON)
	}
	for _, private := range []string{"private-", "@example.org", "approved", `"form"`, `"id"`, "org_key"} {
		if strings.Contains(string(canonical), private) {
			t.Errorf("record contains %q, which is private", private)
		}
	}

	// The order of the input does not matter.
	reversed := make([]*Signature, len(sigs))
	for i, s := range sigs {
		reversed[len(sigs)-1-i] = s
	}
	again, err := NewRecord(st, reversed)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := again.Canonical(); string(b) != string(canonical) {
		t.Errorf("record from reversed signatures differs:\n%s\n%s", b, canonical)
	}

	t.Run("SameKeyByID", func(t *testing.T) {
		a := recordSignature(12, "Red Fronteriza", "US", "US-TX", SignatureApproved, 1)
		b := recordSignature(11, "Red  Fronteriza.", "US", "US-TX", SignatureApproved, 1)
		if a.OrgKey != b.OrgKey {
			t.Fatalf("keys %q and %q differ; the test needs one key", a.OrgKey, b.OrgKey)
		}
		rec, err := NewRecord(st, []*Signature{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Signatories[0].Organization != b.Organization {
			t.Errorf("first = %q, want the lower id %q", rec.Signatories[0].Organization, b.Organization)
		}
	})

	t.Run("NoSignatories", func(t *testing.T) {
		rec, err := NewRecord(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := rec.Canonical()
		if !strings.Contains(string(b), `"signatories":[]`) {
			t.Errorf("Canonical() = %s, want an empty list of signatories", b)
		}
	})

	t.Run("NotPublished", func(t *testing.T) {
		for _, status := range []Status{StatusDraft, StatusOpen, StatusClosed} {
			closed := *st
			closed.Status = status
			if _, err := NewRecord(&closed, sigs); ErrorCode(err) != ENOTFOUND {
				t.Errorf("%s: error %v, want not found", status, err)
			}
		}
		noTime := *st
		noTime.PublishedAt = nil
		if _, err := NewRecord(&noTime, sigs); ErrorCode(err) != ENOTFOUND {
			t.Errorf("no PublishedAt: error %v, want not found", err)
		}
	})
}
