package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// loginAs returns a client logged in as a new account with email and role.
func (a *testApp) loginAs(t *testing.T, email string, role signon.Role) *testClient {
	t.Helper()
	password := a.createAccount(t, email, role)
	c := a.client(t)
	res := c.postForm("/login", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("login as %s: status %d", email, res.Status)
	}
	return c
}

var accountsMessageID = regexp.MustCompile(`\baccounts\.[a-z_]+\.?[a-z_]*`)

// assertAccountsTranslated fails if a message id of this area shows
// instead of its text.
func assertAccountsTranslated(t *testing.T, body string) {
	t.Helper()
	if id := accountsMessageID.FindString(body); id != "" {
		t.Errorf("untranslated message id %q", id)
	}
}

// urlPath is the path of an emailed absolute link.
func urlPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || link == "" {
		t.Fatalf("link %q: %v", link, err)
	}
	return u.Path
}

// invitationLink invites email by the admin's client and returns the
// path of the link in the email that arrives.
func invitationLink(t *testing.T, app *testApp, admin *testClient, email, role, lang string) string {
	t.Helper()
	before := len(app.Mail(t).Messages())
	res := admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {email}, "role": {role}, "language": {lang}})
	assertStatus(t, res, http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != "/coordinate/accounts?done=invited" {
		t.Fatalf("invitation redirects to %q", got)
	}
	msgs := app.Mail(t).Wait(t, before+1)
	m := msgs[len(msgs)-1]
	if len(m.To) != 1 || !strings.EqualFold(m.To[0], email) {
		t.Fatalf("last email went to %v, want %s", m.To, email)
	}
	return urlPath(t, m.Link("/invite/"))
}

func accountID(t *testing.T, app *testApp, email string) int64 {
	t.Helper()
	a, err := app.DB.AccountByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestAccounts_InviteAcceptDisable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		admin := app.loginAs(t, "admin@example.org", signon.RoleAdmin)

		res := admin.get("/coordinate/accounts")
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), `href="/coordinate/accounts"`, "admin@example.org", "Administrator", "Invite someone",
			`action="/coordinate/accounts/invitations"`, `name="_csrf"`)
		assertAccountsTranslated(t, res.Body)

		// The invitation email, in the language chosen for it.
		before := len(app.Mail(t).Messages())
		res = admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {" Luz@Example.org "}, "role": {"coordinator"}, "language": {"es"}})
		assertStatus(t, res, http.StatusSeeOther)
		m := app.Mail(t).Wait(t, before+1)[before]
		if m.To[0] != "luz@example.org" || m.Language != "es" || !strings.Contains(m.Subject, "Tu invitación") {
			t.Errorf("email to %v in %q: %q", m.To, m.Language, m.Subject)
		}
		pageHas(t, html.UnescapeString(m.Text), "Test admin te invitó a Test Coalition", "coordinación", "8 de noviembre de 2026")
		pageHas(t, html.UnescapeString(m.HTML), "Crear mi cuenta")
		link := m.Link("/invite/")
		if !strings.HasPrefix(link, "http://signon.test/invite/") {
			t.Fatalf("link %q, want an absolute link on the public address", link)
		}
		path := urlPath(t, link)

		res = admin.get("/coordinate/accounts?done=invited")
		pageHas(t, html.UnescapeString(res.Body), "Invitation sent.", "Pending invitations", "luz@example.org")

		// Accepting: the form keeps the name when the passwords differ.
		luz := app.client(t)
		res = luz.get(path)
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), "Create your account", "luz@example.org", "a coordinator", `name="password_confirm"`)
		assertAccountsTranslated(t, res.Body)
		res = luz.postForm(path, url.Values{"name": {"Luz Pérez"}, "password": {"a long password 1"}, "password_confirm": {"a long password 2"}})
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), "The two passwords do not match.", `value="Luz Pérez"`)
		pageLacks(t, html.UnescapeString(res.Body), "a long password 1")
		res = luz.postForm(path, url.Values{"name": {"Luz Pérez"}, "password": {"short"}, "password_confirm": {"short"}})
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), "Use at least 10 characters.", `value="Luz Pérez"`)

		res = luz.postForm(path, url.Values{"name": {"Luz Pérez"}, "password": {"a long password 1"}, "password_confirm": {"a long password 1"}})
		assertStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); got != "/coordinate" {
			t.Errorf("after accepting, Location %q", got)
		}
		if !authLoggedIn(t, luz) {
			t.Fatal("not logged in after accepting the invitation")
		}
		acct, err := app.DB.AccountByEmail(context.Background(), "luz@example.org")
		if err != nil || acct.Role != signon.RoleCoordinator || acct.Name != "Luz Pérez" {
			t.Fatalf("account = %+v, %v", acct, err)
		}

		// A coordinator manages statements, not accounts.
		res = luz.get("/coordinate")
		pageLacks(t, html.UnescapeString(res.Body), `href="/coordinate/accounts"`)
		res = luz.get("/coordinate/accounts")
		assertStatus(t, res, http.StatusForbidden)
		pageHas(t, html.UnescapeString(res.Body), "Only administrators can manage accounts.")

		// The link worked once.
		for _, res := range []*response{app.client(t).get(path), app.client(t).postForm(path, url.Values{"name": {"X"}, "password": {"a long password 3"}, "password_confirm": {"a long password 3"}})} {
			assertStatus(t, res, http.StatusNotFound)
			pageHas(t, html.UnescapeString(res.Body), "This invitation link cannot be used")
		}

		// Disabling ends Luz's session at once; she cannot log in.
		id := accountID(t, app, "luz@example.org")
		res = admin.postForm("/coordinate/accounts/"+strconv.FormatInt(id, 10)+"/disable", nil)
		assertStatus(t, res, http.StatusSeeOther)
		if authLoggedIn(t, luz) {
			t.Error("a disabled account's session still works")
		}
		res = app.client(t).postForm("/login", url.Values{"email": {"luz@example.org"}, "password": {"a long password 1"}})
		assertStatus(t, res, http.StatusUnauthorized)
		res = admin.get("/coordinate/accounts?done=disabled")
		pageHas(t, html.UnescapeString(res.Body), "Account disabled.", "Disabled", `action="/coordinate/accounts/`+strconv.FormatInt(id, 10)+`/enable"`)

		res = admin.postForm("/coordinate/accounts/"+strconv.FormatInt(id, 10)+"/enable", nil)
		assertStatus(t, res, http.StatusSeeOther)
		res = luz.postForm("/login", url.Values{"email": {"luz@example.org"}, "password": {"a long password 1"}})
		assertStatus(t, res, http.StatusSeeOther)
		if !authLoggedIn(t, luz) {
			t.Error("an enabled account cannot log in")
		}
	})
}

func TestAccounts_Errors(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		app.Mail(t) // for every subtest: the mail server stops with the test that starts it
		admin := app.loginAs(t, "admin@example.org", signon.RoleAdmin)
		app.createAccount(t, "ana@example.org", signon.RoleCoordinator)

		t.Run("EmailHasAccount", func(t *testing.T) {
			res := admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {"Ana@example.org"}, "role": {"admin"}, "language": {"es"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "An account with this email already exists.", `id="email-error"`, "This is already in use.",
				`value="Ana@example.org"`, `value="admin" checked`, `value="es" lang="es" selected`)
		})

		t.Run("Invalid", func(t *testing.T) {
			res := admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {"not an email"}, "role": {"owner"}, "language": {"fr"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Enter a valid email address", `value="not an email"`, `id="role-error"`, `id="language-error"`, `href="#email"`)
			assertAccountsTranslated(t, res.Body)
		})

		t.Run("Spanish", func(t *testing.T) {
			admin.lang = "es"
			defer func() { admin.lang = "" }()
			res := admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {""}, "role": {"coordinator"}, "language": {"en"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Correo de la persona", "Este campo es obligatorio.")
			assertAccountsTranslated(t, res.Body)
		})

		t.Run("ReinviteReplaces", func(t *testing.T) {
			first := invitationLink(t, app, admin, "mar@example.org", "coordinator", "en")
			second := invitationLink(t, app, admin, "mar@example.org", "admin", "en")
			if first == second {
				t.Fatal("the same link twice")
			}
			res := app.client(t).get(first)
			assertStatus(t, res, http.StatusNotFound)
			pageHas(t, html.UnescapeString(res.Body), "This invitation link cannot be used")
			res = app.client(t).get(second)
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), "an administrator")
			res = admin.get("/coordinate/accounts")
			if n := strings.Count(res.Body, "<th scope=\"row\">mar@example.org</th>"); n != 1 {
				t.Errorf("mar@example.org listed %d times among pending invitations, want 1", n)
			}
		})

		t.Run("Revoke", func(t *testing.T) {
			link := invitationLink(t, app, admin, "sol@example.org", "coordinator", "en")
			res := admin.postForm("/coordinate/accounts/invitations/revoke", url.Values{"email": {"sol@example.org"}})
			assertStatus(t, res, http.StatusSeeOther)
			res = app.client(t).get(link)
			assertStatus(t, res, http.StatusNotFound)
			res = admin.get("/coordinate/accounts?done=revoked")
			pageHas(t, html.UnescapeString(res.Body), "Invitation withdrawn.")
			pageLacks(t, html.UnescapeString(res.Body), "sol@example.org")
			res = admin.postForm("/coordinate/accounts/invitations/revoke", url.Values{"email": {"sol@example.org"}})
			assertStatus(t, res, http.StatusNotFound)
			pageHas(t, html.UnescapeString(res.Body), "There is no pending invitation for this email.")
		})

		t.Run("UnknownLink", func(t *testing.T) {
			c := app.client(t)
			c.lang = "es"
			res := c.get("/invite/" + strings.Repeat("x", 43))
			assertStatus(t, res, http.StatusNotFound)
			pageHas(t, html.UnescapeString(res.Body), "Este enlace de invitación no se puede usar")
		})

		t.Run("NotOneself", func(t *testing.T) {
			id := accountID(t, app, "admin@example.org")
			res := admin.postForm("/coordinate/accounts/"+strconv.FormatInt(id, 10)+"/disable", nil)
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "You cannot disable your own account.")
			if !authLoggedIn(t, admin) {
				t.Error("the admin was logged out")
			}
		})

		t.Run("UnknownAccount", func(t *testing.T) {
			res := admin.postForm("/coordinate/accounts/99999/disable", nil)
			assertStatus(t, res, http.StatusNotFound)
		})

		// Last: with the clock a lifetime ahead, the clean-up job (which
		// runs on the same clock) may delete the admin's session, which
		// expires with the invitation.
		t.Run("Expired", func(t *testing.T) {
			link := invitationLink(t, app, admin, "rio@example.org", "coordinator", "en")
			defer app.Clock.Set(app.Clock.Now())
			app.Clock.Set(app.Clock.Now().Add(signon.InvitationLifetime))
			res := app.client(t).get(link)
			assertStatus(t, res, http.StatusNotFound)
			pageHas(t, html.UnescapeString(res.Body), "This invitation link cannot be used")
			// Sessions last as long as invitations: another admin looks.
			res = app.loginAs(t, "admin2@example.org", signon.RoleAdmin).get("/coordinate/accounts")
			pageHas(t, html.UnescapeString(res.Body), "Expired")
		})
	})
}

// loginAttempt posts a login from c and returns the answer.
func loginAttempt(c *testClient, email, password string) *response {
	c.t.Helper()
	return c.postForm("/login", url.Values{"email": {email}, "password": {password}})
}

func TestLogin_Throttle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Run("PerAccount", func(t *testing.T) {
			app := newTestApp(t, dialect)
			password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
			c := app.client(t)
			for i := range signon.AccountAddressThrottle.Limit - 1 {
				if res := loginAttempt(c, "ana@example.org", "wrong "+strconv.Itoa(i)); res.Status != http.StatusUnauthorized {
					t.Fatalf("failure %d: status %d, want 401", i+1, res.Status)
				}
			}
			// The fifth failure locks the account for a minute.
			res := loginAttempt(c, "ana@example.org", "wrong again")
			assertStatus(t, res, http.StatusTooManyRequests)
			if got := res.Header.Get("Retry-After"); got != "60" {
				t.Errorf("Retry-After %q, want 60", got)
			}
			pageHas(t, html.UnescapeString(res.Body), "Too many failed logins.", "November 1, 2026 15:01 UTC", "about 1 minute)", `value="ana@example.org"`)
			// Even the right password is refused during the lock, and it
			// does not count as another failure.
			app.Clock.Set(app.Clock.Now().Add(30 * time.Second))
			res = loginAttempt(c, "ana@example.org", password)
			assertStatus(t, res, http.StatusTooManyRequests)
			if got := res.Header.Get("Retry-After"); got != "30" {
				t.Errorf("Retry-After %q, want 30", got)
			}
			if authSessionCookie(c) != "" {
				t.Fatal("a locked login set a session")
			}
			// Other accounts are not locked.
			other := app.createAccount(t, "luis@example.org", signon.RoleCoordinator)
			assertStatus(t, loginAttempt(app.client(t), "luis@example.org", other), http.StatusSeeOther)

			// After the lock, one more failure locks for twice as long.
			app.Clock.Set(app.Clock.Now().Add(30 * time.Second))
			res = loginAttempt(c, "ana@example.org", "wrong once more")
			assertStatus(t, res, http.StatusTooManyRequests)
			if got := res.Header.Get("Retry-After"); got != "120" {
				t.Errorf("Retry-After %q, want 120 after the sixth failure", got)
			}
			app.Clock.Set(app.Clock.Now().Add(2 * time.Minute))
			assertStatus(t, loginAttempt(c, "ana@example.org", password), http.StatusSeeOther)
			// Success forgets the failures: four more are plain failures.
			c2 := app.client(t)
			for i := range signon.AccountAddressThrottle.Limit - 1 {
				if res := loginAttempt(c2, "ana@example.org", "wrong"); res.Status != http.StatusUnauthorized {
					t.Fatalf("failure %d after a success: status %d, want 401", i+1, res.Status)
				}
			}
		})

		t.Run("SameForUnknownEmail", func(t *testing.T) {
			app := newTestApp(t, dialect)
			app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
			alerts := map[string]string{}
			for _, email := range []string{"ana@example.org", "nobody@example.org"} {
				c := app.client(t)
				var res *response
				for range signon.AccountAddressThrottle.Limit {
					res = loginAttempt(c, email, "wrong")
				}
				assertStatus(t, res, http.StatusTooManyRequests)
				alerts[email] = alertOf(strings.ReplaceAll(res.Body, email, ""))
			}
			if alerts["ana@example.org"] != alerts["nobody@example.org"] || alerts["ana@example.org"] == "" {
				t.Errorf("a lock tells accounts apart:\n%s\n%s", alerts["ana@example.org"], alerts["nobody@example.org"])
			}
		})

		t.Run("PerAddress", func(t *testing.T) {
			app := newTestApp(t, dialect)
			password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
			c := app.client(t)
			c.lang = "es"
			// Never more than four failures per email, 20 in all.
			var res *response
			for i := range signon.AddressThrottle.Limit {
				res = loginAttempt(c, "guess"+strconv.Itoa(i/4)+"@example.org", "wrong")
				if i < signon.AddressThrottle.Limit-1 && res.Status != http.StatusUnauthorized {
					t.Fatalf("failure %d: status %d, want 401", i+1, res.Status)
				}
			}
			assertStatus(t, res, http.StatusTooManyRequests)
			pageHas(t, html.UnescapeString(res.Body), "Demasiados intentos fallidos", "1 de noviembre de 2026 15:01 UTC")
			// The address is locked for every account, the right password too.
			res = loginAttempt(app.client(t), "ana@example.org", password)
			assertStatus(t, res, http.StatusTooManyRequests)
			if res.Header.Get("Retry-After") != "60" {
				t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
			}
			app.Clock.Set(app.Clock.Now().Add(time.Minute))
			assertStatus(t, loginAttempt(app.client(t), "ana@example.org", password), http.StatusSeeOther)
		})
	})
}
