package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestAPITokenService(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			b := createAccount(t, db, "")
			tok, err := signon.NewAPIToken(signon.APITokenInput{Name: " CRM  sync "}, a.ID, "hash-1", t0)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.CreateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if tok.Name != "CRM sync" {
				t.Errorf("name %q", tok.Name)
			}
			got, acct, err := db.APITokenAccount(ctx, "hash-1", t0)
			if err != nil || acct.ID != a.ID || got.LastUsedAt == nil || !got.LastUsedAt.Equal(stored(t0)) {
				t.Fatalf("APITokenAccount = %+v, %v, %v", got, acct, err)
			}
			if _, _, err := db.APITokenAccount(ctx, "hash-2", t0); err != signon.ErrInvalidAPIToken {
				t.Errorf("unknown token: %v", err)
			}
			wantCode(t, db.RevokeAPIToken(ctx, b.ID, tok.ID, t0), signon.ENOTFOUND)
			if err := db.RevokeAPIToken(ctx, a.ID, tok.ID, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.APITokenAccount(ctx, "hash-1", t0); err != signon.ErrInvalidAPIToken {
				t.Errorf("revoked token: %v", err)
			}
			list, err := db.APITokens(ctx, a.ID)
			if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
				t.Fatalf("APITokens = %+v, %v", list, err)
			}
			// A disabled account's tokens stop working.
			tok2, _ := signon.NewAPIToken(signon.APITokenInput{Name: "Other"}, b.ID, "hash-3", t0)
			if err := db.CreateAPIToken(ctx, tok2); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetAccountDisabled(ctx, b.ID, true, t0, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.APITokenAccount(ctx, "hash-3", t0); err != signon.ErrInvalidAPIToken {
				t.Errorf("token of a disabled account: %v", err)
			}
		})
	}
}
