package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
)

// The privacy notice says, in both languages, what is kept, why and for
// how long, with the real default retention.
func TestPrivacy_Notice(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		for _, tc := range []struct {
			lang string
			want []string
		}{
			{"en", []string{"Privacy notice", "What we keep", "Why", "For how long", "6 months",
				"your email address", "private link", "outbox", "internet address", "audit trail",
				"published record", "SHA-256", "erase", "authorized to sign on its behalf", "disposable", "webhooks (which carry none)"}},
			{"es", []string{"Aviso de privacidad", "Qué guardamos", "Para qué", "Por cuánto tiempo", "6 meses",
				"tu correo electrónico", "enlace privado", "bandeja de salida", "dirección de internet", "historial",
				"registro publicado", "SHA-256", "borra", "autorización para firmar en su nombre", "desechable", "webhooks (que no llevan ninguno)"}},
		} {
			c := app.client(t)
			c.lang = tc.lang
			res := c.get("/privacy")
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), tc.want...)
			pageLacks(t, html.UnescapeString(res.Body), "privacy.")
		}
	})
}

// privacyLink is the notice's link, in the footer of every page.
const privacyLink = `href="/privacy"`

// Every form a person fills in links to the notice: the sign form (next
// to its button too), the signer's own page, login, an invitation to
// join, and the coordinators' statement form, which sets the retention.
func TestPrivacy_LinkedFromForms(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		app.openStatement(t, "linked")
		ctx := context.Background()
		token := strings.Repeat("k", 43)
		inv, err := signon.NewAccountInvitation(signon.InvitationInput{Email: "new@example.org", Role: signon.RoleCoordinator, Language: "en"},
			privacyHash(token), app.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := app.DB.InviteAccount(ctx, inv, &signon.Email{Kind: signon.EmailAccountInvite, ToAddress: inv.Email, Language: "en",
			Subject: "Join", TextBody: "Join.", HTMLBody: "<p>Join.</p>"}, 0); err != nil {
			t.Fatal(err)
		}

		coord := app.coordinator(t)
		for _, lang := range []string{"en", "es"} {
			text := map[string]string{"en": "What we keep, why and for how long", "es": "Qué guardamos, para qué y por cuánto tiempo"}[lang]
			footer := map[string]string{"en": "Privacy notice", "es": "Aviso de privacidad"}[lang]
			signer := app.client(t)
			signer.lang = lang
			res := signer.get("/s/linked")
			assertStatus(t, res, http.StatusOK)
			form := res.Body[strings.Index(res.Body, `action="/s/linked/sign"`):]
			form = form[:strings.Index(form, "</form>")]
			pageHas(t, html.UnescapeString(form), privacyLink, text)

			own := ownPage(t, signer.postForm("/s/linked/sign", pubSignValues("organization", "Casa "+lang, "email", lang+"@example.org")))
			pages := map[string]*testClient{own: signer, "/login": app.client(t), "/invite/" + token: app.client(t)}
			for path, c := range pages {
				c.lang = lang
				res := c.get(path)
				assertStatus(t, res, http.StatusOK)
				pageHas(t, html.UnescapeString(res.Body), privacyLink, footer)
			}
			coord.lang = lang
			res = coord.get("/coordinate/statements/new")
			pageHas(t, html.UnescapeString(res.Body), privacyLink, `name="retention_months"`)
		}
	})
}

func privacyHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// A coordinator sets the retention on the statement form in months: a
// whole number from 0 to 120, empty for the default, with the problem
// said at the field in the form's language.
func TestPrivacy_RetentionSetting(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := coordCreate(t, c, coordWith(coordStatementValues(), "retention_months", "12"))
		if st.RetentionMonths != 12 || st.Retention() != 12 {
			t.Fatalf("retention %d (%d), want 12", st.RetentionMonths, st.Retention())
		}
		res := c.get(coordManagePath(st.ID) + "/edit")
		if got := inputValue(t, res.Body, "retention_months"); got != "12" {
			t.Errorf("edit form shows retention %q, want 12", got)
		}
		for _, tc := range []struct{ lang, value, want string }{
			{"en", "abc", "Enter a whole number of months from 0 to 120"},
			{"en", "121", "Enter a whole number of months from 0 to 120"},
			{"es", "-1", "Escribe un número entero de meses de 0 a 120"},
			{"es", "2.5", "Escribe un número entero de meses de 0 a 120"},
		} {
			c.lang = tc.lang
			values := coordWith(coordStatementValues(), "slug", st.Slug, "retention_months", tc.value)
			res := c.postForm(coordManagePath(st.ID), values)
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `id="retention_months-error"`, tc.want, `value="`+tc.value+`"`)
			if got := coordStatement(t, app, st.ID).RetentionMonths; got != 12 {
				t.Errorf("after %q: retention %d, want 12 unchanged", tc.value, got)
			}
		}
		c.lang = "en"
		res = c.postForm(coordManagePath(st.ID), coordWith(coordStatementValues(), "slug", st.Slug, "retention_months", ""))
		assertStatus(t, res, http.StatusSeeOther)
		if got := coordStatement(t, app, st.ID); got.RetentionMonths != 0 || got.Retention() != signon.DefaultRetentionMonths {
			t.Errorf("empty retention stored as %d (%d), want 0, the default of 6", got.RetentionMonths, got.Retention())
		}
	})
}

var confirmLink = regexp.MustCompile(`/confirm/[A-Za-z0-9_-]{43}`)
var manageLink = regexp.MustCompile(`/my/[A-Za-z0-9_-]{43}`)

// outboxLink is the first private link of the emails stored for st.
func outboxLink(t *testing.T, app *testApp, st *signon.Statement, to string, re *regexp.Regexp) string {
	t.Helper()
	for _, e := range signerEmails(t, app, st) {
		if e.ToAddress == to {
			if link := re.FindString(e.TextBody); link != "" {
				return link
			}
		}
	}
	t.Fatalf("no link %s in the emails to %s", re, to)
	return ""
}

// recordVerifies checks that the record the API serves now has the
// digest fixed at publication.
func recordVerifies(t *testing.T, app *testApp, st *signon.Statement, want ...string) {
	t.Helper()
	res := app.client(t).get("/api/v1/statements/" + st.Slug + "/record")
	assertStatus(t, res, http.StatusOK)
	sum := sha256.Sum256([]byte(res.Body))
	if st.RecordSHA256 == "" || hex.EncodeToString(sum[:]) != st.RecordSHA256 {
		t.Errorf("record's SHA-256 %x, want %s fixed at publication:\n%s", sum, st.RecordSHA256, res.Body)
	}
	pageHas(t, html.UnescapeString(res.Body), want...)
}

// personalData are the values of the signers in these tests that must
// not outlive an erasure anywhere but in the public list.
var personalData = []string{"ana@casadelaraza.example.org", "luz@frontera.example.org", "rojo@example.org", "Rosa Secreta"}

// assertNoPersonalData fails if an event of st quotes personal data.
func assertNoPersonalData(t *testing.T, app *testApp, st *signon.Statement, data ...string) {
	t.Helper()
	events, err := app.DB.StatementEvents(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		for _, d := range data {
			if strings.Contains(e.Detail, d) {
				t.Errorf("event %s quotes %q: %s", e.Action, d, e.Detail)
			}
		}
	}
}

// The daily job erases nothing before a statement's retention is over,
// and then exactly what the published record does not need: emails,
// private links, the outbox's copies, the names of signatures not in
// the public list, corrections quoted in the audit trail. The public
// list and the record, which still verifies, keep what they show; the
// audit trail says how many rows were touched, in both languages.
func TestPrivacy_RetentionJob(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		ctx := context.Background()
		st := app.openStatement(t, "retention", func(s *signon.Statement) { s.RequireConfirmation = true })
		longer := app.openStatement(t, "kept-longer", func(s *signon.Statement) { s.RetentionMonths = 12 })

		// Ana signs and confirms; Luz signs and never confirms.
		ana := app.client(t)
		ana.lang = "es"
		pubStatus(t, ana.postForm("/s/retention/sign", pubSignValues()), http.StatusSeeOther)
		pubStatus(t, ana.postForm(outboxLink(t, app, st, "ana@casadelaraza.example.org", confirmLink), nil), http.StatusSeeOther)
		manage := outboxLink(t, app, st, "ana@casadelaraza.example.org", manageLink)
		luz := app.client(t)
		pubStatus(t, luz.postForm("/s/retention/sign", pubSignValues("organization", "Frontera Unida",
			"signer_name", "Luz Ramos", "email", "luz@frontera.example.org")), http.StatusSeeOther)
		// A coordinator rejected one after correcting its signer's name.
		rejected := coordSign(t, app, st, "Red Fronteriza", "rojo@example.org", signon.SignaturePending)
		edit := signon.EditOf(rejected)
		edit.SignerName = "Rosa Secreta"
		if _, err := app.DB.UpdateSignature(ctx, st.ID, rejected.ID, edit, 0); err != nil {
			t.Fatal(err)
		}
		if err := app.DB.DecideSignatures(ctx, st.ID, []int64{rejected.ID}, signon.SignatureRejected, "", app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		kept := coordSign(t, app, longer, "Casa de la Raza", "ana@casadelaraza.example.org", signon.SignatureApproved)

		closed := app.Clock.Now()
		st = pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)
		pubTransition(t, app, longer, signon.ActionClose)
		recordVerifies(t, app, st, "Casa de la Raza", "Ana Torres")

		// A second before six months: nothing.
		erased, err := app.DB.ErasePastRetention(ctx, closed.AddDate(0, 6, 0).Add(-time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if len(erased) != 0 {
			t.Fatalf("before the retention is over, erased %+v", erased)
		}
		pubStatus(t, ana.get(manage), http.StatusOK)
		if sig := signatureOf(t, app, st, "Frontera Unida"); sig.Email != "luz@frontera.example.org" || sig.ErasedAt != nil {
			t.Fatalf("before the retention is over: %+v", sig)
		}

		app.Clock.Set(closed.AddDate(0, 6, 0))
		erased, err = app.DB.ErasePastRetention(ctx, app.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		got, ok := erased[st.ID]
		if !ok || len(erased) != 1 {
			t.Fatalf("erased %+v, want statement %d only (the other keeps 12 months)", erased, st.ID)
		}
		if got.Signatures != 3 || got.Tokens == 0 || got.Emails == 0 || got.Events != 1 {
			t.Errorf("counts %+v, want 3 signatures, their links and emails, 1 correction", got)
		}

		// What the public sees stays; the email goes.
		a := signatureOf(t, app, st, "Casa de la Raza")
		if a.Status != signon.SignatureApproved || a.Email != "" || a.ErasedAt == nil ||
			a.SignerName != "Ana Torres" || a.SignerTitle != "Director" || a.City != "El Paso" || a.Website == "" {
			t.Errorf("approved signature after erasure: %+v", a)
		}
		for _, org := range []string{"Frontera Unida", "Red Fronteriza"} {
			s := signatureOf(t, app, st, org)
			if s.Email != "" || s.SignerName != "" || s.SignerTitle != "" || s.City != "" || s.Website != "" ||
				s.ErasedAt == nil || s.Country != "US" || s.Region != "US-TX" {
				t.Errorf("signature of %s after erasure: %+v", org, s)
			}
		}
		for _, e := range signerEmails(t, app, st) {
			if e.ToAddress != "" || e.TextBody != "" || e.HTMLBody != "" {
				t.Errorf("email %d (%s) still holds %q", e.ID, e.Kind, e.ToAddress)
			}
		}
		pubStatus(t, ana.get(manage), http.StatusNotFound)
		recordVerifies(t, app, st, "Casa de la Raza", "Ana Torres")
		res := app.client(t).get("/s/retention")
		pageHas(t, html.UnescapeString(res.Body), "Casa de la Raza", "El Paso")
		assertNoPersonalData(t, app, st, personalData...)

		// The audit trail says it ran and how much it touched.
		actions := coordEventActions(t, app, st.ID)
		if actions[len(actions)-1] != store.ActionRetention {
			t.Errorf("last event %s, want %s", actions[len(actions)-1], store.ActionRetention)
		}
		coord := app.coordinator(t)
		for lang, want := range map[string][]string{
			"en": {"Erased personal data after the retention period", "signatures: 3"},
			"es": {"Borró datos personales al terminar el plazo de conservación", "firmas: 3"},
		} {
			coord.lang = lang
			res := coord.get(coordManagePath(st.ID) + "/audit")
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), want...)
			pageLacks(t, html.UnescapeString(res.Body), personalData...)
		}

		// Run again: nothing left, no new event. The other statement keeps
		// its data until its own twelve months are over.
		if again, err := app.DB.ErasePastRetention(ctx, app.Clock.Now()); err != nil || len(again) != 0 {
			t.Errorf("second run erased %+v (%v), want nothing", again, err)
		}
		if n := len(coordEventActions(t, app, st.ID)); n != len(actions) {
			t.Errorf("%d events after a second run, want %d", n, len(actions))
		}
		if s := signatureOf(t, app, longer, "Casa de la Raza"); s.Email == "" || s.ErasedAt != nil {
			t.Errorf("statement kept 12 months lost its data at 6: %+v", s)
		}
		erased, err = app.DB.ErasePastRetention(ctx, closed.AddDate(0, 12, 0))
		if err != nil {
			t.Fatal(err)
		}
		if erased[longer.ID].Signatures != 1 {
			t.Errorf("at 12 months erased %+v, want the signature of %d", erased, kept.ID)
		}
	})
}

// eraseForm posts an erasure with reason.
func eraseForm(c *testClient, st *signon.Statement, sig *signon.Signature, reason string) *response {
	c.t.Helper()
	return c.postForm(eraseURL(st, sig), url.Values{"reason": {reason}})
}

func eraseURL(st *signon.Statement, sig *signon.Signature) string {
	return coordManagePath(st.ID) + "/signatures/" + strconv.FormatInt(sig.ID, 10) + "/erase"
}

// An administrator erases one signature's personal data on request: a
// confirmation page, a required reason, and then the signature leaves
// the public list as a withdrawal does. A coordinator cannot. The audit
// event names the reason and the administrator, not the data.
func TestPrivacy_EraseOnRequest(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		ctx := context.Background()
		st := app.openStatement(t, "erase")
		signer := app.client(t)
		own := ownPage(t, signer.postForm("/s/erase/sign", pubSignValues()))
		sig := signatureOf(t, app, st, "Casa de la Raza")
		pageHas(t, app.client(t).get("/s/erase").Body, "Casa de la Raza")
		sigPage := coordManagePath(st.ID) + "/signatures/" + strconv.FormatInt(sig.ID, 10)

		coord := app.coordinator(t)
		pageLacks(t, html.UnescapeString(coord.get(sigPage).Body), "/erase")
		for _, res := range []*response{coord.get(eraseURL(st, sig)), eraseForm(coord, st, sig, "Asked by email")} {
			assertStatus(t, res, http.StatusForbidden)
			pageHas(t, html.UnescapeString(res.Body), "Only administrators can erase personal data.")
		}

		admin := app.loginAs(t, "privacy-admin@example.org", signon.RoleAdmin)
		admin.lang = "es"
		res := admin.get(sigPage)
		pageHas(t, html.UnescapeString(res.Body), `href="`+eraseURL(st, sig)+`"`, "Borrar datos personales")
		res = admin.get(eraseURL(st, sig))
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), `name="reason"`, `name="_csrf"`, "La firma se retirará", "No se puede deshacer")
		admin.lang = "en"
		res = admin.get(eraseURL(st, sig))
		pageHas(t, html.UnescapeString(res.Body), "The signature will be withdrawn", "This cannot be undone")

		// Without a reason, or without the form's token: nothing.
		for lang, want := range map[string]string{"en": "This field is required.", "es": "Este campo es obligatorio."} {
			admin.lang = lang
			res = eraseForm(admin, st, sig, "  ")
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `id="reason-error"`, want)
		}
		res = admin.postRaw(eraseURL(st, sig), "application/x-www-form-urlencoded", url.Values{"reason": {"Asked"}}.Encode())
		if res.Status != http.StatusForbidden && res.Status != http.StatusBadRequest {
			t.Errorf("without a CSRF token: status %d", res.Status)
		}
		if s := signatureOf(t, app, st, "Casa de la Raza"); s.ErasedAt != nil || s.Email == "" || s.Status != signon.SignatureApproved {
			t.Fatalf("refused erasures changed the signature: %+v", s)
		}

		admin.lang = "en"
		res = eraseForm(admin, st, sig, "Asked by the signer by email")
		assertStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != sigPage+"?done=erased" {
			t.Errorf("redirect to %q", loc)
		}
		res = admin.get(sigPage + "?done=erased")
		pageHas(t, html.UnescapeString(res.Body), "The signature's personal data has been erased.", "Personal data erased")
		pageLacks(t, html.UnescapeString(res.Body), "ana@casadelaraza.example.org", "Ana Torres", `href="`+eraseURL(st, sig)+`"`)

		s := signatureOf(t, app, st, "Casa de la Raza")
		if s.Status != signon.SignatureWithdrawn || s.WithdrawnAt == nil || s.ErasedAt == nil ||
			s.Email != "" || s.SignerName != "" || s.SignerTitle != "" || s.City != "" || s.Website != "" {
			t.Errorf("after erasure: %+v", s)
		}
		pubStatus(t, signer.get(strings.TrimSuffix(own, "?signed=1")), http.StatusNotFound)
		pageLacks(t, app.client(t).get("/s/erase").Body, "Casa de la Raza")
		pubWantPublicCount(t, app, st, 0)

		events, err := app.DB.StatementEvents(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := events[0]
		if e.Action != store.ActionErase || e.Detail != "Asked by the signer by email" || e.AccountID == nil ||
			*e.AccountID != accountID(t, app, "privacy-admin@example.org") || e.SignatureID == nil || *e.SignatureID != sig.ID {
			t.Errorf("erasure event %+v", e)
		}
		assertNoPersonalData(t, app, st, "ana@casadelaraza.example.org", "Ana Torres")
		res = admin.get(coordManagePath(st.ID) + "/audit")
		pageHas(t, html.UnescapeString(res.Body), "Erased a signature's personal data", "reason: Asked by the signer by email")

		// Once is all.
		res = eraseForm(admin, st, sig, "Again")
		assertStatus(t, res, http.StatusConflict)
		pageHas(t, html.UnescapeString(res.Body), "already been erased")
	})
}

// pubWantPublicCount checks the count the API gives of st's signatories.
func pubWantPublicCount(t *testing.T, app *testApp, st *signon.Statement, want int) {
	t.Helper()
	n, err := app.DB.SignatureCounts(context.Background(), []int64{st.ID})
	if err != nil {
		t.Fatal(err)
	}
	if n[st.ID] != want {
		t.Errorf("%d public signatures, want %d", n[st.ID], want)
	}
}

// On a published statement the list is final: an erasure on request
// keeps the signatory in the list and the record, which still verifies,
// and erases what the public does not see.
func TestPrivacy_EraseOnRequest_Published(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "erase-published")
		sig := coordSign(t, app, st, "Casa de la Raza", "ana@casadelaraza.example.org", signon.SignatureApproved)
		st = pubTransition(t, app, st, signon.ActionClose, signon.ActionPublish)

		admin := app.loginAs(t, "privacy-admin@example.org", signon.RoleAdmin)
		admin.lang = "es"
		res := admin.get(eraseURL(st, sig))
		pageHas(t, html.UnescapeString(res.Body), "La declaración está publicada y su lista es definitiva")
		res = eraseForm(admin, st, sig, "Petición por correo")
		assertStatus(t, res, http.StatusSeeOther)
		res = admin.get(res.Header.Get("Location"))
		pageHas(t, html.UnescapeString(res.Body), "Se borraron los datos personales de la firma.")

		s := signatureOf(t, app, st, "Casa de la Raza")
		if s.Status != signon.SignatureApproved || s.Email != "" || s.ErasedAt == nil || s.SignerName != "Ana Pérez" {
			t.Errorf("after erasure: %+v", s)
		}
		recordVerifies(t, app, st, "Casa de la Raza", "Ana Pérez")
		assertNoPersonalData(t, app, st, "ana@casadelaraza.example.org")
	})
}
