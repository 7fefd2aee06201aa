package server

// Outgoing webhooks: the endpoints a coordinator registers for one
// statement, or an admin for all, each endpoint's secret and its
// delivery log. Sending is the jobs' (internal/jobs/webhooks.go).

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// webhookAttemptsShown is how many of an endpoint's latest attempts its
// page lists.
const webhookAttemptsShown = 50

func statementWebhooksURL(id int64) string { return manageURL(id) + "/webhooks" }

func webhookURL(id int64) string { return "/coordinate/webhooks/" + strconv.FormatInt(id, 10) }

// newWebhookSecret makes an endpoint's secret: 32 random bytes, with a
// prefix that says what it is where it is pasted.
func newWebhookSecret() string { return "whsec_" + NewToken() }

// webhooksPage lists the endpoints of a statement, or of all statements
// when Statement is nil, with the form to add one.
type webhooksPage struct {
	*page
	Statement *signon.Statement
	Endpoints []*signon.WebhookEndpoint
	Events    []string
	Form      webhookForm
	Error     string
	Errors    map[string]string
}

// webhookForm is the form that registers an endpoint.
type webhookForm struct {
	URL    string
	Events []string
}

// Chosen reports whether event is ticked in the form.
func (f webhookForm) Chosen(event string) bool { return slices.Contains(f.Events, event) }

// GET /coordinate/statements/:id/webhooks
func (s *Server) handleStatementWebhooks(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	return s.renderWebhooks(c, http.StatusOK, st, webhookForm{Events: signon.WebhookEvents}, nil)
}

// GET /coordinate/webhooks (admins)
func (s *Server) handleAllWebhooks(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, nil, webhookForm{Events: signon.WebhookEvents}, nil)
}

func (s *Server) renderWebhooks(c echo.Context, status int, st *signon.Statement, form webhookForm, failure error) error {
	var statementID int64
	if st != nil {
		statementID = st.ID
	}
	list, err := s.db.WebhookEndpoints(c.Request().Context(), statementID)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("webhooks.title"), true
	data := webhooksPage{page: p, Statement: st, Endpoints: list, Events: signon.WebhookEvents, Form: form}
	if failure != nil {
		data.Error, data.Errors = p.Error(failure), p.Problems(failure)
	}
	return s.render(c, status, "webhooks", data)
}

// POST /coordinate/statements/:id/webhooks
func (s *Server) handleCreateStatementWebhook(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	return s.createWebhook(c, st)
}

// POST /coordinate/webhooks (admins)
func (s *Server) handleCreateWebhook(c echo.Context) error {
	return s.createWebhook(c, nil)
}

// createWebhook registers the endpoint of the posted form, for st or
// for all statements when st is nil, and shows it with its secret; a
// form with problems comes back as it was typed.
func (s *Server) createWebhook(c echo.Context, st *signon.Statement) error {
	form, _ := c.FormParams()
	f := webhookForm{URL: c.FormValue("url"), Events: form["events"]}
	ctx := c.Request().Context()
	addr, err := s.cfg.Webhooks.CheckURL(ctx, f.URL)
	events, eventsErr := signon.NormalizeWebhookEvents(f.Events)
	if err == nil {
		err = eventsErr
	} else if eventsErr != nil {
		err = mergeProblems(err, eventsErr)
	}
	e := &signon.WebhookEndpoint{URL: addr, Events: events, Secret: newWebhookSecret(), CreatedBy: accountRef(currentAccount(c).ID)}
	if st != nil {
		e.StatementID = &st.ID
	}
	if err == nil {
		err = s.db.CreateWebhookEndpoint(ctx, e)
	}
	if status, ok := formFailure(err); ok {
		return s.renderWebhooks(c, status, st, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, webhookURL(e.ID)+"?done=created")
}

// mergeProblems is one invalid-fields error with the field problems of
// both a and b.
func mergeProblems(a, b error) error {
	p := signon.Problems{}
	for _, err := range []error{a, b} {
		for field, problem := range signon.ErrorFields(err) {
			p.Add(field, problem.Code, problem.Limit)
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return a
}

func accountRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// webhookPage is one endpoint: its address, events, secret, last status
// and latest attempts.
type webhookPage struct {
	*page
	Endpoint  *signon.WebhookEndpoint
	Statement *signon.Statement // nil for an endpoint of all statements
	Attempts  []signon.WebhookAttempt
	Done      string
}

var errWebhookAdminOnly = signon.KeyedError(signon.EFORBIDDEN, "webhooks.error.admin_only",
	"Only administrators can manage the webhooks of all statements.")

// requireWebhookAdmin lets only admins at the webhooks of all statements.
func requireWebhookAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentAccount(c).IsAdmin() {
			return errWebhookAdminOnly
		}
		return next(c)
	}
}

// pathWebhook is the endpoint named by the path's :wid, if the account
// may manage it: any coordinator a statement's, admins only those of
// all statements.
func (s *Server) pathWebhook(c echo.Context) (*signon.WebhookEndpoint, *signon.Statement, error) {
	id, err := pathID(c, "wid")
	if err != nil {
		return nil, nil, err
	}
	ctx := c.Request().Context()
	e, err := s.db.WebhookEndpoint(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if e.StatementID == nil {
		if !currentAccount(c).IsAdmin() {
			return nil, nil, errWebhookAdminOnly
		}
		return e, nil, nil
	}
	st, err := s.db.StatementByID(ctx, *e.StatementID)
	if err != nil {
		return nil, nil, err
	}
	return e, st, nil
}

// GET /coordinate/webhooks/:wid
func (s *Server) handleWebhook(c echo.Context) error {
	e, st, err := s.pathWebhook(c)
	if err != nil {
		return err
	}
	attempts, err := s.db.WebhookAttempts(c.Request().Context(), e.ID, webhookAttemptsShown)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("webhooks.endpoint.title"), true
	data := webhookPage{page: p, Endpoint: e, Statement: st, Attempts: attempts}
	switch done := c.QueryParam("done"); done {
	case "created", "rotated":
		data.Done = p.T("webhooks.done." + done)
	}
	return s.render(c, http.StatusOK, "webhook", data)
}

// POST /coordinate/webhooks/:wid/rotate
func (s *Server) handleRotateWebhookSecret(c echo.Context) error {
	e, _, err := s.pathWebhook(c)
	if err != nil {
		return err
	}
	if err := s.db.RotateWebhookSecret(c.Request().Context(), e.ID, newWebhookSecret(), currentAccount(c).ID); err != nil {
		return err
	}
	return redirect(c, webhookURL(e.ID)+"?done=rotated")
}

// POST /coordinate/webhooks/:wid/delete
func (s *Server) handleDeleteWebhook(c echo.Context) error {
	e, st, err := s.pathWebhook(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteWebhookEndpoint(c.Request().Context(), e.ID, currentAccount(c).ID); err != nil {
		return err
	}
	if st != nil {
		return redirect(c, statementWebhooksURL(st.ID))
	}
	return redirect(c, "/coordinate/webhooks")
}
