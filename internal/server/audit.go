package server

// The audit trail of a statement: every event, in the coalition's time
// zone, with who did what to which signature. The manage page shows the
// latest few through the same eventRows.

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

type auditPage struct {
	*page
	Statement *signon.Statement
	Events    []eventRow
	Oldest    bool // oldest first, instead of newest first
	Zone      string
}

// handleAudit serves GET /coordinate/statements/:id/audit.
func (s *Server) handleAudit(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("audit.title", "Title", st.Title), true
	data := auditPage{page: p, Statement: st, Oldest: c.QueryParam("order") == "oldest", Zone: s.cfg.Location.String()}
	if data.Events, err = s.eventRows(c, p, st, nil, 0); err != nil {
		return err
	}
	if data.Oldest {
		slices.Reverse(data.Events)
	}
	return s.render(c, http.StatusOK, "audit", data)
}

// eventLabel names an action in the page's language. Actions added later
// without a message show as they are, rather than as a message id.
func eventLabel(p *page, action string) string {
	for _, key := range []string{"review.event." + action, "coordinate.event." + action} {
		if msg := p.T(key); msg != key {
			return msg
		}
	}
	return action
}

// reviewEventDetail shows the detail of the events of review: the fields
// a correction changed, the two signatures of a merge, the count of an
// import, the reason of a rejection. ok is false for other events.
func reviewEventDetail(p *page, e *signon.Event) (detail string, ok bool) {
	switch e.Action {
	case "signature.update":
		changes, ok := signon.DecodeChanges(e.Detail)
		if !ok {
			return "", false
		}
		parts := make([]string, len(changes))
		for i, ch := range changes {
			parts[i] = p.T("audit.detail.change", "Field", fieldLabel(p, ch.Field), "From", shownValue(p, ch.Field, ch.From), "To", shownValue(p, ch.Field, ch.To))
		}
		return strings.Join(parts, "; "), true
	case "signature.merge":
		var m signon.Merge
		if err := json.Unmarshal([]byte(e.Detail), &m); err != nil {
			return "", false
		}
		detail = p.T("audit.detail.merge", "Merged", m.MergedName, "MergedID", m.Merged, "Kept", m.KeptName, "KeptID", m.Kept)
		if len(m.Filled) > 0 {
			fields := make([]string, len(m.Filled))
			for i, f := range m.Filled {
				fields[i] = fieldLabel(p, f)
			}
			detail += "; " + p.T("audit.detail.filled", "Fields", strings.Join(fields, ", "))
		}
		return detail, true
	case "signature.import":
		n, err := strconv.Atoi(e.Detail)
		if err != nil {
			return "", false
		}
		return p.T("audit.detail.import", "Count", n), true
	case "invitation.invite", "invitation.reminder", "member.import":
		n, err := strconv.Atoi(e.Detail)
		if err != nil {
			return "", false
		}
		return p.T("audit.detail.members", "Count", n), true
	case "signature.reject":
		change, reason, found := strings.Cut(e.Detail, "\n")
		if !found {
			return "", false
		}
		return statusChange(p, change) + "; " + p.T("audit.detail.reason", "Reason", reason), true
	}
	return "", false
}

// statusChange translates a status ("pending") or a change of status
// ("pending → approved").
func statusChange(p *page, detail string) string {
	parts := strings.Split(detail, " → ")
	for i, status := range parts {
		if msg := p.T("coordinate.signature_status." + status); msg != "coordinate.signature_status."+status {
			parts[i] = msg
		}
	}
	return strings.Join(parts, " → ")
}

// fieldLabel is the coordinators' label of a signature field.
func fieldLabel(p *page, field string) string {
	if label := p.T("review.field." + field); label != "review.field."+field {
		return label
	}
	return field
}

// shownValue quotes a field's value in an event, naming a region or a
// country in the page's language and saying when a value is empty.
func shownValue(p *page, field, v string) string {
	switch {
	case v == "":
		return p.T("audit.detail.empty")
	case field == "region":
		v = p.RegionName(v)
	case field == "country":
		v = p.CountryName(v)
	case field == "status":
		return p.T("coordinate.signature_status." + v)
	case field == "source":
		return p.T("coordinate.source." + v)
	}
	return "“" + v + "”"
}
