package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestTakeSignAllowance(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			take := func(t *testing.T, client string, limit int, at time.Time) bool {
				t.Helper()
				ok, err := db.TakeSignAllowance(ctx, client, limit, at)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}

			t.Run("BurstThenRefill", func(t *testing.T) {
				const limit = 4
				client := "192.0.2.10"
				// The whole hour's allowance may come at once.
				for i := range limit {
					if !take(t, client, limit, t0) {
						t.Fatalf("signature %d of %d refused", i+1, limit)
					}
				}
				if take(t, client, limit, t0.Add(time.Minute)) {
					t.Fatal("signature past the allowance accepted")
				}
				// One signature comes back every hour / limit.
				for _, tt := range []struct {
					after time.Duration
					want  bool
				}{
					{14 * time.Minute, false},
					{15 * time.Minute, true},
					{16 * time.Minute, false},
					{30 * time.Minute, true},
					// After a whole hour idle, the whole allowance again.
					{2 * time.Hour, true}, {2 * time.Hour, true}, {2 * time.Hour, true}, {2 * time.Hour, true},
					{2 * time.Hour, false},
				} {
					if got := take(t, client, limit, t0.Add(tt.after)); got != tt.want {
						t.Errorf("at t0+%v: allowed %v, want %v", tt.after, got, tt.want)
					}
				}
			})

			t.Run("ClientsApart", func(t *testing.T) {
				for _, client := range []string{"198.51.100.1", "198.51.100.2", "2001:db8:1::/64"} {
					if !take(t, client, 1, t0) {
						t.Errorf("%s: first signature refused", client)
					}
					if take(t, client, 1, t0) {
						t.Errorf("%s: second signature accepted with a limit of 1", client)
					}
				}
			})

			t.Run("NoLimitAllowsNothing", func(t *testing.T) {
				if take(t, "203.0.113.9", 0, t0) {
					t.Error("a limit of 0 allowed a signature; the server turns the limit off instead of calling")
				}
			})

			// Many signers of one network at once, as on several instances:
			// exactly the allowance gets through.
			t.Run("Concurrent", func(t *testing.T) {
				const limit, signers = 10, 40
				var allowed atomic.Int32
				var wg sync.WaitGroup
				for range signers {
					wg.Go(func() {
						ok, err := db.TakeSignAllowance(ctx, "203.0.113.50", limit, t0)
						if err != nil {
							t.Error(err)
						}
						if ok {
							allowed.Add(1)
						}
					})
				}
				wg.Wait()
				if got := allowed.Load(); got != limit {
					t.Errorf("%d of %d concurrent signatures allowed, want %d", got, signers, limit)
				}
			})

			t.Run("DeleteExpired", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				take := func(client string, at time.Time) {
					if ok, err := db.TakeSignAllowance(ctx, client, 60, at); err != nil || !ok {
						t.Fatalf("%s: %v, %v", client, ok, err)
					}
				}
				take("192.0.2.1", t0)                     // whole again at t0+1m
				take("192.0.2.2", t0.Add(10*time.Minute)) // whole again at t0+11m
				n, err := db.DeleteExpiredSignAllowances(ctx, t0.Add(5*time.Minute))
				if err != nil || n != 1 {
					t.Fatalf("DeleteExpiredSignAllowances = %d, %v; want 1", n, err)
				}
				// The deleted client starts whole: its allowance was anyway.
				for range 60 {
					take("192.0.2.1", t0.Add(5*time.Minute))
				}
			})
		})
	}
}

// BenchmarkTakeSignAllowance is the sign limit's cost on the sign path:
// one upsert per signature, from as many client networks as signers
// (Spread) or all from one (OneNetwork, a meeting's Wi-Fi, where every
// signer updates the same row).
func BenchmarkTakeSignAllowance(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect)
			ctx := context.Background()
			var n atomic.Int64
			b.Run("Spread", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						client := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
						if _, err := db.TakeSignAllowance(ctx, client, 120, time.Now()); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("OneNetwork", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := db.TakeSignAllowance(ctx, "192.0.2.77", 1_000_000, time.Now()); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}
