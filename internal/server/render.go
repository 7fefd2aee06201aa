package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// templates holds one parsed template set per page, each with the layout
// and the partials, parsed once at start-up.
type templates map[string]*template.Template

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"query": func(base string, kv ...any) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if s := fmt.Sprint(kv[i+1]); s != "" && s != "0" {
				v.Set(fmt.Sprint(kv[i]), s)
			}
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	},
}

func parseTemplates(fsys fs.FS) (templates, error) {
	pages, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := templates{}
	for _, page := range pages {
		name := strings.TrimSuffix(path.Base(page), ".html")
		tmpl, err := template.New(name).Funcs(templateFuncs).ParseFS(fsys,
			"templates/layout.html", "templates/partials/*.html", page)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", page, err)
		}
		t[name] = tmpl
	}
	return t, nil
}

// page is what every template gets: the language, the CSRF token, who is
// logged in. Handlers embed it in a struct with their own data.
type page struct {
	*translator
	Title     string
	CSRF      string
	Account   *signon.Account
	Path      string
	OtherLang string
	Coalition string
	Now       time.Time
	NoIndex   bool
	zone      *time.Location
	MetaDesc  string
	Canonical string
}

// LangURL switches to the other language and comes back to this page
// (handleLanguage).
func (p *page) LangURL() string {
	return "/language/" + p.OtherLang + "?next=" + url.QueryEscape(p.Path)
}

// Date formats t as a date in the page's language.
func (p *page) Date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatDate(t.In(p.zone), p.lang)
}

// DateTime formats t with its time of day in the coalition's time zone.
func (p *page) DateTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatDateTime(t.In(p.zone), p.lang)
}

// formatDateTime formats t, already in the zone to show, with its time of
// day in lang.
func formatDateTime(t time.Time, lang string) string {
	return formatDate(t, lang) + " " + t.Format("15:04 MST")
}

// At is DateTime for a time that is always set.
func (p *page) At(t time.Time) string { return p.DateTime(&t) }

var monthsES = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "octubre", "noviembre", "diciembre"}

func formatDate(t time.Time, lang string) string {
	if lang == "es" {
		return fmt.Sprintf("%d de %s de %d", t.Day(), monthsES[t.Month()-1], t.Year())
	}
	return t.Format("January 2, 2006")
}

// RegionName is the name of an ISO 3166-2 code in the page's language.
func (p *page) RegionName(code string) string {
	if r, ok := signon.LookupRegion(code); ok {
		return r.Name(p.lang)
	}
	return code
}

// CountryName is the name of an ISO 3166-1 code in the page's language.
func (p *page) CountryName(code string) string {
	if c, ok := signon.LookupCountry(code); ok {
		return c.Name(p.lang)
	}
	return code
}

// PlaceName names a region or, outside the catalog's countries, a country.
func (p *page) PlaceName(country, region string) string {
	if region != "" {
		return p.RegionName(region)
	}
	return p.CountryName(country)
}

// Lang is the page's language code.
func (p *page) Lang() string { return p.lang }

// newPage prepares the common page data for c.
func (s *Server) newPage(c echo.Context, title string) *page {
	tr := s.translator(c)
	csrf, _ := c.Get(csrfContextKey).(string)
	acct, _ := c.Get(accountContextKey).(*signon.Account)
	return &page{
		translator: tr,
		Title:      title,
		CSRF:       csrf,
		Account:    acct,
		Path:       c.Request().URL.Path,
		OtherLang:  otherLanguage(tr.lang),
		Coalition:  s.cfg.Coalition,
		Now:        s.now(),
		zone:       s.cfg.Location,
	}
}

// render executes the page template into a buffer first, so a template
// error becomes a clean error page instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	tmpl, ok := s.templates[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// redirect answers a form post with 303 See Other, so reloading the next
// page does not post again.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}
