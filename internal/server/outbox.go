package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// outboxPage lists the emails Signon has sent or is sending. Without SMTP
// configured it is where a coordinator reads them, links included.
type outboxPage struct {
	*page
	Emails []*signon.Email
	Total  int
	PageN  int
	Pages  int
	Status string
	// Statuses are the filters offered besides all.
	Statuses []signon.EmailStatus
}

const outboxPerPage = 50

// handleOutbox serves GET /coordinate/outbox.
func (s *Server) handleOutbox(c echo.Context) error {
	status := signon.EmailStatus(c.QueryParam("status"))
	switch status {
	case "", signon.EmailQueued, signon.EmailSent, signon.EmailLogged, signon.EmailFailed:
	default:
		status = ""
	}
	n, _ := strconv.Atoi(c.QueryParam("page"))
	n = max(n, 1)
	list, total, err := s.db.Emails(c.Request().Context(), signon.EmailFilter{Status: status, Page: n, PerPage: outboxPerPage})
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("outbox.title"), true
	return s.render(c, http.StatusOK, "outbox", outboxPage{
		page: p, Emails: list, Total: total, PageN: n, Pages: max(1, (total+outboxPerPage-1)/outboxPerPage), Status: string(status),
		Statuses: []signon.EmailStatus{signon.EmailQueued, signon.EmailSent, signon.EmailLogged, signon.EmailFailed},
	})
}

// emailPage shows one email as its recipient reads it in plain text.
type emailPage struct {
	*page
	Email *signon.Email
	// AdminsOnly is set when the email's link was cut for this reader.
	AdminsOnly bool
}

// handleOutboxEmail serves GET /coordinate/outbox/:id.
func (s *Server) handleOutboxEmail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.db.EmailByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	data := emailPage{Email: e}
	// An account invitation's link makes whoever follows it an account
	// with the invited role, an admin's perhaps: only admins, who manage
	// accounts, may read it before delivery cuts it.
	if e.Kind == signon.EmailAccountInvite && !currentAccount(c).IsAdmin() {
		e.TextBody, e.HTMLBody = signon.RedactPrivateLinks(e.TextBody), signon.RedactPrivateLinks(e.HTMLBody)
		data.AdminsOnly = true
	}
	data.page = s.newPage(c, "")
	data.Title, data.NoIndex = e.Subject, true
	return s.render(c, http.StatusOK, "outbox_email", data)
}
