package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// The sign limit's table holds one row per recent client network and no
// more: the clean-up job, run at start and hourly, deletes the rows whose
// allowance is whole again, which mean the same as none.
func TestCleanUp_SignAllowances(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db, url := storetest.OpenURL(t, dialect)
			ctx := context.Background()
			t0 := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
			for _, client := range []string{"192.0.2.1", "192.0.2.2", "2001:db8:1:2::/64"} {
				if ok, err := db.TakeSignAllowance(ctx, client, 60, t0); err != nil || !ok {
					t.Fatalf("take %s: %v, %v", client, ok, err)
				}
			}
			// One taken later, whose allowance is not whole yet at the
			// clean-up's time.
			if ok, err := db.TakeSignAllowance(ctx, "198.51.100.7", 1, t0.Add(90*time.Minute)); err != nil || !ok {
				t.Fatalf("take: %v, %v", ok, err)
			}
			const count = "SELECT count(*) FROM sign_allowances"
			if n := storetest.Count(t, url, count); n != 4 {
				t.Fatalf("%d allowances stored, want 4", n)
			}

			startWith(t, db, "", jobs.Config{Now: func() time.Time { return t0.Add(2 * time.Hour) }})
			deadline := time.Now().Add(time.Minute)
			for storetest.Count(t, url, count) != 1 {
				if time.Now().After(deadline) {
					t.Fatalf("%d allowances left after the clean-up, want the one not yet whole", storetest.Count(t, url, count))
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
