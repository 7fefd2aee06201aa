package signon

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// OrganizationKey folds an organization's name to the key that detects a
// second signature from the same group: case, accents, punctuation, spacing,
// a leading "The" and legal suffixes such as "Inc.", "LLC" or "A.C." do not
// count. "Casa de la Raza, Inc." and "casa  de la raza" share a key.
func OrganizationKey(name string) string {
	words := strings.Fields(foldPunctuation(foldAccents(strings.ToLower(name))))
	words = joinInitials(words)
	if len(words) > 1 && (words[0] == "the") {
		words = words[1:]
	}
	for len(words) > 1 {
		n := legalSuffixLen(words)
		if n == 0 || n == len(words) {
			break
		}
		words = words[:len(words)-n]
	}
	return strings.Join(words, "")
}

// legalSuffixes are forms of incorporation in the United States, Mexico
// and Canada, written as words after initials are joined ("A.C." → "ac").
var legalSuffixes = [][]string{
	{"inc"}, {"incorporated"}, {"llc"}, {"pllc"}, {"ltd"}, {"limited"},
	{"corp"}, {"corporation"}, {"co"}, {"lp"}, {"llp"}, {"nfp"},
	{"ac"}, {"sc"}, {"iap"}, {"abp"}, {"sa"}, {"sa", "de", "cv"},
	{"s", "de", "rl"}, {"s", "de", "rl", "de", "cv"}, {"ltee"}, {"ltée"},
}

// legalSuffixLen returns how many trailing words form a legal suffix,
// preferring the longest match.
func legalSuffixLen(words []string) int {
	best := 0
	for _, suffix := range legalSuffixes {
		if len(suffix) > len(words) || len(suffix) <= best {
			continue
		}
		tail := words[len(words)-len(suffix):]
		match := true
		for i := range suffix {
			if tail[i] != suffix[i] {
				match = false
				break
			}
		}
		if match {
			best = len(suffix)
		}
	}
	return best
}

// joinInitials turns runs of single letters into one word, so "a c" (from
// "A.C.") becomes "ac" and "l l c" becomes "llc".
func joinInitials(words []string) []string {
	out := words[:0:0]
	for i := 0; i < len(words); {
		if len([]rune(words[i])) != 1 {
			out = append(out, words[i])
			i++
			continue
		}
		j := i
		var run strings.Builder
		for j < len(words) && len([]rune(words[j])) == 1 {
			run.WriteString(words[j])
			j++
		}
		out = append(out, run.String())
		i = j
	}
	return out
}

// foldName folds a place's name for comparison: case, accents,
// punctuation and spacing do not count, so "Nuevo León", "nuevo leon" and
// "Nuevo-Leon" are one name.
func foldName(s string) string {
	return strings.Join(strings.Fields(foldPunctuation(foldAccents(strings.ToLower(s)))), " ")
}

// foldAccents removes combining marks: "Michoacán" → "Michoacan".
func foldAccents(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// foldPunctuation turns everything that is not a letter or digit into a
// space, so "Casa-Latina" and "Casa Latina" fold alike.
func foldPunctuation(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
}
