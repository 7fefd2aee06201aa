package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// shownName is the name the public list shows first: a person's own
// name, even when they named an organization.
func shownName(s *signon.Signature) string {
	if s.SignerType == signon.SignerIndividual {
		return s.SignerName
	}
	return s.Organization
}

func createPerson(t *testing.T, db *store.DB, statementID int64, name, org, region string) *signon.Signature {
	t.Helper()
	sig := newSignature(statementID, org, region)
	sig.SignerType, sig.SignerName = signon.SignerIndividual, name
	sig.OrgKey = "person:" + strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"
	if err := db.CreateSignature(context.Background(), sig, nil); err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestSignatureService_Search(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			other := createStatement(t, db, a.ID, "other")
			for _, s := range []struct{ org, region string }{
				{"Casa de la Raza", "US-TX"},
				{"CASA LATINA", "US-WA"},
				{"Coalición Pro Derechos", "US-TX"},
				{"Comité de Niñez", "MX-CHH"},
				{"100% Latino", "US-CA"},
				{"1000 Latinos", "US-CA"},
				{"first_nations Group", "CA-ON"},
				{"firstXnations Circle", "CA-ON"},
				{"Back\\slash Collective", "US-NY"},
				{"Women’s Center", "US-NY"},
			} {
				createSignature(t, db, st.ID, s.org, s.region, signon.SignatureApproved)
			}
			// An organization's signer is not searched: the list does not
			// show their name.
			signer := newSignature(st.ID, "Red Fronteriza", "MX-CHH")
			signer.SignerName = "Raúl Castro"
			if err := db.CreateSignature(ctx, signer, nil); err != nil {
				t.Fatal(err)
			}
			createPerson(t, db, st.ID, "Beatriz Gómez", "Casa Hogar", "US-TX")
			createPerson(t, db, st.ID, "Tomás Ruiz", "", "US-TX")
			createSignature(t, db, st.ID, "Casa Pendiente", "US-TX", signon.SignaturePending)
			createSignature(t, db, other.ID, "Casa de Otra Carta", "US-TX", signon.SignatureApproved)

			tests := []struct {
				name      string
				f         signon.SignatureFilter
				want      []string
				wantTotal int
			}{
				{"Word", signon.SignatureFilter{Query: "casa"}, []string{"Beatriz Gómez", "Casa de la Raza", "CASA LATINA"}, 3},
				{"UpperCase", signon.SignatureFilter{Query: "CASA"}, []string{"Beatriz Gómez", "Casa de la Raza", "CASA LATINA"}, 3},
				{"WithoutAccents", signon.SignatureFilter{Query: "coalicion"}, []string{"Coalición Pro Derechos"}, 1},
				{"AccentsAndCase", signon.SignatureFilter{Query: "NIÑEZ"}, []string{"Comité de Niñez"}, 1},
				{"AccentedQueryPlainName", signon.SignatureFilter{Query: "Lätino"}, []string{"100% Latino", "1000 Latinos"}, 2},
				{"MiddleOfWord", signon.SignatureFilter{Query: "aza"}, []string{"Casa de la Raza"}, 1},
				{"SpacesCollapsed", signon.SignatureFilter{Query: "  casa   de  "}, []string{"Casa de la Raza"}, 1},
				{"PercentIsLiteral", signon.SignatureFilter{Query: "100%"}, []string{"100% Latino"}, 1},
				{"PercentAlone", signon.SignatureFilter{Query: "%"}, []string{"100% Latino"}, 1},
				{"UnderscoreIsLiteral", signon.SignatureFilter{Query: "first_nations"}, []string{"first_nations Group"}, 1},
				{"UnderscoreAlone", signon.SignatureFilter{Query: "_"}, []string{"first_nations Group"}, 1},
				{"BackslashIsLiteral", signon.SignatureFilter{Query: `k\s`}, []string{`Back\slash Collective`}, 1},
				{"StraightApostrophe", signon.SignatureFilter{Query: "women's"}, []string{"Women’s Center"}, 1},
				{"CurlyApostrophe", signon.SignatureFilter{Query: "WOMEN’S"}, []string{"Women’s Center"}, 1},
				{"PersonByName", signon.SignatureFilter{Query: "gomez"}, []string{"Beatriz Gómez"}, 1},
				{"PersonByOrganization", signon.SignatureFilter{Query: "hogar"}, []string{"Beatriz Gómez"}, 1},
				{"PersonWithoutOrganization", signon.SignatureFilter{Query: "tomas"}, []string{"Tomás Ruiz"}, 1},
				{"NotAcrossNameAndOrganization", signon.SignatureFilter{Query: "gomez casa"}, []string{}, 0},
				{"NotTheSigner", signon.SignatureFilter{Query: "raul"}, []string{}, 0},
				{"NoMatch", signon.SignatureFilter{Query: "zzz"}, []string{}, 0},
				{"BlankIsEveryone", signon.SignatureFilter{Query: " \t "}, nil, 13},
				{"WithRegion", signon.SignatureFilter{Query: "casa", Region: "US-TX"}, []string{"Beatriz Gómez", "Casa de la Raza"}, 2},
				{"WithRegionNoMatch", signon.SignatureFilter{Query: "latina", Region: "US-TX"}, []string{}, 0},
				{"WithCountry", signon.SignatureFilter{Query: "n", Country: "CA"}, []string{"first_nations Group", "firstXnations Circle"}, 2},
				{"ByRegion", signon.SignatureFilter{Query: "casa", ByRegion: true}, []string{"Beatriz Gómez", "Casa de la Raza", "CASA LATINA"}, 3},
				{"ByRegionAcrossCountries", signon.SignatureFilter{Query: "de", ByRegion: true},
					[]string{"Comité de Niñez", "Casa de la Raza", "Coalición Pro Derechos"}, 3},
				{"Page2", signon.SignatureFilter{Query: "casa", PerPage: 2, Page: 2}, []string{"CASA LATINA"}, 3},
				{"Pending", signon.SignatureFilter{Query: "casa", Statuses: []signon.SignatureStatus{signon.SignaturePending}},
					[]string{"Casa Pendiente"}, 1},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.f.StatementID = st.ID
					list, total, err := db.Signatures(ctx, tt.f)
					if err != nil {
						t.Fatal(err)
					}
					if total != tt.wantTotal {
						t.Errorf("total %d, want %d", total, tt.wantTotal)
					}
					if tt.want == nil {
						return
					}
					names := []string{}
					for _, s := range list {
						names = append(names, shownName(s))
					}
					if !reflect.DeepEqual(names, tt.want) {
						t.Errorf("got %q, want %q", names, tt.want)
					}
				})
			}

			// Exports read through the same filter.
			var exported []string
			err := db.EachSignature(ctx, signon.SignatureFilter{StatementID: st.ID, Query: "CASA"}, func(s *signon.Signature) error {
				exported = append(exported, shownName(s))
				return nil
			})
			if want := []string{"Beatriz Gómez", "Casa de la Raza", "CASA LATINA"}; err != nil || !reflect.DeepEqual(exported, want) {
				t.Errorf("EachSignature = %q, %v; want %q", exported, err, want)
			}
		})
	}
}

// TestListName checks that the database folds list_name exactly as
// the search folds what is typed, for every letter the fold knows and a
// few it does not, whether the row is inserted or updated later.
func TestListName(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			check := func(sig *signon.Signature, want string) {
				t.Helper()
				got, err := db.ListName(ctx, sig.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("list_name of %q = %q, want %q", shownName(sig), got, want)
				}
			}
			names := []string{
				"àáâãäå ÀÁÂÃÄÅ çÇ èéêë ÈÉÊË ìíîï ÌÍÎÏ ñÑ òóôõöø ÒÓÔÕÖØ ùúûü ÙÚÛÜ ýÿ ÝŸ ’‘",
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 '%_-.,&()",
				"ЖЕНЩИНЫ Ærø Straße Œuvre Đoàn Łódź",
			}
			for i, name := range names {
				sig := createSignature(t, db, st.ID, name, "US-TX", signon.SignatureApproved)
				if i == 0 && store.FoldForSearch(name) != "aaaaaa aaaaaa cc eeee eeee iiii iiii nn oooooo oooooo uuuu uuuu yy yy ''" {
					t.Fatalf("the search folds %q to %q", name, store.FoldForSearch(name))
				}
				check(sig, store.FoldForSearch(name))
			}
			person := createPerson(t, db, st.ID, "José Ñúñez", "Unión Campesina", "US-TX")
			check(person, "jose nunez\nunion campesina")
			alone := createPerson(t, db, st.ID, "Ángela Díaz", "", "US-TX")
			check(alone, "angela diaz")

			// A correction of the name by any means refolds it.
			if err := db.Exec(ctx, "UPDATE signatures SET organization = ? WHERE id = ?", "Éxodo Sin Fronteras", person.ID); err != nil {
				t.Fatal(err)
			}
			check(person, "jose nunez\nexodo sin fronteras")
			if err := db.Exec(ctx, "UPDATE signatures SET signer_type = 'organization' WHERE id = ?", person.ID); err != nil {
				t.Fatal(err)
			}
			check(person, "exodo sin fronteras")
		})
	}
}

// TestSignatureListPlans checks that the queries of the public list can
// be answered from the indexes of migrations 1 and 3 without sorting the
// statement's signatures: the count, and a page of the list by region,
// of one region, of a search and deep in the list. (The stats' GROUP BY
// is unchanged and reads the first migration's index.) Timings at
// 100,000 signatures are BenchmarkSignatures100k's.
func TestSignatureListPlans(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			if err := db.Exec(ctx, storetest.SignatoriesSQL(dialect, st.ID, 500)); err != nil {
				t.Fatal(err)
			}
			if dialect == store.Postgres {
				if err := db.Exec(ctx, "VACUUM ANALYZE signatures"); err != nil {
					t.Fatal(err)
				}
			}
			tests := []struct {
				name string
				f    signon.SignatureFilter
				page int
			}{
				{"List", signon.SignatureFilter{ByRegion: true}, 1},
				{"DeepPage", signon.SignatureFilter{ByRegion: true}, 5},
				{"Region", signon.SignatureFilter{ByRegion: true, Region: "US-TX"}, 1},
				{"Search", signon.SignatureFilter{ByRegion: true, Query: "coalicion"}, 1},
				{"SearchInRegion", signon.SignatureFilter{ByRegion: true, Region: "US-TX", Query: "coalicion"}, 1},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					tt.f.StatementID = st.ID
					count, page, err := db.SignaturePlans(ctx, tt.f, tt.page)
					if err != nil {
						t.Fatal(err)
					}
					t.Logf("count:\n%s\npage:\n%s", count, page)
					if dialect == store.SQLite {
						// The count reads an index alone, and the page's ids
						// come in order from signatures_list_idx alone; the
						// one sort left orders the page's 100 rows.
						if !strings.Contains(count, "USING COVERING INDEX") {
							t.Errorf("count plan:\n%s", count)
						}
						if !strings.Contains(page, "USING COVERING INDEX signatures_list_idx") || strings.Count(page, "TEMP B-TREE") > 1 {
							t.Errorf("page plan:\n%s", page)
						}
						return
					}
					if !strings.Contains(count, "Index Only Scan") {
						t.Errorf("count plan:\n%s", count)
					}
					if !strings.Contains(page, "Index Only Scan using signatures_list_idx") {
						t.Errorf("page plan:\n%s", page)
					}
				})
			}
		})
	}
}
