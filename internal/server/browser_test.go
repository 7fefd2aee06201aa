package server_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitForURL polls the tab's address until it matches re and the page
// there has loaded.
func waitForURL(re *regexp.Regexp) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var loc string
		for {
			if err := chromedp.Location(&loc).Do(ctx); err != nil {
				return err
			}
			if re.MatchString(loc) {
				// The address changes before the new document is in:
				// wait for it, so the next step reads the new page.
				var state string
				if err := chromedp.Evaluate(`document.readyState`, &state).Do(ctx); err == nil && state == "complete" {
					return nil
				}
			}
			select {
			case <-ctx.Done():
				return &urlError{want: re.String(), got: loc}
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

type urlError struct{ want, got string }

func (e *urlError) Error() string { return "address " + e.got + " never matched " + e.want }

// actionButton selects the button of the manage page's form for a
// lifecycle action.
func actionButton(action string) string {
	return `form:has(input[name="action"][value="` + action + `"]) button[type="submit"]`
}

// fill types values into the named inputs and textareas of the page,
// replacing what they held.
func fill(fields map[string]string) chromedp.Action {
	var tasks chromedp.Tasks
	for name, value := range fields {
		sel := `[name="` + name + `"]`
		tasks = append(tasks, chromedp.WaitVisible(sel, chromedp.ByQuery), choose(sel, ""), chromedp.SendKeys(sel, value, chromedp.ByQuery))
	}
	return tasks
}

// choose sets the value of the element sel (a select, or an input to
// clear) as a script would, firing the change event the page listens to.
func choose(sel, value string) chromedp.Action {
	js, _ := json.Marshal(map[string]string{"sel": sel, "value": value})
	return chromedp.Evaluate(`(() => { const a = `+string(js)+`; const el = document.querySelector(a.sel);
		el.value = a.value; el.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, nil)
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// TestBrowser_CoalitionFlow walks the path a coalition takes, in a real
// browser: first-run setup, a coordinator drafts and opens a letter, an
// organization signs on a phone, the public sees it under its state, and
// the coordinator closes and publishes the final statement.
func TestBrowser_CoalitionFlow(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		coord := newBrowser(t)

		run(t, coord, "first-run setup",
			chromedp.Navigate(app.URL+"/setup/"+app.Setup),
			fill(map[string]string{"name": "Rosa Martínez", "email": "rosa@example.org",
				"password": "a long coalition password", "password_confirm": "a long coalition password"}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		screenshot(t, coord, "dashboard")

		run(t, coord, "draft a letter",
			chromedp.Navigate(app.URL+"/coordinate/statements/new"),
			fill(map[string]string{
				"title":        "Letter to the North American Leaders",
				"summary":      "Migrant-led organizations ask the leaders for dignity and safe passage.",
				"addressed_to": "The leaders of Canada, Mexico and the United States",
				"occasion":     "North American Leaders' Summit",
				"body":         "We, the undersigned organizations, **call on you** to protect migrants.",
			}),
			chromedp.Click(`main form button[type="submit"]:not([name="preview"])`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate/statements/\d+(\?.*)?$`)),
		)
		var manageURL string
		run(t, coord, "open it",
			chromedp.Location(&manageURL),
			chromedp.Click(actionButton("open"), chromedp.ByQuery),
			chromedp.WaitVisible(actionButton("close"), chromedp.ByQuery),
		)
		screenshot(t, coord, "opened")

		// The signer is another person: another browser, on a phone.
		signer := newBrowser(t)
		slugURL := app.URL + "/s/letter-to-the-north-american-leaders"
		run(t, signer, "open the letter on a phone",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(slugURL),
			chromedp.WaitVisible(`[name="organization"]`, chromedp.ByQuery),
		)
		run(t, signer, "send the form with a mistake",
			fill(map[string]string{"organization": "Casa de la Raza", "signer_name": "Ana López",
				"signer_title": "Director", "email": "not-an-email", "city": "El Paso"}),
			choose(`select[name="region"]`, "US-TX"),
			chromedp.Click(`#authorized`, chromedp.ByQuery), // the affirmation of authority
			chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`[name="email"][aria-invalid="true"]`, chromedp.ByQuery),
		)
		screenshot(t, signer, "sign-form-error-phone")
		var kept string
		run(t, signer, "read kept value", chromedp.Value(`[name="organization"]`, &kept, chromedp.ByQuery))
		if kept != "Casa de la Raza" {
			t.Fatalf("after an error the organization field holds %q, want what was typed", kept)
		}
		run(t, signer, "correct and sign",
			fill(map[string]string{"email": "ana@casadelaraza.example.org"}),
			chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/my/[^?]+\?signed=1$`)),
			chromedp.WaitVisible(`#signed`, chromedp.ByQuery),
		)
		screenshot(t, signer, "signed-phone")
		run(t, signer, "back to the letter",
			chromedp.Navigate(slugURL),
			chromedp.WaitVisible(`#signatories`, chromedp.ByQuery),
		)
		list := textOf(t, signer, "#signatories")
		for _, want := range []string{"Casa de la Raza", "Texas", "1 organization from 1 state"} {
			if !strings.Contains(list, want) {
				t.Errorf("public signatories section lacks %q:\n%s", want, list)
			}
		}
		if strings.Contains(list, "ana@casadelaraza.example.org") {
			t.Error("the public list shows the signer's email")
		}

		run(t, coord, "close and publish",
			chromedp.Navigate(manageURL),
			chromedp.Click(actionButton("close"), chromedp.ByQuery),
			chromedp.WaitVisible(actionButton("publish"), chromedp.ByQuery),
			chromedp.Click(`input[name="confirm"]`, chromedp.ByQuery),
			chromedp.Click(actionButton("publish"), chromedp.ByQuery),
			chromedp.WaitNotPresent(actionButton("publish"), chromedp.ByQuery),
		)
		run(t, signer, "read the final statement",
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(slugURL),
			chromedp.WaitVisible(`#signatories`, chromedp.ByQuery),
		)
		screenshot(t, signer, "published")
		page := textOf(t, signer, "main")
		for _, want := range []string{"Casa de la Raza", "Texas", "call on you"} {
			if !strings.Contains(page, want) {
				t.Errorf("published page lacks %q", want)
			}
		}
		var forms int
		run(t, signer, "count sign forms", chromedp.Evaluate(`document.querySelectorAll('form[action$="/sign"]').length`, &forms))
		if forms != 0 {
			t.Errorf("published page still shows %d sign form(s)", forms)
		}
	})
}
