package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_EmbeddedWidget puts the widget on another site, as a news
// page would: the oEmbed answer's iframe on a page served from another
// origin. The widget must render there with the live count, while the
// statement page itself refuses to be framed.
func TestBrowser_EmbeddedWidget(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		// No public address: the widget's address is then the test
		// server's, which the browser can reach.
		app := newTestApp(t, dialect, func(c *server.Config) { c.BaseURL = "" })
		st := app.openStatement(t, "summit-letter", func(s *signon.Statement) {
			s.Title = "Letter to the North American Leaders"
		})
		pubSeed(t, app, st,
			pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"},
			pubSignature{Org: "Red Fronteriza", Country: "MX", Region: "MX-CHH"})

		res := app.client(t).get("/oembed?" + url.Values{"url": {app.URL + "/s/summit-letter"}}.Encode())
		pubStatus(t, res, http.StatusOK)
		var oembed struct{ HTML string }
		if err := json.Unmarshal([]byte(res.Body), &oembed); err != nil {
			t.Fatal(err)
		}

		news := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Border News</title></head>
<body><h1>Groups write to the summit</h1><p>Read the letter and add your organization:</p>
` + oembed.HTML + `
<p>The statement page itself, framed:</p>
<iframe id="page" src="` + app.URL + `/s/summit-letter" width="420" height="120"></iframe>
</body></html>`))
		}))
		t.Cleanup(news.Close)
		if strings.HasPrefix(news.URL, app.URL) || !strings.Contains(oembed.HTML, app.URL+"/s/summit-letter/embed") {
			t.Fatalf("news site %s, widget %s: not another origin", news.URL, oembed.HTML)
		}

		ctx := newBrowser(t)
		var frames []*cdp.Node
		// Navigate returns after the load event, which waits for both frames.
		run(t, ctx, "open the news page",
			chromedp.Navigate(news.URL),
			chromedp.Nodes("iframe", &frames, chromedp.ByQueryAll),
		)
		if len(frames) != 2 {
			t.Fatalf("%d frames on the news page, want 2", len(frames))
		}
		var count, title, href, target string
		var ok bool
		run(t, ctx, "read the widget",
			chromedp.Text(".widget-count", &count, chromedp.ByQuery, chromedp.FromNode(frames[0])),
			chromedp.Text("h1", &title, chromedp.ByQuery, chromedp.FromNode(frames[0])),
			chromedp.AttributeValue(".widget-button", "href", &href, &ok, chromedp.ByQuery, chromedp.FromNode(frames[0])),
			chromedp.AttributeValue(".widget-button", "target", &target, &ok, chromedp.ByQuery, chromedp.FromNode(frames[0])),
		)
		if count != "3 organizations signed" || title != "Letter to the North American Leaders" ||
			href != app.URL+"/s/summit-letter" || target != "_blank" {
			t.Errorf("widget shows count %q, title %q, link %q target %q", count, title, href, target)
		}
		screenshot(t, ctx, "news-page")

		// The statement page, framed, is replaced by the browser's error
		// page: its document never comes from Signon.
		var blocked []*cdp.Node
		run(t, ctx, "look into the framed statement page",
			chromedp.Nodes("#page", &blocked, chromedp.ByQuery),
		)
		if doc := blocked[0].ContentDocument; doc == nil || strings.HasPrefix(doc.DocumentURL, app.URL) {
			url := "<none>"
			if doc != nil {
				url = doc.DocumentURL
			}
			t.Errorf("the statement page rendered in a frame: document %s", url)
		}
	})
}
