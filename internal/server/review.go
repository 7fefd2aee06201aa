package server

// The review queue of a statement's signatures and what coordinators do
// from it: approve, or reject with a reason, one signature or many at
// once; correct a signature's public fields; merge two signatures of one
// organization; add a signature by hand for a group that signed by email
// or phone. Imports are in signature_import.go, the audit trail in
// audit.go. Every route is behind requireAccount.

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// reviewPerPage is how many signatures the queue lists at once.
const reviewPerPage = 50

// maxReviewQuery bounds the queue's search, which is a name, not a text.
const maxReviewQuery = 200

func reviewURL(id int64) string { return manageURL(id) + "/review" }

func signatureURL(id, sid int64) string {
	return manageURL(id) + "/signatures/" + strconv.FormatInt(sid, 10)
}

// reviewFilter is what the queue lists: a status ("all" for every one,
// pending when not given), a region or country, members or not, a flag
// (or any), a name.
type reviewFilter struct {
	Status string
	Region string
	Member string // "yes", "no" or "" for both
	Flag   string // a signon.Flag, signon.FlagAny, or "" for flagged or not
	Q      string
	Page   int
}

// readReviewFilter reads the filter from the query or the form, keeping
// only values the queue understands.
func readReviewFilter(get func(string) string) reviewFilter {
	f := reviewFilter{Status: string(signon.SignaturePending), Q: strings.TrimSpace(get("q"))}
	if s := get("status"); s == "all" || slices.Contains(allSignatureStatuses, signon.SignatureStatus(s)) {
		f.Status = s
	}
	region := strings.ToUpper(strings.TrimSpace(get("region")))
	if _, ok := signon.LookupRegion(region); ok {
		f.Region = region
	} else if _, ok := signon.LookupCountry(region); ok && len(region) == 2 {
		f.Region = region
	}
	if m := get("member"); m == "yes" || m == "no" {
		f.Member = m
	}
	if fl := signon.Flag(get("flag")); fl == signon.FlagAny || signon.ValidFlag(fl) {
		f.Flag = string(fl)
	}
	if utf8.RuneCountInString(f.Q) > maxReviewQuery {
		f.Q = string([]rune(f.Q)[:maxReviewQuery])
	}
	f.Page, _ = strconv.Atoi(get("page"))
	f.Page = max(f.Page, 1)
	return f
}

// values is the filter as query parameters, on page n.
func (f reviewFilter) values(n int) url.Values {
	v := url.Values{"status": {f.Status}}
	for k, s := range map[string]string{"region": f.Region, "member": f.Member, "flag": f.Flag, "q": f.Q} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return v
}

// signatureFilter is the store's filter for the queue of statement id.
func (f reviewFilter) signatureFilter(id int64) signon.SignatureFilter {
	sf := signon.SignatureFilter{StatementID: id, Query: f.Q, Flag: signon.Flag(f.Flag), Page: f.Page, PerPage: reviewPerPage}
	if f.Status == "all" {
		sf.Statuses = allSignatureStatuses
	} else {
		sf.Statuses = []signon.SignatureStatus{signon.SignatureStatus(f.Status)}
	}
	if len(f.Region) == 2 {
		sf.Country = f.Region
	} else {
		sf.Region = f.Region
	}
	if f.Member != "" {
		member := f.Member == "yes"
		sf.Member = &member
	}
	return sf
}

type reviewPage struct {
	*page
	Statement    *signon.Statement
	State        string
	Changeable   bool // not published: signatures may still change
	Filter       reviewFilter
	StatusCounts []statusCount
	Signatures   []*signon.Signature
	Matching     int
	Pages        int
	Regions      []selectGroup
	Selected     map[int64]bool
	Reason       string
	Done         string
	Error        string
	Errors       map[string]string
	Problems     []string // why each signature of a refused decision could not move
}

// URL is the queue with the same filter on page n.
func (r reviewPage) URL(n int) string {
	return reviewURL(r.Statement.ID) + "?" + r.Filter.values(n).Encode()
}

// StatusURL is the queue of signatures in status, other filters kept.
func (r reviewPage) StatusURL(status string) string {
	f := r.Filter
	f.Status = status
	return reviewURL(r.Statement.ID) + "?" + f.values(1).Encode()
}

// CanApprove reports whether the queue offers to approve s.
func (r reviewPage) CanApprove(s *signon.Signature) bool {
	return r.Changeable && signon.CanDecide(s.Status, signon.SignatureApproved)
}

// handleReview serves GET /coordinate/statements/:id/review.
func (s *Server) handleReview(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderReview(c, http.StatusOK, id, readReviewFilter(c.QueryParam), nil, nil, "")
}

// renderReview renders the queue of statement id. failure, if not nil,
// is why the last decision was refused; selected and reason are what
// the coordinator had chosen and typed, shown again.
func (s *Server) renderReview(c echo.Context, status int, id int64, f reviewFilter, failure error, selected []int64, reason string) error {
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.title", "Title", st.Title), true, reviewURL(st.ID)
	data := reviewPage{
		page: p, Statement: st, State: effectiveState(st, s.now()), Changeable: st.CheckSignaturesChangeable() == nil,
		Filter: f, Regions: regionChoices(p, f.Region), Selected: map[int64]bool{}, Reason: reason,
	}
	for _, sid := range selected {
		data.Selected[sid] = true
	}
	if done := c.QueryParam("done"); done != "" && failure == nil {
		n, _ := strconv.Atoi(c.QueryParam("n"))
		if msg := p.T("review.done."+done, "Count", n); msg != "review.done."+done {
			data.Done = msg
		}
	}
	if failure != nil {
		data.Error, data.Errors, data.Problems = p.Error(failure), p.Problems(failure), bulkProblems(p, failure)
	}
	if data.StatusCounts, err = s.statusCounts(ctx, st.ID); err != nil {
		return err
	}
	if data.Signatures, data.Matching, err = s.db.Signatures(ctx, f.signatureFilter(st.ID)); err != nil {
		return err
	}
	data.Pages = max((data.Matching+reviewPerPage-1)/reviewPerPage, 1)
	return s.render(c, status, "review", data)
}

// bulkProblems says in words why each signature of a refused decision
// could not move.
func bulkProblems(p *page, err error) []string {
	var bulk *signon.BulkError
	if !errors.As(err, &bulk) {
		return nil
	}
	out := make([]string, len(bulk.Problems))
	for i, pr := range bulk.Problems {
		out[i] = p.T("review.bulk."+pr.Code, "Name", pr.Name, "ID", pr.SignatureID,
			"Status", p.T("coordinate.signature_status."+string(pr.Status)))
	}
	return out
}

// formIDs reads the signature ids of a form field; anything but a
// positive number is a malformed form.
func formIDs(values []string) ([]int64, error) {
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, signon.Errorf(signon.EINVALID, "Malformed form.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// decisions maps the buttons of the queue and of a signature's page to
// the status they set.
var decisions = map[string]signon.SignatureStatus{
	"approve": signon.SignatureApproved,
	"reject":  signon.SignatureRejected,
}

// handleReviewDecide serves POST /coordinate/statements/:id/review.
//
// handleReviewDecide takes the queue's form: approve one signature, or
// approve, reject or merge the selected ones. A refused decision shows
// the queue again with the selection and the reason kept.
func (s *Server) handleReviewDecide(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	f := readReviewFilter(form.Get)
	ids, err := formIDs(form["ids"])
	if err != nil {
		return err
	}
	decision, reason := form.Get("decision"), form.Get("reason")
	if one := form.Get("approve_one"); one != "" {
		if ids, err = formIDs([]string{one}); err != nil {
			return err
		}
		decision = "approve"
	}
	if decision == "merge" {
		if len(ids) != 2 || ids[0] == ids[1] {
			return s.renderReview(c, http.StatusUnprocessableEntity, id, f,
				signon.KeyedError(signon.EINVALID, "review.error.merge_two", "Select exactly two signatures to merge."), ids, reason)
		}
		return redirect(c, manageURL(id)+"/merge?"+url.Values{"a": {strconv.FormatInt(ids[0], 10)}, "b": {strconv.FormatInt(ids[1], 10)}}.Encode())
	}
	to, ok := decisions[decision]
	if !ok {
		return s.renderReview(c, http.StatusUnprocessableEntity, id, f, signon.KeyedError(signon.EINVALID,
			"coordinate.error.signature_status", "Choose to approve or reject the signature."), ids, reason)
	}
	err = s.db.DecideSignatures(c.Request().Context(), id, ids, to, reason, s.now(), currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		v := f.values(f.Page)
		v.Set("done", string(to))
		v.Set("n", strconv.Itoa(len(ids)))
		return redirect(c, reviewURL(id)+"?"+v.Encode())
	case signon.ECONFLICT, signon.EINVALID:
		return s.renderReview(c, statusOf[code], id, f, err, ids, reason)
	}
	return err
}

// signatureFieldsView draws a signature's fields in a coordinator's form:
// the sign form's inputs, with the coordinators' labels.
type signatureFieldsView struct {
	*page
	Form       signatureForm
	Errors     map[string]string
	Email      bool // asked when adding; a correction does not change it
	Individual bool // a person's signature, whose organization is optional
}

// Field prepares the input of the field name.
func (v signatureFieldsView) Field(name string) signInput {
	spec, _ := lookupSignatureField(name)
	f := signInput{signatureField: spec, Label: v.T("review.field." + name), Value: v.Form.value(name),
		Error: v.Errors[name], Optional: v.T("public.field.optional")}
	switch name {
	case "email":
		f.Hint = v.T("review.field.email_hint")
	case "region":
		f.Hint = v.T(spec.HintKey)
	case "organization":
		f.Required = !v.Individual
	}
	return f
}

// CountryOptions lists the countries, the form's selected.
func (v signatureFieldsView) CountryOptions() []selectOption {
	return countryChoices(v.page, v.Form.value("country"))
}

// RegionGroups lists the regions, the form's selected.
func (v signatureFieldsView) RegionGroups() []selectGroup {
	return regionChoices(v.page, v.Form.value("region"))
}

// ErrorList is the summary of the form's problems, in the order of the form.
func (v signatureFieldsView) ErrorList() []signProblem {
	var out []signProblem
	for _, f := range signatureFields {
		if msg, ok := v.Errors[f.Name]; ok {
			out = append(out, signProblem{ID: f.Name, Label: v.T("review.field." + f.Name), Message: msg})
		}
	}
	return out
}

// formOf is the signature form filled from sig.
func formOf(sig *signon.Signature) signatureForm {
	return signatureForm{
		SignerType: string(sig.SignerType), Organization: sig.Organization, SignerName: sig.SignerName,
		SignerTitle: sig.SignerTitle, Email: sig.Email, City: sig.City, Country: sig.Country,
		Region: sig.Region, Website: sig.Website,
	}
}

// edit maps the form to a correction.
func (f signatureForm) edit() signon.SignatureEdit {
	return signon.SignatureEdit{
		Organization: f.Organization, SignerName: f.SignerName, SignerTitle: f.SignerTitle,
		City: f.City, Country: f.Country, Region: f.Region, Website: f.Website,
	}
}

// reviewSignaturePage is one signature: what coordinators know of it,
// the decision, and the correction form.
type reviewSignaturePage struct {
	*page
	Statement  *signon.Statement
	Signature  *signon.Signature
	MergedInto string
	Changeable bool
	Fields     signatureFieldsView
	Reason     string
	Done       string
	Error      string
	Errors     map[string]string // the decision form's problems
	Conflict   *signon.Signature // the standing signature a correction collides with
}

// CanDecide reports whether the page offers to set status.
func (r reviewSignaturePage) CanDecide(status string) bool {
	return r.Changeable && signon.CanDecide(r.Signature.Status, signon.SignatureStatus(status))
}

// reviewedSignature loads the statement and signature of the :id and
// :sid parameters.
func (s *Server) reviewedSignature(c echo.Context) (*signon.Statement, *signon.Signature, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	sid, err := pathID(c, "sid")
	if err != nil {
		return nil, nil, err
	}
	st, err := s.db.StatementByID(c.Request().Context(), id)
	if err != nil {
		return nil, nil, err
	}
	sig, err := s.db.SignatureByID(c.Request().Context(), id, sid)
	if err != nil {
		return nil, nil, err
	}
	return st, sig, nil
}

// signatureAttempt is what a refused post on a signature's page brings
// back to it.
type signatureAttempt struct {
	form     *signatureForm // the correction as typed
	edit     error          // why the correction was refused
	decision error          // why the decision was refused
	reason   string
}

func (s *Server) renderSignature(c echo.Context, status int, st *signon.Statement, sig *signon.Signature, a signatureAttempt) error {
	ctx := c.Request().Context()
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.signature.title", "Name", sig.Name()), true, signatureURL(st.ID, sig.ID)
	form := formOf(sig)
	if a.form != nil {
		form = *a.form
	}
	data := reviewSignaturePage{
		page: p, Statement: st, Signature: sig, Changeable: st.CheckSignaturesChangeable() == nil, Reason: a.reason,
		Fields: signatureFieldsView{page: p, Form: form, Individual: sig.SignerType == signon.SignerIndividual},
	}
	if sig.MergedIntoID != nil {
		names, err := s.db.SignatureNames(ctx, st.ID, []int64{*sig.MergedIntoID})
		if err != nil {
			return err
		}
		data.MergedInto = names[*sig.MergedIntoID]
	}
	if done := c.QueryParam("done"); done != "" && a.edit == nil && a.decision == nil {
		if msg := p.T("review.done."+done, "Count", 1); msg != "review.done."+done {
			data.Done = msg
		}
	}
	if a.edit != nil {
		data.Error, data.Fields.Errors = p.Error(a.edit), p.Problems(a.edit)
		if errors.Is(a.edit, signon.ErrOrganizationTaken) {
			key := signon.OrganizationKey(form.Organization)
			standing, err := s.db.StandingSignatures(ctx, st.ID, []string{key})
			if err != nil {
				return err
			}
			data.Conflict = standing[key]
		}
	}
	if a.decision != nil {
		data.Error, data.Errors = p.Error(a.decision), p.Problems(a.decision)
		if lines := bulkProblems(p, a.decision); len(lines) > 0 {
			data.Error = strings.Join(lines, " ")
		}
	}
	return s.render(c, status, "review_signature", data)
}

// handleReviewSignature serves GET /coordinate/statements/:id/signatures/:sid.
func (s *Server) handleReviewSignature(c echo.Context) error {
	st, sig, err := s.reviewedSignature(c)
	if err != nil {
		return err
	}
	return s.renderSignature(c, http.StatusOK, st, sig, signatureAttempt{})
}

// handleUpdateSignature serves POST /coordinate/statements/:id/signatures/:sid.
//
// handleUpdateSignature saves a coordinator's correction of a signature.
func (s *Server) handleUpdateSignature(c echo.Context) error {
	st, sig, err := s.reviewedSignature(c)
	if err != nil {
		return err
	}
	var f signatureForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	_, err = s.db.UpdateSignature(c.Request().Context(), st.ID, sig.ID, f.edit(), currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, signatureURL(st.ID, sig.ID)+"?done=saved")
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderSignature(c, statusOf[code], st, sig, signatureAttempt{form: &f, edit: err})
	}
	return err
}

// handleSignatureDecision serves POST /coordinate/statements/:id/signatures/:sid/decision.
//
// handleSignatureDecision approves or rejects, with a reason, the
// signature of its page.
func (s *Server) handleSignatureDecision(c echo.Context) error {
	st, sig, err := s.reviewedSignature(c)
	if err != nil {
		return err
	}
	decision, reason := c.FormValue("decision"), c.FormValue("reason")
	to, ok := decisions[decision]
	if !ok {
		return s.renderSignature(c, http.StatusUnprocessableEntity, st, sig, signatureAttempt{reason: reason,
			decision: signon.KeyedError(signon.EINVALID, "coordinate.error.signature_status", "Choose to approve or reject the signature.")})
	}
	err = s.db.DecideSignatures(c.Request().Context(), st.ID, []int64{sig.ID}, to, reason, s.now(), currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, signatureURL(st.ID, sig.ID)+"?done="+string(to))
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderSignature(c, statusOf[code], st, sig, signatureAttempt{reason: reason, decision: err})
	}
	return err
}

// --- Merging ---

type reviewMergePage struct {
	*page
	Statement  *signon.Statement
	A, B       *signon.Signature
	Keep       int64
	Changeable bool
	Error      string
}

// mergeChoice is one of the two signatures, and whether it is the one
// chosen to keep.
type mergeChoice struct {
	Signature *signon.Signature
	Keep      bool
}

// Choices are the two signatures in the order they were selected.
func (r reviewMergePage) Choices() []mergeChoice {
	return []mergeChoice{{r.A, r.Keep == r.A.ID}, {r.B, r.Keep == r.B.ID}}
}

func (s *Server) renderMerge(c echo.Context, status int, id int64, aID, bID, keep int64, failure error) error {
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, id)
	if err != nil {
		return err
	}
	a, err := s.db.SignatureByID(ctx, id, aID)
	if err != nil {
		return err
	}
	b, err := s.db.SignatureByID(ctx, id, bID)
	if err != nil {
		return err
	}
	if keep != a.ID && keep != b.ID {
		// Suggest keeping the approved one, else the first to sign.
		keep = a.ID
		if b.Status == signon.SignatureApproved && a.Status != signon.SignatureApproved || b.Status == a.Status && b.CreatedAt.Before(a.CreatedAt) {
			keep = b.ID
		}
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.merge.title"), true, manageURL(id)+"/merge"
	data := reviewMergePage{page: p, Statement: st, A: a, B: b, Keep: keep, Changeable: st.CheckSignaturesChangeable() == nil}
	if failure != nil {
		data.Error = p.Error(failure)
	}
	return s.render(c, status, "review_merge", data)
}

// handleMergeForm serves GET /coordinate/statements/:id/merge.
func (s *Server) handleMergeForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ids, err := formIDs([]string{c.QueryParam("a"), c.QueryParam("b")})
	if err != nil {
		return signon.Errorf(signon.ENOTFOUND, "Not found.")
	}
	return s.renderMerge(c, http.StatusOK, id, ids[0], ids[1], 0, nil)
}

// handleMerge serves POST /coordinate/statements/:id/merge.
//
// handleMerge folds one of the two signatures of the merge page into the
// other, the one the coordinator chose to keep.
func (s *Server) handleMerge(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ids, err := formIDs([]string{c.FormValue("a"), c.FormValue("b"), c.FormValue("keep")})
	if err != nil {
		return err
	}
	a, b, keep := ids[0], ids[1], ids[2]
	other := a
	switch keep {
	case a:
		other = b
	case b:
	default:
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	err = s.db.MergeSignatures(c.Request().Context(), id, keep, other, c.FormValue("fill") != "", currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, signatureURL(id, keep)+"?done=merged")
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderMerge(c, statusOf[code], id, a, b, keep, err)
	}
	return err
}

// --- Adding by hand ---

type reviewAddPage struct {
	*page
	Statement  *signon.Statement
	Changeable bool
	Fields     signatureFieldsView
	Error      string
	Conflict   *signon.Signature
}

func (s *Server) renderAddSignature(c echo.Context, status int, id int64, f signatureForm, failure error) error {
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, id)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.add.title"), true, manageURL(id)+"/signatures/new"
	data := reviewAddPage{page: p, Statement: st, Changeable: st.CheckSignaturesChangeable() == nil,
		Fields: signatureFieldsView{page: p, Form: f, Email: true}}
	if failure != nil {
		data.Error, data.Fields.Errors = p.Error(failure), p.Problems(failure)
		if errors.Is(failure, signon.ErrAlreadySigned) {
			key := signon.OrganizationKey(f.Organization)
			standing, err := s.db.StandingSignatures(ctx, st.ID, []string{key})
			if err != nil {
				return err
			}
			data.Conflict = standing[key]
		}
	}
	return s.render(c, status, "review_add", data)
}

// handleAddSignatureForm serves GET /coordinate/statements/:id/signatures/new.
func (s *Server) handleAddSignatureForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderAddSignature(c, http.StatusOK, id, newSignatureForm(), nil)
}

// handleAddSignature serves POST /coordinate/statements/:id/signatures.
//
// handleAddSignature stores a signature a coordinator adds for a group
// that signed by email or phone. The email is required, as on the sign
// form: it is how Signon reaches the group about its signature.
func (s *Server) handleAddSignature(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	id := st.ID
	f := newSignatureForm()
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	f.SignerType = string(signon.SignerOrganization)
	sig, err := f.input("").Validate(st)
	if err == nil {
		// Flagged as a signer's own would be, for whoever reviews it later.
		sig.Flags, err = s.db.SignatureFlags(c.Request().Context(), sig)
	}
	if err == nil {
		err = s.db.AddSignature(c.Request().Context(), sig, currentAccount(c).ID)
	}
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, signatureURL(id, sig.ID)+"?done=added")
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderAddSignature(c, statusOf[code], id, f, err)
	}
	return err
}
