package server_test

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/server"
)

// scrape reads /metrics from app with token and returns the body.
func scrape(t *testing.T, app *testApp, token string) *response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, app.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return app.client(t).do(req)
}

// series is the value of the series name{labels} in a Prometheus text
// exposition, and whether it is there. The client library writes labels
// sorted by name, a histogram's bucket bound le last, as this builds them.
func series(body, name string, labels map[string]string) (float64, bool) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k != "le" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if _, ok := labels["le"]; ok {
		keys = append(keys, "le")
	}
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = fmt.Sprintf("%s=%q", k, labels[k])
	}
	prefix := name + "{" + strings.Join(pairs, ",") + "} "
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			return f, err == nil
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		m := metrics.New()
		const token = "scrape-token-for-tests"
		app := newTestApp(t, dialect, func(cfg *server.Config) {
			cfg.Metrics, cfg.MetricsToken = m, token
			cfg.PageCache = time.Hour // the test's clock stands still; the second read is a hit
		})
		app.openStatement(t, "metrics-letter")
		c := app.client(t)
		const api = "/api/v1/statements/metrics-letter/signatures"

		pubStatus(t, c.get("/s/metrics-letter"), http.StatusOK)
		pubStatus(t, c.get("/s/metrics-letter"), http.StatusOK)
		pubStatus(t, c.get("/s/no-such-letter"), http.StatusNotFound)
		pubStatus(t, c.get("/no/route/here"), http.StatusNotFound)
		pubStatus(t, c.postRaw(api, "application/json", pubSignJSON()), http.StatusCreated)
		pubStatus(t, c.postRaw(api, "application/json", pubSignJSON("email", "otra@example.org")), http.StatusConflict)
		pubStatus(t, c.postRaw(api, "application/json", pubSignJSON("organization", "Otra", "region", "US-ZZ")), http.StatusUnprocessableEntity)
		pubStatus(t, c.postRaw(api, "application/json", pubSignJSON("organization", "Bot", "fax", "555")), http.StatusCreated)
		pubStatus(t, c.postForm("/s/metrics-letter/sign", pubSignValues("organization", "Red Fronteriza", "email", "red@example.org")), http.StatusSeeOther)
		pubStatus(t, c.postForm("/s/metrics-letter/sign", pubSignValues("organization", "")), http.StatusUnprocessableEntity)

		res := scrape(t, app, token)
		pubStatus(t, res, http.StatusOK)
		body := res.Body
		tests := []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"signon_http_requests_total", map[string]string{"route": "/s/:slug", "method": "GET", "status": "2xx"}, 2},
			{"signon_http_requests_total", map[string]string{"route": "/s/:slug", "method": "GET", "status": "4xx"}, 1},
			{"signon_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "4xx"}, 1},
			{"signon_http_requests_total", map[string]string{"route": "/api/v1/statements/:slug/signatures", "method": "POST", "status": "2xx"}, 2},
			{"signon_http_requests_total", map[string]string{"route": "/api/v1/statements/:slug/signatures", "method": "POST", "status": "4xx"}, 2},
			{"signon_http_request_duration_seconds_count", map[string]string{"route": "/s/:slug", "method": "GET", "status": "2xx"}, 2},
			{"signon_page_cache_requests_total", map[string]string{"page": "/s/:slug", "result": "hit"}, 1},
			{"signon_page_cache_requests_total", map[string]string{"page": "/s/:slug", "result": "miss"}, 2},
			{"signon_signatures_total", map[string]string{"via": "api", "outcome": "accepted", "reason": ""}, 1},
			{"signon_signatures_total", map[string]string{"via": "api", "outcome": "refused", "reason": "duplicate"}, 1},
			{"signon_signatures_total", map[string]string{"via": "api", "outcome": "refused", "reason": "invalid"}, 1},
			{"signon_signatures_total", map[string]string{"via": "api", "outcome": "refused", "reason": "honeypot"}, 1},
			{"signon_signatures_total", map[string]string{"via": "form", "outcome": "accepted", "reason": ""}, 1},
			{"signon_signatures_total", map[string]string{"via": "form", "outcome": "refused", "reason": "invalid"}, 1},
		}
		for _, tt := range tests {
			got, ok := series(body, tt.name, tt.labels)
			if !ok || got != tt.want {
				t.Errorf("%s%v = %v (found %v), want %v", tt.name, tt.labels, got, ok, tt.want)
			}
		}
		if _, ok := series(body, "signon_http_request_duration_seconds_bucket",
			map[string]string{"route": "/s/:slug", "method": "GET", "status": "2xx", "le": "+Inf"}); !ok {
			t.Error("no latency histogram for /s/:slug")
		}
		// Routes are patterns: no slug, path or private token in a label.
		pageLacks(t, body, "metrics-letter", "no-such-letter", "/no/route/here")
		pageHas(t, body, "go_goroutines ", "process_cpu_seconds_total ")
	})
}

// TestMetrics_Protected: on the public port the metrics answer only the
// token's bearer, and are not served at all without a token.
func TestMetrics_Protected(t *testing.T) {
	const token = "scrape-token-for-tests"
	guarded := newTestApp(t, "sqlite", func(cfg *server.Config) { cfg.Metrics, cfg.MetricsToken = metrics.New(), token })
	open := newTestApp(t, "sqlite", func(cfg *server.Config) { cfg.Metrics = metrics.New() })
	tests := []struct {
		name  string
		app   *testApp
		token string
		want  int
	}{
		{"NoToken", guarded, "", http.StatusUnauthorized},
		{"WrongToken", guarded, "not-" + token, http.StatusUnauthorized},
		{"PrefixOfToken", guarded, token[:5], http.StatusUnauthorized},
		{"Token", guarded, token, http.StatusOK},
		{"NoTokenConfigured", open, "", http.StatusNotFound},
		{"NoTokenConfiguredAnyToken", open, token, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := scrape(t, tt.app, tt.token)
			pubStatus(t, res, tt.want)
			if tt.want != http.StatusOK && strings.Contains(res.Body, "signon_http_requests_total") {
				t.Error("metrics served without the token")
			}
		})
	}
}
