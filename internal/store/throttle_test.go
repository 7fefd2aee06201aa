package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	rule := signon.ThrottleRule{Limit: 2, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 4 * time.Minute}
	ipRule := signon.ThrottleRule{Limit: 3, Window: time.Hour, FirstLock: 10 * time.Minute, MaxLock: time.Hour}
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()

			t.Run("LockRefundClear", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				ana, other := signon.ThrottleKey{Key: "email:ana@example.org", Rule: rule}, signon.ThrottleKey{Key: "email:other@example.org", Rule: rule}
				ip := signon.ThrottleKey{Key: "ip:192.0.2.1", Rule: ipRule}
				take := func(name string, at time.Time, want signon.LoginAttempt, keys ...signon.ThrottleKey) {
					t.Helper()
					got, err := db.TakeLoginAttempt(ctx, at, keys...)
					if err != nil || got.Allowed != want.Allowed || !got.LockedUntil.Equal(want.LockedUntil) {
						t.Fatalf("%s: TakeLoginAttempt() = %+v, %v; want %+v", name, got, err, want)
					}
				}
				allowed := signon.LoginAttempt{Allowed: true}
				take("first", t0, allowed, ana, ip)
				a1 := t0.Add(time.Second)
				// The limit-th attempt is allowed, and locks what follows.
				take("second", a1, signon.LoginAttempt{Allowed: true, LockedUntil: stored(a1.Add(time.Minute))}, ana, ip)
				// During the lock an attempt is refused and counts under no
				// key: the address's count stays at two.
				take("during the lock", a1.Add(59*time.Second), signon.LoginAttempt{LockedUntil: stored(a1.Add(time.Minute))}, ana, ip)
				a2 := a1.Add(59 * time.Second)
				take("the address's third", a2, signon.LoginAttempt{Allowed: true, LockedUntil: stored(a2.Add(10 * time.Minute))}, other, ip)
				// Refused by the address alone, the answer is its lock, the
				// latest; the email's attempt is not counted either.
				take("address locked", a2, signon.LoginAttempt{LockedUntil: stored(a2.Add(10 * time.Minute))}, ana, ip)
				// After the email's lock, its next attempt locks twice as long.
				a3 := a1.Add(time.Minute)
				take("after the lock", a3, signon.LoginAttempt{Allowed: true, LockedUntil: stored(a3.Add(2 * time.Minute))}, ana)

				// A success forgets the email and gives the address its
				// attempt back: three attempts less one, so its next is the
				// third again, locking for the first lock's 10 minutes.
				if err := db.LoginSucceeded(ctx, []string{ana.Key}, []string{ip.Key}); err != nil {
					t.Fatal(err)
				}
				take("cleared", a3, allowed, ana)
				a4 := a2.Add(10 * time.Minute)
				take("refunded", a4, signon.LoginAttempt{Allowed: true, LockedUntil: stored(a4.Add(10 * time.Minute))}, ip)

				// A count is forgotten a window after the last attempt or the
				// end of the last lock: the email's (one attempt at a3) is,
				// so its next two count from one again.
				a5 := a3.Add(15 * time.Minute)
				take("forgotten", a5, allowed, ana)
				take("counting again", a5, signon.LoginAttempt{Allowed: true, LockedUntil: stored(a5.Add(time.Minute))}, ana)

				// Rows are deleted once forgotten: other's a window after
				// its attempt, then the email's a window after its lock,
				// the address's an hour after its lock.
				if n, err := db.DeleteExpiredLoginAttempts(ctx, a5); err != nil || n != 1 {
					t.Errorf("DeleteExpiredLoginAttempts() = %d, %v; want 1", n, err)
				}
				if n, err := db.DeleteExpiredLoginAttempts(ctx, a5.Add(16*time.Minute)); err != nil || n != 1 {
					t.Errorf("DeleteExpiredLoginAttempts(later) = %d, %v; want 1", n, err)
				}
				if n, err := db.DeleteExpiredLoginAttempts(ctx, a4.Add(70*time.Minute)); err != nil || n != 1 {
					t.Errorf("DeleteExpiredLoginAttempts(an hour later) = %d, %v; want 1", n, err)
				}
			})

			t.Run("ConcurrentAttempts", func(t *testing.T) {
				// Attempts at once are each counted before the next is
				// looked at: exactly the limit of them are allowed, however
				// many come, and keys named in any order never deadlock.
				db := storetest.Open(t, dialect)
				const limit, n = 4, 16
				a := signon.ThrottleKey{Key: "email:a@example.org", Rule: signon.ThrottleRule{Limit: limit, Window: time.Hour, FirstLock: time.Minute, MaxLock: time.Hour}}
				b := signon.ThrottleKey{Key: "ip:192.0.2.2", Rule: signon.ThrottleRule{Limit: 2 * n, Window: time.Hour, FirstLock: time.Minute, MaxLock: time.Hour}}
				var allowed atomic.Int64
				var wg sync.WaitGroup
				for i := range n {
					keys := []signon.ThrottleKey{a, b}
					if i%2 == 1 {
						keys = []signon.ThrottleKey{b, a}
					}
					wg.Go(func() {
						got, err := db.TakeLoginAttempt(ctx, t0, keys...)
						if err != nil {
							t.Errorf("TakeLoginAttempt() = %v", err)
						}
						if got.Allowed {
							allowed.Add(1)
						}
					})
				}
				wg.Wait()
				if got := allowed.Load(); got != limit {
					t.Errorf("%d attempts at once with limit %d: %d allowed", n, limit, got)
				}
			})
		})
	}
}
