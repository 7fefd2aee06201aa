package store_test

import (
	"context"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkSignatures100k reads the public list of a letter with 100,000
// approved signatures, beside another letter's 20,000, as the statement
// page does: the count by state, then a page of 100 with its total.
func BenchmarkSignatures100k(b *testing.B) {
	const n = 100_000
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, dialect)
			a := createAccount(b, db, "")
			st := createStatement(b, db, a.ID, "letter")
			other := createStatement(b, db, a.ID, "other")
			for _, seed := range []struct {
				id int64
				n  int
			}{{st.ID, n}, {other.ID, 20_000}} {
				if err := db.Exec(ctx, storetest.SignatoriesSQL(dialect, seed.id, seed.n)); err != nil {
					b.Fatal(err)
				}
			}
			// What the folder of a running server does within a second.
			if _, err := db.FoldSignatureCounts(ctx); err != nil {
				b.Fatal(err)
			}
			if dialect == store.Postgres {
				// What autovacuum does soon after a bulk of signatures:
				// statistics, and the visibility map index-only scans use.
				if err := db.Exec(ctx, "VACUUM ANALYZE signatures"); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("Stats", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					stats, err := db.SignatureStats(ctx, st.ID)
					if err != nil {
						b.Fatal(err)
					}
					if stats.Total != n {
						b.Fatalf("Total %d, want %d", stats.Total, n)
					}
				}
			})
			for _, bb := range []struct {
				name      string
				f         signon.SignatureFilter
				wantTotal int // -1: whatever the seed gives, but some
			}{
				{"FirstPage", signon.SignatureFilter{Page: 1}, n},
				{"LastPage", signon.SignatureFilter{Page: n / 100}, n},
				{"Region", signon.SignatureFilter{Region: "US-TX", Page: 2}, -1},
				{"SearchWord", signon.SignatureFilter{Query: "coalicion", Page: 1}, -1},
				{"SearchWordInRegion", signon.SignatureFilter{Query: "coalicion", Region: "US-TX", Page: 1}, -1},
				{"SearchOne", signon.SignatureFilter{Query: "99999", Page: 1}, 1},
				{"SearchNone", signon.SignatureFilter{Query: "zzz", Page: 1}, 0},
			} {
				b.Run(bb.name, func(b *testing.B) {
					f := bb.f
					f.StatementID, f.ByRegion, f.PerPage = st.ID, true, 100
					b.ReportAllocs()
					for b.Loop() {
						list, total, err := db.Signatures(ctx, f)
						if err != nil {
							b.Fatal(err)
						}
						if bb.wantTotal >= 0 && total != bb.wantTotal || bb.wantTotal < 0 && total == 0 || total > 0 && len(list) == 0 {
							b.Fatalf("%d of %d signatures, want a page of %d", len(list), total, bb.wantTotal)
						}
					}
				})
			}
		})
	}
}
