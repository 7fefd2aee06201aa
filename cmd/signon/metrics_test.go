package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// getBody gets u, with a bearer token when not empty.
func getBody(t *testing.T, u, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// TestServe_Metrics: the metrics are served on their own listener, or on
// the main address behind a token, and not at all without either.
func TestServe_Metrics(t *testing.T) {
	const token = "scrape-token-for-tests"
	t.Run("Listener", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, dbURL string) {
			app := startServe(t, env{"SIGNON_DATABASE_URL": dbURL, "SIGNON_METRICS_ADDR": "127.0.0.1:0"})
			metricsURL := app.waitFor(t, `Metrics on (http://\S+/metrics)`)
			if code := get(t, app.URL+"/healthz"); code != http.StatusOK {
				t.Fatalf("GET /healthz: %d", code)
			}
			code, body := getBody(t, metricsURL, "")
			if code != http.StatusOK {
				t.Fatalf("GET %s: %d", metricsURL, code)
			}
			for _, want := range []string{
				`signon_http_requests_total{method="GET",route="/healthz",status="2xx"} 1`,
				`go_sql_open_connections{db_name="main"}`,
				"go_goroutines ",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lack %s", want)
				}
			}
			if code := get(t, app.URL+"/metrics"); code != http.StatusNotFound {
				t.Errorf("GET /metrics on the main address: %d, want 404", code)
			}
			app.stop(t)
		})
	})
	t.Run("Token", func(t *testing.T) {
		app := startServe(t, env{"SIGNON_DATABASE_URL": storetest.URL(t, store.SQLite), "SIGNON_METRICS_TOKEN": token})
		if code, _ := getBody(t, app.URL+"/metrics", ""); code != http.StatusUnauthorized {
			t.Errorf("GET /metrics without the token: %d, want 401", code)
		}
		code, body := getBody(t, app.URL+"/metrics", token)
		if code != http.StatusOK || !strings.Contains(body, `go_sql_open_connections{db_name="read"}`) {
			t.Errorf("GET /metrics with the token: %d\n%.500s", code, body)
		}
		app.stop(t)
	})
	t.Run("Off", func(t *testing.T) {
		app := startServe(t, env{"SIGNON_DATABASE_URL": storetest.URL(t, store.SQLite)})
		if code, _ := getBody(t, app.URL+"/metrics", token); code != http.StatusNotFound {
			t.Errorf("GET /metrics with metrics off: %d, want 404", code)
		}
		if strings.Contains(app.stdout.String(), "Metrics on") {
			t.Error("a metrics listener started without SIGNON_METRICS_ADDR")
		}
		app.stop(t)
	})
}
