package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_ReviewApproves walks a coordinator's review in a real
// browser: the queue lists a pending signature, the "select all" box
// (review.js) ticks it, "Approve selected" approves it, and the
// organization then appears on the public statement page.
func TestBrowser_ReviewApproves(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		st := app.openStatement(t, "reviewed-letter", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignaturePending)
		password := app.createAccount(t, "rosa@example.org", signon.RoleCoordinator)

		b := newBrowser(t)
		run(t, b, "log in",
			chromedp.Navigate(app.URL+"/login?lang=en"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		var before string
		run(t, b, "read the public page before",
			chromedp.Navigate(app.URL+"/s/reviewed-letter"),
			chromedp.Text("main", &before, chromedp.ByQuery),
		)
		if strings.Contains(before, "Frontera Unida") {
			t.Fatal("a pending signature is public")
		}
		run(t, b, "open the queue from the manage page",
			chromedp.Navigate(app.URL+coordManagePath(st.ID)),
			chromedp.Click(`a[href$="/review"].coord-primary`, chromedp.ByQuery),
			chromedp.WaitVisible(`input[data-select-all]`, chromedp.ByQuery),
		)
		screenshot(t, b, "queue")
		run(t, b, "select all and approve",
			chromedp.Click(`input[data-select-all]`, chromedp.ByQuery),
			chromedp.Click(`button[name="decision"][value="approve"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`done=approved`)),
			// The new page, not the one the URL changed under.
			chromedp.WaitVisible(`p[role="status"].coord-success`, chromedp.ByQuery),
		)
		if msg := textOf(t, b, `p[role="status"].coord-success`); !strings.Contains(msg, "1 signature approved.") {
			t.Errorf("after approving: %q", msg)
		}
		var after string
		run(t, b, "read the public page after",
			chromedp.Navigate(app.URL+"/s/reviewed-letter"),
			chromedp.Text("main", &after, chromedp.ByQuery),
		)
		if !strings.Contains(after, "Frontera Unida") {
			t.Errorf("the approved organization is not on the public page:\n%s", after)
		}
	})
}
