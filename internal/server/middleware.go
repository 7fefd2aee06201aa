package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/signon-coalition/signon/internal/signon"
)

// contentSecurityPolicy allows only Signon's own scripts, styles and
// forms: no inline script, so an injected tag cannot run.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every answer carries. It also
// decides, once per request, whether the request came over HTTPS
// (overHTTPS), for the cookies set later.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		https := s.overHTTPS(c)
		c.Set(httpsContextKey, https)
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

func cacheFor(seconds int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", seconds))
		next.ServeHTTP(w, r)
	})
}

// apiOnly marks requests as API requests, so errors are answered in JSON.
func apiOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(apiContextKey, true)
		return next(c)
	}
}

const apiContextKey = "signon.api"

// requestOverHTTPS reports what securityHeaders decided: whether the
// request came over HTTPS.
func requestOverHTTPS(c echo.Context) bool {
	v, _ := c.Get(httpsContextKey).(bool)
	return v
}

const httpsContextKey = "signon.https"

func isAPI(c echo.Context) bool {
	v, _ := c.Get(apiContextKey).(bool)
	return v || strings.HasPrefix(c.Request().URL.Path, "/api/")
}

// csrf guards every state-changing form with a token bound to a cookie.
func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		ContextKey:     csrfContextKey,
		CookieName:     "signon_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   s.secureCookies(),
		CookieMaxAge:   12 * 3600,
		// A missing token fails the same way as a wrong one: to the
		// person, the form expired or did not come from this site.
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden).SetInternal(err)
		},
	})
}

func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogStatus: true, LogLatency: true, LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("path", loggedPath(c)),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

// loggedPath is what logs say a request asked for: the route, such as
// /my/:token, and only for an address no route matches the path itself,
// with any private link's token cut out. A token in a path acts for its
// holder, and logs are kept and shipped where the database keeps only
// hashes of the tokens. (Queries and headers, a bearer token among
// them, are never logged.)
func loggedPath(c echo.Context) string {
	if route := c.Path(); route != "" && route != "/*" {
		return route
	}
	return signon.RedactPrivateLinks(c.Request().URL.Path)
}

// sameOrigin guards the public forms, whose pages carry no per-visitor
// token so that caches can share them: a browser says where a post
// comes from, in Sec-Fetch-Site, or else in Origin or Referer, and only
// a post from Signon's own pages (or typed in by hand) is taken. A post
// that says nothing at all is refused too: every browser that can sign
// sends one of them, and the API is there for other clients.
func (s *Server) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Header.Get(echo.HeaderSecFetchSite) {
		case "same-origin", "none":
			return next(c)
		case "":
			from := r.Header.Get(echo.HeaderOrigin)
			if from == "" || from == "null" {
				from = r.Referer()
			}
			if s.ownOrigin(r, from) {
				return next(c)
			}
		}
		return echo.NewHTTPError(http.StatusForbidden).SetInternal(errCrossSite)
	}
}

var errCrossSite = errors.New("cross-site post refused")

// ownOrigin reports whether the address from (an Origin or a Referer) is
// this site: the host the request was sent to, or the public address.
func (s *Server) ownOrigin(r *http.Request, from string) bool {
	u, err := url.Parse(from)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	base, err := url.Parse(s.cfg.BaseURL)
	return err == nil && base.Host != "" && strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host)
}

// dropPagesAfterWrites clears the page cache after every change a
// coordinator makes (an edit, a transition, a translation, a decision
// on a signature), so the public pages show it at once. Changes are
// rare next to reads; signatures, which are not, wait for the cache's
// second instead.
func (s *Server) dropPagesAfterWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
			s.pages.clear()
		}
		return err
	}
}
