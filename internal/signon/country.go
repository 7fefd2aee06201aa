package signon

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is an ISO 3166-1 country a signatory can be in.
type Country struct {
	Code   string // alpha-2, upper case
	NameEN string
	NameES string
}

// Name returns the country name in lang, Spanish for "es" and English otherwise.
func (c Country) Name(lang string) string {
	if lang == "es" {
		return c.NameES
	}
	return c.NameEN
}

// countryCodes lists every officially assigned ISO 3166-1 alpha-2 code. It is
// spelled out because x/text knows many more regions (continents, reserved
// and deprecated codes) that must not be offered to signatories.
var countryCodes = [...]string{
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
	"BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
	"CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
	"DE", "DJ", "DK", "DM", "DO", "DZ",
	"EC", "EE", "EG", "EH", "ER", "ES", "ET",
	"FI", "FJ", "FK", "FM", "FO", "FR",
	"GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
	"HK", "HM", "HN", "HR", "HT", "HU",
	"ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
	"JE", "JM", "JO", "JP",
	"KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
	"LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
	"MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ",
	"NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
	"OM",
	"PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
	"QA",
	"RE", "RO", "RS", "RU", "RW",
	"SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
	"TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
	"UA", "UG", "UM", "US", "UY", "UZ",
	"VA", "VC", "VE", "VG", "VI", "VN", "VU",
	"WF", "WS",
	"YE", "YT",
	"ZA", "ZM", "ZW",
}

// leadingCountries open every country list because most signatories of the
// coalition's letters are in them.
var leadingCountries = [...]string{"US", "MX", "CA"}

var (
	countriesByCode map[string]Country

	// Sorting needs a collator per language, so each ordering is built on
	// first use and then shared; callers get copies.
	countriesEN     []Country
	countriesES     []Country
	countriesENOnce sync.Once
	countriesESOnce sync.Once
)

func init() {
	en, es := display.English.Regions(), display.Spanish.Regions()
	countriesByCode = make(map[string]Country, len(countryCodes))
	for _, code := range countryCodes {
		c := Country{Code: code, NameEN: code, NameES: code}
		if r, err := language.ParseRegion(code); err == nil {
			if n := en.Name(r); n != "" {
				c.NameEN = n
			}
			if n := es.Name(r); n != "" {
				c.NameES = n
			}
		}
		countriesByCode[code] = c
	}
}

// LookupCountry finds a country by its alpha-2 code, ignoring case.
func LookupCountry(code string) (Country, bool) {
	c, ok := countriesByCode[strings.ToUpper(code)]
	return c, ok
}

// ParseCountry reads a country as a spreadsheet cell holds it: an
// alpha-2 code, or the country's name in English or Spanish ("Mexico",
// "México", "estados unidos"), and returns its code. Anything else is
// returned trimmed, for validation to refuse.
func ParseCountry(cell string) string {
	cell = strings.TrimSpace(cell)
	if cell == "" || len(cell) == 2 {
		return cell
	}
	if code, ok := countryNames()[foldName(cell)]; ok {
		return code
	}
	return cell
}

// countryNames maps the folded English and Spanish name of every country
// to its code, built on first use: folding each name for every cell of
// an import took milliseconds a row.
var countryNames = sync.OnceValue(func() map[string]string {
	names := make(map[string]string, 2*len(countriesByCode))
	for _, code := range countryCodes {
		c := countriesByCode[code]
		for _, n := range []string{c.NameEN, c.NameES} {
			if _, taken := names[foldName(n)]; !taken {
				names[foldName(n)] = code
			}
		}
	}
	return names
})

// Countries returns every country named in lang: US, MX and CA first, then
// the rest in that language's alphabetical order.
func Countries(lang string) []Country {
	if lang == "es" {
		countriesESOnce.Do(func() { countriesES = sortCountries(language.Spanish, "es") })
		return slices.Clone(countriesES)
	}
	countriesENOnce.Do(func() { countriesEN = sortCountries(language.English, "en") })
	return slices.Clone(countriesEN)
}

func sortCountries(tag language.Tag, lang string) []Country {
	out := make([]Country, 0, len(countryCodes))
	for _, code := range leadingCountries {
		out = append(out, countriesByCode[code])
	}
	rest := make([]Country, 0, len(countryCodes)-len(leadingCountries))
	for _, code := range countryCodes {
		if !slices.Contains(leadingCountries[:], code) {
			rest = append(rest, countriesByCode[code])
		}
	}
	// Byte order would push names such as "Åland Islands" past "Zimbabwe".
	coll := collate.New(tag)
	slices.SortFunc(rest, func(a, b Country) int {
		return coll.CompareString(a.Name(lang), b.Name(lang))
	})
	return append(out, rest...)
}
