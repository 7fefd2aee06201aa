package printed

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// style is how a run of text looks.
type style struct {
	font  string  // "", "B", "I" or "BI"
	size  float64 // points
	color color
	link  string // an address to open when the text is clicked, underlined
}

type color struct{ r, g, b int }

// span is text in one style; "\n" in it breaks the line.
type span struct {
	text string
	style
}

// word is the unit lines are broken between.
type word struct {
	text        string
	style       style
	width       float64
	space       float64 // width of a space before it, in its style
	spaceBefore bool
	newline     bool // a forced line break, not a word
}

// line is a laid-out line of words.
type line struct {
	words []word
	width float64
}

// printable replaces the characters beyond the Basic Multilingual
// Plane, such as emoji, with U+FFFD: the PDF library's Unicode fonts map
// only that plane and panic on the others, and the Go fonts have no
// glyphs there anyway. A signatory named "🌎 Red" prints as "� Red".
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return utf8.RuneError
		}
		return r
	}, s)
}

// layout breaks spans into lines at most width wide. It is linear in the
// length of the text (the PDF library's own Write is quadratic in the
// length of a paragraph, which a long letter would feel).
func (d *doc) layout(spans []span, width float64) []line {
	var words []word
	pendingSpace := false
	for _, sp := range spans {
		d.font(sp.style)
		space := d.pdf.GetStringWidth(" ")
		rest := sp.text
		for rest != "" {
			r, size := utf8.DecodeRuneInString(rest)
			switch {
			case r == '\n':
				words = append(words, word{newline: true})
				pendingSpace = false
				rest = rest[size:]
				continue
			case unicode.IsSpace(r):
				pendingSpace = true
				rest = rest[size:]
				continue
			}
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			text := printable(rest[:end])
			rest = rest[end:]
			words = append(words, word{text: text, style: sp.style, width: d.pdf.GetStringWidth(text),
				space: space, spaceBefore: pendingSpace})
			pendingSpace = false
		}
	}

	var lines []line
	var cur line
	flush := func() {
		lines = append(lines, cur)
		cur = line{}
	}
	for _, w := range words {
		if w.newline {
			flush()
			continue
		}
		add := w.width
		if len(cur.words) > 0 && w.spaceBefore {
			add += w.space
		}
		if len(cur.words) > 0 && cur.width+add > width {
			flush()
			add = w.width
		}
		if len(cur.words) == 0 && w.width > width {
			// A word wider than the column (a long address) is cut where it
			// must be, rather than running off the page.
			for _, piece := range d.cut(w, width) {
				if len(cur.words) > 0 {
					flush()
				}
				cur.words, cur.width = append(cur.words, piece), piece.width
			}
			continue
		}
		cur.words = append(cur.words, w)
		cur.width += add
	}
	if len(cur.words) > 0 {
		flush()
	}
	return lines
}

// cut splits w into pieces no wider than width. The PDF library adds up
// the widths of characters, so adding them one at a time measures the
// same.
func (d *doc) cut(w word, width float64) []word {
	d.font(w.style)
	var out []word
	start, acc := 0, 0.0
	for i, r := range w.text {
		cw := d.pdf.GetStringWidth(string(r))
		if i > start && acc+cw > width {
			piece := w
			piece.text, piece.width, piece.spaceBefore = w.text[start:i], acc, len(out) == 0 && w.spaceBefore
			out = append(out, piece)
			start, acc = i, 0
		}
		acc += cw
	}
	piece := w
	piece.text, piece.width, piece.spaceBefore = w.text[start:], acc, len(out) == 0 && w.spaceBefore
	return append(out, piece)
}

// drawLine draws l with its top-left corner at x, y. Words in the same
// style go out as one piece of text, spaces included, so the PDF reads,
// searches and copies as sentences.
func (d *doc) drawLine(l line, x, y, height float64) {
	i := 0
	for i < len(l.words) {
		st := l.words[i].style
		var b strings.Builder
		// A space between two styles goes with the one that is not a link,
		// so no underline starts or ends with it.
		if i > 0 && l.words[i].spaceBefore && l.words[i-1].style.link != "" {
			b.WriteByte(' ')
		}
		j := i
		for ; j < len(l.words) && l.words[j].style == st; j++ {
			if j > i && l.words[j].spaceBefore {
				b.WriteByte(' ')
			}
			b.WriteString(l.words[j].text)
		}
		if j < len(l.words) && l.words[j].spaceBefore && st.link == "" {
			b.WriteByte(' ')
		}
		d.font(st)
		text := b.String()
		w := d.pdf.GetStringWidth(text)
		d.pdf.SetXY(x, y)
		d.pdf.CellFormat(w, height, text, "", 0, "L", false, 0, st.link)
		x += w
		i = j
	}
}
