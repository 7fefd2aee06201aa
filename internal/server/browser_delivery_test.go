package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_DeliveryEmails: from the manage page of a closed letter, a
// coordinator opens the delivery page, names an addressee with an email,
// sends the letter with the message Signon proposes, and sees it sent;
// the addressee receives it with the PDF.
func TestBrowser_DeliveryEmails(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		mailbox := app.Mail(t)
		st := deliveryLetter(t, app, "delivered-letter")
		password := app.createAccount(t, "rosa@example.org", signon.RoleCoordinator)

		b := newBrowser(t)
		run(t, b, "log in",
			chromedp.Navigate(app.URL+"/login?lang=en"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		run(t, b, "open the delivery page from the manage page",
			chromedp.Navigate(app.URL+coordManagePath(st.ID)),
			chromedp.Click(`a[href$="/delivery"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#addressees-title`, chromedp.ByQuery),
		)
		run(t, b, "name an addressee",
			fill(map[string]string{"name": "Ana Officer", "title": "Minister", "office": "Ministry of Foreign Affairs", "email": "ana@example.gov"}),
			chromedp.Click(`form[action$="/addressees"] button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`done=addressees`)),
			chromedp.WaitVisible(`#email-title`, chromedp.ByQuery),
		)
		screenshot(t, b, "delivery-form")
		run(t, b, "send the letter",
			chromedp.Click(`form[action$="/deliveries/email"] button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`done=emailed`)),
			chromedp.WaitVisible(`p[role="status"].coord-success`, chromedp.ByQuery),
		)
		m := mailbox.To(t, "ana@example.gov")
		if len(m.Attachments) != 1 || !strings.Contains(m.Text, "On behalf of Test Coalition") {
			t.Errorf("the email has %d attachments and text %q", len(m.Attachments), m.Text)
		}
		waitDeliveryEmail(t, app, st, signon.EmailSent)
		run(t, b, "see it sent", chromedp.Reload(), chromedp.WaitVisible(`.coord-email-sent`, chromedp.ByQuery))
		screenshot(t, b, "delivery-sent")
		list := textOf(t, b, "#deliveries")
		for _, want := range []string{"By email", "Ana Officer, Minister, Ministry of Foreign Affairs", "Sent"} {
			if !strings.Contains(list, want) {
				t.Errorf("the deliveries lack %q:\n%s", want, list)
			}
		}
	})
}
