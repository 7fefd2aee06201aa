package server_test

import (
	"net/http"
	"testing"

	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkStatementPageText measures the statement page of a letter with
// a Spanish text and 300 signatories, read in English (the primary text)
// and in Spanish (the translation): choosing the text costs one indexed
// query, which should not show against the signatory list.
func BenchmarkStatementPageText(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect)
			st := app.openStatement(b, "bench-letter")
			if err := app.DB.SaveTranslation(b.Context(), st.ID, trSpanish(), st.CreatedBy); err != nil {
				b.Fatal(err)
			}
			seedSignatures(b, app, st, 300)
			for _, lang := range []string{"en", "es"} {
				b.Run(lang, func(b *testing.B) {
					req, err := http.NewRequest(http.MethodGet, app.URL+"/s/bench-letter", nil)
					if err != nil {
						b.Fatal(err)
					}
					req.Header.Set("Accept-Language", lang)
					b.ReportAllocs()
					for b.Loop() {
						res, err := http.DefaultClient.Do(req)
						if err != nil {
							b.Fatal(err)
						}
						res.Body.Close()
						if res.StatusCode != http.StatusOK {
							b.Fatalf("status %d", res.StatusCode)
						}
					}
				})
			}
		})
	}
}
