package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_ConfirmByEmail: a signer on a phone signs a statement that
// asks for confirmation, opens the link of the email that arrives,
// confirms, and finds the organization on the public list.
func TestBrowser_ConfirmByEmail(t *testing.T) {
	app := newTestApp(t, "sqlite")
	app.openStatement(t, "confirm-letter", func(s *signon.Statement) { s.RequireConfirmation = true })
	tab := newBrowser(t)
	run(t, tab, "sign on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(app.URL+"/s/confirm-letter"),
		fill(map[string]string{"organization": "Red Fronteriza", "signer_name": "Marta Ruiz",
			"email": "marta@redfronteriza.example.org", "city": "Tucson"}),
		choose(`select[name="region"]`, "US-AZ"),
		chromedp.Click(`#authorized`, chromedp.ByQuery), // the affirmation of authority
		chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
		waitForURL(regexp.MustCompile(`signed=unconfirmed`)),
		chromedp.WaitVisible(`form[action="/confirm/resend"]`, chromedp.ByQuery),
	)
	screenshot(t, tab, "check-your-email")
	if list := textOf(t, tab, "main"); strings.Contains(list, "Marta Ruiz") {
		t.Fatal("the unconfirmed signature shows on the page")
	}

	m := app.Mail(t).To(t, "marta@redfronteriza.example.org")
	run(t, tab, "open the link of the email",
		chromedp.Navigate(app.URL+linkPath(t, m, "/confirm/")),
		chromedp.WaitVisible(`main form button[type="submit"]`, chromedp.ByQuery),
	)
	screenshot(t, tab, "confirm-page")
	if got := textOf(t, tab, "main"); !strings.Contains(got, "Red Fronteriza") {
		t.Errorf("confirm page does not name the organization: %s", got)
	}
	run(t, tab, "confirm",
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		waitForURL(regexp.MustCompile(`/s/confirm-letter\?signed=approved`)),
		chromedp.WaitVisible("#signatories", chromedp.ByQuery),
	)
	screenshot(t, tab, "confirmed")
	if list := textOf(t, tab, "#signatories"); !strings.Contains(list, "Red Fronteriza") {
		t.Errorf("after confirming, the list reads: %s", list)
	}
}

// TestBrowser_WithdrawByLink: a signer opens the private link their
// thank-you page gave, withdraws after being asked, and the organization leaves the
// public list.
func TestBrowser_WithdrawByLink(t *testing.T) {
	app := newTestApp(t, "sqlite")
	st := app.openStatement(t, "withdraw-letter")
	pubSeed(t, app, st, pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-TX"})
	c := app.client(t)
	my := strings.TrimSuffix(ownPage(t, c.postForm("/s/withdraw-letter/sign", pubSignValues("organization", "Casa Migrante", "email", "luis@example.org"))), "?signed=1")

	tab := newBrowser(t)
	run(t, tab, "the organization is listed",
		chromedp.Navigate(app.URL+"/s/withdraw-letter"),
		chromedp.WaitVisible("#signatories", chromedp.ByQuery),
	)
	if list := textOf(t, tab, "#signatories"); !strings.Contains(list, "Casa Migrante") {
		t.Fatalf("before withdrawing, the list reads: %s", list)
	}
	run(t, tab, "open the private link",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(app.URL+my),
		chromedp.WaitVisible(`a[href$="/withdraw"]`, chromedp.ByQuery),
	)
	screenshot(t, tab, "my-signature")
	run(t, tab, "ask to withdraw",
		chromedp.Click(`a[href$="/withdraw"]`, chromedp.ByQuery),
		waitForURL(regexp.MustCompile(`/withdraw$`)),
		chromedp.WaitVisible(`form[action$="/withdraw"] button[type="submit"]`, chromedp.ByQuery),
	)
	screenshot(t, tab, "withdraw-question")
	run(t, tab, "withdraw",
		chromedp.Click(`form[action$="/withdraw"] button[type="submit"]`, chromedp.ByQuery),
		waitForURL(regexp.MustCompile(`withdrawn=1`)),
	)
	screenshot(t, tab, "withdrawn")
	run(t, tab, "the list again",
		chromedp.Navigate(app.URL+"/s/withdraw-letter"),
		chromedp.WaitVisible("#signatories", chromedp.ByQuery),
	)
	list := textOf(t, tab, "#signatories")
	if strings.Contains(list, "Casa Migrante") || !strings.Contains(list, "Frontera Unida") {
		t.Errorf("after withdrawing, the list reads: %s", list)
	}
}
