package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// printLetter is a published letter signed in three countries, with a
// pending and a rejected signature that must not be printed.
func printLetter(t *testing.T, app *testApp, slug string, mutate ...func(*signon.Statement)) *signon.Statement {
	t.Helper()
	st := app.openStatement(t, slug, mutate...)
	pubSeed(t, app, st,
		pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"},
		pubSignature{Org: "Border Network", Country: "US", Region: "US-TX", City: "El Paso"},
		pubSignature{Org: "Mano a Mano", Country: "US", Region: "US-NM", City: "Albuquerque"},
		pubSignature{Org: "Asociación Pérez Muñoz", Country: "MX", Region: "MX-CHH", City: "Ciudad Juárez"},
		pubSignature{Org: "Vecinos sin Fronteras", Country: "DE", City: "Berlin"},
		pubSignature{Org: "Pending Group", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
		pubSignature{Org: "Rejected Group", Country: "US", Region: "US-TX", Status: signon.SignatureRejected},
	)
	return pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)
}

// printPDFText is the text of a PDF, page by page, read back with a PDF
// reader of its own. The reader puts a space where each run of text
// starts (a city after a name, in another colour), which is taken out
// before punctuation.
func printPDFText(t *testing.T, data []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 200)])
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	punct := regexp.MustCompile(` ([,.:;])`)
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		text, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		pages = append(pages, punct.ReplaceAllString(strings.Join(strings.Fields(text), " "), "$1"))
	}
	return pages
}

func TestPrint_Page(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		printLetter(t, app, "summit-letter", func(s *signon.Statement) {
			s.Title = "Letter to the <b>summit</b>"
			s.Body = "We, the undersigned, **ask** for dignity.\n\n<script>alert(1)</script>\n\n- Protection\n- Due process"
		})
		c := app.client(t)
		res := c.get("/s/summit-letter/print")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body,
			`<link rel="stylesheet" href="/static/print.css">`,
			`<script src="/static/print.js" defer></script>`,
			`<p class="letterhead-name">Test Coalition</p>`,
			`<p class="print-kind">Open letter</p>`,
			`<h1 lang="en">Letter to the &lt;b&gt;summit&lt;/b&gt;</h1>`,
			`<dt>To</dt><dd lang="en">The leaders of North America</dd>`,
			`<dt>Occasion</dt><dd lang="en">North American Leaders&#39; Summit</dd>`,
			`<p class="print-dated">Published on November 1, 2026</p>`,
			`<p>We, the undersigned, <strong>ask</strong> for dignity.</p>`,
			`<li>Protection</li>`,
			`<p class="print-headline">5 organizations from 3 states in 3 countries</p>`,
			`<h3><span>United States</span> <span class="count">3</span></h3>`,
			`<h4><span>New Mexico</span> <span class="count">1</span></h4>`,
			`<h4><span>Texas</span> <span class="count">2</span></h4>`,
			`<li><span class="print-name">Border Network</span><span class="print-detail">, El Paso</span></li>`,
			`<li><span class="print-name">Casa de la Raza</span><span class="print-detail">, El Paso</span></li>`,
			`<h3><span>Mexico</span> <span class="count">1</span></h3>`,
			`<h4><span>Chihuahua</span> <span class="count">1</span></h4>`,
			`<li><span class="print-name">Asociación Pérez Muñoz</span><span class="print-detail">, Ciudad Juárez</span></li>`,
			`<h3><span>Other countries</span> <span class="count">1</span></h3>`,
			`<h4><span>Germany</span> <span class="count">1</span></h4>`,
			`<a href="http://signon.test/s/summit-letter">http://signon.test/s/summit-letter</a>`,
			`<a class="button" href="/s/summit-letter/statement.pdf?lang=en">Download PDF</a>`,
			`<a class="print-back" href="/s/summit-letter">← Back to the statement</a>`,
			`<link rel="canonical" href="http://signon.test/s/summit-letter">`,
			`<meta name="robots" content="noindex">`,
		)
		// Only approved signatures; nothing private; no script.
		pageLacks(t, res.Body, "Pending Group", "Rejected Group", "@example.org", "<script>alert", "letterhead-logo")
		// States in the order of their names, countries in the coalition's
		// order, signatories by name.
		order := []string{"New Mexico", "Texas", "Border Network", "Casa de la Raza", "Chihuahua", "Germany"}
		last := -1
		for _, s := range order {
			i := strings.Index(res.Body, "<span>"+s+"</span>")
			if i < 0 {
				i = strings.Index(res.Body, `"print-name">`+s+"<")
			}
			if i <= last {
				t.Errorf("%q is out of order (at %d, after %d)", s, i, last)
			}
			last = i
		}

		t.Run("Spanish", func(t *testing.T) {
			res := app.client(t).get("/s/summit-letter/print?lang=es")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body,
				`<p class="print-kind">Carta abierta</p>`,
				`<dt>Dirigida a</dt>`,
				`<p class="print-dated">Publicada el 1 de noviembre de 2026</p>`,
				`<h2 id="print-signatories-heading">Firmantes</h2>`,
				`<h3><span>Estados Unidos</span> <span class="count">3</span></h3>`,
				`<h4><span>Nuevo México</span> <span class="count">1</span></h4>`,
				`<h3><span>Otros países</span> <span class="count">1</span></h3>`,
				`<h4><span>Alemania</span> <span class="count">1</span></h4>`,
				`<a class="button" href="/s/summit-letter/statement.pdf?lang=es">Descargar PDF</a>`,
			)
		})

		t.Run("LinkedFromTheStatement", func(t *testing.T) {
			res := app.client(t).get("/s/summit-letter")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `<a href="/s/summit-letter/print?lang=en">Print</a>`, `<a href="/s/summit-letter/statement.pdf?lang=en">Download PDF</a>`)
			app.openStatement(t, "still-open")
			res = app.client(t).get("/s/still-open")
			pageLacks(t, res.Body, "/s/still-open/print", "statement.pdf")
		})
	})
}

func TestStatementPDF(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		printLetter(t, app, "summit-letter")
		tests := []struct {
			lang string
			want []string
		}{
			{"en", []string{"Test Coalition", "OPEN LETTER", "Letter summit-letter", "To The leaders of North America",
				"Published on November 1, 2026", "We, the undersigned, ask for dignity.", "Signatories",
				"5 organizations from 3 states in 3 countries", "United States 3", "New Mexico 1", "Mano a Mano, Albuquerque",
				"Texas 2", "Border Network, El Paso", "Casa de la Raza, El Paso", "Mexico 1", "Chihuahua 1",
				"Asociación Pérez Muñoz, Ciudad Juárez", "Other countries 1", "Germany 1", "Vecinos sin Fronteras, Berlin",
				"http://signon.test/s/summit-letter", "Page 1 of 1"}},
			{"es", []string{"Test Coalition", "CARTA ABIERTA", "Letter summit-letter", "Dirigida a The leaders of North America",
				"Publicada el 1 de noviembre de 2026", "Firmantes", "5 organizaciones de 3 estados en 3 países",
				"Estados Unidos 3", "Nuevo México 1", "México 1", "Chihuahua 1", "Asociación Pérez Muñoz, Ciudad Juárez",
				"Otros países 1", "Alemania 1", "http://signon.test/s/summit-letter", "Página 1 de 1"}},
		}
		for _, tt := range tests {
			t.Run(tt.lang, func(t *testing.T) {
				res := app.client(t).get("/s/summit-letter/statement.pdf?lang=" + tt.lang)
				pubStatus(t, res, http.StatusOK)
				if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
					t.Errorf("Content-Type %q", ct)
				}
				if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="summit-letter.pdf"` {
					t.Errorf("Content-Disposition %q", cd)
				}
				pages := printPDFText(t, []byte(res.Body))
				if len(pages) != 1 {
					t.Fatalf("%d pages, want 1", len(pages))
				}
				text, at := pages[0], 0
				for _, w := range tt.want {
					i := strings.Index(text[at:], w)
					if i < 0 {
						t.Errorf("the PDF does not say %q after %q", w, text[:at])
						continue
					}
					at += i + len(w)
				}
				pageLacks(t, text, "Pending Group", "Rejected Group", "@example.org", "Signer ")
			})
		}

		// PDFs are kept once made; a change to what they show makes a new one.
		t.Run("FollowsChanges", func(t *testing.T) {
			st := app.openStatement(t, "still-counting")
			pubSeed(t, app, st,
				pubSignature{Org: "First Group", Country: "US", Region: "US-TX"},
				pubSignature{Org: "Late Group", Country: "US", Region: "US-TX", Status: signon.SignaturePending})
			pubTransition(t, app, st, signon.ActionClose)
			c := app.client(t)
			first := c.get("/s/still-counting/statement.pdf").Body
			if again := c.get("/s/still-counting/statement.pdf").Body; again != first {
				t.Error("the same statement made two different files")
			}
			pageLacks(t, strings.Join(printPDFText(t, []byte(first)), " "), "Late Group")

			// A coordinator approves a signature after the deadline.
			var late *signon.Signature
			for _, sig := range pubSignatures(t, app, st) {
				if sig.Organization == "Late Group" {
					late = sig
				}
			}
			if err := app.DB.SetSignatureStatus(context.Background(), st.ID, late.ID, signon.SignatureApproved, app.Clock.Now(), st.CreatedBy); err != nil {
				t.Fatal(err)
			}
			pageHas(t, strings.Join(printPDFText(t, []byte(c.get("/s/still-counting/statement.pdf").Body)), " "), "First Group", "Late Group")
		})
	})
}

// TestPrint_OnlyOnceClosed checks the print page and the PDF exist for
// closed and published statements only: an open list is still changing.
func TestPrint_OnlyOnceClosed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		now := app.Clock.Now()
		pubDraft(t, app, "a-draft")
		app.openStatement(t, "an-open-one")
		app.openStatement(t, "past-deadline", func(s *signon.Statement) {
			deadline := now.Add(time.Hour)
			s.ClosesAt = &deadline
		})
		closed := app.openStatement(t, "a-closed-one")
		pubSeed(t, app, closed, pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"})
		pubTransition(t, app, closed, signon.ActionClose)
		hidden := app.openStatement(t, "hidden-until-published", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, hidden, pubSignature{Org: "Quiet Group", Country: "US", Region: "US-TX"})
		pubTransition(t, app, hidden, signon.ActionClose)
		printLetter(t, app, "a-published-one")
		app.Clock.Set(now.Add(2 * time.Hour))

		notYet := "A printable copy of this statement is available once it has closed for signatures."
		tests := []struct {
			slug   string
			status int
			want   []string
			not    []string
		}{
			{"a-draft", http.StatusNotFound, []string{"This statement does not exist or is not public."}, nil},
			{"no-such-statement", http.StatusNotFound, []string{"This statement does not exist or is not public."}, nil},
			{"an-open-one", http.StatusNotFound, []string{notYet}, nil},
			{"past-deadline", http.StatusOK, []string{"Closed for signatures on November 1, 2026", "No signatures yet."}, nil},
			{"a-closed-one", http.StatusOK, []string{"Closed for signatures on November 1, 2026", "Not yet published", "Casa de la Raza"}, []string{"Published on"}},
			{"hidden-until-published", http.StatusOK, []string{"The list of signatories will be made public with the final statement."}, []string{"Quiet Group"}},
			{"a-published-one", http.StatusOK, []string{"Published on November 1, 2026", "Casa de la Raza"}, []string{"Not yet published"}},
		}
		for _, tt := range tests {
			t.Run(tt.slug, func(t *testing.T) {
				c := app.client(t)
				res := c.get("/s/" + tt.slug + "/print")
				pubStatus(t, res, tt.status)
				pageHas(t, pubText(res.Body), tt.want...)
				pageLacks(t, res.Body, tt.not...)

				res = c.get("/s/" + tt.slug + "/statement.pdf")
				pubStatus(t, res, tt.status)
				if tt.status != http.StatusOK {
					pageHas(t, pubText(res.Body), tt.want...)
					return
				}
				text := strings.Join(printPDFText(t, []byte(res.Body)), " ")
				pageHas(t, text, tt.want...)
				pageLacks(t, text, tt.not...)
			})
		}
	})
}

// TestPrint_Translation checks the printed text follows the reader's
// language where the statement has a translation, as its page does.
func TestPrint_Translation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "bilingual")
		err := app.DB.SaveTranslation(context.Background(), st.ID, &signon.StatementText{
			Language: "es", Title: "Carta bilingüe a la cumbre", Body: "Nosotras, las abajo firmantes, **pedimos** dignidad.",
			AddressedTo: "Los líderes de América del Norte",
		}, st.CreatedBy)
		if err != nil {
			t.Fatal(err)
		}
		pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)

		c := app.client(t)
		res := c.get("/s/bilingual/print?lang=es")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<h1 lang="es">Carta bilingüe a la cumbre</h1>`, `<dd lang="es">Los líderes de América del Norte</dd>`,
			`<strong>pedimos</strong>`, `href="/s/bilingual/statement.pdf?lang=es"`)
		res = c.get("/s/bilingual/print?lang=es&text=en")
		pageHas(t, res.Body, `<h1 lang="en">Letter bilingual</h1>`, `href="/s/bilingual/statement.pdf?lang=es&amp;text=en"`)

		text := printPDFText(t, []byte(c.get("/s/bilingual/statement.pdf?lang=es").Body))[0]
		pageHas(t, text, "Carta bilingüe a la cumbre", "Dirigida a Los líderes de América del Norte", "Nosotras, las abajo firmantes, pedimos dignidad.")
		text = printPDFText(t, []byte(c.get("/s/bilingual/statement.pdf?lang=en").Body))[0]
		pageHas(t, text, "Letter bilingual", "To The leaders of North America")
	})
}

func TestPrint_Logo(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.SetNRGBA(3, 3, color.NRGBA{13, 92, 82, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	logo, err := printed.NewLogo(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}

	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Run("WithLogo", func(t *testing.T) {
			app := newTestApp(t, dialect, func(cfg *server.Config) { cfg.Logo = logo })
			printLetter(t, app, "with-logo")
			c := app.client(t)
			res := c.get("/static/logo")
			pubStatus(t, res, http.StatusOK)
			if ct := res.Header.Get("Content-Type"); ct != "image/png" || res.Body != buf.String() {
				t.Errorf("/static/logo is %s of %d bytes, want the logo's %d bytes of image/png", ct, len(res.Body), buf.Len())
			}
			res = c.get("/s/with-logo/print")
			pageHas(t, res.Body, `<img class="letterhead-logo" src="/static/logo" alt="" width="40" height="20">`)
			if res = c.get("/s/with-logo/statement.pdf"); !strings.Contains(res.Body, "/Subtype /Image") {
				t.Error("the PDF has no image")
			}
		})
		t.Run("WithoutLogo", func(t *testing.T) {
			app := newTestApp(t, dialect)
			printLetter(t, app, "without-logo")
			c := app.client(t)
			pubStatus(t, c.get("/static/logo"), http.StatusNotFound)
			pageLacks(t, c.get("/s/without-logo/print").Body, "<img")
			if res := c.get("/s/without-logo/statement.pdf"); strings.Contains(res.Body, "/Subtype /Image") {
				t.Error("the PDF has an image without a logo")
			}
		})
	})
}
