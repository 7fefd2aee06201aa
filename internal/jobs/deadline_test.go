package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// A statement whose deadline has passed is recorded as closed by the
// periodic job, with the deadline as the moment it closed and an event
// by no account, and in the change log; one whose deadline is ahead
// stays open.
func TestClosePastDeadline(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			now := time.Now().UTC().Truncate(time.Second)
			open := func(slug string, closes time.Time) *signon.Statement {
				st := &signon.Statement{Slug: slug, Kind: signon.KindLetter, Title: "Letter", Body: "We ask…", Language: "en",
					Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
				if err := db.CreateStatement(ctx, st, 0); err != nil {
					t.Fatal(err)
				}
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, now.Add(-2*time.Hour), 0); err != nil {
					t.Fatal(err)
				}
				st.ClosesAt = &closes
				if err := db.UpdateStatement(ctx, st, 0); err != nil {
					t.Fatal(err)
				}
				return st
			}
			due := open("past-deadline", now.Add(-time.Hour))
			ahead := open("deadline-ahead", now.Add(time.Hour))

			start(t, db, "")
			deadline := time.Now().Add(time.Minute)
			for {
				got, err := db.StatementByID(ctx, due.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status == signon.StatusClosed {
					if got.ClosedAt == nil || !got.ClosedAt.Equal(*due.ClosesAt) {
						t.Errorf("closed at %v, want the deadline %v", got.ClosedAt, due.ClosesAt)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the statement past its deadline was not closed within a minute")
				}
				time.Sleep(20 * time.Millisecond)
			}
			events, err := db.StatementEvents(ctx, due.ID)
			if err != nil {
				t.Fatal(err)
			}
			closes := 0
			for _, e := range events {
				if e.Action == "statement.close" {
					closes++
					if e.AccountID != nil {
						t.Errorf("statement.close by account %d, want by no account", *e.AccountID)
					}
				}
			}
			if closes != 1 {
				t.Errorf("%d statement.close events, want 1", closes)
			}
			if got, _ := db.StatementByID(ctx, ahead.ID); got.Status != signon.StatusOpen {
				t.Errorf("statement with its deadline ahead is %s, want open", got.Status)
			}
			// The change log has the closing, as for a coordinator's.
			storetest.WaitForChanges(t, url)
			for _, c := range []struct {
				st   *signon.Statement
				want int
			}{{due, 1}, {ahead, 0}} {
				changes, _, err := db.ChangesSince(ctx, c.st.ID, signon.ChangeCursor{}, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(changes) != c.want || (c.want == 1 && changes[0].Kind != signon.ChangeStatementClosed) {
					t.Errorf("changes of %s = %+v, want %d statement.closed", c.st.Slug, changes, c.want)
				}
			}
		})
	}
}
