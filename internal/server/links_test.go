package server_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// forged sends a request to app whose Host and X-Forwarded-* headers
// name another site, as anyone may send.
func forged(c *testClient, method, path string, form url.Values) *response {
	c.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, c.app.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// The client's cookie jar goes by Host, so the cookies go by hand.
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	return c.do(req)
}

// A request's Host never makes the links Signon gives out: without a
// public address, emails, feeds, widgets, records and printed copies
// name the address the server listens on, whatever Host a request says.
// Otherwise a forged Host on a resend would email a signer a working
// private link to someone else's server, and void the genuine one.
func TestLinks_NotFromRequest(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect, func(c *server.Config) { c.BaseURL = "" })
		st := app.openStatement(t, "resend", func(s *signon.Statement) { s.RequireConfirmation = true })
		c := app.client(t)
		pubStatus(t, c.postForm("/s/resend/sign", pubSignValues("email", "ana@example.org")), http.StatusSeeOther)

		res := forged(c, http.MethodPost, "/confirm/resend",
			url.Values{"email": {"ana@example.org"}, "statement": {"resend"}, "_csrf": {c.csrfToken()}})
		pubStatus(t, res, http.StatusOK)
		emails := signerEmails(t, app, st)
		if len(emails) != 2 {
			t.Fatalf("%d emails, want the confirmation and its resend", len(emails))
		}
		for _, e := range emails {
			if strings.Contains(e.TextBody+e.HTMLBody, "evil.example") {
				t.Errorf("email names the forged host:\n%s", e.TextBody)
			}
			if !strings.Contains(e.TextBody, app.URL+"/confirm/") || !strings.Contains(e.TextBody, app.URL+"/my/") {
				t.Errorf("email's links are not on %s:\n%s", app.URL, e.TextBody)
			}
		}

		// The pages that carry absolute links, and the cached ones above
		// all: a forged Host must not reach the next reader either.
		pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)
		for _, path := range []string{
			"/feed.atom", "/s/resend", "/s/resend/print", "/s/resend/embed",
			"/oembed?url=" + url.QueryEscape(app.URL+"/s/resend"),
		} {
			res := forged(app.client(t), http.MethodGet, path, nil)
			pubStatus(t, res, http.StatusOK)
			if strings.Contains(res.Body, "evil.example") {
				t.Errorf("%s names the forged host", path)
			}
		}
		if res := forged(app.client(t), http.MethodGet, "/s/resend/statement.pdf", nil); res.Status != http.StatusOK ||
			strings.Contains(res.Body, "evil.example") {
			t.Errorf("statement.pdf: %d, or names the forged host", res.Status)
		}
	})
}

// X-Forwarded-Proto is believed only from a trusted proxy, as
// X-Forwarded-For is: from anyone else it would turn on HSTS and Secure
// cookies for an address served over plain HTTP.
func TestLinks_ForwardedProtoFromProxiesOnly(t *testing.T) {
	t.Parallel()
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	for _, tt := range []struct {
		name    string
		trusted bool
	}{{"Untrusted", false}, {"TrustedProxy", true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app := newTestApp(t, "sqlite", func(c *server.Config) {
				if tt.trusted {
					c.TrustedProxies = []*net.IPNet{loopback}
				}
			})
			app.openStatement(t, "letter")
			res := forged(app.client(t), http.MethodGet, "/s/letter/statement.pdf?lang=es", nil)
			hsts := res.Header.Get("Strict-Transport-Security") != ""
			if hsts != tt.trusted {
				t.Errorf("Strict-Transport-Security %q with a trusted proxy %v", res.Header.Get("Strict-Transport-Security"), tt.trusted)
			}
		})
	}
}

func TestLocalURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":           "http://localhost:8080",
		"0.0.0.0:8080":    "http://localhost:8080",
		"[::]:8080":       "http://localhost:8080",
		"127.0.0.1:41234": "http://127.0.0.1:41234",
		"[::1]:8080":      "http://[::1]:8080",
	} {
		if got := server.LocalURL(addr); got != want {
			t.Errorf("server.LocalURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
