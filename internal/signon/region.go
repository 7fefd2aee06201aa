package signon

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Region is a first-level subdivision (ISO 3166-2) that signatures are grouped by.
type Region struct {
	Code    string // ISO 3166-2, e.g. "US-TX", "MX-CHH", "CA-ON"
	Country string // ISO 3166-1 alpha-2, e.g. "US"
	NameEN  string
	NameES  string
}

// Name returns the region name in lang; only Spanish and English are kept,
// since those are the languages the coalitions publish in.
func (r Region) Name(lang string) string {
	if lang == "es" {
		return r.NameES
	}
	return r.NameEN
}

// regions is kept in Go rather than loaded from a file so the binary is
// self-contained and a typo in a code fails the tests, not a request.
var regions = []Region{
	// United States: states, DC and the territories that have US-* codes.
	{"US-AL", "US", "Alabama", "Alabama"},
	{"US-AK", "US", "Alaska", "Alaska"},
	{"US-AZ", "US", "Arizona", "Arizona"},
	{"US-AR", "US", "Arkansas", "Arkansas"},
	{"US-CA", "US", "California", "California"},
	{"US-CO", "US", "Colorado", "Colorado"},
	{"US-CT", "US", "Connecticut", "Connecticut"},
	{"US-DE", "US", "Delaware", "Delaware"},
	{"US-FL", "US", "Florida", "Florida"},
	{"US-GA", "US", "Georgia", "Georgia"},
	{"US-HI", "US", "Hawaii", "Hawái"},
	{"US-ID", "US", "Idaho", "Idaho"},
	{"US-IL", "US", "Illinois", "Illinois"},
	{"US-IN", "US", "Indiana", "Indiana"},
	{"US-IA", "US", "Iowa", "Iowa"},
	{"US-KS", "US", "Kansas", "Kansas"},
	{"US-KY", "US", "Kentucky", "Kentucky"},
	{"US-LA", "US", "Louisiana", "Luisiana"},
	{"US-ME", "US", "Maine", "Maine"},
	{"US-MD", "US", "Maryland", "Maryland"},
	{"US-MA", "US", "Massachusetts", "Massachusetts"},
	{"US-MI", "US", "Michigan", "Míchigan"},
	{"US-MN", "US", "Minnesota", "Minnesota"},
	{"US-MS", "US", "Mississippi", "Misisipi"},
	{"US-MO", "US", "Missouri", "Misuri"},
	{"US-MT", "US", "Montana", "Montana"},
	{"US-NE", "US", "Nebraska", "Nebraska"},
	{"US-NV", "US", "Nevada", "Nevada"},
	{"US-NH", "US", "New Hampshire", "Nuevo Hampshire"},
	{"US-NJ", "US", "New Jersey", "Nueva Jersey"},
	{"US-NM", "US", "New Mexico", "Nuevo México"},
	{"US-NY", "US", "New York", "Nueva York"},
	{"US-NC", "US", "North Carolina", "Carolina del Norte"},
	{"US-ND", "US", "North Dakota", "Dakota del Norte"},
	{"US-OH", "US", "Ohio", "Ohio"},
	{"US-OK", "US", "Oklahoma", "Oklahoma"},
	{"US-OR", "US", "Oregon", "Oregón"},
	{"US-PA", "US", "Pennsylvania", "Pensilvania"},
	{"US-RI", "US", "Rhode Island", "Rhode Island"},
	{"US-SC", "US", "South Carolina", "Carolina del Sur"},
	{"US-SD", "US", "South Dakota", "Dakota del Sur"},
	{"US-TN", "US", "Tennessee", "Tennessee"},
	{"US-TX", "US", "Texas", "Texas"},
	{"US-UT", "US", "Utah", "Utah"},
	{"US-VT", "US", "Vermont", "Vermont"},
	{"US-VA", "US", "Virginia", "Virginia"},
	{"US-WA", "US", "Washington", "Washington"},
	{"US-WV", "US", "West Virginia", "Virginia Occidental"},
	{"US-WI", "US", "Wisconsin", "Wisconsin"},
	{"US-WY", "US", "Wyoming", "Wyoming"},
	{"US-DC", "US", "District of Columbia", "Distrito de Columbia"},
	{"US-AS", "US", "American Samoa", "Samoa Americana"},
	{"US-GU", "US", "Guam", "Guam"},
	{"US-MP", "US", "Northern Mariana Islands", "Islas Marianas del Norte"},
	{"US-PR", "US", "Puerto Rico", "Puerto Rico"},
	{"US-UM", "US", "United States Minor Outlying Islands", "Islas Ultramarinas Menores de los Estados Unidos"},
	{"US-VI", "US", "United States Virgin Islands", "Islas Vírgenes de los Estados Unidos"},

	// Mexico: the 32 federal entities. MX-CMX replaced MX-DIF in 2016.
	{"MX-AGU", "MX", "Aguascalientes", "Aguascalientes"},
	{"MX-BCN", "MX", "Baja California", "Baja California"},
	{"MX-BCS", "MX", "Baja California Sur", "Baja California Sur"},
	{"MX-CAM", "MX", "Campeche", "Campeche"},
	{"MX-CHP", "MX", "Chiapas", "Chiapas"},
	{"MX-CHH", "MX", "Chihuahua", "Chihuahua"},
	{"MX-CMX", "MX", "Mexico City", "Ciudad de México"},
	{"MX-COA", "MX", "Coahuila", "Coahuila"},
	{"MX-COL", "MX", "Colima", "Colima"},
	{"MX-DUR", "MX", "Durango", "Durango"},
	{"MX-GUA", "MX", "Guanajuato", "Guanajuato"},
	{"MX-GRO", "MX", "Guerrero", "Guerrero"},
	{"MX-HID", "MX", "Hidalgo", "Hidalgo"},
	{"MX-JAL", "MX", "Jalisco", "Jalisco"},
	{"MX-MEX", "MX", "State of Mexico", "Estado de México"},
	{"MX-MIC", "MX", "Michoacán", "Michoacán"},
	{"MX-MOR", "MX", "Morelos", "Morelos"},
	{"MX-NAY", "MX", "Nayarit", "Nayarit"},
	{"MX-NLE", "MX", "Nuevo León", "Nuevo León"},
	{"MX-OAX", "MX", "Oaxaca", "Oaxaca"},
	{"MX-PUE", "MX", "Puebla", "Puebla"},
	{"MX-QUE", "MX", "Querétaro", "Querétaro"},
	{"MX-ROO", "MX", "Quintana Roo", "Quintana Roo"},
	{"MX-SLP", "MX", "San Luis Potosí", "San Luis Potosí"},
	{"MX-SIN", "MX", "Sinaloa", "Sinaloa"},
	{"MX-SON", "MX", "Sonora", "Sonora"},
	{"MX-TAB", "MX", "Tabasco", "Tabasco"},
	{"MX-TAM", "MX", "Tamaulipas", "Tamaulipas"},
	{"MX-TLA", "MX", "Tlaxcala", "Tlaxcala"},
	{"MX-VER", "MX", "Veracruz", "Veracruz"},
	{"MX-YUC", "MX", "Yucatán", "Yucatán"},
	{"MX-ZAC", "MX", "Zacatecas", "Zacatecas"},

	// Canada: 10 provinces and 3 territories.
	{"CA-AB", "CA", "Alberta", "Alberta"},
	{"CA-BC", "CA", "British Columbia", "Columbia Británica"},
	{"CA-MB", "CA", "Manitoba", "Manitoba"},
	{"CA-NB", "CA", "New Brunswick", "Nuevo Brunswick"},
	{"CA-NL", "CA", "Newfoundland and Labrador", "Terranova y Labrador"},
	{"CA-NS", "CA", "Nova Scotia", "Nueva Escocia"},
	{"CA-NT", "CA", "Northwest Territories", "Territorios del Noroeste"},
	{"CA-NU", "CA", "Nunavut", "Nunavut"},
	{"CA-ON", "CA", "Ontario", "Ontario"},
	{"CA-PE", "CA", "Prince Edward Island", "Isla del Príncipe Eduardo"},
	{"CA-QC", "CA", "Quebec", "Quebec"},
	{"CA-SK", "CA", "Saskatchewan", "Saskatchewan"},
	{"CA-YT", "CA", "Yukon", "Yukón"},
}

var (
	regionsByCode    = make(map[string]Region, len(regions))
	regionsByCountry = make(map[string][]Region)
)

func init() {
	for _, r := range regions {
		regionsByCode[r.Code] = r
		regionsByCountry[r.Country] = append(regionsByCountry[r.Country], r)
	}
	// A collator, not byte order, so accented names sort with their base letter.
	coll := collate.New(language.English)
	for _, rs := range regionsByCountry {
		slices.SortFunc(rs, func(a, b Region) int {
			return coll.CompareString(a.NameEN, b.NameEN)
		})
	}
}

// LookupRegion finds a region by its ISO 3166-2 code, ignoring case because
// codes arrive from forms and URLs typed by people.
func LookupRegion(code string) (Region, bool) {
	r, ok := regionsByCode[strings.ToUpper(code)]
	return r, ok
}

// ParseRegion reads a state or province of country (the United States
// when empty) as a spreadsheet cell holds it: an ISO 3166-2 code
// ("US-TX", "us-tx"), the part after the country's ("TX"), or the
// region's name in English or Spanish, accents ignored ("Nuevo León",
// "nuevo leon"), and returns its code. Anything else is returned trimmed,
// for validation to refuse.
func ParseRegion(country, cell string) string {
	cell = strings.TrimSpace(cell)
	country = strings.ToUpper(strings.TrimSpace(country))
	if country == "" {
		country = "US"
	}
	if cell == "" {
		return ""
	}
	if _, ok := LookupRegion(cell); ok {
		return cell
	}
	if r, ok := LookupRegion(country + "-" + cell); ok {
		return r.Code
	}
	if code, ok := regionNames()[country+" "+foldName(cell)]; ok {
		return code
	}
	return cell
}

// regionNames maps a country's code and the folded English or Spanish
// name of one of its regions, joined by a space, to the region's code;
// built on first use, as countryNames.
var regionNames = sync.OnceValue(func() map[string]string {
	names := make(map[string]string, 2*len(regions))
	for country, rs := range regionsByCountry {
		for _, r := range rs {
			for _, n := range []string{r.NameEN, r.NameES} {
				if key := country + " " + foldName(n); names[key] == "" {
					names[key] = r.Code
				}
			}
		}
	}
	return names
})

// RegionsOf returns the regions of country sorted by English name, or nil if
// the country has no catalog. The slice is a copy so callers may reorder it.
func RegionsOf(country string) []Region {
	return slices.Clone(regionsByCountry[strings.ToUpper(country)])
}

// RegionRequired reports whether a signatory in country must pick a region.
// It is required exactly where a catalog exists, since letters from the
// coalition's countries are tallied by state or province.
func RegionRequired(country string) bool {
	_, ok := regionsByCountry[strings.ToUpper(country)]
	return ok
}
