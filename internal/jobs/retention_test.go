package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// The retention job runs when the workers start, on their clock: a
// statement closed longer ago than its retention loses its signers'
// emails, with an event by no account; one within it keeps them.
func TestEraseRetention(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			closed := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
			signed := func(slug string, months int) *signon.Signature {
				st := &signon.Statement{Slug: slug, Kind: signon.KindLetter, Title: "Letter", Body: "We ask…", Language: "en",
					Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen, RetentionMonths: months}
				if err := db.CreateStatement(ctx, st, 0); err != nil {
					t.Fatal(err)
				}
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, closed.Add(-time.Hour), 0); err != nil {
					t.Fatal(err)
				}
				sig, err := signon.SignatureInput{Organization: "Casa de la Raza", SignerName: "Ana Torres",
					Email: "ana@example.org", Country: "US", Region: "US-TX"}.Validate(st)
				if err != nil {
					t.Fatal(err)
				}
				sig.Status, sig.Source = signon.SignatureApproved, signon.SourceForm
				if err := db.CreateSignature(ctx, sig, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, closed, 0); err != nil {
					t.Fatal(err)
				}
				return sig
			}
			due := signed("past-retention", 0)
			kept := signed("within-retention", 12)

			startWith(t, db, "", jobs.Config{Now: func() time.Time { return closed.AddDate(0, 7, 0) }})
			deadline := time.Now().Add(time.Minute)
			for {
				sig, err := db.SignatureByID(ctx, due.StatementID, due.ID)
				if err != nil {
					t.Fatal(err)
				}
				if sig.ErasedAt != nil {
					if sig.Email != "" || sig.SignerName != "Ana Torres" {
						t.Errorf("erased signature: email %q, name %q", sig.Email, sig.SignerName)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the retention job did not erase within a minute")
				}
				time.Sleep(20 * time.Millisecond)
			}
			events, err := db.StatementEvents(ctx, due.StatementID)
			if err != nil {
				t.Fatal(err)
			}
			if e := events[0]; e.Action != store.ActionRetention || e.AccountID != nil || e.Detail == "" {
				t.Errorf("last event %+v, want %s by no account with counts", e, store.ActionRetention)
			}
			if sig, err := db.SignatureByID(ctx, kept.StatementID, kept.ID); err != nil || sig.ErasedAt != nil || sig.Email == "" {
				t.Errorf("statement within its retention: %+v, %v", sig, err)
			}
		})
	}
}
