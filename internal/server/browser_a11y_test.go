package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
	tabTo("BUTTON")
	run(t, tab, "send with Enter", chromedp.KeyEvent(kb.Enter), waitForURL(regexp.MustCompile(`signed=approved`)))
	screenshot(t, tab, "signed-by-keyboard")
	list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID})
	if err != nil || len(list) != 1 || list[0].Organization != "Centro de Trabajadores" || list[0].Region != "US-TX" {
		t.Fatalf("stored signatures = %+v, %v; want the one typed", list, err)
	}
}
