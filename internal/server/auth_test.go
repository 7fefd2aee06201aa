package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// authSessionCookie is the value of the client's session cookie, or "".
func authSessionCookie(c *testClient) string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "signon_session" {
			return ck.Value
		}
	}
	return ""
}

// authLoggedIn reports whether the client's session opens the dashboard.
func authLoggedIn(t *testing.T, c *testClient) bool {
	t.Helper()
	res := c.get("/coordinate")
	switch res.Status {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		if !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("/coordinate redirects to %q", res.Header.Get("Location"))
		}
		return false
	}
	t.Fatalf("/coordinate: status %d", res.Status)
	return false
}

func TestAuth_Login(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)

		t.Run("Form", func(t *testing.T) {
			res := app.client(t).get("/login")
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), `action="/login"`, `name="_csrf"`, `name="password"`, "Coordinator login")
		})

		t.Run("Success", func(t *testing.T) {
			c := app.client(t)
			// The email is matched whatever its case and surrounding spaces,
			// as phones capitalize the first letter.
			res := c.postForm("/login", url.Values{"email": {" Ana@Example.org "}, "password": {password}})
			assertStatus(t, res, http.StatusSeeOther)
			if got := res.Header.Get("Location"); got != "/coordinate" {
				t.Errorf("Location %q, want /coordinate", got)
			}
			if authSessionCookie(c) == "" {
				t.Fatal("no session cookie")
			}
			if !authLoggedIn(t, c) {
				t.Error("not logged in after login")
			}
			// A logged-in coordinator who opens the login page goes on.
			res = c.get("/login")
			assertStatus(t, res, http.StatusSeeOther)
			if got := res.Header.Get("Location"); got != "/coordinate" {
				t.Errorf("Location %q, want /coordinate", got)
			}
		})

		t.Run("Failure", func(t *testing.T) {
			const failed = "That email and password do not match an account."
			var bodies []string
			for _, tc := range []struct{ name, email, password string }{
				{"WrongPassword", "ana@example.org", "not the password"},
				{"UnknownEmail", "nobody@example.org", password},
				{"EmptyPassword", "ana@example.org", ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					c := app.client(t)
					res := c.postForm("/login", url.Values{"email": {tc.email}, "password": {tc.password}, "next": {"/coordinate/statements/new"}})
					assertStatus(t, res, http.StatusUnauthorized)
					pageHas(t, html.UnescapeString(res.Body), failed, `value="`+tc.email+`"`, `value="/coordinate/statements/new"`)
					if tc.password != "" {
						pageLacks(t, html.UnescapeString(res.Body), tc.password)
					}
					if authSessionCookie(c) != "" {
						t.Error("a failed login set a session cookie")
					}
					if authLoggedIn(t, c) {
						t.Error("logged in after a failed login")
					}
					// What tells the two apart is only the email typed back.
					bodies = append(bodies, strings.ReplaceAll(res.Body, tc.email, ""))
				})
			}
			if len(bodies) >= 2 && alertOf(bodies[0]) != alertOf(bodies[1]) {
				t.Errorf("wrong password and unknown email answer differently:\n%s\n%s", alertOf(bodies[0]), alertOf(bodies[1]))
			}
		})

		t.Run("DisabledAccount", func(t *testing.T) {
			acct, err := signon.NewAccount(signon.AccountInput{Email: "gone@example.org", Name: "Gone", Password: password, Role: signon.RoleCoordinator})
			if err != nil {
				t.Fatal(err)
			}
			now := app.Clock.Now()
			acct.DisabledAt = &now
			if err := app.DB.CreateAccount(context.Background(), acct); err != nil {
				t.Fatal(err)
			}
			res := app.client(t).postForm("/login", url.Values{"email": {"gone@example.org"}, "password": {password}})
			assertStatus(t, res, http.StatusUnauthorized)
			pageHas(t, html.UnescapeString(res.Body), "That email and password do not match an account.")
		})

		t.Run("Spanish", func(t *testing.T) {
			c := app.client(t)
			c.lang = "es"
			res := c.postForm("/login", url.Values{"email": {"ana@example.org"}, "password": {"nope"}})
			assertStatus(t, res, http.StatusUnauthorized)
			pageHas(t, html.UnescapeString(res.Body), "Ese correo y esa contraseña no corresponden a ninguna cuenta.")
		})
	})
}

// alertOf is the alert paragraph of a page, or "".
func alertOf(body string) string {
	i := strings.Index(body, `role="alert"`)
	if i < 0 {
		return ""
	}
	end := strings.Index(body[i:], "</p>")
	if end < 0 {
		return body[i:]
	}
	return body[i : i+end]
}

func TestAuth_LoginNext(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)

		// The login page carries next from the redirect that sent the
		// coordinator there.
		c := app.client(t)
		res := c.get("/coordinate/statements/new")
		assertStatus(t, res, http.StatusSeeOther)
		loginURL := res.Header.Get("Location")
		res = c.get(loginURL)
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), `name="next" value="/coordinate/statements/new"`)

		for _, tc := range []struct{ next, want string }{
			{"/coordinate/statements/new", "/coordinate/statements/new"},
			{"/coordinate?x=1", "/coordinate?x=1"},
			{"", "/coordinate"},
			{"//evil.example", "/coordinate"},
			{"//evil.example/coordinate", "/coordinate"},
			{"/\\evil.example", "/coordinate"},
			{"https://evil.example/", "/coordinate"},
			{"http:evil.example", "/coordinate"},
			{"javascript:alert(1)", "/coordinate"},
			{"evil.example", "/coordinate"},
		} {
			t.Run(tc.next, func(t *testing.T) {
				c := app.client(t)
				res := c.postForm("/login", url.Values{"email": {"ana@example.org"}, "password": {password}, "next": {tc.next}})
				assertStatus(t, res, http.StatusSeeOther)
				if got := res.Header.Get("Location"); got != tc.want {
					t.Errorf("next %q: Location %q, want %q", tc.next, got, tc.want)
				}
			})
		}
	})
}

func TestAuth_Logout(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		c := app.coordinator(t)
		old := authSessionCookie(c)
		if old == "" || !authLoggedIn(t, c) {
			t.Fatal("not logged in")
		}

		t.Run("NeedsCSRF", func(t *testing.T) {
			res := c.postRaw("/logout", "application/x-www-form-urlencoded", url.Values{"_csrf": {"forged"}}.Encode())
			assertStatus(t, res, http.StatusForbidden)
			if !authLoggedIn(t, c) {
				t.Error("a forged logout ended the session")
			}
		})

		res := c.postForm("/logout", nil)
		assertStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/" {
			t.Errorf("Location %q, want /", got)
		}
		if authSessionCookie(c) != "" {
			t.Error("the session cookie is still set")
		}
		if authLoggedIn(t, c) {
			t.Error("still logged in after logout")
		}

		// The old cookie, kept by someone, no longer opens a session: the
		// session itself is gone from the database.
		thief := app.client(t)
		u, _ := url.Parse(app.URL)
		thief.http.Jar.SetCookies(u, []*http.Cookie{{Name: "signon_session", Value: old, Path: "/"}})
		if authLoggedIn(t, thief) {
			t.Error("the old session cookie still works")
		}
		res = thief.postForm("/coordinate/statements", coordStatementValues())
		assertStatus(t, res, http.StatusUnauthorized)
		if n := coordCountStatements(t, app); n != 0 {
			t.Errorf("%d statements created with the old cookie", n)
		}
	})
}

func TestAuth_Setup(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		valid := url.Values{
			"name": {"Rosa Admin"}, "email": {"rosa@example.org"},
			"password": {"a long enough password"}, "password_confirm": {"a long enough password"},
		}
		countAccounts := func() int {
			t.Helper()
			n, err := app.DB.CountAccounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		t.Run("WrongToken", func(t *testing.T) {
			c := app.client(t)
			for _, token := range []string{"wrong", app.Setup + "x", strings.ToUpper(app.Setup)} {
				assertStatus(t, c.get("/setup/"+token), http.StatusNotFound)
				res := c.postForm("/setup/"+token, coordWith(valid))
				assertStatus(t, res, http.StatusNotFound)
				pageHas(t, html.UnescapeString(res.Body), "This setup link is not valid.")
			}
			if n := countAccounts(); n != 0 {
				t.Errorf("%d accounts, want 0", n)
			}
		})

		t.Run("Mismatch", func(t *testing.T) {
			c := app.client(t)
			values := url.Values{"name": {"Rosa Admin"}, "email": {"rosa@example.org"},
				"password": {"a long enough password"}, "password_confirm": {"another long password"}}
			res := c.postForm("/setup/"+app.Setup, values)
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `value="Rosa Admin"`, `value="rosa@example.org"`,
				`id="password_confirm-error">The two passwords do not match.</p>`)
			pageLacks(t, html.UnescapeString(res.Body), "a long enough password", "another long password")
			if n := countAccounts(); n != 0 {
				t.Errorf("%d accounts, want 0", n)
			}
		})

		t.Run("Invalid", func(t *testing.T) {
			c := app.client(t)
			res := c.postForm("/setup/"+app.Setup, url.Values{"name": {"Rosa Admin"}, "email": {"not an email"},
				"password": {"short"}, "password_confirm": {"short"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `value="Rosa Admin"`, `value="not an email"`,
				`id="email-error">Enter a valid email address`, `id="password-error">Use at least 10 characters.</p>`)
		})

		c := app.client(t)
		assertStatus(t, c.get("/setup/"+app.Setup), http.StatusOK)
		res := c.postForm("/setup/"+app.Setup, coordWith(valid))
		assertStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/coordinate" {
			t.Errorf("Location %q, want /coordinate", got)
		}
		if !authLoggedIn(t, c) {
			t.Error("not logged in after setup")
		}
		acct, err := app.DB.AccountByEmail(context.Background(), "rosa@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if acct.Role != signon.RoleAdmin || acct.Name != "Rosa Admin" || !acct.PasswordMatches("a long enough password") {
			t.Errorf("account %+v", acct)
		}

		t.Run("Again", func(t *testing.T) {
			other := app.client(t)
			assertStatus(t, other.get("/setup/"+app.Setup), http.StatusConflict)
			res := other.postForm("/setup/"+app.Setup, url.Values{"name": {"Mallory"}, "email": {"mallory@example.org"},
				"password": {"a long enough password"}, "password_confirm": {"a long enough password"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "Setup is already complete. Log in instead.")
			if n := countAccounts(); n != 1 {
				t.Errorf("%d accounts, want 1", n)
			}
			if authLoggedIn(t, other) {
				t.Error("a second setup logged in")
			}
		})
	})
}

func TestAuth_SetupDisabled(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(cfg *server.Config) { cfg.SetupToken = "" })
		c := app.client(t)
		assertStatus(t, c.get("/setup/"), http.StatusNotFound)
		assertStatus(t, c.get("/setup/anything"), http.StatusNotFound)
		res := c.postForm("/setup/setup-token-for-tests", url.Values{"name": {"Rosa"}, "email": {"rosa@example.org"},
			"password": {"a long enough password"}, "password_confirm": {"a long enough password"}})
		assertStatus(t, res, http.StatusNotFound)
		if n, err := app.DB.CountAccounts(context.Background()); err != nil || n != 0 {
			t.Errorf("%d accounts (%v), want 0", n, err)
		}
	})
}
