package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/testenv"
)

// axeSource reads axe-core, installed by `npm ci` at the top of the
// repository (or named by SIGNON_AXE).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("SIGNON_AXE")
	if path == "" {
		path = filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		testenv.Unavailable(t, testenv.Browser, "axe-core not installed (run `npm ci` at the top of the repository): "+err.Error())
	}
	return string(b)
}

type axeResult struct {
	Passes     []struct{ ID string } `json:"passes"`
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
}

// checkAccessible runs axe-core's WCAG 2.1 A and AA rules on the page in
// the tab and fails the test for each violation.
func checkAccessible(t *testing.T, ctx context.Context, axe, name string) {
	t.Helper()
	var res axeResult
	awaitPromise := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	run(t, ctx, "axe "+name,
		chromedp.Evaluate(axe, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})`, &res, awaitPromise),
	)
	if len(res.Passes) < 10 {
		t.Fatalf("%s: axe reported only %d passing rules; it did not check the page", name, len(res.Passes))
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

// TestBrowser_Accessible checks with axe-core the pages people read and
// the sign form showing errors, in both languages.
func TestBrowser_Accessible(t *testing.T) {
	axe := axeSource(t)
	app := newTestApp(t, "sqlite")
	open := app.openStatement(t, "open-letter", func(st *signon.Statement) { st.AllowIndividuals = true })
	published := app.openStatement(t, "final-statement", func(st *signon.Statement) { st.Kind = signon.KindResponse })
	for _, st := range []*signon.Statement{open, published} {
		for i, region := range []string{"US-TX", "US-CA", "MX-CHH"} {
			country, _, _ := strings.Cut(region, "-")
			seed(t, app, st, signon.SignatureInput{Organization: fmt.Sprintf("Organización %d", i), SignerName: "Ana",
				Email: fmt.Sprintf("a%d@example.org", i), City: "El Paso", Country: country, Region: region})
		}
	}
	ctx := context.Background()
	for _, a := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
		if _, err := app.DB.TransitionStatement(ctx, published.ID, a, nil, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}

	tab := newBrowser(t)
	for _, lang := range signon.Languages {
		for _, page := range []struct{ name, path string }{
			{"home", "/"},
			{"statement", "/s/open-letter"},
			{"published", "/s/final-statement"},
		} {
			run(t, tab, page.name, chromedp.Navigate(app.URL+page.path+"?lang="+lang), chromedp.WaitReady("main", chromedp.ByQuery))
			checkAccessible(t, tab, axe, page.name+"-"+lang)
		}
		run(t, tab, "sign form with errors",
			chromedp.Navigate(app.URL+"/s/open-letter?lang="+lang),
			chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`[name="organization"][aria-invalid="true"]`, chromedp.ByQuery),
		)
		checkAccessible(t, tab, axe, "sign-errors-"+lang)
		screenshot(t, tab, "sign-errors-"+lang)
	}
}

// seed stores an approved signature for st.
func seed(t *testing.T, app *testApp, st *signon.Statement, in signon.SignatureInput) {
	t.Helper()
	sig, err := in.Validate(st)
	if err != nil {
		t.Fatal(err)
	}
	sig.Status, sig.Source = signon.SignatureApproved, signon.SourceManual
	if err := app.DB.CreateSignature(context.Background(), sig, nil); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser_SignWithKeyboard signs with the keyboard alone: Tab to each
// field, type, choose the state by typing its name, Enter to send.
func TestBrowser_SignWithKeyboard(t *testing.T) {
	app := newTestApp(t, "sqlite")
	st := app.openStatement(t, "keyboard-letter")
	tab := newBrowser(t)
	run(t, tab, "open the letter", chromedp.Navigate(app.URL+"/s/keyboard-letter"), chromedp.WaitReady("main", chromedp.ByQuery))

	focused := func() string {
		var name string
		run(t, tab, "read focus", chromedp.Evaluate(`document.activeElement ? (document.activeElement.name || document.activeElement.tagName) : ''`, &name))
		return name
	}
	// tabTo presses Tab until the named control has the focus.
	tabTo := func(name string) {
		t.Helper()
		for i := 0; i < 80; i++ {
			if focused() == name {
				return
			}
			run(t, tab, "tab", chromedp.KeyEvent(kb.Tab))
		}
		t.Fatalf("Tab never reached %q", name)
	}
	for _, f := range []struct{ name, value string }{
		{"organization", "Centro de Trabajadores"},
		{"signer_name", "Luis Pérez"},
		{"email", "luis@example.org"},
		{"city", "Houston"},
		{"region", "Texas"},
	} {
		tabTo(f.name)
		run(t, tab, "type "+f.name, chromedp.KeyEvent(f.value))
	}
	var region string
	run(t, tab, "read region", chromedp.Value(`select[name="region"]`, &region, chromedp.ByQuery))
	if region != "US-TX" {
		t.Fatalf("typing Texas on the state list chose %q", region)
	}
	tabTo("authorized")
	run(t, tab, "check the affirmation with Space", chromedp.KeyEvent(" "))
	tabTo("BUTTON")
	run(t, tab, "send with Enter", chromedp.KeyEvent(kb.Enter), waitForURL(regexp.MustCompile(`/my/[^?]+\?signed=1$`)))
	screenshot(t, tab, "signed-by-keyboard")
	list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID})
	if err != nil || len(list) != 1 || list[0].Organization != "Centro de Trabajadores" || list[0].Region != "US-TX" {
		t.Fatalf("stored signatures = %+v, %v; want the one typed", list, err)
	}
}

// fitsPhone fails the test if the page in the tab is wider than its
// window: on a phone that means sideways scrolling of the whole page,
// where a wide table should scroll in its own box.
func fitsPhone(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var overflow []string
	run(t, ctx, "measure "+name, chromedp.Evaluate(`(() => {
		const width = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= width) return [];
		return [...document.querySelectorAll('body *')]
			.filter(el => el.getBoundingClientRect().right > width + 1 && el.parentElement.getBoundingClientRect().right <= width + 1)
			.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
	})()`, &overflow))
	if len(overflow) > 0 {
		t.Errorf("%s: the page is wider than a phone: %s", name, strings.Join(overflow, ", "))
	}
}

// TestBrowser_AccessibleSignerAndCoordinatorPages checks with axe-core,
// on a phone-sized screen and in both languages, the pages of a signer's
// private links and invitations and the coordinators' review, import,
// roster, outbox and accounts pages, each in the state that shows the
// most: forms with errors, previews with problems, lists with rows.
func TestBrowser_AccessibleSignerAndCoordinatorPages(t *testing.T) {
	axe := axeSource(t)
	forEachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		app := newCoordApp(t, dialect)
		app.openStatement(t, "confirm-letter", func(s *signon.Statement) { s.RequireConfirmation = true })
		st := app.openStatement(t, "reviewed-letter", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignatureApproved)
		corrected := coordSign(t, app, st, "Casa de la Raza", "luis@casa.example.org", signon.SignaturePending)
		coordSign(t, app, st, "Red Fronteriza", "marta@red.example.org", signon.SignaturePending)
		coordSign(t, app, st, "Centro Obrero", "sam@centro.example.org", signon.SignatureRejected)

		// Members: one per language to invite, one without an address.
		invited := map[string]*signon.Member{}
		for _, lang := range signon.Languages {
			invited[lang] = app.addMember(t, signon.MemberInput{Name: "Casa Migrante " + lang, ContactName: "Rosa López",
				Email: "rosa-" + lang + "@example.org", City: "El Paso", Region: "TX", Language: lang})
		}
		app.addMember(t, signon.MemberInput{Name: "Comité de Chihuahua", Country: "MX", Region: "CHH", City: "Ciudad Juárez"})
		app.addMember(t, signon.MemberInput{Name: "Frontera Unida", Region: "TX"})
		admin := app.loginAs(t, "admin@example.org", signon.RoleAdmin)
		accountInvitation := map[string]string{}
		for _, lang := range signon.Languages {
			accountInvitation[lang] = invitationLink(t, app, admin, "luz-"+lang+"@example.org", "coordinator", lang)
		}
		res := admin.postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID), url.Values{
			"member": {fmt.Sprint(invited["en"].ID), fmt.Sprint(invited["es"].ID)}})
		assertStatus(t, res, http.StatusSeeOther)
		emails, _, err := app.DB.Emails(ctx, signon.EmailFilter{PerPage: 1})
		if err != nil || len(emails) != 1 {
			t.Fatalf("emails: %v, %v", emails, err)
		}

		tab := newBrowser(t)
		run(t, tab, "phone screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		check := func(name string) {
			t.Helper()
			checkAccessible(t, tab, axe, name)
			fitsPhone(t, tab, name)
			screenshot(t, tab, name)
		}
		visit := func(name, path, lang string) {
			t.Helper()
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			run(t, tab, name, chromedp.Navigate(app.URL+path+sep+"lang="+lang), chromedp.WaitReady("main", chromedp.ByQuery))
			check(name + "-" + lang)
		}

		// A signer, not logged in.
		for _, lang := range signon.Languages {
			address := "marta-" + lang + "@redfronteriza.example.org"
			run(t, tab, "sign a letter that asks for confirmation",
				chromedp.Navigate(app.URL+"/s/confirm-letter?lang="+lang),
				fill(map[string]string{"organization": "Red Fronteriza " + lang, "signer_name": "Marta Ruiz", "email": address, "city": "Tucson"}),
				choose(`select[name="region"]`, "US-AZ"),
				chromedp.Click(`#authorized`, chromedp.ByQuery), // the affirmation of authority
				chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
				waitForURL(regexp.MustCompile(`signed=unconfirmed`)),
				chromedp.WaitVisible(`form[action="/confirm/resend"]`, chromedp.ByQuery),
			)
			check("check-your-email-" + lang)
			m := app.Mail(t).To(t, address)
			visit("confirm", linkPath(t, m, "/confirm/"), lang)
			visit("confirm-invalid", "/confirm/not-a-token", lang)
			my := linkPath(t, m, "/my/")
			visit("my-signature", my, lang)
			run(t, tab, "a bad correction",
				fill(map[string]string{"website": "not a website", "signer_name": ""}),
				chromedp.Click(`form[action="`+my+`"] button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`[name="website"][aria-invalid="true"]`, chromedp.ByQuery),
			)
			check("my-signature-errors-" + lang)
			visit("withdraw", my+"/withdraw", lang)
			visit("member-invitation", sitePath(t, mailTo(t, app.Mail(t), invited[lang].Email, 1).Link("/i/")), lang)
			visit("account-invitation", accountInvitation[lang], lang)
		}

		// A coordinator, who is an admin too.
		password := app.createAccount(t, "rosa@example.org", signon.RoleAdmin)
		run(t, tab, "log in",
			chromedp.Navigate(app.URL+"/login"),
			fill(map[string]string{"email": "rosa@example.org", "password": password}),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/coordinate$`)),
		)
		signatureCSV := "organization,signer_name,signer_title,email,city,country,region,website\n" +
			"Casa Latina,Eva,,eva@casa.example.org,Denver,US,Colorado,\n" +
			"FRONTERA UNIDA,Luis,,luis@example.org,,US,TX,\n" +
			"Sin Correo,Ana,,,,US,XX,\n"
		memberCSV := "name,contact_name,email,city,state,country,website,language\n" +
			"Red Fronteriza,Luis,luis@example.org,El Paso,TX,,,\n" +
			"FRONTERA UNIDA,,,,Texas,,,\n" +
			"Centro Sin Correo,,no-email,,Narnia,,,fr\n"
		// upload pastes csv into the import form at path and waits for
		// the preview to show sel.
		upload := func(name, path, csv, sel string) {
			t.Helper()
			run(t, tab, name,
				chromedp.Navigate(app.URL+path),
				chromedp.WaitVisible(`textarea[name="csv"]:not([hidden])`, chromedp.ByQuery),
				choose(`textarea[name="csv"]:not([hidden])`, csv),
				chromedp.Click(`form:has(textarea[name="csv"]:not([hidden])) button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(sel, chromedp.ByQuery),
			)
		}
		// marked fails the test unless the page in the tab marks sel as
		// written in language lang, for screen readers to pronounce it so.
		marked := func(name, sel, lang string) {
			t.Helper()
			var n int
			run(t, tab, "find "+sel, chromedp.Evaluate(`document.querySelectorAll(`+strconv.Quote(sel+`[lang="`+lang+`"], `+sel+` [lang="`+lang+`"]`)+`).length`, &n))
			if n == 0 {
				t.Errorf("%s: %s is not marked as written in %q", name, sel, lang)
			}
		}
		base := coordManagePath(st.ID)
		for _, lang := range signon.Languages {
			visit("review", base+"/review", lang)
			// On a phone the queue's rows stack: each one's buttons are on screen.
			var onScreen bool
			run(t, tab, "find the approve button", chromedp.Evaluate(`(() => {
				const b = document.querySelector('button[name="approve_one"]').getBoundingClientRect();
				return b.width > 0 && b.left >= 0 && b.right <= document.documentElement.clientWidth })()`, &onScreen))
			if !onScreen {
				t.Errorf("review-%s: a signature's Approve button is off the phone's screen", lang)
			}
			if lang == "es" {
				marked("review-es", ".coord-back a", "en") // the statement is in English
			}
			visit("review-signature", sigPath(st, corrected), lang)
			visit("add-signature", base+"/signatures/new", lang)
			upload("import with problems", base+"/import", signatureCSV, `[role="alert"]`)
			check("import-problems-" + lang)
			upload("import ready", base+"/import", signatureCSV[:strings.Index(signatureCSV, "FRONTERA")], `form[action$="/import/confirm"]`)
			check("import-ready-" + lang)
			visit("audit", base+"/audit", lang)
			visit("roster", "/coordinate/members", lang)
			run(t, tab, "a member form with errors",
				chromedp.Navigate(app.URL+"/coordinate/members/new"),
				fill(map[string]string{"email": "no-email"}),
				chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`[name="name"][aria-invalid="true"]`, chromedp.ByQuery),
			)
			check("member-errors-" + lang)
			upload("roster import with problems", "/coordinate/members/import", memberCSV, `[role="alert"]`)
			check("roster-import-problems-" + lang)
			upload("roster import ready", "/coordinate/members/import", memberCSV[:strings.Index(memberCSV, "FRONTERA")], `form:has(input[name="confirm"]) button[type="submit"]`)
			check("roster-import-ready-" + lang)
			visit("statement-members", base+"/members", lang)
			visit("outbox", "/coordinate/outbox", lang)
			marked("outbox-"+lang, "tbody a", map[string]string{"en": "es", "es": "en"}[lang]) // emails in both languages
			visit("outbox-email", fmt.Sprintf("/coordinate/outbox/%d", emails[0].ID), lang)
			visit("accounts", "/coordinate/accounts", lang)
			run(t, tab, "create an API token",
				chromedp.Navigate(app.URL+"/coordinate/tokens?lang="+lang),
				fill(map[string]string{"name": "CRM " + lang}),
				chromedp.Click(`form[action="/coordinate/tokens"] button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`#token-value`, chromedp.ByQuery),
			)
			check("api-token-created-" + lang)
			run(t, tab, "an API token form with errors",
				chromedp.Click(`form[action="/coordinate/tokens"] button[type="submit"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`[name="name"][aria-invalid="true"]`, chromedp.ByQuery),
			)
			check("api-token-errors-" + lang)
		}
	})
}
