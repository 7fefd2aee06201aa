package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestAccountService_CreateAccount(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("OK", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "ana@example.org")
				if a.ID == 0 || a.CreatedAt.IsZero() || a.CreatedAt.Location() != time.UTC {
					t.Errorf("created %+v, want an ID and a UTC CreatedAt", a)
				}
				for _, email := range []string{"ana@example.org", " Ana@Example.ORG "} {
					got, err := db.AccountByEmail(ctx, email)
					if err != nil {
						t.Fatalf("AccountByEmail(%q) = %v", email, err)
					}
					if !reflect.DeepEqual(got, a) {
						t.Errorf("AccountByEmail(%q) =\n%+v\nwant\n%+v", email, got, a)
					}
				}
				got, err := db.AccountByID(ctx, a.ID)
				if err != nil || !reflect.DeepEqual(got, a) {
					t.Errorf("AccountByID() = %+v, %v; want %+v", got, err, a)
				}
				_, err = db.AccountByID(ctx, a.ID+1)
				wantCode(t, err, signon.ENOTFOUND)
				_, err = db.AccountByEmail(ctx, "nobody@example.org")
				wantCode(t, err, signon.ENOTFOUND)
			})

			t.Run("ErrEmailTaken", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				createAccount(t, db, "ana@example.org")
				b := &signon.Account{Email: "ANA@example.org", Name: "Another Ana", Role: signon.RoleAdmin, PasswordHash: "x"}
				err := db.CreateAccount(ctx, b)
				wantCode(t, err, signon.ECONFLICT)
				if f := signon.ErrorFields(err); f["email"].Code != signon.ProblemTaken {
					t.Errorf("fields = %v, want email taken", f)
				}
				if b.ID != 0 || b.Email != "ANA@example.org" {
					t.Errorf("failed create left %+v, want the account as given", b)
				}
				if n, err := db.CountAccounts(ctx); err != nil || n != 1 {
					t.Errorf("CountAccounts() = %d, %v; want 1", n, err)
				}
			})
		})
	}
}

func TestAccountService_CreateFirstAdmin(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("Once", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := &signon.Account{Email: "ana@example.org", Name: "Ana", Role: signon.RoleCoordinator, PasswordHash: "x"}
				if err := db.CreateFirstAdmin(ctx, a); err != nil {
					t.Fatal(err)
				}
				if got, _ := db.AccountByID(ctx, a.ID); got == nil || got.Role != signon.RoleAdmin {
					t.Errorf("first account = %+v, want an admin", got)
				}
				b := &signon.Account{Email: "luis@example.org", Name: "Luis", Role: signon.RoleAdmin, PasswordHash: "x"}
				err := db.CreateFirstAdmin(ctx, b)
				wantCode(t, err, signon.ECONFLICT)
				if signon.ErrorKey(err) != "error.setup_done" {
					t.Errorf("error = %v, want error.setup_done", err)
				}
				if n, _ := db.CountAccounts(ctx); n != 1 {
					t.Errorf("CountAccounts() = %d, want 1", n)
				}
			})

			t.Run("Concurrent", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				const n = 8
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						a := &signon.Account{Email: fmt.Sprintf("admin%d@example.org", i), Name: "Admin", Role: signon.RoleAdmin, PasswordHash: "x"}
						errs[i] = db.CreateFirstAdmin(ctx, a)
					})
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					switch signon.ErrorCode(err) {
					case "":
						ok++
					case signon.ECONFLICT:
					default:
						t.Errorf("CreateFirstAdmin() = %v, want nil or ECONFLICT", err)
					}
				}
				if count, err := db.CountAccounts(ctx); ok != 1 || count != 1 {
					t.Errorf("%d succeeded, %d accounts (%v); want 1 and 1", ok, count, err)
				}
			})
		})
	}
}

func TestAccountService_Sessions(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "ana@example.org")
			b := createAccount(t, db, "luis@example.org")
			for _, s := range []*signon.Session{
				{TokenHash: "live", AccountID: a.ID, ExpiresAt: t0.Add(time.Hour)},
				{TokenHash: "expired", AccountID: a.ID, ExpiresAt: t0.Add(-time.Second)},
				{TokenHash: "edge", AccountID: a.ID, ExpiresAt: t0},
				{TokenHash: "disabled", AccountID: b.ID, ExpiresAt: t0.Add(time.Hour)},
			} {
				if err := db.CreateSession(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Exec(ctx, "UPDATE accounts SET disabled_at = ? WHERE id = ?", t0.UTC(), b.ID); err != nil {
				t.Fatal(err)
			}

			got, err := db.SessionAccount(ctx, "live", t0)
			if err != nil || !reflect.DeepEqual(got, a) {
				t.Fatalf("SessionAccount(live) = %+v, %v; want %+v", got, err, a)
			}
			// In another zone, the same instant.
			if _, err := db.SessionAccount(ctx, "live", t0.Add(59*time.Minute).In(time.FixedZone("JST", 9*3600))); err != nil {
				t.Errorf("SessionAccount(live, before expiry in JST) = %v", err)
			}
			for _, tt := range []struct {
				token string
				now   time.Time
			}{
				{"live", t0.Add(time.Hour)},
				{"expired", t0},
				{"edge", t0},
				{"disabled", t0},
				{"unknown", t0},
			} {
				_, err := db.SessionAccount(ctx, tt.token, tt.now)
				wantCode(t, err, signon.EUNAUTHORIZED)
			}

			n, err := db.DeleteExpiredSessions(ctx, t0)
			if err != nil || n != 2 {
				t.Errorf("DeleteExpiredSessions() = %d, %v; want 2 (expired, edge)", n, err)
			}
			if err := db.DeleteSession(ctx, "live"); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteSession(ctx, "live"); err != nil {
				t.Errorf("second DeleteSession() = %v, want nil", err)
			}
			_, err = db.SessionAccount(ctx, "live", t0)
			wantCode(t, err, signon.EUNAUTHORIZED)
			if n, err := db.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil || n != 1 {
				t.Errorf("DeleteExpiredSessions(later) = %d, %v; want 1 (disabled)", n, err)
			}
		})
	}
}

func TestAccountService_SetAccountDisabled(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			newAdmin := func(t *testing.T, db *store.DB, email string) *signon.Account {
				t.Helper()
				a := createAccount(t, db, email)
				if err := db.Exec(ctx, "UPDATE accounts SET role = 'admin' WHERE id = ?", a.ID); err != nil {
					t.Fatal(err)
				}
				a.Role = signon.RoleAdmin
				return a
			}

			t.Run("DisableEndsSessions", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := newAdmin(t, db, "admin@example.org")
				c := createAccount(t, db, "luz@example.org")
				if err := db.CreateSession(ctx, &signon.Session{TokenHash: "luz", AccountID: c.ID, ExpiresAt: t0.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
				got, err := db.SetAccountDisabled(ctx, c.ID, true, t0, admin.ID)
				if err != nil || got.DisabledAt == nil || !got.DisabledAt.Equal(stored(t0)) {
					t.Fatalf("SetAccountDisabled() = %+v, %v", got, err)
				}
				if a, _ := db.AccountByID(ctx, c.ID); a.DisabledAt == nil || !a.DisabledAt.Equal(stored(t0)) {
					t.Errorf("stored DisabledAt = %v", a.DisabledAt)
				}
				_, err = db.SessionAccount(ctx, "luz", t0)
				wantCode(t, err, signon.EUNAUTHORIZED)
				// Disabling twice changes nothing and records nothing.
				if _, err := db.SetAccountDisabled(ctx, c.ID, true, t0.Add(time.Minute), admin.ID); err != nil {
					t.Fatal(err)
				}
				got, err = db.SetAccountDisabled(ctx, c.ID, false, t0.Add(time.Hour), admin.ID)
				if err != nil || got.DisabledAt != nil {
					t.Fatalf("enable = %+v, %v", got, err)
				}
				// The session ended with the disabling; enabling does not
				// bring it back.
				_, err = db.SessionAccount(ctx, "luz", t0)
				wantCode(t, err, signon.EUNAUTHORIZED)
				want := []string{"account.disable luz@example.org", "account.enable luz@example.org"}
				if got := accountEvents(t, db); !reflect.DeepEqual(got, want) {
					t.Errorf("events = %q, want %q", got, want)
				}
				_, err = db.SetAccountDisabled(ctx, c.ID+100, true, t0, admin.ID)
				wantCode(t, err, signon.ENOTFOUND)
			})

			t.Run("NotOneself", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				a := newAdmin(t, db, "admin@example.org")
				newAdmin(t, db, "other@example.org")
				_, err := db.SetAccountDisabled(ctx, a.ID, true, t0, a.ID)
				wantCode(t, err, signon.ECONFLICT)
				if signon.ErrorKey(err) != "accounts.error.disable_self" {
					t.Errorf("key = %q", signon.ErrorKey(err))
				}
			})

			t.Run("LastAdmin", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				a := newAdmin(t, db, "a@example.org")
				b := newAdmin(t, db, "b@example.org")
				c := createAccount(t, db, "c@example.org")
				if _, err := db.SetAccountDisabled(ctx, b.ID, true, t0, a.ID); err != nil {
					t.Fatal(err)
				}
				// a is the last enabled admin: nobody disables it.
				_, err := db.SetAccountDisabled(ctx, a.ID, true, t0, c.ID)
				wantCode(t, err, signon.ECONFLICT)
				if signon.ErrorKey(err) != "accounts.error.last_admin" {
					t.Errorf("key = %q", signon.ErrorKey(err))
				}
				if got, _ := db.AccountByID(ctx, a.ID); got.DisabledAt != nil {
					t.Error("the last admin was disabled")
				}
				// Coordinators do not count, and may be disabled.
				if _, err := db.SetAccountDisabled(ctx, c.ID, true, t0, a.ID); err != nil {
					t.Errorf("disable coordinator: %v", err)
				}
				if _, err := db.SetAccountDisabled(ctx, b.ID, false, t0, a.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := db.SetAccountDisabled(ctx, a.ID, true, t0, b.ID); err != nil {
					t.Errorf("with two admins enabled, one may go: %v", err)
				}
			})

			t.Run("AdminsDisablingEachOther", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				a := newAdmin(t, db, "a@example.org")
				b := newAdmin(t, db, "b@example.org")
				var wg sync.WaitGroup
				errs := make([]error, 2)
				wg.Go(func() { _, errs[0] = db.SetAccountDisabled(ctx, b.ID, true, t0, a.ID) })
				wg.Go(func() { _, errs[1] = db.SetAccountDisabled(ctx, a.ID, true, t0, b.ID) })
				wg.Wait()
				ok := 0
				for _, err := range errs {
					if err == nil {
						ok++
					} else if signon.ErrorKey(err) != "accounts.error.last_admin" {
						t.Errorf("SetAccountDisabled() = %v", err)
					}
				}
				if ok != 1 {
					t.Errorf("%d of two admins disabling each other succeeded, want 1", ok)
				}
				list, err := db.Accounts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				enabled := 0
				for _, acct := range list {
					if acct.DisabledAt == nil {
						enabled++
					}
				}
				if len(list) != 2 || enabled != 1 {
					t.Errorf("%d accounts, %d enabled; want 2, 1", len(list), enabled)
				}
			})
		})
	}
}
