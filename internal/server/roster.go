package server

// The coalition's roster: the member organizations coordinators invite
// to sign, kept by hand here or imported from a spreadsheet
// (roster_import.go). Where each member stands on a statement, and the
// invitations, are in invitations.go.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// memberForm is the member form as the browser posts it, mapped field by
// field to signon.MemberInput.
type memberForm struct {
	Name        string `form:"name"`
	ContactName string `form:"contact_name"`
	Email       string `form:"email"`
	City        string `form:"city"`
	Country     string `form:"country"`
	Region      string `form:"region"`
	Website     string `form:"website"`
	Language    string `form:"language"`
}

func (f memberForm) input() signon.MemberInput {
	return signon.MemberInput{
		Name: f.Name, ContactName: f.ContactName, Email: f.Email, City: f.City,
		Country: f.Country, Region: f.Region, Website: f.Website, Language: f.Language,
	}
}

func memberFormOf(m *signon.Member) memberForm {
	return memberForm{
		Name: m.Name, ContactName: m.ContactName, Email: m.Email, City: m.City,
		Country: m.Country, Region: m.Region, Website: m.Website, Language: m.Language,
	}
}

// memberFields are the member form's fields in the order shown, which is
// the order of its error summary.
var memberFields = []string{"name", "contact_name", "email", "city", "country", "region", "website", "language"}

func memberURL(id int64) string { return "/coordinate/members/" + strconv.FormatInt(id, 10) }

// --- The roster ---

type rosterPage struct {
	*page
	Members []*signon.Member
	Total   int // the whole roster, whatever the filter
	Region  string
	Query   string
	Tally   []signon.RegionTally
	Done    string
}

// FilterURL is the roster showing the members of region, or all for "".
func (p rosterPage) FilterURL(region string) string {
	return urlWithQuery("/coordinate/members", "region", region, "q", p.Query)
}

// urlWithQuery is base with the non-empty values of kv (name, value, …).
func urlWithQuery(base string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// handleRoster serves GET /coordinate/members.
func (s *Server) handleRoster(c echo.Context) error {
	ctx := c.Request().Context()
	all, err := s.db.Members(ctx, signon.MemberFilter{})
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("roster.title"), true
	data := rosterPage{page: p, Total: len(all), Query: strings.TrimSpace(c.QueryParam("q"))}
	standings := make([]*signon.MemberStanding, len(all))
	for i, m := range all {
		standings[i] = &signon.MemberStanding{Member: m}
	}
	data.Tally = signon.TallyByRegion(standings)
	for _, t := range data.Tally {
		if r := strings.ToUpper(c.QueryParam("region")); r != "" && (r == t.Region || t.Region == "" && r == t.Country) {
			data.Region = r
		}
	}
	if data.Region == "" && data.Query == "" {
		data.Members = all
	} else if data.Members, err = s.db.Members(ctx, signon.MemberFilter{Region: data.Region, Query: data.Query}); err != nil {
		return err
	}
	switch done := c.QueryParam("done"); done {
	case "created", "saved", "removed":
		data.Done = p.T("roster.done." + done)
	case "imported":
		n, _ := strconv.Atoi(c.QueryParam("n"))
		data.Done = p.T("roster.done.imported", "Count", n)
	}
	return s.render(c, http.StatusOK, "roster", data)
}

// --- Adding, editing and removing a member ---

type memberFormPage struct {
	*page
	Form      memberForm
	Member    *signon.Member // nil for a new member
	Action    string
	Errors    map[string]string
	ErrorList []fieldProblem
	Error     string
	Languages []string
}

// CountryOptions lists every country, the coalition's three first.
func (p memberFormPage) CountryOptions() []selectOption {
	chosen := strings.ToUpper(strings.TrimSpace(p.Form.Country))
	if chosen == "" {
		chosen = "US"
	}
	return countryChoices(p.page, chosen)
}

// RegionGroups lists the states and provinces by country, as the sign
// form does; app.js shows only the chosen country's.
func (p memberFormPage) RegionGroups() []selectGroup {
	return regionChoices(p.page, strings.ToUpper(strings.TrimSpace(p.Form.Region)))
}

func (s *Server) renderMemberForm(c echo.Context, status int, m *signon.Member, f memberForm, formErr error) error {
	p := s.newPage(c, "")
	p.NoIndex = true
	data := memberFormPage{Form: f, Member: m, Action: "/coordinate/members", Languages: signon.Languages}
	if m == nil {
		p.Title, p.Path = p.T("roster.form.new_title"), "/coordinate/members/new"
	} else {
		p.Title, p.Path = p.T("roster.form.edit_title", "Name", m.Name), memberURL(m.ID)+"/edit"
		data.Action = memberURL(m.ID)
	}
	data.page = p
	if formErr != nil {
		data.Errors, data.Error = p.Problems(formErr), p.Error(formErr)
		for _, field := range memberFields {
			if msg, ok := data.Errors[field]; ok {
				data.ErrorList = append(data.ErrorList, fieldProblem{Field: field, Message: msg})
			}
		}
	}
	return s.render(c, status, "roster_member", data)
}

// handleNewMember serves GET /coordinate/members/new.
func (s *Server) handleNewMember(c echo.Context) error {
	return s.renderMemberForm(c, http.StatusOK, nil, memberForm{Country: "US", Language: s.translator(c).lang}, nil)
}

// handleCreateMember serves POST /coordinate/members.
func (s *Server) handleCreateMember(c echo.Context) error {
	var f memberForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	m, err := f.input().Validate()
	if err == nil {
		err = s.db.CreateMember(c.Request().Context(), m)
	}
	if status, ok := formFailure(err); ok {
		return s.renderMemberForm(c, status, nil, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, "/coordinate/members?done=created")
}

// pathMember loads the member of the :id parameter.
func (s *Server) pathMember(c echo.Context) (*signon.Member, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.db.MemberByID(c.Request().Context(), id)
}

// handleEditMember serves GET /coordinate/members/:id/edit.
func (s *Server) handleEditMember(c echo.Context) error {
	m, err := s.pathMember(c)
	if err != nil {
		return err
	}
	return s.renderMemberForm(c, http.StatusOK, m, memberFormOf(m), nil)
}

// handleUpdateMember serves POST /coordinate/members/:id.
func (s *Server) handleUpdateMember(c echo.Context) error {
	stored, err := s.pathMember(c)
	if err != nil {
		return err
	}
	var f memberForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	m, err := f.input().Validate()
	if err == nil {
		m.ID = stored.ID
		err = s.db.UpdateMember(c.Request().Context(), m)
	}
	if status, ok := formFailure(err); ok {
		return s.renderMemberForm(c, status, stored, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, "/coordinate/members?done=saved")
}

// handleDeleteMember serves POST /coordinate/members/:id/delete.
func (s *Server) handleDeleteMember(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.db.DeleteMember(c.Request().Context(), id); err != nil {
		return err
	}
	return redirect(c, "/coordinate/members?done=removed")
}

// memberInput is what the roster_input template needs to draw one input.
type memberInput struct {
	Name, Type, Autocomplete string
	Required                 bool
	MaxLength                int
	Label, Hint, Value       string
	Error, Optional          string
}

// Input prepares the text input of field name.
func (p memberFormPage) Input(name, typ, autocomplete string, required bool, maxLength int) memberInput {
	in := memberInput{
		Name: name, Type: typ, Autocomplete: autocomplete, Required: required, MaxLength: maxLength,
		Label: p.T("roster.field." + name), Error: p.Errors[name], Optional: p.T("public.field.optional"),
	}
	if hint := p.T("roster.hint." + name); hint != "roster.hint."+name {
		in.Hint = hint
	}
	switch name {
	case "name":
		in.Value = p.Form.Name
	case "contact_name":
		in.Value = p.Form.ContactName
	case "email":
		in.Value = p.Form.Email
	case "city":
		in.Value = p.Form.City
	case "website":
		in.Value = p.Form.Website
	}
	return in
}
