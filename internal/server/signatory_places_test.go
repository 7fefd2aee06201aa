package server

import (
	"reflect"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestShadeBounds(t *testing.T) {
	tests := []struct {
		most int
		want []int
	}{
		{1, []int{1}},
		{2, []int{1, 2}},
		{3, []int{1, 2, 3}},
		{5, []int{1, 2, 3, 4, 5}},
		{8, []int{1, 2, 3, 4, 5}},
		{102, []int{1, 3, 6, 16, 40}},
		{1000, []int{1, 4, 16, 63, 251}},
		{100_000, []int{1, 10, 100, 1000, 10_000}},
	}
	for _, tt := range tests {
		if got := shadeBounds(tt.most); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("shadeBounds(%d) = %v, want %v", tt.most, got, tt.want)
		}
	}
}

func TestShadeOf(t *testing.T) {
	tests := []struct {
		count, most, want int
	}{
		{0, 1000, 0},
		{1, 1000, 1},
		{3, 1000, 1},
		{4, 1000, 2},
		{15, 1000, 2},
		{16, 1000, 3},
		{62, 1000, 3},
		{63, 1000, 4},
		{250, 1000, 4},
		{251, 1000, 5},
		{1000, 1000, 5},
		// With few counts, the most is still the darkest.
		{1, 1, 5},
		{1, 2, 4},
		{2, 2, 5},
		{1, 3, 3},
		{3, 3, 5},
	}
	for _, tt := range tests {
		if got := shadeOf(tt.count, shadeBounds(tt.most)); got != tt.want {
			t.Errorf("shadeOf(%d) with a most of %d = %d, want %d", tt.count, tt.most, got, tt.want)
		}
	}
}

// TestStateTiles checks the grid's data: one square for each state, DC
// and Puerto Rico, none for the other territories, each in its own cell
// of the grid.
func TestStateTiles(t *testing.T) {
	want := map[string]bool{}
	for _, r := range signon.RegionsOf("US") {
		want[r.Code] = true
	}
	for _, territory := range []string{"US-AS", "US-GU", "US-MP", "US-UM", "US-VI"} {
		delete(want, territory)
	}
	if len(want) != 52 {
		t.Fatalf("the catalog has %d states, DC and Puerto Rico, want 52", len(want))
	}
	cells := map[[2]int]string{}
	for _, tile := range stateTiles {
		if !want[tile.Region] {
			t.Errorf("%s: not a state, DC or Puerto Rico, or placed twice", tile.Region)
		}
		delete(want, tile.Region)
		if tile.Col < 0 || tile.Col >= tileCols || tile.Row < 0 || tile.Row >= tileRows {
			t.Errorf("%s at (%d, %d), outside the %d×%d grid", tile.Region, tile.Col, tile.Row, tileCols, tileRows)
		}
		cell := [2]int{tile.Col, tile.Row}
		if other, ok := cells[cell]; ok {
			t.Errorf("%s and %s share the cell (%d, %d)", other, tile.Region, tile.Col, tile.Row)
		}
		cells[cell] = tile.Region
	}
	for code := range want {
		t.Errorf("%s has no square", code)
	}
	// Spot checks of the arrangement: the corners and a few neighbours.
	at := map[string][2]int{}
	for _, tile := range stateTiles {
		at[strings.TrimPrefix(tile.Region, "US-")] = [2]int{tile.Col, tile.Row}
	}
	for state, cell := range map[string][2]int{"AK": {0, 0}, "ME": {10, 0}, "WA": {0, 2}, "HI": {0, 7}, "TX": {3, 7}, "FL": {8, 7}, "PR": {10, 7}, "DC": {8, 5}} {
		if at[state] != cell {
			t.Errorf("%s at %v, want %v", state, at[state], cell)
		}
	}
}
