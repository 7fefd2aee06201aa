package printed

import (
	"strconv"
)

// The list of signatories is set in columns, like a newspaper's: each
// state's heading with its count, then its signatories, one after the
// other down a column and on to the next.

const (
	entryLeading = 1.3
	entryGap     = 0.9 // millimetres between two signatories
	groupGap     = 3.2 // above a state's heading, except at a column's top
)

// unit is what a column cannot split: one signatory, a state's heading
// with its first signatory, or a small state whole.
type unit struct {
	height float64
	gap    float64 // space above it unless it opens a column
	draw   func(x, y float64)
	// cont, when set, draws the unit's group heading again, lead high,
	// if the unit opens a column: a reader at the top of a column sees
	// whose signatories these are.
	cont func(x, y float64)
	lead float64
}

// keepTogether is the most signatories a state may have and still be
// kept in one column.
const keepTogether = 5

func (d *doc) signatories() {
	st, words := d.st, d.st.Words
	d.space(4)
	d.room(40)
	d.text([]span{{words.Signatories, style{font: "B", size: 15, color: ink}}}, d.left, d.width, 1.25)
	d.space(1)
	if words.Headline != "" {
		d.text([]span{{words.Headline, style{size: 10, color: muted}}}, d.left, d.width, 1.4)
	}
	d.space(3)
	if len(st.Sections) == 0 {
		if words.NoSignatories != "" {
			d.text([]span{{words.NoSignatories, style{font: "I", size: sizeBody, color: muted}}}, d.left, d.width, 1.45)
		}
		return
	}
	colW := (d.width - float64(columns-1)*columnGap) / columns
	if len(st.Lead) > 0 {
		lead := Section{Groups: []Group{{Name: words.Lead, Signatories: st.Lead}}}
		d.columns(d.units(lead, colW), colW)
		d.space(3)
	}
	for _, sec := range st.Sections {
		units := d.units(sec, colW)
		if st.Sectioned() {
			d.space(2)
			d.room(9 + units[0].height)
			d.sectionHeading(st.SectionName(sec), sec.Count())
		}
		d.columns(units, colW)
		d.space(3)
	}
}

// sectionHeading is a country's name and count across the page.
func (d *doc) sectionHeading(name string, count int) {
	head := style{font: "B", size: 11.5, color: ink}
	num := style{size: 10, color: muted}
	h := lineHeight(head.size, 1.3)
	y := d.pdf.GetY()
	n := strconv.Itoa(count)
	d.font(num)
	nw := d.pdf.GetStringWidth(n)
	lines := d.layout([]span{{name, head}}, d.width-nw-4)
	for i, l := range lines {
		d.drawLine(l, d.left, y+float64(i)*h, h)
	}
	d.font(num)
	d.pdf.SetXY(d.right-nw, y)
	d.pdf.CellFormat(nw, h, n, "", 0, "L", false, 0, "")
	y += float64(len(lines)) * h
	d.hrule(d.left, d.right, y+0.6, ink, 0.4)
	d.pdf.SetY(y + 3.2)
}

// units lays out a section's groups for columns colW wide.
func (d *doc) units(sec Section, colW float64) []unit {
	name := style{size: sizeSignatories, color: ink}
	detail := style{size: sizeSignatories, color: muted}
	head := style{font: "B", size: 8, color: accent}
	num := style{size: 8, color: muted}
	lh := lineHeight(sizeSignatories, entryLeading)
	headLH := lineHeight(head.size, 1.35)
	headH := headLH + 1.6

	// heading draws a group's name, and its count at the right.
	heading := func(x, y float64, label []span, count string) {
		d.font(num)
		cw := d.pdf.GetStringWidth(count)
		if l := d.layout(label, colW-cw-3); len(l) > 0 {
			d.drawLine(l[0], x, y, headLH)
		}
		d.font(num)
		d.pdf.SetXY(x+colW-cw, y)
		d.pdf.CellFormat(cw, headLH, count, "", 0, "L", false, 0, "")
		d.hrule(x, x+colW, y+headLH+0.3, rule, 0.3)
	}

	var out []unit
	for _, g := range sec.Groups {
		label, count := []span{{g.Name, head}}, strconv.Itoa(g.Count())
		entries := make([]unit, len(g.Signatories))
		for i, s := range g.Signatories {
			spans := []span{{s.Name, name}}
			if s.Detail != "" {
				spans = append(spans, span{", " + s.Detail, detail})
			}
			lines := d.layout(spans, colW)
			entries[i] = unit{height: float64(len(lines)) * lh, gap: entryGap, draw: func(x, y float64) {
				for j, l := range lines {
					d.drawLine(l, x, y+float64(j)*lh, lh)
				}
			}}
		}

		if g.KeepTogether() {
			u := unit{height: headH, gap: groupGap}
			for i, e := range entries {
				if i > 0 {
					u.height += entryGap
				}
				u.height += e.height
			}
			u.draw = func(x, y float64) {
				heading(x, y, label, count)
				y += headH
				for _, e := range entries {
					e.draw(x, y)
					y += e.height + entryGap
				}
			}
			out = append(out, u)
			continue
		}

		again := []span{{g.Name + " ", head}, {d.st.Words.Continued, style{font: "I", size: head.size, color: muted}}}
		for i, e := range entries {
			if i == 0 {
				entry := e.draw
				e.height += headH
				e.gap = groupGap
				e.draw = func(x, y float64) {
					heading(x, y, label, count)
					entry(x, y+headH)
				}
			} else {
				e.lead = headH
				e.cont = func(x, y float64) { heading(x, y, again, "") }
			}
			out = append(out, e)
		}
	}
	return out
}

// columns sets units in columns from the current position, page after
// page. Where they end on a page, the columns are balanced, so a short
// list does not run down one column and leave two empty.
func (d *doc) columns(units []unit, colW float64) {
	for len(units) > 0 {
		avail := d.bottom - d.pdf.GetY()
		if avail < 2*lineHeight(sizeSignatories, entryLeading)+8 {
			d.pdf.AddPage()
			d.pdf.SetY(d.top)
			avail = d.bottom - d.top
		}
		height := avail
		if _, rest := fill(units, height); len(rest) == 0 {
			height = balance(units, avail)
		}
		cols, rest := fill(units, height)
		y0, used := d.pdf.GetY(), 0.0
		for c, col := range cols {
			x, y := d.left+float64(c)*(colW+columnGap), y0
			for i, u := range col {
				switch {
				case i > 0:
					y += u.gap
				case u.cont != nil:
					u.cont(x, y)
					y += u.lead
				}
				u.draw(x, y)
				y += u.height
			}
			used = max(used, y-y0)
		}
		d.pdf.SetY(y0 + used)
		units = rest
		if len(units) > 0 {
			d.pdf.AddPage()
			d.pdf.SetY(d.top)
		}
	}
}

// fill puts units into columns of the given height in order and returns
// the columns and what did not fit. A unit taller than a column still
// gets one to itself, so the list always moves on.
func fill(units []unit, height float64) (cols [][]unit, rest []unit) {
	i := 0
	for range columns {
		var col []unit
		used := 0.0
		for i < len(units) {
			h := units[i].height
			if len(col) > 0 {
				h += units[i].gap
			} else {
				h += units[i].lead
			}
			if len(col) > 0 && used+h > height {
				break
			}
			col = append(col, units[i])
			used += h
			i++
		}
		cols = append(cols, col)
	}
	return cols, units[i:]
}

// balance finds the shortest column height, up to avail, at which all
// units fit.
func balance(units []unit, avail float64) float64 {
	total := 0.0
	for _, u := range units {
		total += u.height + min(u.gap, u.lead)
	}
	lo, hi := min(total/columns, avail), avail
	for range 30 {
		mid := (lo + hi) / 2
		if _, rest := fill(units, mid); len(rest) == 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
