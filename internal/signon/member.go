package signon

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Member is an organization on the coalition's roster. Its signatures
// find it by OrgKey, so "Casa de Maryland" and "CASA DE MARYLAND, Inc."
// are the same member.
type Member struct {
	ID          int64
	Name        string
	OrgKey      string
	ContactName string // who signs for it; fills an invitation's sign form
	Country     string
	Region      string
	City        string
	Website     string
	Email       string // where invitations go; private
	Language    string // of the invitations
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// MaxContactName is the longest contact name, the sign form's limit on a
// signer's name.
const MaxContactName = MaxSignerName

// Problem codes of a roster import, beyond those of a single member.
const (
	// ProblemOnRoster: the organization is already a member.
	ProblemOnRoster = "on_roster"
	// ProblemInvitationOrganization: an invitation signs for its member
	// only, under the member's name.
	ProblemInvitationOrganization = "invitation_organization"
)

// MemberInput is a member as a coordinator types it or a CSV row gives it.
type MemberInput struct {
	Name        string
	ContactName string
	Country     string // a code or a name, read by ParseCountry
	Region      string // a code (US-TX or TX) or a name, read by ParseRegion
	City        string
	Website     string
	Email       string
	Language    string
}

// Validate checks in and returns the member it describes, not yet stored.
// The email is optional: a member without one cannot be invited.
func (in MemberInput) Validate() (*Member, error) {
	p := Problems{}
	name := collapseSpace(in.Name)
	requireText(p, "name", name, MaxOrganization)
	contact := collapseSpace(in.ContactName)
	optionalText(p, "contact_name", contact, MaxContactName)
	country := ParseCountry(in.Country)
	country, region := checkPlace(p, country, ParseRegion(country, in.Region))
	city := collapseSpace(in.City)
	optionalText(p, "city", city, MaxCity)
	website := checkWebsite(p, in.Website)
	email := strings.ToLower(strings.TrimSpace(in.Email))
	optionalText(p, "email", email, MaxEmail)
	if _, ok := p["email"]; !ok && email != "" && !ValidEmail(email) {
		p.Add("email", ProblemInvalidEmail, 0)
	}
	lang := strings.ToLower(strings.TrimSpace(in.Language))
	if lang == "" {
		lang = Languages[0]
	} else if !ValidLanguage(lang) {
		p.Add("language", ProblemInvalidChoice, 0)
	}
	key := OrganizationKey(name)
	if _, ok := p["name"]; !ok && key == "" {
		p.Add("name", ProblemRequired, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &Member{Name: name, OrgKey: key, ContactName: contact, Country: country, Region: region,
		City: city, Website: website, Email: email, Language: lang}, nil
}

// MemberFilter selects members of the roster.
type MemberFilter struct {
	Region string // ISO 3166-2, or a country code for its members without a region
	// Query keeps the members whose name, contact, city or email
	// contains it, ignoring case and accents.
	Query string
}

// Invitation kinds: the first message to a member about a statement, and
// the reminders that follow it.
const (
	InvitationInvite   = "invite"
	InvitationReminder = "reminder"
)

// ReminderInterval is the least time between two messages to one member
// about one statement: invitations and reminders never come closer.
const ReminderInterval = 24 * time.Hour

// Invitation is one message inviting a member to sign a statement. Its
// link carries a random token that only the member's mailbox has; the
// store keeps the token's SHA-256.
type Invitation struct {
	ID          int64
	StatementID int64
	MemberID    int64
	Kind        string
	TokenHash   string
	CreatedBy   *int64
	CreatedAt   time.Time
}

// MemberStanding is where one member stands on one statement.
type MemberStanding struct {
	*Member
	// Signature is the member's standing signature (unconfirmed, pending
	// or approved), found by member id or organization key; nil when it
	// has not signed.
	Signature *Signature
	// LastInvited is when the last invitation or reminder about the
	// statement went to the member; nil if none did.
	LastInvited *time.Time
	// Lead says the member is marked as a lead signer of the statement.
	Lead bool
}

// Signed reports whether the member has a standing signature.
func (m *MemberStanding) Signed() bool { return m.Signature != nil }

// MayRemind reports whether a reminder may go to the member at now: it
// has an address, has not signed, and has had no message about the
// statement in the last ReminderInterval.
func (m *MemberStanding) MayRemind(now time.Time) bool {
	return m.Email != "" && !m.Signed() && (m.LastInvited == nil || !m.LastInvited.After(now.Add(-ReminderInterval)))
}

// RegionTally counts the members of one region (or of one country without
// regions, Region empty) and how many of them signed.
type RegionTally struct {
	Country string
	Region  string
	Members int
	Signed  int
}

// NotSigned is the number of the region's members without a signature.
func (t RegionTally) NotSigned() int { return t.Members - t.Signed }

// TallyByRegion counts members and signers by region, the regions with
// most members first.
func TallyByRegion(list []*MemberStanding) []RegionTally {
	index := map[[2]string]int{}
	var out []RegionTally
	for _, m := range list {
		k := [2]string{m.Country, m.Region}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, RegionTally{Country: m.Country, Region: m.Region})
		}
		out[i].Members++
		if m.Signed() {
			out[i].Signed++
		}
	}
	slices.SortFunc(out, func(a, b RegionTally) int {
		return cmp.Or(cmp.Compare(b.Members, a.Members), cmp.Compare(a.Country, b.Country), cmp.Compare(a.Region, b.Region))
	})
	return out
}

// InvitationResult says what a round of invitations or reminders did.
type InvitationResult struct {
	Sent    int
	Skipped int // signed, without an address, or written to too recently
}

// ComposeInvitation renders the email of an invitation of kind to m,
// whose one-click link carries token.
type ComposeInvitation func(m *Member, kind, token string) (*Email, error)

// MemberService keeps the coalition's roster.
type MemberService interface {
	// CreateMember stores m; a member with the same OrgKey is an
	// ECONFLICT.
	CreateMember(ctx context.Context, m *Member) error
	MemberByID(ctx context.Context, id int64) (*Member, error)
	// UpdateMember saves m; taking another member's OrgKey is an
	// ECONFLICT.
	UpdateMember(ctx context.Context, m *Member) error
	// DeleteMember removes member id from the roster; its signatures stay,
	// no longer linked to it.
	DeleteMember(ctx context.Context, id int64) error
	// Members lists the roster by name.
	Members(ctx context.Context, f MemberFilter) ([]*Member, error)
	// MembersByOrgKey returns the members among keys, by key.
	MembersByOrgKey(ctx context.Context, keys []string) (map[string]*Member, error)
	// ImportMembers adds every member of list in one transaction, or none.
	ImportMembers(ctx context.Context, list []*Member, by int64) error

	// MemberStandings lists every member with where it stands on the
	// statement.
	MemberStandings(ctx context.Context, statementID int64) ([]*MemberStanding, error)
	// MemberSignature returns m's standing signature of the statement,
	// or nil when it has not signed.
	MemberSignature(ctx context.Context, statementID int64, m *Member) (*Signature, error)
	// SendInvitations invites the members ids to sign the statement at
	// now, skipping those that signed, have no address, or had a message
	// about it within ReminderInterval.
	SendInvitations(ctx context.Context, statementID int64, ids []int64, now time.Time, by int64, compose ComposeInvitation) (InvitationResult, error)
	// SendReminders reminds every member who may be reminded at now.
	SendReminders(ctx context.Context, statementID int64, now time.Time, by int64, compose ComposeInvitation) (InvitationResult, error)
	// InvitationByToken finds the invitation whose link carries token.
	InvitationByToken(ctx context.Context, token string) (*Invitation, error)
}
