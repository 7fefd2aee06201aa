package printed_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
)

const sampleBody = `Estimados **líderes** de _América del Norte_:

Nosotras, las organizaciones abajo firmantes, pedimos [dignidad](https://example.org/dignidad) y justicia.

## Lo que pedimos

1. Protección para las familias.
2. Fin de las detenciones.

<script>alert("no")</script>

Atentamente,  
La coalición`

// sampleStatement is a published letter in Spanish with signatories in
// three countries, and n more in Texas.
func sampleStatement(logo *printed.Logo, more ...int) *printed.Statement {
	published := time.Date(2026, 11, 3, 18, 0, 0, 0, time.UTC)
	st := &signon.Statement{
		Slug: "carta-cumbre", Kind: signon.KindLetter, Language: "es",
		Title:       "Carta a los líderes: ¿dónde está la niñez?",
		Summary:     "Una carta para la cumbre.",
		Body:        sampleBody,
		AddressedTo: "Los líderes de América del Norte", Occasion: "Cumbre de Líderes de América del Norte",
		Status: signon.StatusPublished, PublishedAt: &published,
	}
	sigs := []*signon.Signature{
		org("Alianza Canadiense", "CA", "CA-ON", "Toronto"),
		org("Asociación Pérez Muñoz", "MX", "MX-CHH", "Ciudad Juárez"),
		org("Casa de la Raza", "US", "US-TX", "El Paso"),
	}
	for i := range append(more, 0)[0] {
		sigs = append(sigs, org(fmt.Sprintf("Organización número %d", i), "US", "US-TX", "San Antonio"))
	}
	return &printed.Statement{
		Statement: st, Coalition: "Red Migrante de Norteamérica", Logo: logo,
		URL:      "https://sign.example.org/s/carta-cumbre",
		Sections: printed.Sections(sigs, "es"),
		Words: printed.Words{
			Kind: "Carta abierta", AddressedTo: "Dirigida a", Occasion: "Ocasión",
			Dated: "Publicada el 3 de noviembre de 2026", Signatories: "Firmantes",
			Headline: "3 organizaciones de 3 estados en 3 países", OtherCountries: "Otros países",
			Page: "Página {page} de {pages}",
		},
	}
}

var spaceBeforePunctuation = regexp.MustCompile(` ([,.:;])`)

// pdfText is the text of each page of a PDF, read back with a PDF reader
// of its own (not the library that wrote it).
func pdfText(t *testing.T, data []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		text, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		// The reader puts a space wherever a new run of text starts, as
		// between a name and the city after it in another colour.
		text = spaceBeforePunctuation.ReplaceAllString(strings.Join(strings.Fields(text), " "), "$1")
		pages = append(pages, text)
	}
	return pages
}

func writePDF(t *testing.T, st *printed.Statement) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := printed.WritePDF(&buf, st); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output starts %q, not %%PDF-", buf.Bytes()[:min(buf.Len(), 16)])
	}
	return buf.Bytes()
}

func TestWritePDF(t *testing.T) {
	data := writePDF(t, sampleStatement(nil))
	pages := pdfText(t, data)
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1: %q", len(pages), pages)
	}
	text := pages[0]
	// In the order a reader meets them; the accents are read back from
	// the embedded font's own character map.
	want := []string{
		"Red Migrante de Norteamérica",
		"CARTA ABIERTA",
		"Carta a los líderes: ¿dónde está la niñez?",
		"Dirigida a Los líderes de América del Norte",
		"Ocasión Cumbre de Líderes de América del Norte",
		"Publicada el 3 de noviembre de 2026",
		"Estimados líderes de América del Norte:",
		"pedimos dignidad y justicia.",
		"Lo que pedimos",
		"1. Protección para las familias.",
		"2. Fin de las detenciones.",
		"Atentamente, La coalición",
		"Firmantes",
		"3 organizaciones de 3 estados en 3 países",
		"Estados Unidos 1", "Texas 1", "Casa de la Raza, El Paso",
		"México 1", "Chihuahua 1", "Asociación Pérez Muñoz, Ciudad Juárez",
		"Canadá 1", "Ontario 1", "Alianza Canadiense, Toronto",
		"https://sign.example.org/s/carta-cumbre",
		"Página 1 de 1",
	}
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Errorf("after %q, the PDF does not say %q", text[:at], w)
			continue
		}
		at += i + len(w)
	}
	// Markdown is typeset, not printed; raw HTML is left out as on the web
	// page; private fields never reach paper.
	for _, unwanted := range []string{"**", "##", "_América", "](", "script", "alert", "private@example.org", "Signer of", "approved", "import"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the PDF says %q", unwanted)
		}
	}
	if t.Failed() {
		t.Logf("text: %s", text)
	}

	for _, want := range []string{
		"/FontFile2",                          // the font is embedded, not named for the reader's computer to find
		"/ToUnicode",                          // and says which letter each glyph is, so ñ copies as ñ
		"/URI (https://example.org/dignidad)", // the link in the text works
		"/URI (https://sign.example.org/s/carta-cumbre)",
		"/Lang (es)",
	} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the PDF has no %s", want)
		}
	}
	if bytes.Contains(data, []byte("/Subtype /Image")) {
		t.Error("a PDF without a logo has an image")
	}
}

func TestWritePDF_Logo(t *testing.T) {
	logo, err := printed.NewLogo(testPNG(t))
	if err != nil {
		t.Fatal(err)
	}
	data := writePDF(t, sampleStatement(logo))
	if !bytes.Contains(data, []byte("/Subtype /Image")) {
		t.Error("the PDF has no image")
	}
	if text := pdfText(t, data)[0]; !strings.HasPrefix(text, "Red Migrante de Norteamérica") {
		t.Errorf("the letterhead does not open the PDF: %s", text)
	}
}

// TestWritePDF_Pages checks a long list runs onto further pages, each
// numbered, with the statement's address on every one.
func TestWritePDF_Pages(t *testing.T) {
	data := writePDF(t, sampleStatement(nil, 600))
	pages := pdfText(t, data)
	if len(pages) < 3 {
		t.Fatalf("%d pages for 603 signatories, want at least 3", len(pages))
	}
	for i, text := range pages {
		label := fmt.Sprintf("Página %d de %d", i+1, len(pages))
		if !strings.Contains(text, label) || !strings.Contains(text, "https://sign.example.org/s/carta-cumbre") {
			t.Errorf("page %d does not say %q and the address: %s", i+1, label, text)
		}
	}
	// Every signatory is printed once.
	all := strings.Join(pages, " ")
	for _, i := range []int{0, 1, 299, 599} {
		name := fmt.Sprintf("Organización número %d,", i)
		if n := strings.Count(all, name); n != 1 {
			t.Errorf("%q printed %d times", name, n)
		}
	}
	if n := len(regexp.MustCompile(`Organización número \d+,`).FindAllString(all, -1)); n != 600 {
		t.Errorf("%d numbered signatories printed, want 600", n)
	}
}

func TestWritePDF_NoSignatories(t *testing.T) {
	st := sampleStatement(nil)
	st.Sections = nil
	st.Words.Headline = ""
	st.Words.NoSignatories = "La lista de firmantes se hará pública con la declaración final."
	text := pdfText(t, writePDF(t, st))[0]
	if !strings.Contains(text, "Firmantes La lista de firmantes se hará pública con la declaración final.") || strings.Contains(text, "Casa de la Raza") {
		t.Errorf("text: %s", text)
	}
}

// TestWritePDF_LongWords checks text that cannot be broken between words
// (a pasted address, a name without spaces) stays on the page.
func TestWritePDF_LongWords(t *testing.T) {
	st := sampleStatement(nil)
	long := strings.Repeat("abcdefghij", 40)
	st.Body = "See https://example.org/" + long + " and " + strings.Repeat("x", 2000)
	st.Sections = printed.Sections([]*signon.Signature{org(strings.Repeat("Ñ", 190), "US", "US-TX", "")}, "es")
	text := strings.Join(pdfText(t, writePDF(t, st)), "")
	if got := strings.Count(strings.ReplaceAll(text, " ", ""), "abcdefghij"); got != 40 {
		t.Errorf("the long address is printed with %d of its 40 parts", got)
	}
	if got := strings.Count(text, "Ñ"); got != 190 {
		t.Errorf("the long name is printed with %d of its 190 letters", got)
	}
}

func BenchmarkWritePDF(b *testing.B) {
	for _, n := range []int{100, 3000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			st := sampleStatement(nil, n)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := printed.WritePDF(&buf, st); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/pdf")
		})
	}
}
