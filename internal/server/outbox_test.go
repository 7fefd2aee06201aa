package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestOutbox(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		e := &signon.Email{Kind: signon.EmailConfirm, ToAddress: "ana@example.org", Language: "en",
			Subject: "Confirm <your> signature", TextBody: "Open http://signon.test/c/abc\n", HTMLBody: "<p>x</p>"}
		if err := app.DB.QueueEmail(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		if res := app.client(t).get("/coordinate/outbox"); res.Status != http.StatusSeeOther {
			t.Fatalf("outbox without a login: %d, want a redirect to the login", res.Status)
		}
		c := app.coordinator(t)
		res := c.get("/coordinate/outbox")
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Confirm &lt;your&gt; signature") ||
			!strings.Contains(res.Body, "ana@example.org") || !strings.Contains(res.Body, "Waiting") {
			t.Fatalf("outbox: %d\n%s", res.Status, res.Body)
		}
		res = c.get(fmt.Sprintf("/coordinate/outbox/%d", e.ID))
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "Open http://signon.test/c/abc") {
			t.Fatalf("outbox email: %d\n%s", res.Status, res.Body)
		}
		// Filters: the waiting email is not among the sent ones.
		res = c.get("/coordinate/outbox?status=sent")
		if res.Status != http.StatusOK || strings.Contains(res.Body, "ana@example.org") {
			t.Errorf("outbox of sent emails lists a waiting one: %d", res.Status)
		}
		// Once delivered, it says so.
		app.Mail(t).To(t, "ana@example.org")
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
			if got, _ := app.DB.EmailByID(context.Background(), e.ID); got.Status == signon.EmailSent {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the email was received but not recorded as sent")
			}
		}
		c.lang = "es"
		res = c.get("/coordinate/outbox?status=sent")
		if !strings.Contains(res.Body, "ana@example.org") || !strings.Contains(res.Body, "Enviado") {
			t.Errorf("sent email not listed as sent in Spanish:\n%s", res.Body)
		}
		res = c.get(fmt.Sprintf("/coordinate/outbox/%d", e.ID))
		if !strings.Contains(res.Body, "ya no llevan su clave") {
			t.Errorf("delivered email does not say its links were cut:\n%s", res.Body)
		}
	})
}

// An account invitation's link would make a coordinator an admin: the
// outbox shows it to admins only.
func TestOutboxAccountInvitationLinkAdminsOnly(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		admin := app.loginAs(t, "admin@example.org", signon.RoleAdmin)
		res := admin.postForm("/coordinate/accounts/invitations", url.Values{"email": {"luz@example.org"}, "role": {"admin"}, "language": {"en"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.Status, res.Body)
		}
		emails, _, err := app.DB.Emails(ctx, signon.EmailFilter{Page: 1, PerPage: 10})
		if err != nil || len(emails) != 1 || emails[0].Kind != signon.EmailAccountInvite {
			t.Fatalf("emails = %v, %v", emails, err)
		}
		page := fmt.Sprintf("/coordinate/outbox/%d", emails[0].ID)
		link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]{40,}`)

		res = app.coordinator(t).get(page)
		if res.Status != http.StatusOK || link.MatchString(res.Body) || !strings.Contains(res.Body, "shown only to administrators") {
			t.Errorf("a coordinator's view of the invitation: %d, link shown: %v\n%s", res.Status, link.MatchString(res.Body), res.Body)
		}
		res = admin.get(page)
		if res.Status != http.StatusOK || !link.MatchString(res.Body) || strings.Contains(res.Body, "shown only to administrators") {
			t.Errorf("an admin's view of the invitation: %d, link shown: %v", res.Status, link.MatchString(res.Body))
		}
	})
}
