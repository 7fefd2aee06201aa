package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// invite stores an invitation of email by the admin by, with token hash
// hash, made at t0, and its email.
func invite(t *testing.T, db *store.DB, email, hash string, role signon.Role, by int64) *signon.AccountInvitation {
	t.Helper()
	inv, err := signon.NewAccountInvitation(signon.InvitationInput{Email: email, Role: role, Language: "en"}, hash, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InviteAccount(context.Background(), inv, inviteEmail(inv.Email), by); err != nil {
		t.Fatalf("InviteAccount(%s) = %v", email, err)
	}
	return inv
}

func inviteEmail(to string) *signon.Email {
	return &signon.Email{Kind: signon.EmailAccountInvite, ToAddress: to, Language: "en", Subject: "Join us", TextBody: "Follow the link.", HTMLBody: "<p>Follow the link.</p>"}
}

// pendingEmails lists the emails of the pending invitations.
func pendingEmails(t *testing.T, db *store.DB) []string {
	t.Helper()
	list, err := db.PendingAccountInvitations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, inv := range list {
		out = append(out, inv.Email)
	}
	return out
}

func outboxCount(t *testing.T, db *store.DB) int {
	t.Helper()
	_, n, err := db.Emails(context.Background(), signon.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func accountEvents(t *testing.T, db *store.DB) []string {
	t.Helper()
	list, err := db.AccountEvents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestInvitationService(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()

			t.Run("Invite", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				inv := invite(t, db, " Luz@Example.org ", "hash-1", signon.RoleCoordinator, admin.ID)
				if inv.Email != "luz@example.org" || inv.InvitedBy == nil || *inv.InvitedBy != admin.ID {
					t.Errorf("stored %+v", inv)
				}
				got, err := db.AccountInvitationByToken(ctx, "hash-1", t0)
				if err != nil || !reflect.DeepEqual(got, inv) {
					t.Fatalf("AccountInvitationByToken() = %+v, %v; want %+v", got, err, inv)
				}
				if !got.ExpiresAt.Equal(stored(t0.Add(signon.InvitationLifetime))) || !got.CreatedAt.Equal(stored(t0)) {
					t.Errorf("times %v, %v", got.ExpiresAt, got.CreatedAt)
				}
				if got := pendingEmails(t, db); !reflect.DeepEqual(got, []string{"luz@example.org"}) {
					t.Errorf("pending = %v", got)
				}
				list, _, err := db.Emails(ctx, signon.EmailFilter{})
				if err != nil || len(list) != 1 || list[0].Kind != signon.EmailAccountInvite || list[0].ToAddress != "luz@example.org" {
					t.Errorf("outbox = %+v, %v; want the invitation", list, err)
				}
				if got := accountEvents(t, db); !reflect.DeepEqual(got, []string{"account.invite luz@example.org (coordinator)"}) {
					t.Errorf("events = %q", got)
				}
			})

			t.Run("ErrEmailTaken", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				createAccount(t, db, "luz@example.org")
				inv, err := signon.NewAccountInvitation(signon.InvitationInput{Email: "LUZ@example.org", Role: signon.RoleAdmin, Language: "es"}, "hash-1", t0)
				if err != nil {
					t.Fatal(err)
				}
				err = db.InviteAccount(ctx, inv, inviteEmail("luz@example.org"), admin.ID)
				wantCode(t, err, signon.ECONFLICT)
				if f := signon.ErrorFields(err); f["email"].Code != signon.ProblemTaken {
					t.Errorf("fields = %v, want email taken", f)
				}
				if inv.InvitedBy != nil {
					t.Errorf("failed invitation left %+v, want it as given", inv)
				}
				if p, n, ev := pendingEmails(t, db), outboxCount(t, db), accountEvents(t, db); len(p) != 0 || n != 0 || len(ev) != 0 {
					t.Errorf("after a refused invitation: pending %v, %d emails, events %q; want nothing", p, n, ev)
				}
			})

			t.Run("Replace", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				invite(t, db, "luz@example.org", "old", signon.RoleCoordinator, admin.ID)
				invite(t, db, "other@example.org", "other", signon.RoleCoordinator, admin.ID)
				invite(t, db, "luz@example.org", "new", signon.RoleAdmin, admin.ID)
				_, err := db.AccountInvitationByToken(ctx, "old", t0)
				wantCode(t, err, signon.ENOTFOUND)
				got, err := db.AccountInvitationByToken(ctx, "new", t0)
				if err != nil || got.Role != signon.RoleAdmin {
					t.Errorf("new invitation = %+v, %v", got, err)
				}
				if got := pendingEmails(t, db); len(got) != 2 {
					t.Errorf("pending = %v, want one per email", got)
				}
				if n := outboxCount(t, db); n != 3 {
					t.Errorf("%d emails, want 3", n)
				}
				a := &signon.Account{Name: "Luz", PasswordHash: "x"}
				wantCode(t, db.AcceptAccountInvitation(ctx, "old", a, t0), signon.ENOTFOUND)
			})

			t.Run("Revoke", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				invite(t, db, "luz@example.org", "hash-1", signon.RoleCoordinator, admin.ID)
				if err := db.RevokeAccountInvitation(ctx, " LUZ@example.org", admin.ID); err != nil {
					t.Fatal(err)
				}
				_, err := db.AccountInvitationByToken(ctx, "hash-1", t0)
				wantCode(t, err, signon.ENOTFOUND)
				if got := pendingEmails(t, db); len(got) != 0 {
					t.Errorf("pending = %v", got)
				}
				wantCode(t, db.RevokeAccountInvitation(ctx, "luz@example.org", admin.ID), signon.ENOTFOUND)
				wantCode(t, db.AcceptAccountInvitation(ctx, "hash-1", &signon.Account{Name: "Luz", PasswordHash: "x"}, t0), signon.ENOTFOUND)
				want := []string{"account.invite luz@example.org (coordinator)", "account.revoke luz@example.org"}
				if got := accountEvents(t, db); !reflect.DeepEqual(got, want) {
					t.Errorf("events = %q, want %q", got, want)
				}
			})

			t.Run("Accept", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				invite(t, db, "luz@example.org", "hash-1", signon.RoleAdmin, admin.ID)
				// The email and role come from the invitation, whatever the
				// account says.
				a := &signon.Account{Email: "someone@else.org", Name: "Luz", Role: signon.RoleCoordinator, PasswordHash: "$argon2id$x"}
				at := t0.Add(time.Hour)
				if err := db.AcceptAccountInvitation(ctx, "hash-1", a, at); err != nil {
					t.Fatal(err)
				}
				got, err := db.AccountByEmail(ctx, "luz@example.org")
				if err != nil || got.ID != a.ID || got.Role != signon.RoleAdmin || got.Name != "Luz" || got.DisabledAt != nil {
					t.Fatalf("account = %+v, %v", got, err)
				}
				// Single use.
				_, err = db.AccountInvitationByToken(ctx, "hash-1", at)
				wantCode(t, err, signon.ENOTFOUND)
				wantCode(t, db.AcceptAccountInvitation(ctx, "hash-1", &signon.Account{Name: "Again", PasswordHash: "x"}, at), signon.ENOTFOUND)
				if got := pendingEmails(t, db); len(got) != 0 {
					t.Errorf("pending after acceptance = %v", got)
				}
				want := []string{"account.invite luz@example.org (admin)", "account.accept luz@example.org (admin)"}
				if got := accountEvents(t, db); !reflect.DeepEqual(got, want) {
					t.Errorf("events = %q, want %q", got, want)
				}
				// An accepted email cannot be invited again: it has an account.
				inv, _ := signon.NewAccountInvitation(signon.InvitationInput{Email: "luz@example.org", Role: signon.RoleCoordinator, Language: "en"}, "hash-2", at)
				wantCode(t, db.InviteAccount(ctx, inv, inviteEmail("luz@example.org"), admin.ID), signon.ECONFLICT)
			})

			t.Run("Expired", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				inv := invite(t, db, "luz@example.org", "hash-1", signon.RoleCoordinator, admin.ID)
				if _, err := db.AccountInvitationByToken(ctx, "hash-1", inv.ExpiresAt.Add(-time.Second)); err != nil {
					t.Errorf("a second before expiry: %v", err)
				}
				_, err := db.AccountInvitationByToken(ctx, "hash-1", inv.ExpiresAt)
				wantCode(t, err, signon.ENOTFOUND)
				if signon.ErrorKey(err) != "accounts.invite.invalid" {
					t.Errorf("key = %q", signon.ErrorKey(err))
				}
				wantCode(t, db.AcceptAccountInvitation(ctx, "hash-1", &signon.Account{Name: "Luz", PasswordHash: "x"}, inv.ExpiresAt), signon.ENOTFOUND)
				if _, err := db.AccountByEmail(ctx, "luz@example.org"); signon.ErrorCode(err) != signon.ENOTFOUND {
					t.Errorf("an expired invitation made an account: %v", err)
				}
				// Still listed, so the admin sees it expired and can invite again.
				if got := pendingEmails(t, db); len(got) != 1 {
					t.Errorf("pending = %v", got)
				}
			})

			t.Run("AcceptAfterAccountCreated", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				invite(t, db, "luz@example.org", "hash-1", signon.RoleCoordinator, admin.ID)
				createAccount(t, db, "luz@example.org")
				err := db.AcceptAccountInvitation(ctx, "hash-1", &signon.Account{Name: "Luz", PasswordHash: "x"}, t0)
				wantCode(t, err, signon.ECONFLICT)
				// Rolled back: the invitation is still pending.
				if _, err := db.AccountInvitationByToken(ctx, "hash-1", t0); err != nil {
					t.Errorf("invitation after a failed acceptance: %v", err)
				}
			})

			t.Run("ConcurrentAccept", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				admin := createAccount(t, db, "admin@example.org")
				invite(t, db, "luz@example.org", "hash-1", signon.RoleCoordinator, admin.ID)
				const n = 4
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						errs[i] = db.AcceptAccountInvitation(ctx, "hash-1", &signon.Account{Name: "Luz", PasswordHash: "x"}, t0)
					})
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					switch signon.ErrorCode(err) {
					case "":
						ok++
					case signon.ENOTFOUND:
					default:
						t.Errorf("AcceptAccountInvitation() = %v", err)
					}
				}
				if ok != 1 {
					t.Errorf("%d acceptances succeeded, want 1", ok)
				}
			})
		})
	}
}
