package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// cachedApp is a test app whose page cache keeps renders a second of its
// test clock, which only moves when the test moves it.
func cachedApp(t *testing.T, dialect string) *testApp {
	t.Helper()
	return newTestApp(t, dialect, func(cfg *server.Config) { cfg.PageCache = time.Second })
}

// publicReads are the anonymous reads a crowd makes, on a statement
// "shared" with a signature, published so that the record exists.
func publicReads(t *testing.T, app *testApp) []string {
	t.Helper()
	st := app.openStatement(t, "shared")
	pubSeed(t, app, st, pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"})
	pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)
	return []string{
		"/",
		"/s/shared",
		"/s/shared?region=US-TX",
		"/s/shared?country=US&page=1",
		"/s/shared?lang=es",
		"/s/shared/print",
		"/s/shared/embed",
		"/feed.atom",
		"/api/v1/statements",
		"/api/v1/statements/shared",
		"/api/v1/statements/shared/signatures",
		"/api/v1/statements/shared/stats",
		"/api/v1/statements/shared/record",
		"/api/v1/openapi.json",
	}
}

// TestPublicReads_Shareable: every anonymous public read is bytes a cache
// may give anyone: no cookie, no Vary: Cookie, the same bytes for two
// visitors, an ETag answered with 304, and HEAD.
func TestPublicReads_Shareable(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		for _, path := range publicReads(t, app) {
			t.Run(path, func(t *testing.T) {
				first, second := app.client(t), app.client(t)
				a, b := first.get(path), second.get(path)
				pubStatus(t, a, http.StatusOK)
				if a.Body != b.Body {
					t.Errorf("two visitors got different bytes")
				}
				for _, res := range []*response{a, b} {
					if ck := res.Header.Values("Set-Cookie"); len(ck) > 0 {
						t.Errorf("sets cookies %q", ck)
					}
					if v := strings.Join(res.Header.Values("Vary"), ","); strings.Contains(strings.ToLower(v), "cookie") {
						t.Errorf("Vary: %s", v)
					}
					if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=") {
						t.Errorf("Cache-Control %q", cc)
					}
				}
				etag := a.Header.Get("ETag")
				if etag == "" || etag != b.Header.Get("ETag") {
					t.Fatalf("ETags %q and %q", etag, b.Header.Get("ETag"))
				}

				req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
				req.Header.Set("If-None-Match", etag)
				res := first.do(req)
				pubStatus(t, res, http.StatusNotModified)
				if res.Body != "" || res.Header.Get("ETag") != etag {
					t.Errorf("304 with %d bytes of body and ETag %q", len(res.Body), res.Header.Get("ETag"))
				}
				req, _ = http.NewRequest(http.MethodGet, app.URL+path, nil)
				req.Header.Set("If-None-Match", `"something-else"`)
				pubStatus(t, first.do(req), http.StatusOK)

				req, _ = http.NewRequest(http.MethodHead, app.URL+path, nil)
				res = second.do(req)
				pubStatus(t, res, http.StatusOK)
				if res.Body != "" {
					t.Errorf("HEAD sent %d bytes of body", len(res.Body))
				}
				for _, h := range []string{"ETag", "Content-Type", "Cache-Control"} {
					if res.Header.Get(h) != a.Header.Get(h) {
						t.Errorf("HEAD %s %q, GET %q", h, res.Header.Get(h), a.Header.Get(h))
					}
				}
			})
		}

		// The pages' language comes from Accept-Language, which caches
		// must therefore tell apart; ?lang= names it in the address.
		c := app.client(t)
		if v := c.get("/s/shared").Header.Get("Vary"); !strings.Contains(v, "Accept-Language") {
			t.Errorf("statement page Vary %q", v)
		}
		en, es := c.get("/s/shared"), c.get("/s/shared?lang=es")
		c.lang = "es"
		if got := c.get("/s/shared"); got.Body != es.Body || got.Body == en.Body {
			t.Error("the page for Accept-Language: es is not the Spanish page")
		}
	})
}

// TestPublicReads_Private: what belongs to one person is never offered
// to a shared cache: a signed-in coordinator's view, the thank-you after
// signing, a page in the language a cookie chose.
func TestPublicReads_Private(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := cachedApp(t, dialect)
		// Reviewed signatures are thanked on the statement page itself
		// (a signature counted at once goes to the signer's own page).
		app.openStatement(t, "mine", func(st *signon.Statement) { st.Approval = signon.ApprovalAll })

		coordinator := app.coordinator(t)
		res := coordinator.get("/s/mine")
		pubStatus(t, res, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("signed in: Cache-Control %q", cc)
		}
		pageHas(t, res.Body, "/coordinate")

		visitor := app.client(t)
		pubStatus(t, visitor.get("/s/mine"), http.StatusOK) // now in the page cache
		res = visitor.postForm("/s/mine/sign", pubSignValues())
		pubStatus(t, res, http.StatusSeeOther)
		res = visitor.get(res.Header.Get("Location"))
		pubStatus(t, res, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("thank-you: Cache-Control %q", cc)
		}
		pageHas(t, res.Body, "It will appear in the list after a coordinator reviews it.")
		// The thank-you neither came from the cache nor went into it.
		res = app.client(t).get("/s/mine")
		pageLacks(t, res.Body, `id="signed"`, "after a coordinator reviews it")
		if res.Header.Get("Set-Cookie") != "" {
			t.Errorf("after a thank-you, the shared page sets %q", res.Header.Get("Set-Cookie"))
		}

		// The language switch remembers the choice in a cookie and comes
		// back to the page, which then is the browser's alone.
		reader := app.client(t)
		res = reader.get("/language/es?next=" + url.QueryEscape("/s/mine"))
		pubStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/s/mine?lang=es" {
			t.Errorf("language switch goes to %q", loc)
		}
		if !strings.Contains(res.Header.Get("Set-Cookie"), "signon_lang=es") {
			t.Errorf("language switch sets %q", res.Header.Get("Set-Cookie"))
		}
		res = reader.get("/s/mine")
		pageHas(t, res.Body, `<html lang="es">`)
		if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("page in the cookie's language: Cache-Control %q", cc)
		}
		res = reader.get("/language/en?next=" + url.QueryEscape("//evil.example/"))
		if loc := res.Header.Get("Location"); loc != "/?lang=en" {
			t.Errorf("language switch to another site goes to %q", loc)
		}
	})
}

// TestPageCache: a public page is rendered once and served from memory
// for its second; a signature shows when that second is over, a
// coordinator's change at once, and a search is never kept.
func TestPageCache(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := cachedApp(t, dialect)
		st := app.openStatement(t, "busy")
		reader := app.client(t)
		first := reader.get("/s/busy")
		pageHas(t, first.Body, "No signatures yet.")

		pubSeed(t, app, st, pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"})
		res := reader.get("/s/busy")
		if res.Body != first.Body {
			t.Error("within the second, the page was rendered again")
		}
		// The Spanish page is another page, rendered on its first reading.
		reader.lang = "es"
		pageHas(t, reader.get("/s/busy").Body, "Frontera Unida")
		reader.lang = ""
		// Neither the method, nor parameters no page reads, make another render.
		req, _ := http.NewRequest(http.MethodHead, app.URL+"/s/busy?utm_source=social&fbclid=x1", nil)
		if res := reader.do(req); res.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Error("HEAD with tracking parameters rendered the page again")
		}
		pageLacks(t, reader.get("/s/busy?fbclid=x2").Body, "Frontera Unida")
		// A search is not kept: it sees the signature at once.
		pageHas(t, reader.get("/s/busy?q=Frontera").Body, "Frontera Unida")
		pageHas(t, reader.get("/api/v1/statements/busy/signatures?q=Frontera").Body, "Frontera Unida")

		app.Clock.Set(app.Clock.Now().Add(1100 * time.Millisecond))
		pageHas(t, reader.get("/s/busy").Body, "Frontera Unida", "1 organization from 1 state")

		// A coordinator closes the statement: the next reader sees it.
		pubSeed(t, app, st, pubSignature{Org: "Casa Migrante", Country: "MX", Region: "MX-CHH"})
		coordinator := app.coordinator(t)
		res = coordinator.postForm(fmt.Sprintf("/coordinate/statements/%d/transition", st.ID), url.Values{"action": {"close"}})
		pubStatus(t, res, http.StatusSeeOther)
		res = reader.get("/s/busy")
		pageHas(t, res.Body, "Closed for signatures", "Casa Migrante")
		pageLacks(t, res.Body, `action="/s/busy/sign"`)
	})
}

// TestStatementPage_Weight: the page a shared link opens stays light on
// a phone: with a hundred signatories listed, under 50 KB of HTML.
func TestStatementPage_Weight(t *testing.T) {
	app := newTestApp(t, "sqlite")
	st := app.openStatement(t, "heavy")
	seedSignatures(t, app, st, 100)
	for _, lang := range []string{"en", "es"} {
		res := app.client(t).get("/s/heavy?lang=" + lang)
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Organization 99", `action="/s/heavy/sign"`)
		if n := len(res.Body); n >= 50_000 {
			t.Errorf("%s: the statement page is %d bytes, want under 50,000", lang, n)
		} else {
			t.Logf("%s: %d bytes", lang, n)
		}
	}
}

// TestSign_AnotherCountry: the form lists the coalition's three
// countries; another is typed by name, in English or Spanish, and a name
// Signon does not know comes back with what was typed.
func TestSign_AnotherCountry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "abroad")
		c := app.client(t)
		res := c.get("/s/abroad")
		pageHas(t, res.Body, `<option value="US" selected>United States</option>`, `<option value="other">Another country</option>`,
			`<input id="country_other" name="country_other" type="text" value=""`)
		pageLacks(t, res.Body, ">Guatemala</option>")

		for _, tt := range []struct{ org, typed, lang, want string }{
			{"Colectivo Chapín", "Guatemala", "en", "GT"},
			{"Red Hondureña", "honduras", "es", "HN"},
			{"Alemanes Unidos", "Alemania", "es", "DE"},
		} {
			values := pubSignValues("organization", tt.org, "email", strings.ToLower(tt.want)+"@example.org",
				"country", "other", "country_other", tt.typed, "region", "", "lang", tt.lang)
			pubStatus(t, c.postForm("/s/abroad/sign", values), http.StatusSeeOther)
			var found bool
			for _, sig := range pubSignatures(t, app, st) {
				if sig.Organization == tt.org {
					found = true
					if sig.Country != tt.want || sig.Region != "" || sig.Language != tt.lang {
						t.Errorf("%s: country %q region %q language %q, want %s, none, %s", tt.org, sig.Country, sig.Region, sig.Language, tt.want, tt.lang)
					}
				}
			}
			if !found {
				t.Errorf("%s was not stored", tt.org)
			}
		}

		values := pubSignValues("organization", "Somewhere Else", "country", "other", "country_other", "Atlantis", "region", "", "lang", "es")
		res = c.postForm("/s/abroad/sign", values)
		pubStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, res.Body, `<html lang="es">`)
		if got := pubFieldError(t, res.Body, "country"); got != "Elige un país de la lista." {
			t.Errorf("country error %q", got)
		}
		if got := pubSelected(t, res.Body, "country"); got != "other" {
			t.Errorf("country %q selected, want other", got)
		}
		if got := pubInputValue(t, res.Body, "country_other"); got != "Atlantis" {
			t.Errorf("country_other %q, want what was typed", got)
		}
		if got := pubInputValue(t, res.Body, "organization"); got != "Somewhere Else" {
			t.Errorf("organization %q", got)
		}
		pubWantCount(t, app, st, 3)
	})
}

// TestPageCache_Authorization: a request with an Authorization header,
// such as an API token, is answered privately: never from the page
// cache, and never into it.
func TestPageCache_Authorization(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := cachedApp(t, dialect)
		st := app.openStatement(t, "tokens")
		reader := app.client(t)
		const list = "/api/v1/statements/tokens/signatures"

		// Into the cache: nothing a token request was answered is kept.
		res := bearerGet(reader, list, "signon_some-token")
		pubStatus(t, res, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("with a token: Cache-Control %q", cc)
		}
		if res.Header.Get("ETag") != "" {
			t.Errorf("with a token: ETag %q, from a shared answer", res.Header.Get("ETag"))
		}
		pubSeed(t, app, st, pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"})
		pageHas(t, reader.get(list).Body, "Frontera Unida")

		// From the cache: the anonymous answer now kept is not given to a
		// token request.
		pubSeed(t, app, st, pubSignature{Org: "Casa Migrante", Country: "MX", Region: "MX-CHH"})
		pageLacks(t, reader.get(list).Body, "Casa Migrante")
		pageHas(t, bearerGet(reader, list, "signon_some-token").Body, "Casa Migrante")
	})
}
