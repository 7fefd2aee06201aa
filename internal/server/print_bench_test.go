package server_test

import (
	"net/http"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkStatementPDF measures the PDF of a published statement with
// 3,000 signatories, from the request to the last byte, and the print
// page beside it.
func BenchmarkStatementPDF(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		app := newTestApp(b, dialect)
		st := app.openStatement(b, "bench-letter")
		seedSignatures(b, app, st, 3000)
		for _, a := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
			if _, err := app.DB.TransitionStatement(b.Context(), st.ID, a, nil, app.Clock.Now(), st.CreatedBy); err != nil {
				b.Fatal(err)
			}
		}
		for _, path := range []string{"/s/bench-letter/statement.pdf", "/s/bench-letter/print"} {
			b.Run(dialect+path, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					res, err := http.Get(app.URL + path)
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
	}
}
