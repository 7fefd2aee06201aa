package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// mapTile is one square of the page's tile map, as the HTML has it.
type mapTile struct {
	URL, Label, Title string
	Shade             int
	Current           bool
	X, Y              string
}

var mapTilePattern = regexp.MustCompile(`<a href="([^"]*)" tabindex="-1" class="tile shade-(\d)( current)?" data-region="([A-Z]{2})">\s*` +
	`<title>([^<]*)</title>\s*<rect x="(\d+)" y="(\d+)" width="40" height="40" rx="4"></rect>\s*<text x="\d+" y="\d+">([A-Z]{2})</text>\s*</a>`)

// mapTiles reads the squares of the map in body, by postal abbreviation.
func mapTiles(t *testing.T, body string) map[string]mapTile {
	t.Helper()
	svg := regexp.MustCompile(`(?s)<figure class="state-map" aria-hidden="true">\s*<svg viewBox="-3 -3 486 354">(.*?)</svg>`).FindStringSubmatch(body)
	if svg == nil {
		t.Fatalf("no map of the states in the page:\n%s", body)
	}
	tiles := map[string]mapTile{}
	for _, m := range mapTilePattern.FindAllStringSubmatch(svg[1], -1) {
		if m[4] != m[8] {
			t.Errorf("square %s is labelled %s", m[4], m[8])
		}
		if _, dup := tiles[m[4]]; dup {
			t.Errorf("two squares for %s", m[4])
		}
		tiles[m[4]] = mapTile{URL: html.UnescapeString(m[1]), Shade: int(m[2][0] - '0'), Current: m[3] != "",
			Label: m[8], Title: html.UnescapeString(m[5]), X: m[6], Y: m[7]}
	}
	if n := strings.Count(svg[1], "<a "); n != len(tiles) {
		t.Errorf("the map has %d links, of which %d read as squares", n, len(tiles))
	}
	return tiles
}

// mapStates are the postal abbreviations of the 50 states, DC and Puerto
// Rico, from the region catalog.
func mapStates() []string {
	var out []string
	for _, r := range signon.RegionsOf("US") {
		switch r.Code {
		case "US-AS", "US-GU", "US-MP", "US-UM", "US-VI":
			continue
		}
		out = append(out, strings.TrimPrefix(r.Code, "US-"))
	}
	sort.Strings(out)
	return out
}

// mapSeed stores n approved signatures from region, named after it.
func mapSeed(t *testing.T, app *testApp, st *signon.Statement, counts map[string]int) {
	t.Helper()
	var sigs []pubSignature
	for region, n := range counts {
		country, _, _ := strings.Cut(region, "-")
		if len(region) == 2 {
			country, region = region, ""
		}
		for i := range n {
			sigs = append(sigs, pubSignature{Org: fmt.Sprintf("Group %d of %s", i+1, cmpOr(region, country)), Country: country, Region: region})
		}
	}
	pubSeed(t, app, st, sigs...)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestStatementPage_Map(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "map-letter")
		mapSeed(t, app, st, map[string]int{"US-TX": 8, "US-CA": 3, "US-PR": 2, "US-DC": 1, "US-NY": 1, "US-GU": 1,
			"MX-CHH": 1, "CA-ON": 2, "GT": 1})
		pubSeed(t, app, st, pubSignature{Org: "Withdrawn in Wyoming", Country: "US", Region: "US-WY", Status: signon.SignatureWithdrawn})

		c := app.client(t)
		res := c.get("/s/map-letter")
		pubStatus(t, res, http.StatusOK)
		tiles := mapTiles(t, res.Body)
		var labels []string
		for label := range tiles {
			labels = append(labels, label)
		}
		sort.Strings(labels)
		if want := mapStates(); strings.Join(labels, " ") != strings.Join(want, " ") {
			t.Fatalf("squares %v (%d), want %v (%d)", labels, len(labels), want, len(want))
		}
		// The most (8) is the darkest of five shades; one shade per count
		// below it; none for a state without approved signatures.
		for label, want := range map[string]struct {
			shade int
			title string
		}{
			"TX": {5, "Texas: 8 signatories"},
			"CA": {3, "California: 3 signatories"},
			"PR": {2, "Puerto Rico: 2 signatories"},
			"DC": {1, "District of Columbia: 1 signatory"},
			"NY": {1, "New York: 1 signatory"},
			"WY": {0, "Wyoming: no signatories"},
			"AK": {0, "Alaska: no signatories"},
		} {
			if got := tiles[label]; got.Shade != want.shade || got.Title != want.title {
				t.Errorf("%s: shade %d, title %q; want %d, %q", label, got.Shade, got.Title, want.shade, want.title)
			}
		}
		shaded := 0
		for label, tile := range tiles {
			if want := "/s/map-letter?region=US-" + label + "#signatories"; tile.URL != want {
				t.Errorf("%s links to %q, want %q", label, tile.URL, want)
			}
			if tile.Current {
				t.Errorf("%s is marked current with no filter", label)
			}
			if tile.Shade > 0 {
				shaded++
			}
		}
		if shaded != 5 {
			t.Errorf("%d squares shaded, want the 5 states with signatures", shaded)
		}
		if tx := tiles["TX"]; tx.X != "132" || tx.Y != "308" {
			t.Errorf("Texas drawn at (%s, %s), want (132, 308)", tx.X, tx.Y)
		}

		text := pubText(res.Body)
		pageHas(t, text,
			"Signatories per state None 1 2 3 4 5–8",
			// The table holds the map's numbers, and Guam, which has no square.
			"Signatories by state in the United States State Signatories Texas 8 California 3 Puerto Rico 2 District of Columbia 1 Guam 1 New York 1",
			"Mexico Chihuahua (1) Canada Ontario (2) Other countries Guatemala (1)",
		)
		pageHas(t, res.Body,
			`<a href="/s/map-letter?region=US-TX#signatories">Texas</a>`,
			`<a href="/s/map-letter?region=CA-ON#signatories">Ontario</a>`,
			`<a href="/s/map-letter?country=GT#signatories">Guatemala</a>`,
			`<h3 id="places-mx">Mexico</h3>`, `<ul class="inline-list" aria-labelledby="places-mx">`,
		)
		pageLacks(t, res.Body, "Wyoming: 1", "Withdrawn in Wyoming", " style=")

		c.lang = "es"
		res = c.get("/s/map-letter")
		tiles = mapTiles(t, res.Body)
		if got := tiles["TX"].Title; got != "Texas: 8 firmantes" {
			t.Errorf("Spanish title of Texas %q", got)
		}
		if got := tiles["NY"].Title; got != "Nueva York: 1 firmante" {
			t.Errorf("Spanish title of New York %q", got)
		}
		pageHas(t, pubText(res.Body), "Firmantes por estado Ninguno 1 2 3 4 5–8",
			"Firmantes por estado en Estados Unidos Estado Firmantes Texas 8", "México Chihuahua (1) Canadá Ontario (2) Otros países Guatemala (1)")
	})
}

// TestStatementPage_MapFilters follows the squares' links: the list
// shows the state's signatories and the map marks the state.
func TestStatementPage_MapFilters(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "map-filter")
		mapSeed(t, app, st, map[string]int{"US-TX": 3, "US-CA": 2, "MX-CHH": 1})

		c := app.client(t)
		res := c.get("/s/map-filter")
		tx := mapTiles(t, res.Body)["TX"]
		res = c.get(tx.URL)
		pubStatus(t, res, http.StatusOK)
		text := pubText(res.Body)
		pageHas(t, text, "Showing signatories from Texas.", "Texas (3) Group 1 of US-TX Group 2 of US-TX Group 3 of US-TX")
		pageLacks(t, res.Body, "of US-CA", "of MX-CHH")
		tiles := mapTiles(t, res.Body)
		for label, tile := range tiles {
			if tile.Current != (label == "TX") {
				t.Errorf("%s current = %v with Texas chosen", label, tile.Current)
			}
		}
		pageHas(t, res.Body, `<tr class="current">`, `<a href="/s/map-filter?region=US-TX#signatories" aria-current="true">Texas</a>`)

		// A state nobody signed from says so rather than showing nothing.
		res = c.get(tiles["WY"].URL)
		pubStatus(t, res, http.StatusOK)
		pageHas(t, pubText(res.Body), "Showing signatories from Wyoming. Show all No signatories from Wyoming yet.")
		pageLacks(t, res.Body, "Group 1 of")

		// Without a signatory in the United States there is no map.
		mx := app.openStatement(t, "only-mexico")
		mapSeed(t, app, mx, map[string]int{"MX-CHH": 2})
		res = c.get("/s/only-mexico")
		pageLacks(t, res.Body, "state-map", "<svg")
		pageHas(t, pubText(res.Body), "Mexico Chihuahua (2)")
	})
}

func TestStatementPage_Search(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "search-letter")
		pubSeed(t, app, st,
			pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"},
			pubSignature{Org: "CASA LATINA", Country: "US", Region: "US-WA", City: "Seattle"},
			pubSignature{Org: "Coalición Pro Derechos", Country: "US", Region: "US-TX"},
			pubSignature{Org: "100% Latino", Country: "US", Region: "US-CA"},
			pubSignature{Org: "1000 Latinos", Country: "US", Region: "US-CA"},
			pubSignature{Org: "first_nations Group", Country: "CA", Region: "CA-ON"},
			pubSignature{Org: "firstXnations Circle", Country: "CA", Region: "CA-ON"},
			pubSignature{Org: `<script>alert("x")</script> Fund`, Country: "US", Region: "US-NY"},
			pubSignature{Org: "Casa Pendiente", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
		)
		all := []string{"Casa de la Raza", "CASA LATINA", "Coalición Pro Derechos", "100% Latino", "1000 Latinos",
			"first_nations Group", "firstXnations Circle", "Fund"}
		tests := []struct {
			name   string
			query  string
			want   []string
			result string
		}{
			{"Word", "q=casa", []string{"Casa de la Raza", "CASA LATINA"}, "2 signatories match “casa”. Clear search"},
			{"UpperCase", "q=CASA", []string{"Casa de la Raza", "CASA LATINA"}, "2 signatories match “CASA”. Clear search"},
			{"WithoutAccents", "q=coalicion", []string{"Coalición Pro Derechos"}, "1 signatory matches “coalicion”. Clear search"},
			{"WithRegion", "q=casa&region=US-TX", []string{"Casa de la Raza"}, "1 signatory from Texas matches “casa”. Clear search"},
			{"NoMatch", "q=zzz", nil, "No signatory matches “zzz”. Clear search"},
			{"NoMatchInRegion", "q=latina&region=US-TX", nil, "No signatory from Texas matches “latina”. Clear search"},
			{"PercentIsLiteral", "q=" + url.QueryEscape("100%"), []string{"100% Latino"}, "1 signatory matches “100%”."},
			{"UnderscoreIsLiteral", "q=first_nations", []string{"first_nations Group"}, "1 signatory matches “first_nations”."},
			{"Blank", "q=+++", all, ""},
		}
		c := app.client(t)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.get("/s/search-letter?" + tt.query)
				pubStatus(t, res, http.StatusOK)
				list := regexp.MustCompile(`(?s)<div class="signatory-list">(.*?)</div>`).FindStringSubmatch(res.Body)
				if list == nil {
					t.Fatal("no signatory list")
				}
				for _, name := range all {
					listed := strings.Contains(html.UnescapeString(list[1]), name)
					if want := slices.Contains(tt.want, name); listed != want {
						t.Errorf("%q listed = %v, want %v", name, listed, !listed)
					}
				}
				if strings.Contains(list[1], "Casa Pendiente") {
					t.Error("a pending signature is listed")
				}
				text := pubText(res.Body)
				if tt.result != "" {
					pageHas(t, text, tt.result)
				} else {
					pageLacks(t, res.Body, "search-result")
				}
			})
		}

		t.Run("Form", func(t *testing.T) {
			res := c.get("/s/search-letter?region=US-TX&q=casa")
			pageHas(t, res.Body,
				`<form class="signatory-search no-print" method="get" action="/s/search-letter#signatories" role="search">`,
				`<label for="signatory-q">Search signatories by organization name</label>`,
				`<input type="hidden" name="region" value="US-TX">`,
				`<a href="/s/search-letter?region=US-TX#signatories">Clear search</a>`)
			if got := pubInputValue(t, res.Body, "q"); got != "casa" {
				t.Errorf("the search box holds %q", got)
			}
		})

		t.Run("Escaped", func(t *testing.T) {
			res := c.get("/s/search-letter?q=" + url.QueryEscape(`<script>alert("x")</script>`))
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `1 signatory matches “&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;”.`,
				`value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`)
			pageLacks(t, res.Body, `<script>alert`)
		})

		t.Run("Refused", func(t *testing.T) {
			for _, tt := range []struct{ name, q, message string }{
				{"TooLong", strings.Repeat("a", 201), "Use at most 200 characters."},
				{"ControlCharacter", "casa\x00", "Use only letters, numbers, spaces and punctuation."},
				{"NotUTF8", "casa\xff", "Use only letters, numbers, spaces and punctuation."},
			} {
				t.Run(tt.name, func(t *testing.T) {
					res := c.get("/s/search-letter?q=" + url.QueryEscape(tt.q))
					pubStatus(t, res, http.StatusOK)
					pageHas(t, res.Body, `<p class="field-error" id="signatory-q-error">`+tt.message+`</p>`,
						`aria-invalid="true" aria-describedby="signatory-q-error"`)
					// The list is not searched, so it shows everyone.
					pageHas(t, res.Body, "CASA LATINA", "Coalición Pro Derechos")
					pageLacks(t, res.Body, "search-result")
				})
			}
		})

		t.Run("Spanish", func(t *testing.T) {
			es := app.client(t)
			es.lang = "es"
			pageHas(t, pubText(es.get("/s/search-letter?q=casa").Body), "2 firmantes coinciden con «casa». Borrar la búsqueda")
			pageHas(t, pubText(es.get("/s/search-letter?q=casa&region=US-TX").Body), "1 firmante de Texas coincide con «casa».")
			pageHas(t, pubText(es.get("/s/search-letter?q=zzz").Body), "Ningún firmante coincide con «zzz».")
		})
	})
}

// TestStatementPage_SearchPages pages through a search: the pager keeps
// the search, and the count is of every match, not of one page.
func TestStatementPage_SearchPages(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "many-casas")
		var sigs []pubSignature
		for i := range 105 {
			sigs = append(sigs, pubSignature{Org: fmt.Sprintf("Casa Número %03d", i), Country: "US", Region: "US-TX"})
		}
		sigs = append(sigs, pubSignature{Org: "Red Fronteriza", Country: "US", Region: "US-TX"})
		pubSeed(t, app, st, sigs...)

		c := app.client(t)
		res := c.get("/s/many-casas?q=numero")
		pageHas(t, pubText(res.Body), "105 signatories match “numero”.", "Page 1 of 2")
		pageHas(t, res.Body, `<a href="/s/many-casas?page=2&amp;q=numero#signatories" rel="next">`)
		if n := strings.Count(res.Body, "Casa Número"); n != 100 {
			t.Errorf("page 1 lists %d, want 100", n)
		}
		res = c.get("/s/many-casas?page=2&q=numero")
		pageHas(t, pubText(res.Body), "105 signatories match “numero”.", "Page 2 of 2", "Casa Número 100", "Casa Número 104")
		pageHas(t, res.Body, `<a href="/s/many-casas?q=numero#signatories" rel="prev">`)
		pageLacks(t, res.Body, "Casa Número 099", "Red Fronteriza")
	})
}
