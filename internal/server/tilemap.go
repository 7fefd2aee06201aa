package server

// stateTile places one square of the tile-grid map of the United States:
// every state the same size, so Rhode Island counts as much as Texas,
// laid out roughly where the state is.
type stateTile struct {
	Region   string // ISO 3166-2
	Col, Row int
}

// stateTiles is the usual tile-grid arrangement of the 50 states and DC,
// eleven columns by eight rows, with Puerto Rico out to sea beyond
// Florida. The other territories have no square; the table beside the
// map lists them.
var stateTiles = [...]stateTile{
	{"US-AK", 0, 0}, {"US-ME", 10, 0},
	{"US-WI", 5, 1}, {"US-VT", 9, 1}, {"US-NH", 10, 1},
	{"US-WA", 0, 2}, {"US-ID", 1, 2}, {"US-MT", 2, 2}, {"US-ND", 3, 2}, {"US-MN", 4, 2},
	{"US-IL", 5, 2}, {"US-MI", 6, 2}, {"US-NY", 8, 2}, {"US-MA", 9, 2},
	{"US-OR", 0, 3}, {"US-NV", 1, 3}, {"US-WY", 2, 3}, {"US-SD", 3, 3}, {"US-IA", 4, 3},
	{"US-IN", 5, 3}, {"US-OH", 6, 3}, {"US-PA", 7, 3}, {"US-NJ", 8, 3}, {"US-CT", 9, 3}, {"US-RI", 10, 3},
	{"US-CA", 0, 4}, {"US-UT", 1, 4}, {"US-CO", 2, 4}, {"US-NE", 3, 4}, {"US-MO", 4, 4},
	{"US-KY", 5, 4}, {"US-WV", 6, 4}, {"US-VA", 7, 4}, {"US-MD", 8, 4}, {"US-DE", 9, 4},
	{"US-AZ", 1, 5}, {"US-NM", 2, 5}, {"US-KS", 3, 5}, {"US-AR", 4, 5}, {"US-TN", 5, 5},
	{"US-NC", 6, 5}, {"US-SC", 7, 5}, {"US-DC", 8, 5},
	{"US-OK", 3, 6}, {"US-LA", 4, 6}, {"US-MS", 5, 6}, {"US-AL", 6, 6}, {"US-GA", 7, 6},
	{"US-HI", 0, 7}, {"US-TX", 3, 7}, {"US-FL", 8, 7}, {"US-PR", 10, 7},
}

// The grid's size and the drawing's, in SVG units: each square is
// tileSize across with tileGap between, and the drawing has room around
// it for the outline of the chosen state.
const (
	tileCols   = 11
	tileRows   = 8
	tileSize   = 40
	tileGap    = 4
	tileMargin = 3
)
