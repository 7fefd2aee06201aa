package storetest

import (
	"fmt"
	"strings"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
)

// signatoryWords make up the seeded organizations' names: two of them and
// a number, such as "Coalición Fronteriza 4242", so a search for a word
// finds about one name in twelve and a search for the number one name.
var signatoryWords = []string{
	"Alianza", "Casa", "Centro", "Coalición", "Comité", "Derechos", "Esperanza", "Familias",
	"Fronteriza", "Frente", "Justicia", "Mujeres", "Niñez", "Québec", "Raza", "Red",
	"Solidarité", "Trabajadores", "Unión", "Voces", "Workers", "Community", "Immigrant", "Action",
}

// SignatoriesSQL is one statement that adds n approved signatures to
// statementID in the dialect, as a letter that went around the whole
// network would have them: from every state of the United States (most
// from Texas and California), DC and Puerto Rico, every state of Mexico
// and province of Canada, and a few other countries, under names built
// from signatoryWords. It is for benchmarks of the public list at
// 100,000 signatures, which the store would add in as many transactions;
// SignaturesSQL is the simpler seed of eight places.
func SignatoriesSQL(dialect string, statementID int64, n int) string {
	var places []string
	add := func(country, region string, weight int) {
		for range weight {
			places = append(places, fmt.Sprintf("(%d, '%s', '%s')", len(places), country, region))
		}
	}
	heavy := map[string]int{"US-TX": 12, "US-CA": 12, "US-NY": 6, "US-IL": 5, "US-AZ": 5, "US-FL": 4, "US-NM": 3}
	for _, r := range signon.RegionsOf("US") {
		if _, state := usStates[r.Code]; state {
			add("US", r.Code, max(heavy[r.Code], 1))
		}
	}
	for _, country := range []string{"MX", "CA"} {
		for _, r := range signon.RegionsOf(country) {
			add(country, r.Code, 1)
		}
	}
	for _, country := range []string{"GT", "HN", "SV", "ES", "FR"} {
		add(country, "", 1)
	}
	var words []string
	for i, w := range signatoryWords {
		words = append(words, fmt.Sprintf("(%d, '%s')", i, w))
	}
	at := "'2026-11-01 15:00:00+00:00'"
	if dialect == store.Postgres {
		at += "::timestamptz"
	}
	return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %[2]d - 1),
places(k, country, region) AS (VALUES %[3]s),
words(k, word) AS (VALUES %[4]s)
INSERT INTO signatures (statement_id, signer_type, organization, org_key, signer_name, signer_title, email,
    city, country, region, website, language, status, source, statement_version, approved_at, created_at, updated_at)
SELECT %[1]d, 'organization', first.word || ' ' || second.word || ' ' || i, 'org' || i, 'Signer ' || i, '',
    'signer' || i || '@example.org', 'Springfield', places.country, places.region, '', 'es',
    'approved', 'import', 1, %[7]s, %[7]s, %[7]s
FROM n
JOIN places ON places.k = i %% %[5]d
JOIN words AS first ON first.k = i %% %[6]d
JOIN words AS second ON second.k = (i / %[6]d) %% %[6]d`,
		statementID, n, strings.Join(places, ", "), strings.Join(words, ", "), len(places), len(words), at)
}

// usStates are the squares of a map of the United States: the 50
// states, DC and Puerto Rico, without the other territories.
var usStates = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range signon.RegionsOf("US") {
		switch r.Code {
		case "US-AS", "US-GU", "US-MP", "US-UM", "US-VI":
		default:
			m[r.Code] = true
		}
	}
	return m
}()
