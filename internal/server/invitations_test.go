package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
)

// mailTo waits for the nth message (from 1) to address.
func mailTo(t *testing.T, box *mailtest.Server, address string, n int) mailtest.Message {
	t.Helper()
	for range 3000 {
		var got []mailtest.Message
		for _, m := range box.Messages() {
			if len(m.To) == 1 && strings.EqualFold(m.To[0], address) {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("message %d to %s never arrived", n, address)
	return mailtest.Message{}
}

// sitePath is the path of a link in an email, which names the public
// address, on the test server.
func sitePath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != "signon.test" {
		t.Fatalf("link %q is not on the public address", link)
	}
	return u.RequestURI()
}

// formValues reads the values of the sign form's inputs from a page, as
// a browser would post them unchanged.
func signFormValues(t *testing.T, body string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, name := range []string{"organization", "signer_name", "signer_title", "email", "city", "website", "invitation"} {
		v.Set(name, inputValue(t, body, name))
	}
	v.Set("country", selectedValue(body, "country"))
	v.Set("region", selectedValue(body, "region"))
	v.Set("authorized", "true") // the signer checks the affirmation
	return v
}

func inputValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		t.Fatalf("no input %s on the page", name)
	}
	rest := body[i:]
	j := strings.Index(rest, `value="`)
	end := strings.Index(rest, ">")
	if j < 0 || j > end {
		return ""
	}
	rest = rest[j+len(`value="`):]
	return html.UnescapeString(rest[:strings.Index(rest, `"`)])
}

func selectedValue(body, name string) string {
	i := strings.Index(body, `name="`+name+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	rest = rest[:strings.Index(rest, "</select>")]
	j := strings.Index(rest, " selected>")
	if j < 0 {
		return ""
	}
	k := strings.LastIndex(rest[:j], `value="`)
	return rest[k+len(`value="`) : j-1]
}

func TestInvitations(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "letter", func(s *signon.Statement) { s.Approval = signon.ApprovalNonMembers })
		ana := app.addMember(t, signon.MemberInput{Name: "Red Migrante", ContactName: "Ana Gómez", Email: "ana@example.mx",
			Country: "MX", Region: "CHH", City: "Ciudad Juárez", Website: "redmigrante.example.mx", Language: "es"})
		bob := app.addMember(t, signon.MemberInput{Name: "Border Network", Region: "TX"}) // no email
		app.addMember(t, signon.MemberInput{Name: "Casa Carla", ContactName: "Carla Ruiz", Email: "carla@example.org", Region: "NM"})
		box := app.Mail(t)

		c := app.coordinator(t)
		page := fmt.Sprintf("/coordinate/statements/%d/members", st.ID)
		wantIn(t, c.get(fmt.Sprintf("/coordinate/statements/%d", st.ID)), http.StatusOK, `href="/coordinate/statements/`+fmt.Sprint(st.ID)+`/members"`)
		wantIn(t, c.get(page), http.StatusOK, "0 of 3 members signed", "Invite the 2 members not yet invited", "Chihuahua")

		// Nothing chosen: said so.
		wantIn(t, c.postForm(page[:len(page)-len("members")]+"invitations", url.Values{}), http.StatusUnprocessableEntity, "Tick the members to invite.")

		// Ana and Bob chosen: Bob has no address and is skipped.
		res := c.postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID),
			url.Values{"member": {fmt.Sprint(ana.ID), fmt.Sprint(bob.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.Status, res.Body)
		}
		wantIn(t, c.get(res.Header.Get("Location")), http.StatusOK, "1 invitation sent.", "1 member skipped")

		m := mailTo(t, box, "ana@example.mx", 1)
		if m.Language != "es" || !strings.Contains(m.Subject, "Invitación a firmar: Letter letter") ||
			!strings.Contains(m.Text, "Hola, Ana Gómez:") || !strings.Contains(m.HTML, "Leer y firmar") {
			t.Errorf("invitation: language %s, subject %q\n%s", m.Language, m.Subject, m.Text)
		}
		link := m.Link("/i/")
		if !strings.HasSuffix(link, "?lang=es") {
			t.Fatalf("invitation link %q", link)
		}

		// The link opens the sign form filled in for the member.
		signer := app.client(t)
		res = signer.get(sitePath(t, link))
		wantIn(t, res, http.StatusOK, "Estás firmando por Red Migrante", `value="Red Migrante"`, `value="Ana Gómez"`,
			`value="ana@example.mx"`, `value="Ciudad Juárez"`, `value="https://redmigrante.example.mx"`,
			`<option value="MX-CHH" selected>`, `name="invitation"`)
		if res.Header.Get("Referrer-Policy") != "no-referrer" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("invitation page headers: %v", res.Header)
		}
		form := signFormValues(t, res.Body)
		// The organization must stay the member's.
		changed := url.Values{}
		for k, v := range form {
			changed[k] = v
		}
		changed.Set("organization", "Otra Organización")
		changed.Set("signer_title", "Directora")
		wantIn(t, signer.postForm("/s/letter/sign", changed), http.StatusUnprocessableEntity,
			"Esta invitación es para una organización", `value="Otra Organización"`, `value="Directora"`)

		// Signing unchanged: a member, approved without review.
		res = signer.postForm("/s/letter/sign", form)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/my/") {
			t.Fatalf("sign through the invitation: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		sigs, _, err := app.DB.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{signon.SignatureApproved}})
		if err != nil || len(sigs) != 1 {
			t.Fatalf("approved signatures = %v, %v", sigs, err)
		}
		if s := sigs[0]; s.MemberID == nil || *s.MemberID != ana.ID || s.Source != signon.SourceInvite || s.ConfirmedAt == nil ||
			s.Organization != "Red Migrante" || s.Region != "MX-CHH" || s.SignerName != "Ana Gómez" {
			t.Errorf("signature = %+v", s)
		}
		wantIn(t, signer.get("/s/letter"), http.StatusOK, "Red Migrante")
		// The link again: already signed.
		wantIn(t, signer.get(sitePath(t, link)), http.StatusOK, "Red Migrante ya firmó esta declaración.")

		// Someone typing a member's name on the public form is linked to
		// the member but treated as anyone: waits for review.
		res = app.client(t).postForm("/s/letter/sign", url.Values{"organization": {"BORDER NETWORK"}, "signer_name": {"Someone"},
			"email": {"someone@example.org"}, "country": {"US"}, "region": {"US-TX"}, "authorized": {"true"}})
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "signed=pending") {
			t.Fatalf("public signature with a member's name: %d %s", res.Status, res.Header.Get("Location"))
		}
		pending, _, _ := app.DB.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{signon.SignaturePending}})
		if len(pending) != 1 || pending[0].MemberID == nil || *pending[0].MemberID != bob.ID || pending[0].Source != signon.SourceForm {
			t.Errorf("pending signatures = %+v", pending)
		}

		// Invite everyone not yet invited: Carla alone (Ana was, Bob has no address).
		wantIn(t, c.get(page), http.StatusOK, "2 of 3 members signed", "Invite the 1 member not yet invited")
		res = c.postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID), url.Values{"all": {"uninvited"}})
		if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.Contains(loc, "n=1") || !strings.Contains(loc, "sent=invite") {
			t.Fatalf("invite all: %d %s", res.Status, loc)
		}
		first := mailTo(t, box, "carla@example.org", 1)
		if first.Language != "en" || first.Subject != "Invitation to sign: Letter letter" || !strings.Contains(first.Text, "Dear Carla Ruiz,") {
			t.Errorf("Carla's invitation: %s %q\n%s", first.Language, first.Subject, first.Text)
		}

		// Reminders: Carla was just invited, so nobody now; a day later, her.
		remind := fmt.Sprintf("/coordinate/statements/%d/reminders", st.ID)
		res = c.postForm(remind, nil)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "sent=reminder") || !strings.Contains(loc, "n=0") || !strings.Contains(loc, "skipped=3") {
			t.Fatalf("reminders at once: %d %s", res.Status, loc)
		}
		app.Clock.Set(app.Clock.Now().Add(25 * time.Hour))
		res = c.postForm(remind, nil)
		if loc := res.Header.Get("Location"); !strings.Contains(loc, "n=1") {
			t.Fatalf("reminders a day later: %d %s", res.Status, loc)
		}
		wantIn(t, c.get(res.Header.Get("Location")), http.StatusOK, "1 reminder sent.")
		second := mailTo(t, box, "carla@example.org", 2)
		if second.Subject != "Reminder: sign Letter letter" || second.Link("/i/") == first.Link("/i/") {
			t.Errorf("reminder: %q, link %s (invitation's %s)", second.Subject, second.Link("/i/"), first.Link("/i/"))
		}
		events, _ := app.DB.StatementEvents(ctx, st.ID)
		if events[0].Action != "invitation.reminder" || events[0].Detail != "1" {
			t.Errorf("last event: %+v", events[0])
		}

		// A link of one statement does not sign another.
		app.openStatement(t, "other")
		other := signFormValues(t, app.client(t).get(sitePath(t, first.Link("/i/"))).Body)
		if res := app.client(t).postForm("/s/other/sign", other); res.Status != http.StatusNotFound {
			t.Errorf("an invitation used on another statement: %d, want 404", res.Status)
		}

		// Closed, the statement's links say so; unknown links are not found.
		if _, err := app.DB.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		wantIn(t, app.client(t).get(sitePath(t, second.Link("/i/"))), http.StatusOK, "This statement is closed")
		wantIn(t, c.postForm(remind, nil), http.StatusConflict, "Invitations and reminders go out only while the statement is open.")
		wantIn(t, app.client(t).get("/i/not-a-real-token"), http.StatusNotFound, "This invitation link is not valid.")
	})
}

// The invitation link proves access to the member's mailbox, not to an
// address typed over it on the form: that one is confirmed as anyone's is.
func TestInvitationConfirmsOnlyTheMembersAddress(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "letter", func(s *signon.Statement) {
			s.Approval, s.RequireConfirmation = signon.ApprovalNonMembers, true
		})
		ana := app.addMember(t, signon.MemberInput{Name: "Red Migrante", ContactName: "Ana Gómez", Email: "ana@example.mx", Country: "MX", Region: "CHH"})
		carla := app.addMember(t, signon.MemberInput{Name: "Casa Carla", ContactName: "Carla Ruiz", Email: "carla@example.org", Region: "NM"})
		box := app.Mail(t)
		res := app.coordinator(t).postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID),
			url.Values{"member": {fmt.Sprint(ana.ID), fmt.Sprint(carla.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.Status, res.Body)
		}

		sign := func(address, email string) string {
			t.Helper()
			signer := app.client(t)
			form := signFormValues(t, signer.get(sitePath(t, mailTo(t, box, address, 1).Link("/i/"))).Body)
			form.Set("email", email)
			res := signer.postForm("/s/letter/sign", form)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("sign through %s's invitation: %d\n%s", address, res.Status, res.Body)
			}
			return res.Header.Get("Location")
		}
		// The member's own address, in other capitals: confirmed, approved.
		if loc := sign("ana@example.mx", "Ana@Example.MX"); !strings.HasPrefix(loc, "/my/") {
			t.Errorf("with the member's address: %s, want approved", loc)
		}
		// Another address: a member still, but the address must be confirmed.
		if loc := sign("carla@example.org", "someone@example.net"); !strings.Contains(loc, "signed=unconfirmed") {
			t.Errorf("with another address: %s, want unconfirmed", loc)
		}
		sigs, _, err := app.DB.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{signon.SignatureUnconfirmed}})
		if err != nil || len(sigs) != 1 {
			t.Fatalf("unconfirmed signatures = %v, %v", sigs, err)
		}
		if s := sigs[0]; s.ConfirmedAt != nil || s.MemberID == nil || *s.MemberID != carla.ID || s.Source != signon.SourceInvite {
			t.Errorf("signature with another address = %+v", s)
		}
		// Confirmed, it is the member's: approved without review.
		confirm := mailTo(t, box, "someone@example.net", 1).Link("/confirm/")
		if confirm == "" {
			t.Fatal("no confirmation link sent to the address typed")
		}
		if res := app.client(t).postForm(sitePath(t, confirm), nil); !strings.Contains(res.Header.Get("Location"), "signed=approved") {
			t.Errorf("confirm: %d %s, want approved", res.Status, res.Header.Get("Location"))
		}
	})
}

// An invitation link proves only that its member was asked to sign:
// a signature through it that then names another organization on the
// signer's own page is no member's, goes through review as a new one
// would, and leaves the member free to sign through its link.
func TestInvitationOrganizationChangedOnOwnPage(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "letter", func(s *signon.Statement) {
			s.Approval, s.RequireConfirmation = signon.ApprovalNonMembers, true
		})
		carla := app.addMember(t, signon.MemberInput{Name: "Casa Carla", ContactName: "Carla Ruiz", Email: "carla@example.org", Region: "NM"})
		box := app.Mail(t)
		coord := app.coordinator(t)
		res := coord.postForm(fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID), url.Values{"member": {fmt.Sprint(carla.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", res.Status, res.Body)
		}
		invitation := sitePath(t, mailTo(t, box, "carla@example.org", 1).Link("/i/"))

		// Signed through the link with another address, then renamed
		// on the signer's own page before confirming.
		signer := app.client(t)
		form := signFormValues(t, signer.get(invitation).Body)
		form.Set("email", "someone@example.net")
		if res := signer.postForm("/s/letter/sign", form); !strings.Contains(res.Header.Get("Location"), "signed=unconfirmed") {
			t.Fatalf("sign: %d %s, want unconfirmed", res.Status, res.Header.Get("Location"))
		}
		sent := mailTo(t, box, "someone@example.net", 1)
		my := sitePath(t, sent.Link("/my/"))
		edit := url.Values{}
		for k, v := range form {
			edit[k] = v
		}
		edit.Del("invitation")
		edit.Set("organization", "Nobody's Roster Group")
		if res := signer.postForm(my, edit); res.Status != http.StatusSeeOther {
			t.Fatalf("rename: %d\n%s", res.Status, res.Body)
		}
		if res := app.client(t).postForm(sitePath(t, sent.Link("/confirm/")), nil); !strings.Contains(res.Header.Get("Location"), "signed=pending") {
			t.Errorf("confirm after the rename: %d %s, want pending", res.Status, res.Header.Get("Location"))
		}
		sigs, _, err := app.DB.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{
			signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved}})
		if err != nil || len(sigs) != 1 {
			t.Fatalf("signatures = %v, %v", sigs, err)
		}
		sig := sigs[0]
		if sig.Status != signon.SignaturePending || sig.MemberID != nil || sig.SignsAsMember() {
			t.Errorf("renamed signature = %+v, want pending and no member's", sig)
		}
		events, err := app.DB.StatementEvents(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		var update string
		for _, e := range events {
			if e.Action == "signature.update" {
				update = e.Detail
			}
		}
		if !strings.Contains(update, "Nobody's Roster Group") || !strings.Contains(update, `"member"`) {
			t.Errorf("signature.update event %q does not record the organization and the member left", update)
		}
		res = coord.get(fmt.Sprintf("/coordinate/statements/%d/review", st.ID))
		if !strings.Contains(html.UnescapeString(res.Body), "Nobody's Roster Group") {
			t.Errorf("the renamed signature is not in the review queue")
		}

		// The member itself can still sign through its link.
		res = app.client(t).get(invitation)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `name="invitation"`) {
			t.Errorf("the member's invitation after the rename: %d, want the sign form", res.Status)
		}
	})
}

// A signer's correction of a signature a coordinator approved goes back
// to review on a statement that reviews signatures.
func TestSignerCorrectionOfReviewedSignature(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "letter", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		box := app.Mail(t)
		signer := app.client(t)
		if res := signer.postForm("/s/letter/sign", pubSignValues("email", "ana@example.org")); !strings.Contains(res.Header.Get("Location"), "signed=pending") {
			t.Fatalf("sign: %d %s, want pending", res.Status, res.Header.Get("Location"))
		}
		sig := pubSignatures(t, app, st)[0]
		if err := app.DB.DecideSignatures(ctx, st.ID, []int64{sig.ID}, signon.SignatureApproved, "", app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		my := sitePath(t, mailTo(t, box, "ana@example.org", 1).Link("/my/"))
		if res := signer.postForm(my, pubSignValues("signer_name", "Someone Else")); res.Status != http.StatusSeeOther {
			t.Fatalf("correct: %d\n%s", res.Status, res.Body)
		}
		got, err := app.DB.SignatureByID(ctx, st.ID, sig.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != signon.SignaturePending || got.SignerName != "Someone Else" {
			t.Errorf("corrected = %s %q, want pending", got.Status, got.SignerName)
		}
	})
}
