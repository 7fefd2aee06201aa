package signon

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// SignatureStatus is where a signature stands. Only approved signatures
// are public and counted.
type SignatureStatus string

const (
	SignatureUnconfirmed SignatureStatus = "unconfirmed" // waits for the signer to confirm by email
	SignaturePending     SignatureStatus = "pending"     // waits for a coordinator
	SignatureApproved    SignatureStatus = "approved"
	SignatureRejected    SignatureStatus = "rejected"
	SignatureWithdrawn   SignatureStatus = "withdrawn"
)

// Active reports whether a signature still stands for its organization,
// which is what makes a second one from the same group a duplicate.
func (s SignatureStatus) Active() bool {
	return s == SignatureUnconfirmed || s == SignaturePending || s == SignatureApproved
}

// SignerType says whether someone signs for an organization or as a person.
type SignerType string

const (
	SignerOrganization SignerType = "organization"
	SignerIndividual   SignerType = "individual"
)

// Source records how a signature arrived.
type Source string

const (
	SourceForm   Source = "form"
	SourceAPI    Source = "api"
	SourceInvite Source = "invite"
	SourceImport Source = "import"
	SourceManual Source = "manual"
)

// Signature is one organization (or person) signing one statement.
// Email is private: it is never shown publicly nor returned by the
// public API.
type Signature struct {
	ID               int64
	StatementID      int64
	SignerType       SignerType
	Organization     string
	OrgKey           string // OrganizationKey of Organization, or of the person for individuals
	SignerName       string
	SignerTitle      string
	Email            string
	City             string
	Country          string // ISO 3166-1 alpha-2
	Region           string // ISO 3166-2, empty outside US, MX, CA unless given
	Website          string
	Language         string
	Status           SignatureStatus
	Source           Source
	StatementVersion int
	MemberID         *int64
	RejectionReason  string // why a coordinator rejected it; coordinators only
	MergedIntoID     *int64 // the signature this duplicate was folded into
	ConfirmedAt      *time.Time
	ApprovedAt       *time.Time
	RejectedAt       *time.Time
	WithdrawnAt      *time.Time
	ErasedAt         *time.Time // when its personal data was erased (privacy.go)
	// AuthorityText is the affirmation the signer of an organization
	// checked, word for word as shown, in AuthorityLanguage, at
	// AuthorizedAt (authority.go); empty for a person, and for a
	// signature a coordinator added.
	AuthorityText     string
	AuthorityLanguage string
	AuthorizedAt      *time.Time
	// Flags are the reasons to look twice at it (authority.go).
	Flags     Flags
	CreatedAt time.Time
	UpdatedAt time.Time

	// Lead says the organization is one of the statement's lead signers
	// (lead.go). The mark is kept apart, by organization; the store
	// fills this in when it reads signatures.
	Lead bool `gorm:"-"`
}

// SignsAsMember reports whether s was made through a member's
// invitation, the only way to sign as the member (see InitialStatus). A
// MemberID alone does not say so: a signature whose organization
// matches a roster member by name is linked to it too, and anyone can
// type a name.
func (s *Signature) SignsAsMember() bool {
	return s.Source == SourceInvite && s.MemberID != nil
}

// Name is what the public list shows first: the organization, or the
// person for an individual signing without one.
func (s *Signature) Name() string {
	if s.Organization != "" {
		return s.Organization
	}
	return s.SignerName
}

// Limits on signature fields.
const (
	MaxOrganization = 200
	MaxSignerName   = 120
	MaxSignerTitle  = 120
	MaxEmail        = 254
	MaxCity         = 100
	MaxWebsite      = 300
)

// SignatureInput is what a signer submits, before validation.
type SignatureInput struct {
	SignerType   string
	Organization string
	SignerName   string
	SignerTitle  string
	Email        string
	City         string
	Country      string
	Region       string
	Website      string
	Language     string
	// Affirmation is the text of the affirmation of authority the signer
	// was shown, in Language; "" where none is asked (a coordinator's
	// addition or import). Where it is asked, an organization's
	// signature needs Authorized.
	Affirmation string
	Authorized  bool
}

// Validate checks in against the statement's policy and returns the
// signature it describes, not yet stored and without a status.
func (in SignatureInput) Validate(st *Statement) (*Signature, error) {
	p := Problems{}
	signerType := SignerType(in.SignerType)
	if signerType == "" {
		signerType = SignerOrganization
	}
	switch {
	case signerType == SignerIndividual && !st.AllowIndividuals,
		signerType != SignerIndividual && signerType != SignerOrganization:
		p.Add("signer_type", ProblemInvalidChoice, 0)
	}

	org := collapseSpace(in.Organization)
	if signerType == SignerOrganization {
		requireText(p, "organization", org, MaxOrganization)
	} else {
		optionalText(p, "organization", org, MaxOrganization)
	}
	name := collapseSpace(in.SignerName)
	requireText(p, "signer_name", name, MaxSignerName)
	title := collapseSpace(in.SignerTitle)
	optionalText(p, "signer_title", title, MaxSignerTitle)

	email := strings.TrimSpace(in.Email)
	requireText(p, "email", email, MaxEmail)
	if _, ok := p["email"]; !ok && !ValidEmail(email) {
		p.Add("email", ProblemInvalidEmail, 0)
	}
	city := collapseSpace(in.City)
	optionalText(p, "city", city, MaxCity)

	country, region := checkPlace(p, in.Country, in.Region)
	website := checkWebsite(p, in.Website)

	lang := in.SignatureLanguage(st)
	if in.Affirmation != "" && signerType == SignerOrganization && !in.Authorized {
		p.Add("authorized", ProblemAuthorityRequired, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}

	key := OrganizationKey(org)
	if signerType == SignerIndividual {
		// A person is the same person whatever group they name.
		key = "person:" + strings.ToLower(email)
	} else if key == "" {
		// A name of punctuation alone would collide with every other one.
		return nil, (Problems{"organization": {Code: ProblemRequired}}).Err()
	}
	sig := &Signature{
		StatementID:      st.ID,
		SignerType:       signerType,
		Organization:     org,
		OrgKey:           key,
		SignerName:       name,
		SignerTitle:      title,
		Email:            email,
		City:             city,
		Country:          country,
		Region:           region,
		Website:          website,
		Language:         lang,
		StatementVersion: st.Version,
	}
	if in.Affirmation != "" && signerType == SignerOrganization {
		sig.AuthorityText, sig.AuthorityLanguage = in.Affirmation, lang
	}
	return sig, nil
}

// SignatureLanguage is the language a signature of in on st is made in:
// the one given, or else the statement's.
func (in SignatureInput) SignatureLanguage(st *Statement) string {
	if ValidLanguage(in.Language) {
		return in.Language
	}
	return st.Language
}

// InitialStatus is the status a new signature starts in under the
// statement's policy: unconfirmed until the email is confirmed when the
// statement asks for it, then pending when a coordinator must approve it.
// member says whether the signer is on the coalition's roster; flags
// are the signature's (authority.go). A blocklisted signature waits for
// a coordinator whatever the policy.
func InitialStatus(st *Statement, member, confirmed bool, flags Flags) SignatureStatus {
	if st.RequireConfirmation && !confirmed {
		return SignatureUnconfirmed
	}
	switch {
	case flags.Has(FlagBlocklisted),
		st.Approval == ApprovalAll,
		st.Approval == ApprovalNonMembers && !member,
		st.Approval == ApprovalFlagged && flags != "":
		return SignaturePending
	}
	return SignatureApproved
}

// checkPlace normalizes a country (US when empty) and region, adding to
// p what is wrong with them.
func checkPlace(p Problems, country, region string) (string, string) {
	country = strings.ToUpper(strings.TrimSpace(country))
	if country == "" {
		country = "US"
	}
	region = strings.ToUpper(strings.TrimSpace(region))
	if _, ok := LookupCountry(country); !ok {
		p.Add("country", ProblemUnknownCountry, 0)
	} else if region == "" {
		if RegionRequired(country) {
			p.Add("region", ProblemRegionRequired, 0)
		}
	} else if r, ok := LookupRegion(region); !ok || r.Country != country {
		p.Add("region", ProblemUnknownRegion, 0)
	} else {
		region = r.Code
	}
	return country, region
}

// checkWebsite normalizes an optional website, adding https:// when no
// scheme is given, and adds to p what is wrong with it.
func checkWebsite(p Problems, website string) string {
	website = strings.TrimSpace(website)
	if website != "" && !strings.Contains(website, "://") {
		website = "https://" + website
	}
	optionalText(p, "website", website, MaxWebsite)
	if _, ok := p["website"]; !ok && website != "" && !validWebsite(website) {
		p.Add("website", ProblemInvalidURL, 0)
	}
	return website
}

// ValidEmail reports whether s is an address Signon accepts: a bare
// address, without a display name, on a domain with a dot.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " <>")
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.User == nil &&
		strings.Contains(u.Host, ".") && !strings.ContainsAny(u.Host, " @") && utf8.ValidString(s)
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// SignatureFilter selects signatures for a listing.
type SignatureFilter struct {
	StatementID int64
	Statuses    []SignatureStatus // empty means approved only
	Country     string
	Region      string
	// Query keeps the signatures whose organization (or, for a person,
	// name or organization) contains it, ignoring case and accents;
	// % and _ are plain characters, not wildcards.
	Query string
	// Member, when set, keeps only the signatures linked to a member of
	// the roster (true) or only those that are not (false).
	Member *bool
	// Lead, when set, keeps only the statement's lead signers (true) or
	// only the others (false).
	Lead *bool
	// Flag, when set, keeps only the signatures with that flag, or with
	// any flag for FlagAny.
	Flag Flag
	// ByRegion orders by country, region, then name, so a page can show
	// the list grouped by state; otherwise by name.
	ByRegion bool
	Page     int // from 1
	PerPage  int
}

// RegionCount is the number of approved signatures from one region.
type RegionCount struct {
	Region  string
	Country string
	Count   int
}

// CountryCount is the number of approved signatures from one country.
type CountryCount struct {
	Country string
	Count   int
}

// Stats summarizes who signed a statement, counting approved signatures.
type Stats struct {
	Total     int
	ByRegion  []RegionCount  // most signatures first, then by code
	ByCountry []CountryCount // most signatures first, then by code
	// Version grows with every change of what the public sees of the
	// statement's signatures (see store.CountsVersion); 0 for none.
	Version int64
}

// RegionsCounted is the number of distinct regions with a signature.
func (s *Stats) RegionsCounted() int { return len(s.ByRegion) }

// SignatureService stores signatures.
type SignatureService interface {
	// CreateSignature stores a new signature with its signer's private
	// links (tokens, given their hashes) and the emails that carry them,
	// in one transaction: a signature refused sends nothing. A second
	// active signature from the same organization is an ECONFLICT with
	// key "error.already_signed".
	CreateSignature(ctx context.Context, s *Signature, tokens []*SignatureToken, emails ...*Email) error
	Signatures(ctx context.Context, f SignatureFilter) ([]*Signature, int, error)
	SignatureStats(ctx context.Context, statementID int64) (*Stats, error)
	// SetSignatureStatus moves a signature of the statement to status
	// (approve, reject, withdraw), recording who did it.
	SetSignatureStatus(ctx context.Context, statementID, signatureID int64, status SignatureStatus, now time.Time, by int64) error
	// SignatureCounts returns the approved count per statement.
	SignatureCounts(ctx context.Context, statementIDs []int64) (map[int64]int, error)
	// EachSignature calls fn with every signature matching f, in the
	// order Signatures lists them, ignoring the page: exports stream the
	// rows one at a time instead of holding a whole list. An error from
	// fn stops the walk and is returned.
	EachSignature(ctx context.Context, f SignatureFilter, fn func(*Signature) error) error
}
