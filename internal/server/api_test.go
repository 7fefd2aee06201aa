package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// pubAPIError checks an API error answer: its status, its code and, when
// fields is not nil, exactly which fields have a problem.
func pubAPIError(t *testing.T, res *response, status int, code string, fields ...string) map[string]any {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body %s", res.Status, status, res.Body)
	}
	body := pubJSON(t, res)
	e, ok := body["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", res.Body)
	}
	if e["code"] != code {
		t.Errorf("code %v, want %s", e["code"], code)
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("no message in %s", res.Body)
	}
	got := pubKeys(e["fields"])
	slices.Sort(got)
	want := slices.Clone(fields)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v; body %s", got, want, res.Body)
	}
	return e
}

func pubWantKeys(t *testing.T, what string, v any, want ...string) {
	t.Helper()
	got := pubKeys(v)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s has keys %v, want %v", what, got, want)
	}
}

func TestAPI_Statements(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		now := app.Clock.Now()
		deadline := now.Add(10 * 24 * time.Hour)
		soon := now.Add(time.Hour)
		open := app.openStatement(t, "open-letter", func(s *signon.Statement) { s.ClosesAt = &deadline })
		pubSeed(t, app, open,
			pubSignature{Org: "A", Country: "US", Region: "US-TX"},
			pubSignature{Org: "B", Country: "US", Region: "US-AZ"},
			pubSignature{Org: "C", Country: "US", Region: "US-AZ", Status: signon.SignaturePending})
		published := pubTransition(t, app, app.openStatement(t, "final", func(s *signon.Statement) {
			s.Kind = signon.KindStatement
			s.Language = "es"
		}), signon.ActionClose, signon.ActionPublish)
		app.openStatement(t, "lapsed", func(s *signon.Statement) { s.ClosesAt = &soon })
		pubDraft(t, app, "a-draft")
		pubTransition(t, app, pubDraft(t, app, "scheduled"), signon.ActionSchedule)
		app.Clock.Set(now.Add(2 * time.Hour))

		res := app.client(t).get("/api/v1/statements")
		pubStatus(t, res, http.StatusOK)
		body := pubJSON(t, res)
		pubWantKeys(t, "body", body, "statements")
		list, _ := body["statements"].([]any)
		bySlug := map[string]map[string]any{}
		for _, v := range list {
			m := v.(map[string]any)
			pubWantKeys(t, "statement", m, "slug", "kind", "title", "status", "signature_count", "language", "url", "closes_at", "published_at")
			bySlug[m["slug"].(string)] = m
		}
		if len(list) != 3 || bySlug["open-letter"] == nil || bySlug["final"] == nil || bySlug["lapsed"] == nil {
			t.Fatalf("statements %s, want open-letter, final and lapsed", res.Body)
		}
		want := map[string]map[string]any{
			"open-letter": {"kind": "letter", "title": "Letter open-letter", "status": "open", "signature_count": 2.0, "language": "en",
				"url": "http://signon.test/s/open-letter", "closes_at": "2026-11-11T15:00:00Z", "published_at": nil},
			"final": {"kind": "statement", "status": "published", "signature_count": 0.0, "language": "es",
				"url": "http://signon.test/s/final", "closes_at": nil, "published_at": published.PublishedAt.UTC().Format(time.RFC3339)},
			"lapsed": {"status": "closed", "closes_at": "2026-11-01T16:00:00Z"},
		}
		for slug, fields := range want {
			for k, v := range fields {
				if got := bySlug[slug][k]; got != v {
					t.Errorf("%s.%s = %#v, want %#v", slug, k, got, v)
				}
			}
		}
	})
}

func TestAPI_Statement(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		deadline := app.Clock.Now().Add(24 * time.Hour)
		letter := app.openStatement(t, "the-letter", func(s *signon.Statement) {
			s.Title = "The letter"
			s.Summary = "Short."
			s.Body = "We **ask**. <script>alert(1)</script> [x](javascript:alert(1))"
			s.ClosesAt = &deadline
			s.AllowIndividuals = true
		})
		pubSeed(t, app, letter,
			pubSignature{Org: "A", Country: "US", Region: "US-TX"},
			pubSignature{Org: "B", Country: "MX", Region: "MX-CHH"},
			pubSignature{Org: "C", Country: "GT"})
		app.openStatement(t, "the-response", func(s *signon.Statement) {
			s.Kind, s.Title, s.RespondsToID = signon.KindResponse, "The response", &letter.ID
		})
		pubDraft(t, app, "draft-response", func(s *signon.Statement) { s.RespondsToID = &letter.ID })
		quiet := app.openStatement(t, "quiet", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, quiet, pubSignature{Org: "Q", Country: "US", Region: "US-TX"})
		pubDraft(t, app, "a-draft")
		c := app.client(t)

		res := c.get("/api/v1/statements/the-letter")
		pubStatus(t, res, http.StatusOK)
		body := pubJSON(t, res)
		pubWantKeys(t, "statement", body, "slug", "kind", "title", "summary", "body", "body_html", "addressed_to", "occasion",
			"language", "status", "opens_at", "closes_at", "published_at", "responds_to", "responses", "allow_individuals",
			"signatories_visible", "signature_count", "region_count", "country_count", "version", "translations")
		for k, v := range map[string]any{
			"slug": "the-letter", "kind": "letter", "title": "The letter", "summary": "Short.",
			"body": "We **ask**. <script>alert(1)</script> [x](javascript:alert(1))", "addressed_to": "The leaders of North America",
			"occasion": "North American Leaders' Summit", "language": "en", "status": "open", "opens_at": nil,
			"closes_at": "2026-11-02T15:00:00Z", "published_at": nil, "responds_to": nil, "allow_individuals": true,
			"signatories_visible": true, "signature_count": 3.0, "region_count": 2.0, "country_count": 3.0,
			"version": 1.0,
		} {
			if body[k] != v {
				t.Errorf("%s = %#v, want %#v", k, body[k], v)
			}
		}
		html, _ := body["body_html"].(string)
		if !strings.Contains(html, "<strong>ask</strong>") || strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
			t.Errorf("body_html %q", html)
		}
		if got, _ := json.Marshal(body["responses"]); string(got) != `[{"slug":"the-response","title":"The response"}]` {
			t.Errorf("responses %s", got)
		}

		res = c.get("/api/v1/statements/the-response")
		pubStatus(t, res, http.StatusOK)
		body = pubJSON(t, res)
		if got, _ := json.Marshal(body["responds_to"]); string(got) != `{"slug":"the-letter","title":"The letter"}` {
			t.Errorf("responds_to %s", got)
		}
		if got, _ := json.Marshal(body["responses"]); string(got) != `[]` {
			t.Errorf("responses %s", got)
		}

		// While the signatories are private, so is their spread.
		res = c.get("/api/v1/statements/quiet")
		pubStatus(t, res, http.StatusOK)
		body = pubJSON(t, res)
		if body["signatories_visible"] != false || body["signature_count"] != 1.0 || body["region_count"] != nil || body["country_count"] != nil {
			t.Errorf("quiet statement: %s", res.Body)
		}

		for _, slug := range []string{"a-draft", "draft-response", "no-such-statement"} {
			pubAPIError(t, c.get("/api/v1/statements/"+slug), http.StatusNotFound, "not_found")
		}
	})
}

func TestAPI_Signatures(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "list")
		pubSeed(t, app, st,
			pubSignature{Org: "Alpha", Country: "US", Region: "US-TX", City: "Austin", Website: "https://alpha.example.org"},
			pubSignature{Org: "Bravo", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Charlie", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Delta", Country: "US", Region: "US-AZ"},
			pubSignature{Org: "Echo", Country: "MX", Region: "MX-CHH"},
			pubSignature{Org: "Foxtrot Pending", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
			pubSignature{Org: "Golf Withdrawn", Country: "US", Region: "US-TX", Status: signon.SignatureWithdrawn},
		)
		c := app.client(t)

		res := c.get("/api/v1/statements/list/signatures")
		pubStatus(t, res, http.StatusOK)
		body := pubJSON(t, res)
		pubWantKeys(t, "body", body, "lead_signatures", "signatures", "page", "per_page", "total", "signatories_visible")
		if body["page"] != 1.0 || body["per_page"] != 50.0 || body["total"] != 5.0 || body["signatories_visible"] != true {
			t.Errorf("paging %s", res.Body)
		}
		if pubHasKey(body, "email") || strings.Contains(res.Body, "@example.org") {
			t.Errorf("an email is exposed: %s", res.Body)
		}
		sigs, _ := body["signatures"].([]any)
		var orgs []string
		for _, s := range sigs {
			pubWantKeys(t, "signature", s, "organization", "signer_name", "signer_title", "signer_type", "city", "country",
				"region", "website", "signed_at", "version_signed", "lead")
			orgs = append(orgs, s.(map[string]any)["organization"].(string))
		}
		// By country, then region, then name.
		if want := []string{"Echo", "Delta", "Alpha", "Bravo", "Charlie"}; !slices.Equal(orgs, want) {
			t.Errorf("organizations %v, want %v", orgs, want)
		}
		alpha := sigs[2].(map[string]any)
		for k, v := range map[string]any{
			"organization": "Alpha", "signer_name": "Signer Alpha", "signer_title": "Coordinator", "signer_type": "organization",
			"city": "Austin", "country": "US", "region": "US-TX", "website": "https://alpha.example.org",
			"signed_at": "2026-11-01T15:00:00Z", "version_signed": 1.0,
		} {
			if k == "signed_at" {
				// Stored by the database's clock, not the test's.
				if _, err := time.Parse(time.RFC3339, alpha[k].(string)); err != nil || strings.Contains(alpha[k].(string), ".") {
					t.Errorf("signed_at %v", alpha[k])
				}
				continue
			}
			if alpha[k] != v {
				t.Errorf("%s = %#v, want %#v", k, alpha[k], v)
			}
		}

		pages := []struct {
			query string
			total float64
			orgs  []string
		}{
			{"?per_page=2", 5, []string{"Echo", "Delta"}},
			{"?per_page=2&page=2", 5, []string{"Alpha", "Bravo"}},
			{"?per_page=2&page=3", 5, []string{"Charlie"}},
			{"?per_page=2&page=4", 5, nil},
			{"?region=US-TX", 3, []string{"Alpha", "Bravo", "Charlie"}},
			{"?region=us-tx&per_page=1&page=2", 3, []string{"Bravo"}},
			{"?region=MX-CHH", 1, []string{"Echo"}},
			{"?region=CA-ON", 0, nil},
			{"?per_page=500", 5, []string{"Echo", "Delta", "Alpha", "Bravo", "Charlie"}},
		}
		for _, p := range pages {
			t.Run(p.query, func(t *testing.T) {
				res := c.get("/api/v1/statements/list/signatures" + p.query)
				pubStatus(t, res, http.StatusOK)
				body := pubJSON(t, res)
				var got []string
				for _, s := range body["signatures"].([]any) {
					got = append(got, s.(map[string]any)["organization"].(string))
				}
				if body["total"] != p.total || !slices.Equal(got, p.orgs) {
					t.Errorf("total %v, organizations %v; want %v, %v", body["total"], got, p.total, p.orgs)
				}
			})
		}

		bad := []struct {
			query  string
			fields []string
		}{
			{"?page=0", []string{"page"}},
			{"?page=-1", []string{"page"}},
			{"?page=abc", []string{"page"}},
			{"?page=1.5", []string{"page"}},
			{"?per_page=0", []string{"per_page"}},
			{"?per_page=501", []string{"per_page"}},
			{"?per_page=ten", []string{"per_page"}},
			{"?region=US-ZZ", []string{"region"}},
			{"?region=Texas", []string{"region"}},
			{"?page=0&per_page=1000&region=XX", []string{"page", "per_page", "region"}},
		}
		for _, b := range bad {
			t.Run(b.query, func(t *testing.T) {
				pubAPIError(t, c.get("/api/v1/statements/list/signatures"+b.query), http.StatusUnprocessableEntity, "invalid", b.fields...)
			})
		}
		e := pubAPIError(t, c.get("/api/v1/statements/list/signatures?per_page=501"), http.StatusUnprocessableEntity, "invalid", "per_page")
		if f := e["fields"].(map[string]any); f["per_page"] != "Use a number no larger than 500." {
			t.Errorf("per_page message %v", f["per_page"])
		}
		pubAPIError(t, c.get("/api/v1/statements/nope/signatures"), http.StatusNotFound, "not_found")

		quiet := app.openStatement(t, "quiet", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, quiet, pubSignature{Org: "Hidden", Country: "US", Region: "US-TX"}, pubSignature{Org: "Also Hidden", Country: "US", Region: "US-TX"})
		res = c.get("/api/v1/statements/quiet/signatures")
		pubStatus(t, res, http.StatusOK)
		if got := strings.TrimSpace(res.Body); got != `{"lead_signatures":[],"signatures":[],"page":1,"per_page":50,"total":2,"signatories_visible":false}` {
			t.Errorf("hidden list %s", got)
		}
		// A state's count would say more than the stats endpoint does while
		// the list is hidden: the filter is ignored.
		res = c.get("/api/v1/statements/quiet/signatures?region=US-CA")
		pubStatus(t, res, http.StatusOK)
		if got := strings.TrimSpace(res.Body); got != `{"lead_signatures":[],"signatures":[],"page":1,"per_page":50,"total":2,"signatories_visible":false}` {
			t.Errorf("hidden list filtered by region %s", got)
		}
	})
}

func TestAPI_Stats(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "counted")
		pubSeed(t, app, st,
			pubSignature{Org: "A", Country: "US", Region: "US-NM"},
			pubSignature{Org: "B", Country: "US", Region: "US-NM"},
			pubSignature{Org: "C", Country: "US", Region: "US-NY"},
			pubSignature{Org: "D", Country: "MX", Region: "MX-CMX"},
			pubSignature{Org: "E", Country: "GT"},
			pubSignature{Org: "F", Country: "US", Region: "US-NY", Status: signon.SignaturePending},
		)
		c := app.client(t)
		for _, tt := range []struct{ query, want string }{
			{"", `{"total":5,` +
				`"by_region":[{"code":"US-NM","name":"New Mexico","country":"US","count":2},{"code":"MX-CMX","name":"Mexico City","country":"MX","count":1},{"code":"US-NY","name":"New York","country":"US","count":1}],` +
				`"by_country":[{"code":"US","name":"United States","count":3},{"code":"GT","name":"Guatemala","count":1},{"code":"MX","name":"Mexico","count":1}],` +
				`"signatories_visible":true}`},
			{"?lang=es", `{"total":5,` +
				`"by_region":[{"code":"US-NM","name":"Nuevo México","country":"US","count":2},{"code":"MX-CMX","name":"Ciudad de México","country":"MX","count":1},{"code":"US-NY","name":"Nueva York","country":"US","count":1}],` +
				`"by_country":[{"code":"US","name":"Estados Unidos","count":3},{"code":"GT","name":"Guatemala","count":1},{"code":"MX","name":"México","count":1}],` +
				`"signatories_visible":true}`},
		} {
			t.Run("lang"+tt.query, func(t *testing.T) {
				res := c.get("/api/v1/statements/counted/stats" + tt.query)
				pubStatus(t, res, http.StatusOK)
				if got := strings.TrimSpace(res.Body); got != tt.want {
					t.Errorf("got  %s\nwant %s", got, tt.want)
				}
			})
		}

		quiet := app.openStatement(t, "quiet", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, quiet, pubSignature{Org: "Q", Country: "US", Region: "US-WY"})
		res := c.get("/api/v1/statements/quiet/stats")
		pubStatus(t, res, http.StatusOK)
		if got := strings.TrimSpace(res.Body); got != `{"total":1,"by_region":[],"by_country":[],"signatories_visible":false}` {
			t.Errorf("hidden stats %s", got)
		}
		pubAPIError(t, c.get("/api/v1/statements/nope/stats"), http.StatusNotFound, "not_found")
	})
}

// pubSignJSON is a valid API signature with some fields replaced; a nil
// value removes the field.
func pubSignJSON(kv ...any) string {
	m := map[string]any{
		"organization": "Casa de la Raza", "signer_name": "Ana Torres", "signer_title": "Director",
		"email": "ana@casadelaraza.example.org", "city": "El Paso", "country": "US", "region": "US-TX",
		"website": "https://casadelaraza.example.org", "signer_type": "organization", "language": "es",
		"authorized": true,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
		} else {
			m[kv[i].(string)] = kv[i+1]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestAPI_Sign(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "api-sign")
		c := app.client(t)
		const path = "/api/v1/statements/api-sign/signatures"

		res := c.postRaw(path, "application/json; charset=utf-8", pubSignJSON())
		pubStatus(t, res, http.StatusCreated)
		// Counted at once: the private link is on the answer, and no
		// email is queued.
		var signed struct {
			Status, Statement string
			ManageURL         string `json:"manage_url"`
		}
		if err := json.Unmarshal([]byte(res.Body), &signed); err != nil || signed.Status != "approved" || signed.Statement != "api-sign" ||
			!regexp.MustCompile(`^http://signon\.test/my/[A-Za-z0-9_-]{43}$`).MatchString(signed.ManageURL) {
			t.Errorf("body %s", res.Body)
		}
		if !strings.Contains(res.Body, `"manage_url":`) {
			t.Errorf("body %s names no manage_url", res.Body)
		}
		pageHas(t, c.get(strings.TrimPrefix(signed.ManageURL, "http://signon.test")).Body, "Your signature", "Correct your signature")
		if n := len(signerEmails(t, app, st)); n != 0 {
			t.Errorf("%d emails queued, want none", n)
		}
		list := pubSignatures(t, app, st)
		if len(list) != 1 || list[0].Source != signon.SourceAPI || list[0].Language != "es" || list[0].Region != "US-TX" ||
			list[0].Status != signon.SignatureApproved {
			t.Fatalf("stored %+v", list)
		}

		res = c.postRaw(path, "application/json", pubSignJSON("organization", "CASA DE LA RAZA, INC.", "email", "otro@example.org"))
		e := pubAPIError(t, res, http.StatusConflict, "conflict")
		if e["message"] != "This organization has already signed this statement. Thank you!" {
			t.Errorf("message %v", e["message"])
		}
		pubWantCount(t, app, st, 1)

		bad := []struct {
			name        string
			contentType string
			body        string
			status      int
			code        string
			fields      []string
		}{
			{"Empty", "application/json", `{}`, 422, "invalid", []string{"authorized", "organization", "signer_name", "email", "region"}},
			{"MissingOrganization", "application/json", pubSignJSON("organization", nil), 422, "invalid", []string{"organization"}},
			{"UnknownRegion", "application/json", pubSignJSON("region", "US-ZZ"), 422, "invalid", []string{"region"}},
			{"RegionOfAnotherCountry", "application/json", pubSignJSON("country", "CA", "region", "US-TX"), 422, "invalid", []string{"region"}},
			{"UnknownCountry", "application/json", pubSignJSON("country", "XX"), 422, "invalid", []string{"country"}},
			{"LongOrganization", "application/json", pubSignJSON("organization", strings.Repeat("x", 201)), 422, "invalid", []string{"organization"}},
			{"LongCity", "application/json", pubSignJSON("city", strings.Repeat("x", 101)), 422, "invalid", []string{"city"}},
			{"InvalidEmail", "application/json", pubSignJSON("email", "ana@"), 422, "invalid", []string{"email"}},
			{"InvalidWebsite", "application/json", pubSignJSON("website", "ftp://example.org"), 422, "invalid", []string{"website"}},
			{"IndividualNotAllowed", "application/json", pubSignJSON("signer_type", "individual"), 422, "invalid", []string{"signer_type"}},
			{"TextPlain", "text/plain", pubSignJSON(), 415, "invalid", nil},
			{"Form", "application/x-www-form-urlencoded", "organization=x", 415, "invalid", nil},
			{"NoContentType", "", pubSignJSON(), 415, "invalid", nil},
			{"Malformed", "application/json", `{"organization": "Casa`, 400, "invalid", nil},
			{"NotAnObject", "application/json", `["Casa"]`, 400, "invalid", nil},
			{"WrongType", "application/json", pubSignJSON("organization", 42), 400, "invalid", nil},
			{"UnknownField", "application/json", pubSignJSON("phone", "555-0100"), 400, "invalid", nil},
			{"PrivateField", "application/json", pubSignJSON("status", "approved"), 400, "invalid", nil},
			{"TrailingData", "application/json", pubSignJSON() + `{}`, 400, "invalid", nil},
			{"EmptyBody", "application/json", ``, 400, "invalid", nil},
			{"TooLarge", "application/json", pubSignJSON("city", strings.Repeat("x", 70<<10)), 413, "invalid", nil},
		}
		for _, b := range bad {
			t.Run(b.name, func(t *testing.T) {
				pubAPIError(t, c.postRaw(path, b.contentType, b.body), b.status, b.code, b.fields...)
			})
		}
		pubWantCount(t, app, st, 1)

		// Messages follow the client's language.
		es := app.client(t)
		es.lang = "es"
		e = pubAPIError(t, es.postRaw(path, "application/json", pubSignJSON("organization", "", "email", "mal")), 422, "invalid", "organization", "email")
		if f := e["fields"].(map[string]any); f["organization"] != "Este campo es obligatorio." ||
			f["email"] != "Escribe un correo electrónico válido, como nombre@ejemplo.org." {
			t.Errorf("fields %v", f)
		}

		pubAPIError(t, c.postRaw("/api/v1/statements/nope/signatures", "application/json", pubSignJSON()), http.StatusNotFound, "not_found")
		pubDraft(t, app, "api-draft")
		pubAPIError(t, c.postRaw("/api/v1/statements/api-draft/signatures", "application/json", pubSignJSON()), http.StatusNotFound, "not_found")

		// The honeypot looks like success and stores nothing.
		res = c.postRaw(path, "application/json", pubSignJSON("organization", "Bot Org", "fax", "555"))
		pubStatus(t, res, http.StatusCreated)
		pubWantCount(t, app, st, 1)
	})
}

func TestAPI_SignNotOpen(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		deadline := app.Clock.Now().Add(time.Hour)
		lapsed := app.openStatement(t, "lapsed", func(s *signon.Statement) { s.ClosesAt = &deadline })
		closed := pubTransition(t, app, app.openStatement(t, "closed"), signon.ActionClose)
		published := pubTransition(t, app, app.openStatement(t, "published"), signon.ActionClose, signon.ActionPublish)
		app.Clock.Set(deadline)
		c := app.client(t)
		for _, st := range []*signon.Statement{lapsed, closed, published} {
			t.Run(st.Slug, func(t *testing.T) {
				e := pubAPIError(t, c.postRaw("/api/v1/statements/"+st.Slug+"/signatures", "application/json", pubSignJSON()),
					http.StatusConflict, "conflict")
				if e["message"] != "This statement is not open for signatures." {
					t.Errorf("message %v", e["message"])
				}
				pubWantCount(t, app, st, 0)
			})
		}
	})
}

func TestAPI_SignPolicy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(c *server.Config) { c.SignLimit = 2 })
		st := app.openStatement(t, "reviewed", func(s *signon.Statement) { s.Approval = signon.ApprovalAll; s.AllowIndividuals = true })
		c := app.client(t)
		const path = "/api/v1/statements/reviewed/signatures"

		res := c.postRaw(path, "application/json", pubSignJSON())
		pubStatus(t, res, http.StatusCreated)
		if got := strings.TrimSpace(res.Body); got != `{"status":"pending","statement":"reviewed"}` {
			t.Errorf("body %s", got)
		}
		res = c.postRaw(path, "application/json", pubSignJSON("signer_type", "individual", "organization", "", "email", "rosa@example.org"))
		pubStatus(t, res, http.StatusCreated)
		// Invalid requests do not use up the allowance; the third valid one is refused.
		pubAPIError(t, c.postRaw(path, "application/json", pubSignJSON("email", "bad")), http.StatusUnprocessableEntity, "invalid", "email")
		res = c.postRaw(path, "application/json", pubSignJSON("organization", "Third Group", "email", "third@example.org"))
		pubAPIError(t, res, http.StatusTooManyRequests, "too_many_requests")
		pubWantCount(t, app, st, 2)
		for _, s := range pubSignatures(t, app, st) {
			if s.Status != signon.SignaturePending {
				t.Errorf("%s is %s, want pending", s.Name(), s.Status)
			}
		}
	})
}
