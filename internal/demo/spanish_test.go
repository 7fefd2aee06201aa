package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/demo"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestSeed_SpanishTexts(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			now := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
			for i := range 2 { // the second run must not fail on the published response
				if err := demo.Seed(ctx, db, now); err != nil {
					t.Fatalf("Seed %d: %v", i+1, err)
				}
			}
			for slug, title := range map[string]string{
				demo.LetterSlug:   "Muestra: Carta a la Cumbre de Líderes de América del Norte",
				demo.ResponseSlug: "Muestra: Respuesta a la Cumbre de Líderes de América del Norte",
			} {
				st := statement(t, db, slug)
				list, err := db.Translations(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 1 || list[0].Language != "es" || list[0].Title != title {
					t.Fatalf("%s translations = %+v, want the Spanish text %q", slug, list, title)
				}
				// Sample data says so in both languages.
				if es := list[0]; !strings.HasPrefix(es.Summary, "DATOS DE MUESTRA.") || !strings.Contains(es.Body, "datos de muestra") {
					t.Errorf("%s: the Spanish text does not say it is sample data", slug)
				}
			}
		})
	}
}
