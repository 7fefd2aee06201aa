package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// An attempt is recorded before the hand-off and its outcome after it;
// an attempt begun again without an outcome says the email may have
// left already.
func TestEmailDelivery(t *testing.T) {
	t.Parallel()
	const link = "https://sign.example.org/confirm/hV3x0hZ4S6Vx0mE3fX8Qb2r1Yc7aL9nP0kT5uW2dJ4s"
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			e := &signon.Email{Kind: signon.EmailConfirm, ToAddress: "ana@example.org", Language: "es",
				Subject: "Confirma", TextBody: "Abre " + link, HTMLBody: `<a href="` + link + `">confirma</a>`}
			if err := db.QueueEmail(ctx, e); err != nil {
				t.Fatal(err)
			}

			got, resend, err := db.BeginDelivery(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if resend || got.Attempts != 1 || got.SendingSince == nil || got.Status != signon.EmailQueued || got.TextBody != e.TextBody {
				t.Fatalf("first attempt: resend %v, %+v", resend, got)
			}
			// A refusal recorded: the next attempt is an ordinary retry.
			if err := db.RecordDelivery(ctx, got, signon.EmailQueued, errors.New("451 try again later")); err != nil {
				t.Fatal(err)
			}
			got, resend, err = db.BeginDelivery(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if resend || got.Attempts != 2 || got.LastError != "451 try again later" {
				t.Fatalf("after a recorded refusal: resend %v, attempts %d, error %q", resend, got.Attempts, got.LastError)
			}
			// No outcome recorded (a crash after the hand-off): the next
			// attempt is told.
			got, resend, err = db.BeginDelivery(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !resend || got.Attempts != 3 || got.SendingSince == nil {
				t.Fatalf("after an unrecorded attempt: resend %v, attempts %d, sending since %v", resend, got.Attempts, got.SendingSince)
			}

			for range 2 { // a second record, after a lost answer, is harmless
				if err := db.RecordDelivery(ctx, got, signon.EmailSent, nil); err != nil {
					t.Fatal(err)
				}
			}
			sent, err := db.EmailByID(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sent.Status != signon.EmailSent || sent.SendingSince != nil || sent.SentAt == nil || sent.LastError != "" || sent.Attempts != 3 {
				t.Errorf("after delivery: %+v", sent)
			}
			if strings.Contains(sent.TextBody+sent.HTMLBody, link) {
				t.Errorf("the stored copy keeps the private link:\n%s\n%s", sent.TextBody, sent.HTMLBody)
			}
			// A delivered email begins no attempt.
			again, resend, err := db.BeginDelivery(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if resend || again.Status != signon.EmailSent || again.Attempts != 3 {
				t.Errorf("BeginDelivery on a sent email: resend %v, %+v", resend, again)
			}
			if _, _, err := db.BeginDelivery(ctx, e.ID+1000); signon.ErrorCode(err) != signon.ENOTFOUND {
				t.Errorf("BeginDelivery of a missing email = %v, want not found", err)
			}
		})
	}
}
