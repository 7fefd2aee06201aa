package server_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// trSpanish is the Spanish text the tests give an English letter.
func trSpanish() *signon.StatementText {
	return &signon.StatementText{
		Language:    "es",
		Title:       "Carta a los líderes",
		Summary:     "Organizaciones migrantes piden dignidad.",
		Body:        "Nosotras, las abajo firmantes, **pedimos** dignidad.",
		AddressedTo: "Los líderes de América del Norte",
		Occasion:    "Cumbre de Líderes de América del Norte",
	}
}

func trValues(kv ...string) url.Values {
	es := trSpanish()
	return coordWith(url.Values{
		"title": {es.Title}, "summary": {es.Summary}, "body": {es.Body},
		"addressed_to": {es.AddressedTo}, "occasion": {es.Occasion},
	}, kv...)
}

func trPath(id int64) string { return coordManagePath(id) + "/translation" }

// trSave stores text as the translation of st.
func trSave(t *testing.T, app *testApp, st *signon.Statement, text *signon.StatementText) {
	t.Helper()
	if err := app.DB.SaveTranslation(context.Background(), st.ID, text, st.CreatedBy); err != nil {
		t.Fatalf("save %s translation of %s: %v", text.Language, st.Slug, err)
	}
}

func trStored(t *testing.T, app *testApp, st *signon.Statement) []*signon.StatementText {
	t.Helper()
	list, err := app.DB.Translations(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// trUntranslated fails if a message id of this area shows instead of
// its text.
func trUntranslated(t *testing.T, body string) {
	t.Helper()
	text := strings.NewReplacer("/static/translation.css", "", "/static/coordinate.css", "").Replace(body)
	for _, prefix := range []string{"translation.", "coordinate.", "problem."} {
		if i := strings.Index(text, prefix); i >= 0 {
			t.Errorf("untranslated message id: %q", text[i:min(len(text), i+60)])
		}
	}
}

// trFieldError is the message shown under the field name, checking that
// the input or textarea is marked invalid and points at it.
func trFieldError(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<p class="field-error" id="` + name + `-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no error shown for %q", name)
	}
	control := regexp.MustCompile(`<(?:input|textarea)[^>]*\bname="` + name + `"[^>]*>`).FindString(body)
	if !strings.Contains(control, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*\b`+name+`-error\b`).MatchString(control) {
		t.Errorf("control %q is not marked invalid and described by its error: %s", name, control)
	}
	return html.UnescapeString(m[1])
}

// trHeading is the statement page's <h1>, with its attributes.
var trHeading = regexp.MustCompile(`<h1[^>]*>[^<]*</h1>`)

func TestTranslation_CoordinatorPage(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "open-letter")
		path := trPath(st.ID)

		t.Run("RequiresLogin", func(t *testing.T) {
			anon := app.client(t)
			res := anon.get(path)
			assertStatus(t, res, http.StatusSeeOther)
			if got, want := res.Header.Get("Location"), "/login?next="+url.QueryEscape(path); got != want {
				t.Errorf("Location %q, want %q", got, want)
			}
			res = anon.postForm(path, trValues())
			assertStatus(t, res, http.StatusUnauthorized)
			if got := trStored(t, app, st); len(got) != 0 {
				t.Errorf("anonymous post stored %d translations", len(got))
			}
		})

		t.Run("CSRF", func(t *testing.T) {
			for name, token := range map[string]string{"Missing": "", "Wrong": "not-the-token"} {
				t.Run(name, func(t *testing.T) {
					values := trValues()
					if token != "" {
						values.Set("_csrf", token)
					}
					res := c.postRaw(path, "application/x-www-form-urlencoded", values.Encode())
					assertStatus(t, res, http.StatusForbidden)
					pageHas(t, html.UnescapeString(res.Body), "This form has expired or is not allowed.")
				})
			}
			if got := trStored(t, app, st); len(got) != 0 {
				t.Errorf("forged posts stored %d translations", len(got))
			}
		})

		t.Run("LinkedFromManagePage", func(t *testing.T) {
			res := c.get(coordManagePath(st.ID))
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), `<a class="coord-button" href="`+path+`">Spanish text</a>`)
		})

		t.Run("EmptyForm", func(t *testing.T) {
			res := c.get(path)
			assertStatus(t, res, http.StatusOK)
			trUntranslated(t, res.Body)
			pageHas(t, html.UnescapeString(res.Body),
				"<title>Spanish text: Letter open-letter · Test Coalition</title>",
				`<h1>Spanish text: Letter open-letter</h1>`,
				`<form method="post" action="`+path+`"`,
				// The original beside each field, marked as English.
				`<div class="translation-original" id="title-original">`,
				`<p lang="en">Letter open-letter</p>`,
				`<p lang="en">The leaders of North America</p>`,
				`<div class="prose" lang="en"><p>We, the undersigned, <strong>ask</strong> for dignity.</p>`,
				// The inputs are Spanish, empty, and described by the original.
				`<input id="title" name="title" maxlength="200" lang="es" value="" required aria-describedby="title-original">`,
				`<textarea id="body" name="body" rows="20" class="coord-body" lang="es" required aria-describedby="body-original body-hint"></textarea>`,
				"This statement is already public: a change saved here shows on its page at once.",
			)
		})

		t.Run("Invalid", func(t *testing.T) {
			res := c.postForm(path, trValues("title", " ", "occasion", strings.Repeat("x", signon.MaxOccasion+1), "summary", `Kept <summary> & "quotes"`))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			trUntranslated(t, res.Body)
			if got := trFieldError(t, res.Body, "title"); got != "This field is required." {
				t.Errorf("title error %q", got)
			}
			if got := trFieldError(t, res.Body, "occasion"); got != "Use at most 200 characters." {
				t.Errorf("occasion error %q", got)
			}
			// What was typed comes back, escaped.
			pageHas(t, res.Body, `>Kept &lt;summary&gt; &amp; &#34;quotes&#34;</textarea>`,
				`value="`+strings.Repeat("x", signon.MaxOccasion+1)+`"`,
				`<li><a href="#title">Title</a>: This field is required.</li>`,
				`<li><a href="#occasion">Occasion</a>: Use at most 200 characters.</li>`)
			if got := trStored(t, app, st); len(got) != 0 {
				t.Errorf("invalid post stored %d translations", len(got))
			}
		})

		t.Run("InvalidInSpanish", func(t *testing.T) {
			c.lang = "es"
			defer func() { c.lang = "" }()
			res := c.postForm(path, trValues("body", ""))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			trUntranslated(t, res.Body)
			pageHas(t, html.UnescapeString(res.Body), "<h1>Texto en español: Letter open-letter</h1>", "Original (inglés)")
			if got := trFieldError(t, res.Body, "body"); got != "Este campo es obligatorio." {
				t.Errorf("body error %q", got)
			}
		})

		t.Run("Preview", func(t *testing.T) {
			res := c.postForm(path, trValues("body", "Texto *nuevo*", "preview", "1"))
			assertStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `<div class="prose" lang="es"><p>Texto <em>nuevo</em></p>`, ">Texto *nuevo*</textarea>")
			if got := trStored(t, app, st); len(got) != 0 {
				t.Errorf("preview stored %d translations", len(got))
			}
		})

		t.Run("Save", func(t *testing.T) {
			res := c.postForm(path, trValues("title", "  "+trSpanish().Title+"  "))
			assertStatus(t, res, http.StatusSeeOther)
			if got, want := res.Header.Get("Location"), coordManagePath(st.ID)+"?done=translation"; got != want {
				t.Errorf("Location %q, want %q", got, want)
			}
			got := trStored(t, app, st)
			if len(got) != 1 || *got[0] != *trSpanish() {
				t.Fatalf("stored %+v, want the Spanish text", got)
			}
			if v := coordStatement(t, app, st.ID).Version; v != st.Version {
				t.Errorf("version %d after translating, want %d: it follows the primary text", v, st.Version)
			}

			manage := c.get(res.Header.Get("Location"))
			assertStatus(t, manage, http.StatusOK)
			trUntranslated(t, manage.Body)
			text := pubText(manage.Body)
			pageHas(t, text, "Translation saved.", "Saved the translation (Spanish)")

			// The form opens with what is stored.
			res = c.get(path)
			assertStatus(t, res, http.StatusOK)
			if got := pubInputValue(t, res.Body, "title"); got != trSpanish().Title {
				t.Errorf("title %q", got)
			}
			pageHas(t, res.Body, ">"+trSpanish().Body+"</textarea>")
		})

		t.Run("SpanishPrimary", func(t *testing.T) {
			carta := app.openStatement(t, "carta", func(s *signon.Statement) { s.Language = "es"; s.Title = "Carta" })
			res := c.get(trPath(carta.ID))
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), "<h1>English text: Carta</h1>", `<p lang="es">Carta</p>`, `lang="en" value=""`)
			res = c.postForm(trPath(carta.ID), trValues("title", "Letter", "body", "We ask."))
			assertStatus(t, res, http.StatusSeeOther)
			if got := trStored(t, app, carta); len(got) != 1 || got[0].Language != "en" || got[0].Title != "Letter" {
				t.Errorf("stored %+v, want one English text", got)
			}
		})

		t.Run("Published", func(t *testing.T) {
			pub := app.openStatement(t, "final-text")
			trSave(t, app, pub, trSpanish())
			pubTransition(t, app, pub, signon.ActionClose, signon.ActionPublish)
			const frozen = "This statement is published. Its text is final and can no longer be edited."
			res := c.get(trPath(pub.ID))
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), frozen)
			res = c.postForm(trPath(pub.ID), trValues("title", "Reescrita"))
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), frozen)
			if got := trStored(t, app, pub); len(got) != 1 || got[0].Title != trSpanish().Title {
				t.Errorf("published translation changed: %+v", got)
			}
			manage := c.get(coordManagePath(pub.ID))
			pageLacks(t, html.UnescapeString(manage.Body), "/translation\"")
		})

		t.Run("Missing", func(t *testing.T) {
			assertStatus(t, c.get("/coordinate/statements/999999/translation"), http.StatusNotFound)
			assertStatus(t, c.postForm("/coordinate/statements/999999/translation", trValues()), http.StatusNotFound)
			assertStatus(t, c.get("/coordinate/statements/abc/translation"), http.StatusNotFound)
		})
	})
}

func TestTranslation_PublicPage(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		both := app.openStatement(t, "both")
		trSave(t, app, both, trSpanish())
		app.openStatement(t, "english-only")
		pubSeed(t, app, both, pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX"})

		const (
			english = "<h1>Letter both</h1>"
			spanish = "<h1>Carta a los líderes</h1>"
			toES    = `<p class="text-switch no-print"><a href="/s/both?text=es" hreflang="es" lang="es">Leer en español</a></p>`
			toEN    = `<p class="text-switch no-print"><a href="/s/both?text=en" hreflang="en" lang="en">Read in English</a></p>`
		)
		tests := []struct {
			name, accept, path string
			htmlLang           string
			heading            string // the <h1> exactly
			title, desc        string // <title> and meta description
			body               string // the text's container, with its lang
			aside              string // the switch, or the note that there is none
		}{
			{"English", "en", "/s/both", "en", english, "Letter both", "A letter for tests.",
				`<div class="prose">`, toES},
			{"Spanish", "es", "/s/both", "es", spanish, "Carta a los líderes", "Organizaciones migrantes piden dignidad.",
				`<div class="prose">`, toEN},
			{"SpanishPageEnglishText", "es", "/s/both?text=en", "es", `<h1 lang="en">Letter both</h1>`, "Letter both", "A letter for tests.",
				`<div class="prose" lang="en">`, toES},
			{"EnglishPageSpanishText", "en", "/s/both?text=es", "en", `<h1 lang="es">Carta a los líderes</h1>`, "Carta a los líderes", "Organizaciones migrantes piden dignidad.",
				`<div class="prose" lang="es">`, toEN},
			{"UnknownTextIgnored", "en", "/s/both?text=fr", "en", english, "Letter both", "A letter for tests.",
				`<div class="prose">`, toES},
			{"SpanishPageNoTranslation", "es", "/s/english-only", "es", `<h1 lang="en">Letter english-only</h1>`, "Letter english-only", "A letter for tests.",
				`<div class="prose" lang="en">`, `<p class="text-switch muted">Esta declaración solo está disponible en inglés.</p>`},
			{"SpanishTextMissing", "en", "/s/english-only?text=es", "en", "<h1>Letter english-only</h1>", "Letter english-only", "A letter for tests.",
				`<div class="prose">`, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				c.lang = tt.accept
				res := c.get(tt.path)
				pubStatus(t, res, http.StatusOK)
				trUntranslated(t, res.Body)
				if got := trHeading.FindString(res.Body); got != tt.heading {
					t.Errorf("heading %s, want %s", got, tt.heading)
				}
				pageHas(t, res.Body, `<html lang="`+tt.htmlLang+`">`,
					"<title>"+tt.title+" · Test Coalition</title>",
					`<meta name="description" content="`+tt.desc+`">`,
					tt.body)
				switches := strings.Count(res.Body, `class="text-switch`)
				if tt.aside == "" && switches != 0 {
					t.Errorf("%d text switches, want none", switches)
				} else if tt.aside != "" {
					pageHas(t, res.Body, tt.aside)
					if switches != 1 {
						t.Errorf("%d text switches, want 1", switches)
					}
				}
				// The text switch is not the language switch: it
				// leaves the page's language, and its cookie, alone.
				for _, ck := range res.Header.Values("Set-Cookie") {
					if strings.HasPrefix(ck, "signon_lang=") {
						t.Errorf("Set-Cookie %s", ck)
					}
				}
			})
		}

		t.Run("SharedSignatories", func(t *testing.T) {
			for _, path := range []string{"/s/both", "/s/both?text=es"} {
				c := app.client(t)
				res := c.get(path)
				pubStatus(t, res, http.StatusOK)
				pageHas(t, res.Body, "Casa de la Raza", "1 organization from 1 state")
			}
		})

		t.Run("LinksKeepChosenText", func(t *testing.T) {
			c := app.client(t)
			res := c.get("/s/both?text=es")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `href="/s/both?region=US-TX&amp;text=es#signatories"`,
				`<form method="post" action="/s/both/sign?text=es"`)
			res = c.get("/s/both")
			pageHas(t, res.Body, `href="/s/both?region=US-TX#signatories"`, `<form method="post" action="/s/both/sign"`)
		})

		t.Run("Escaped", func(t *testing.T) {
			st := app.openStatement(t, "escaped")
			trSave(t, app, st, &signon.StatementText{
				Language: "es", Title: `<script>alert("t")</script> & co`, Summary: `"Resumen" <b>`,
				Body: "Texto <script>alert(1)</script> [x](javascript:alert(2))",
			})
			c := app.client(t)
			c.lang = "es"
			res := c.get("/s/escaped")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `<h1>&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; co</h1>`,
				`<meta name="description" content="&#34;Resumen&#34; &lt;b&gt;">`)
			pageLacks(t, res.Body, "<script>alert", "javascript:alert")
		})
	})
}

func TestTranslation_SignOnSpanishText(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "sign-here")
		trSave(t, app, st, trSpanish())

		t.Run("SpanishPage", func(t *testing.T) {
			c := app.client(t)
			c.lang = "es"
			res := c.get("/s/sign-here")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, "<h1>Carta a los líderes</h1>", `<form method="post" action="/s/sign-here/sign"`)
			res = c.postForm("/s/sign-here/sign", pubSignValues())
			own := ownPage(t, res)
			sigs := pubSignatures(t, app, st)
			if len(sigs) != 1 || sigs[0].Language != "es" || sigs[0].Status != signon.SignatureApproved || sigs[0].StatementVersion != st.Version {
				t.Fatalf("signatures %+v, want one approved, in Spanish, of version %d", sigs, st.Version)
			}
			pageHas(t, c.get(own).Body, "Carta a los líderes", "Casa de la Raza")
		})

		t.Run("ChosenText", func(t *testing.T) {
			c := app.client(t)
			res := c.postForm("/s/sign-here/sign?text=es", pubSignValues("organization", ""))
			pubStatus(t, res, http.StatusUnprocessableEntity)
			// Refused, the page comes back in the text the signer read.
			pageHas(t, res.Body, `<h1 lang="es">Carta a los líderes</h1>`, `action="/s/sign-here/sign?text=es"`)
			if got := pubFieldError(t, res.Body, "organization"); got != "This field is required." {
				t.Errorf("organization error %q", got)
			}
			res = c.postForm("/s/sign-here/sign?text=es", pubSignValues("organization", "Frontera Unida", "email", "luis@example.org"))
			res = c.get(ownPage(t, res))
			pageHas(t, res.Body, "Thank you — Frontera Unida is now listed among the signatories.")
			if sigs := pubSignatures(t, app, st); len(sigs) != 2 {
				t.Errorf("%d signatures, want 2", len(sigs))
			}
		})
	})
}

func TestTranslation_Home(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		both := app.openStatement(t, "both")
		trSave(t, app, both, trSpanish())
		app.openStatement(t, "english-only")
		carta := app.openStatement(t, "carta", func(s *signon.Statement) { s.Language = "es"; s.Title = "Carta original" })
		trSave(t, app, carta, &signon.StatementText{Language: "en", Title: "Original letter", Body: "We ask."})

		tests := []struct {
			lang      string
			want, not []string
		}{
			// A title in another language than the page's says so.
			{"en", []string{`<h3><a href="/s/both">Letter both</a></h3>`, `<h3><a href="/s/english-only">Letter english-only</a></h3>`,
				`<h3><a href="/s/carta">Original letter</a></h3>`},
				[]string{"Carta a los líderes", "Carta original", `lang="es"><a`}},
			{"es", []string{`<h3><a href="/s/both">Carta a los líderes</a></h3>`, `<p>Organizaciones migrantes piden dignidad.</p>`,
				`<h3 lang="en"><a href="/s/english-only">Letter english-only</a></h3>`, `<p lang="en">A letter for tests.</p>`,
				`<h3><a href="/s/carta">Carta original</a></h3>`},
				[]string{"Letter both", "Original letter"}},
		}
		for _, tt := range tests {
			t.Run(tt.lang, func(t *testing.T) {
				c := app.client(t)
				c.lang = tt.lang
				res := c.get("/")
				pubStatus(t, res, http.StatusOK)
				pageHas(t, res.Body, tt.want...)
				pageLacks(t, res.Body, tt.not...)
			})
		}
	})
}

func TestTranslation_API(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		both := app.openStatement(t, "both")
		trSave(t, app, both, trSpanish())
		app.openStatement(t, "english-only")
		c := app.client(t)

		res := c.get("/api/v1/statements/both")
		pubStatus(t, res, http.StatusOK)
		var got struct {
			Title        string                       `json:"title"`
			Language     string                       `json:"language"`
			Translations map[string]map[string]string `json:"translations"`
		}
		if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
			t.Fatal(err)
		}
		es := trSpanish()
		want := map[string]map[string]string{"es": {
			"title": es.Title, "summary": es.Summary, "body": es.Body,
			"body_html":    "<p>Nosotras, las abajo firmantes, <strong>pedimos</strong> dignidad.</p>\n",
			"addressed_to": es.AddressedTo, "occasion": es.Occasion,
		}}
		if got.Title != "Letter both" || got.Language != "en" {
			t.Errorf("title, language = %q, %q; want the primary text's", got.Title, got.Language)
		}
		if len(got.Translations) != 1 || len(got.Translations["es"]) != 6 {
			t.Errorf("translations = %v, want exactly es with six fields", got.Translations)
		}
		for k, v := range want["es"] {
			if got.Translations["es"][k] != v {
				t.Errorf("translations.es.%s = %q, want %q", k, got.Translations["es"][k], v)
			}
		}

		// None is an empty object, not null or missing.
		res = c.get("/api/v1/statements/english-only")
		pubStatus(t, res, http.StatusOK)
		if !strings.Contains(res.Body, `"translations":{}`) {
			t.Errorf("body %s, want \"translations\":{}", res.Body)
		}
	})
}
