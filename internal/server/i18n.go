package server

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/signon-coalition/signon/internal/signon"
)

const langCookie = "signon_lang"

// newBundle loads every message file, locales/AREA.LANG.toml: one file
// per area of the site and language, so each stays short enough to check
// against its translation by eye.
func newBundle(fsys fs.FS) (*i18n.Bundle, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(fsys, f); err != nil {
			return nil, fmt.Errorf("load messages %s: %w", f, err)
		}
	}
	return bundle, nil
}

var languageMatcher = language.NewMatcher([]language.Tag{language.English, language.Spanish})

// requestLanguage picks the page language: an explicit ?lang=, then the
// cookie, then the browser's Accept-Language. ?lang= is remembered in the
// cookie, except on the pages caches share, which set no cookie (there
// the language switch, handleLanguage, sets it), and on downloads: a
// file is not a visit.
func requestLanguage(c echo.Context) string {
	if lang := c.QueryParam("lang"); signon.ValidLanguage(lang) {
		if !isCacheable(c) && !isFileDownload(c) {
			setLanguageCookie(c, lang)
		}
		return lang
	}
	if ck, err := c.Cookie(langCookie); err == nil && signon.ValidLanguage(ck.Value) {
		return ck.Value
	}
	tags, _, _ := language.ParseAcceptLanguage(c.Request().Header.Get("Accept-Language"))
	tag, _, _ := languageMatcher.Match(tags...)
	base, _ := tag.Base()
	if signon.ValidLanguage(base.String()) {
		return base.String()
	}
	return signon.Languages[0]
}

// translator speaks one language.
type translator struct {
	lang string
	loc  *i18n.Localizer
}

func newTranslator(bundle *i18n.Bundle, lang string) *translator {
	return &translator{lang: lang, loc: i18n.NewLocalizer(bundle, lang)}
}

// T translates the message id. kv are pairs of template names and values;
// a pair named "Count" also chooses the plural form. A missing message
// shows its id, which the locale completeness test catches first.
func (t *translator) T(id string, kv ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name := fmt.Sprint(kv[i])
			data[name] = kv[i+1]
			if name == "Count" {
				cfg.PluralCount = kv[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := t.loc.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Problem translates a field problem.
func (t *translator) Problem(p signon.Problem) string {
	return t.T("problem."+p.Code, "Limit", p.Limit)
}

// Problems translates every field problem of err, or returns nil.
func (t *translator) Problems(err error) map[string]string {
	fields := signon.ErrorFields(err)
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fields))
	for field, p := range fields {
		out[field] = t.Problem(p)
	}
	return out
}

// Error translates the message of err: by its key when it has one,
// otherwise its (English) message.
func (t *translator) Error(err error) string {
	if key := signon.ErrorKey(err); key != "" {
		if s := t.T(key); s != key {
			return s
		}
	}
	if signon.ErrorCode(err) == signon.EINTERNAL {
		return t.T("error.internal")
	}
	return signon.ErrorMessage(err)
}

// otherLanguage is the language the switch in the page header offers.
func otherLanguage(lang string) string {
	if strings.HasPrefix(lang, "es") {
		return "en"
	}
	return "es"
}

// fileDownload marks a route that answers with a file (a PDF, a list of
// signatories): ?lang= sets no cookie there.
func fileDownload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(fileDownloadContextKey, true)
		return next(c)
	}
}

func isFileDownload(c echo.Context) bool {
	v, _ := c.Get(fileDownloadContextKey).(bool)
	return v
}

const fileDownloadContextKey = "signon.download"

func setLanguageCookie(c echo.Context, lang string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: requestOverHTTPS(c)})
}

// handleLanguage serves GET /language/:lang.
//
// handleLanguage is the language switch in the page header: it remembers
// the choice in the cookie and goes back to the page (?next=) in that
// language. The page itself sets no cookie, so that caches can share it;
// the address it goes back to names the language, so even a cache that
// ignores the cookie serves that page in the language chosen.
func (s *Server) handleLanguage(c echo.Context) error {
	lang := c.Param("lang")
	if !signon.ValidLanguage(lang) {
		return signon.Errorf(signon.ENOTFOUND, "No such language.")
	}
	setLanguageCookie(c, lang)
	u, err := url.Parse(localPath(c.QueryParam("next"), "/"))
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return c.Redirect(http.StatusSeeOther, u.RequestURI())
}
