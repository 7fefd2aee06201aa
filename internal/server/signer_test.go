package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
)

// linkPath is the path of the first link in m containing part, on the
// test app rather than the public address the email names.
func linkPath(t *testing.T, m mailtest.Message, part string) string {
	t.Helper()
	link := m.Link(part)
	if link == "" {
		t.Fatalf("no %s link in the email:\n%s", part, m.Text)
	}
	path, ok := strings.CutPrefix(link, "http://signon.test")
	if !ok {
		t.Fatalf("link %s is not on the public address", link)
	}
	return path
}

// ownPage checks that res, the answer to a signature counted at once,
// sends the signer to their own page, whose address is the private link
// no email carries, and returns that address (with ?signed=1).
func ownPage(t *testing.T, res *response) string {
	t.Helper()
	pubStatus(t, res, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	if !regexp.MustCompile(`^/my/[A-Za-z0-9_-]{43}\?signed=1$`).MatchString(loc) {
		t.Fatalf("Location %q, want the signer's own page", loc)
	}
	return loc
}

// signerEmails are the emails stored for st's signatures, newest first.
func signerEmails(t *testing.T, app *testApp, st *signon.Statement) []*signon.Email {
	t.Helper()
	list, _, err := app.DB.Emails(context.Background(), signon.EmailFilter{StatementID: st.ID, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestConfirm_Flow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "confirm", func(s *signon.Statement) { s.RequireConfirmation = true })
		c := app.client(t)
		c.lang = "es"
		res := c.postForm("/s/confirm/sign", pubSignValues("email", "ana@example.org"))
		pubStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/s/confirm?signed=unconfirmed#signed" {
			t.Fatalf("redirect to %s", loc)
		}
		list := pubSignatures(t, app, st)
		if len(list) != 1 || list[0].Status != signon.SignatureUnconfirmed {
			t.Fatalf("stored %+v, want one unconfirmed", list)
		}
		// The thank-you asks to check the email and offers to send it again.
		res = c.get("/s/confirm?signed=unconfirmed")
		pageHas(t, res.Body, `action="/confirm/resend"`, `name="statement" value="confirm"`, "Revisa tu correo")

		m := app.Mail(t).To(t, "ana@example.org")
		if m.Language != "es" || !strings.Contains(m.Subject, "Confirma tu firma") || !strings.Contains(m.Subject, st.Title) {
			t.Errorf("email in %s, subject %q; want the Spanish confirmation", m.Language, m.Subject)
		}
		pageHas(t, m.Text, "Casa de la Raza", "7 días")
		confirm, manage := linkPath(t, m, "/confirm/"), linkPath(t, m, "/my/")
		if !strings.Contains(m.HTML, "Confirmar mi firma") || !strings.Contains(m.HTML, "http://signon.test"+confirm) {
			t.Errorf("HTML part lacks the button to %s:\n%s", confirm, m.HTML)
		}

		// GET shows what is confirmed and changes nothing: scanners follow links.
		for range 2 {
			res = c.get(confirm)
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, "Confirma tu firma", st.Title, "Casa de la Raza", "Test Coalition", "Confirmar mi firma", `name="_csrf"`)
		}
		if got := pubSignatures(t, app, st)[0].Status; got != signon.SignatureUnconfirmed {
			t.Fatalf("status after GET = %s, want still unconfirmed", got)
		}

		res = c.postForm(confirm, nil)
		pubStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/s/confirm?signed=approved#signed" {
			t.Errorf("after confirming, redirect to %s", loc)
		}
		if sig := pubSignatures(t, app, st)[0]; sig.Status != signon.SignatureApproved || sig.ConfirmedAt == nil {
			t.Errorf("after confirming: %s, confirmed %v; want approved", sig.Status, sig.ConfirmedAt)
		}
		res = c.get("/s/confirm")
		pageHas(t, res.Body, "Casa de la Raza")

		// Used, unknown: one page, offering a new email.
		for _, path := range []string{confirm, "/confirm/unknown-token"} {
			res = c.postForm(path, nil)
			pubStatus(t, res, http.StatusNotFound)
			pageHas(t, res.Body, "Este enlace no funciona", `action="/confirm/resend"`)
			res = c.get(path)
			pubStatus(t, res, http.StatusNotFound)
			pageHas(t, res.Body, "Este enlace no funciona")
		}
		// The private link came in the same email and works.
		pubStatus(t, c.get(manage), http.StatusOK)
	})
}

func TestConfirm_PendingAndClosed(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		reviewed := app.openStatement(t, "reviewed", func(s *signon.Statement) {
			s.RequireConfirmation, s.Approval = true, signon.ApprovalAll
		})
		c := app.client(t)
		res := c.postRaw("/api/v1/statements/reviewed/signatures", "application/json", pubSignJSON("email", "luis@example.org", "language", "en"))
		pubStatus(t, res, http.StatusCreated)
		if got := strings.TrimSpace(res.Body); got != `{"status":"unconfirmed","statement":"reviewed"}` {
			t.Errorf("API answer %s", got)
		}
		m := app.Mail(t).To(t, "luis@example.org")
		if m.Language != "en" || !strings.HasPrefix(m.Subject, "Confirm your signature") {
			t.Errorf("API signature's email: %s %q", m.Language, m.Subject)
		}
		res = c.postForm(linkPath(t, m, "/confirm/"), nil)
		pubStatus(t, res, http.StatusSeeOther)
		if got := pubSignatures(t, app, reviewed)[0].Status; got != signon.SignaturePending {
			t.Errorf("confirmed under review: %s, want pending", got)
		}

		closing := app.openStatement(t, "closing", func(s *signon.Statement) { s.RequireConfirmation = true })
		pubStatus(t, c.postForm("/s/closing/sign", pubSignValues("email", "rosa@example.org")), http.StatusSeeOther)
		m = app.Mail(t).To(t, "rosa@example.org")
		pubTransition(t, app, closing, signon.ActionClose)
		res = c.postForm(linkPath(t, m, "/confirm/"), nil)
		pubStatus(t, res, http.StatusConflict)
		pageHas(t, res.Body, "no longer open for signatures, so your signature can no longer be confirmed")
		if got := pubSignatures(t, app, closing)[0].Status; got != signon.SignatureUnconfirmed {
			t.Errorf("confirmed after closing: %s", got)
		}
	})
}

// An unconfirmed signature is nowhere the public looks.
func TestConfirm_UnconfirmedNeverPublic(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "hidden", func(s *signon.Statement) { s.RequireConfirmation = true })
		pubSeed(t, app, st, pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"})
		c := app.client(t)
		pubStatus(t, c.postForm("/s/hidden/sign", pubSignValues("organization", "Casa Escondida", "region", "US-NM")), http.StatusSeeOther)
		if list := pubSignatures(t, app, st); len(list) != 2 {
			t.Fatalf("%d signatures stored, want 2", len(list))
		}

		page := c.get("/s/hidden").Body
		pageHas(t, page, "Frontera Unida")
		pageLacks(t, page, "Casa Escondida")
		pageHas(t, pubText(page), "1 organization from 1 state")

		api := c.get("/api/v1/statements/hidden/signatures")
		if v := pubJSON(t, api); v["total"] != float64(1) || strings.Contains(api.Body, "Casa Escondida") {
			t.Errorf("API list: %s", api.Body)
		}
		stats := c.get("/api/v1/statements/hidden/stats")
		if v := pubJSON(t, stats); v["total"] != float64(1) || strings.Contains(stats.Body, "US-NM") {
			t.Errorf("API stats: %s", stats.Body)
		}
		detail := c.get("/api/v1/statements/hidden")
		if v := pubJSON(t, detail); v["signature_count"] != float64(1) {
			t.Errorf("API statement count: %v", v["signature_count"])
		}
		csv := c.get("/s/hidden/signatories.csv")
		pubStatus(t, csv, http.StatusOK)
		if !strings.Contains(csv.Body, "Frontera Unida") || strings.Contains(csv.Body, "Casa Escondida") {
			t.Errorf("CSV:\n%s", csv.Body)
		}
		home := c.get("/api/v1/statements")
		if !strings.Contains(home.Body, `"signature_count":1`) {
			t.Errorf("statement list: %s", home.Body)
		}
	})
}

// A second signature of an organization says "already signed" only when
// the public list shows the first; otherwise it looks like a new one.
func TestSign_NeverRevealsASignature(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		c := app.client(t)
		hiddenList := app.openStatement(t, "hidden-list", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		reviewed := app.openStatement(t, "reviewed", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		confirmed := app.openStatement(t, "confirmed", func(s *signon.Statement) { s.RequireConfirmation = true })
		listed := app.openStatement(t, "listed")

		for _, st := range []*signon.Statement{hiddenList, reviewed, confirmed} {
			t.Run(st.Slug, func(t *testing.T) {
				first := c.postForm("/s/"+st.Slug+"/sign", pubSignValues("email", "first@example.org"))
				pubStatus(t, first, http.StatusSeeOther)
				second := c.postForm("/s/"+st.Slug+"/sign", pubSignValues("organization", "CASA DE LA RAZA, Inc.", "email", "second@example.org"))
				if second.Status != first.Status || second.Header.Get("Location") != first.Header.Get("Location") {
					t.Errorf("form: second answered %d %s, first %d %s", second.Status, second.Header.Get("Location"), first.Status, first.Header.Get("Location"))
				}
				apiFirst := c.postRaw("/api/v1/statements/"+st.Slug+"/signatures", "application/json",
					pubSignJSON("organization", "Frontera Unida", "email", "third@example.org"))
				apiSecond := c.postRaw("/api/v1/statements/"+st.Slug+"/signatures", "application/json",
					pubSignJSON("organization", "frontera unida", "email", "fourth@example.org"))
				if apiSecond.Status != http.StatusCreated || apiSecond.Status != apiFirst.Status || apiSecond.Body != apiFirst.Body {
					t.Errorf("API: second answered %d %s, first %d %s", apiSecond.Status, apiSecond.Body, apiFirst.Status, apiFirst.Body)
				}
				pubWantCount(t, app, st, 2)
				for _, e := range signerEmails(t, app, st) {
					if e.ToAddress == "second@example.org" || e.ToAddress == "fourth@example.org" {
						t.Errorf("an email went to the second signer %s", e.ToAddress)
					}
				}
				if n := len(signerEmails(t, app, st)); n != 2 {
					t.Errorf("%d emails, want 2 (one per stored signature)", n)
				}
			})
		}

		t.Run("listed", func(t *testing.T) {
			pubStatus(t, c.postForm("/s/listed/sign", pubSignValues()), http.StatusSeeOther)
			res := c.postForm("/s/listed/sign", pubSignValues("organization", "casa de la raza", "email", "second@example.org"))
			pubStatus(t, res, http.StatusConflict)
			pageHas(t, res.Body, "This organization has already signed this statement.")
			res = c.postRaw("/api/v1/statements/listed/signatures", "application/json", pubSignJSON("email", "third@example.org"))
			pubAPIError(t, res, http.StatusConflict, "conflict")
			pubWantCount(t, app, listed, 1)
			if n := len(signerEmails(t, app, listed)); n != 0 {
				t.Errorf("%d emails, want none (the first signer's link was on its answer)", n)
			}
		})

		// A statement that counts at once and shows its list, where an
		// organization's standing signature is hidden (awaiting review
		// from before the policy changed): a second signature gets the
		// answer of a new one, private link included, and nothing is
		// stored; the link does not work.
		t.Run("hidden standing signature", func(t *testing.T) {
			st := app.openStatement(t, "policy-changed")
			waiting := &signon.Signature{StatementID: st.ID, SignerType: signon.SignerOrganization, Organization: "Casa de la Raza",
				OrgKey: signon.OrganizationKey("Casa de la Raza"), SignerName: "Ana", Email: "ana@example.org", Country: "US", Region: "US-TX",
				Language: "en", Status: signon.SignaturePending, Source: signon.SourceForm, StatementVersion: st.Version}
			if err := app.DB.CreateSignature(context.Background(), waiting, nil); err != nil {
				t.Fatal(err)
			}
			res := c.postForm("/s/policy-changed/sign", pubSignValues("email", "second@example.org"))
			pubStatus(t, c.get(ownPage(t, res)), http.StatusNotFound)
			api := c.postRaw("/api/v1/statements/policy-changed/signatures", "application/json", pubSignJSON("email", "third@example.org"))
			pubStatus(t, api, http.StatusCreated)
			if !strings.Contains(api.Body, `"status":"approved"`) || !strings.Contains(api.Body, `"manage_url":"http://signon.test/my/`) {
				t.Errorf("API answered %s, want a new signature's answer", api.Body)
			}
			if n := len(pubSignatures(t, app, st)); n != 1 {
				t.Errorf("%d signatures stored, want only the waiting one", n)
			}
			if n := len(signerEmails(t, app, st)); n != 0 {
				t.Errorf("%d emails, want none", n)
			}
		})
	})
}

func TestConfirm_Resend(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "resend", func(s *signon.Statement) { s.RequireConfirmation = true })
		c := app.client(t)
		pubStatus(t, c.postForm("/s/resend/sign", pubSignValues("email", "ana@example.org")), http.StatusSeeOther)

		const generic = "If a signature waiting for confirmation exists for this address, we have sent the email again."
		var bodies []string
		for _, to := range []string{"ana@example.org", "ANA@example.org", "nadie@example.org", "ana@example.org"} {
			res := c.postForm("/confirm/resend", url.Values{"email": {to}, "statement": {"resend"}})
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, generic)
			bodies = append(bodies, strings.ReplaceAll(res.Body, to, ""))
		}
		for i, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("answer %d differs from the first", i+2)
			}
		}
		// The first email and two more: the fourth request sent nothing.
		if n := len(signerEmails(t, app, st)); n != signon.ConfirmEmailsPerWindow {
			t.Errorf("%d confirmation emails, want %d", n, signon.ConfirmEmailsPerWindow)
		}
		// The newest email, read before delivery: once delivered, the
		// stored copy keeps no token.
		newest, working := signerEmails(t, app, st)[0].TextBody, 0
		msgs := app.Mail(t).Wait(t, signon.ConfirmEmailsPerWindow)
		// Only the newest link works; the invalid-link page offers the form again.
		var links []string
		for _, m := range msgs {
			links = append(links, linkPath(t, m, "/confirm/"))
		}
		for _, l := range links {
			res := c.get(l)
			if strings.Contains(newest, l) {
				working++
				pubStatus(t, res, http.StatusOK)
			} else {
				pubStatus(t, res, http.StatusNotFound)
				pageHas(t, res.Body, `action="/confirm/resend"`)
			}
		}
		if working != 1 {
			t.Errorf("%d links of the newest email, want 1", working)
		}

		// A mistyped address is said so, and kept.
		res := c.postForm("/confirm/resend", url.Values{"email": {"ana at example"}})
		pubStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, res.Body, `value="ana at example"`, `aria-invalid="true"`)
	})
}

func TestMySignature(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "mine")
		c := app.client(t)
		my := strings.TrimSuffix(ownPage(t, c.postForm("/s/mine/sign", pubSignValues("email", "ana@example.org"))), "?signed=1")

		res := c.get(my)
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Your signature", "Casa de la Raza", "Counted", "Correct your signature", "/withdraw", `<meta name="robots" content="noindex">`)
		if got := pubInputValue(t, res.Body, "city"); got != "El Paso" {
			t.Errorf("city field %q", got)
		}

		// A bad value: the form again, with what was typed.
		res = c.postForm(my, pubSignValues("city", "Las Cruces", "region", "US-NM", "website", "not a website", "signer_name", "Ana María Torres"))
		pubStatus(t, res, http.StatusUnprocessableEntity)
		if got := pubInputValue(t, res.Body, "city"); got != "Las Cruces" {
			t.Errorf("city kept as %q", got)
		}
		if got := pubInputValue(t, res.Body, "website"); got != "not a website" {
			t.Errorf("website kept as %q", got)
		}
		if got := pubSelected(t, res.Body, "region"); got != "US-NM" {
			t.Errorf("region kept as %q", got)
		}
		pubFieldError(t, res.Body, "website")
		if sig := pubSignatures(t, app, st)[0]; sig.City != "El Paso" {
			t.Errorf("a refused correction was stored: %+v", sig)
		}

		res = c.postForm(my, pubSignValues("city", "Las Cruces", "region", "US-NM", "signer_name", "Ana María Torres", "email", "evil@example.org"))
		pubStatus(t, res, http.StatusSeeOther)
		res = c.get(res.Header.Get("Location"))
		pageHas(t, res.Body, "Your changes are saved.")
		sig := pubSignatures(t, app, st)[0]
		if sig.City != "Las Cruces" || sig.Region != "US-NM" || sig.SignerName != "Ana María Torres" || sig.Email != "ana@example.org" {
			t.Errorf("corrected: %+v", sig)
		}
		events, _ := app.DB.StatementEvents(context.Background(), st.ID)
		if events[0].Action != "signature.update" || events[0].AccountID != nil || !strings.Contains(events[0].Detail, "Las Cruces") {
			t.Errorf("event %+v", events[0])
		}

		// Withdrawing asks first, then takes the signature off the list.
		res = c.get(my + "/withdraw")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Yes, withdraw my signature", "No, keep my signature")
		if got := pubSignatures(t, app, st)[0].Status; got != signon.SignatureApproved {
			t.Fatalf("the question withdrew the signature: %s", got)
		}
		pageHas(t, c.get("/s/mine").Body, "Casa de la Raza")
		res = c.postForm(my+"/withdraw", nil)
		pubStatus(t, res, http.StatusSeeOther)
		pageHas(t, c.get(res.Header.Get("Location")).Body, "Your signature is withdrawn.", "can no longer be changed")
		pageLacks(t, c.get("/s/mine").Body, "Casa de la Raza")
		if got := pubSignatures(t, app, st)[0].Status; got != signon.SignatureWithdrawn {
			t.Errorf("status %s, want withdrawn", got)
		}
		pubStatus(t, c.postForm(my, pubSignValues("city", "Austin")), http.StatusConflict)

		// After the statement closes, the page is read-only.
		other := strings.TrimSuffix(ownPage(t, c.postForm("/s/mine/sign", pubSignValues("email", "luis@example.org", "organization", "Frontera"))), "?signed=1")
		pubTransition(t, app, st, signon.ActionClose)
		res = c.get(other)
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Frontera", "changes are no longer possible")
		pageLacks(t, res.Body, "Correct your signature", "/withdraw")
		pubStatus(t, c.postForm(other+"/withdraw", nil), http.StatusConflict)

		res = c.get("/my/not-a-token")
		pubStatus(t, res, http.StatusNotFound)
		pageHas(t, res.Body, "This link does not work")
	})
}
