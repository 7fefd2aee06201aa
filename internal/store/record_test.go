package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// recordDigest is the digest of statement id's record as built now.
func recordDigest(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	rec, err := db.StatementRecord(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	return signon.RecordDigest(b)
}

func TestStatementService_Record(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			db.SetPublicURL("https://sign.example.org")
			a := createAccount(t, db, "")

			s := newStatement("final")
			// Only publication fixes a record, whatever a caller passes.
			s.RecordURL, s.RecordSHA256 = "https://elsewhere.example", "0000000000000000000000000000000000000000000000000000000000000000"
			if err := db.CreateStatement(ctx, s, a.ID); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.StatementByID(ctx, s.ID); got.RecordURL != "" || got.RecordSHA256 != "" {
				t.Errorf("new statement has record %q, %q; want none", got.RecordURL, got.RecordSHA256)
			}
			signVersion(t, db, s.ID, "Red Fronteriza", 1, signon.SignatureApproved)
			signVersion(t, db, s.ID, "Pending Group", 1, signon.SignaturePending)
			s.Body = "The final text."
			if err := db.UpdateStatement(ctx, s, a.ID); err != nil || s.Version != 2 {
				t.Fatalf("edit: Version %d, %v; want 2", s.Version, err)
			}
			signVersion(t, db, s.ID, "Casa del Migrante", 2, signon.SignatureApproved)

			for _, action := range []signon.Action{signon.ActionOpen, signon.ActionClose} {
				st, err := db.TransitionStatement(ctx, s.ID, action, nil, t0, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if st.RecordSHA256 != "" {
					t.Errorf("after %s, RecordSHA256 = %q, want none before publication", action, st.RecordSHA256)
				}
				_, err = db.StatementRecord(ctx, s.ID)
				wantCode(t, err, signon.ENOTFOUND)
			}
			published, err := db.TransitionStatement(ctx, s.ID, signon.ActionPublish, nil, t0, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if published.RecordURL != "https://sign.example.org/s/final" {
				t.Errorf("RecordURL = %q", published.RecordURL)
			}
			if len(published.RecordSHA256) != 64 {
				t.Fatalf("RecordSHA256 = %q, want 64 hex digits", published.RecordSHA256)
			}
			stored, err := db.StatementByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.RecordSHA256 != published.RecordSHA256 || stored.RecordURL != published.RecordURL {
				t.Errorf("stored record %q %q, returned %q %q", stored.RecordURL, stored.RecordSHA256, published.RecordURL, published.RecordSHA256)
			}
			if got := recordDigest(t, db, s.ID); got != stored.RecordSHA256 {
				t.Errorf("digest of the record now = %s, stored at publication %s", got, stored.RecordSHA256)
			}

			rec, err := db.StatementRecord(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Version != 2 || rec.Body != "The final text." || rec.URL != "https://sign.example.org/s/final" ||
				!rec.PublishedAt.Equal(t0.UTC().Truncate(time.Second)) || len(rec.Signatories) != 2 {
				t.Fatalf("record = %+v", rec)
			}
			// Same region, so by organization key.
			if rec.Signatories[0].Organization != "Casa del Migrante" || rec.Signatories[0].VersionSigned != 2 ||
				rec.Signatories[1].Organization != "Red Fronteriza" || rec.Signatories[1].VersionSigned != 1 {
				t.Errorf("signatories = %+v, want Casa del Migrante (version 2), Red Fronteriza (version 1)", rec.Signatories)
			}

			t.Run("Tampered", func(t *testing.T) {
				if err := db.Exec(ctx, "UPDATE signatures SET organization = 'Red Fronteriza Falsa' WHERE statement_id = ? AND organization = 'Red Fronteriza'", s.ID); err != nil {
					t.Fatal(err)
				}
				if got := recordDigest(t, db, s.ID); got == stored.RecordSHA256 {
					t.Errorf("digest after a signatory was renamed in the database = %s, the stored one; want a mismatch", got)
				}
			})

			t.Run("Missing", func(t *testing.T) {
				_, err := db.StatementRecord(ctx, 999999)
				wantCode(t, err, signon.ENOTFOUND)
			})
		})
	}
}
