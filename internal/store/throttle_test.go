package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	rule := signon.ThrottleRule{Limit: 2, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 4 * time.Minute}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()

			t.Run("LockAndClear", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				ana, ip := signon.ThrottleKey{Key: "email:ana@example.org", Rule: rule}, signon.ThrottleKey{Key: "ip:192.0.2.1", Rule: signon.ThrottleRule{Limit: 3, Window: time.Hour, FirstLock: 10 * time.Minute, MaxLock: time.Hour}}
				keys := []string{ana.Key, ip.Key}
				until, err := db.RecordLoginFailure(ctx, t0, ana, ip)
				if err != nil || !until.IsZero() {
					t.Fatalf("first failure: %v, %v; want no lock", until, err)
				}
				if until, err := db.LoginLockedUntil(ctx, keys, t0); err != nil || !until.IsZero() {
					t.Fatalf("LoginLockedUntil() = %v, %v; want zero", until, err)
				}
				at := t0.Add(time.Second)
				until, err = db.RecordLoginFailure(ctx, at, ana, ip)
				if err != nil || !until.Equal(stored(at.Add(time.Minute))) {
					t.Fatalf("second failure: %v, %v; want a lock of a minute", until, err)
				}
				for _, tt := range []struct {
					keys []string
					now  time.Time
					want time.Time
				}{
					{keys, at, stored(at.Add(time.Minute))},
					{[]string{ana.Key}, at.Add(59 * time.Second), stored(at.Add(time.Minute))},
					{[]string{ana.Key}, at.Add(time.Minute), time.Time{}},
					{[]string{ip.Key, "email:other@example.org"}, at, time.Time{}},
				} {
					if got, err := db.LoginLockedUntil(ctx, tt.keys, tt.now); err != nil || !got.Equal(tt.want) {
						t.Errorf("LoginLockedUntil(%v, %v) = %v, %v; want %v", tt.keys, tt.now, got, err, tt.want)
					}
				}
				// The address's third failure locks it longer than the email:
				// the later end is the answer.
				at2 := at.Add(time.Minute)
				until, err = db.RecordLoginFailure(ctx, at2, ana, ip)
				if err != nil || !until.Equal(stored(at2.Add(10*time.Minute))) {
					t.Fatalf("third failure: %v, %v; want the address's lock of 10 minutes", until, err)
				}
				if err := db.ClearLoginFailures(ctx, ana.Key); err != nil {
					t.Fatal(err)
				}
				if got, _ := db.LoginLockedUntil(ctx, []string{ana.Key}, at2); !got.IsZero() {
					t.Errorf("after clearing, locked until %v", got)
				}
				if got, _ := db.LoginLockedUntil(ctx, keys, at2); !got.Equal(stored(at2.Add(10 * time.Minute))) {
					t.Errorf("clearing the email cleared the address: %v", got)
				}
				// Cleared: one failure is again just one.
				if until, _ := db.RecordLoginFailure(ctx, at2, ana); !until.IsZero() {
					t.Errorf("first failure after clearing locked until %v", until)
				}

				// Rows are deleted once forgotten: the email's a window after
				// its failure, the address's a window after its lock.
				if n, err := db.DeleteExpiredLoginFailures(ctx, at2.Add(15*time.Minute)); err != nil || n != 1 {
					t.Errorf("DeleteExpiredLoginFailures() = %d, %v; want 1", n, err)
				}
				if n, err := db.DeleteExpiredLoginFailures(ctx, at2.Add(70*time.Minute)); err != nil || n != 1 {
					t.Errorf("DeleteExpiredLoginFailures(later) = %d, %v; want 1", n, err)
				}
			})

			t.Run("ConcurrentFailuresAllCount", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				const n = 8
				for _, tc := range []struct {
					key    string
					limit  int
					locked bool
				}{{"email:a@example.org", n, true}, {"email:b@example.org", n + 1, false}} {
					k := signon.ThrottleKey{Key: tc.key, Rule: signon.ThrottleRule{Limit: tc.limit, Window: time.Hour, FirstLock: time.Minute, MaxLock: time.Hour}}
					var wg sync.WaitGroup
					for range n {
						wg.Go(func() {
							if _, err := db.RecordLoginFailure(ctx, t0, k); err != nil {
								t.Errorf("RecordLoginFailure() = %v", err)
							}
						})
					}
					wg.Wait()
					until, err := db.LoginLockedUntil(ctx, []string{tc.key}, t0)
					if err != nil || until.IsZero() != !tc.locked {
						t.Errorf("%d failures at once with limit %d: locked until %v, %v; want locked %v", n, tc.limit, until, err, tc.locked)
					}
				}
			})
		})
	}
}
