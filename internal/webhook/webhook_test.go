package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/webhook"
)

// TestGuard_RefusedWhenConnecting: an endpoint whose address is checked
// at registration can still point inside later (DNS rebinding); the
// client refuses the connection itself.
func TestGuard_RefusedWhenConnecting(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	e := &signon.WebhookEndpoint{URL: srv.URL, Secret: "s"}

	_, err := webhook.Post(context.Background(), webhook.Guard{AllowHTTP: true}.Client(), e, "1", "statement.closed", []byte(`{}`), time.Now())
	if !errors.Is(err, webhook.ErrInternalAddress) {
		t.Fatalf("error %v, want ErrInternalAddress", err)
	}
	if hits != 0 {
		t.Fatalf("the endpoint was reached %d times", hits)
	}

	code, err := webhook.Post(context.Background(), webhook.Guard{AllowHTTP: true, AllowInternal: true}.Client(), e, "1", "statement.closed", []byte(`{}`), time.Now())
	if err != nil || code != http.StatusOK || hits != 1 {
		t.Fatalf("allowed: code %d, error %v, hits %d", code, err, hits)
	}
}

// TestGuard_NoRedirects: a redirect is an answer, not delivered, and
// is not followed (it could lead anywhere).
func TestGuard_NoRedirects(t *testing.T) {
	followed := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	e := &signon.WebhookEndpoint{URL: srv.URL + "/hook", Secret: "s"}
	code, err := webhook.Post(context.Background(), webhook.Guard{AllowHTTP: true, AllowInternal: true}.Client(), e, "1", "statement.closed", []byte(`{}`), time.Now())
	if err != nil || code != http.StatusTemporaryRedirect || followed {
		t.Fatalf("code %d, error %v, followed %v; want the 307 itself", code, err, followed)
	}
}

func TestGuard_CheckURL(t *testing.T) {
	ctx := context.Background()
	strict := webhook.Guard{}
	for _, tc := range []struct{ url, problem string }{
		{"", signon.ProblemRequired},
		{"ftp://example.org/x", signon.ProblemWebhookScheme},
		{"http://example.org/x", signon.ProblemWebhookScheme},
		{"https://127.0.0.1/x", signon.ProblemWebhookInternal},
		{"https://[::1]/x", signon.ProblemWebhookInternal},
		{"https://localhost/x", signon.ProblemWebhookInternal},
		{"https://169.254.169.254/latest/meta-data", signon.ProblemWebhookInternal},
		{"https://100.64.0.1/x", signon.ProblemWebhookInternal},
		{"https://[fd00::1]/x", signon.ProblemWebhookInternal},
		{"https://host.invalid/x", signon.ProblemWebhookUnresolved},
		{"https://a@example.org/x", signon.ProblemInvalidURL},
		{"https://example.org/x#frag", signon.ProblemInvalidURL},
	} {
		_, err := strict.CheckURL(ctx, tc.url)
		if got := signon.ErrorFields(err)["url"].Code; got != tc.problem {
			t.Errorf("%q: problem %q (%v), want %q", tc.url, got, err, tc.problem)
		}
	}
	if got, err := strict.CheckURL(ctx, " https://93.184.215.14/hooks "); err != nil || got != "https://93.184.215.14/hooks" {
		t.Errorf("a public address: %q, %v", got, err)
	}
	if _, err := (webhook.Guard{AllowHTTP: true, AllowInternal: true}).CheckURL(ctx, "http://127.0.0.1:8080/x"); err != nil {
		t.Errorf("allowed by the admin: %v", err)
	}
}

// verify is the receiver's check as docs/api.md gives it, word for word.
func verify(secret, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(t, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%s.", ts)
	mac.Write(body)
	want := hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(sig))
}

// TestPost_VerifiedAsDocumented: what Post sends passes the documented
// check with the secret, and fails it with another secret, another body
// or an old timestamp.
func TestPost_VerifiedAsDocumented(t *testing.T) {
	var header http.Header
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header, body = r.Header.Clone(), must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	now := time.Now()
	e := &signon.WebhookEndpoint{URL: srv.URL, Secret: "whsec_abc"}
	sent := []byte(`{"id":"7","type":"statement.closed"}`)
	code, err := webhook.Post(context.Background(), webhook.Guard{AllowHTTP: true, AllowInternal: true}.Client(), e, "7", "statement.closed", sent, now)
	if err != nil || code != http.StatusAccepted {
		t.Fatalf("code %d, error %v", code, err)
	}
	if string(body) != string(sent) || header.Get("Signon-Event") != "statement.closed" || header.Get("Signon-Delivery") != "7" {
		t.Fatalf("received %s with %v", body, header)
	}
	sig := header.Get("Signon-Signature")
	if !verify("whsec_abc", sig, body, now) {
		t.Errorf("the documented check refuses %s", sig)
	}
	if verify("whsec_other", sig, body, now) || verify("whsec_abc", sig, []byte(`{}`), now) || verify("whsec_abc", sig, body, now.Add(time.Hour)) {
		t.Errorf("the documented check accepts a wrong secret, body or time")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
