package server

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// The API's limits: a signature is a few hundred bytes of JSON, and a
// page of 500 signatures is what a spreadsheet import wants at once.
const (
	maxAPIBody        = 64 << 10
	apiDefaultPerPage = 50
	apiMaxPerPage     = 500
)

// Problems the API's query parameters can have, beyond the domain's.
// Their messages are in the base message catalogs.
const (
	problemPositiveInteger = "positive_integer"
	problemTooLarge        = "too_large"
)

// apiTime writes t as RFC 3339 in UTC to the second, or null.
func apiTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

type apiStatementItem struct {
	Slug           string      `json:"slug"`
	Kind           signon.Kind `json:"kind"`
	Title          string      `json:"title"`
	Status         string      `json:"status"`
	SignatureCount int         `json:"signature_count"`
	Language       string      `json:"language"`
	URL            string      `json:"url"`
	ClosesAt       *string     `json:"closes_at"`
	PublishedAt    *string     `json:"published_at"`
}

// apiStatements serves GET /api/v1/statements.
//
// apiStatements lists the statements the public may read.
func (s *Server) apiStatements(c echo.Context) error {
	ctx := c.Request().Context()
	list, err := s.db.Statements(ctx, signon.StatementFilter{Public: true})
	if err != nil {
		return err
	}
	now := s.now()
	var ids []int64
	for _, st := range list {
		ids = append(ids, st.ID)
	}
	counts, err := s.db.SignatureCounts(ctx, ids)
	if err != nil {
		return err
	}
	out := []apiStatementItem{}
	for _, st := range list {
		if !st.Public(now) {
			continue
		}
		out = append(out, apiStatementItem{
			Slug: st.Slug, Kind: st.Kind, Title: st.Title, Status: string(st.EffectiveStatus(now)),
			SignatureCount: counts[st.ID], Language: st.Language, URL: s.absoluteURL("/s/" + st.Slug),
			ClosesAt: apiTime(st.ClosesAt), PublishedAt: apiTime(st.PublishedAt),
		})
	}
	return c.JSON(http.StatusOK, map[string]any{"statements": out})
}

type apiStatementLink struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

type apiStatementDetail struct {
	Slug               string             `json:"slug"`
	Kind               signon.Kind        `json:"kind"`
	Title              string             `json:"title"`
	Summary            string             `json:"summary"`
	Body               string             `json:"body"`
	BodyHTML           string             `json:"body_html"`
	AddressedTo        string             `json:"addressed_to"`
	Occasion           string             `json:"occasion"`
	Language           string             `json:"language"`
	Status             string             `json:"status"`
	OpensAt            *string            `json:"opens_at"`
	ClosesAt           *string            `json:"closes_at"`
	PublishedAt        *string            `json:"published_at"`
	RespondsTo         *apiStatementLink  `json:"responds_to"`
	Responses          []apiStatementLink `json:"responses"`
	AllowIndividuals   bool               `json:"allow_individuals"`
	SignatoriesVisible bool               `json:"signatories_visible"`
	SignatureCount     int                `json:"signature_count"`
	// Version is the current version of the text; signatures name the
	// one they signed.
	Version int `json:"version"`
	// The breakdowns are null while the signatories are not public: in a
	// state with one signatory, the count by state would name it.
	RegionCount  *int `json:"region_count"`
	CountryCount *int `json:"country_count"`
	// Translations are the statement's texts in other languages, by
	// language (statement_text.go); {} when there are none.
	Translations map[string]apiStatementText `json:"translations"`
}

// apiStatement serves GET /api/v1/statements/:slug.
//
// apiStatement is one statement with its text and counts.
func (s *Server) apiStatement(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	now := s.now()
	body, err := s.md.HTML(st.Body)
	if err != nil {
		return err
	}
	stats, err := s.db.SignatureStats(ctx, st.ID)
	if err != nil {
		return err
	}
	out := apiStatementDetail{
		Slug: st.Slug, Kind: st.Kind, Title: st.Title, Summary: st.Summary, Body: st.Body, BodyHTML: string(body),
		AddressedTo: st.AddressedTo, Occasion: st.Occasion, Language: st.Language,
		Status:  string(st.EffectiveStatus(now)),
		OpensAt: apiTime(st.OpensAt), ClosesAt: apiTime(st.ClosesAt), PublishedAt: apiTime(st.PublishedAt),
		Responses:          []apiStatementLink{},
		AllowIndividuals:   st.AllowIndividuals,
		SignatoriesVisible: st.SignatoriesPublic(now),
		SignatureCount:     stats.Total,
		Version:            st.Version,
	}
	if out.SignatoriesVisible {
		regions, countries := len(stats.ByRegion), len(stats.ByCountry)
		out.RegionCount, out.CountryCount = &regions, &countries
	}
	if st.RespondsToID != nil {
		parent, err := s.db.StatementByID(ctx, *st.RespondsToID)
		switch {
		case signon.ErrorCode(err) == signon.ENOTFOUND:
		case err != nil:
			return err
		case parent.Public(now):
			out.RespondsTo = &apiStatementLink{Slug: parent.Slug, Title: parent.Title}
		}
	}
	responses, err := s.db.Responses(ctx, st.ID)
	if err != nil {
		return err
	}
	for _, r := range responses {
		if r.Public(now) {
			out.Responses = append(out.Responses, apiStatementLink{Slug: r.Slug, Title: r.Title})
		}
	}
	if out.Translations, err = s.apiTranslations(ctx, st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// apiSignature is a signature as the public sees it: never the email,
// the status or anything else a coordinator keeps to themselves.
type apiSignature struct {
	Organization string  `json:"organization"`
	SignerName   string  `json:"signer_name"`
	SignerTitle  string  `json:"signer_title"`
	SignerType   string  `json:"signer_type"`
	City         string  `json:"city"`
	Country      string  `json:"country"`
	Region       string  `json:"region"`
	Website      string  `json:"website"`
	SignedAt     *string `json:"signed_at"`
	// VersionSigned is the version of the text the organization signed
	// (see version in the statement).
	VersionSigned int `json:"version_signed"`
	// Lead says the organization is a lead signer (lead.go).
	Lead bool `json:"lead"`
}

func newAPISignature(sig *signon.Signature) apiSignature {
	return apiSignature{
		Organization: sig.Organization, SignerName: sig.SignerName, SignerTitle: sig.SignerTitle,
		SignerType: string(sig.SignerType), City: sig.City, Country: sig.Country, Region: sig.Region,
		Website: sig.Website, SignedAt: apiTime(&sig.CreatedAt), VersionSigned: sig.StatementVersion, Lead: sig.Lead,
	}
}

type apiSignatureList struct {
	// LeadSignatures are the lead signers, whole and first, apart from
	// the pages of Signatures, which list them too.
	LeadSignatures     []apiSignature `json:"lead_signatures"`
	Signatures         []apiSignature `json:"signatures"`
	Page               int            `json:"page"`
	PerPage            int            `json:"per_page"`
	Total              int            `json:"total"`
	SignatoriesVisible bool           `json:"signatories_visible"`
}

// apiSignatures serves GET /api/v1/statements/:slug/signatures.
//
// apiSignatures lists a page of approved signatures, optionally of one
// region and matching a search of their names (?q=). With ?since=, it
// is the statement's change log for an API token (api_changes.go).
func (s *Server) apiSignatures(c echo.Context) error {
	if wantsChanges(c) {
		return s.apiSignatureChanges(c)
	}
	ctx := c.Request().Context()
	p := signon.Problems{}
	page := positiveParam(p, c, "page", 1, 0)
	perPage := positiveParam(p, c, "per_page", apiDefaultPerPage, apiMaxPerPage)
	region := ""
	if v := c.QueryParam("region"); v != "" {
		if r, ok := signon.LookupRegion(v); ok {
			region = r.Code
		} else {
			p.Add("region", signon.ProblemUnknownRegion, 0)
		}
	}
	query, problem := searchQuery(c.QueryParam("q"))
	if problem != nil {
		p.Add("q", problem.Code, problem.Limit)
	}
	if err := p.Err(); err != nil {
		return err
	}
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	filter := signon.SignatureFilter{StatementID: st.ID, Region: region, Query: query, ByRegion: true, Page: page, PerPage: perPage}
	out := apiSignatureList{LeadSignatures: []apiSignature{}, Signatures: []apiSignature{}, Page: page, PerPage: perPage, SignatoriesVisible: st.SignatoriesPublic(s.now())}
	if !out.SignatoriesVisible {
		// The total is public even while the names are not. The count of
		// a search or of one state is not: a search would tell who signed
		// name by name, and the stats endpoint hides counts by state too.
		filter.PerPage, filter.Page, filter.Query, filter.Region = 1, 1, "", ""
		if _, out.Total, err = s.db.Signatures(ctx, filter); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
	list, total, err := s.db.Signatures(ctx, filter)
	if err != nil {
		return err
	}
	out.Total = total
	for _, sig := range list {
		out.Signatures = append(out.Signatures, newAPISignature(sig))
	}
	lead, err := s.leadSignatories(ctx, st)
	if err != nil {
		return err
	}
	for _, sig := range lead {
		out.LeadSignatures = append(out.LeadSignatures, newAPISignature(sig))
	}
	return c.JSON(http.StatusOK, out)
}

// positiveParam reads the query parameter name as a whole number of 1 or
// more (at most limit, unless limit is 0), or def when it is absent.
func positiveParam(p signon.Problems, c echo.Context, name string, def, limit int) int {
	v := c.QueryParam(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || n < 1:
		p.Add(name, problemPositiveInteger, 0)
	case limit > 0 && n > limit:
		p.Add(name, problemTooLarge, limit)
	default:
		return n
	}
	return def
}

type apiRegionCount struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Country string `json:"country"`
	Count   int    `json:"count"`
}

type apiCountryCount struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type apiStatsBody struct {
	Total              int               `json:"total"`
	ByRegion           []apiRegionCount  `json:"by_region"`
	ByCountry          []apiCountryCount `json:"by_country"`
	SignatoriesVisible bool              `json:"signatories_visible"`
}

// apiStats serves GET /api/v1/statements/:slug/stats.
//
// apiStats counts approved signatures by region and country, with names
// in English or, with ?lang=es, Spanish. While the signatories are not
// public only the total is given, as on the statement page.
func (s *Server) apiStats(c echo.Context) error {
	ctx := c.Request().Context()
	lang := "en"
	if c.QueryParam("lang") == "es" {
		lang = "es"
	}
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	stats, err := s.db.SignatureStats(ctx, st.ID)
	if err != nil {
		return err
	}
	out := apiStatsBody{Total: stats.Total, ByRegion: []apiRegionCount{}, ByCountry: []apiCountryCount{},
		SignatoriesVisible: st.SignatoriesPublic(s.now())}
	if !out.SignatoriesVisible {
		return c.JSON(http.StatusOK, out)
	}
	for _, rc := range stats.ByRegion {
		name := rc.Region
		if r, ok := signon.LookupRegion(rc.Region); ok {
			name = r.Name(lang)
		}
		out.ByRegion = append(out.ByRegion, apiRegionCount{Code: rc.Region, Name: name, Country: rc.Country, Count: rc.Count})
	}
	for _, cc := range stats.ByCountry {
		name := cc.Country
		if co, ok := signon.LookupCountry(cc.Country); ok {
			name = co.Name(lang)
		}
		out.ByCountry = append(out.ByCountry, apiCountryCount{Code: cc.Country, Name: name, Count: cc.Count})
	}
	return c.JSON(http.StatusOK, out)
}

// signatureRequest is the body of POST /api/v1/statements/{slug}/signatures.
type signatureRequest struct {
	Organization string `json:"organization"`
	SignerName   string `json:"signer_name"`
	SignerTitle  string `json:"signer_title"`
	Email        string `json:"email"`
	City         string `json:"city"`
	Country      string `json:"country"`
	Region       string `json:"region"`
	Website      string `json:"website"`
	SignerType   string `json:"signer_type"`
	Language     string `json:"language"`
	// Authorized affirms the signer may sign for the organization; an
	// organization's signature needs it (authority.go).
	Authorized bool   `json:"authorized"`
	Fax        string `json:"fax"` // the form's honeypot, for clients that copy it
}

func (r signatureRequest) input() signon.SignatureInput {
	return signon.SignatureInput{
		SignerType:   r.SignerType,
		Organization: r.Organization,
		SignerName:   r.SignerName,
		SignerTitle:  r.SignerTitle,
		Email:        r.Email,
		City:         r.City,
		Country:      r.Country,
		Region:       r.Region,
		Website:      r.Website,
		Language:     r.Language,
		Authorized:   r.Authorized,
	}
}

type apiSigned struct {
	Status    signon.SignatureStatus `json:"status"`
	Statement string                 `json:"statement"`
	// ManageURL is the signer's private link to correct or withdraw the
	// signature, given here when no email carries it (see storeSignature).
	ManageURL string `json:"manage_url,omitempty"`
}

// signedAnswer is the API's answer to a signature of status on st
// whose manage token (or "" for none on the answer) is manage.
func (s *Server) signedAnswer(st *signon.Statement, status signon.SignatureStatus, manage string) apiSigned {
	out := apiSigned{Status: status, Statement: st.Slug}
	if manage != "" {
		out.ManageURL = s.absoluteURL("/my/" + manage)
	}
	return out
}

// apiSign serves POST /api/v1/statements/:slug/signatures.
//
// apiSign takes a signature as JSON, under the same rules as the form.
func (s *Server) apiSign(c echo.Context) error {
	ctx := c.Request().Context()
	req, err := decode[signatureRequest](c, maxAPIBody)
	if err != nil {
		return err
	}
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	sig, manage, err := s.sign(c, st, signRequest{input: req.input(), source: signon.SourceAPI, honeypot: req.Fax})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.signedAnswer(st, sig.Status, manage))
}

// decode reads a JSON request body of at most limit bytes into a T,
// refusing other content types (415), malformed JSON, fields T does not
// have and anything after the value (400), and bodies too large (413).
func decode[T any](c echo.Context, limit int64) (T, error) {
	var v T
	mediaType, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationJSON {
		return v, echo.NewHTTPError(http.StatusUnsupportedMediaType)
	}
	body := http.MaxBytesReader(c.Response(), c.Request().Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, decodeError(err)
	}
	return v, nil
}

func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge).SetInternal(err)
	}
	return echo.NewHTTPError(http.StatusBadRequest).SetInternal(err)
}
