package server

import (
	"math"
	"strconv"
	"strings"
)

// placeBreakdown is who signed by place, above the list: a tile map of
// the United States with the same numbers as a table, then lists of
// Mexico's states, Canada's provinces and the other countries.
type placeBreakdown struct {
	Map    *stateMap   // nil when no signatory is in the United States
	States []regionRow // the states, DC and territories with signatories, most first
	Lists  []placeList
}

// placeList is one country's states or provinces, or the countries
// without any, each a link that filters the list.
type placeList struct {
	ID    string // of the heading, for aria-labelledby
	Title string
	Rows  []regionRow
}

// stateMap is the tile map as the template draws it.
type stateMap struct {
	ViewBox string
	Tiles   []mapTile
	Legend  []legendStep
}

// mapTile is one square: its place in the drawing, its shade and the
// link that shows the state's signatories.
type mapTile struct {
	Label        string // the postal abbreviation, "TX"
	Title        string // the name and count, shown on hover
	URL          string
	Shade        int // 0 without signatories, else 1 to mapShades
	Current      bool
	X, Y         int
	TextX, TextY int
}

// legendStep is one shade of the map's key and the counts it stands for.
type legendStep struct {
	Shade int
	Label string
}

// mapShades is how many shades mark counts, darkest for the most.
const mapShades = 5

// shadeBounds returns the lowest count of each shade a map uses, given
// its largest count. Each shade covers a range a constant multiple of
// the one before (1, 4, 16, 63 and 251 when the most is 1,000), so a
// state with three signatories is told apart from one with one even when
// another has thousands. A map whose counts are few uses fewer shades,
// one per count.
func shadeBounds(most int) []int {
	bounds := []int{1}
	for k := 1; k < mapShades; k++ {
		b := max(int(math.Round(math.Pow(float64(most), float64(k)/mapShades))), bounds[k-1]+1)
		if b > most {
			break
		}
		bounds = append(bounds, b)
	}
	return bounds
}

// shadeOf is the shade of count on a map of the given bounds: 0 for none,
// and the darkest for the range holding the largest count, however few
// ranges there are.
func shadeOf(count int, bounds []int) int {
	if count <= 0 {
		return 0
	}
	i := len(bounds) - 1
	for i > 0 && count < bounds[i] {
		i--
	}
	return mapShades - (len(bounds) - 1 - i)
}

// placesOf arranges the counts by region and country already on the page
// (p.Regions, p.OtherCountries) for the map, the table and the lists.
// listURL makes the link that filters the list by a region.
func (p *statementPage) placesOf(listURL func(region, country string, page int) string) placeBreakdown {
	var out placeBreakdown
	byCountry := map[string][]regionRow{}
	for _, r := range p.Regions {
		country, _, _ := strings.Cut(r.Code, "-")
		byCountry[country] = append(byCountry[country], r)
	}
	out.States = byCountry["US"]
	if len(out.States) > 0 {
		out.Map = p.stateMapOf(out.States, listURL)
	}
	for _, country := range []string{"MX", "CA"} {
		if rows := byCountry[country]; len(rows) > 0 {
			out.Lists = append(out.Lists, placeList{ID: "places-" + strings.ToLower(country), Title: p.CountryName(country), Rows: rows})
		}
	}
	if len(p.OtherCountries) > 0 {
		other := placeList{ID: "places-other", Title: p.T("public.signatories.other_countries")}
		for _, c := range p.OtherCountries {
			other.Rows = append(other.Rows, regionRow{Code: c.Code, Name: c.Name, Count: c.Count, URL: c.URL, Current: c.Current})
		}
		out.Lists = append(out.Lists, other)
	}
	return out
}

// stateMapOf draws every square of stateTiles, shaded by the counts of
// states (the rows of the table).
func (p *statementPage) stateMapOf(states []regionRow, listURL func(region, country string, page int) string) *stateMap {
	counts := map[string]int{}
	most := 0
	current := ""
	for _, r := range states {
		counts[r.Code] = r.Count
		most = max(most, r.Count)
		if r.Current {
			current = r.Code
		}
	}
	bounds := shadeBounds(most)
	const pitch = tileSize + tileGap
	m := &stateMap{ViewBox: strconv.Itoa(-tileMargin) + " " + strconv.Itoa(-tileMargin) + " " +
		strconv.Itoa(tileCols*pitch-tileGap+2*tileMargin) + " " + strconv.Itoa(tileRows*pitch-tileGap+2*tileMargin)}
	for _, t := range stateTiles {
		n := counts[t.Region]
		name := p.RegionName(t.Region)
		title := p.T("map.tile_none", "Name", name)
		if n > 0 {
			title = p.T("map.tile", "Name", name, "Count", n)
		}
		x, y := t.Col*pitch, t.Row*pitch
		m.Tiles = append(m.Tiles, mapTile{
			Label: strings.TrimPrefix(t.Region, "US-"), Title: title, URL: listURL(t.Region, "", 1),
			Shade: shadeOf(n, bounds), Current: t.Region == current,
			X: x, Y: y, TextX: x + tileSize/2, TextY: y + tileSize/2,
		})
	}
	m.Legend = append(m.Legend, legendStep{Shade: 0, Label: p.T("map.legend_none")})
	for i, lo := range bounds {
		hi := most
		if i+1 < len(bounds) {
			hi = bounds[i+1] - 1
		}
		label := strconv.Itoa(lo)
		if hi > lo {
			label += "–" + strconv.Itoa(hi)
		}
		m.Legend = append(m.Legend, legendStep{Shade: shadeOf(lo, bounds), Label: label})
	}
	return m
}
