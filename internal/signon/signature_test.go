package signon

import (
	"strings"
	"testing"
)

func TestOrganizationKey(t *testing.T) {
	t.Run("same", func(t *testing.T) {
		tests := []struct{ a, b string }{
			{"Casa de la Raza, Inc.", "casa  de la raza"},
			{"Unión de Trabajadores A.C.", "Union de Trabajadores"},
			{"The Workers' Center", "workers center"},
			{"Acme LLC", "ACME l.l.c."},
			{"Frente S.A. de C.V.", "Frente"},
			{"Frente SA de CV", "Frente"},
			{"Servicios S. de R.L. de C.V.", "servicios"},
			{"CASA-Latina", "casa latina"},
			{"Casa de la Raza Inc. LLC", "Casa de la Raza"},
			{"Société Ltée", "societe"},
		}
		for _, tt := range tests {
			t.Run(tt.a+" = "+tt.b, func(t *testing.T) {
				ka, kb := OrganizationKey(tt.a), OrganizationKey(tt.b)
				if ka == "" {
					t.Fatalf("OrganizationKey(%q) is empty", tt.a)
				}
				if ka != kb {
					t.Errorf("OrganizationKey(%q) = %q, OrganizationKey(%q) = %q, want equal", tt.a, ka, tt.b, kb)
				}
			})
		}
	})
	t.Run("different", func(t *testing.T) {
		tests := []struct{ a, b string }{
			{"Casa de la Raza", "Casa de la Paz"},
			{"Inc", "Acme Inc"},
			{"Co", "Acme Co"},
			{"The Center", "Center for Workers"},
		}
		for _, tt := range tests {
			t.Run(tt.a+" ≠ "+tt.b, func(t *testing.T) {
				ka, kb := OrganizationKey(tt.a), OrganizationKey(tt.b)
				if ka == kb {
					t.Errorf("OrganizationKey(%q) = OrganizationKey(%q) = %q, want different", tt.a, tt.b, ka)
				}
			})
		}
	})
	t.Run("exact", func(t *testing.T) {
		tests := []struct{ name, want string }{
			{"Casa de la Raza, Inc.", "casadelaraza"},
			{"Inc", "inc"},
			{"Inc.", "inc"},
			{"Co", "co"},
			{"The", "the"},
			{"S.A. de C.V.", "sadecv"},
			{"", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := OrganizationKey(tt.name); got != tt.want {
					t.Errorf("OrganizationKey(%q) = %q, want %q", tt.name, got, tt.want)
				}
			})
		}
	})
}

// validSignatureInput is an organization signature every check accepts;
// cases change one thing in it.
func validSignatureInput() SignatureInput {
	return SignatureInput{
		Organization: "Casa de la Raza, Inc.",
		SignerName:   "Ana López",
		Email:        "ana@example.org",
		Region:       "US-TX",
	}
}

func TestSignatureInput_Validate(t *testing.T) {
	st := &Statement{ID: 4, Language: "es", Version: 3}
	individuals := &Statement{ID: 5, Language: "en", Version: 1, AllowIndividuals: true}

	t.Run("valid", func(t *testing.T) {
		tests := []struct {
			name string
			st   *Statement
			in   SignatureInput
			want Signature
		}{
			{
				name: "US organization",
				st:   st,
				in: SignatureInput{
					Organization: "  Casa de la   Raza, Inc. ",
					SignerName:   " Ana  López ",
					SignerTitle:  " Directora ",
					Email:        " ana@example.org ",
					City:         " El  Paso ",
					Region:       "us-tx",
					Website:      "example.org",
					Language:     "en",
				},
				want: Signature{
					StatementID: 4, SignerType: SignerOrganization,
					Organization: "Casa de la Raza, Inc.", OrgKey: "casadelaraza",
					SignerName: "Ana López", SignerTitle: "Directora", Email: "ana@example.org",
					City: "El Paso", Country: "US", Region: "US-TX",
					Website: "https://example.org", Language: "en", StatementVersion: 3,
				},
			},
			{
				name: "Mexico",
				st:   st,
				in: SignatureInput{
					SignerType: "organization", Organization: "Red Fronteriza A.C.", SignerName: "Luis",
					Email: "luis@example.mx", Country: "mx", Region: "MX-CHH", Website: "http://red.example.mx/",
				},
				want: Signature{
					StatementID: 4, SignerType: SignerOrganization,
					Organization: "Red Fronteriza A.C.", OrgKey: "redfronteriza",
					SignerName: "Luis", Email: "luis@example.mx", Country: "MX", Region: "MX-CHH",
					Website: "http://red.example.mx/", Language: "es", StatementVersion: 3,
				},
			},
			{
				name: "Guatemala without region",
				st:   st,
				in:   SignatureInput{Organization: "Colectivo", SignerName: "Eva", Email: "eva@example.gt", Country: "GT", Language: "fr"},
				want: Signature{
					StatementID: 4, SignerType: SignerOrganization, Organization: "Colectivo", OrgKey: "colectivo",
					SignerName: "Eva", Email: "eva@example.gt", Country: "GT", Language: "es", StatementVersion: 3,
				},
			},
			{
				name: "Canada",
				st:   st,
				in:   SignatureInput{Organization: "Centre", SignerName: "Zoé", Email: "zoe@example.ca", Country: "CA", Region: "ca-qc"},
				want: Signature{
					StatementID: 4, SignerType: SignerOrganization, Organization: "Centre", OrgKey: "centre",
					SignerName: "Zoé", Email: "zoe@example.ca", Country: "CA", Region: "CA-QC", Language: "es", StatementVersion: 3,
				},
			},
			{
				name: "organization of MaxOrganization multibyte runes",
				st:   st,
				in:   SignatureInput{Organization: strings.Repeat("é", MaxOrganization), SignerName: "Ana", Email: "ana@example.org", Region: "US-TX"},
				want: Signature{
					StatementID: 4, SignerType: SignerOrganization, Organization: strings.Repeat("é", MaxOrganization),
					OrgKey: strings.Repeat("e", MaxOrganization), SignerName: "Ana", Email: "ana@example.org",
					Country: "US", Region: "US-TX", Language: "es", StatementVersion: 3,
				},
			},
			{
				name: "individual without organization",
				st:   individuals,
				in:   SignatureInput{SignerType: "individual", SignerName: "Ana López", Email: "Ana@Example.org", Region: "US-CA"},
				want: Signature{
					StatementID: 5, SignerType: SignerIndividual, OrgKey: "person:ana@example.org",
					SignerName: "Ana López", Email: "Ana@Example.org", Country: "US", Region: "US-CA",
					Language: "en", StatementVersion: 1,
				},
			},
			{
				name: "individual naming an organization",
				st:   individuals,
				in:   SignatureInput{SignerType: "individual", Organization: "Casa de la Raza", SignerName: "Ana López", Email: "ana@example.org", Region: "US-CA"},
				want: Signature{
					StatementID: 5, SignerType: SignerIndividual, Organization: "Casa de la Raza", OrgKey: "person:ana@example.org",
					SignerName: "Ana López", Email: "ana@example.org", Country: "US", Region: "US-CA",
					Language: "en", StatementVersion: 1,
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := tt.in.Validate(tt.st)
				if err != nil {
					t.Fatalf("Validate() = %v (fields %v), want nil", err, ErrorFields(err))
				}
				if *got != tt.want {
					t.Errorf("Validate() =\n%+v\nwant\n%+v", *got, tt.want)
				}
			})
		}
	})

	t.Run("individuals with the same email share a key", func(t *testing.T) {
		a, err := SignatureInput{SignerType: "individual", SignerName: "Ana", Email: "ANA@example.org", Region: "US-TX"}.Validate(individuals)
		if err != nil {
			t.Fatal(err)
		}
		b, err := SignatureInput{SignerType: "individual", Organization: "Otra", SignerName: "Ana L.", Email: "ana@example.org", Region: "US-NM"}.Validate(individuals)
		if err != nil {
			t.Fatal(err)
		}
		if a.OrgKey != b.OrgKey {
			t.Errorf("OrgKey = %q and %q, want equal", a.OrgKey, b.OrgKey)
		}
		c, err := SignatureInput{SignerType: "individual", SignerName: "Ana", Email: "other@example.org", Region: "US-TX"}.Validate(individuals)
		if err != nil {
			t.Fatal(err)
		}
		if a.OrgKey == c.OrgKey {
			t.Errorf("OrgKey = %q for different emails, want different", a.OrgKey)
		}
	})

	t.Run("problems", func(t *testing.T) {
		tests := []struct {
			name   string
			st     *Statement
			change func(in *SignatureInput)
			want   map[string]Problem
		}{
			{"organization required", st, func(in *SignatureInput) { in.Organization = "  " },
				map[string]Problem{"organization": {Code: ProblemRequired}}},
			{"organization required when signer_type is explicit", st, func(in *SignatureInput) { in.SignerType, in.Organization = "organization", "" },
				map[string]Problem{"organization": {Code: ProblemRequired}}},
			{"organization too long", st, func(in *SignatureInput) { in.Organization = strings.Repeat("é", MaxOrganization+1) },
				map[string]Problem{"organization": {Code: ProblemTooLong, Limit: MaxOrganization}}},
			{"signer_name required", st, func(in *SignatureInput) { in.SignerName = "" },
				map[string]Problem{"signer_name": {Code: ProblemRequired}}},
			{"signer_name too long", st, func(in *SignatureInput) { in.SignerName = strings.Repeat("ñ", MaxSignerName+1) },
				map[string]Problem{"signer_name": {Code: ProblemTooLong, Limit: MaxSignerName}}},
			{"signer_title too long", st, func(in *SignatureInput) { in.SignerTitle = strings.Repeat("x", MaxSignerTitle+1) },
				map[string]Problem{"signer_title": {Code: ProblemTooLong, Limit: MaxSignerTitle}}},
			{"city too long", st, func(in *SignatureInput) { in.City = strings.Repeat("x", MaxCity+1) },
				map[string]Problem{"city": {Code: ProblemTooLong, Limit: MaxCity}}},
			{"NUL in organization", st, func(in *SignatureInput) { in.Organization = "Casa\x00" },
				map[string]Problem{"organization": {Code: ProblemInvalidCharacters}}},
			{"control character in signer_name", st, func(in *SignatureInput) { in.SignerName = "Ana\x1b[31m" },
				map[string]Problem{"signer_name": {Code: ProblemInvalidCharacters}}},
			{"city not UTF-8", st, func(in *SignatureInput) { in.City = "Le\xf3n" },
				map[string]Problem{"city": {Code: ProblemInvalidCharacters}}},
			{"email required", st, func(in *SignatureInput) { in.Email = " " },
				map[string]Problem{"email": {Code: ProblemRequired}}},
			{"email without at", st, func(in *SignatureInput) { in.Email = "no-at" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"email without dot in domain", st, func(in *SignatureInput) { in.Email = "a@b" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"two emails", st, func(in *SignatureInput) { in.Email = "x@example.org, y@example.org" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"email with display name", st, func(in *SignatureInput) { in.Email = "Name <a@example.org>" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"email in angle brackets", st, func(in *SignatureInput) { in.Email = "<a@example.org>" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"email too long", st, func(in *SignatureInput) { in.Email = strings.Repeat("a", MaxEmail) + "@example.org" },
				map[string]Problem{"email": {Code: ProblemTooLong, Limit: MaxEmail}}},
			{"region required for US", st, func(in *SignatureInput) { in.Region = "" },
				map[string]Problem{"region": {Code: ProblemRegionRequired}}},
			{"region required for MX", st, func(in *SignatureInput) { in.Country, in.Region = "MX", "" },
				map[string]Problem{"region": {Code: ProblemRegionRequired}}},
			{"region required for CA", st, func(in *SignatureInput) { in.Country, in.Region = "ca", " " },
				map[string]Problem{"region": {Code: ProblemRegionRequired}}},
			{"region of another country", st, func(in *SignatureInput) { in.Country, in.Region = "US", "MX-CHH" },
				map[string]Problem{"region": {Code: ProblemUnknownRegion}}},
			{"region given outside a catalog", st, func(in *SignatureInput) { in.Country, in.Region = "GT", "US-TX" },
				map[string]Problem{"region": {Code: ProblemUnknownRegion}}},
			{"unknown region", st, func(in *SignatureInput) { in.Region = "US-XX" },
				map[string]Problem{"region": {Code: ProblemUnknownRegion}}},
			{"region without country prefix", st, func(in *SignatureInput) { in.Region = "TX" },
				map[string]Problem{"region": {Code: ProblemUnknownRegion}}},
			{"unknown country", st, func(in *SignatureInput) { in.Country = "ZZ" },
				map[string]Problem{"country": {Code: ProblemUnknownCountry}}},
			{"country name instead of code", st, func(in *SignatureInput) { in.Country = "Mexico" },
				map[string]Problem{"country": {Code: ProblemUnknownCountry}}},
			{"javascript website", st, func(in *SignatureInput) { in.Website = "javascript:alert(1)" },
				map[string]Problem{"website": {Code: ProblemInvalidURL}}},
			{"website without host", st, func(in *SignatureInput) { in.Website = "http://" },
				map[string]Problem{"website": {Code: ProblemInvalidURL}}},
			{"ftp website", st, func(in *SignatureInput) { in.Website = "ftp://example.org" },
				map[string]Problem{"website": {Code: ProblemInvalidURL}}},
			{"website without dot", st, func(in *SignatureInput) { in.Website = "localhost" },
				map[string]Problem{"website": {Code: ProblemInvalidURL}}},
			{"individual not allowed", st, func(in *SignatureInput) { in.SignerType, in.Organization = "individual", "" },
				map[string]Problem{"signer_type": {Code: ProblemInvalidChoice}}},
			{"unknown signer_type", individuals, func(in *SignatureInput) { in.SignerType = "robot" },
				map[string]Problem{"signer_type": {Code: ProblemInvalidChoice}}},
			{"individual with too long organization", individuals, func(in *SignatureInput) {
				in.SignerType, in.Organization = "individual", strings.Repeat("é", MaxOrganization+1)
			},
				map[string]Problem{"organization": {Code: ProblemTooLong, Limit: MaxOrganization}}},
			{"several problems", st, func(in *SignatureInput) { *in = SignatureInput{Email: "no-at", Country: "US", Region: "US-XX"} },
				map[string]Problem{
					"organization": {Code: ProblemRequired},
					"signer_name":  {Code: ProblemRequired},
					"email":        {Code: ProblemInvalidEmail},
					"region":       {Code: ProblemUnknownRegion},
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := validSignatureInput()
				tt.change(&in)
				got, err := in.Validate(tt.st)
				assertFields(t, err, tt.want)
				if got != nil {
					t.Errorf("Validate() returned %+v with an error, want nil", *got)
				}
			})
		}
	})
}

func TestInitialStatus(t *testing.T) {
	tests := []struct {
		name      string
		confirm   bool
		approval  Approval
		member    bool
		confirmed bool
		want      SignatureStatus
		flags     Flags
	}{
		{"confirmation required, not confirmed, approval none", true, ApprovalNone, false, false, SignatureUnconfirmed, ""},
		{"confirmation required, not confirmed, member, approval all", true, ApprovalAll, true, false, SignatureUnconfirmed, ""},
		{"confirmation required, not confirmed, approval non_members", true, ApprovalNonMembers, false, false, SignatureUnconfirmed, ""},
		{"confirmation required, confirmed, approval none", true, ApprovalNone, false, true, SignatureApproved, ""},
		{"confirmation required, confirmed, member, approval non_members", true, ApprovalNonMembers, true, true, SignatureApproved, ""},
		{"confirmation required, confirmed, non-member, approval non_members", true, ApprovalNonMembers, false, true, SignaturePending, ""},
		{"confirmation required, confirmed, member, approval all", true, ApprovalAll, true, true, SignaturePending, ""},
		{"no confirmation, approval none", false, ApprovalNone, false, false, SignatureApproved, ""},
		{"no confirmation, approval unset", false, "", false, false, SignatureApproved, ""},
		{"no confirmation, member, approval none", false, ApprovalNone, true, false, SignatureApproved, ""},
		{"no confirmation, member, approval non_members", false, ApprovalNonMembers, true, false, SignatureApproved, ""},
		{"no confirmation, non-member, approval non_members", false, ApprovalNonMembers, false, false, SignaturePending, ""},
		{"no confirmation, member, approval all", false, ApprovalAll, true, false, SignaturePending, ""},
		{"no confirmation, non-member, approval all", false, ApprovalAll, false, false, SignaturePending, ""},
		{"no confirmation, confirmed anyway, non-member, approval all", false, ApprovalAll, false, true, SignaturePending, ""},
		{"approval flagged, no flag", false, ApprovalFlagged, false, false, SignatureApproved, ""},
		{"approval flagged, flagged", false, ApprovalFlagged, false, false, SignaturePending, "free_mail"},
		{"approval flagged, member flagged", false, ApprovalFlagged, true, false, SignaturePending, "domain_mismatch"},
		{"approval flagged, flagged, not confirmed", true, ApprovalFlagged, false, false, SignatureUnconfirmed, "disposable"},
		{"approval none, flagged but not blocklisted", false, ApprovalNone, false, false, SignatureApproved, "free_mail"},
		{"approval none, blocklisted", false, ApprovalNone, false, false, SignaturePending, "blocklisted"},
		{"approval non_members, member blocklisted", false, ApprovalNonMembers, true, true, SignaturePending, "blocklisted,free_mail"},
		{"approval none, blocklisted, not confirmed", true, ApprovalNone, false, false, SignatureUnconfirmed, "blocklisted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &Statement{RequireConfirmation: tt.confirm, Approval: tt.approval}
			if got := InitialStatus(st, tt.member, tt.confirmed, tt.flags); got != tt.want {
				t.Errorf("InitialStatus(member=%v, confirmed=%v, flags=%q) = %q, want %q", tt.member, tt.confirmed, tt.flags, got, tt.want)
			}
		})
	}
}

func TestSignatureStatus_Active(t *testing.T) {
	tests := []struct {
		status SignatureStatus
		want   bool
	}{
		{SignatureUnconfirmed, true},
		{SignaturePending, true},
		{SignatureApproved, true},
		{SignatureRejected, false},
		{SignatureWithdrawn, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			if got := tt.status.Active(); got != tt.want {
				t.Errorf("Active() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSignatureInput_Validate_PunctuationOnlyOrganization(t *testing.T) {
	st := &Statement{ID: 1, Language: "en"}
	in := SignatureInput{Organization: "!!! —", SignerName: "Ana", Email: "ana@example.org", Country: "US", Region: "US-TX"}
	_, err := in.Validate(st)
	if got := ErrorFields(err)["organization"].Code; got != ProblemRequired {
		t.Fatalf("organization problem = %q, want %q (err %v)", got, ProblemRequired, err)
	}
}

func TestSignerEdited(t *testing.T) {
	member := int64(7)
	st := &Statement{Approval: ApprovalNonMembers}
	tests := []struct {
		name       string
		status     SignatureStatus
		source     Source
		memberID   *int64
		orgChanged bool
		want       SignatureStatus
		asMember   bool
	}{
		{"a reviewed signature corrected", SignatureApproved, SourceForm, nil, false, SignaturePending, false},
		{"renamed", SignatureApproved, SourceForm, nil, true, SignaturePending, false},
		{"renamed, linked to a member by name", SignatureApproved, SourceForm, &member, true, SignaturePending, false},
		{"renamed after signing through an invitation", SignatureApproved, SourceInvite, &member, true, SignaturePending, false},
		{"renamed through an invitation before confirming", SignatureUnconfirmed, SourceInvite, &member, true, SignatureUnconfirmed, false},
		{"invited member corrects the city", SignatureApproved, SourceInvite, &member, false, SignatureApproved, true},
		{"awaiting review stays so", SignaturePending, SourceForm, nil, true, SignaturePending, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := &Signature{Status: tt.status, Source: tt.source, MemberID: tt.memberID}
			SignerEdited(st, sig, tt.orgChanged)
			if sig.Status != tt.want || sig.SignsAsMember() != tt.asMember {
				t.Errorf("after SignerEdited: %q, as member %v; want %q, %v", sig.Status, sig.SignsAsMember(), tt.want, tt.asMember)
			}
			if tt.orgChanged && sig.MemberID != nil {
				t.Errorf("renamed signature still linked to member %d", *sig.MemberID)
			}
		})
	}
	sig := &Signature{Status: SignatureApproved}
	if SignerEdited(&Statement{Approval: ApprovalNone}, sig, true); sig.Status != SignatureApproved {
		t.Errorf("renamed without review = %q, want approved", sig.Status)
	}
}
