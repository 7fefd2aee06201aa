package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// openLetter stores a letter and opens it at t0.
func openLetter(t testing.TB, db *store.DB, by int64, slug string) *signon.Statement {
	t.Helper()
	st := createStatement(t, db, by, slug)
	st, err := db.TransitionStatement(context.Background(), st.ID, signon.ActionOpen, nil, t0, by)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// mailer composes invitation emails for tests and remembers each token,
// by member, so a test can follow the link.
type mailer struct {
	mu     sync.Mutex
	tokens map[int64][]string
	fail   bool
}

func (ml *mailer) compose(m *signon.Member, kind, token string) (*signon.Email, error) {
	ml.mu.Lock()
	defer ml.mu.Unlock()
	if ml.fail {
		return nil, errors.New("template broken")
	}
	if ml.tokens == nil {
		ml.tokens = map[int64][]string{}
	}
	ml.tokens[m.ID] = append(ml.tokens[m.ID], token)
	return &signon.Email{Kind: kind, ToAddress: m.Email, Language: m.Language, Subject: kind + " " + m.Name,
		TextBody: "http://signon.test/i/" + token, HTMLBody: "<p>" + token + "</p>"}, nil
}

func (ml *mailer) sent(id int64) int {
	ml.mu.Lock()
	defer ml.mu.Unlock()
	return len(ml.tokens[id])
}

func TestMemberService_MemberStandings(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := openLetter(t, db, a.ID, "letter")
			other := openLetter(t, db, a.ID, "other")

			byID := createMember(t, db, "Alpha Linked")        // signed, linked by member id under another name
			byKey := createMember(t, db, "Bravo Collective")   // signed under its name, not linked
			pending := createMember(t, db, "Charlie Pending")  // waits for review: signed
			rejected := createMember(t, db, "Delta Rejected")  // rejected: not signed
			elsewhere := createMember(t, db, "Echo Elsewhere") // signed the other letter only
			mx := member(t, signon.MemberInput{Name: "Foxtrot Red", Country: "MX", Region: "CHH"})
			if err := db.CreateMember(ctx, mx); err != nil {
				t.Fatal(err)
			}
			linked := newSignature(st.ID, "Alpha Network (as typed)", "US-TX")
			linked.MemberID = &byID.ID
			if err := db.CreateSignature(ctx, linked, nil); err != nil {
				t.Fatal(err)
			}
			createSignature(t, db, st.ID, "BRAVO COLLECTIVE, Inc.", "US-TX", signon.SignatureApproved)
			createSignature(t, db, st.ID, "Charlie Pending", "US-TX", signon.SignaturePending)
			createSignature(t, db, st.ID, "Delta Rejected", "US-TX", signon.SignatureRejected)
			createSignature(t, db, other.ID, "Echo Elsewhere", "US-TX", signon.SignatureApproved)

			ml := &mailer{}
			now := t0.Add(time.Hour)
			if _, err := db.SendInvitations(ctx, st.ID, []int64{rejected.ID}, now, a.ID, ml.compose); err != nil {
				t.Fatal(err)
			}

			list, err := db.MemberStandings(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]bool{byID.ID: true, byKey.ID: true, pending.ID: true, rejected.ID: false, elsewhere.ID: false, mx.ID: false}
			if len(list) != len(want) {
				t.Fatalf("MemberStandings = %d members, want %d", len(list), len(want))
			}
			for _, m := range list {
				if m.Signed() != want[m.ID] {
					t.Errorf("%s: Signed() = %v, want %v", m.Name, m.Signed(), want[m.ID])
				}
				if (m.LastInvited != nil) != (m.ID == rejected.ID) {
					t.Errorf("%s: LastInvited = %v", m.Name, m.LastInvited)
				} else if m.LastInvited != nil && !m.LastInvited.Equal(stored(now)) {
					t.Errorf("%s: LastInvited = %v, want %v", m.Name, m.LastInvited, stored(now))
				}
			}
			if list[0].ID != byID.ID || list[0].Signature.ID != linked.ID {
				t.Errorf("first standing = %+v, want Alpha with its linked signature", list[0])
			}

			got := signon.TallyByRegion(list)
			wantTally := []signon.RegionTally{
				{Country: "US", Region: "US-TX", Members: 5, Signed: 3},
				{Country: "MX", Region: "MX-CHH", Members: 1, Signed: 0},
			}
			if fmt.Sprint(got) != fmt.Sprint(wantTally) {
				t.Errorf("TallyByRegion = %+v, want %+v", got, wantTally)
			}
		})
	}
}

func TestMemberService_SendInvitations(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := openLetter(t, db, a.ID, "letter")
			ana := createMember(t, db, "Casa Ana")
			signed := createMember(t, db, "Signed Already")
			silent := member(t, signon.MemberInput{Name: "No Address", Region: "TX"})
			if err := db.CreateMember(ctx, silent); err != nil {
				t.Fatal(err)
			}
			notChosen := createMember(t, db, "Not Chosen")
			createSignature(t, db, st.ID, "Signed Already", "US-TX", signon.SignaturePending)

			ml := &mailer{}
			now := t0.Add(time.Hour)
			ids := []int64{ana.ID, signed.ID, silent.ID}

			// A broken template stores nothing.
			ml.fail = true
			if _, err := db.SendInvitations(ctx, st.ID, ids, now, a.ID, ml.compose); err == nil {
				t.Fatal("SendInvitations with a failing compose = nil error")
			}
			if _, n, _ := db.Emails(ctx, signon.EmailFilter{}); n != 0 {
				t.Fatalf("%d emails after a failed round, want 0", n)
			}
			ml.fail = false

			res, err := db.SendInvitations(ctx, st.ID, ids, now, a.ID, ml.compose)
			if err != nil {
				t.Fatal(err)
			}
			if res != (signon.InvitationResult{Sent: 1, Skipped: 2}) {
				t.Errorf("SendInvitations = %+v, want 1 sent, 2 skipped", res)
			}
			if ml.sent(ana.ID) != 1 || ml.sent(signed.ID) != 0 || ml.sent(silent.ID) != 0 || ml.sent(notChosen.ID) != 0 {
				t.Errorf("composed emails: %v", ml.tokens)
			}
			emails, n, err := db.Emails(ctx, signon.EmailFilter{StatementID: st.ID})
			if err != nil || n != 1 {
				t.Fatalf("Emails = %d, %v; want 1", n, err)
			}
			if e := emails[0]; e.Kind != signon.EmailInvite || e.ToAddress != "info@example.org" || e.MemberID == nil || *e.MemberID != ana.ID || e.Status != signon.EmailQueued {
				t.Errorf("email = %+v", e)
			}
			events, err := db.StatementEvents(ctx, st.ID)
			if err != nil || events[0].Action != "invitation.invite" || events[0].Detail != "1" || events[0].AccountID == nil || *events[0].AccountID != a.ID {
				t.Errorf("last event = %+v, %v; want invitation.invite of 1 by the coordinator", events[0], err)
			}

			inv, err := db.InvitationByToken(ctx, ml.tokens[ana.ID][0])
			if err != nil {
				t.Fatal(err)
			}
			if inv.MemberID != ana.ID || inv.StatementID != st.ID || inv.Kind != signon.InvitationInvite || !inv.CreatedAt.Equal(stored(now)) ||
				inv.TokenHash == ml.tokens[ana.ID][0] || len(inv.TokenHash) != 64 {
				t.Errorf("InvitationByToken = %+v", inv)
			}
			wantCode(t, func() error { _, err := db.InvitationByToken(ctx, "not-a-token"); return err }(), signon.ENOTFOUND)

			// Within a day, the same member is not written to again.
			res, err = db.SendInvitations(ctx, st.ID, []int64{ana.ID}, now.Add(23*time.Hour), a.ID, ml.compose)
			if err != nil || res != (signon.InvitationResult{Skipped: 1}) {
				t.Errorf("second invitation within a day = %+v, %v; want skipped", res, err)
			}

			// A closed statement takes no invitations.
			if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, now, a.ID); err != nil {
				t.Fatal(err)
			}
			_, err = db.SendInvitations(ctx, st.ID, []int64{notChosen.ID}, now.Add(time.Minute), a.ID, ml.compose)
			wantCode(t, err, signon.ECONFLICT)
		})
	}
}

func TestMemberService_SendReminders(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := openLetter(t, db, a.ID, "letter")
			invited := createMember(t, db, "Invited Yesterday")
			fresh := createMember(t, db, "Never Written")
			createMember(t, db, "Signed Already")
			createSignature(t, db, st.ID, "Signed Already", "US-TX", signon.SignatureApproved)

			ml := &mailer{}
			start := t0.Add(time.Hour)
			if _, err := db.SendInvitations(ctx, st.ID, []int64{invited.ID}, start, a.ID, ml.compose); err != nil {
				t.Fatal(err)
			}
			// 23 hours later the invited member is left alone.
			res, err := db.SendReminders(ctx, st.ID, start.Add(23*time.Hour), a.ID, ml.compose)
			if err != nil || res != (signon.InvitationResult{Sent: 1, Skipped: 2}) {
				t.Fatalf("reminders after 23h = %+v, %v; want 1 sent (the member never written to), 2 skipped", res, err)
			}
			if ml.sent(fresh.ID) != 1 || ml.sent(invited.ID) != 1 {
				t.Errorf("composed: %v", ml.tokens)
			}
			// A day after the invitation, it may be reminded; the other was
			// reminded an hour ago.
			res, err = db.SendReminders(ctx, st.ID, start.Add(24*time.Hour), a.ID, ml.compose)
			if err != nil || res != (signon.InvitationResult{Sent: 1, Skipped: 2}) {
				t.Fatalf("reminders after 24h = %+v, %v; want 1 sent, 2 skipped", res, err)
			}
			if ml.sent(invited.ID) != 2 || ml.sent(fresh.ID) != 1 {
				t.Errorf("composed: %v", ml.tokens)
			}
			emails, _, _ := db.Emails(ctx, signon.EmailFilter{StatementID: st.ID})
			if len(emails) != 3 || emails[0].Kind != signon.EmailReminder || emails[2].Kind != signon.EmailInvite {
				t.Errorf("emails = %d, newest %s, oldest %s", len(emails), emails[0].Kind, emails[len(emails)-1].Kind)
			}
			events, _ := db.StatementEvents(ctx, st.ID)
			if events[0].Action != "invitation.reminder" || events[0].Detail != "1" {
				t.Errorf("last event = %+v, want invitation.reminder of 1", events[0])
			}
		})
	}
}

// TestMemberService_SendRemindersConcurrently has coordinators press the
// reminder button at the same moment: each member gets one reminder.
func TestMemberService_SendRemindersConcurrently(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := openLetter(t, db, a.ID, "letter")
			const members, coordinators = 12, 6
			var list []*signon.Member
			for i := range members {
				list = append(list, createMember(t, db, fmt.Sprintf("Member %02d", i)))
			}
			ml := &mailer{}
			now := t0.Add(time.Hour)
			results := make([]signon.InvitationResult, coordinators)
			errs := make([]error, coordinators)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range coordinators {
				wg.Go(func() {
					<-start
					results[i], errs[i] = db.SendReminders(ctx, st.ID, now, a.ID, ml.compose)
				})
			}
			close(start)
			wg.Wait()
			sent := 0
			for i := range coordinators {
				if errs[i] != nil {
					t.Fatalf("SendReminders %d: %v", i, errs[i])
				}
				sent += results[i].Sent
				if results[i].Sent+results[i].Skipped != members {
					t.Errorf("round %d: %+v, want every member sent or skipped", i, results[i])
				}
			}
			if sent != members {
				t.Errorf("%d reminders sent in all, want %d (one a member)", sent, members)
			}
			_, n, err := db.Emails(ctx, signon.EmailFilter{StatementID: st.ID})
			if err != nil || n != members {
				t.Errorf("%d emails stored, %v; want %d", n, err, members)
			}
			standings, err := db.MemberStandings(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range standings {
				if m.LastInvited == nil {
					t.Errorf("%s got no reminder", m.Name)
				}
			}
		})
	}
}
