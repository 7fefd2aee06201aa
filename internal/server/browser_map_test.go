package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_StateMap draws the tile map in Chromium at desktop and
// phone widths, clicks Texas and sees only Texas signatories, then
// searches the list.
func TestBrowser_StateMap(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "map-in-browser")
		mapSeed(t, app, st, map[string]int{"US-TX": 5, "US-CA": 3, "US-NY": 2, "US-IL": 1, "US-FL": 1, "MX-CHH": 1, "CA-ON": 1})
		pubSeed(t, app, st, pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"})
		page := app.URL + "/s/map-in-browser"
		tab := newBrowser(t)

		for _, screen := range []struct {
			name          string
			width, height int64
			phone         bool
		}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
			viewport := chromedp.EmulateViewport(screen.width, screen.height)
			if screen.phone {
				viewport = chromedp.EmulateViewport(screen.width, screen.height, chromedp.EmulateMobile)
			}
			var mapWidth, pageWidth, innerWidth float64
			var texasFill, wyomingFill string
			run(t, tab, "open the statement on "+screen.name,
				viewport,
				chromedp.Navigate(page),
				chromedp.WaitVisible(`.state-map svg`, chromedp.ByQuery),
				chromedp.ScrollIntoView(`.state-map`, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelector('.state-map svg').getBoundingClientRect().width`, &mapWidth),
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &pageWidth),
				chromedp.Evaluate(`window.innerWidth`, &innerWidth),
				chromedp.Evaluate(`getComputedStyle(document.querySelector('[data-region="TX"] rect')).fill`, &texasFill),
				chromedp.Evaluate(`getComputedStyle(document.querySelector('[data-region="WY"] rect')).fill`, &wyomingFill),
			)
			screenshot(t, tab, "map-"+screen.name)
			if mapWidth < 300 || mapWidth > innerWidth {
				t.Errorf("%s: the map is %.0fpx wide in a window of %.0fpx", screen.name, mapWidth, innerWidth)
			}
			if pageWidth > innerWidth {
				t.Errorf("%s: the page is %.0fpx wide, wider than the window's %.0fpx", screen.name, pageWidth, innerWidth)
			}
			// The stylesheet shades the squares: the most signatories in
			// the darkest shade, none in grey.
			if texasFill != "rgb(13, 92, 82)" || wyomingFill != "rgb(239, 237, 232)" {
				t.Errorf("%s: Texas filled %s, Wyoming %s", screen.name, texasFill, wyomingFill)
			}
		}

		var current string
		run(t, tab, "click Texas",
			chromedp.Click(`.state-map a[data-region="TX"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`\?region=US-TX#signatories$`)),
			chromedp.WaitVisible(`.signatory-list`, chromedp.ByQuery),
			chromedp.AttributeValue(`.state-map a[data-region="TX"]`, "class", &current, nil, chromedp.ByQuery),
		)
		screenshot(t, tab, "texas-phone")
		list := textOf(t, tab, ".signatory-list")
		for _, want := range []string{"Texas (6)", "Casa de la Raza", "Group 1 of US-TX", "Group 5 of US-TX"} {
			if !strings.Contains(list, want) {
				t.Errorf("after clicking Texas the list lacks %q:\n%s", want, list)
			}
		}
		for _, other := range []string{"US-CA", "US-NY", "MX-CHH", "California", "Chihuahua"} {
			if strings.Contains(list, other) {
				t.Errorf("after clicking Texas the list shows %q:\n%s", other, list)
			}
		}
		if !strings.Contains(current, "current") {
			t.Errorf("Texas's square has classes %q, want it marked current", current)
		}

		run(t, tab, "search within Texas",
			fill(map[string]string{"q": "raza"}),
			chromedp.Click(`form.signatory-search button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`[?&]q=raza.*#signatories$`)),
			chromedp.WaitVisible(`.search-result`, chromedp.ByQuery),
		)
		screenshot(t, tab, "search-phone")
		if got := textOf(t, tab, ".search-result"); !strings.Contains(got, "1 signatory from Texas matches “raza”.") {
			t.Errorf("search result %q", got)
		}
		if list := textOf(t, tab, ".signatory-list"); !strings.Contains(list, "Casa de la Raza") || strings.Contains(list, "Group 1 of US-TX") {
			t.Errorf("search within Texas lists:\n%s", list)
		}
	})
}
