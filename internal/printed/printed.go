// Package printed is the final statement as a coalition prints it and
// sends it on: the words around the text in the reader's language, the
// signatories grouped by state and country, the letterhead's logo, and the
// PDF made of them.
//
// It is handed its words already translated, so it needs neither the web
// server nor its message files; the print page and the PDF are built from
// the same Statement and so cannot disagree about who signed.
package printed

import (
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/signon-coalition/signon/internal/signon"
)

// Statement is a statement ready to print.
type Statement struct {
	*signon.Statement
	Coalition string
	Logo      *Logo // nil: the letterhead is the coalition's name alone
	// URL is where the statement is read online, printed on every page
	// so a copy on paper leads back to the verifiable list.
	URL string
	// RespondsTo is the title of the statement this one answers, if any.
	RespondsTo string
	// Sections lists the signatories; nil when they are not public.
	Sections []Section
	// Lead are the lead signers, printed first, apart; they are in
	// Sections too, under their states.
	Lead  []Signatory
	Words Words
}

// Words are the texts around the statement, in the reader's language
// (the statement's own text keeps its language).
type Words struct {
	Kind           string // "Open letter"
	AddressedTo    string // label
	Occasion       string // label
	RespondsTo     string // label
	Dated          string // "Published on November 3, 2026"
	Note           string // said under the date, such as "not yet published"
	Signatories    string // heading of the list
	Lead           string // heading of the lead signers
	Headline       string // "94 organizations from 18 states in 2 countries"
	NoSignatories  string // said instead of the list when Sections is empty
	OtherCountries string // heading of the section of countries without states
	Continued      string // after a state's name atop a column that goes on with it
	// Page numbers each page; {page} and {pages} are replaced.
	Page string
	// Cover and Delivered say, once the statement has been delivered,
	// who signed it in one line ("Signed by 47 organizations and 312
	// individuals from 18 states") and each delivery ("Delivered to …
	// on …"), under the date.
	Cover     string
	Delivered []string
}

// Section is the signatories of one country with states or provinces,
// or, when Country is "", of every other country.
type Section struct {
	Country string // ISO 3166-1, or "" for the other countries
	Name    string // the country's name; "" for the other countries
	Groups  []Group
}

// Count is the number of signatories in the section.
func (s Section) Count() int {
	n := 0
	for _, g := range s.Groups {
		n += len(g.Signatories)
	}
	return n
}

// Group is the signatories of one state or province, or of one country
// without them.
type Group struct {
	Code        string // ISO 3166-2 region, or ISO 3166-1 country
	Name        string
	Signatories []Signatory
}

// Count is the number of signatories in the group.
func (g Group) Count() int { return len(g.Signatories) }

// KeepTogether reports whether the group is small enough to be kept in
// one column, so no column starts with a stray one or two of a state.
func (g Group) KeepTogether() bool { return len(g.Signatories) <= keepTogether }

// Signatory is a signature as the public reads it. It is copied out of
// signon.Signature field by field, so an email, a status or a source can
// never reach paper.
type Signatory struct {
	Name   string // the organization, or the person signing as one
	Detail string // the person's organization, and the city
}

// NewSignatory is sig as printed.
func NewSignatory(sig *signon.Signature) Signatory {
	s := Signatory{Name: sig.Name()}
	var detail []string
	if sig.SignerType == signon.SignerIndividual {
		s.Name = sig.SignerName
		if sig.Organization != "" {
			detail = append(detail, sig.Organization)
		}
	}
	if sig.City != "" {
		detail = append(detail, sig.City)
	}
	s.Detail = strings.Join(detail, ", ")
	return s
}

// Count is the number of signatories listed.
func (s *Statement) Count() int {
	n := 0
	for _, sec := range s.Sections {
		n += sec.Count()
	}
	return n
}

// SectionName is the heading of sec.
func (s *Statement) SectionName(sec Section) string {
	if sec.Country == "" {
		return s.Words.OtherCountries
	}
	return sec.Name
}

// Sectioned reports whether the list needs a heading per country: not
// when every signatory is in one.
func (s *Statement) Sectioned() bool {
	return len(s.Sections) > 1
}

// Sections groups sigs by state or province, under their countries (the
// coalition's own countries first, as in every country list), and then
// the countries without states. Names keep the order they come in, so
// the caller decides how signatories sort within a group; states and
// countries sort by their names in lang.
func Sections(sigs []*signon.Signature, lang string) []Section {
	countryRank := map[string]int{}
	for i, c := range signon.Countries(lang) {
		countryRank[c.Code] = i
	}
	coll := collate.New(language.Make(lang))

	byCountry := map[string]*Section{}
	var other *Section
	groups := map[string]*Group{}
	var order []string // group keys, in the order first seen
	for _, sig := range sigs {
		key, name := sig.Country, countryName(sig.Country, lang)
		if r, ok := signon.LookupRegion(sig.Region); ok && r.Country == sig.Country {
			key, name = r.Code, r.Name(lang)
		}
		g, ok := groups[key]
		if !ok {
			g = &Group{Code: key, Name: name}
			groups[key] = g
			order = append(order, key)
		}
		g.Signatories = append(g.Signatories, NewSignatory(sig))
	}
	for _, key := range order {
		g := groups[key]
		country, _, isRegion := strings.Cut(key, "-")
		var sec *Section
		switch {
		case isRegion:
			if sec = byCountry[country]; sec == nil {
				sec = &Section{Country: country, Name: countryName(country, lang)}
				byCountry[country] = sec
			}
		default:
			if other == nil {
				other = &Section{}
			}
			sec = other
		}
		sec.Groups = append(sec.Groups, *g)
	}

	out := make([]Section, 0, len(byCountry)+1)
	for _, sec := range byCountry {
		out = append(out, *sec)
	}
	slices.SortFunc(out, func(a, b Section) int { return countryRank[a.Country] - countryRank[b.Country] })
	if other != nil {
		out = append(out, *other)
	}
	for _, sec := range out {
		slices.SortStableFunc(sec.Groups, func(a, b Group) int { return coll.CompareString(a.Name, b.Name) })
	}
	return out
}

func countryName(code, lang string) string {
	if c, ok := signon.LookupCountry(code); ok {
		return c.Name(lang)
	}
	return code
}
