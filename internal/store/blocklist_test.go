package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestDB_Blocklist(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			ctx := context.Background()
			acct := createAccount(t, db, "rosa@example.org")
			for _, in := range []signon.BlockInput{
				{Kind: "email", Value: "Troll@Example.com"},
				{Kind: "domain", Value: "blocked.org"},
				{Kind: "organization", Value: "Spam Group"},
			} {
				e, err := in.Validate()
				if err != nil {
					t.Fatal(err)
				}
				if err := db.AddBlockEntry(ctx, e, acct.ID); err != nil {
					t.Fatalf("AddBlockEntry(%+v) = %v", in, err)
				}
			}
			again, _ := signon.BlockInput{Kind: "organization", Value: "SPAM GROUP, Inc."}.Validate()
			wantCode(t, db.AddBlockEntry(ctx, again, acct.ID), signon.ECONFLICT)

			for _, tt := range []struct {
				sig  signon.Signature
				want bool
			}{
				{signon.Signature{Email: "troll@example.com"}, true},
				{signon.Signature{Email: "ana@mail.blocked.org"}, true},
				{signon.Signature{Email: "ana@notblocked.org"}, false},
				{signon.Signature{Email: "ana@example.org", Organization: "The Spam Group Inc."}, true},
				{signon.Signature{Email: "ana@example.org", Organization: "Spam Groups"}, false},
			} {
				got, err := db.Blocked(ctx, signon.BlockProbeOf(&tt.sig))
				if err != nil || got != tt.want {
					t.Errorf("Blocked(%s, %s) = %v, %v; want %v", tt.sig.Email, tt.sig.Organization, got, err, tt.want)
				}
			}

			list, err := db.Blocklist(ctx)
			if err != nil || len(list) != 3 {
				t.Fatalf("Blocklist() = %d entries, %v", len(list), err)
			}
			if err := db.RemoveBlockEntry(ctx, list[0].ID, acct.ID); err != nil {
				t.Fatal(err)
			}
			wantCode(t, db.RemoveBlockEntry(ctx, list[0].ID, acct.ID), signon.ENOTFOUND)
			events, err := db.BlocklistEvents(ctx, 10)
			if err != nil || len(events) != 4 || events[0].Action != signon.EventBlockRemove || events[0].StatementID != nil {
				t.Errorf("BlocklistEvents() = %d events, %v", len(events), err)
			}
		})
	}
}

func TestDB_SignatureAuthorityAndFlags(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			ctx := context.Background()
			acct := createAccount(t, db, "rosa@example.org")
			st := createStatement(t, db, acct.ID, "flags")
			at := time.Date(2026, 11, 2, 18, 30, 0, 123456789, time.UTC)
			flagged := newSignature(st.ID, "Grupo Gratis", "US-TX")
			flagged.AuthorityText, flagged.AuthorityLanguage, flagged.AuthorizedAt = "Tengo autorización.", "es", &at
			flagged.Flags = "blocklisted,free_mail"
			if err := db.CreateSignature(ctx, flagged, nil); err != nil {
				t.Fatal(err)
			}
			createSignature(t, db, st.ID, "Casa Propia", "US-TX", signon.SignatureApproved)
			got, err := db.SignatureByID(ctx, st.ID, flagged.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthorityText != "Tengo autorización." || got.AuthorityLanguage != "es" || got.AuthorizedAt == nil ||
				!got.AuthorizedAt.Equal(stored(at)) || got.Flags != "blocklisted,free_mail" {
				t.Errorf("stored authority %q %q %v, flags %q", got.AuthorityText, got.AuthorityLanguage, got.AuthorizedAt, got.Flags)
			}
			for flag, want := range map[signon.Flag]int{signon.FlagFreeMail: 1, signon.FlagAny: 1, signon.FlagDisposable: 0, "": 2, "mail": 0} {
				_, n, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Flag: flag})
				if err != nil || n != want {
					t.Errorf("Signatures(flag %q) = %d, %v; want %d", flag, n, err, want)
				}
			}
		})
	}
}

// TestDB_BlocklistCopy: an instance answers Blocked from its copy of the
// list. Its own changes count at once; another instance's, once its copy
// is a second old.
func TestDB_BlocklistCopy(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			other, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			probe := signon.BlockProbeOf(&signon.Signature{Email: "ana@spam.example"})
			blocked := func(db *store.DB) bool {
				t.Helper()
				got, err := db.Blocked(ctx, probe)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if blocked(db) || blocked(other) { // both copies now hold the empty list
				t.Fatal("blocked by an empty list")
			}
			e, _ := signon.BlockInput{Kind: "domain", Value: "spam.example"}.Validate()
			if err := db.AddBlockEntry(ctx, e, 0); err != nil {
				t.Fatal(err)
			}
			if !blocked(db) {
				t.Error("an entry added on this instance does not count at once")
			}
			deadline := time.Now().Add(10 * time.Second)
			for !blocked(other) {
				if time.Now().After(deadline) {
					t.Fatal("another instance never saw the entry")
				}
				time.Sleep(100 * time.Millisecond)
			}
			if err := db.RemoveBlockEntry(ctx, e.ID, 0); err != nil {
				t.Fatal(err)
			}
			if blocked(db) {
				t.Error("an entry removed on this instance still counts")
			}
		})
	}
}
