package server

// The coordinators' pages: the dashboard of every statement, the form that
// drafts and edits one, and the page that manages it (lifecycle, the
// signatures to review, the audit trail). Every route here is behind
// requireAccount; any coordinator may manage any statement.

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// stateScheduled joins the lifecycle's statuses in what coordinators see:
// a statement set to open at a later time, which the public does not see
// yet but which no longer needs anyone to open it.
const stateScheduled = "scheduled"

// dashboardOrder is the order of the dashboard's groups: what needs
// attention now (open, about to open) before what is being drafted or done.
var dashboardOrder = []string{
	string(signon.StatusOpen), stateScheduled, string(signon.StatusDraft),
	string(signon.StatusClosed), string(signon.StatusPublished),
}

// allSignatureStatuses lists every status, in the order of review.
var allSignatureStatuses = []signon.SignatureStatus{
	signon.SignaturePending, signon.SignatureUnconfirmed, signon.SignatureApproved,
	signon.SignatureRejected, signon.SignatureWithdrawn,
}

// signaturesPerPage is how many signatures the manage page lists at once.
const signaturesPerPage = 100

// latestEvents is how much of the audit trail the manage page shows; the
// audit page (audit.go) shows all of it.
const latestEvents = 10

// effectiveState is the state coordinators see at now: the effective
// status, or stateScheduled.
func effectiveState(st *signon.Statement, now time.Time) string {
	if st.Scheduled(now) {
		return stateScheduled
	}
	return string(st.EffectiveStatus(now))
}

// --- Dashboard ---

type dashboardRow struct {
	*signon.Statement
	State    string
	Count    int
	IsPublic bool
}

type dashboardGroup struct {
	State string
	Rows  []dashboardRow
}

type dashboardPage struct {
	*page
	Groups []dashboardGroup
}

// handleDashboard serves GET /coordinate.
func (s *Server) handleDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.db.Statements(ctx, signon.StatementFilter{})
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, st := range list {
		ids[i] = st.ID
	}
	counts, err := s.db.SignatureCounts(ctx, ids)
	if err != nil {
		return err
	}
	byState := map[string][]dashboardRow{}
	now := s.now()
	for _, st := range list {
		state := effectiveState(st, now)
		byState[state] = append(byState[state], dashboardRow{Statement: st, State: state, Count: counts[st.ID], IsPublic: st.Public(now)})
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("coordinate.dashboard.title"), true
	data := dashboardPage{page: p}
	for _, state := range dashboardOrder {
		if rows := byState[state]; len(rows) > 0 {
			data.Groups = append(data.Groups, dashboardGroup{State: state, Rows: rows})
		}
	}
	return s.render(c, http.StatusOK, "coordinate_dashboard", data)
}

// --- Creating and editing ---

// statementFormPage is the form, blank, filled from a statement, or as
// submitted with its problems.
type statementFormPage struct {
	*page
	Form      statementForm
	Statement *signon.Statement // nil for a new statement
	Others    []*signon.Statement
	Kinds     []signon.Kind
	Languages []string
	Zone      string
	Action    string
	Errors    map[string]string
	ErrorList []fieldProblem // Errors in the order of the form
	Error     string
	Preview   template.HTML
	// Versioning, when organizations signed the current text, says that
	// a change makes a new version and asks to confirm it (versions.go).
	Versioning *versionNotice
}

// fieldProblem is one line of a form's error summary.
type fieldProblem struct {
	Field   string
	Message string
}

// statementFields are the statement form's fields in the order shown.
var statementFields = []string{
	"kind", "title", "slug", "summary", "addressed_to", "occasion", "body", "language",
	"responds_to", "closes_at", "retention_months", "signers", "approval", "visibility", "confirm_version",
}

func (s *Server) renderStatementForm(c echo.Context, status int, st *signon.Statement, f statementForm, formErr error) error {
	others, err := s.db.Statements(c.Request().Context(), signon.StatementFilter{})
	if err != nil {
		return err
	}
	data := statementFormPage{
		Form:      f,
		Statement: st,
		Kinds:     signon.Kinds,
		Languages: signon.Languages,
		Zone:      s.cfg.Location.String(),
		Action:    "/coordinate/statements",
	}
	for _, o := range others {
		if st == nil || o.ID != st.ID {
			data.Others = append(data.Others, o)
		}
	}
	p := s.newPage(c, "")
	p.NoIndex = true
	// The language switch leads to the form's own page, also after a post.
	if st == nil {
		p.Title, p.Path = p.T("coordinate.form.new_title"), "/coordinate/statements/new"
	} else {
		p.Title, p.Path = p.T("coordinate.form.edit_title", "Title", st.Title), manageURL(st.ID)+"/edit"
		data.Action = manageURL(st.ID)
	}
	data.page = p
	if data.Versioning, err = s.versionNoticeFor(c, st, f, formErr); err != nil {
		return err
	}
	if formErr != nil {
		data.Errors, data.Error = p.Problems(formErr), p.Error(formErr)
		for _, field := range statementFields {
			if msg, ok := data.Errors[field]; ok {
				data.ErrorList = append(data.ErrorList, fieldProblem{Field: field, Message: msg})
			}
		}
	}
	if f.Preview != "" {
		if data.Preview, err = s.md.HTML(f.Body); err != nil {
			return err
		}
	}
	return s.render(c, status, "coordinate_statement_form", data)
}

// formFailure reports whether err is something the person can fix in the
// form (a problem with a field, or a web address already taken) and the
// status to answer with.
func formFailure(err error) (int, bool) {
	switch signon.ErrorCode(err) {
	case signon.EINVALID:
		return http.StatusUnprocessableEntity, true
	case signon.ECONFLICT:
		if len(signon.ErrorFields(err)) > 0 {
			return http.StatusConflict, true
		}
	}
	return 0, false
}

// handleNewStatement serves GET /coordinate/statements/new.
func (s *Server) handleNewStatement(c echo.Context) error {
	return s.renderStatementForm(c, http.StatusOK, nil, newStatementForm(s.translator(c).lang), nil)
}

// handleCreateStatement serves POST /coordinate/statements.
func (s *Server) handleCreateStatement(c echo.Context) error {
	var f statementForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	if f.Preview != "" {
		return s.renderStatementForm(c, http.StatusOK, nil, f, nil)
	}
	st := &signon.Statement{Status: signon.StatusDraft}
	err := f.applyTo(st, s.cfg.Location, s.now())
	if err == nil {
		err = s.db.CreateStatement(c.Request().Context(), st, currentAccount(c).ID)
	}
	if status, ok := formFailure(err); ok {
		return s.renderStatementForm(c, status, nil, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, manageURL(st.ID)+"?done=created")
}

// editableStatement loads the statement of the :id parameter for editing.
func (s *Server) editableStatement(c echo.Context) (*signon.Statement, error) {
	st, err := s.pathStatement(c)
	if err != nil {
		return nil, err
	}
	if err := st.CheckEditable(); err != nil {
		return nil, err
	}
	return st, nil
}

// handleEditStatement serves GET /coordinate/statements/:id/edit.
func (s *Server) handleEditStatement(c echo.Context) error {
	st, err := s.editableStatement(c)
	if err != nil {
		return err
	}
	return s.renderStatementForm(c, http.StatusOK, st, statementFormOf(st, s.cfg.Location), nil)
}

// handleUpdateStatement serves POST /coordinate/statements/:id.
func (s *Server) handleUpdateStatement(c echo.Context) error {
	st, err := s.editableStatement(c)
	if err != nil {
		return err
	}
	var f statementForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	if f.Preview != "" {
		return s.renderStatementForm(c, http.StatusOK, st, f, nil)
	}
	stored := *st
	err = f.applyTo(st, s.cfg.Location, s.now())
	if err == nil {
		err = s.checkVersionConfirmed(c, &stored, st, f)
	}
	if err == nil {
		err = s.db.UpdateStatement(c.Request().Context(), st, currentAccount(c).ID)
	}
	if status, ok := formFailure(err); ok {
		return s.renderStatementForm(c, status, &stored, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, manageURL(st.ID)+"?done=saved")
}

// --- Managing ---

// managePage is everything a coordinator needs about one statement.
type managePage struct {
	*page
	Statement  *signon.Statement
	State      string
	RespondsTo *signon.Statement
	Responses  []*signon.Statement
	PublicURL  string
	ShareURL   string
	IsPublic   bool
	Actions    map[string]bool
	OpensAt    string // the schedule form's value, in the coalition's zone
	Zone       string

	Stats        *signon.Stats
	StatusCounts []statusCount
	Filter       string // the status the list shows, or "" for all
	Signatures   []*signon.Signature
	Matching     int
	PageNum      int
	Pages        int

	Events []eventRow

	Done   string            // what the last action did
	Error  string            // why the last action was refused
	Errors map[string]string // its field problems (opens_at, confirm)
}

type statusCount struct {
	Status signon.SignatureStatus
	Count  int
}

// statusCounts counts statement id's signatures in each status, for the
// status filters of the manage page and the review queue.
func (s *Server) statusCounts(ctx context.Context, id int64) ([]statusCount, error) {
	out := make([]statusCount, 0, len(allSignatureStatuses))
	for _, status := range allSignatureStatuses {
		_, n, err := s.db.Signatures(ctx, signon.SignatureFilter{StatementID: id, Statuses: []signon.SignatureStatus{status}, PerPage: 1})
		if err != nil {
			return nil, err
		}
		out = append(out, statusCount{Status: status, Count: n})
	}
	return out, nil
}

type eventRow struct {
	*signon.Event
	Who       string
	What      string
	Detail    string
	Signature string
}

// PageURL is the manage page showing page n of the signatures.
func (m managePage) PageURL(n int) string {
	v := url.Values{}
	if m.Filter != "" {
		v.Set("status", m.Filter)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	u := manageURL(m.Statement.ID)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	return u + "#signatures"
}

// FilterURL is the manage page listing only signatures in status, or all
// of them for "".
func (m managePage) FilterURL(status string) string {
	if status == "" {
		return manageURL(m.Statement.ID) + "#signatures"
	}
	return manageURL(m.Statement.ID) + "?status=" + url.QueryEscape(status) + "#signatures"
}

// Day formats the date of t in the coalition's zone.
func (m managePage) Day(t time.Time) string { return m.Date(&t) }

// actionsAt lists the lifecycle steps (by signon.Action) that make sense
// in state, so the page offers only buttons that can work.
func actionsAt(state string) map[string]bool {
	a := map[string]bool{}
	switch state {
	case string(signon.StatusDraft):
		a[string(signon.ActionOpen)], a[string(signon.ActionSchedule)] = true, true
	case stateScheduled:
		a[string(signon.ActionOpen)], a[string(signon.ActionSchedule)], a[string(signon.ActionUnschedule)] = true, true, true
	case string(signon.StatusOpen):
		a[string(signon.ActionClose)] = true
	case string(signon.StatusClosed):
		a[string(signon.ActionReopen)], a[string(signon.ActionPublish)] = true, true
	}
	return a
}

// ButtonActions are the actions valid now that take a single click, in
// the order the page shows them; scheduling and publishing have forms of
// their own.
func (m managePage) ButtonActions() []string {
	var out []string
	for _, a := range []signon.Action{signon.ActionOpen, signon.ActionClose, signon.ActionReopen, signon.ActionUnschedule} {
		if m.Actions[string(a)] {
			out = append(out, string(a))
		}
	}
	return out
}

// renderManage renders the manage page of statement id with status; failure,
// if not nil, is why the last action was refused.
func (s *Server) renderManage(c echo.Context, status int, id int64, failure error) error {
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, id)
	if err != nil {
		return err
	}
	p := s.newPage(c, st.Title)
	p.NoIndex, p.Path = true, manageURL(st.ID) // also after a refused action's post
	state := effectiveState(st, s.now())
	data := managePage{
		page:      p,
		Statement: st,
		State:     state,
		PublicURL: "/s/" + st.Slug,
		ShareURL:  strings.TrimRight(s.cfg.BaseURL, "/") + "/s/" + st.Slug,
		IsPublic:  st.Public(s.now()),
		Actions:   actionsAt(state),
		OpensAt:   formatLocalTime(st.OpensAt, s.cfg.Location),
		Zone:      s.cfg.Location.String(),
	}
	if done := c.QueryParam("done"); done != "" && failure == nil {
		if msg := p.T("coordinate.done." + done); msg != "coordinate.done."+done {
			data.Done = msg
		}
	}
	if failure != nil {
		data.Error, data.Errors = p.Error(failure), p.Problems(failure)
		if lines := bulkProblems(p, failure); len(lines) > 0 {
			data.Error = strings.Join(lines, " ")
		}
		// Keep what was typed for the scheduled opening.
		if v := c.FormValue("opens_at"); v != "" {
			data.OpensAt = v
		}
	}

	if st.RespondsToID != nil {
		switch other, err := s.db.StatementByID(ctx, *st.RespondsToID); signon.ErrorCode(err) {
		case "":
			data.RespondsTo = other
		case signon.ENOTFOUND:
		default:
			return err
		}
	}
	if data.Responses, err = s.db.Responses(ctx, st.ID); err != nil {
		return err
	}
	if data.Stats, err = s.db.SignatureStats(ctx, st.ID); err != nil {
		return err
	}
	if data.StatusCounts, err = s.statusCounts(ctx, st.ID); err != nil {
		return err
	}

	statuses := allSignatureStatuses
	for _, status := range allSignatureStatuses {
		if c.QueryParam("status") == string(status) {
			data.Filter, statuses = string(status), []signon.SignatureStatus{status}
		}
	}
	data.PageNum, _ = strconv.Atoi(c.QueryParam("page"))
	data.PageNum = max(data.PageNum, 1)
	data.Signatures, data.Matching, err = s.db.Signatures(ctx, signon.SignatureFilter{
		StatementID: st.ID, Statuses: statuses, Page: data.PageNum, PerPage: signaturesPerPage,
	})
	if err != nil {
		return err
	}
	data.Pages = max((data.Matching+signaturesPerPage-1)/signaturesPerPage, 1)

	if data.Events, err = s.eventRows(c, p, st, data.Signatures, latestEvents); err != nil {
		return err
	}
	return s.render(c, status, "coordinate_statement", data)
}

// eventRows describes the audit trail in the page's language, naming the
// coordinators (each looked up once) and the signatures listed on the page.
// limit, when positive, keeps only the latest events.
func (s *Server) eventRows(c echo.Context, p *page, st *signon.Statement, listed []*signon.Signature, limit int) ([]eventRow, error) {
	ctx := c.Request().Context()
	events, err := s.db.StatementEvents(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(events) > limit {
		events = events[:limit]
	}
	names := map[int64]string{}
	signatures := map[int64]string{}
	for _, sig := range listed {
		signatures[sig.ID] = sig.Name()
	}
	var unnamed []int64
	for _, e := range events {
		if e.SignatureID != nil {
			if _, ok := signatures[*e.SignatureID]; !ok {
				unnamed = append(unnamed, *e.SignatureID)
			}
		}
	}
	if len(unnamed) > 0 {
		found, err := s.db.SignatureNames(ctx, st.ID, unnamed)
		if err != nil {
			return nil, err
		}
		for id, name := range found {
			signatures[id] = name
		}
	}
	rows := make([]eventRow, 0, len(events))
	for _, e := range events {
		row := eventRow{Event: e, What: eventLabel(p, e.Action)}
		switch {
		case e.AccountID != nil:
			name, ok := names[*e.AccountID]
			if !ok {
				switch acct, err := s.db.AccountByID(ctx, *e.AccountID); signon.ErrorCode(err) {
				case "":
					name = acct.Name
				case signon.ENOTFOUND:
					name = p.T("coordinate.events.former_account", "ID", *e.AccountID)
				default:
					return nil, err
				}
				names[*e.AccountID] = name
			}
			row.Who = name
		case strings.HasPrefix(e.Action, "signature."):
			row.Who = p.T("coordinate.events.signer")
		default:
			row.Who = p.T("coordinate.events.system")
		}
		if e.SignatureID != nil {
			if name, ok := signatures[*e.SignatureID]; ok {
				row.Signature = name
			} else {
				row.Signature = "#" + strconv.FormatInt(*e.SignatureID, 10)
			}
		}
		row.Detail = eventDetail(p, e)
		rows = append(rows, row)
	}
	return rows, nil
}

// eventDetail shows an event's detail in the page's words: a scheduled
// opening time in the coalition's zone, a signature status translated.
func eventDetail(p *page, e *signon.Event) string {
	if detail, ok := reviewEventDetail(p, e); ok {
		return detail
	}
	if detail, ok := privacyEventDetail(p, e); ok {
		return detail
	}
	switch {
	case e.Detail == "":
		return ""
	case e.Action == "statement."+string(signon.ActionSchedule):
		if t, err := time.Parse(time.RFC3339, e.Detail); err == nil {
			return p.T("coordinate.events.opens", "Time", p.DateTime(&t))
		}
	case strings.HasPrefix(e.Action, "signature."):
		// The detail is a status ("pending") or a change ("pending → approved").
		return statusChange(p, e.Detail)
	case e.Action == "statement.translation":
		return translationEventDetail(p, e.Detail)
	case strings.HasPrefix(e.Detail, "version "):
		return p.T("coordinate.events.version", "Version", strings.TrimPrefix(e.Detail, "version "))
	}
	return e.Detail
}

// handleManageStatement serves GET /coordinate/statements/:id.
func (s *Server) handleManageStatement(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderManage(c, http.StatusOK, id, nil)
}

// transitionForm is one of the lifecycle buttons of the manage page.
type transitionForm struct {
	Action  string `form:"action"`
	OpensAt string `form:"opens_at"` // for schedule, datetime-local
	Confirm string `form:"confirm"`  // for publish, the "publishing is final" checkbox
}

func errPublishConfirm() error {
	return &signon.Error{
		Code: signon.EINVALID, Key: "coordinate.error.publish_confirm",
		Message: "Confirm that you have reviewed the signatories before publishing.",
		Fields:  signon.Problems{"confirm": {Code: signon.ProblemRequired}},
	}
}

// handleTransition serves POST /coordinate/statements/:id/transition.
func (s *Server) handleTransition(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var f transitionForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	action := signon.Action(f.Action)
	var at *time.Time
	switch action {
	case signon.ActionSchedule:
		t, ok := parseLocalTime(f.OpensAt, s.cfg.Location)
		if !ok || t == nil {
			return s.renderManage(c, http.StatusUnprocessableEntity, id, &signon.Error{
				Code: signon.EINVALID, Key: "coordinate.error.opens_at", Message: "Enter the date and time to open.",
				Fields: signon.Problems{"opens_at": {Code: signon.ProblemInvalidTime}},
			})
		}
		at = t
	case signon.ActionPublish:
		if f.Confirm == "" {
			return s.renderManage(c, http.StatusUnprocessableEntity, id, errPublishConfirm())
		}
	}
	_, err = s.db.TransitionStatement(c.Request().Context(), id, action, at, s.now(), currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, manageURL(id)+"?done="+url.QueryEscape(string(action)))
	case signon.ECONFLICT, signon.EINVALID:
		return s.renderManage(c, statusOf[code], id, err)
	}
	return err
}

// signatureStatusForm is an Approve or Reject button of the signature
// list. Withdrawing is the signer's to do, not a coordinator's; a
// published statement's signatories are final, like its text.
type signatureStatusForm struct {
	Status string `form:"status"`
}

// handleSignatureStatus serves POST /coordinate/statements/:id/signatures/:sid/status.
func (s *Server) handleSignatureStatus(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sid, err := pathID(c, "sid")
	if err != nil {
		return err
	}
	var f signatureStatusForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	status := signon.SignatureStatus(f.Status)
	if status != signon.SignatureApproved && status != signon.SignatureRejected {
		return s.renderManage(c, http.StatusUnprocessableEntity, id, signon.KeyedError(signon.EINVALID,
			"coordinate.error.signature_status", "Choose to approve or reject the signature."))
	}
	st, err := s.db.StatementByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := st.CheckSignaturesChangeable(); err != nil {
		return s.renderManage(c, http.StatusConflict, id, err)
	}
	// The decision of the review screens, on one signature.
	err = signon.OneDecision(s.db.DecideSignatures(c.Request().Context(), id, []int64{sid}, status, "", s.now(), currentAccount(c).ID))
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, manageURL(id)+"?done="+string(status)+"#signatures")
	case signon.ECONFLICT, signon.EINVALID:
		return s.renderManage(c, statusOf[code], id, err)
	}
	return err
}
