package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// deliveryLetter is a closed letter signed by two organizations and one
// individual from two states.
func deliveryLetter(t *testing.T, app *testApp, slug string, mutate ...func(*signon.Statement)) *signon.Statement {
	t.Helper()
	st := app.openStatement(t, slug, append([]func(*signon.Statement){func(s *signon.Statement) { s.AllowIndividuals = true }}, mutate...)...)
	pubSeed(t, app, st,
		pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX", City: "El Paso"},
		pubSignature{Org: "Mano a Mano", Country: "US", Region: "US-NM", City: "Albuquerque"},
		pubSignature{Individual: true, Name: "Rosa Ejemplo", Country: "US", Region: "US-NM", City: "Santa Fe"},
		pubSignature{Org: "Pending Group", Country: "US", Region: "US-AZ", Status: signon.SignaturePending},
	)
	return pubTransition(t, app, st, signon.ActionClose)
}

func deliveryPath(st *signon.Statement, rest string) string {
	return coordManagePath(st.ID) + rest
}

// saveAddressees posts the addressee form, each row name|title|office|email.
func saveAddressees(c *testClient, st *signon.Statement, rows ...string) *response {
	v := url.Values{}
	for _, r := range rows {
		f := strings.Split(r, "|")
		v.Add("name", f[0])
		v.Add("title", f[1])
		v.Add("office", f[2])
		v.Add("email", f[3])
	}
	return c.postForm(deliveryPath(st, "/addressees"), v)
}

func addresseeIDs(t *testing.T, app *testApp, st *signon.Statement) []string {
	t.Helper()
	list, err := app.DB.Addressees(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = strconv.FormatInt(a.ID, 10)
	}
	return ids
}

func TestDelivery_Addressees(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := deliveryLetter(t, app, "addressed-letter")
		c := app.coordinator(t)
		anon := app.client(t)

		// Without addressees the public page shows the free text.
		res := anon.get("/s/addressed-letter")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<dt>To</dt><dd>The leaders of North America</dd>`)

		// A bad email keeps every row as typed.
		res = saveAddressees(c, st, "Claudia Sheinbaum|President|Government of Mexico|presidencia@example.mx",
			"Mark Carney|Prime Minister|Government of Canada|not-an-email", "|||")
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), `value="Claudia Sheinbaum"`, `value="not-an-email"`, "Enter a valid email address")
		if ids := addresseeIDs(t, app, st); len(ids) != 0 {
			t.Fatalf("a refused form stored %d addressees", len(ids))
		}

		res = saveAddressees(c, st, "Claudia Sheinbaum|President|Government of Mexico|presidencia@example.mx",
			"Mark Carney|Prime Minister|Government of Canada|", "|||")
		assertStatus(t, res, http.StatusSeeOther)
		res = c.get(deliveryPath(st, "/delivery?done=addressees"))
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), "Addressees saved.", `value="Mark Carney"`, "no email: deliver by hand")
		assertTranslated(t, res.Body)

		res = anon.get("/s/addressed-letter")
		pageHas(t, res.Body, `<dt>To</dt><dd>Claudia Sheinbaum, President, Government of Mexico<br>Mark Carney, Prime Minister, Government of Canada</dd>`)
		pageLacks(t, res.Body, "The leaders of North America", "presidencia@example.mx")
		anon.lang = "es"
		res = anon.get("/s/addressed-letter")
		pageHas(t, res.Body, `<dt>A</dt><dd>Claudia Sheinbaum, President`)
		if got := coordEventActions(t, app, st.ID); !strings.Contains(strings.Join(got, " "), "statement.addressees") {
			t.Errorf("audit trail %v has no change of addressees", got)
		}
	})
}

func TestDelivery_ByHand(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		open := app.openStatement(t, "still-open")
		c := app.coordinator(t)
		saveAddressees(c, open, "Ana Officer|Minister|Ministry|")
		res := c.postForm(deliveryPath(open, "/deliveries"), url.Values{"to": addresseeIDs(t, app, open), "method": {"in_person"}, "delivered_at": {"2026-11-01T09:00"}})
		assertStatus(t, res, http.StatusConflict)
		pageHas(t, html.UnescapeString(res.Body), "once it has closed for signatures")

		st := deliveryLetter(t, app, "hand-letter")
		saveAddressees(c, st, "Claudia Sheinbaum|President|Government of Mexico|", "Mark Carney|Prime Minister|Government of Canada|")
		ids := addresseeIDs(t, app, st)

		// Nobody chosen: refused, with what was typed kept.
		res = c.postForm(deliveryPath(st, "/deliveries"), url.Values{"method": {"press_conference"}, "delivered_at": {"2026-11-01T09:30"}, "place": {"Zócalo, Mexico City"}})
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), `value="Zócalo, Mexico City"`, `value="2026-11-01T09:30"`)

		res = c.postForm(deliveryPath(st, "/deliveries"), url.Values{"to": ids, "method": {"press_conference"},
			"delivered_at": {"2026-11-01T09:30"}, "place": {"Zócalo, Mexico City"}, "note": {"Handed over after the press conference."}})
		assertStatus(t, res, http.StatusSeeOther)
		res = c.get(deliveryPath(st, "/delivery"))
		pageHas(t, html.UnescapeString(res.Body), "At a press conference", "Zócalo, Mexico City — Handed over after the press conference.", "Recorded by hand")
		assertTranslated(t, res.Body)

		res = app.client(t).get("/s/hand-letter")
		pageHas(t, res.Body,
			`<p class="cover-line">Signed by 2 organizations and 1 individual from 2 states</p>`,
			`<p class="delivered">Delivered to Claudia Sheinbaum, President, Government of Mexico and Mark Carney, Prime Minister, Government of Canada on November 1, 2026 (At a press conference) — Zócalo, Mexico City</p>`)
		es := app.client(t)
		es.lang = "es"
		res = es.get("/s/hand-letter")
		pageHas(t, res.Body,
			`<p class="cover-line">Firmada por 2 organizaciones y 1 persona de 2 estados</p>`,
			`Entregada a Claudia Sheinbaum, President, Government of Mexico y Mark Carney, Prime Minister, Government of Canada el 1 de noviembre de 2026 (En conferencia de prensa)`)

		// The print and the PDF say the same, with the addressees named.
		res = app.client(t).get("/s/hand-letter/print")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body,
			`<dd lang="en">Claudia Sheinbaum, President, Government of Mexico; Mark Carney, Prime Minister, Government of Canada</dd>`,
			`<p class="print-cover">Signed by 2 organizations and 1 individual from 2 states</p>`,
			`<p class="print-delivered">Delivered to Claudia Sheinbaum`)
		res = es.get("/s/hand-letter/statement.pdf")
		pubStatus(t, res, http.StatusOK)
		pdfText := strings.Join(printPDFText(t, []byte(res.Body)), " ")
		for _, want := range []string{"Firmada por 2 organizaciones y 1 persona de 2 estados", "Entregada a Claudia Sheinbaum", "Mark Carney, Prime Minister"} {
			if !strings.Contains(pdfText, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, pdfText)
			}
		}
	})
}

// The cover line's counts are singular and plural in both languages.
func TestDelivery_CoverLine(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "one-signer")
		pubSeed(t, app, st, pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX"})
		st = pubTransition(t, app, st, signon.ActionClose)
		c := app.coordinator(t)
		saveAddressees(c, st, "Ana Officer|Minister|Ministry|")
		res := c.postForm(deliveryPath(st, "/deliveries"), url.Values{"to": addresseeIDs(t, app, st), "method": {"fax"}, "delivered_at": {"2026-11-01T09:00"}})
		assertStatus(t, res, http.StatusSeeOther)
		pageHas(t, app.client(t).get("/s/one-signer").Body, "Signed by 1 organization from 1 state<")
		es := app.client(t)
		es.lang = "es"
		pageHas(t, es.get("/s/one-signer").Body, "Firmada por 1 organización de 1 estado<")
	})
}

func TestDelivery_Email(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		mailbox := app.Mail(t)
		st := deliveryLetter(t, app, "carta-cumbre", func(s *signon.Statement) {
			s.Language, s.Title = "es", "Carta a la cumbre"
		})
		c := app.coordinator(t)
		saveAddressees(c, st, "Claudia Sheinbaum|Presidenta|Gobierno de México|presidencia@example.mx",
			"Mark Carney|Prime Minister|Government of Canada|")
		ids := addresseeIDs(t, app, st)

		// The default message is in the statement's language.
		res := c.get(deliveryPath(st, "/delivery"))
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), "En nombre de Test Coalition, le entregamos la carta abierta adjunta, «Carta a la cumbre»")

		// An addressee without an email cannot be emailed; nothing typed is lost.
		typed := "Estimada Presidenta:\n\nLe entregamos nuestra carta."
		res = c.postForm(deliveryPath(st, "/deliveries/email"), url.Values{"to": ids, "subject": {"Nuestra carta"}, "message": {typed}})
		assertStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, html.UnescapeString(res.Body), "These addressees have no email address, so Signon cannot email them: Mark Carney.",
			`value="Nuestra carta"`, typed)
		if list, _ := app.DB.Deliveries(context.Background(), st.ID); len(list) != 0 {
			t.Fatalf("a refused delivery stored %d deliveries", len(list))
		}

		res = c.postForm(deliveryPath(st, "/deliveries/email"), url.Values{"to": ids[:1], "subject": {"Nuestra carta"}, "message": {typed}})
		assertStatus(t, res, http.StatusSeeOther)
		m := mailbox.To(t, "presidencia@example.mx")
		if m.Subject != "Nuestra carta" || m.Language != "es" {
			t.Errorf("subject %q, language %q", m.Subject, m.Language)
		}
		if !strings.Contains(m.Text, typed) || m.Link("/s/carta-cumbre") != "http://signon.test/s/carta-cumbre" {
			t.Errorf("text without the message or the record's link:\n%s", m.Text)
		}
		if !strings.Contains(m.HTML, "Le entregamos nuestra carta.") || !strings.Contains(m.HTML, `href="http://signon.test/s/carta-cumbre"`) {
			t.Errorf("HTML without the message or the link:\n%s", m.HTML)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Name != "carta-cumbre.pdf" || !bytes.HasPrefix(m.Attachments[0].Data, []byte("%PDF-")) {
			t.Fatalf("attachments %+v, want carta-cumbre.pdf", len(m.Attachments))
		}
		pdfText := strings.Join(printPDFText(t, m.Attachments[0].Data), " ")
		for _, want := range []string{"Carta a la cumbre", "Casa de la Raza", "CARTA ABIERTA"} {
			if !strings.Contains(pdfText, want) {
				t.Errorf("the attached PDF lacks %q:\n%s", want, pdfText)
			}
		}

		d := waitDeliveryEmail(t, app, st, signon.EmailSent)
		if d.Method != signon.DeliveryEmail || d.StatementVersion != st.Version || d.Organizations != 2 || d.Individuals != 1 ||
			len(d.SignatoriesSHA256) != 64 || d.RecordedBy == nil || len(d.Recipients) != 1 {
			t.Errorf("delivery recorded as %+v", d)
		}
		res = c.get(deliveryPath(st, "/delivery"))
		e, _ := app.DB.EmailByID(context.Background(), *d.Recipients[0].EmailID)
		if !strings.HasPrefix(e.MessageID, "signon.") || e.ServerReply == "" {
			t.Errorf("message id %q, server reply %q", e.MessageID, e.ServerReply)
		}
		pageHas(t, html.UnescapeString(res.Body), "Sent", e.MessageID, e.ServerReply, d.SignatoriesSHA256)

		pageHas(t, app.client(t).get("/s/carta-cumbre").Body, "Delivered to Claudia Sheinbaum, Presidenta, Gobierno de México on November 1, 2026<")
	})
}

// waitDeliveryEmail waits until the email of the statement's only
// emailed delivery has status, and returns the delivery.
func waitDeliveryEmail(t *testing.T, app *testApp, st *signon.Statement, status signon.EmailStatus) *signon.Delivery {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := app.DB.Deliveries(context.Background(), st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 && list[0].Recipients[0].EmailID != nil {
			e, err := app.DB.EmailByID(context.Background(), *list[0].Recipients[0].EmailID)
			if err != nil {
				t.Fatal(err)
			}
			if e.Status == status {
				return list[0]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the delivery email never reached %s", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A mail server that refuses shows the failure on the delivery page; a
// retry sends the email.
func TestDelivery_EmailRetry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		mailbox := app.Mail(t)
		mailbox.SetFailing(true)
		st := deliveryLetter(t, app, "retry-letter")
		c := app.coordinator(t)
		saveAddressees(c, st, "Ana Officer|Minister|Ministry|ana@example.gov")
		res := c.postForm(deliveryPath(st, "/deliveries/email"), url.Values{"to": addresseeIDs(t, app, st), "subject": {"Our letter"}, "message": {"Please find our letter attached."}})
		assertStatus(t, res, http.StatusSeeOther)
		d := waitDeliveryEmail(t, app, st, signon.EmailFailed)
		eid := strconv.FormatInt(*d.Recipients[0].EmailID, 10)
		res = c.get(deliveryPath(st, "/delivery"))
		pageHas(t, html.UnescapeString(res.Body), "Failed", "451", `action="/coordinate/statements/`+strconv.FormatInt(st.ID, 10)+`/deliveries/emails/`+eid+`/retry"`)

		mailbox.SetFailing(false)
		res = c.postForm(deliveryPath(st, "/deliveries/emails/"+eid+"/retry"), nil)
		assertStatus(t, res, http.StatusSeeOther)
		m := mailbox.To(t, "ana@example.gov")
		if len(m.Attachments) != 1 || !strings.Contains(m.Text, "Please find our letter attached.") {
			t.Errorf("retried email: %d attachments, text %q", len(m.Attachments), m.Text)
		}
		waitDeliveryEmail(t, app, st, signon.EmailSent)
		// A sent email is not retried.
		res = c.postForm(deliveryPath(st, "/deliveries/emails/"+eid+"/retry"), nil)
		assertStatus(t, res, http.StatusConflict)
	})
}

// Deliveries join the published record; a record without any keeps the
// digest fixed at publication, and each delivery seals the record with it.
func TestDelivery_Record(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := pubTransition(t, app, deliveryLetter(t, app, "recorded-letter"), signon.ActionPublish)
		anon := app.client(t)
		before := anon.get("/api/v1/statements/recorded-letter/record")
		pubStatus(t, before, http.StatusOK)
		if signon.RecordDigest([]byte(before.Body)) != st.RecordSHA256 || strings.Contains(before.Body, "deliveries") {
			t.Fatalf("record before any delivery does not match its digest: %s", before.Body)
		}

		c := app.coordinator(t)
		saveAddressees(c, st, "Ana Officer|Minister|Ministry|ana@example.gov")
		res := c.postForm(deliveryPath(st, "/deliveries"), url.Values{"to": addresseeIDs(t, app, st), "method": {"in_person"},
			"delivered_at": {"2026-11-01T10:00"}, "place": {"Ottawa"}})
		assertStatus(t, res, http.StatusSeeOther)
		list, err := app.DB.Deliveries(context.Background(), st.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("deliveries %v, %v", list, err)
		}
		after := anon.get("/api/v1/statements/recorded-letter/record")
		if got := signon.RecordDigest([]byte(after.Body)); got != list[0].RecordSHA256 {
			t.Errorf("record digest %s, sealed at delivery %s", got, list[0].RecordSHA256)
		}
		var rec struct {
			Signatories json.RawMessage `json:"signatories"`
			Deliveries  []struct {
				Method            string `json:"method"`
				DeliveredAt       string `json:"delivered_at"`
				Place             string `json:"place"`
				SignatoriesSHA256 string `json:"signatories_sha256"`
				Recipients        []struct {
					Name string `json:"name"`
				} `json:"recipients"`
			} `json:"deliveries"`
		}
		if err := json.Unmarshal([]byte(after.Body), &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.Deliveries) != 1 || rec.Deliveries[0].Method != "in_person" || rec.Deliveries[0].Place != "Ottawa" ||
			rec.Deliveries[0].DeliveredAt != "2026-11-01T10:00:00Z" || rec.Deliveries[0].Recipients[0].Name != "Ana Officer" {
			t.Errorf("record's deliveries: %+v", rec.Deliveries)
		}
		// The delivery's list digest is that of the record's signatories.
		if got := signon.RecordDigest(rec.Signatories); got != rec.Deliveries[0].SignatoriesSHA256 {
			t.Errorf("signatories digest %s, delivery names %s", got, rec.Deliveries[0].SignatoriesSHA256)
		}
		if strings.Contains(after.Body, "ana@example.gov") {
			t.Error("the record shows an addressee's email")
		}
	})
}
