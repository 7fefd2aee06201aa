package printed

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownParser reads statement bodies with the extensions the web page
// renders them with, so the PDF has the same paragraphs, lists and links.
var markdownParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)).Parser()

// markdown lays out the statement's text. Raw HTML is left out, as the
// web page leaves it out.
func (d *doc) markdown(src string) error {
	source := []byte(src)
	root := markdownParser.Parse(text.NewReader(source))
	d.blocks(root, source, 0, ink)
	return d.pdf.Error()
}

const listIndent = 6.5 // millimetres from a list's marker to its text

func (d *doc) blocks(parent ast.Node, src []byte, indent float64, c color) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		d.block(n, src, indent, c)
	}
}

func (d *doc) block(n ast.Node, src []byte, indent float64, c color) {
	x, width := d.left+indent, d.width-indent
	body := style{size: sizeBody, color: c}
	switch n := n.(type) {
	case *ast.Heading:
		size := map[int]float64{1: 15, 2: 13, 3: 11.5}[n.Level]
		if size == 0 {
			size = sizeBody
		}
		d.space(2.5)
		// A heading at the foot of a page with its text overleaf reads as
		// a mistake: keep it with two lines of what follows.
		d.room(lineHeight(size, 1.25) + 2*lineHeight(sizeBody, 1.45))
		d.text(d.inlines(n, src, style{font: "B", size: size, color: ink}), x, width, 1.25)
		d.space(1.8)
	case *ast.Paragraph:
		d.text(d.inlines(n, src, body), x, width, 1.45)
		d.space(2.8)
	case *ast.TextBlock: // a tight list item's text
		d.text(d.inlines(n, src, body), x, width, 1.45)
		d.space(0.8)
	case *ast.List:
		d.list(n, src, indent, c)
	case *ast.Blockquote:
		d.blocks(n, src, indent+listIndent, muted)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			line := strings.TrimRight(string(seg.Value(src)), "\r\n")
			d.text([]span{{line, style{size: 9.5, color: muted}}}, x+listIndent, width-listIndent, 1.4)
		}
		d.space(2.8)
	case *ast.ThematicBreak:
		d.space(2)
		mid := x + width/2
		d.hrule(mid-15, mid+15, d.pdf.GetY(), rule, 0.4)
		d.space(5)
	case *east.Table:
		d.table(n, src, x, width)
	case *ast.HTMLBlock:
	default:
		d.blocks(n, src, indent, c)
	}
}

func (d *doc) list(l *ast.List, src []byte, indent float64, c color) {
	num := l.Start
	marker := "•"
	if indent > 0 {
		marker = "–"
	}
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		m := marker
		if l.IsOrdered() {
			m = strconv.Itoa(num) + string(l.Marker)
			num++
		}
		h := lineHeight(sizeBody, 1.45)
		// The marker goes where the item's first line will be, so that line
		// must not be pushed to the next page.
		d.room(h)
		d.drawLine(d.layout([]span{{m, style{size: sizeBody, color: c}}}, listIndent)[0], d.left+indent, d.pdf.GetY(), h)
		d.blocks(item, src, indent+listIndent, c)
	}
	if indent == 0 {
		d.space(2)
	}
}

// table prints each row as a line, the cells set apart: a letter's table
// is a few rows, and ruled cells would not survive a narrow column.
func (d *doc) table(t *east.Table, src []byte, x, width float64) {
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		base := style{size: 9.5, color: ink}
		if _, head := row.(*east.TableHeader); head {
			base.font = "B"
		}
		var spans []span
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			if len(spans) > 0 {
				spans = append(spans, span{"  ·  ", style{size: 9.5, color: muted}})
			}
			spans = append(spans, d.inlines(cell, src, base)...)
		}
		d.text(spans, x, width, 1.45)
		d.space(1)
	}
	d.space(2)
}

// inlines turns the inline content of n into styled spans.
func (d *doc) inlines(n ast.Node, src []byte, base style) []span {
	var out []span
	var walk func(n ast.Node, st style)
	walk = func(n ast.Node, st style) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Value(src)
				if !c.IsRaw() {
					v = unescape(v)
				}
				out = append(out, span{string(v), st})
				switch {
				case c.HardLineBreak():
					out = append(out, span{"\n", st})
				case c.SoftLineBreak():
					out = append(out, span{" ", st})
				}
			case *ast.String:
				out = append(out, span{string(c.Value), st})
			case *ast.Emphasis:
				walk(c, emphasize(st, c.Level))
			case *ast.Link:
				walk(c, linked(st, string(c.Destination)))
			case *ast.AutoLink:
				url := string(c.URL(src))
				if c.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
					url = "mailto:" + url
				}
				out = append(out, span{string(c.Label(src)), linked(st, url)})
			case *ast.RawHTML:
			default: // code spans, strikethrough, an image's description
				walk(c, st)
			}
		}
	}
	walk(n, base)
	return out
}

func emphasize(st style, level int) style {
	add := "I"
	if level >= 2 {
		add = "B"
	}
	if !strings.Contains(st.font, add) {
		// fpdf names the bold italic style "BI", in that order.
		st.font = map[string]string{"": add, "B": "B" + add, "I": "B" + "I"}[st.font]
	}
	return st
}

// linked makes st a link to url, if url is one a reader may safely
// follow; the web page's sanitizer allows the same schemes.
func linked(st style, url string) style {
	lower := strings.ToLower(strings.TrimSpace(url))
	for _, scheme := range []string{"https://", "http://", "mailto:"} {
		if strings.HasPrefix(lower, scheme) {
			st.link, st.color = strings.TrimSpace(url), accent
			return st
		}
	}
	return st
}

// unescape resolves backslash escapes and character references, as
// goldmark's HTML writer does.
func unescape(v []byte) []byte {
	if !bytes.ContainsAny(v, `\&`) {
		return v
	}
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
}
