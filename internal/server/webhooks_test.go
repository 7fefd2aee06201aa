package server_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/webhook"
)

// hookReceiver is an in-process endpoint that records what it is sent
// and fails the first failAll requests.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	received []hookRequest
	failAll  int // how many requests fail first, whatever their event
	changed  chan struct{}
}

type hookRequest struct {
	Header http.Header
	Body   []byte
	Status int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	r := &hookReceiver{changed: make(chan struct{}, 1000)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := http.StatusNoContent
		if r.failAll > 0 {
			r.failAll--
			status = http.StatusInternalServerError
		}
		r.received = append(r.received, hookRequest{Header: req.Header.Clone(), Body: body, Status: status})
		r.mu.Unlock()
		w.WriteHeader(status)
		r.changed <- struct{}{}
	}))
	t.Cleanup(r.Close)
	return r
}

// delivered are the requests answered 2xx, by event type.
func (r *hookReceiver) delivered() map[string][]hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]hookRequest{}
	for _, q := range r.received {
		if q.Status < 300 {
			out[q.Header.Get("Signon-Event")] = append(out[q.Header.Get("Signon-Event")], q)
		}
	}
	return out
}

// waitFor waits until the receiver has been delivered at least the
// number of events of each type in want, or fails after a minute (a
// bound on a hung test, not a measure).
func (r *hookReceiver) waitFor(t *testing.T, want map[string]int) map[string][]hookRequest {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		got := r.delivered()
		missing := ""
		for typ, n := range want {
			if len(got[typ]) < n {
				missing = typ
			}
		}
		if missing == "" {
			return got
		}
		select {
		case <-r.changed:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no %s event delivered; got %v", missing, got)
		}
	}
}

// verifyHook checks a delivery as a receiver would: the signature
// against the secret and the time, and the body against the headers.
func verifyHook(t *testing.T, q hookRequest, secret string, now time.Time) map[string]any {
	t.Helper()
	sig := q.Header.Get("Signon-Signature")
	m := regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64})$`).FindStringSubmatch(sig)
	if m == nil {
		t.Fatalf("Signon-Signature %q", sig)
	}
	ts, _ := strconv.ParseInt(m[1], 10, 64)
	if ts != now.Unix() {
		t.Errorf("signed at %d, want %d", ts, now.Unix())
	}
	want := signon.WebhookSignature(secret, time.Unix(ts, 0), q.Body)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		t.Errorf("signature %s does not match the body and secret (want %s)", sig, want)
	}
	if ct := q.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(q.Body, &body); err != nil {
		t.Fatalf("body %s: %v", q.Body, err)
	}
	if body["type"] != q.Header.Get("Signon-Event") || body["id"] != q.Header.Get("Signon-Delivery") || body["id"] == "" {
		t.Errorf("body type %v id %v; headers %s %s", body["type"], body["id"], q.Header.Get("Signon-Event"), q.Header.Get("Signon-Delivery"))
	}
	if strings.Contains(string(q.Body), "@") {
		t.Errorf("body carries an email address: %s", q.Body)
	}
	return body
}

var secretRe = regexp.MustCompile(`id="endpoint-secret">(whsec_[A-Za-z0-9_-]+)<`)

// registerHook registers url for st through the form and returns the
// endpoint page's path and its secret.
func registerHook(t *testing.T, c *testClient, st *signon.Statement, url string) (string, string) {
	t.Helper()
	res := c.postForm(coordManagePath(st.ID)+"/webhooks", urlValues("url", url, "events", signon.WebhookEvents))
	assertStatus(t, res, http.StatusSeeOther)
	page, _, _ := strings.Cut(res.Header.Get("Location"), "?")
	res = c.get(res.Header.Get("Location"))
	assertStatus(t, res, http.StatusOK)
	m := secretRe.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no secret on the endpoint page:\n%s", res.Body)
	}
	return page, m[1]
}

func urlValues(kv ...any) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		switch x := kv[i+1].(type) {
		case string:
			v.Add(kv[i].(string), x)
		case []string:
			v[kv[i].(string)] = append(v[kv[i].(string)], x...)
		}
	}
	return v
}

func allowLocalHooks(cfg *server.Config) {
	cfg.Webhooks = webhook.Guard{AllowInternal: true, AllowHTTP: true}
}

func TestWebhooks_Flow(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect, allowLocalHooks)
		app.configureJobs = func(cfg *jobs.Config) {
			cfg.Webhooks = webhook.Guard{AllowInternal: true, AllowHTTP: true}
			cfg.WebhookRetry = func(int) time.Duration { return 0 } // retry at once
		}
		recv := newHookReceiver(t)
		st := app.openStatement(t, "hooks", func(s *signon.Statement) {
			s.RequireConfirmation, s.Approval = true, signon.ApprovalAll
		})
		coord := app.coordinator(t)
		page, secret := registerHook(t, coord, st, recv.URL+"/signon")
		mail := app.Mail(t)

		// Ana signs, confirms, is approved, withdraws; Luis signs,
		// confirms and is rejected; Rosa stays.
		signer := app.client(t)
		sign := func(email, org string) (confirm, my string) {
			pubStatus(t, signer.postForm("/s/hooks/sign", pubSignValues("email", email, "organization", org)), http.StatusSeeOther)
			m := mail.To(t, email)
			confirm, my = linkPath(t, m, "/confirm/"), linkPath(t, m, "/my/")
			pubStatus(t, signer.postForm(confirm, nil), http.StatusSeeOther)
			return confirm, my
		}
		_, anaPage := sign("ana@casa.example.org", "Casa de la Raza")
		sign("luis@frontera.example.org", "Frontera Unida")
		sign("rosa@red.example.org", "Red Binacional")
		sigs := pubSignatures(t, app, st)
		byOrg := map[string]*signon.Signature{}
		for _, s := range sigs {
			byOrg[s.Organization] = s
		}
		id := func(org string) string { return strconv.FormatInt(byOrg[org].ID, 10) }
		for _, org := range []string{"Casa de la Raza", "Red Binacional"} {
			assertStatus(t, coord.postForm(reviewPath(st), url.Values{"approve_one": {id(org)}}), http.StatusSeeOther)
		}
		assertStatus(t, coord.postForm(reviewPath(st), url.Values{"ids": {id("Frontera Unida")}, "decision": {"reject"}, "reason": {"Not a member"}}), http.StatusSeeOther)
		pubStatus(t, signer.postForm(anaPage+"/withdraw", nil), http.StatusSeeOther)
		assertStatus(t, coord.postForm(coordManagePath(st.ID)+"/transition", url.Values{"action": {"close"}}), http.StatusSeeOther)
		saveAddressees(coord, st, "Claudia Sheinbaum|President|Government of Mexico|")
		assertStatus(t, coord.postForm(deliveryPath(st, "/deliveries"), url.Values{"to": addresseeIDs(t, app, st), "method": {"in_person"},
			"delivered_at": {"2026-11-01T09:30"}}), http.StatusSeeOther)
		assertStatus(t, coord.postForm(coordManagePath(st.ID)+"/transition", url.Values{"action": {"publish"}, "confirm": {"1"}}), http.StatusSeeOther)

		want := map[string]int{
			signon.EventSignatureCreated: 3, signon.EventSignatureConfirmed: 3, signon.EventSignatureApproved: 2,
			signon.EventSignatureRejected: 1, signon.EventSignatureWithdrawn: 1,
			signon.EventStatementClosed: 1, signon.EventStatementDelivered: 1, signon.EventStatementPublished: 1,
		}
		got := recv.waitFor(t, want)
		eventSchema := loadAPIContract(t).schema(t, "/components/schemas/WebhookEvent")
		for typ, list := range got {
			for _, q := range list {
				body := verifyHook(t, q, secret, app.Clock.Now())
				v, err := jsonschema.UnmarshalJSON(bytes.NewReader(q.Body))
				if err != nil {
					t.Fatal(err)
				}
				if err := eventSchema.Validate(v); err != nil {
					t.Errorf("%s: the body does not match the OpenAPI document's WebhookEvent: %v\n%s", typ, err, q.Body)
				}
				stmt, _ := body["statement"].(map[string]any)
				if stmt["slug"] != "hooks" || stmt["url"] != "http://signon.test/s/hooks" {
					t.Errorf("%s: statement %v", typ, stmt)
				}
				sig, isSig := body["signature"].(map[string]any)
				if strings.HasPrefix(typ, "signature.") != isSig {
					t.Errorf("%s: signature %v", typ, body["signature"])
				}
				if isSig && (sig["organization"] == "" || sig["country"] != "US") {
					t.Errorf("%s: signature %v", typ, sig)
				}
			}
		}
		for typ, n := range want {
			if len(got[typ]) != n {
				t.Errorf("%d %s delivered, want %d", len(got[typ]), typ, n)
			}
		}
		withdrawn, _ := verifyHook(t, got[signon.EventSignatureWithdrawn][0], secret, app.Clock.Now())["signature"].(map[string]any)
		if withdrawn["organization"] != "Casa de la Raza" || withdrawn["status"] != "withdrawn" {
			t.Errorf("withdrawn: %v", withdrawn)
		}
		rejected, _ := verifyHook(t, got[signon.EventSignatureRejected][0], secret, app.Clock.Now())["signature"].(map[string]any)
		if rejected["organization"] != "Frontera Unida" {
			t.Errorf("rejected: %v", rejected)
		}

		// The log is written once each answer is in.
		endpointID, _ := strconv.ParseInt(strings.TrimPrefix(page, "/coordinate/webhooks/"), 10, 64)
		recv.mu.Lock()
		sent := len(recv.received)
		recv.mu.Unlock()
		waitAttempts(t, app, endpointID, sent)
		res := coord.get(page)
		assertStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<span class="coord-badge coord-ok">delivered</span> 204`, "statement.published")
		assertTranslated(t, res.Body)
	})
}

func TestWebhooks_Retries(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect, allowLocalHooks)
		app.configureJobs = func(cfg *jobs.Config) {
			cfg.Webhooks = webhook.Guard{AllowInternal: true, AllowHTTP: true}
			cfg.WebhookRetry = func(int) time.Duration { return 0 }
		}
		recv := newHookReceiver(t)
		st := app.openStatement(t, "retries")
		coord := app.coordinator(t)
		page, secret := registerHook(t, coord, st, recv.URL)

		// The statement's close is the only event; it fails twice.
		ctx := context.Background()
		if _, err := app.DB.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		recv.mu.Lock()
		recv.failAll = 2
		recv.mu.Unlock()
		app.Mail(t) // starts the jobs

		got := recv.waitFor(t, map[string]int{signon.EventStatementClosed: 1})
		verifyHook(t, got[signon.EventStatementClosed][0], secret, app.Clock.Now())
		recv.mu.Lock()
		attempts := len(recv.received)
		recv.mu.Unlock()
		if attempts != 3 {
			t.Errorf("%d requests, want 2 failures and a success", attempts)
		}
		// The log is written once the answer is in.
		endpoints, err := app.DB.WebhookEndpoints(ctx, st.ID)
		if err != nil || len(endpoints) != 1 {
			t.Fatalf("endpoints %v, %v", endpoints, err)
		}
		waitAttempts(t, app, endpoints[0].ID, 3)

		for _, lang := range []string{"en", "es"} {
			coord.lang = lang
			res := coord.get(page)
			assertStatus(t, res, http.StatusOK)
			text := html.UnescapeString(res.Body)
			ok, failed := map[string]string{"en": "delivered", "es": "entregado"}[lang], map[string]string{"en": "failed", "es": "falló"}[lang]
			answered := map[string]string{"en": "answered 500", "es": "respondió 500"}[lang]
			// Newest first: the success, then the two failures.
			pageHas(t, text,
				`<td>3</td>`+"\n    "+`<td><span class="coord-badge coord-ok">`+ok+`</span> 204</td>`,
				`<td>2</td>`+"\n    "+`<td><span class="coord-badge coord-failed">`+failed+`</span> `+answered+`</td>`,
				`<td>1</td>`+"\n    "+`<td><span class="coord-badge coord-failed">`+failed+`</span> `+answered+`</td>`,
				"statement.closed")
			assertTranslated(t, res.Body)
		}
	})
}

// waitAttempts waits until the endpoint's log has n attempts, or fails
// after a minute (a bound on a hung test, not a measure).
func waitAttempts(t *testing.T, app *testApp, endpointID int64, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		list, err := app.DB.WebhookAttempts(context.Background(), endpointID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts logged, want %d", len(list), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWebhooks_Refused(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "refused")
		coord := app.coordinator(t)
		cases := []struct {
			name, url, lang, want string
		}{
			{"HTTP", "http://example.org/hook", "en", "Use an address starting with https://."},
			{"HTTPSpanish", "http://example.org/hook", "es", "Usa una dirección que empiece por https://."},
			{"Loopback", "https://127.0.0.1:8443/hook", "en", "This address points inside a private network"},
			{"Private", "https://10.1.2.3/hook", "es", "Esta dirección apunta dentro de una red privada"},
			{"Localhost", "https://localhost/hook", "en", "This address points inside a private network"},
			{"MappedIPv6", "https://[::ffff:192.168.1.1]/hook", "en", "This address points inside a private network"},
			{"Userinfo", "https://user:pw@example.org/hook", "en", "Enter a web address"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				coord.lang = tc.lang
				res := coord.postForm(coordManagePath(st.ID)+"/webhooks", urlValues("url", tc.url, "events", signon.EventSignatureCreated))
				assertStatus(t, res, http.StatusUnprocessableEntity)
				pageHas(t, html.UnescapeString(res.Body), tc.want, `value="`+tc.url+`"`, `value="signature.created" checked`)
				pageLacks(t, res.Body, `value="signature.approved" checked`)
			})
		}
		t.Run("NoEvents", func(t *testing.T) {
			coord.lang = "en"
			res := coord.postForm(coordManagePath(st.ID)+"/webhooks", urlValues("url", "https://hooks.example.org/x"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Choose at least one event.", `value="https://hooks.example.org/x"`)
		})
		t.Run("AllStatementsAdminsOnly", func(t *testing.T) {
			assertStatus(t, coord.get("/coordinate/webhooks"), http.StatusForbidden)
			assertStatus(t, coord.postForm("/coordinate/webhooks", urlValues("url", "https://93.184.215.14/x", "events", signon.EventStatementClosed)), http.StatusForbidden)
		})
		list, err := app.DB.WebhookEndpoints(context.Background(), st.ID)
		if err != nil || len(list) != 0 {
			t.Fatalf("endpoints stored: %v, %v", list, err)
		}
	})
}

// TestWebhooks_CheckedWhenSent: an endpoint whose host pointed to the
// internet when it was registered and points inside now (DNS
// rebinding) is refused when Signon connects, and the log says why.
func TestWebhooks_CheckedWhenSent(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		app.configureJobs = func(cfg *jobs.Config) { cfg.Webhooks = webhook.Guard{AllowHTTP: true} }
		recv := newHookReceiver(t)
		st := app.openStatement(t, "rebound")
		ctx := context.Background()
		// Stored directly: through the form the address would be refused.
		e := &signon.WebhookEndpoint{StatementID: &st.ID, URL: recv.URL, Secret: "whsec_x", Events: signon.EventStatementClosed}
		if err := app.DB.CreateWebhookEndpoint(ctx, e); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		app.Mail(t)
		waitAttempts(t, app, e.ID, 1)
		list, err := app.DB.WebhookAttempts(ctx, e.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if a := list[0]; a.OK || a.StatusCode != 0 || !strings.Contains(a.Error, "inside a private network") {
			t.Errorf("attempt %+v, want refused for its address", a)
		}
		recv.mu.Lock()
		defer recv.mu.Unlock()
		if len(recv.received) != 0 {
			t.Errorf("the endpoint was reached %d times", len(recv.received))
		}
		res := app.coordinator(t).get(webhookPagePath(e.ID))
		pageHas(t, res.Body, "coord-failed", "inside a private network")
	})
}

func webhookPagePath(id int64) string { return "/coordinate/webhooks/" + strconv.FormatInt(id, 10) }

// TestWebhooks_AllStatements: an admin's endpoint for all statements
// receives every statement's events; coordinators cannot see it.
func TestWebhooks_AllStatements(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect, allowLocalHooks)
		app.configureJobs = func(cfg *jobs.Config) { cfg.Webhooks = webhook.Guard{AllowInternal: true, AllowHTTP: true} }
		recv := newHookReceiver(t)
		one, two := app.openStatement(t, "first"), app.openStatement(t, "second")
		admin := app.loginAs(t, "hooks-admin@example.org", signon.RoleAdmin)
		res := admin.postForm("/coordinate/webhooks", urlValues("url", recv.URL, "events", signon.EventStatementClosed))
		assertStatus(t, res, http.StatusSeeOther)
		page, _, _ := strings.Cut(res.Header.Get("Location"), "?")
		res = admin.get(page)
		pageHas(t, res.Body, "All statements", recv.URL)
		secret := secretRe.FindStringSubmatch(res.Body)[1]
		res = admin.get("/coordinate/webhooks")
		pageHas(t, res.Body, `href="`+page+`"`)

		coord := app.coordinator(t)
		assertStatus(t, coord.get(page), http.StatusForbidden)
		assertStatus(t, coord.postForm(page+"/rotate", nil), http.StatusForbidden)

		app.Mail(t)
		for _, st := range []*signon.Statement{one, two} {
			assertStatus(t, admin.postForm(coordManagePath(st.ID)+"/transition", url.Values{"action": {"close"}}), http.StatusSeeOther)
		}
		got := recv.waitFor(t, map[string]int{signon.EventStatementClosed: 2})
		var slugs []string
		for _, q := range got[signon.EventStatementClosed] {
			stmt, _ := verifyHook(t, q, secret, app.Clock.Now())["statement"].(map[string]any)
			slugs = append(slugs, stmt["slug"].(string))
		}
		if strings.Join(slugs, " ") != "first second" && strings.Join(slugs, " ") != "second first" {
			t.Errorf("closed events of %v, want first and second", slugs)
		}

		// A new secret signs what follows.
		assertStatus(t, admin.postForm(page+"/rotate", nil), http.StatusSeeOther)
		res = admin.get(page)
		rotated := secretRe.FindStringSubmatch(res.Body)[1]
		if rotated == secret {
			t.Fatal("the secret did not change")
		}
		if _, err := app.DB.TransitionStatement(context.Background(), one.ID, signon.ActionReopen, nil, app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		assertStatus(t, admin.postForm(coordManagePath(one.ID)+"/transition", url.Values{"action": {"close"}}), http.StatusSeeOther)
		got = recv.waitFor(t, map[string]int{signon.EventStatementClosed: 3})
		list := got[signon.EventStatementClosed]
		verifyHook(t, list[len(list)-1], rotated, app.Clock.Now())

		assertStatus(t, admin.postForm(page+"/delete", nil), http.StatusSeeOther)
		assertStatus(t, admin.get(page), http.StatusNotFound)
	})
}
