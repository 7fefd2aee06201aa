package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/ledongthuc/pdf"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// emblem is a logo such as a coalition has: a round green seal.
func emblem(t *testing.T) *printed.Logo {
	t.Helper()
	const size = 256
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			dx, dy := float64(x)-size/2+.5, float64(y)-size/2+.5
			r := dx*dx + dy*dy
			switch {
			case r < 80*80 && dy > 20*dx/80-10 && dy < 20*dx/80+14:
				img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 255})
			case r < 96*96:
				img.SetNRGBA(x, y, color.NRGBA{13, 92, 82, 255})
			case r < 104*104:
				img.SetNRGBA(x, y, color.NRGBA{255, 255, 255, 0})
			case r < 120*120:
				img.SetNRGBA(x, y, color.NRGBA{13, 92, 82, 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	logo, err := printed.NewLogo(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return logo
}

const summitBody = `Presidenta Sheinbaum, Presidente, Primer Ministro:

Las organizaciones abajo firmantes, **56 organizaciones lideradas por personas migrantes** en 18 estados, y aliadas de la sociedad civil, nos dirigimos a ustedes con motivo de la Cumbre de Líderes de América del Norte.

Cada día, familias enteras cruzan nuestras fronteras huyendo de la violencia, la pobreza y el cambio climático. Nuestras comunidades las reciben, las acompañan y les dan trabajo; _pedimos_ que los tres gobiernos hagan lo mismo.

## Lo que pedimos

1. Vías legales y seguras de migración, con protección para la niñez y las familias.
2. El fin de la detención de personas solicitantes de asilo.
3. Acceso a la salud, la educación y la justicia sin importar el estatus migratorio.

Les pedimos que escuchen a quienes viven estas políticas en carne propia.

Atentamente,  
Las organizaciones firmantes`

// printSummitLetter publishes a letter like the coalition's, in Spanish,
// signed across the three countries and beyond.
func printSummitLetter(t *testing.T, app *testApp) *signon.Statement {
	t.Helper()
	st := app.openStatement(t, "carta-cumbre-2026", func(s *signon.Statement) {
		s.Language = "es"
		s.Title = "Carta a los líderes de América del Norte"
		s.Summary = "Organizaciones migrantes piden vías seguras y dignidad."
		s.Body = summitBody
		s.AddressedTo = "Presidenta Claudia Sheinbaum, Presidente de los Estados Unidos y Primer Ministro de Canadá"
		s.Occasion = "Cumbre de Líderes de América del Norte, 2026"
	})
	var sigs []pubSignature
	add := func(country, region, city string, orgs ...string) {
		for _, o := range orgs {
			sigs = append(sigs, pubSignature{Org: o, Country: country, Region: region, City: city})
		}
	}
	add("US", "US-TX", "El Paso", "Casa de la Raza", "Border Network for Human Rights", "Annunciation House", "La Unión del Pueblo Entero")
	add("US", "US-TX", "San Antonio", "RAICES", "Mujeres Unidas de San Antonio")
	add("US", "US-CA", "Los Angeles", "CHIRLA", "Instituto de Educación Popular del Sur de California", "Pueblo y Salud")
	add("US", "US-AZ", "Tucson", "Coalición de Derechos Humanos", "Puente Arizona")
	add("US", "US-NM", "Albuquerque", "El CENTRO de Igualdad y Derechos", "Somos un Pueblo Unido")
	add("US", "US-IL", "Chicago", "Centro Romero", "Organized Communities Against Deportations")
	add("US", "US-NY", "New York", "Make the Road New York", "La Colmena")
	add("US", "US-NC", "Durham", "Siembra NC")
	add("US", "US-GA", "Atlanta", "Georgia Latino Alliance for Human Rights")
	add("MX", "MX-CHH", "Ciudad Juárez", "Red Mexicana de Organizaciones Migrantes", "Asociación Pérez Muñoz", "Casa del Migrante en Ciudad Juárez")
	add("MX", "MX-BCN", "Tijuana", "Al Otro Lado", "Espacio Migrante", "Madres y Familias Deportadas en Acción")
	add("MX", "MX-OAX", "Oaxaca", "Centro de Derechos Humanos Indígenas Flor y Canto")
	add("MX", "MX-JAL", "Guadalajara", "FM4 Paso Libre")
	add("CA", "CA-ON", "Toronto", "FCJ Refugee Centre", "Migrant Workers Alliance for Change")
	add("CA", "CA-QC", "Montréal", "Solidarité sans frontières")
	add("GT", "", "Ciudad de Guatemala", "Pastoral de Movilidad Humana")
	add("SV", "", "San Salvador", "Asociación Salvadoreña de Migrantes Retornados")
	pubSeed(t, app, st, sigs...)
	return pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)
}

// TestBrowser_PrintStatement opens the published statement's print page
// from the statement, on a laptop and a phone, prints it as Chromium
// would to paper, and saves the PDF Signon makes, so a person can look
// at all four.
func TestBrowser_PrintStatement(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(cfg *server.Config) {
			cfg.Coalition = "Red de Organizaciones Migrantes de Norteamérica"
			cfg.Logo = emblem(t)
		})
		printSummitLetter(t, app)
		ctx := newBrowser(t)

		run(t, ctx, "open the print page from the statement",
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(app.URL+"/s/carta-cumbre-2026?lang=es"),
			chromedp.Click(`.print-links a[href*="/print?"]`, chromedp.ByQuery),
			chromedp.WaitVisible(".sheet", chromedp.ByQuery),
			// print.js shows the button that opens the print dialog.
			chromedp.WaitVisible("button.print-now", chromedp.ByQuery),
		)
		var logoWidth int
		run(t, ctx, "letterhead logo loaded",
			chromedp.Evaluate(`document.querySelector(".letterhead-logo").naturalWidth`, &logoWidth))
		if logoWidth != 256 {
			t.Errorf("the letterhead's logo is %d pixels wide, want the 256 of the configured one", logoWidth)
		}
		if got := textOf(t, ctx, ".letterhead-name"); got != "Red de Organizaciones Migrantes de Norteamérica" {
			t.Errorf("letterhead says %q", got)
		}
		screenshot(t, ctx, "print-page")

		// On paper: the sheet alone, the list in three columns.
		var onPaper struct {
			Tools, Header string
			Columns       string
		}
		run(t, ctx, "print layout",
			emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Evaluate(`({
				Tools: getComputedStyle(document.querySelector(".print-tools")).display,
				Header: getComputedStyle(document.querySelector("header.site")).display,
				Columns: getComputedStyle(document.querySelector(".print-groups")).columnCount,
			})`, &onPaper),
			emulation.SetEmulatedMedia().WithMedia(""),
		)
		if onPaper.Tools != "none" || onPaper.Header != "none" || onPaper.Columns != "3" {
			t.Errorf("printed, the tools are %q, the site header %q and the list has %q columns; want none, none, 3",
				onPaper.Tools, onPaper.Header, onPaper.Columns)
		}

		var printedPDF []byte
		run(t, ctx, "print to PDF", chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			printedPDF, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
			return err
		}))
		pages, text := browserPDF(t, printedPDF)
		if pages < 1 || pages > 3 {
			t.Errorf("the print layout makes %d pages, want 1 to 3", pages)
		}
		for _, want := range []string{"Carta a los líderes de América del Norte", "Firmantes", "Asociación Pérez Muñoz"} {
			if !strings.Contains(text, want) {
				t.Errorf("printed, the page does not say %q", want)
			}
		}
		if strings.Contains(text, "Descargar PDF") {
			t.Error("the print tools are printed")
		}
		save(t, "print.pdf", printedPDF)

		run(t, ctx, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload(),
			chromedp.WaitVisible(".sheet", chromedp.ByQuery))
		var overflow bool
		run(t, ctx, "fits the phone", chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow))
		if overflow {
			t.Error("the print page is wider than a phone's screen")
		}
		screenshot(t, ctx, "print-page-phone")

		// The PDF Signon makes, and its first page as a picture.
		res := app.client(t).get("/s/carta-cumbre-2026/statement.pdf?lang=es")
		pubStatus(t, res, 200)
		file := save(t, "statement.pdf", []byte(res.Body))
		pdfPicture(t, file)
	})
}

// browserPDF counts the pages of a PDF and reads its text.
func browserPDF(t *testing.T, data []byte) (pages int, text string) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 64)])
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		s, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		b.WriteString(s)
	}
	return r.NumPage(), strings.Join(strings.Fields(b.String()), " ")
}

// save writes data next to the screenshots and returns its path.
func save(t *testing.T, name string, data []byte) string {
	t.Helper()
	file := filepath.Join(screenshotDir(t), strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()+"-"+name))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("saved: %s", file)
	return file
}

// pdfPicture turns the first page of the PDF at file into a PNG beside
// it, with poppler's pdftoppm where it is installed.
func pdfPicture(t *testing.T, file string) {
	t.Helper()
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Log("pdftoppm not found (Debian: apt-get install poppler-utils); the PDF is not turned into a picture")
		return
	}
	out := strings.TrimSuffix(file, ".pdf") + "-page1"
	if msg, err := exec.Command(tool, "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", file, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, msg)
	}
	t.Logf("screenshot: %s.png", out)
}
