package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_VersionsAndRecord changes a signed letter in a real
// browser, which asks the coordinator to confirm the new version, then
// reads the published statement on a phone: the version history, which
// version each organization signed, and a digest that wraps instead of
// widening the page.
func TestBrowser_VersionsAndRecord(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "nals-letter")
		pubSeed(t, app, st, pubSignature{Org: "Red Fronteriza", Country: "US", Region: "US-TX", City: "El Paso"})
		password := app.createAccount(t, "rosa@example.org", signon.RoleCoordinator)

		coord := newBrowser(t)
		run(t, coord, "log in",
			chromedp.Navigate(app.URL+"/login"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		run(t, coord, "change the signed text",
			chromedp.Navigate(app.URL+coordManagePath(st.ID)+"/edit"),
			chromedp.WaitVisible(`#version-notice`, chromedp.ByQuery),
			fill(map[string]string{"body": "We, the undersigned, **demand** dignity and safe passage."}),
			chromedp.Click(`main form button[type="submit"]:not([name="preview"])`, chromedp.ByQuery),
			chromedp.WaitVisible(`#confirm_version`, chromedp.ByQuery),
		)
		screenshot(t, coord, "confirm-new-version")
		if notice := textOf(t, coord, "#version-notice"); !strings.Contains(notice, "1 organization signed version 1.") {
			t.Errorf("notice %q", notice)
		}
		run(t, coord, "confirm the new version",
			chromedp.Click(`#confirm_version`, chromedp.ByQuery),
			chromedp.Click(`main form button[type="submit"]:not([name="preview"])`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`\?done=saved`)),
		)
		st = coordStatement(t, app, st.ID)
		if st.Version != 2 {
			t.Fatalf("Version = %d after the confirmed change, want 2", st.Version)
		}
		pubSeed(t, app, st, pubSignature{Org: "Casa del Migrante Ciudad Juárez", Country: "MX", Region: "MX-CHH", City: "Ciudad Juárez"})
		st = pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)

		reader := newBrowser(t)
		run(t, reader, "read the published statement on a phone",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(app.URL+"/s/nals-letter"),
			chromedp.WaitVisible(`#record-digest`, chromedp.ByQuery),
			chromedp.ScrollIntoView(`#record`, chromedp.ByQuery),
		)
		screenshot(t, reader, "record-phone")
		if got := strings.TrimSpace(textOf(t, reader, "#record-digest")); got != st.RecordSHA256 {
			t.Errorf("digest on the page %q, want %q", got, st.RecordSHA256)
		}
		list := textOf(t, reader, "#signatories")
		for _, want := range []string{"Red Fronteriza", "signed version 1", "Casa del Migrante Ciudad Juárez", "signed version 2"} {
			if !strings.Contains(list, want) {
				t.Errorf("signatories lack %q:\n%s", want, list)
			}
		}
		var overflow, digestWidth, pageWidth int
		run(t, reader, "measure",
			chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow),
			chromedp.Evaluate(`Math.ceil(document.getElementById('record-digest').getBoundingClientRect().right)`, &digestWidth),
			chromedp.Evaluate(`document.documentElement.clientWidth`, &pageWidth),
		)
		if overflow > 0 || digestWidth > pageWidth {
			t.Errorf("on a phone the page scrolls sideways by %dpx; the digest ends at %dpx of %dpx", overflow, digestWidth, pageWidth)
		}
		run(t, reader, "open version 1",
			chromedp.Click(`a[href="/s/nals-letter/versions/1"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/versions/1$`)),
			chromedp.WaitVisible(`article.statement`, chromedp.ByQuery),
		)
		if text := textOf(t, reader, "article.statement"); !strings.Contains(text, "ask for dignity") || strings.Contains(text, "demand") {
			t.Errorf("version 1 shows %q, want the first text", text)
		}
		screenshot(t, reader, "version-1-phone")
	})
}
