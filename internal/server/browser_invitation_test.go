package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/signon"
)

// TestBrowser_InvitationSignsInOneClick: a coordinator invites a member;
// the member opens the link from the email on a phone, finds the form
// filled in, presses Sign, and the organization is on the public list at
// once, as the statement approves its members without review.
func TestBrowser_InvitationSignsInOneClick(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "letter", func(s *signon.Statement) { s.Approval = signon.ApprovalNonMembers })
		m := app.addMember(t, signon.MemberInput{Name: "Casa de la Raza", ContactName: "Ana López", Email: "ana@casadelaraza.example.org",
			City: "El Paso", Region: "Texas", Website: "casadelaraza.example.org"})
		res := app.coordinator(t).postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID), url.Values{"member": {fmt.Sprint(m.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.Status, res.Body)
		}
		link := app.Mail(t).To(t, "ana@casadelaraza.example.org").Link("/i/")
		if link == "" {
			t.Fatal("the invitation has no link")
		}

		member := newBrowser(t)
		run(t, member, "open the invitation on a phone",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(app.URL+sitePath(t, link)),
			chromedp.WaitVisible(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
		)
		screenshot(t, member, "invitation-form-phone")
		for name, want := range map[string]string{
			"organization": "Casa de la Raza", "signer_name": "Ana López", "email": "ana@casadelaraza.example.org",
			"city": "El Paso", "region": "US-TX", "website": "https://casadelaraza.example.org",
		} {
			var got string
			run(t, member, "read "+name, chromedp.Value(`[name="`+name+`"]`, &got, chromedp.ByQuery))
			if got != want {
				t.Errorf("the invitation's form has %s = %q, want %q", name, got, want)
			}
		}
		run(t, member, "sign",
			chromedp.Click(`#authorized`, chromedp.ByQuery), // the affirmation of authority
			chromedp.Click(`form[action$="/sign"] button[type="submit"]`, chromedp.ByQuery),
			waitForURL(regexp.MustCompile(`/my/[^?]+\?signed=1$`)),
			chromedp.WaitVisible(`#signed`, chromedp.ByQuery),
		)
		screenshot(t, member, "invitation-signed-phone")
		run(t, member, "back to the letter",
			chromedp.Navigate(app.URL+"/s/letter"),
			chromedp.WaitVisible(`#signatories`, chromedp.ByQuery),
		)
		list := textOf(t, member, "#signatories")
		for _, want := range []string{"Casa de la Raza", "Texas"} {
			if !strings.Contains(list, want) {
				t.Errorf("public signatories section lacks %q:\n%s", want, list)
			}
		}
	})
}
