package signon

import "testing"

func TestSignatureFlags(t *testing.T) {
	org := func(email, website string) *Signature {
		return &Signature{SignerType: SignerOrganization, Organization: "Casa", Email: email, Website: website}
	}
	person := &Signature{SignerType: SignerIndividual, SignerName: "Ana", Email: "ana@gmail.com"}
	tests := []struct {
		name    string
		sig     *Signature
		blocked bool
		want    Flags
	}{
		{"SameDomain", org("ana@example.org", "https://example.org"), false, ""},
		{"Subdomains", org("ana@mail.example.org", "https://www.example.org/about"), false, ""},
		{"PublicSuffixes", org("ana@casa.org.mx", "https://www.casa.org.mx"), false, ""},
		{"OtherUnderSameSuffix", org("ana@otra.org.mx", "https://casa.org.mx"), false, "domain_mismatch"},
		{"Mismatch", org("ana@example.net", "https://example.org"), false, "domain_mismatch"},
		{"NoWebsite", org("ana@example.net", ""), false, ""},
		{"FreeMail", org("ana@gmail.com", "https://example.org"), false, "free_mail"},
		{"FreeMailCase", org("Ana@Yahoo.COM", ""), false, "free_mail"},
		{"FreeMailMexico", org("ana@prodigy.net.mx", ""), false, "free_mail"},
		{"Disposable", org("ana@mailinator.com", "https://example.org"), false, "disposable"},
		{"DisposableSubdomain", org("ana@x.mailinator.com", ""), false, "disposable"},
		{"PersonFreeMail", person, false, ""},
		{"Blocked", org("ana@example.org", "https://example.org"), true, "blocklisted"},
		{"BlockedFreeMail", org("ana@gmail.com", ""), true, "blocklisted,free_mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SignatureFlags(tt.sig, tt.blocked); got != tt.want {
				t.Errorf("SignatureFlags() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	fl := Flags("blocklisted,free_mail")
	if !fl.Has(FlagBlocklisted) || !fl.Has(FlagFreeMail) || fl.Has(FlagDisposable) || Flags("").Has(FlagFreeMail) {
		t.Errorf("Has is wrong for %q", fl)
	}
	if got := fl.List(); len(got) != 2 || got[0] != FlagBlocklisted || got[1] != FlagFreeMail {
		t.Errorf("List() = %v", got)
	}
}

func TestSignatureInput_Validate_Authority(t *testing.T) {
	st := &Statement{ID: 1, Language: "en", Version: 1, AllowIndividuals: true}
	in := SignatureInput{Organization: "Casa", SignerName: "Ana", Email: "ana@example.org", Country: "US", Region: "US-TX",
		Language: "es", Affirmation: "Tengo autoridad."}
	if _, err := in.Validate(st); ErrorFields(err)["authorized"].Code != ProblemAuthorityRequired {
		t.Fatalf("Validate without the affirmation: %v, want authorized %s", err, ProblemAuthorityRequired)
	}
	in.Authorized = true
	sig, err := in.Validate(st)
	if err != nil {
		t.Fatal(err)
	}
	if sig.AuthorityText != "Tengo autoridad." || sig.AuthorityLanguage != "es" {
		t.Errorf("authority %q in %q", sig.AuthorityText, sig.AuthorityLanguage)
	}
	person := in
	person.SignerType, person.Authorized = string(SignerIndividual), false
	if sig, err := person.Validate(st); err != nil || sig.AuthorityText != "" {
		t.Errorf("a person: %v, authority %q; want none needed", err, sig.AuthorityText)
	}
	added := in
	added.Affirmation, added.Authorized = "", false
	if sig, err := added.Validate(st); err != nil || sig.AuthorityText != "" {
		t.Errorf("no affirmation asked: %v, authority %q", err, sig.AuthorityText)
	}
}

func TestBlockInput_Validate(t *testing.T) {
	tests := []struct {
		in      BlockInput
		key     string
		problem string
	}{
		{BlockInput{Kind: "email", Value: " Ana@Example.ORG "}, "ana@example.org", ""},
		{BlockInput{Kind: "email", Value: "not an email"}, "", ProblemInvalidEmail},
		{BlockInput{Kind: "domain", Value: "@Example.org"}, "example.org", ""},
		{BlockInput{Kind: "domain", Value: "https://www.example.org/x"}, "www.example.org", ""},
		{BlockInput{Kind: "domain", Value: "localhost"}, "", ProblemBlockDomain},
		{BlockInput{Kind: "organization", Value: "Casa de la Raza, Inc."}, "casadelaraza", ""},
		{BlockInput{Kind: "organization", Value: ""}, "", ProblemRequired},
		{BlockInput{Kind: "phone", Value: "1"}, "", ProblemInvalidChoice},
	}
	for _, tt := range tests {
		e, err := tt.in.Validate()
		if tt.problem != "" {
			var got string
			for _, p := range ErrorFields(err) {
				got = p.Code
			}
			if got != tt.problem {
				t.Errorf("%+v: problem %q, want %q", tt.in, got, tt.problem)
			}
			continue
		}
		if err != nil || e.MatchKey != tt.key {
			t.Errorf("%+v: %v, entry %+v, want key %q", tt.in, err, e, tt.key)
		}
	}
}

func TestBlockProbeOf(t *testing.T) {
	pr := BlockProbeOf(&Signature{Organization: "The Casa, Inc.", Email: "Ana@Mail.Example.org"})
	if pr.Email != "ana@mail.example.org" || pr.OrgKey != "casa" || len(pr.Domains) != 2 ||
		pr.Domains[0] != "mail.example.org" || pr.Domains[1] != "example.org" {
		t.Errorf("probe %+v", pr)
	}
}
