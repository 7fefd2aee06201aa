package store

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// searchFolds are the letters a search ignores the accents of, beyond
// A–Z, which fold to lower case: those of Spanish, French and Portuguese
// names, in both cases, and the curly apostrophes phones type. The
// list_name column of migration 00003 folds exactly these (PostgreSQL
// with translate(), SQLite with lower() and replace()), so a folded
// search matches a folded name; TestListName checks they agree.
var searchFolds = []struct{ from, to string }{
	{"àáâãäåÀÁÂÃÄÅ", "a"},
	{"çÇ", "c"},
	{"èéêëÈÉÊË", "e"},
	{"ìíîïÌÍÎÏ", "i"},
	{"ñÑ", "n"},
	{"òóôõöøÒÓÔÕÖØ", "o"},
	{"ùúûüÙÚÛÜ", "u"},
	{"ýÿÝŸ", "y"},
	{"’‘", "'"},
}

var searchFold = func() map[rune]rune {
	m := map[rune]rune{}
	for _, f := range searchFolds {
		for _, r := range f.from {
			m[r] = rune(f.to[0])
		}
	}
	return m
}()

// foldForSearch folds s as list_name is folded. Other characters stay as
// they are, upper-case Cyrillic included, because the databases leave
// them so: folding them here would make a name unfindable by its own
// spelling. The search is composed first, so an "é" typed as "e" and a
// combining accent folds like the one-character "é".
func foldForSearch(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if to, ok := searchFold[r]; ok {
			return to
		}
		return r
	}, norm.NFC.String(strings.Join(strings.Fields(s), " ")))
}

// likeEscaper makes a search literal in a LIKE pattern with ESCAPE '\':
// a group called "100% Latino" or "first_nations" is found by its name,
// and a search of "%" is not a search for everything.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// containsPattern is the LIKE pattern, ESCAPE '\', of names containing
// the search query, or "" when the query has nothing to search for.
func containsPattern(query string) string {
	q := foldForSearch(query)
	if q == "" {
		return ""
	}
	return "%" + likeEscaper.Replace(q) + "%"
}
