package server_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestAPI_SignaturesSearch checks ?q= of GET /statements/{slug}/signatures
// against the live server and the OpenAPI document.
func TestAPI_SignaturesSearch(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		a := loadAPIContract(t)
		app := newTestApp(t, dialect)
		letter := app.openStatement(t, "searchable", func(s *signon.Statement) { s.AllowIndividuals = true })
		pubSeed(t, app, letter,
			pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX"},
			pubSignature{Org: "CASA LATINA", Country: "US", Region: "US-WA"},
			pubSignature{Org: "Coalición Pro Derechos", Country: "US", Region: "US-TX"},
			pubSignature{Org: "100% Latino", Country: "US", Region: "US-CA"},
			pubSignature{Org: "1000 Latinos", Country: "US", Region: "US-CA"},
			pubSignature{Name: "Rosa Gómez", Org: "Casa Hogar", Country: "US", Region: "US-NM", Individual: true},
			pubSignature{Org: "Casa Pendiente", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
		)
		quiet := app.openStatement(t, "quiet-search", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, quiet,
			pubSignature{Org: "Casa Escondida", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Red Oculta", Country: "US", Region: "US-TX"})

		tests := []struct {
			name      string
			target    string
			status    int
			want      []string // organizations, in order
			wantTotal int
			problem   string // fields.q
		}{
			// By region: New Mexico, Texas, Washington.
			{"Word", "/statements/searchable/signatures?q=casa", 200, []string{"Casa Hogar", "Casa de la Raza", "CASA LATINA"}, 3, ""},
			{"AccentsAndCase", "/statements/searchable/signatures?q=COALICION", 200, []string{"Coalición Pro Derechos"}, 1, ""},
			{"PersonByName", "/statements/searchable/signatures?q=gomez", 200, []string{"Casa Hogar"}, 1, ""},
			{"WithRegion", "/statements/searchable/signatures?q=casa&region=us-tx", 200, []string{"Casa de la Raza"}, 1, ""},
			{"Paged", "/statements/searchable/signatures?q=casa&per_page=2&page=2", 200, []string{"CASA LATINA"}, 3, ""},
			{"PercentIsLiteral", "/statements/searchable/signatures?q=" + url.QueryEscape("100%"), 200, []string{"100% Latino"}, 1, ""},
			{"NoMatch", "/statements/searchable/signatures?q=zzz", 200, []string{}, 0, ""},
			{"Blank", "/statements/searchable/signatures?q=", 200, nil, 6, ""},
			// While the list is hidden, the count is of everyone: the count
			// of a search would tell who signed.
			{"Hidden", "/statements/quiet-search/signatures?q=escondida", 200, []string{}, 2, ""},
			{"TooLong", "/statements/searchable/signatures?q=" + strings.Repeat("x", 201), 422, nil, 0, "Use at most 200 characters."},
			{"ControlCharacter", "/statements/searchable/signatures?q=casa%00", 422, nil, 0, "Use only letters, numbers, spaces and punctuation."},
			{"NotUTF8", "/statements/searchable/signatures?q=casa%FF", 422, nil, 0, "Use only letters, numbers, spaces and punctuation."},
		}
		c := app.client(t)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := a.call(t, c, http.MethodGet, tt.target, "", "")
				pubStatus(t, res, tt.status)
				body := pubJSON(t, res)
				if tt.problem != "" {
					fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
					if got := fields["q"]; got != tt.problem || len(fields) != 1 {
						t.Errorf("fields %v, want q: %q", fields, tt.problem)
					}
					return
				}
				if got := int(body["total"].(float64)); got != tt.wantTotal {
					t.Errorf("total %d, want %d", got, tt.wantTotal)
				}
				if tt.want == nil {
					return
				}
				orgs := []string{}
				for _, s := range body["signatures"].([]any) {
					sig := s.(map[string]any)
					orgs = append(orgs, sig["organization"].(string))
					if pubHasKey(sig, "email") || pubHasKey(sig, "status") || pubHasKey(sig, "source") {
						t.Errorf("a signature shows a private field: %v", sig)
					}
				}
				if !reflect.DeepEqual(orgs, tt.want) {
					t.Errorf("organizations %q, want %q", orgs, tt.want)
				}
			})
		}

		c.lang = "es"
		res := a.call(t, c, http.MethodGet, "/statements/searchable/signatures?q="+strings.Repeat("x", 201), "", "")
		fields, _ := pubJSON(t, res)["error"].(map[string]any)["fields"].(map[string]any)
		if got := fields["q"]; got != "Usa como máximo 200 caracteres." {
			t.Errorf("Spanish problem %q", got)
		}
	})
}
