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

func reviewPath(st *signon.Statement) string { return coordManagePath(st.ID) + "/review" }

func sigPath(st *signon.Statement, sig *signon.Signature) string {
	return coordManagePath(st.ID) + "/signatures/" + strconv.FormatInt(sig.ID, 10)
}

func id(sig *signon.Signature) string { return strconv.FormatInt(sig.ID, 10) }

func signatureNow(t *testing.T, app *testApp, st *signon.Statement, sig *signon.Signature) *signon.Signature {
	t.Helper()
	got, err := app.DB.SignatureByID(context.Background(), st.ID, sig.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestReview_Queue(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "queue", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		frontera := coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignaturePending)
		spam := coordSign(t, app, st, "Spam Inc", "bot@spam.example.org", signon.SignaturePending)
		casa := coordSign(t, app, st, "Casa del Migrante", "info@casa.example.org", signon.SignatureApproved)
		red := coordSign(t, app, st, "Red Binacional", "red@example.org", signon.SignaturePending)
		if err := app.DB.SetSignatureStatus(context.Background(), st.ID, red.ID, signon.SignatureWithdrawn, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}

		manage := c.get(coordManagePath(st.ID))
		pageHas(t, html.UnescapeString(manage.Body), `href="`+reviewPath(st)+`"`, "Review signatures", `href="`+coordManagePath(st.ID)+`/audit"`)

		page := c.get(reviewPath(st))
		assertStatus(t, page, http.StatusOK)
		assertTranslated(t, page.Body)
		pageHas(t, html.UnescapeString(page.Body), "Frontera Unida", "ana@frontera.example.org", "Spam Inc", "via the sign form",
			"2 signatures match.", `name="ids" value="`+id(frontera)+`"`, `name="approve_one" value="`+id(spam)+`"`,
			`src="/static/review.js"`, "Approve selected")
		pageLacks(t, html.UnescapeString(page.Body), "Casa del Migrante", "Red Binacional")

		search := c.get(reviewPath(st) + "?status=all&q=frontera&region=US-TX&member=no")
		pageHas(t, html.UnescapeString(search.Body), "Frontera Unida", "1 signature matches.")
		pageLacks(t, html.UnescapeString(search.Body), "Spam Inc", "Casa del Migrante")
		members := c.get(reviewPath(st) + "?status=all&member=yes")
		pageHas(t, html.UnescapeString(members.Body), "0 signatures match.")

		t.Run("RefusedBatchKeepsSelection", func(t *testing.T) {
			res := c.postForm(reviewPath(st), url.Values{"ids": {id(frontera), id(red), id(casa)}, "decision": {"approve"}, "status": {"all"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "nothing was changed", "Red Binacional cannot be changed: it is Withdrawn.",
				"Casa del Migrante is already Approved.",
				`value="`+id(frontera)+`" id="select-`+id(frontera)+`" data-select checked`)
			if s := signatureNow(t, app, st, frontera).Status; s != signon.SignaturePending {
				t.Errorf("signature of a refused batch is %s", s)
			}
		})

		t.Run("LongReasonKept", func(t *testing.T) {
			long := strings.Repeat("spam ", 101)
			res := c.postForm(reviewPath(st), url.Values{"ids": {id(spam)}, "decision": {"reject"}, "reason": {long}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Use at most 500 characters.", long)
		})

		t.Run("Bulk", func(t *testing.T) {
			res := c.postForm(reviewPath(st), url.Values{"ids": {id(spam)}, "decision": {"reject"}, "reason": {"Not a real group"}, "q": {"sp"}})
			assertStatus(t, res, http.StatusSeeOther)
			if loc := res.Header.Get("Location"); !strings.Contains(loc, "q=sp") || !strings.Contains(loc, "done=rejected") {
				t.Errorf("redirect to %s, want the same filter", loc)
			}
			res = c.postForm(reviewPath(st), url.Values{"approve_one": {id(frontera)}})
			assertStatus(t, res, http.StatusSeeOther)
			if s := signatureNow(t, app, st, frontera).Status; s != signon.SignatureApproved {
				t.Errorf("approved one is %s", s)
			}
			got := signatureNow(t, app, st, spam)
			if got.Status != signon.SignatureRejected || got.RejectionReason != "Not a real group" {
				t.Errorf("rejected: %s %q", got.Status, got.RejectionReason)
			}
			page := c.get(reviewPath(st) + "?status=rejected&done=rejected&n=1")
			pageHas(t, html.UnescapeString(page.Body), "1 signature rejected.", "Reason: Not a real group")
		})

		t.Run("Spanish", func(t *testing.T) {
			es := app.coordinator(t)
			es.lang = "es"
			page := es.get(reviewPath(st) + "?status=all")
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "Revisar firmas", "Aprobar las seleccionadas", "Motivo: Not a real group")
		})

		t.Run("Published", func(t *testing.T) {
			for _, a := range []string{"close", "publish"} {
				assertStatus(t, c.postForm(coordManagePath(st.ID)+"/transition", url.Values{"action": {a}, "confirm": {"1"}}), http.StatusSeeOther)
			}
			page := c.get(reviewPath(st) + "?status=all")
			pageLacks(t, html.UnescapeString(page.Body), `name="ids"`, "Approve selected")
			res := c.postForm(reviewPath(st), url.Values{"ids": {id(spam)}, "decision": {"approve"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "This statement is published. Its list of signatories is final.")
		})
	})
}

func TestReview_CorrectSignature(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "correct")
		casa := coordSign(t, app, st, "CASA", "ana@casa.example.org", signon.SignatureApproved)
		other := coordSign(t, app, st, "Casa de Maryland", "info@cdm.example.org", signon.SignatureApproved)
		form := url.Values{"organization": {"CASA Baltimore"}, "signer_name": {"Ana Pérez"}, "signer_title": {"Director"},
			"city": {"Baltimore"}, "country": {"US"}, "region": {"US-MD"}, "website": {""}}

		page := c.get(sigPath(st, casa))
		assertStatus(t, page, http.StatusOK)
		assertTranslated(t, page.Body)
		pageHas(t, html.UnescapeString(page.Body), "ana@casa.example.org", `value="CASA"`, "Correct the signature", "Reason for rejecting")

		t.Run("InvalidKeepsInput", func(t *testing.T) {
			bad := coordWith(form, "signer_name", "", "city", "Typed City", "website", "not a site")
			res := c.postForm(sigPath(st, casa), bad)
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `value="Typed City"`, `value="CASA Baltimore"`, "This field is required.", "Enter a web address")
			if got := signatureNow(t, app, st, casa); got.City != "El Paso" {
				t.Errorf("city is %q after a refused correction", got.City)
			}
		})

		t.Run("CollisionSuggestsMerge", func(t *testing.T) {
			res := c.postForm(sigPath(st, casa), coordWith(form, "organization", "Casa de Maryland, Inc."))
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "Merge the two instead.", `value="Casa de Maryland, Inc."`,
				"/merge?a="+id(other)+"&b="+id(casa))
		})

		res := c.postForm(sigPath(st, casa), form)
		assertStatus(t, res, http.StatusSeeOther)
		got := signatureNow(t, app, st, casa)
		if got.Organization != "CASA Baltimore" || got.City != "Baltimore" || got.Region != "US-MD" {
			t.Errorf("corrected %+v", got)
		}
		audit := c.get(coordManagePath(st.ID) + "/audit")
		assertStatus(t, audit, http.StatusOK)
		assertTranslated(t, audit.Body)
		pageHas(t, html.UnescapeString(audit.Body), "Corrected a signature", "Organization: “CASA” → “CASA Baltimore”",
			"City: “El Paso” → “Baltimore”", "State or province: “Texas” → “Maryland”",
			`href="`+sigPath(st, casa)+`">CASA Baltimore</a>`, "Test coordinator", "Opened it for signatures")
		t.Run("Spanish", func(t *testing.T) {
			es := app.coordinator(t)
			es.lang = "es"
			auditES := es.get(coordManagePath(st.ID) + "/audit?order=oldest")
			assertTranslated(t, auditES.Body)
			pageHas(t, html.UnescapeString(auditES.Body), "Corrigió una firma", "Organización: “CASA” → “CASA Baltimore”", "Lo más antiguo primero")
			if strings.Index(auditES.Body, "Corrigió una firma") < strings.Index(auditES.Body, "La abrió a firmas") {
				t.Errorf("oldest first lists the correction before the opening")
			}
		})
	})
}

func TestReview_MergeAndAdd(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "merge")
		keep := coordSign(t, app, st, "CASA de Maryland", "info@cdm.example.org", signon.SignatureApproved)
		dup := coordSign(t, app, st, "CASA", "ana@casa.example.org", signon.SignatureApproved)

		res := c.postForm(reviewPath(st), url.Values{"ids": {id(keep)}, "decision": {"merge"}, "status": {"approved"}})
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), "Select exactly two signatures to merge.")
		res = c.postForm(reviewPath(st), url.Values{"ids": {id(keep), id(dup)}, "decision": {"merge"}})
		assertStatus(t, res, http.StatusSeeOther)
		mergePage := c.get(res.Header.Get("Location"))
		assertStatus(t, mergePage, http.StatusOK)
		pageHas(t, html.UnescapeString(mergePage.Body), "Merge two signatures", "CASA de Maryland", "ana@casa.example.org", `name="keep" value="`+id(keep)+`" checked`)

		res = c.postForm(coordManagePath(st.ID)+"/merge", url.Values{"a": {id(keep)}, "b": {id(dup)}, "keep": {id(keep)}, "fill": {"1"}})
		assertStatus(t, res, http.StatusSeeOther)
		merged := signatureNow(t, app, st, dup)
		if merged.Status != signon.SignatureRejected || merged.MergedIntoID == nil || *merged.MergedIntoID != keep.ID {
			t.Errorf("merged %+v", merged)
		}
		again := c.postForm(coordManagePath(st.ID)+"/merge", url.Values{"a": {id(keep)}, "b": {id(dup)}, "keep": {id(keep)}})
		assertStatus(t, again, http.StatusConflict)
		pageHas(t, html.UnescapeString(again.Body), "One of these signatures has already been merged.")
		audit := c.get(coordManagePath(st.ID) + "/audit")
		pageHas(t, html.UnescapeString(audit.Body), "Merged two signatures", "CASA (#"+id(dup)+") merged into CASA de Maryland (#"+id(keep)+")")

		t.Run("AddByHand", func(t *testing.T) {
			add := c.get(coordManagePath(st.ID) + "/signatures/new")
			assertStatus(t, add, http.StatusOK)
			assertTranslated(t, add.Body)
			form := url.Values{"organization": {"Comité de Apoyo"}, "signer_name": {"Luis Ruiz"}, "email": {""},
				"city": {"Tucson"}, "country": {"US"}, "region": {"US-AZ"}}
			res := c.postForm(coordManagePath(st.ID)+"/signatures", form)
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `value="Comité de Apoyo"`, `value="Tucson"`, "Email: This field is required.")

			form.Set("email", "luis@comite.example.org")
			res = c.postForm(coordManagePath(st.ID)+"/signatures", form)
			assertStatus(t, res, http.StatusSeeOther)
			list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID, Query: "comite"})
			if err != nil || len(list) != 1 || list[0].Source != signon.SourceManual || list[0].Status != signon.SignatureApproved {
				t.Fatalf("added: %v %v", list, err)
			}
			res = c.postForm(coordManagePath(st.ID)+"/signatures", coordWith(form, "organization", "COMITE DE APOYO"))
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "This organization has already signed this statement.", `value="COMITE DE APOYO"`)
			audit := c.get(coordManagePath(st.ID) + "/audit")
			pageHas(t, html.UnescapeString(audit.Body), "Added a signature by hand", ">Comité de Apoyo</a>")
		})
	})
}

func TestReview_Import(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "import")
		coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignatureApproved)
		path := coordManagePath(st.ID) + "/import"
		header := "organization,signer_name,signer_title,email,city,country,region,website\r\n"

		form := c.get(path)
		assertStatus(t, form, http.StatusOK)
		assertTranslated(t, form.Body)
		pageHas(t, html.UnescapeString(form.Body), `enctype="multipart/form-data"`, "organization,signer_name,signer_title,email,city,country,region,website")

		t.Run("Problems", func(t *testing.T) {
			bad := "\uFEFF" + header +
				"Casa Latina,Eva,,eva@casa.example.org,Denver,US,Colorado,\r\n" +
				"FRONTERA UNIDA,Luis,,luis@example.org,,US,TX,\r\n" +
				"Casa Latina Inc.,Sam,,sam@example.org,,US,CO,\r\n" +
				"Sin Correo,Ana,,,,US,XX,\r\n"
			res := c.postMultipart(path, url.Values{}, bad)
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "3 rows have problems. Nothing was imported",
				"Organization: This organization has already signed this statement.",
				"Organization: The same organization is already on row 2.",
				"Email: This field is required.", "State or province: Choose a state or province of the selected country.",
				"Denver, Colorado, United States")
			pageLacks(t, html.UnescapeString(res.Body), "/import/confirm")
			es := app.coordinator(t)
			es.lang = "es"
			res = es.postMultipart(path, url.Values{}, bad)
			pageHas(t, html.UnescapeString(res.Body), "3 filas tienen problemas", "La misma organización ya está en la fila 2.")
		})

		t.Run("FileErrors", func(t *testing.T) {
			for _, tt := range []struct{ name, file, want string }{
				{"Unknown", "organization,signer_name,email,phone\r\nA,B,a@example.org,1\r\n", "The column “phone” is not one Signon knows."},
				{"Latin1", header + "Caf\xe9,B,a@example.org,,US,TX,\r\n", "not in UTF-8"},
				{"TooBig", header + strings.Repeat("x", signon.MaxImportBytes), "The file is larger than 2 MB."},
				{"RequestTooBig", strings.Repeat("x", 3<<20), "The file is larger than 2 MB."},
			} {
				t.Run(tt.name, func(t *testing.T) {
					res := c.postMultipart(path, url.Values{}, tt.file)
					assertStatus(t, res, http.StatusUnprocessableEntity)
					pageHas(t, html.UnescapeString(res.Body), tt.want)
				})
			}
			res := c.postMultipart(path, url.Values{}, "")
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Choose a CSV file to import")
		})

		t.Run("ExtraCells", func(t *testing.T) {
			res := c.postMultipart(path, url.Values{}, header+"Otra,Sam,,sam@example.org,,México,Chihuahua,,notes\r\n")
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "1 row has problems.", "Row: The row has more cells than the header's 8 columns.")
		})

		good := header + "Casa Latina,Eva,,eva@casa.example.org,Denver,US,Colorado,casalatina.org\r\n" +
			"\"Red, Inc.\",Luis,Director,luis@red.example.org,,MX,Chihuahua,\r\n"
		res := c.postMultipart(path, url.Values{}, good)
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), "2 signatures ready to import", "Import 2 signatures", "/import/confirm", "Chihuahua, Mexico")
		if n := coordCountSignatures(t, app, st); n != 1 {
			t.Fatalf("the preview imported: %d signatures", n)
		}

		t.Run("TamperedConfirm", func(t *testing.T) {
			res := c.postMultipart(path+"/confirm", url.Values{"csv": {good + "Extra,,,bad,,US,ZZ,\r\n"}}, "")
			assertStatus(t, res, http.StatusUnprocessableEntity)
			if n := coordCountSignatures(t, app, st); n != 1 {
				t.Errorf("a tampered confirmation imported: %d signatures", n)
			}
		})

		t.Run("SignedSincePreview", func(t *testing.T) {
			late := coordSign(t, app, st, "Red Inc", "red@example.org", signon.SignaturePending)
			res := c.postMultipart(path+"/confirm", url.Values{"csv": {good}}, "")
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "This organization has already signed this statement.")
			if n := coordCountSignatures(t, app, st); n != 2 {
				t.Errorf("%d signatures, want 2: nothing imported", n)
			}
			if err := app.DB.SetSignatureStatus(context.Background(), st.ID, late.ID, signon.SignatureWithdrawn, app.Clock.Now(), 0); err != nil {
				t.Fatal(err)
			}
		})

		res = c.postMultipart(path+"/confirm", url.Values{"csv": {good}}, "")
		assertStatus(t, res, http.StatusSeeOther)
		if n := coordCountSignatures(t, app, st); n != 4 { // with the one signed since the preview, now withdrawn
			t.Errorf("%d signatures after the import, want 4", n)
		}
		queue := c.get(res.Header.Get("Location"))
		pageHas(t, html.UnescapeString(queue.Body), "2 signatures imported.", "Casa Latina", "Red, Inc.", "via an import")
		audit := c.get(coordManagePath(st.ID) + "/audit")
		pageHas(t, html.UnescapeString(audit.Body), "Imported signatures from a CSV file", "2 signatures")
	})
}

// coordCountSignatures counts the statement's signatures in every status.
func coordCountSignatures(t *testing.T, app *testApp, st *signon.Statement) int {
	t.Helper()
	_, n, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{
		signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReview_CSRFAndLogin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "forged", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		a := coordSign(t, app, st, "Frontera Unida", "ana@example.org", signon.SignaturePending)
		b := coordSign(t, app, st, "Frontera", "b@example.org", signon.SignaturePending)
		base := coordManagePath(st.ID)
		posts := []struct {
			path   string
			values url.Values
		}{
			{base + "/review", url.Values{"ids": {id(a)}, "decision": {"approve"}}},
			{sigPath(st, a) + "/decision", url.Values{"decision": {"approve"}}},
			{sigPath(st, a), url.Values{"organization": {"Forged"}, "signer_name": {"X"}, "country": {"US"}, "region": {"US-TX"}}},
			{base + "/merge", url.Values{"a": {id(a)}, "b": {id(b)}, "keep": {id(a)}}},
			{base + "/signatures", url.Values{"organization": {"Forged"}, "signer_name": {"X"}, "email": {"x@example.org"}, "country": {"US"}, "region": {"US-TX"}}},
			{base + "/import/confirm", url.Values{"csv": {"organization,signer_name,email\nForged,X,x@example.org\n"}}},
		}
		for _, p := range posts {
			t.Run("Forged"+p.path, func(t *testing.T) {
				values := coordWith(p.values, "_csrf", "not-the-token")
				res := c.postRaw(p.path, "application/x-www-form-urlencoded", values.Encode())
				assertStatus(t, res, http.StatusForbidden)
			})
		}
		anon := app.client(t)
		for _, path := range []string{base + "/review", base + "/audit", sigPath(st, a), base + "/import", base + "/signatures/new"} {
			if res := anon.get(path); res.Status != http.StatusSeeOther && res.Status != http.StatusUnauthorized {
				t.Errorf("GET %s without a login: %d", path, res.Status)
			}
		}
		if s := signatureNow(t, app, st, a); s.Status != signon.SignaturePending || s.Organization != "Frontera Unida" {
			t.Errorf("forged posts changed %+v", s)
		}
		if n := coordCountSignatures(t, app, st); n != 2 {
			t.Errorf("%d signatures after forged posts", n)
		}
	})
}

// Approving and rejecting are one decision whichever screen makes it: a
// signature rejected with a reason on its own page and approved from the
// manage page's list keeps no reason for a rejection undone.
func TestReview_DecisionsAgreeAcrossScreens(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "screens", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		sig := coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignaturePending)

		res := c.postForm(sigPath(st, sig)+"/decision", url.Values{"decision": {"reject"}, "reason": {"Not a real group"}})
		assertStatus(t, res, http.StatusSeeOther)
		pageHas(t, html.UnescapeString(c.get(sigPath(st, sig)).Body), "Reason for rejecting", "Not a real group")

		res = c.postForm(sigPath(st, sig)+"/status", url.Values{"status": {"approved"}})
		assertStatus(t, res, http.StatusSeeOther)
		got := signatureNow(t, app, st, sig)
		if got.Status != signon.SignatureApproved || got.RejectionReason != "" {
			t.Errorf("approved from the manage page: %s, reason %q", got.Status, got.RejectionReason)
		}
		pageLacks(t, html.UnescapeString(c.get(sigPath(st, sig)).Body), "Not a real group")

		// Pressed twice, the button is no error.
		res = c.postForm(sigPath(st, sig)+"/status", url.Values{"status": {"approved"}})
		assertStatus(t, res, http.StatusSeeOther)
	})
}
