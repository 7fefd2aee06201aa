package store_test

import (
	"context"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkEachSignature walks a million approved signatures in the
// order of the public list, the store's share of an export; the server's
// BenchmarkExportCSV measures the whole download.
func BenchmarkEachSignature(b *testing.B) {
	const n = 1_000_000
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, dialect)
			a := createAccount(b, db, "")
			st := createStatement(b, db, a.ID, "letter")
			if err := db.Exec(ctx, storetest.SignaturesSQL(dialect, st.ID, n)); err != nil {
				b.Fatal(err)
			}
			f := signon.SignatureFilter{StatementID: st.ID, ByRegion: true}
			b.ReportAllocs()
			for b.Loop() {
				rows := 0
				err := db.EachSignature(ctx, f, func(*signon.Signature) error {
					rows++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if rows != n {
					b.Fatalf("%d rows, want %d", rows, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
