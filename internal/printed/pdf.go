package printed

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// The page, in millimetres: US Letter, the paper of the coalition's three
// countries, with margins wide enough for a binder.
const (
	marginX      = 25.0
	marginTop    = 18.0
	marginBottom = 22.0
	footerY      = 12.0 // from the bottom edge, the footer's baseline area
	ptToMM       = 25.4 / 72

	columns   = 3
	columnGap = 7.0
)

// The fonts are the Go fonts, compiled into the binary: nothing is
// downloaded, and they carry every accent Spanish needs.
const family = "go"

var (
	ink    = color{27, 31, 36}
	muted  = color{74, 82, 96}
	accent = color{13, 92, 82}
	rule   = color{211, 207, 198}
)

// Text sizes, in points.
const (
	sizeBody        = 11.0
	sizeTitle       = 21
	sizeSmall       = 8.5
	sizeSignatories = 8.5
)

// doc is a PDF being written.
type doc struct {
	pdf         *fpdf.Fpdf
	st          *Statement
	left, right float64 // x of the text's left and right edges
	top, bottom float64 // y of the text's top and bottom edges
	width       float64
	fonts       map[string]bool // the styles whose font is in the document
}

// WritePDF writes st to w as a PDF: the letterhead, the statement with
// its text, and the signatories by state in columns, with the page
// number and the statement's address at the foot of every page.
func WritePDF(w io.Writer, st *Statement) error {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pageW, pageH := pdf.GetPageSize()
	d := &doc{
		pdf: pdf, st: st,
		left: marginX, right: pageW - marginX, top: marginTop, bottom: pageH - marginBottom,
		width: pageW - 2*marginX,
		fonts: map[string]bool{},
	}
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetCellMargin(0)
	// Pages break where this code decides, so a heading stays with what
	// follows and a signatory is never split between columns.
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(d.footer)

	pdf.SetTitle(st.Title, true)
	pdf.SetAuthor(st.Coalition, true)
	if st.Summary != "" {
		pdf.SetSubject(st.Summary, true)
	}
	pdf.SetCreator("Signon", true)
	pdf.SetLang(st.Language)
	// The same statement makes the same file, whenever it is asked for.
	if t := st.dated(); !t.IsZero() {
		pdf.SetCreationDate(t)
		pdf.SetModificationDate(t)
	}
	if st.Logo != nil {
		pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: st.Logo.imageType()}, bytes.NewReader(st.Logo.data))
	}

	pdf.AddPage()
	d.letterhead()
	d.heading()
	if err := d.markdown(st.Body); err != nil {
		return err
	}
	d.signatories()
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("printed: write PDF: %w", err)
	}
	return nil
}

// dated is the moment the statement became final, or closed.
func (st *Statement) dated() time.Time {
	for _, t := range []*time.Time{st.PublishedAt, st.ClosedAt, st.ClosesAt} {
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// fontFiles are the Go fonts by fpdf's style names.
var fontFiles = map[string][]byte{"": goregular.TTF, "B": gobold.TTF, "I": goitalic.TTF, "BI": gobolditalic.TTF}

// font makes s the current style. A font is added to the document when
// first used: each one costs reading the font file, and a letter without
// italics need not carry them.
func (d *doc) font(s style) {
	if !d.fonts[s.font] {
		d.pdf.AddUTF8FontFromBytes(family, s.font, fontFiles[s.font])
		d.fonts[s.font] = true
	}
	font := s.font
	if s.link != "" {
		font += "U"
	}
	d.pdf.SetFont(family, font, s.size)
	d.pdf.SetTextColor(s.color.r, s.color.g, s.color.b)
}

// lineHeight is the distance between lines of text of size points.
func lineHeight(size, leading float64) float64 { return size * ptToMM * leading }

// room starts a new page unless h millimetres fit above the bottom margin.
func (d *doc) room(h float64) {
	if d.pdf.GetY()+h > d.bottom {
		d.pdf.AddPage()
		d.pdf.SetY(d.top)
	}
}

// text lays out spans in the column from x, width wide, breaking pages
// between lines.
func (d *doc) text(spans []span, x, width, leading float64) {
	size := sizeBody
	if len(spans) > 0 {
		size = spans[0].size
	}
	h := lineHeight(size, leading)
	for _, l := range d.layout(spans, width) {
		d.room(h)
		y := d.pdf.GetY()
		d.drawLine(l, x, y, h)
		d.pdf.SetY(y + h)
	}
}

func (d *doc) space(h float64) { d.pdf.SetY(d.pdf.GetY() + h) }

func (d *doc) hrule(x1, x2, y float64, c color, width float64) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y, x2, y)
}

// letterhead is the coalition's logo and name over a rule.
func (d *doc) letterhead() {
	x, y := d.left, d.top
	logoH := 0.0
	if logo := d.st.Logo; logo != nil {
		h, w := 16.0, 16.0*float64(logo.width)/float64(logo.height)
		if w > 60 {
			w, h = 60, 60*float64(logo.height)/float64(logo.width)
		}
		d.pdf.ImageOptions("logo", x, y, w, h, false, fpdf.ImageOptions{ImageType: logo.imageType()}, 0, "")
		x += w + 5
		logoH = h
	}
	name := style{font: "B", size: 14, color: accent}
	lh := lineHeight(name.size, 1.25)
	lines := d.layout([]span{{d.st.Coalition, name}}, d.right-x)
	nameH := float64(len(lines)) * lh
	ny := y + max(0, (logoH-nameH)/2)
	for i, l := range lines {
		d.drawLine(l, x, ny+float64(i)*lh, lh)
	}
	y += max(logoH, nameH) + 4
	d.hrule(d.left, d.right, y, accent, 0.6)
	d.pdf.SetY(y + 9)
}

// heading is the kind of statement, its title, whom it addresses, the
// occasion and its date.
func (d *doc) heading() {
	st, words := d.st, d.st.Words
	if words.Kind != "" {
		d.text([]span{{strings.ToUpper(words.Kind), style{font: "B", size: sizeSmall, color: muted}}}, d.left, d.width, 1.4)
		d.space(1.5)
	}
	d.text([]span{{st.Title, style{font: "B", size: sizeTitle, color: ink}}}, d.left, d.width, 1.2)
	d.space(4)

	label := style{font: "B", size: 9.5, color: muted}
	value := style{size: 9.5, color: ink}
	fact := func(name, v string) {
		if v == "" {
			return
		}
		d.text([]span{{name + "  ", label}, {v, value}}, d.left, d.width, 1.45)
		d.space(0.8)
	}
	fact(words.AddressedTo, st.AddressedTo)
	fact(words.Occasion, st.Occasion)
	fact(words.RespondsTo, st.RespondsTo)
	if words.Dated != "" {
		d.text([]span{{words.Dated, value}}, d.left, d.width, 1.45)
	}
	if words.Note != "" {
		d.space(0.8)
		d.text([]span{{words.Note, style{font: "I", size: 9.5, color: muted}}}, d.left, d.width, 1.45)
	}
	if words.Cover != "" {
		d.space(0.8)
		d.text([]span{{words.Cover, style{font: "B", size: 9.5, color: ink}}}, d.left, d.width, 1.45)
	}
	for _, line := range words.Delivered {
		d.space(0.8)
		d.text([]span{{line, value}}, d.left, d.width, 1.45)
	}
	d.space(4)
	d.hrule(d.left, d.left+30, d.pdf.GetY(), rule, 0.4)
	d.space(7)
}

// footer puts the statement's address and the page number at the foot
// of each page, so a page found alone still leads to the full list.
func (d *doc) footer() {
	_, pageH := d.pdf.GetPageSize()
	y := pageH - footerY
	d.hrule(d.left, d.right, y-3, rule, 0.3)
	small := style{size: 8, color: muted}
	page := d.pageText()
	d.font(small)
	// The page count is only known at the end, after this is drawn; it is
	// measured as if it had as many digits as this page's number, which
	// the Go fonts draw all the same width.
	pw := d.pdf.GetStringWidth(strings.ReplaceAll(page, "{nb}", strings.Repeat("0", len(strconv.Itoa(d.pdf.PageNo())))))
	if d.st.URL != "" {
		link := small
		link.link = d.st.URL
		l := d.layout([]span{{d.st.URL, link}}, d.width-pw-8)
		if len(l) > 0 {
			d.drawLine(l[0], d.left, y-1, 4)
		}
	}
	d.font(small)
	d.pdf.SetXY(d.right-pw, y-1)
	d.pdf.CellFormat(pw, 4, page, "", 0, "L", false, 0, "")
}

// pageText numbers the current page; "{nb}" becomes the page count when
// the document is finished.
func (d *doc) pageText() string {
	label := d.st.Words.Page
	if label == "" {
		label = "{page} / {pages}"
	}
	return strings.NewReplacer("{page}", strconv.Itoa(d.pdf.PageNo()), "{pages}", "{nb}").Replace(label)
}
