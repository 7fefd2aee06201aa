package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

const (
	affirmationEN = "I am authorized to sign this statement on behalf of the organization named above."
	affirmationES = "Tengo autorización para firmar esta declaración en nombre de la organización indicada arriba."
)

var everyStatus = []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending,
	signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}

// signatureOfOrg is the signature of st whose organization is org.
func signatureOfOrg(t *testing.T, app *testApp, st *signon.Statement, org string) *signon.Signature {
	t.Helper()
	list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID, Statuses: everyStatus, PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.Organization == org {
			return s
		}
	}
	t.Fatalf("no signature of %q", org)
	return nil
}

func TestAuthority_Affirmation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		st := app.openStatement(t, "authority", func(s *signon.Statement) { s.AllowIndividuals = true })
		signer := app.client(t)

		t.Run("FormRequiresIt", func(t *testing.T) {
			page := signer.get("/s/authority")
			pageHas(t, html.UnescapeString(page.Body), `name="authorized" value="true"`, affirmationEN)

			res := signer.postForm("/s/authority/sign", pubSignValues("authorized", "", "organization", "Frontera Unida", "city", "Laredo"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Confirm that you are authorized to sign on behalf of this organization.",
				`href="#authorized"`, `aria-invalid="true" aria-describedby="authorized-hint authorized-error"`)
			for name, want := range map[string]string{"organization": "Frontera Unida", "city": "Laredo", "email": "ana@casadelaraza.example.org"} {
				if got := pubInputValue(t, res.Body, name); got != want {
					t.Errorf("%s kept as %q, want %q", name, got, want)
				}
			}
			if n := coordCountSignatures(t, app, st); n != 0 {
				t.Errorf("%d signatures stored without the affirmation", n)
			}

			es := app.client(t)
			res = es.postForm("/s/authority/sign", pubSignValues("authorized", "", "lang", "es"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Confirma que tienes autorización para firmar en nombre de esta organización.")
		})

		t.Run("KeptWithTheSignature", func(t *testing.T) {
			before := app.Clock.Now()
			res := signer.postForm("/s/authority/sign", pubSignValues("organization", "Frontera Unida"))
			assertStatus(t, res, http.StatusSeeOther)
			sig := signatureOfOrg(t, app, st, "Frontera Unida")
			if sig.AuthorityText != affirmationEN || sig.AuthorityLanguage != "en" || sig.AuthorizedAt == nil || sig.AuthorizedAt.Before(before.Add(-1)) {
				t.Errorf("affirmation %q in %q at %v", sig.AuthorityText, sig.AuthorityLanguage, sig.AuthorizedAt)
			}
			res = app.client(t).postForm("/s/authority/sign", pubSignValues("organization", "Red Migrante", "lang", "es"))
			assertStatus(t, res, http.StatusSeeOther)
			if sig := signatureOfOrg(t, app, st, "Red Migrante"); sig.AuthorityText != affirmationES || sig.AuthorityLanguage != "es" {
				t.Errorf("Spanish affirmation %q in %q", sig.AuthorityText, sig.AuthorityLanguage)
			}

			c := app.coordinator(t)
			page := c.get(sigPath(st, sig))
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "Authority to sign", "in English:", affirmationEN)
		})

		t.Run("NotForPeople", func(t *testing.T) {
			res := app.client(t).postForm("/s/authority/sign", pubSignValues("signer_type", "individual", "organization", "",
				"signer_name", "Rosa Díaz", "email", "rosa@example.org", "authorized", ""))
			assertStatus(t, res, http.StatusSeeOther)
		})

		t.Run("API", func(t *testing.T) {
			c := app.client(t)
			pubAPIError(t, c.postRaw("/api/v1/statements/authority/signatures", "application/json",
				pubSignJSON("organization", "Colectivo API", "authorized", nil)), http.StatusUnprocessableEntity, "invalid", "authorized")
			pubAPIError(t, c.postRaw("/api/v1/statements/authority/signatures", "application/json",
				pubSignJSON("organization", "Colectivo API", "authorized", false)), http.StatusUnprocessableEntity, "invalid", "authorized")
			res := c.postRaw("/api/v1/statements/authority/signatures", "application/json", pubSignJSON("organization", "Colectivo API"))
			assertStatus(t, res, http.StatusCreated)
			if sig := signatureOfOrg(t, app, st, "Colectivo API"); sig.AuthorityText != affirmationES || sig.AuthorityLanguage != "es" || sig.AuthorizedAt == nil {
				t.Errorf("API affirmation %q in %q at %v", sig.AuthorityText, sig.AuthorityLanguage, sig.AuthorizedAt)
			}
		})

		t.Run("AddedByCoordinator", func(t *testing.T) {
			c := app.coordinator(t)
			res := c.postForm(coordManagePath(st.ID)+"/signatures", url.Values{"organization": {"Comité Manual"}, "signer_name": {"Luis Ruiz"},
				"email": {"luis@comite.example.org"}, "country": {"US"}, "region": {"US-TX"}})
			assertStatus(t, res, http.StatusSeeOther)
			sig := signatureOfOrg(t, app, st, "Comité Manual")
			if sig.AuthorityText != "" {
				t.Errorf("a coordinator's addition carries an affirmation %q", sig.AuthorityText)
			}
			pageHas(t, html.UnescapeString(c.get(sigPath(st, sig)).Body), "No affirmation: added by a coordinator.")
		})
	})
}

func TestAuthority_Flags(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		st := app.openStatement(t, "flagged", func(s *signon.Statement) { s.Approval = signon.ApprovalFlagged })
		sign := func(org, email, website string) *signon.Signature {
			t.Helper()
			res := app.client(t).postForm("/s/flagged/sign", pubSignValues("organization", org, "email", email, "website", website))
			assertStatus(t, res, http.StatusSeeOther)
			return signatureOfOrg(t, app, st, org)
		}
		clean := sign("Casa Limpia", "ana@mail.casalimpia.org", "www.casalimpia.org")
		free := sign("Grupo Gratis", "grupo@gmail.com", "")
		mismatch := sign("Otro Dominio", "info@otrodominio.net", "https://www.dominio.org")
		disposable := sign("Desechable", "x@mailinator.com", "")
		for _, tt := range []struct {
			sig    *signon.Signature
			flags  signon.Flags
			status signon.SignatureStatus
		}{
			{clean, "", signon.SignatureApproved},
			{free, "free_mail", signon.SignaturePending},
			{mismatch, "domain_mismatch", signon.SignaturePending},
			{disposable, "disposable", signon.SignaturePending},
		} {
			if tt.sig.Flags != tt.flags || tt.sig.Status != tt.status {
				t.Errorf("%s: flags %q, %s; want %q, %s", tt.sig.Organization, tt.sig.Flags, tt.sig.Status, tt.flags, tt.status)
			}
		}

		c := app.coordinator(t)
		t.Run("Queue", func(t *testing.T) {
			page := c.get(reviewPath(st) + "?status=all")
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "Free-mail address", "gmail.com is a free-mail service",
				"The email domain otrodominio.net does not match the website's www.dominio.org.",
				"mailinator.com is a disposable-email domain.", `<option value="free_mail">`)

			only := c.get(reviewPath(st) + "?status=all&flag=free_mail")
			pageHas(t, html.UnescapeString(only.Body), "Grupo Gratis", "1 signature matches.", `<option value="free_mail" selected>`)
			pageLacks(t, html.UnescapeString(only.Body), "Casa Limpia", "Otro Dominio", "Desechable")

			any := c.get(reviewPath(st) + "?status=all&flag=any")
			pageHas(t, html.UnescapeString(any.Body), "3 signatures match.")
			pageLacks(t, html.UnescapeString(any.Body), "Casa Limpia")

			// A decision keeps the filter.
			res := c.postForm(reviewPath(st), url.Values{"approve_one": {id(free)}, "status": {"all"}, "flag": {"free_mail"}})
			assertStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); !strings.Contains(loc, "flag=free_mail") {
				t.Errorf("redirect to %s, want the flag filter kept", loc)
			}

			es := app.coordinator(t)
			es.lang = "es"
			page = es.get(reviewPath(st) + "?status=all&flag=domain_mismatch")
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "El dominio del correo otrodominio.net no coincide con el del sitio web, www.dominio.org.")

			pageHas(t, html.UnescapeString(c.get(sigPath(st, disposable)).Body), "Disposable email", "mailinator.com is a disposable-email domain.")
		})

		t.Run("AddedByCoordinators", func(t *testing.T) {
			// Added by hand or imported, a signature is flagged as a
			// signer's own would be; a coordinator's addition is not held.
			form := url.Values{"organization": {"Grupo Telefónico"}, "signer_name": {"Luis Ruiz"}, "email": {"grupo.tel@gmail.com"},
				"city": {"Tucson"}, "country": {"US"}, "region": {"US-AZ"}}
			res := c.postForm(coordManagePath(st.ID)+"/signatures", form)
			assertStatus(t, res, http.StatusSeeOther)
			if sig := signatureOfOrg(t, app, st, "Grupo Telefónico"); sig.Flags != "free_mail" || sig.Status != signon.SignatureApproved {
				t.Errorf("added by hand: flags %q, %s; want free_mail, approved", sig.Flags, sig.Status)
			}
			csv := "organization,signer_name,email,country,region\r\nGrupo Importado,Eva,eva@mailinator.com,MX,MX-CHH\r\n"
			res = c.postMultipart(coordManagePath(st.ID)+"/import/confirm", url.Values{"csv": {csv}}, "")
			assertStatus(t, res, http.StatusSeeOther)
			if sig := signatureOfOrg(t, app, st, "Grupo Importado"); sig.Flags != "disposable" {
				t.Errorf("imported: flags %q, want disposable", sig.Flags)
			}
		})

		t.Run("SignerCorrection", func(t *testing.T) {
			// The clean signature was approved at once, with its link on
			// the answer; moving its website elsewhere flags it and, on
			// this statement, sends it back to review.
			res := app.client(t).postForm("/s/flagged/sign", pubSignValues("organization", "Casa Movida", "email", "ana@casamovida.org", "website", "casamovida.org"))
			loc := res.Header.Get("Location")
			if !strings.HasPrefix(loc, "/my/") {
				t.Fatalf("answer %d %s, want the signer's page", res.Status, loc)
			}
			my := strings.TrimSuffix(loc, "?signed=1")
			signer := app.client(t)
			res = signer.postForm(my, pubSignValues("organization", "Casa Movida", "website", "https://elsewhere.com"))
			assertStatus(t, res, http.StatusSeeOther)
			sig := signatureOfOrg(t, app, st, "Casa Movida")
			if sig.Flags != "domain_mismatch" || sig.Status != signon.SignaturePending {
				t.Errorf("after the correction: flags %q, %s", sig.Flags, sig.Status)
			}
		})
	})
}

func TestAuthority_FlaggedOnlyOption(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		form := c.get("/coordinate/statements/new")
		pageHas(t, html.UnescapeString(form.Body), `name="approval" value="flagged"`, "Only for flagged signatures")
		res := c.postForm("/coordinate/statements", coordWith(coordStatementValues(), "approval", "flagged", "slug", "flagged-only"))
		assertStatus(t, res, http.StatusSeeOther)
		st, err := app.DB.StatementBySlug(context.Background(), "flagged-only")
		if err != nil {
			t.Fatal(err)
		}
		if st.Approval != signon.ApprovalFlagged {
			t.Fatalf("approval %q, want flagged", st.Approval)
		}
		pageHas(t, c.get(coordManagePath(st.ID)+"/edit").Body, `value="flagged" checked`)
		res = c.postForm("/coordinate/statements", coordWith(coordStatementValues(), "approval", "some", "slug", "bad-approval"))
		assertStatus(t, res, http.StatusUnprocessableEntity)
	})
}

func TestAuthority_Blocklist(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "open-door") // no review at all

		t.Run("Page", func(t *testing.T) {
			page := c.get("/coordinate/blocklist")
			assertStatus(t, page, http.StatusOK)
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "The blocklist is empty.", `name="_csrf"`)

			for _, add := range []url.Values{
				{"kind": {"domain"}, "value": {"@Blocked.Example.org"}, "note": {"Fake groups"}},
				{"kind": {"organization"}, "value": {"Spam Group"}},
				{"kind": {"email"}, "value": {"Troll@Example.com"}},
			} {
				assertStatus(t, c.postForm("/coordinate/blocklist", add), http.StatusSeeOther)
			}
			page = c.get("/coordinate/blocklist?done=added")
			pageHas(t, html.UnescapeString(page.Body), "Added to the blocklist.", "blocked.example.org", "Fake groups", "Spam Group", "Troll@Example.com")

			res := c.postForm("/coordinate/blocklist", url.Values{"kind": {"organization"}, "value": {"SPAM GROUP, Inc."}, "note": {"again"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "This entry is on the blocklist already.", `value="SPAM GROUP, Inc."`, `value="again"`)
			res = c.postForm("/coordinate/blocklist", url.Values{"kind": {"domain"}, "value": {"localhost"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Enter a domain, like example.org.", `value="localhost"`)

			es := app.coordinator(t)
			es.lang = "es"
			page = es.get("/coordinate/blocklist")
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "Lista de bloqueo", "Agregado a la lista de bloqueo: Dominio: blocked.example.org")
		})

		t.Run("HeldWhateverThePolicy", func(t *testing.T) {
			answers := map[string]string{}
			for org, email := range map[string]string{
				"Spam Group, Inc.":    "info@spamgroup.example.net",
				"Honest Front":        "info@mail.blocked.example.org",
				"Friendly Collective": "troll@example.com",
			} {
				res := app.client(t).postForm("/s/open-door/sign", pubSignValues("organization", org, "email", email, "website", ""))
				assertStatus(t, res, http.StatusSeeOther)
				answers[org] = res.Header.Get("Location")
				sig := signatureOfOrg(t, app, st, org)
				if sig.Status != signon.SignaturePending || !sig.Flags.Has(signon.FlagBlocklisted) {
					t.Errorf("%s: %s, flags %q; want pending, blocklisted", org, sig.Status, sig.Flags)
				}
			}
			// The answer is a pending signature's, as for any held one.
			for org, loc := range answers {
				if !strings.Contains(loc, "signed=pending") || strings.Contains(strings.ToLower(loc), "block") {
					t.Errorf("%s answered %s", org, loc)
				}
			}
			res := app.client(t).postForm("/s/open-door/sign", pubSignValues("organization", "Clean Org", "email", "a@cleanorg.org", "website", "cleanorg.org"))
			if sig := signatureOfOrg(t, app, st, "Clean Org"); sig.Status != signon.SignatureApproved || res.Status != http.StatusSeeOther {
				t.Errorf("a signature off the list: %s", sig.Status)
			}
			thanks := app.client(t).get(answers["Honest Front"])
			pageLacks(t, strings.ToLower(thanks.Body), "blocklist")

			page := c.get(reviewPath(st) + "?flag=blocklisted")
			pageHas(t, html.UnescapeString(page.Body), "3 signatures match.", "The email, its domain or the organization is on the blocklist.")
		})

		t.Run("Remove", func(t *testing.T) {
			list, err := app.DB.Blocklist(context.Background())
			if err != nil || len(list) != 3 {
				t.Fatalf("blocklist %v, %v", list, err)
			}
			assertStatus(t, c.postForm("/coordinate/blocklist/"+strconv.FormatInt(list[0].ID, 10)+"/delete", nil), http.StatusSeeOther)
			page := c.get("/coordinate/blocklist?done=removed")
			pageHas(t, html.UnescapeString(page.Body), "Removed from the blocklist.", "Removed from the blocklist: ")
			if list, _ := app.DB.Blocklist(context.Background()); len(list) != 2 {
				t.Errorf("%d entries after a removal", len(list))
			}
		})

		t.Run("Permissions", func(t *testing.T) {
			visitor := app.client(t)
			res := visitor.get("/coordinate/blocklist")
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("a visitor: %d %s", res.Status, res.Header.Get("Location"))
			}
			res = visitor.postForm("/coordinate/blocklist", url.Values{"kind": {"email"}, "value": {"x@example.org"}})
			if res.Status != http.StatusUnauthorized {
				t.Errorf("a visitor's post: %d", res.Status)
			}
			// A coordinator's post without the CSRF token is refused.
			res = c.postForm("/coordinate/blocklist", url.Values{"_csrf": {"forged"}, "kind": {"email"}, "value": {"x@example.org"}})
			if res.Status != http.StatusForbidden {
				t.Errorf("a forged token: %d", res.Status)
			}
			if list, _ := app.DB.Blocklist(context.Background()); len(list) != 2 {
				t.Errorf("%d entries after refused posts", len(list))
			}
			// An admin keeps the list too.
			admin := app.loginAs(t, "admin-blocklist@example.org", signon.RoleAdmin)
			assertStatus(t, admin.postForm("/coordinate/blocklist", url.Values{"kind": {"email"}, "value": {"x@example.org"}}), http.StatusSeeOther)
		})
	})
}
