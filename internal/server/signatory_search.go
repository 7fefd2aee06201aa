package server

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// maxSearch is the longest search of the signatory list, in characters:
// no name it could find is longer than an organization's.
const maxSearch = signon.MaxOrganization

// problemInvalidCharacters is a search holding what no name can: bytes
// that are not UTF-8, or control characters such as NUL, which
// PostgreSQL refuses in text.
const problemInvalidCharacters = signon.ProblemInvalidCharacters

// searchQuery checks a search of the signatory list, ?q=, and returns it
// trimmed, or the problem with it. An empty search is no search.
func searchQuery(raw string) (string, *signon.Problem) {
	q := strings.TrimSpace(raw)
	unreadable := func(r rune) bool { return r == utf8.RuneError || unicode.IsControl(r) && !unicode.IsSpace(r) }
	switch {
	case !utf8.ValidString(q) || strings.ContainsFunc(q, unreadable):
		return "", &signon.Problem{Code: problemInvalidCharacters}
	case utf8.RuneCountInString(q) > maxSearch:
		return "", &signon.Problem{Code: signon.ProblemTooLong, Limit: maxSearch}
	}
	return q, nil
}

// signatorySearch is the search form above the list and what it found.
type signatorySearch struct {
	Query string // as typed, trimmed; "" when nothing is searched
	// Typed is what the box shows: the query, or a refused search as it
	// came (as much as the box takes), so it can be corrected.
	Typed string
	Error string // why the search was not run, translated
	// Keep are the form's hidden fields: the place the list is filtered
	// by, so a search within Texas stays in Texas, and the text chosen.
	Keep     map[string]string
	Result   string // how many match, translated
	ClearURL string // the same list without the search
}

// readSearch reads ?q= for the statement page into p.Search and returns
// what to filter the list by.
func (p *statementPage) readSearch(c echo.Context, f signon.SignatureFilter) string {
	raw := c.QueryParam("q")
	q, problem := searchQuery(raw)
	p.Search = signatorySearch{Query: q, Typed: q, Keep: map[string]string{}}
	for name, v := range map[string]string{"region": f.Region, "country": f.Country, textParam: p.Text.Param} {
		if v != "" {
			p.Search.Keep[name] = v
		}
	}
	if problem != nil {
		typed := []rune(strings.ToValidUTF8(raw, ""))
		p.Search.Typed = string(typed[:min(len(typed), maxSearch)])
		p.Search.Error = p.Problem(*problem)
	}
	return q
}

// searchFound writes how many signatories of the whole list match the
// search, and the link that drops it but keeps the place and text.
func (p *statementPage) searchFound(total int) {
	s := &p.Search
	if s.Query == "" {
		return
	}
	keep := url.Values{}
	for name, v := range s.Keep {
		keep.Set(name, v)
	}
	s.ClearURL = p.Path
	if len(keep) > 0 {
		s.ClearURL += "?" + keep.Encode()
	}
	s.ClearURL += "#signatories"
	place := p.FilterName
	switch {
	case total == 0 && place != "":
		s.Result = p.T("map.search.none_in", "Query", s.Query, "Place", place)
	case total == 0:
		s.Result = p.T("map.search.none", "Query", s.Query)
	case place != "":
		s.Result = p.T("map.search.found_in", "Query", s.Query, "Place", place, "Count", total)
	default:
		s.Result = p.T("map.search.found", "Query", s.Query, "Count", total)
	}
}
