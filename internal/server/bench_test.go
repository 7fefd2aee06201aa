package server_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// seedSignatures stores n approved signatures spread over 18 states.
func seedSignatures(b testing.TB, app *testApp, st *signon.Statement, n int) {
	b.Helper()
	states := []string{"US-TX", "US-CA", "US-AZ", "US-NM", "US-IL", "US-NY", "US-FL", "US-GA", "US-NC",
		"US-WA", "US-OR", "US-CO", "US-NV", "US-MA", "US-NJ", "US-PA", "US-MN", "US-MI"}
	for i := 0; i < n; i++ {
		in := signon.SignatureInput{Organization: fmt.Sprintf("Organization %d", i), SignerName: "Signer",
			Email: fmt.Sprintf("s%d@example.org", i), Country: "US", Region: states[i%len(states)], City: "Springfield"}
		sig, err := in.Validate(st)
		if err != nil {
			b.Fatal(err)
		}
		sig.Status, sig.Source = signon.SignatureApproved, signon.SourceForm
		if err := app.DB.CreateSignature(context.Background(), sig, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatementPage measures the public statement page of a letter
// with 3,000 signatories, the page everyone opens from a shared link,
// rendered for every request (the test app turns the page cache off).
func BenchmarkStatementPage(b *testing.B) {
	benchmarkStatementPage(b)
}

// BenchmarkStatementPageCached is BenchmarkStatementPage with the page
// cache on as in production: one render a second on the real clock,
// shared by every reader, the rest served from memory.
func BenchmarkStatementPageCached(b *testing.B) {
	benchmarkStatementPage(b, func(cfg *server.Config) {
		cfg.PageCache = time.Second
		cfg.Now = time.Now
	})
}

func benchmarkStatementPage(b *testing.B, configure ...func(*server.Config)) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect, configure...)
			st := app.openStatement(b, "bench-letter")
			seedSignatures(b, app, st, 3000)
			url := app.URL + "/s/bench-letter"
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := http.Get(url)
					if err != nil {
						b.Error(err)
						return
					}
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
		})
	}
}
