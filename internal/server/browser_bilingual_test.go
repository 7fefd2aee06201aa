package server_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_Bilingual gives an English letter its Spanish text through
// the coordinators' translation page, then reads it on a phone: switching
// the text leaves the interface in its language, switching the interface
// brings the text in that language, and signing on the Spanish text puts
// the organization on the one shared list.
func TestBrowser_Bilingual(t *testing.T) {
	axe := axeSource(t)
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "nals-letter", func(s *signon.Statement) {
			s.Title = "Letter to the North American Leaders"
			s.Summary = "Migrant-led organizations ask for dignity and safe passage."
		})

		coord := newBrowser(t)
		password := app.createAccount(t, "rosa@example.org", signon.RoleCoordinator)
		run(t, coord, "log in on a laptop",
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(app.URL+"/login?lang=en"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		manage := app.URL + "/coordinate/statements/" + strconv.FormatInt(st.ID, 10)
		run(t, coord, "open the translation page",
			chromedp.Navigate(manage),
			chromedp.Click(`a[href$="/translation"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#title[lang="es"]`, chromedp.ByQuery),
		)
		if got := textOf(t, coord, "#title-original"); !strings.Contains(got, "Letter to the North American Leaders") {
			t.Errorf("the original title is not beside the field: %q", got)
		}
		run(t, coord, "write and preview the Spanish text",
			fill(map[string]string{
				"title":        "Carta a los líderes de América del Norte",
				"summary":      "Organizaciones dirigidas por migrantes piden dignidad y paso seguro.",
				"addressed_to": "Los líderes de Canadá, México y Estados Unidos",
				"occasion":     "Cumbre de Líderes de América del Norte",
				"body":         "Las organizaciones abajo firmantes **pedimos** dignidad.",
			}),
			chromedp.Click(`button[name="preview"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#preview`, chromedp.ByQuery),
		)
		if got := textOf(t, coord, "#preview strong"); got != "pedimos" {
			t.Errorf("preview shows %q in bold, want pedimos", got)
		}
		checkAccessible(t, coord, axe, "translation-preview")
		screenshot(t, coord, "translation-preview")
		run(t, coord, "save it",
			chromedp.Click(`button.coord-primary`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`done=translation`)),
		)
		if got := textOf(t, coord, "main [role=status]"); got != "Translation saved." {
			t.Errorf("after saving: %q", got)
		}

		reader := newBrowser(t)
		var htmlLang, h1Lang string
		var h1HasLang bool
		readLangs := chromedp.Tasks{
			chromedp.AttributeValue("html", "lang", &htmlLang, nil, chromedp.ByQuery),
			chromedp.AttributeValue("h1", "lang", &h1Lang, &h1HasLang, chromedp.ByQuery),
		}
		page := func(step, wantH1, wantHTMLLang, wantH1Lang, wantSwitch string) {
			t.Helper()
			h1Lang, h1HasLang = "", false
			run(t, reader, step, chromedp.WaitVisible("h1", chromedp.ByQuery), readLangs)
			if got := textOf(t, reader, "h1"); got != wantH1 {
				t.Errorf("%s: heading %q, want %q", step, got, wantH1)
			}
			if htmlLang != wantHTMLLang || h1Lang != wantH1Lang {
				t.Errorf("%s: page lang %q, text lang %q; want %q, %q", step, htmlLang, h1Lang, wantHTMLLang, wantH1Lang)
			}
			if got := textOf(t, reader, ".text-switch a"); got != wantSwitch {
				t.Errorf("%s: switch %q, want %q", step, got, wantSwitch)
			}
		}
		run(t, reader, "open the letter on a phone in English",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(app.URL+"/s/nals-letter?lang=en"),
		)
		page("english", "Letter to the North American Leaders", "en", "", "Leer en español")

		run(t, reader, "switch the text", chromedp.Click(".text-switch a", chromedp.ByQuery), waitForURL(regexp.MustCompile(`text=es$`)))
		page("spanish text, English page", "Carta a los líderes de América del Norte", "en", "es", "Read in English")
		if got := textOf(t, reader, `form.sign-form button[type="submit"]`); got != "Sign" {
			t.Errorf("the sign button reads %q: the interface changed language with the text", got)
		}

		run(t, reader, "switch the interface", chromedp.Click("a.lang", chromedp.ByQuery), waitForURL(regexp.MustCompile(`lang=es$`)))
		page("spanish page", "Carta a los líderes de América del Norte", "es", "", "Read in English")
		checkAccessible(t, reader, axe, "statement-spanish-phone")
		screenshot(t, reader, "spanish-phone")

		run(t, reader, "sign on the Spanish text",
			fill(map[string]string{"organization": "Casa de la Raza", "signer_name": "Ana López",
				"email": "ana@casadelaraza.example.org", "city": "El Paso"}),
			choose(`select[name="region"]`, "US-TX"),
			chromedp.Click(`#authorized`, chromedp.ByQuery), // the affirmation of authority
			chromedp.Click(`form.sign-form button[type="submit"]`, chromedp.ByQuery),
			// Counted at once: the thank-you is the signer's own page.
			waitForURL(regexp.MustCompile(`/my/[^?]+\?signed=1$`)),
		)
		run(t, reader, "read the signer's own page", chromedp.WaitVisible("main", chromedp.ByQuery), readLangs)
		if htmlLang != "es" {
			t.Errorf("the signer's own page is in %q, not in the Spanish the signer chose", htmlLang)
		}
		if got := textOf(t, reader, "main"); !strings.Contains(got, "Guarda la dirección de esta página") {
			t.Errorf("the signer's own page does not say to keep its address:\n%s", got)
		}
		screenshot(t, reader, "signed-spanish-phone")

		run(t, reader, "back to the letter", chromedp.Navigate(app.URL+"/s/nals-letter"))
		page("spanish page after signing", "Carta a los líderes de América del Norte", "es", "", "Read in English")

		run(t, reader, "read the English text on the Spanish page", chromedp.Click(".text-switch a", chromedp.ByQuery), waitForURL(regexp.MustCompile(`text=en$`)))
		page("english text, Spanish page", "Letter to the North American Leaders", "es", "en", "Leer en español")
		if list := textOf(t, reader, "#signatories"); !strings.Contains(list, "Casa de la Raza") {
			t.Errorf("the English text's list lacks the signature made on the Spanish text:\n%s", list)
		}
	})
}
