package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_ReviewFlagged walks a coordinator through flagged
// signatures in a real browser: on a statement that holds only flagged
// signatures, a group signing from a free-mail address waits while one
// from its own domain is counted at once; the queue shows the flag's
// reason, the flag filter narrows the list to it, and approving it from
// there makes it public.
func TestBrowser_ReviewFlagged(t *testing.T) {
	axe := axeSource(t)
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		st := app.openStatement(t, "flag-letter", func(s *signon.Statement) { s.Approval = signon.ApprovalFlagged })
		for _, sig := range []struct{ org, email, website string }{
			{"Grupo Gratis", "grupo@gmail.com", ""},
			{"Casa Propia", "ana@casapropia.org", "casapropia.org"},
		} {
			res := app.client(t).postForm("/s/flag-letter/sign", pubSignValues("organization", sig.org, "email", sig.email, "website", sig.website))
			assertStatus(t, res, 303)
		}
		if s := signatureOfOrg(t, app, st, "Casa Propia").Status; s != signon.SignatureApproved {
			t.Fatalf("an unflagged signature is %s", s)
		}
		password := app.createAccount(t, "rosa@example.org", signon.RoleCoordinator)

		b := newBrowser(t)
		run(t, b, "log in",
			chromedp.Navigate(app.URL+"/login?lang=en"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		run(t, b, "open every signature in the queue",
			chromedp.Navigate(app.URL+reviewPath(st)+"?status=all"),
			chromedp.WaitVisible(`.review-flag-free_mail`, chromedp.ByQuery),
		)
		if reason := textOf(t, b, `.review-flag-free_mail`); !strings.Contains(reason, "gmail.com is a free-mail service") {
			t.Errorf("the flag's reason reads %q", reason)
		}
		if list := textOf(t, b, `table.coord-table tbody`); !strings.Contains(list, "Casa Propia") {
			t.Errorf("the unfiltered queue lacks the unflagged signature:\n%s", list)
		}
		screenshot(t, b, "queue-flagged")
		checkAccessible(t, b, axe, "queue-flagged")

		run(t, b, "filter by the free-mail flag",
			choose(`select[name="flag"]`, "free_mail"),
			chromedp.Click(`form.review-search button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`flag=free_mail`)),
			chromedp.WaitVisible(`table.coord-table`, chromedp.ByQuery),
		)
		list := textOf(t, b, `table.coord-table tbody`)
		if !strings.Contains(list, "Grupo Gratis") || strings.Contains(list, "Casa Propia") {
			t.Errorf("the filtered queue:\n%s", list)
		}
		run(t, b, "approve it from the filtered queue",
			chromedp.Click(`button[name="approve_one"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`done=approved`)),
			chromedp.WaitVisible(`p[role="status"].coord-success`, chromedp.ByQuery),
		)
		if msg := textOf(t, b, `p[role="status"].coord-success`); !strings.Contains(msg, "1 signature approved.") {
			t.Errorf("after approving: %q", msg)
		}
		if s := signatureOfOrg(t, app, st, "Grupo Gratis").Status; s != signon.SignatureApproved {
			t.Errorf("the approved signature is %s", s)
		}
		run(t, b, "open the blocklist",
			chromedp.Navigate(app.URL+"/coordinate/blocklist"),
			chromedp.WaitVisible(`input[name="value"]`, chromedp.ByQuery),
		)
		checkAccessible(t, b, axe, "blocklist")
		screenshot(t, b, "blocklist")

		var public string
		run(t, b, "read the public page",
			chromedp.Navigate(app.URL+"/s/flag-letter"),
			chromedp.Text("main", &public, chromedp.ByQuery),
		)
		if !strings.Contains(public, "Grupo Gratis") || !strings.Contains(public, "Casa Propia") {
			t.Errorf("the public page lacks a signatory:\n%s", public)
		}
	})
}
