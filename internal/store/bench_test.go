package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// benchRegions are 40 regions of the three countries with catalogs.
var benchRegions = func() []string {
	var codes []string
	for _, country := range []string{"US", "MX", "CA"} {
		for _, r := range signon.RegionsOf(country) {
			codes = append(codes, r.Code)
		}
	}
	return codes[:40]
}()

func BenchmarkCreateSignature(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect)
			a := createAccount(b, db, "")
			st := createStatement(b, db, a.ID, "letter")
			ctx := context.Background()
			// The counter outlives each run (-count, -cpu and RunParallel's
			// ramp-up all rerun a function on this database), so every
			// organization is new.
			var n atomic.Int64
			b.Run("Serial", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					i := int(n.Add(1))
					sig := newSignature(st.ID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
					if err := db.CreateSignature(ctx, sig, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			// As the sign form stores one on a statement that asks for
			// confirmation: with the signer's two links and the email,
			// whose delivery job is inserted in the same transaction.
			b.Run("WithEmail", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					i := int(n.Add(1))
					sig := newSignature(st.ID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
					sig.Status = signon.SignatureUnconfirmed
					now := time.Now()
					tokens := []*signon.SignatureToken{
						signon.NewSignatureToken(fmt.Sprintf("confirm-%d", i), signon.TokenConfirm, now),
						signon.NewSignatureToken(fmt.Sprintf("manage-%d", i), signon.TokenManage, now),
					}
					e := &signon.Email{Kind: signon.EmailConfirm, ToAddress: sig.Email, Language: "en",
						Subject: "Confirm your signature", TextBody: strings.Repeat("text ", 200), HTMLBody: strings.Repeat("<p>html</p>", 200)}
					if err := db.CreateSignature(ctx, sig, tokens, e); err != nil {
						b.Fatal(err)
					}
				}
			})
			// A statement that approves at once and asks no confirmation,
			// as the sign form stored one before it stopped sending a
			// receipt: the private link and the receipt carrying it.
			b.Run("Receipt", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					i := int(n.Add(1))
					sig := newSignature(st.ID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
					e := &signon.Email{Kind: signon.EmailSignatureManaged, ToAddress: sig.Email, Language: "en",
						Subject: "Your signature", TextBody: strings.Repeat("text ", 200), HTMLBody: strings.Repeat("<p>html</p>", 200)}
					if err := db.CreateSignature(ctx, sig, manageLink(i), e); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The same signature as the sign form stores it now: the
			// private link, shown on the answer, and no email.
			b.Run("ManageLink", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					i := int(n.Add(1))
					sig := newSignature(st.ID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
					if err := db.CreateSignature(ctx, sig, manageLink(i)); err != nil {
						b.Fatal(err)
					}
				}
			})
			// Many signers at once, as when a letter goes out to a network:
			// one per processor, then 16 per processor (32 on two cores),
			// as the load tool's 32 clients.
			for _, p := range []int{1, 16} {
				name := "Parallel"
				if p > 1 {
					name = fmt.Sprintf("Parallel%dx", p)
				}
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism(p)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := int(n.Add(1))
							sig := newSignature(st.ID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
							if err := db.CreateSignature(ctx, sig, manageLink(i)); err != nil {
								b.Error(err)
								return
							}
						}
					})
				})
			}
		})
	}
}

// manageLink is signature i's private link to correct or withdraw it.
func manageLink(i int) []*signon.SignatureToken {
	return []*signon.SignatureToken{signon.NewSignatureToken(fmt.Sprintf("manage-%d", i), signon.TokenManage, time.Now())}
}

// BenchmarkSignatureStats reads the counts of a letter with 10,000
// approved signatures as the statement page does, from the rollup:
// Folded with every delta folded, Pending with a second's surge (1,000
// signatures) not yet folded, which a read sums as well.
func BenchmarkSignatureStats(b *testing.B) {
	const signatures, surge = 10_000, 1_000
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect)
			a := createAccount(b, db, "")
			st := createStatement(b, db, a.ID, "letter")
			seedSignatures(b, db, st.ID, 0, signatures)
			ctx := context.Background()
			if _, err := db.FoldSignatureCounts(ctx); err != nil {
				b.Fatal(err)
			}
			read := func(b *testing.B, want int) {
				b.ReportAllocs()
				for b.Loop() {
					stats, err := db.SignatureStats(ctx, st.ID)
					if err != nil {
						b.Fatal(err)
					}
					if stats.Total != want || len(stats.ByRegion) != len(benchRegions) {
						b.Fatalf("Total %d in %d regions, want %d in %d", stats.Total, len(stats.ByRegion), want, len(benchRegions))
					}
				}
			}
			b.Run("Folded", func(b *testing.B) { read(b, signatures) })
			seedSignatures(b, db, st.ID, signatures, surge)
			b.Run("Pending", func(b *testing.B) { read(b, signatures+surge) })
			b.Run("CountsVersion", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := db.CountsVersion(ctx, st.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// seedSignatures stores n approved signatures of statementID across
// benchRegions, numbered from first.
func seedSignatures(b *testing.B, db *store.DB, statementID int64, first, n int) {
	b.Helper()
	ctx := context.Background()
	for i := first; i < first+n; i++ {
		sig := newSignature(statementID, fmt.Sprintf("Organization %d", i), benchRegions[i%len(benchRegions)])
		if err := db.CreateSignature(ctx, sig, nil); err != nil {
			b.Fatal(err)
		}
	}
}
