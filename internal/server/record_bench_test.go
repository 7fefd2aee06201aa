package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkRecord measures the published record of a statement with
// 3,000 signatories, built afresh and canonicalized at each request.
func BenchmarkRecord(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect)
			st := app.openStatement(b, "bench-record")
			seedSignatures(b, app, st, 3000)
			for _, a := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
				if _, err := app.DB.TransitionStatement(b.Context(), st.ID, a, nil, app.Clock.Now(), st.CreatedBy); err != nil {
					b.Fatal(err)
				}
			}
			url := app.URL + "/api/v1/statements/bench-record/record"
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := http.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("status %d", res.StatusCode)
				}
				b.SetBytes(n)
			}
		})
	}
}
