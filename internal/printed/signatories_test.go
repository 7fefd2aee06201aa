package printed

import (
	"reflect"
	"testing"
)

// heights is the units' heights, column by column.
func heights(cols [][]unit) [][]float64 {
	out := [][]float64{}
	for _, col := range cols {
		hs := []float64{}
		for _, u := range col {
			hs = append(hs, u.height)
		}
		out = append(out, hs)
	}
	return out
}

func units(gap float64, hs ...float64) []unit {
	out := make([]unit, len(hs))
	for i, h := range hs {
		out[i] = unit{height: h, gap: gap}
	}
	return out
}

func TestFill(t *testing.T) {
	tests := []struct {
		name   string
		units  []unit
		height float64
		want   [][]float64
		rest   int
	}{
		{"AllInFirst", units(1, 2, 2, 2), 20, [][]float64{{2, 2, 2}, {}, {}}, 0},
		// The gap counts between units, not above a column's first.
		{"GapBetweenOnly", units(1, 4, 4, 4, 4), 9, [][]float64{{4, 4}, {4, 4}, {}}, 0},
		{"Overflow", units(0, 5, 5, 5, 5, 5), 5, [][]float64{{5}, {5}, {5}}, 2},
		// A unit taller than the column still moves the list on.
		{"TallUnit", units(0, 12, 1), 10, [][]float64{{12}, {1}, {}}, 0},
		// A unit that opens a column mid-group brings its group's heading.
		{"Lead", []unit{{height: 2, gap: 1}, {height: 2, gap: 1, lead: 3}, {height: 2, gap: 1, lead: 3}}, 5, [][]float64{{2, 2}, {2}, {}}, 0},
		{"LeadDoesNotFit", []unit{{height: 2, gap: 1}, {height: 2, gap: 1, lead: 3}, {height: 2, gap: 1, lead: 4}}, 5, [][]float64{{2, 2}, {2}, {}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, rest := fill(tt.units, tt.height)
			if got := heights(cols); !reflect.DeepEqual(got, tt.want) || len(rest) != tt.rest {
				t.Errorf("fill = %v, %d left; want %v, %d left", got, len(rest), tt.want, tt.rest)
			}
		})
	}
}

func TestBalance(t *testing.T) {
	tests := []struct {
		name  string
		units []unit
		avail float64
		want  [][]float64
	}{
		// Nine equal units on a page with room for all in one column
		// make three columns of three.
		{"Even", units(0, 3, 3, 3, 3, 3, 3, 3, 3, 3), 200, [][]float64{{3, 3, 3}, {3, 3, 3}, {3, 3, 3}}},
		{"Uneven", units(0, 4, 1, 1, 1, 1, 1, 2), 200, [][]float64{{4}, {1, 1, 1, 1}, {1, 2}}},
		// When the list only just fits, the columns are as tall as the
		// page allows.
		{"Short", units(0, 3, 3, 3, 3), 6, [][]float64{{3, 3}, {3, 3}, {}}},
		{"Two", units(0, 3, 3), 200, [][]float64{{3}, {3}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := balance(tt.units, tt.avail)
			cols, rest := fill(tt.units, h)
			if got := heights(cols); !reflect.DeepEqual(got, tt.want) || len(rest) != 0 {
				t.Errorf("balanced at %.2f: %v, %d left; want %v", h, got, len(rest), tt.want)
			}
		})
	}
}
