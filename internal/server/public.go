package server

import (
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/signon-coalition/signon/internal/signon"
)

// signatoriesPerPage is how many signatories the statement page lists at
// once: enough for most letters on one page, small enough to stay fast
// on a phone for the largest.
const signatoriesPerPage = 100

// signedCookie carries the name of the organization that just signed
// from the form post to the thank-you page, so the name need not be put
// in the URL, where it would end up in logs and browser history.
const signedCookie = "signon_signed"

var errStatementNotFound = signon.KeyedError(signon.ENOTFOUND, "public.error.statement_not_found", "This statement does not exist or is not public.")

// publicStatement loads the statement at slug as the public may see it:
// drafts and statements scheduled to open later do not exist for them.
// preview lets a logged-in coordinator read a draft.
func (s *Server) publicStatement(ctx context.Context, slug string, preview bool) (*signon.Statement, error) {
	if slug == "" || utf8.RuneCountInString(slug) > signon.MaxSlug {
		return nil, errStatementNotFound
	}
	st, err := s.db.StatementBySlug(ctx, slug)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return nil, errStatementNotFound
	} else if err != nil {
		return nil, err
	}
	if !st.Public(s.now()) && !preview {
		return nil, errStatementNotFound
	}
	return st, nil
}

// statementSummary is a statement as a listing shows it.
type statementSummary struct {
	*signon.Statement
	Effective signon.Status
	Count     int
}

type homePage struct {
	*page
	Open      []statementSummary
	Closed    []statementSummary
	Published []statementSummary
	Occasions []occasionGroup // the three lists again, grouped by occasion
}

// handleHome serves GET /.
//
// handleHome lists what the public can act on first (statements open for
// signatures), then the final statements, then those waiting to be
// published, grouped by occasion (see occasionGroups).
func (s *Server) handleHome(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.db.Statements(ctx, signon.StatementFilter{Public: true})
	if err != nil {
		return err
	}
	now := s.now()
	list = slices.DeleteFunc(list, func(st *signon.Statement) bool { return !st.Public(now) })
	if list, err = s.statementsIn(ctx, s.translator(c).lang, list); err != nil {
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

	p := s.newPage(c, "")
	p.MetaDesc = p.T("public.home.intro")
	p.Canonical = s.canonicalURL("/")
	data := homePage{page: p}
	for _, st := range list {
		sum := statementSummary{Statement: st, Effective: st.EffectiveStatus(now), Count: counts[st.ID]}
		switch sum.Effective {
		case signon.StatusOpen:
			data.Open = append(data.Open, sum)
		case signon.StatusClosed:
			data.Closed = append(data.Closed, sum)
		case signon.StatusPublished:
			data.Published = append(data.Published, sum)
		}
	}
	// The nearest deadline first: those are the ones to sign today.
	slices.SortStableFunc(data.Open, func(a, b statementSummary) int {
		switch {
		case a.ClosesAt == nil && b.ClosesAt == nil:
			return 0
		case a.ClosesAt == nil:
			return 1
		case b.ClosesAt == nil:
			return -1
		}
		return a.ClosesAt.Compare(*b.ClosesAt)
	})
	data.Occasions = occasionGroups(data.Open, data.Published, data.Closed)
	return s.render(c, http.StatusOK, "home", data)
}

// statementPage is everything the statement page shows: the text, its
// state, who signed and the sign form.
type statementPage struct {
	*page
	St          *signon.Statement
	Effective   signon.Status
	Preview     bool // a coordinator reads a statement that is not public
	Scheduled   bool
	ContentLang string // the statement's language, when the page is in another
	BodyHTML    template.HTML
	RespondsTo  *signon.Statement
	Responses   []*signon.Statement
	ClosedOn    *time.Time
	Signed      string // the thank-you message after signing
	Refused     bool   // a signature was refused because the statement is not open
	// Resend is the form to have the confirmation email sent again,
	// shown with the thank-you of a signature awaiting confirmation.
	Resend *linkPage

	Count             int
	Headline          string
	SignatoriesPublic bool
	Regions           []regionRow
	OtherCountries    []countryRow
	FilterName        string
	Groups            []signatoryGroup
	Lead              []*signon.Signature // lead signers, shown first (lead.go)
	Pager             listPager
	Places            placeBreakdown  // the map, table and lists (signatory_places.go)
	Search            signatorySearch // ?q= (signatory_search.go)

	Form      signatureForm
	Errors    map[string]string
	FormAlert string
	ErrorList []signProblem

	// Text is which of the statement's texts is shown (statement_text.go).
	Text textChoice

	// Record is the text's version history and the published record's
	// digest (versions.go).
	Record *recordSection

	// Delivery is the addressees and the deliveries (delivery.go).
	Delivery deliveryFacts
}

// regionRow is one line of the table of signatories by region.
type regionRow struct {
	Code, Name string
	Count      int
	URL        string
	Current    bool
}

// countryRow is a country without regions in the list of other countries.
type countryRow struct {
	Code, Name string
	Count      int
	URL        string
	Current    bool
}

// signatoryGroup is a run of signatories of one region (or one country
// without regions) on the current page.
type signatoryGroup struct {
	Name       string
	Count      int // in the whole list, not only on this page
	Signatures []*signon.Signature
	key        string
}

type listPager struct {
	Page, Pages int
	Prev, Next  string
}

// signProblem is one line of the error summary above the form.
type signProblem struct {
	ID, Label, Message string
}

// signInput is what the public_input template needs to draw one input.
type signInput struct {
	signatureField
	Label, Hint, Value, Error, Optional string
}

// DescribedBy lists the ids of the hint and the error, for aria-describedby.
func (f signInput) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// Field prepares the sign form's input name for the template.
func (p *statementPage) Field(name string) signInput {
	spec, _ := lookupSignatureField(name)
	f := signInput{signatureField: spec, Label: p.T(spec.LabelKey), Value: p.Form.value(name),
		Error: p.Errors[name], Optional: p.T("public.field.optional")}
	if spec.HintKey != "" {
		f.Hint = p.T(spec.HintKey)
	}
	if name == "organization" && p.St.AllowIndividuals {
		f.Required = false
		f.Hint = p.T("public.field.organization_hint_individual")
	}
	if name == "authorized" && p.St.AllowIndividuals {
		f.Hint = p.T("public.field.authorized_hint_individual")
	}
	return f
}

// selectOption is one <option> of a select.
type selectOption struct {
	Value, Label       string
	Selected, Disabled bool
}

// selectGroup is an <optgroup> of regions of one country.
type selectGroup struct {
	Label, Country string
	Options        []selectOption
}

// CountryOptions lists every country, the coalition's three first and
// set apart from the rest.
func (p *statementPage) CountryOptions() []selectOption {
	return countryChoices(p.page, p.Form.value("country"))
}

// SignCountryChoices are the sign form's countries: the coalition's
// three, whose states the form lists, and another country, named in
// the input below (OtherCountry).
func (p *statementPage) SignCountryChoices() []selectOption {
	chosen := p.Form.value("country")
	if chosen != "" && !signon.RegionRequired(chosen) {
		chosen = otherCountry // "OTHER" itself, or a code such as DE
	}
	var out []selectOption
	for _, code := range []string{"US", "MX", "CA"} {
		out = append(out, selectOption{Value: code, Label: p.CountryName(code), Selected: code == chosen})
	}
	return append(out, selectOption{Value: otherCountry, Label: p.T("public.field.country_another"), Selected: chosen == otherCountry})
}

// OtherCountry is what the input for another country shows: what was
// typed, or the name of the country a code chose.
func (p *statementPage) OtherCountry() string {
	if p.Form.CountryOther != "" {
		return p.Form.CountryOther
	}
	code := p.Form.value("country")
	switch c, ok := signon.LookupCountry(code); {
	case code == "" || code == "OTHER" || signon.RegionRequired(code):
		return ""
	case ok:
		return c.Name(p.Lang())
	}
	return p.Form.Country // not a country: shown to be corrected
}

// RegionGroups lists the states and provinces of the countries that have
// them, one group per country; app.js shows only the chosen country's.
func (p *statementPage) RegionGroups() []selectGroup {
	return regionChoices(p.page, p.Form.value("region"))
}

// regionChoices lists the states and provinces of the countries that
// have them, grouped by country, with chosen selected.
func regionChoices(p *page, chosen string) []selectGroup {
	var out []selectGroup
	for _, code := range []string{"US", "MX", "CA"} {
		g := selectGroup{Label: p.CountryName(code), Country: code}
		for _, r := range regionsInOrder(code, p.Lang()) {
			g.Options = append(g.Options, selectOption{Value: r.Code, Label: r.Name(p.Lang()), Selected: r.Code == chosen})
		}
		out = append(out, g)
	}
	return out
}

// countryChoices lists every country, the coalition's three first and
// set apart from the rest, with chosen selected.
func countryChoices(p *page, chosen string) []selectOption {
	countries := signon.Countries(p.Lang())
	out := make([]selectOption, 0, len(countries)+1)
	for i, c := range countries {
		if i == 3 {
			out = append(out, selectOption{Label: "──────────", Disabled: true})
		}
		out = append(out, selectOption{Value: c.Code, Label: c.Name(p.Lang()), Selected: c.Code == chosen})
	}
	return out
}

// regionsSpanish holds each country's regions in Spanish alphabetical
// order: RegionsOf sorts by the English names, which would file
// "Carolina del Norte" under N.
var regionsSpanish = sync.OnceValue(func() map[string][]signon.Region {
	coll := collate.New(language.Spanish)
	out := map[string][]signon.Region{}
	for _, country := range []string{"US", "MX", "CA"} {
		rs := signon.RegionsOf(country)
		slices.SortFunc(rs, func(a, b signon.Region) int { return coll.CompareString(a.NameES, b.NameES) })
		out[country] = rs
	}
	return out
})

// regionsInOrder lists the regions of country alphabetically in lang.
func regionsInOrder(country, lang string) []signon.Region {
	if lang == "es" {
		if rs, ok := regionsSpanish()[country]; ok {
			return rs
		}
	}
	return signon.RegionsOf(country)
}

// IndividualChosen reports whether the signer-type radio for an
// individual is the one checked.
func (p *statementPage) IndividualChosen() bool {
	return p.Form.SignerType == string(signon.SignerIndividual)
}

// ShowForm reports whether the sign form is on the page: while the
// statement is open, and for a coordinator previewing a draft.
func (p *statementPage) ShowForm() bool {
	return p.Effective == signon.StatusOpen || p.Preview && p.Effective == signon.StatusDraft
}

// signAttempt is what a failed form post brings back to the page.
type signAttempt struct {
	form    signatureForm
	err     error  // field problems to show at each field
	alert   string // the message at the top of the form
	refused bool   // the statement is not open
}

// handleStatement serves GET /s/:slug.
func (s *Server) handleStatement(c echo.Context) error {
	st, err := s.publicStatement(c.Request().Context(), c.Param("slug"), currentAccount(c) != nil)
	if err != nil {
		return err
	}
	data, err := s.statementPage(c, st, signAttempt{form: newSignatureForm()})
	if err != nil {
		return err
	}
	data.Signed = s.thankYou(c, data)
	if data.Signed != "" && c.QueryParam("signed") == string(signon.SignatureUnconfirmed) {
		data.Resend = &linkPage{page: data.page, Statement: st.Slug}
	}
	return s.render(c, http.StatusOK, "statement", data)
}

// statementPage gathers the page for st; attempt carries what a failed
// sign form post sent.
func (s *Server) statementPage(c echo.Context, st *signon.Statement, attempt signAttempt) (*statementPage, error) {
	ctx := c.Request().Context()
	now := s.now()
	p := s.newPage(c, st.Title)
	p.Path = "/s/" + st.Slug // also after a post to /s/:slug/sign
	p.MetaDesc = st.Summary
	p.Canonical = s.canonicalURL(p.Path)
	data := &statementPage{
		page:      p,
		St:        st,
		Effective: st.EffectiveStatus(now),
		Preview:   !st.Public(now),
		Scheduled: st.Scheduled(now),
		Form:      attempt.form,
		Errors:    p.Problems(attempt.err),
		FormAlert: attempt.alert,
		Refused:   attempt.refused,
	}
	p.NoIndex = data.Preview
	if st.Language != p.Lang() {
		data.ContentLang = st.Language
	}
	if data.Effective == signon.StatusClosed || data.Effective == signon.StatusPublished {
		data.ClosedOn = st.ClosedAt
		if data.ClosedOn == nil {
			data.ClosedOn = st.ClosesAt
		}
	}
	data.ErrorList = errorList(data)

	if err := s.showText(c, data); err != nil {
		return nil, err
	}
	body, err := s.md.HTML(data.St.Body)
	if err != nil {
		return nil, err
	}
	data.BodyHTML = body

	if st.RespondsToID != nil {
		parent, err := s.db.StatementByID(ctx, *st.RespondsToID)
		switch {
		case signon.ErrorCode(err) == signon.ENOTFOUND:
		case err != nil:
			return nil, err
		case parent.Public(now) || data.Preview:
			data.RespondsTo = parent
		}
	}
	responses, err := s.db.Responses(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range responses {
		if r.Public(now) {
			data.Responses = append(data.Responses, r)
		}
	}

	if data.Delivery, err = s.deliveryFactsOf(ctx, data.translator, st); err != nil {
		return nil, err
	}
	if err := s.addRecord(c, data); err != nil {
		return nil, err
	}
	if err := s.addSignatories(c, data); err != nil {
		return nil, err
	}
	return data, nil
}

// errorList is the summary of field problems, in the order of the form.
func errorList(data *statementPage) []signProblem {
	var out []signProblem
	for _, f := range signatureFields {
		msg, ok := data.Errors[f.Name]
		if !ok {
			continue
		}
		id := f.Name
		if f.Name == "signer_type" {
			id = "signer_type-organization"
		}
		out = append(out, signProblem{ID: id, Label: data.T(f.LabelKey), Message: msg})
	}
	return out
}

// addSignatories fills in who signed: the headline, the table by region
// and the list, filtered by ?region= or ?country= and paginated by ?page=.
func (s *Server) addSignatories(c echo.Context, data *statementPage) error {
	ctx := c.Request().Context()
	st := data.St
	stats, err := s.db.SignatureStats(ctx, st.ID)
	if err != nil {
		return err
	}
	data.Count = stats.Total
	data.SignatoriesPublic = st.SignatoriesPublic(data.Now) || data.Preview
	data.Headline = headline(data.translator, st, stats, data.SignatoriesPublic)
	if !data.SignatoriesPublic || stats.Total == 0 {
		return nil
	}
	if data.Lead, err = s.leadSignatories(ctx, st); err != nil {
		return err
	}

	filter := signon.SignatureFilter{StatementID: st.ID, ByRegion: true, PerPage: signatoriesPerPage}
	if r, ok := signon.LookupRegion(c.QueryParam("region")); ok {
		filter.Region = r.Code
		data.FilterName = r.Name(data.Lang())
	} else if co, ok := signon.LookupCountry(c.QueryParam("country")); ok {
		filter.Country = co.Code
		data.FilterName = co.Name(data.Lang())
	}
	filter.Page, _ = strconv.Atoi(c.QueryParam("page"))
	filter.Page = max(filter.Page, 1)
	filter.Query = data.readSearch(c, filter)

	listURL := func(region, country string, page int) string {
		q := url.Values{}
		if region != "" {
			q.Set("region", region)
		} else if country != "" {
			q.Set("country", country)
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		if data.Text.Param != "" {
			q.Set(textParam, data.Text.Param)
		}
		if filter.Query != "" {
			q.Set("q", filter.Query)
		}
		u := data.Path
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u + "#signatories"
	}

	inRegions := map[string]int{} // per country, the signatures that name a region
	regionCount := map[string]int{}
	for _, rc := range stats.ByRegion {
		inRegions[rc.Country] += rc.Count
		regionCount[rc.Region] = rc.Count
		data.Regions = append(data.Regions, regionRow{
			Code: rc.Region, Name: data.RegionName(rc.Region),
			Count: rc.Count, URL: listURL(rc.Region, "", 1), Current: rc.Region == filter.Region,
		})
	}
	countryCount := map[string]int{}
	for _, cc := range stats.ByCountry {
		countryCount[cc.Country] = cc.Count
		if !signon.RegionRequired(cc.Country) {
			data.OtherCountries = append(data.OtherCountries, countryRow{
				Code: cc.Country, Name: data.CountryName(cc.Country), Count: cc.Count,
				URL: listURL("", cc.Country, 1), Current: cc.Country == filter.Country,
			})
		}
	}

	data.Places = data.placesOf(listURL)

	list, total, err := s.db.Signatures(ctx, filter)
	if err != nil {
		return err
	}
	pages := max((total+signatoriesPerPage-1)/signatoriesPerPage, 1)
	if filter.Page > pages {
		// A page past the end (an old link after withdrawals) shows the last.
		filter.Page = pages
		if list, _, err = s.db.Signatures(ctx, filter); err != nil {
			return err
		}
	}
	data.Pager = listPager{Page: filter.Page, Pages: pages}
	if filter.Page > 1 {
		data.Pager.Prev = listURL(filter.Region, filter.Country, filter.Page-1)
	}
	if filter.Page < pages {
		data.Pager.Next = listURL(filter.Region, filter.Country, filter.Page+1)
	}
	data.searchFound(total)

	// The store lists by country, then region, so each region is one run.
	for _, sig := range list {
		key := sig.Country + "/" + sig.Region
		if n := len(data.Groups); n > 0 && data.Groups[n-1].key == key {
			data.Groups[n-1].Signatures = append(data.Groups[n-1].Signatures, sig)
			continue
		}
		g := signatoryGroup{key: key, Signatures: []*signon.Signature{sig}}
		if sig.Region != "" {
			g.Name, g.Count = data.RegionName(sig.Region), regionCount[sig.Region]
		} else {
			g.Name, g.Count = data.CountryName(sig.Country), countryCount[sig.Country]-inRegions[sig.Country]
		}
		data.Groups = append(data.Groups, g)
	}
	return nil
}

// headline sums up who signed, such as "94 organizations from 18 states
// in 2 countries". Each number has its own plural form, so the sentence
// is put together from translated pieces.
func headline(t *translator, st *signon.Statement, stats *signon.Stats, detailed bool) string {
	if stats.Total == 0 {
		return t.T("public.headline.none")
	}
	signers := t.T("public.count.organizations", "Count", stats.Total)
	signed := "public.headline.signed_organizations"
	if st.AllowIndividuals {
		signers = t.T("public.count.signatories", "Count", stats.Total)
		signed = "public.headline.signed_signatories"
	}
	if !detailed {
		return t.T(signed, "Count", stats.Total)
	}
	regions, countries := len(stats.ByRegion), len(stats.ByCountry)
	regionNoun := "public.count.states"
	canada, elsewhere := false, false
	for _, r := range stats.ByRegion {
		if r.Country == "CA" {
			canada = true
		} else {
			elsewhere = true
		}
	}
	switch {
	case canada && elsewhere:
		regionNoun = "public.count.states_provinces"
	case canada:
		regionNoun = "public.count.provinces"
	}
	switch {
	case regions > 0 && countries > 1:
		return t.T("public.headline.regions_countries", "Signers", signers,
			"Regions", t.T(regionNoun, "Count", regions), "Countries", t.T("public.count.countries", "Count", countries))
	case regions > 0:
		return t.T("public.headline.regions", "Signers", signers, "Regions", t.T(regionNoun, "Count", regions))
	case countries > 1:
		return t.T("public.headline.countries", "Signers", signers, "Countries", t.T("public.count.countries", "Count", countries))
	}
	return t.T(signed, "Count", stats.Total)
}

// thankYou is the banner after a signature, read from ?signed= and the
// flash cookie the post left; the cookie is cleared once read.
func (s *Server) thankYou(c echo.Context, data *statementPage) string {
	status := signon.SignatureStatus(c.QueryParam("signed"))
	org := ""
	if ck, err := c.Cookie(signedCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil && utf8.Valid(b) {
			org = string(b)
		}
		s.setSignedCookie(c, data.St.Slug, "", -1)
	}
	switch status {
	case signon.SignatureApproved:
		switch {
		case org != "" && data.SignatoriesPublic:
			return data.T("public.signed.approved_org", "Organization", org)
		case org != "":
			return data.T("public.signed.approved_org_hidden", "Organization", org)
		case data.SignatoriesPublic:
			return data.T("public.signed.approved")
		}
		return data.T("public.signed.approved_hidden")
	case signon.SignaturePending:
		return data.T("public.signed.pending")
	case signon.SignatureUnconfirmed:
		return data.T("public.signed.unconfirmed")
	}
	return ""
}

func (s *Server) setSignedCookie(c echo.Context, slug, org string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: signedCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(org)), Path: "/s/" + slug,
		MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies(),
	})
}

// signedRedirect sends the signer to the thank-you banner.
func (s *Server) signedRedirect(c echo.Context, st *signon.Statement, org string, status signon.SignatureStatus) error {
	s.setSignedCookie(c, st.Slug, org, 600)
	to := "/s/" + st.Slug + "?signed=" + url.QueryEscape(string(status))
	if q := textQuery(c); q != "" {
		to += "&" + q // back to the text the signer read
	}
	return redirect(c, to+"#signed")
}

// handleSign serves POST /s/:slug/sign.
//
// handleSign takes a signature from the form on the statement page. A
// refused signature shows the page again with what was typed and why.
func (s *Server) handleSign(c echo.Context) error {
	ctx := c.Request().Context()
	founding := s.foundingSigner(c) // lead.go: may sign before the public
	st, err := s.publicStatement(ctx, c.Param("slug"), currentAccount(c) != nil || founding)
	if err != nil {
		return err
	}
	f := newSignatureForm()
	if err := c.Bind(&f); err != nil {
		return err
	}
	if signon.ValidLanguage(f.Lang) {
		// The page set no cookie (caches share it): the cookie remembers
		// the language now, for the thank-you and later visits.
		c.Set(translatorContextKey, newTranslator(s.bundle, f.Lang))
		setLanguageCookie(c, f.Lang)
	}
	t := s.translator(c)
	again := func(status int, attempt signAttempt) error {
		attempt.form = f
		data, err := s.statementPage(c, st, attempt)
		if err != nil {
			return err
		}
		return s.render(c, status, "statement", data)
	}
	sig, manage, err := s.sign(c, st, signRequest{
		input: f.input(t.lang), source: signon.SourceForm, invitation: f.Invitation, honeypot: f.Fax,
		founding: founding,
	})
	switch {
	case errors.Is(err, signon.ErrNotOpen):
		return again(http.StatusConflict, signAttempt{alert: t.Error(err), refused: true})
	case errors.Is(err, signon.ErrTooManySignatures):
		// The form's own message: what was typed is kept on the page.
		return again(http.StatusTooManyRequests, signAttempt{alert: t.T("error.too_many_signatures")})
	case errors.Is(err, signon.ErrAlreadySigned):
		return again(http.StatusConflict, signAttempt{alert: t.Error(err)})
	case signon.ErrorCode(err) == signon.EINVALID:
		return again(http.StatusUnprocessableEntity, signAttempt{err: err, alert: t.Error(err)})
	case err != nil:
		return err
	case manage != "":
		// The thank-you is the signer's own page: its address is the
		// private link, which no email carries.
		return redirect(c, "/my/"+manage+"?signed=1")
	case founding:
		// The statement's page is not public yet: the invitation's page
		// shows the signature made.
		return redirect(c, "/i/"+f.Invitation)
	}
	return s.signedRedirect(c, st, sig.Name(), sig.Status)
}

// collapseForFlash tidies a name the way Validate would, for the
// honeypot's imitation of a thank-you.
func collapseForFlash(name string) string {
	name = strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(name) > signon.MaxOrganization {
		return ""
	}
	return name
}
