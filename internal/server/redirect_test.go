package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestRedirect_LoginNext: the page to go back to after a login, carried
// from the login link through the form, never leads off the site.
func TestRedirect_LoginNext(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
		nextField := regexp.MustCompile(`name="next" value="([^"]*)"`)
		for _, next := range []string{"/%09/evil.example", "/%0a/evil.example", "/%252f/evil.example", "/%255c/evil.example", "%2f%2fevil.example"} {
			t.Run(next, func(t *testing.T) {
				c := app.client(t)
				// The link as an attacker would send it, then the form as a
				// browser posts it.
				res := c.get("/login?next=" + next)
				assertStatus(t, res, http.StatusOK)
				m := nextField.FindStringSubmatch(res.Body)
				if m == nil {
					t.Fatal("no next field in the login form")
				}
				res = c.postForm("/login", url.Values{"email": {"ana@example.org"}, "password": {password}, "next": {html.UnescapeString(m[1])}})
				assertStatus(t, res, http.StatusSeeOther)
				if got := res.Header.Get("Location"); got != "/coordinate" {
					t.Errorf("next %q: Location %q, want /coordinate", next, got)
				}
			})
		}
	})
}

// TestRedirect_Language: the language switch goes back to a page of this
// site, or to the home page.
func TestRedirect_Language(t *testing.T) {
	app := newTestApp(t, "sqlite")
	c := app.client(t)
	for _, tt := range []struct{ next, want string }{
		{"/s/mine", "/s/mine?lang=en"},
		{"/s/mine?q=x", "/s/mine?lang=en&q=x"},
		{"//evil.example/", "/?lang=en"},
		{"/\t/evil.example", "/?lang=en"},
		{"/%2f/evil.example", "/?lang=en"},
		{"/%5c/evil.example", "/?lang=en"},
		{"/%09/evil.example", "/?lang=en"},
		{"https://evil.example/", "/?lang=en"},
	} {
		res := c.get("/language/en?next=" + url.QueryEscape(tt.next))
		assertStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != tt.want {
			t.Errorf("next %q: Location %q, want %q", tt.next, got, tt.want)
		}
	}
}
