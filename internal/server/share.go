package server

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// The widget's size when the embedding site sets no limit: wide enough
// for a title on two lines and the button beside the count, short enough
// to sit in a sidebar or between paragraphs of an article.
const (
	embedWidth  = 420
	embedHeight = 220
)

// embedSecurityPolicy is the site's policy with one difference: any site
// may frame the widget. It runs no script at all, and its one link opens
// a new tab, so a framing page gains nothing by overlaying it.
const embedSecurityPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; form-action 'none'; frame-ancestors *; base-uri 'none'; object-src 'none'"

// ogLocales names the audience of each language the way Open Graph
// wants it: the coalition writes Spanish for Mexico and the border.
var ogLocales = map[string]string{"en": "en_US", "es": "es_MX"}

// shareMeta is what link previews (Open Graph, Twitter cards) and oEmbed
// consumers read from a statement page's head.
type shareMeta struct {
	Title, Description, URL, SiteName, Locale string
	Published                                 string // RFC 3339, for a final statement
	OEmbed                                    string // the discovery address
}

// Share is the statement's link-preview metadata, or nil for a preview
// of a statement that is not public: nobody should share that link.
// Addresses need the configured public address (Canonical); without it
// the page cannot know the address people see, and leaves them out.
func (p *statementPage) Share() *shareMeta {
	if p.Preview {
		return nil
	}
	m := &shareMeta{
		Title: p.St.Title, Description: p.St.Summary, URL: p.Canonical,
		SiteName: p.Coalition, Locale: ogLocales[p.St.Language],
	}
	if p.Effective == signon.StatusPublished && p.St.PublishedAt != nil {
		m.Published = p.St.PublishedAt.UTC().Format(time.RFC3339)
	}
	if base, ok := strings.CutSuffix(p.Canonical, "/s/"+p.St.Slug); ok && p.Canonical != "" {
		m.OEmbed = base + "/oembed?" + url.Values{"url": {p.Canonical}, "format": {"json"}}.Encode()
	}
	return m
}

// framable lets other sites put the response in an <iframe>. It runs
// after securityHeaders, replacing only what concerns framing, so every
// other route keeps the site's policy.
func framable(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", embedSecurityPolicy)
		h.Del("X-Frame-Options")
		return next(c)
	}
}

// embedPage is the widget: the title, how many signed, and a way in.
type embedPage struct {
	*page
	St           *signon.Statement
	Effective    signon.Status
	Count        int
	StatementURL string
}

// handleEmbed serves GET /s/:slug/embed.
//
// handleEmbed serves the widget that other sites frame. It speaks the
// statement's language (the title it shows is in that language) unless
// ?lang= asks otherwise, and sets no cookie, so caches may share it.
func (s *Server) handleEmbed(c echo.Context) error {
	ctx := c.Request().Context()
	lang := c.QueryParam("lang")
	if !signon.ValidLanguage(lang) {
		lang = signon.Languages[0]
	}
	c.Set(translatorContextKey, newTranslator(s.bundle, lang))
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	if c.QueryParam("lang") == "" {
		c.Set(translatorContextKey, newTranslator(s.bundle, st.Language))
	}
	counts, err := s.db.SignatureCounts(ctx, []int64{st.ID})
	if err != nil {
		return err
	}
	p := s.newPage(c, st.Title)
	p.NoIndex = true
	data := embedPage{
		page: p, St: st, Effective: st.EffectiveStatus(s.now()), Count: counts[st.ID],
		StatementURL: s.absoluteURL("/s/" + st.Slug),
	}
	var buf bytes.Buffer
	if err := s.templates["embed"].ExecuteTemplate(&buf, "embed", data); err != nil {
		return fmt.Errorf("render embed: %w", err)
	}
	// A minute keeps a widget on a busy news page from reaching the
	// database on every view, while the count still moves visibly.
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// oembedResponse is a "rich" oEmbed answer (https://oembed.com, 2.3.4).
type oembedResponse struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	Title        string `json:"title"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	CacheAge     int    `json:"cache_age"`
}

// handleOEmbed serves GET /oembed.
//
// handleOEmbed tells a site that was given a statement's address how to
// embed it: the widget in an iframe, no larger than maxwidth × maxheight.
func (s *Server) handleOEmbed(c echo.Context) error {
	switch c.QueryParam("format") {
	case "", "json":
	default:
		// oEmbed asks for 501 when the format is not offered; only JSON is.
		t := s.translator(c)
		return c.JSON(http.StatusNotImplemented, map[string]apiError{"error": {
			Code: "not_implemented", Message: t.T("share.error.oembed_format"),
		}})
	}
	problems := signon.Problems{}
	raw := strings.TrimSpace(c.QueryParam("url"))
	if raw == "" {
		problems.Add("url", signon.ProblemRequired, 0)
	}
	width := min(positiveParam(problems, c, "maxwidth", embedWidth, 0), embedWidth)
	height := min(positiveParam(problems, c, "maxheight", embedHeight, 0), embedHeight)
	if err := problems.Err(); err != nil {
		return err
	}
	slug, ok := s.statementSlugOf(c, raw)
	if !ok {
		return errStatementNotFound
	}
	st, err := s.publicStatement(c.Request().Context(), slug, false)
	if err != nil {
		return err
	}
	src := s.absoluteURL("/s/" + st.Slug + "/embed")
	frame := fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" loading="lazy" style="border:0;max-width:100%%"></iframe>`,
		html.EscapeString(src), width, height, html.EscapeString(st.Title))
	return c.JSON(http.StatusOK, oembedResponse{
		Version: "1.0", Type: "rich", ProviderName: s.cfg.Coalition, ProviderURL: s.absoluteURL("/"),
		Title: st.Title, HTML: frame, Width: width, Height: height, CacheAge: 60,
	})
}

// statementSlugOf reads the slug out of the address of a statement page
// of this site (http or https, any query or fragment), or reports that
// raw is no such address.
func (s *Server) statementSlugOf(c echo.Context, raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	site, err := url.Parse(s.absoluteURL("/s/"))
	if err != nil || !strings.EqualFold(u.Host, site.Host) {
		return "", false
	}
	slug, ok := strings.CutPrefix(u.Path, site.Path)
	slug = strings.TrimSuffix(slug, "/")
	if !ok || slug == "" || strings.Contains(slug, "/") {
		return "", false
	}
	return slug, true
}
