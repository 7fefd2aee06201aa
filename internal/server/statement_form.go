package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// statementForm is the coordinators' form for creating and editing a
// statement, as the browser sends it: every field a string, so what a
// person typed can be shown again exactly when something is wrong.
type statementForm struct {
	Kind        string `form:"kind"`
	Title       string `form:"title"`
	Slug        string `form:"slug"`
	Summary     string `form:"summary"`
	AddressedTo string `form:"addressed_to"`
	Occasion    string `form:"occasion"`
	Body        string `form:"body"`
	Language    string `form:"language"`
	RespondsTo  string `form:"responds_to"` // a statement id, or empty
	ClosesAt    string `form:"closes_at"`   // datetime-local, in the coalition's zone
	// RetentionMonths is how long after closing personal data is kept,
	// in months; empty or 0 for the default (signon/privacy.go).
	RetentionMonths string `form:"retention_months"`
	// Signers is "organizations" or "individuals" (organizations and
	// individuals).
	Signers string `form:"signers"`
	// RequireConfirmation is a checkbox: present when ticked, whatever
	// its value.
	RequireConfirmation string `form:"require_confirmation"`
	Approval            string `form:"approval"`
	Visibility          string `form:"visibility"`
	// Preview, set by the Preview button, asks for the form back with the
	// body rendered instead of saving.
	Preview string `form:"preview"`
	// ConfirmVersion is the checkbox that confirms a change to a signed
	// text: its value is the version the change creates (versions.go).
	ConfirmVersion string `form:"confirm_version"`
}

// Values of statementForm.Signers.
const (
	signersOrganizations = "organizations"
	signersIndividuals   = "individuals"
)

// datetimeLocal is the format of <input type="datetime-local">; browsers
// send seconds only when the input's step asks for them.
const datetimeLocal = "2006-01-02T15:04"

// parseLocalTime reads a datetime-local value as a time in loc. An empty
// value is no time; a malformed one is an error.
func parseLocalTime(v string, loc *time.Location) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{datetimeLocal, datetimeLocal + ":05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			t = t.UTC()
			return &t, true
		}
	}
	return nil, false
}

// formatLocalTime writes t as a datetime-local value in loc.
func formatLocalTime(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(datetimeLocal)
}

// newStatementForm is the form for a new statement: the policy most
// coalition letters use, in the coordinator's language.
func newStatementForm(lang string) statementForm {
	return statementForm{
		Kind:       string(signon.KindLetter),
		Language:   lang,
		Signers:    signersOrganizations,
		Approval:   string(signon.ApprovalNone),
		Visibility: string(signon.VisibleWhileOpen),
	}
}

// statementFormOf fills the form with a stored statement, for editing.
func statementFormOf(st *signon.Statement, loc *time.Location) statementForm {
	f := statementForm{
		Kind:            string(st.Kind),
		Title:           st.Title,
		Slug:            st.Slug,
		Summary:         st.Summary,
		AddressedTo:     st.AddressedTo,
		Occasion:        st.Occasion,
		Body:            st.Body,
		Language:        st.Language,
		ClosesAt:        formatLocalTime(st.ClosesAt, loc),
		RetentionMonths: retentionValue(st.RetentionMonths),
		Signers:         signersOrganizations,
		Approval:        string(st.Approval),
		Visibility:      string(st.Visibility),
	}
	if st.RespondsToID != nil {
		f.RespondsTo = strconv.FormatInt(*st.RespondsToID, 10)
	}
	if st.AllowIndividuals {
		f.Signers = signersIndividuals
	}
	if st.RequireConfirmation {
		f.RequireConfirmation = "1"
	}
	return f
}

// input maps the form to the domain's StatementInput, reading times in
// loc. Problems are what could not even be parsed (a malformed time, an id
// that is not a number); the domain validates the rest.
func (f statementForm) input(loc *time.Location) (signon.StatementInput, signon.Problems) {
	p := signon.Problems{}
	in := signon.StatementInput{
		Slug:                strings.ToLower(strings.TrimSpace(f.Slug)),
		Kind:                f.Kind,
		Title:               f.Title,
		Summary:             f.Summary,
		Body:                f.Body,
		AddressedTo:         f.AddressedTo,
		Occasion:            f.Occasion,
		Language:            f.Language,
		RequireConfirmation: f.RequireConfirmation != "",
		Approval:            f.Approval,
		Visibility:          f.Visibility,
	}
	switch f.Signers {
	case "", signersOrganizations:
	case signersIndividuals:
		in.AllowIndividuals = true
	default:
		p.Add("signers", signon.ProblemInvalidChoice, 0)
	}
	if v := strings.TrimSpace(f.RespondsTo); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			in.RespondsToID = &id
		} else {
			p.Add("responds_to", signon.ProblemInvalidChoice, 0)
		}
	}
	if t, ok := parseLocalTime(f.ClosesAt, loc); ok {
		in.ClosesAt = t
	} else {
		p.Add("closes_at", signon.ProblemInvalidTime, 0)
	}
	in.RetentionMonths = parseRetentionMonths(p, f.RetentionMonths)
	return in, p
}

// parseRetentionMonths reads the retention field: empty is 0, the
// default; what is not a whole number is a problem at the field, as is
// a number out of range (which the domain finds).
func parseRetentionMonths(p signon.Problems, v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		p.Add("retention_months", signon.ProblemRetentionMonths, signon.MaxRetentionMonths)
		return 0
	}
	return n
}

// retentionValue shows a stored retention in the form: empty for the
// default.
func retentionValue(months int) string {
	if months == 0 {
		return ""
	}
	return strconv.Itoa(months)
}

// applyTo validates the form and copies it onto st at now. The error, if
// any, is an EINVALID *signon.Error naming every field with a problem:
// those found while parsing and those the domain finds.
func (f statementForm) applyTo(st *signon.Statement, loc *time.Location, now time.Time) error {
	in, p := f.input(loc)
	// The form shows times to the minute. A deadline sent back as it was
	// shown is the stored one, not a new one (which, once passed, the
	// domain would refuse).
	if in.ClosesAt != nil && st.ClosesAt != nil && in.ClosesAt.Equal(st.ClosesAt.Truncate(time.Minute)) {
		in.ClosesAt = st.ClosesAt
	}
	// Validate on a copy, so a form that cannot be saved changes nothing.
	scratch := *st
	if err := in.Apply(&scratch, now); err != nil {
		if signon.ErrorCode(err) != signon.EINVALID {
			return err
		}
		for field, problem := range signon.ErrorFields(err) {
			p.Add(field, problem.Code, problem.Limit)
		}
	}
	// A web address left empty is made from the title: without a title
	// the missing address is the same problem, said once, at the title.
	if _, ok := p["title"]; ok && in.Slug == "" {
		delete(p, "slug")
	}
	if err := p.Err(); err != nil {
		return err
	}
	*st = scratch
	return nil
}
