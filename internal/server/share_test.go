package server_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
	"github.com/signon-coalition/signon/web"
)

// shareHead is the <head> of a page, where link previews look.
func shareHead(t *testing.T, body string) string {
	t.Helper()
	head, _, ok := strings.Cut(body, "</head>")
	if !ok {
		t.Fatalf("no </head> in:\n%s", body)
	}
	return head
}

func TestShare_StatementMeta(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		app.openStatement(t, "walls", func(s *signon.Statement) {
			s.Title = `Say "no" to <walls> & fences`
			s.Summary = `Groups answer "why" <script>alert(1)</script>`
		})
		published := pubTransition(t, app, app.openStatement(t, "carta-final", func(s *signon.Statement) {
			s.Title, s.Summary, s.Language = "Carta final", "", "es"
		}), signon.ActionClose, signon.ActionPublish)
		pubDraft(t, app, "draft-meta", func(s *signon.Statement) { s.Title = "Draft with meta" })

		anon := app.client(t)
		res := anon.get("/s/walls")
		pubStatus(t, res, http.StatusOK)
		head := shareHead(t, res.Body)
		pageHas(t, head,
			`<meta property="og:type" content="article">`,
			`<meta property="og:title" content="Say &#34;no&#34; to &lt;walls&gt; &amp; fences">`,
			`<meta property="og:description" content="Groups answer &#34;why&#34; &lt;script&gt;alert(1)&lt;/script&gt;">`,
			`<meta property="og:url" content="http://signon.test/s/walls">`,
			`<meta property="og:site_name" content="Test Coalition">`,
			`<meta property="og:locale" content="en_US">`,
			`<meta name="twitter:card" content="summary">`,
			`<meta name="twitter:title" content="Say &#34;no&#34; to &lt;walls&gt; &amp; fences">`,
			`<meta name="twitter:description" content="Groups answer &#34;why&#34; &lt;script&gt;alert(1)&lt;/script&gt;">`,
			`<link rel="alternate" type="application/json+oembed" href="http://signon.test/oembed?format=json&amp;url=http%3A%2F%2Fsignon.test%2Fs%2Fwalls" title="Say &#34;no&#34; to &lt;walls&gt; &amp; fences">`,
			`<link rel="alternate" type="application/atom+xml" href="/feed.atom" title="Test Coalition: published statements">`,
		)
		pageLacks(t, head, "<walls>", "<script>", "article:published_time")

		// A final statement in Spanish: its locale, when it was published,
		// and no empty description.
		res = anon.get("/s/carta-final")
		pubStatus(t, res, http.StatusOK)
		head = shareHead(t, res.Body)
		pageHas(t, head,
			`<meta property="og:locale" content="es_MX">`,
			`<meta property="article:published_time" content="`+published.PublishedAt.UTC().Format(time.RFC3339)+`">`,
		)
		pageLacks(t, head, "og:description", "twitter:description")

		// A coordinator's preview of a draft is not for sharing.
		res = app.coordinator(t).get("/s/draft-meta")
		pubStatus(t, res, http.StatusOK)
		pageLacks(t, shareHead(t, res.Body), "og:", "twitter:", "json+oembed")

		// Without a public address the page cannot know its own address.
		bare := newTestApp(t, dialect, func(c *server.Config) { c.BaseURL = "" })
		bare.openStatement(t, "walls")
		res = bare.client(t).get("/s/walls")
		pubStatus(t, res, http.StatusOK)
		head = shareHead(t, res.Body)
		pageHas(t, head, `<meta property="og:title" content="Letter walls">`)
		pageLacks(t, head, "og:url", "json+oembed")
	})
}

// The site's security headers, which only the widget relaxes.
const shareSitePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func TestShare_EmbedHeaders(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		app.openStatement(t, "framed")
		c := app.client(t)

		page := c.get("/s/framed")
		pubStatus(t, page, http.StatusOK)
		embed := c.get("/s/framed/embed")
		pubStatus(t, embed, http.StatusOK)

		for _, h := range []struct{ name, page, embed string }{
			{"Content-Security-Policy", shareSitePolicy, "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
				"font-src 'self'; form-action 'none'; frame-ancestors *; base-uri 'none'; object-src 'none'"},
			{"X-Frame-Options", "DENY", ""},
			{"X-Content-Type-Options", "nosniff", "nosniff"},
			{"Referrer-Policy", "strict-origin-when-cross-origin", "strict-origin-when-cross-origin"},
			{"Cache-Control", "public, max-age=1, stale-while-revalidate=30, stale-if-error=300", "public, max-age=60"},
		} {
			if got := page.Header.Get(h.name); got != h.page {
				t.Errorf("statement page %s = %q, want %q", h.name, got, h.page)
			}
			if got := embed.Header.Get(h.name); got != h.embed {
				t.Errorf("widget %s = %q, want %q", h.name, got, h.embed)
			}
		}
		if _, ok := embed.Header["X-Frame-Options"]; ok {
			t.Errorf("widget sends X-Frame-Options %q", embed.Header["X-Frame-Options"])
		}
		// A cookie on a publicly cached answer would be shared by everyone.
		if ck := embed.Header.Values("Set-Cookie"); len(ck) > 0 {
			t.Errorf("widget sets cookies %q", ck)
		}
		// Other pages keep the site's policy: the home page and an error.
		for _, path := range []string{"/", "/s/no-such-letter"} {
			res := c.get(path)
			if got := res.Header.Get("Content-Security-Policy"); got != shareSitePolicy {
				t.Errorf("%s Content-Security-Policy = %q", path, got)
			}
			if got := res.Header.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("%s X-Frame-Options = %q", path, got)
			}
		}
	})
}

// shareWidget is what the widget shows, read from its HTML.
type shareWidget struct {
	Lang, Title, Count, State, Button, Href string
}

func shareReadWidget(t *testing.T, body string) shareWidget {
	t.Helper()
	find := func(pattern string) string {
		m := regexp.MustCompile(pattern).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("widget has no %s:\n%s", pattern, body)
		}
		return strings.TrimSpace(pubText(m[1]))
	}
	w := shareWidget{
		Lang:   find(`<html lang="([^"]*)">`),
		Title:  find(`(?s)<h1[^>]*>(.*?)</h1>`),
		Count:  find(`(?s)<p class="widget-count">(.*?)</p>`),
		State:  find(`(?s)<p class="widget-state">(.*?)</p>`),
		Button: find(`(?s)<a class="widget-button"[^>]*>(.*?)<span`),
		Href:   find(`<a class="widget-button" href="([^"]*)" target="_blank" rel="noopener">`),
	}
	return w
}

func TestShare_Embed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		deadline := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
		open := app.openStatement(t, "summit", func(s *signon.Statement) {
			s.Title = `Dignity <now> & "always"`
			s.ClosesAt = &deadline
		})
		pubTransition(t, app, app.openStatement(t, "closed-one", func(s *signon.Statement) { s.Title = "Closed letter" }),
			signon.ActionClose)
		final := app.openStatement(t, "respuesta", func(s *signon.Statement) {
			s.Title, s.Language, s.AllowIndividuals = "Respuesta final", "es", true
		})
		pubSeed(t, app, final, pubSignature{Org: "Red Fronteriza", Country: "MX", Region: "MX-CHH"})
		pubTransition(t, app, final, signon.ActionClose, signon.ActionPublish)
		pubDraft(t, app, "secret")
		pubTransition(t, app, pubDraft(t, app, "scheduled"), signon.ActionSchedule)

		c := app.client(t)
		res := c.get("/s/summit/embed")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<link rel="stylesheet" href="/static/embed.css">`, `<meta name="robots" content="noindex">`,
			`<h1>Dignity &lt;now&gt; &amp; &#34;always&#34;</h1>`)
		pageLacks(t, res.Body, `<header class="site">`, `<footer`, "<script", "<form", "app.css")

		// The count is live: a signature from the form shows at once (the
		// one-minute cache is the browser's, not the server's).
		want := shareWidget{Lang: "en", Title: `Dignity <now> & "always"`, Count: "0 organizations signed",
			State: "Sign by November 20, 2026", Button: "Read and sign", Href: "http://signon.test/s/summit"}
		if got := shareReadWidget(t, res.Body); got != want {
			t.Errorf("open widget\n got %+v\nwant %+v", got, want)
		}
		res = c.postForm("/s/summit/sign", pubSignValues())
		pubStatus(t, res, http.StatusSeeOther)
		pubSeed(t, app, open, pubSignature{Org: "Waiting Group", Country: "US", Region: "US-CA", Status: signon.SignaturePending})
		want.Count = "1 organization signed"
		if got := shareReadWidget(t, c.get("/s/summit/embed").Body); got != want {
			t.Errorf("after one signature\n got %+v\nwant %+v", got, want)
		}
		pubSeed(t, app, open, pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"})
		want.Count = "2 organizations signed"
		if got := shareReadWidget(t, c.get("/s/summit/embed").Body); got != want {
			t.Errorf("after two signatures\n got %+v\nwant %+v", got, want)
		}

		for _, tc := range []struct {
			path string
			want shareWidget
		}{
			{"/s/closed-one/embed", shareWidget{Lang: "en", Title: "Closed letter", Count: "0 organizations signed",
				State: "Closed for signatures", Button: "Read the statement", Href: "http://signon.test/s/closed-one"}},
			// A Spanish statement's widget speaks Spanish, whatever the browser.
			{"/s/respuesta/embed", shareWidget{Lang: "es", Title: "Respuesta final", Count: "1 firmante",
				State: "Declaración final, publicada el 1 de noviembre de 2026", Button: "Leer la declaración", Href: "http://signon.test/s/respuesta"}},
			{"/s/summit/embed?lang=es", shareWidget{Lang: "es", Title: `Dignity <now> & "always"`, Count: "2 organizaciones firmaron",
				State: "Firma antes del 20 de noviembre de 2026", Button: "Leer y firmar", Href: "http://signon.test/s/summit"}},
		} {
			t.Run(tc.path, func(t *testing.T) {
				res := c.get(tc.path)
				pubStatus(t, res, http.StatusOK)
				if got := shareReadWidget(t, res.Body); got != tc.want {
					t.Errorf("\n got %+v\nwant %+v", got, tc.want)
				}
			})
		}
		res = c.get("/s/summit/embed?lang=es")
		pageHas(t, res.Body, `<h1 lang="en">`)

		// Asking for a language sets no cookie there: the answer is cached publicly.
		if ck := res.Header.Values("Set-Cookie"); len(ck) > 0 {
			t.Errorf("?lang= set cookies %q", ck)
		}

		for _, path := range []string{"/s/secret/embed", "/s/scheduled/embed", "/s/nothing-here/embed"} {
			res := c.get(path)
			pubStatus(t, res, http.StatusNotFound)
			pageHas(t, res.Body, "This statement does not exist or is not public.")
			if cc := res.Header.Get("Cache-Control"); cc != "" {
				t.Errorf("%s: Cache-Control %q on an error", path, cc)
			}
		}
		// Not even a coordinator's draft: the widget is for other sites.
		pubStatus(t, app.coordinator(t).get("/s/secret/embed"), http.StatusNotFound)
	})
}

func TestShare_OEmbed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		app.openStatement(t, "summit", func(s *signon.Statement) { s.Title = `Dignity <now> & "always"` })
		pubDraft(t, app, "secret")
		c := app.client(t)

		oembed := func(q url.Values) *response { return c.get("/oembed?" + q.Encode()) }
		page := "http://signon.test/s/summit"
		wantHTML := func(w, h int) string {
			return fmt.Sprintf(`<iframe src="http://signon.test/s/summit/embed" width="%d" height="%d" `+
				`title="Dignity &lt;now&gt; &amp; &#34;always&#34;" loading="lazy" style="border:0;max-width:100%%"></iframe>`, w, h)
		}
		for _, tc := range []struct {
			name          string
			q             url.Values
			width, height int
		}{
			{"defaults", url.Values{"url": {page}, "format": {"json"}}, 420, 220},
			{"no format", url.Values{"url": {page}}, 420, 220},
			{"narrow column", url.Values{"url": {page}, "maxwidth": {"300"}, "maxheight": {"200"}}, 300, 200},
			{"room to spare", url.Values{"url": {page}, "maxwidth": {"1200"}, "maxheight": {"900"}}, 420, 220},
			{"https, query and fragment", url.Values{"url": {"https://SIGNON.test/s/summit/?lang=es#sign"}}, 420, 220},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := oembed(tc.q)
				pubStatus(t, res, http.StatusOK)
				got := pubJSON(t, res)
				want := map[string]any{
					"version": "1.0", "type": "rich", "provider_name": "Test Coalition", "provider_url": "http://signon.test/",
					"title": `Dignity <now> & "always"`, "html": wantHTML(tc.width, tc.height),
					"width": float64(tc.width), "height": float64(tc.height), "cache_age": float64(60),
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("\n got %v\nwant %v", got, want)
				}
			})
		}

		for _, tc := range []struct {
			name   string
			q      url.Values
			status int
			code   string
			field  string
		}{
			{"xml", url.Values{"url": {page}, "format": {"xml"}}, http.StatusNotImplemented, "not_implemented", ""},
			{"unknown format", url.Values{"url": {page}, "format": {"yaml"}}, http.StatusNotImplemented, "not_implemented", ""},
			{"no url", url.Values{"format": {"json"}}, http.StatusUnprocessableEntity, "invalid", "url"},
			{"bad maxwidth", url.Values{"url": {page}, "maxwidth": {"wide"}}, http.StatusUnprocessableEntity, "invalid", "maxwidth"},
			{"zero maxheight", url.Values{"url": {page}, "maxheight": {"0"}}, http.StatusUnprocessableEntity, "invalid", "maxheight"},
			{"draft", url.Values{"url": {"http://signon.test/s/secret"}}, http.StatusNotFound, "not_found", ""},
			{"no such statement", url.Values{"url": {"http://signon.test/s/nothing"}}, http.StatusNotFound, "not_found", ""},
			{"another site", url.Values{"url": {"http://evil.example/s/summit"}}, http.StatusNotFound, "not_found", ""},
			{"look-alike host", url.Values{"url": {"http://signon.test.evil.example/s/summit"}}, http.StatusNotFound, "not_found", ""},
			{"not a statement page", url.Values{"url": {"http://signon.test/coordinate"}}, http.StatusNotFound, "not_found", ""},
			{"the widget itself", url.Values{"url": {"http://signon.test/s/summit/embed"}}, http.StatusNotFound, "not_found", ""},
			{"other scheme", url.Values{"url": {"javascript://signon.test/s/summit"}}, http.StatusNotFound, "not_found", ""},
			{"relative", url.Values{"url": {"/s/summit"}}, http.StatusNotFound, "not_found", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := oembed(tc.q)
				pubStatus(t, res, tc.status)
				e, _ := pubJSON(t, res)["error"].(map[string]any)
				if e["code"] != tc.code || e["message"] == "" {
					t.Errorf("error %v, want code %q and a message", e, tc.code)
				}
				fields, _ := e["fields"].(map[string]any)
				if tc.field != "" && fields[tc.field] == nil || tc.field == "" && fields != nil {
					t.Errorf("fields %v, want a problem with %q", fields, tc.field)
				}
			})
		}

		c.lang = "es"
		res := oembed(url.Values{"url": {page}, "format": {"xml"}})
		pubStatus(t, res, http.StatusNotImplemented)
		pageHas(t, res.Body, "Solo se ofrece el formato JSON.")
	})
}

// shareAtom is the part of an Atom feed the tests read.
type shareAtom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  string   `xml:"author>name"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		Lang      string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Summary   string `xml:"summary"`
		Link      struct {
			Rel      string `xml:"rel,attr"`
			Hreflang string `xml:"hreflang,attr"`
			Href     string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func shareReadFeed(t *testing.T, c *testClient) shareAtom {
	t.Helper()
	res := c.get("/feed.atom")
	pubStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.HasPrefix(res.Body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration:\n%s", res.Body)
	}
	var feed shareAtom
	if err := xml.Unmarshal([]byte(res.Body), &feed); err != nil {
		t.Fatalf("parse feed: %v\n%s", err, res.Body)
	}
	return feed
}

func TestShare_Feed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		start := app.Clock.Now()
		letter := pubTransition(t, app, app.openStatement(t, "letter", func(s *signon.Statement) {
			s.Title, s.Summary = `Letter <to> the "leaders"`, "We ask & they listen."
		}), signon.ActionClose, signon.ActionPublish)
		app.Clock.Set(start.Add(72 * time.Hour))
		response := pubTransition(t, app, app.openStatement(t, "respuesta", func(s *signon.Statement) {
			s.Title, s.Summary, s.Language, s.Kind, s.RespondsToID = "Respuesta a la cumbre", "", "es", signon.KindResponse, &letter.ID
		}), signon.ActionClose, signon.ActionPublish)
		app.openStatement(t, "still-open")
		pubTransition(t, app, app.openStatement(t, "closed-only"), signon.ActionClose)
		pubDraft(t, app, "draft-only")

		feed := shareReadFeed(t, app.client(t))
		if feed.Lang != "en" || feed.ID != "http://signon.test/feed.atom" || feed.Title != "Test Coalition: published statements" ||
			feed.Author != "Test Coalition" || feed.Updated != response.PublishedAt.UTC().Format(time.RFC3339) {
			t.Errorf("feed %s %s %q %q updated %s", feed.Lang, feed.ID, feed.Title, feed.Author, feed.Updated)
		}
		var links []string
		for _, l := range feed.Links {
			links = append(links, l.Rel+" "+l.Href)
		}
		if want := []string{"self http://signon.test/feed.atom", "alternate http://signon.test/"}; !slices.Equal(links, want) {
			t.Errorf("feed links %q, want %q", links, want)
		}

		type entry struct{ lang, id, title, updated, published, summary, rel, hreflang, href string }
		var got []entry
		for _, e := range feed.Entries {
			got = append(got, entry{e.Lang, e.ID, e.Title, e.Updated, e.Published, e.Summary, e.Link.Rel, e.Link.Hreflang, e.Link.Href})
		}
		at := func(st *signon.Statement) string { return st.PublishedAt.UTC().Format(time.RFC3339) }
		want := []entry{
			{"es", "http://signon.test/s/respuesta", "Respuesta a la cumbre", at(response), at(response), "", "alternate", "es", "http://signon.test/s/respuesta"},
			{"en", "http://signon.test/s/letter", `Letter <to> the "leaders"`, at(letter), at(letter), "We ask & they listen.", "alternate", "en", "http://signon.test/s/letter"},
		}
		if !slices.Equal(got, want) {
			t.Errorf("entries\n got %+v\nwant %+v", got, want)
		}

		// In Spanish, the feed's own title.
		es := app.client(t)
		es.lang = "es"
		if feed := shareReadFeed(t, es); feed.Lang != "es" || feed.Title != "Test Coalition: declaraciones publicadas" {
			t.Errorf("Spanish feed %s %q", feed.Lang, feed.Title)
		}

		// Without a public address, addresses are still absolute, on the
		// address the request came to; with no entries the feed is valid.
		bare := newTestApp(t, dialect, func(c *server.Config) { c.BaseURL = "" })
		feed = shareReadFeed(t, bare.client(t))
		if feed.ID != bare.URL+"/feed.atom" || len(feed.Entries) != 0 || feed.Updated != bare.Clock.Now().Format(time.RFC3339) {
			t.Errorf("empty feed id %s, %d entries, updated %s", feed.ID, len(feed.Entries), feed.Updated)
		}
		pubTransition(t, bare, bare.openStatement(t, "letter"), signon.ActionClose, signon.ActionPublish)
		feed = shareReadFeed(t, bare.client(t))
		if len(feed.Entries) != 1 || feed.Entries[0].ID != bare.URL+"/s/letter" || feed.Entries[0].Link.Href != bare.URL+"/s/letter" {
			t.Errorf("entries %+v", feed.Entries)
		}
	})
}

// shareHomeGroups reads the home page's occasion headings, each with the
// statements under it in order.
func shareHomeGroups(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	sections := regexp.MustCompile(`(?s)<section class="listing occasion"[^>]*>(.*?)</section>`).FindAllStringSubmatch(body, -1)
	for _, s := range sections {
		heading := regexp.MustCompile(`(?s)<h2[^>]*>(.*?)</h2>`).FindStringSubmatch(s[1])
		if heading == nil {
			t.Fatalf("group without a heading:\n%s", s[1])
		}
		line := pubText(heading[1]) + ":"
		for _, m := range regexp.MustCompile(`<h3><a href="/s/([^"]+)">`).FindAllStringSubmatch(s[1], -1) {
			line += " " + m[1]
		}
		out = append(out, line)
	}
	return out
}

func TestHome_Occasions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		now := app.Clock.Now()
		soon, later := now.Add(48*time.Hour), now.Add(10*24*time.Hour)

		// The summit: the letter was published; the response, which names
		// no occasion, is open, and a follow-up spells the occasion anew.
		letter := pubTransition(t, app, app.openStatement(t, "nals-letter", func(s *signon.Statement) {
			s.Occasion = "North American Leaders' Summit"
		}), signon.ActionClose, signon.ActionPublish)
		app.openStatement(t, "nals-response", func(s *signon.Statement) {
			s.Kind, s.Occasion, s.RespondsToID, s.ClosesAt = signon.KindResponse, "", &letter.ID, &later
		})
		pubTransition(t, app, app.openStatement(t, "nals-follow-up", func(s *signon.Statement) {
			s.Occasion = "  north american   leaders' summit "
		}), signon.ActionClose)
		// Another occasion, whose deadline is nearer: it leads the page.
		app.openStatement(t, "refugee-day", func(s *signon.Statement) {
			s.Occasion, s.ClosesAt = "World Refugee Day", &soon
		})
		// Without an occasion.
		pubTransition(t, app, app.openStatement(t, "general-1", func(s *signon.Statement) { s.Occasion = "" }),
			signon.ActionClose, signon.ActionPublish)
		app.openStatement(t, "general-2", func(s *signon.Statement) { s.Occasion = "" })
		pubDraft(t, app, "draft-nals", func(s *signon.Statement) { s.Occasion = "North American Leaders' Summit" })

		res := app.client(t).get("/")
		pubStatus(t, res, http.StatusOK)
		want := []string{
			"World Refugee Day: refugee-day",
			"North American Leaders' Summit: nals-response nals-letter nals-follow-up",
			"Other letters and statements: general-2 general-1",
		}
		if got := shareHomeGroups(t, res.Body); !slices.Equal(got, want) {
			t.Errorf("groups\n got %q\nwant %q", got, want)
		}
		// The response says which letter it answers.
		pageHas(t, pubText(res.Body), "In response to Letter nals-letter")
		pageLacks(t, res.Body, "draft-nals", "No statement is open for signatures right now.")
		pageHas(t, res.Body, `<a href="/feed.atom" type="application/atom+xml">Follow the published statements (Atom feed)</a>`)

		// With no occasion anywhere, one group under a general heading.
		plain := newTestApp(t, dialect)
		pubTransition(t, plain, plain.openStatement(t, "only", func(s *signon.Statement) { s.Occasion = "" }), signon.ActionClose)
		res = plain.client(t).get("/")
		if got, want := shareHomeGroups(t, res.Body), []string{"Letters and statements: only"}; !slices.Equal(got, want) {
			t.Errorf("groups %q, want %q", got, want)
		}
		pageHas(t, res.Body, "No statement is open for signatures right now.")
		pageLacks(t, res.Body, "/feed.atom\" type") // nothing published yet to follow

		// A Spanish reader sees an English occasion marked as English.
		es := app.client(t)
		es.lang = "es"
		res = es.get("/")
		pageHas(t, res.Body, `lang="en">World Refugee Day</h2>`, "Otras cartas y declaraciones", "En respuesta a")
	})
}

// TestShareLocales checks that each plural message of the sharing area has
// every form its language needs (Spanish has "many", and go-i18n fails
// without it).
func TestShareLocales(t *testing.T) {
	forms := map[string][]string{"en": {"one", "other"}, "es": {"one", "many", "other"}}
	for _, lang := range signon.Languages {
		b, err := fs.ReadFile(web.FS, "locales/share."+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := toml.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		plurals := 0
		for id, m := range msgs {
			table, ok := m.(map[string]any)
			if !ok {
				continue
			}
			plurals++
			for _, f := range forms[lang] {
				if s, _ := table[f].(string); s == "" {
					t.Errorf("%s: %s has no %q form", lang, id, f)
				}
			}
		}
		if plurals != 2 {
			t.Errorf("%s: %d plural messages, want 2", lang, plurals)
		}
	}
}

// shareBenchGet requests path in parallel and fails on any other status
// than 200.
func shareBenchGet(b *testing.B, url string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := http.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}

// BenchmarkEmbed measures the widget of a letter with 3,000 signatories:
// on a news site's front page, every reader's browser asks for it (the
// one-minute cache spares repeat views only).
func BenchmarkEmbed(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect)
			st := app.openStatement(b, "bench-letter")
			seedSignatures(b, app, st, 3000)
			shareBenchGet(b, app.URL+"/s/bench-letter/embed")
		})
	}
}

// BenchmarkFeed measures the Atom feed at its full length, as feed
// readers poll it.
func BenchmarkFeed(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect)
			ctx := context.Background()
			for i := range 60 {
				st := app.openStatement(b, fmt.Sprintf("final-%d", i))
				for _, a := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
					if _, err := app.DB.TransitionStatement(ctx, st.ID, a, nil, app.Clock.Now(), st.CreatedBy); err != nil {
						b.Fatal(err)
					}
				}
			}
			shareBenchGet(b, app.URL+"/feed.atom")
		})
	}
}
