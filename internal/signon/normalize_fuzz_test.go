package signon

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// swapASCIICase turns ASCII upper case to lower and lower to upper,
// leaving every other character as it is.
func swapASCIICase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		case 'A' <= r && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, s)
}

// accentASCII puts an acute accent, as a combining mark, after every
// ASCII letter: "Casa" becomes "C´a´s´a´", which NFC composes to "Cásá".
func accentASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		if r < utf8.RuneSelf && unicode.IsLetter(r) {
			b.WriteRune('\u0301')
		}
	}
	return b.String()
}

// respace writes every space of s twice, adds space around it and turns
// each single space into a hyphen-free gap of tabs and spaces.
func respace(s string) string {
	return "  " + strings.ReplaceAll(s, " ", " \t ") + "\t"
}

func FuzzOrganizationKey(f *testing.F) {
	for _, s := range []string{
		"Casa de la Raza, Inc.", "casa  de la raza", "The Arc of Texas", "Fundación Ñandú A.C.",
		"Servicios S. de R.L. de C.V.", "L.L.C.", "the", "Ünïcödé Ltée", "İstanbul Derneği",
		"Σίσυφος", "ǅemal", "a b c inc", "", "   ", "---", "ﬁrst ﬂoor", "e\u0301cole",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := OrganizationKey(name)
		if utf8.ValidString(name) && !utf8.ValidString(key) {
			t.Fatalf("OrganizationKey(%q) = %q, not UTF-8", name, key)
		}
		if again := OrganizationKey(key); again != key {
			t.Fatalf("OrganizationKey not idempotent: %q → %q → %q", name, key, again)
		}
		if strings.ContainsFunc(key, unicode.IsSpace) {
			t.Fatalf("OrganizationKey(%q) = %q holds a space", name, key)
		}
		if !utf8.ValidString(name) {
			return
		}
		for _, variant := range []string{swapASCIICase(name), accentASCII(name), respace(name), strings.ReplaceAll(name, " ", "-")} {
			if got := OrganizationKey(variant); got != key {
				t.Fatalf("OrganizationKey(%q) = %q, but OrganizationKey(%q) = %q", name, key, variant, got)
			}
		}
		// A legal suffix does not count, once the name has a word of
		// its own. ("The, Inc." is "inc": "The" is dropped first.)
		if key != "" && key != "the" {
			if got := OrganizationKey(name + ", Inc."); got != key {
				t.Fatalf("OrganizationKey(%q) = %q, but with \", Inc.\" %q", name, key, got)
			}
		}
	})
}

func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"Nuevo León", "nuevo leon", "Nuevo-Leon", "Québec", "  ", "Ciudad de México", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded := foldName(s)
		if utf8.ValidString(s) && !utf8.ValidString(folded) {
			t.Fatalf("foldName(%q) = %q, not UTF-8", s, folded)
		}
		if again := foldName(folded); again != folded {
			t.Fatalf("foldName not idempotent: %q → %q → %q", s, folded, again)
		}
		if utf8.ValidString(s) {
			for _, variant := range []string{swapASCIICase(s), accentASCII(s), respace(s)} {
				if got := foldName(variant); got != folded {
					t.Fatalf("foldName(%q) = %q, but foldName(%q) = %q", s, folded, variant, got)
				}
			}
		}
	})
}

// FuzzSignatureKeys checks the keys that find a second signature of the
// same group or person: an accepted signature's key is the one its
// organization or email gives, and writing the email in other case
// finds the same person.
func FuzzSignatureKeys(f *testing.F) {
	f.Add("Casa de la Raza, Inc.", "Ana Pérez", "ana@example.org", "US", "US-TX", "casa.org", "organization")
	f.Add("", "Ana Pérez", "Ana.Perez@Example.ORG", "MX", "MX-CMX", "", "individual")
	f.Add("!!!", "Ana", "ana@example.org", "CA", "CA-QC", "https://x.ca", "")
	f.Add("Casa\x00", "Ana\x00", "a@b.co", "US", "US-NY", "", "organization")
	st := &Statement{ID: 1, Version: 3, Language: "en", AllowIndividuals: true}
	f.Fuzz(func(t *testing.T, org, name, email, country, region, website, signerType string) {
		in := SignatureInput{SignerType: signerType, Organization: org, SignerName: name, Email: email,
			Country: country, Region: region, Website: website}
		sig, err := in.Validate(st)
		if err != nil {
			if ErrorFields(err) == nil {
				t.Fatalf("Validate: %v is not a field problem", err)
			}
			return
		}
		checkAcceptedSignature(t, sig)
		if sig.SignerType == SignerIndividual {
			in.Email = swapASCIICase(in.Email)
			other, err := in.Validate(st)
			if err != nil {
				t.Fatalf("%q accepted, but not %q: %v", email, in.Email, err)
			}
			if other.OrgKey != sig.OrgKey {
				t.Fatalf("emails %q and %q give keys %q and %q", email, in.Email, sig.OrgKey, other.OrgKey)
			}
		}
	})
}

// checkAcceptedSignature fails t when sig, which Validate accepted,
// breaks one of the rules Validate and the database keep.
func checkAcceptedSignature(t *testing.T, sig *Signature) {
	t.Helper()
	for field, v := range map[string]struct {
		value string
		max   int
	}{
		"organization": {sig.Organization, MaxOrganization}, "signer_name": {sig.SignerName, MaxSignerName},
		"signer_title": {sig.SignerTitle, MaxSignerTitle}, "email": {sig.Email, MaxEmail},
		"city": {sig.City, MaxCity}, "website": {sig.Website, MaxWebsite},
	} {
		checkAcceptedText(t, field, v.value, v.max)
	}
	if sig.SignerName == "" || !ValidEmail(sig.Email) {
		t.Fatalf("accepted a signature without a name or a valid email: %+v", sig)
	}
	if sig.OrgKey == "" || (sig.SignerType == SignerOrganization) != (OrganizationKey(sig.Organization) == sig.OrgKey) {
		t.Fatalf("organization %q has key %q", sig.Organization, sig.OrgKey)
	}
	if sig.SignerType == SignerIndividual && sig.OrgKey != "person:"+strings.ToLower(sig.Email) {
		t.Fatalf("person %q has key %q", sig.Email, sig.OrgKey)
	}
	if _, ok := LookupCountry(sig.Country); !ok {
		t.Fatalf("accepted country %q", sig.Country)
	}
	if sig.Region != "" {
		if r, ok := LookupRegion(sig.Region); !ok || r.Country != sig.Country {
			t.Fatalf("accepted region %q of country %q", sig.Region, sig.Country)
		}
	}
	if sig.Website != "" && !validWebsite(sig.Website) {
		t.Fatalf("accepted website %q", sig.Website)
	}
}

// checkAcceptedText fails t when an accepted value is too long, has
// space around it, or holds what PostgreSQL refuses in text.
func checkAcceptedText(t *testing.T, field, v string, max int) {
	t.Helper()
	switch {
	case utf8.RuneCountInString(v) > max:
		t.Fatalf("%s %q accepted, longer than %d", field, v, max)
	case strings.TrimSpace(v) != v:
		t.Fatalf("%s %q accepted with space around it", field, v)
	case strings.ContainsRune(v, 0):
		t.Fatalf("%s %q accepted with a NUL, which PostgreSQL refuses", field, v)
	}
}

func FuzzMemberInput(f *testing.F) {
	f.Add("Casa de la Raza, Inc.", "Ana", "ANA@Example.org", "Mexico", "Jalisco", "casa.mx", "ES")
	f.Add("...", "", "", "", "", "", "")
	f.Add("Casa", "", "not an email", "US", "ZZ", "javascript:alert(1)", "fr")
	f.Fuzz(func(t *testing.T, name, contact, email, country, region, website, lang string) {
		m, err := MemberInput{Name: name, ContactName: contact, Email: email, Country: country,
			Region: region, Website: website, Language: lang}.Validate()
		if err != nil {
			if ErrorFields(err) == nil {
				t.Fatalf("Validate: %v is not a field problem", err)
			}
			return
		}
		checkAcceptedText(t, "name", m.Name, MaxOrganization)
		checkAcceptedText(t, "contact_name", m.ContactName, MaxContactName)
		checkAcceptedText(t, "email", m.Email, MaxEmail)
		checkAcceptedText(t, "website", m.Website, MaxWebsite)
		if m.OrgKey == "" || m.OrgKey != OrganizationKey(m.Name) {
			t.Fatalf("member %q has key %q", m.Name, m.OrgKey)
		}
		if m.Email != "" && (!ValidEmail(m.Email) || m.Email != strings.ToLower(m.Email)) {
			t.Fatalf("member email %q accepted", m.Email)
		}
		if !ValidLanguage(m.Language) {
			t.Fatalf("member language %q accepted", m.Language)
		}
	})
}
