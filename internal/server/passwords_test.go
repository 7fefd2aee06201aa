package server_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// TestPasswords_Busy: while every slot for hashing passwords is taken,
// a login, first-run setup and accepting an invitation wait a moment and
// are then answered 429 with Retry-After, in the page's language; the
// password is not checked. Once a slot is free they go through.
func TestPasswords_Busy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(cfg *server.Config) {
			cfg.PasswordHashes, cfg.PasswordWait = 2, time.Millisecond
		})
		admin := app.loginAs(t, "admin@example.org", signon.RoleAdmin)
		invite := invitationLink(t, app, admin, "luz@example.org", "coordinator", "es")
		password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
		setup := newTestApp(t, dialect, func(cfg *server.Config) {
			cfg.PasswordHashes, cfg.PasswordWait = 1, time.Millisecond
		})

		busy := func(t *testing.T, res *response, message string) {
			t.Helper()
			assertStatus(t, res, http.StatusTooManyRequests)
			if got := res.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After %q, want 5", got)
			}
			pageHas(t, html.UnescapeString(res.Body), message)
		}
		const (
			en = "Many logins are being checked at this moment."
			es = "Se están comprobando muchos inicios de sesión en este momento."
		)
		release := app.Server.HoldPasswordSlots()
		checks := app.Server.PasswordChecks()
		busy(t, loginAttempt(app.client(t), "ana@example.org", password), en)
		busy(t, loginAttempt(app.client(t), "nobody@example.org", "a guess"), en)
		spanish := app.client(t)
		spanish.lang = "es"
		busy(t, loginAttempt(spanish, "ana@example.org", password), es)
		accept := url.Values{"name": {"Luz"}, "password": {"a long enough password"}, "password_confirm": {"a long enough password"}}
		busy(t, spanish.postForm(invite, accept), es)
		releaseSetup := setup.Server.HoldPasswordSlots()
		first := func() url.Values {
			return url.Values{"name": {"Rosa Admin"}, "email": {"rosa@example.org"}, "password": {"a long enough password"}, "password_confirm": {"a long enough password"}}
		}
		busy(t, setup.client(t).postForm("/setup/"+setup.Setup, first()), en)
		if got := app.Server.PasswordChecks(); got != checks {
			t.Errorf("%d passwords checked while every slot was taken", got-checks)
		}

		release()
		releaseSetup()
		c := app.client(t)
		assertStatus(t, loginAttempt(c, "ana@example.org", password), http.StatusSeeOther)
		assertStatus(t, spanish.postForm(invite, accept), http.StatusSeeOther)
		assertStatus(t, setup.client(t).postForm("/setup/"+setup.Setup, first()), http.StatusSeeOther)
	})
}

// TestPasswords_UnknownEmail: a login for an email without an account
// checks the password against a dummy hash, as many times as a wrong
// password for an account is checked, so the time it takes tells nothing.
func TestPasswords_UnknownEmail(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
		for _, email := range []string{"ana@example.org", "nobody@example.org"} {
			before := app.Server.PasswordChecks()
			assertStatus(t, loginAttempt(app.client(t), email, "a wrong guess"), http.StatusUnauthorized)
			if got := app.Server.PasswordChecks() - before; got != 1 {
				t.Errorf("login as %s checked %d passwords, want 1", email, got)
			}
		}
	})
}
