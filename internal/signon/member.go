package signon

import (
	"context"
	"strings"
	"time"
)

// Member is an organization on the coalition's roster. Its signatures
// find it by OrgKey, so "Casa de Maryland" and "CASA DE MARYLAND, Inc."
// are the same member.
type Member struct {
	ID        int64
	Name      string
	OrgKey    string
	Country   string
	Region    string
	City      string
	Website   string
	Email     string // where invitations go; private
	Language  string // of the invitations
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MemberInput is a member as a coordinator types it or a CSV row gives it.
type MemberInput struct {
	Name     string
	Country  string
	Region   string
	City     string
	Website  string
	Email    string
	Language string
}

// Validate checks in and returns the member it describes, not yet stored.
// The email is optional: a member without one cannot be invited.
func (in MemberInput) Validate() (*Member, error) {
	p := Problems{}
	name := collapseSpace(in.Name)
	requireText(p, "name", name, MaxOrganization)
	country, region := checkPlace(p, in.Country, in.Region)
	city := collapseSpace(in.City)
	optionalText(p, "city", city, MaxCity)
	website := checkWebsite(p, in.Website)
	email := strings.ToLower(strings.TrimSpace(in.Email))
	optionalText(p, "email", email, MaxEmail)
	if _, ok := p["email"]; !ok && email != "" && !validEmail(email) {
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
	return &Member{Name: name, OrgKey: key, Country: country, Region: region, City: city,
		Website: website, Email: email, Language: lang}, nil
}

// MemberService keeps the coalition's roster.
type MemberService interface {
	// CreateMember stores m; a member with the same OrgKey is an
	// ECONFLICT.
	CreateMember(ctx context.Context, m *Member) error
	MemberByID(ctx context.Context, id int64) (*Member, error)
}
