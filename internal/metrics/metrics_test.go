package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A nil *Metrics counts nothing and does not panic, so code that counts
// runs the same with metrics off.
func TestNil(t *testing.T) {
	var m *Metrics
	m.Request("/s/:slug", "GET", 200, time.Millisecond)
	m.SignatureAccepted(ViaForm)
	m.SignatureRefused(ViaAPI, "invalid")
	m.Job("deliver_email", "completed")
	m.EmailError()
	m.CacheHit("statement")
	m.CacheMiss("statement")
	if err := m.ObservePool("main", nil); err != nil {
		t.Error(err)
	}
	if err := m.Register(); err != nil {
		t.Error(err)
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{200: "2xx", 201: "2xx", 303: "3xx", 404: "4xx", 429: "4xx", 503: "5xx", 0: "other", 600: "other"} {
		if got := statusClass(status); got != want {
			t.Errorf("statusClass(%d) = %s, want %s", status, got, want)
		}
	}
}

func TestCache(t *testing.T) {
	m := New()
	m.CacheHit("statement")
	m.CacheHit("statement")
	m.CacheMiss("statement")
	rec := httptest.NewRecorder()
	m.Handler("").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{
		`signon_page_cache_requests_total{page="statement",result="hit"} 2`,
		`signon_page_cache_requests_total{page="statement",result="miss"} 1`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("no %s in\n%s", want, rec.Body)
		}
	}
}

func TestHandler_Token(t *testing.T) {
	m := New()
	for _, tt := range []struct {
		header string
		want   int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer", http.StatusUnauthorized},
		{"Bearer secret-but-longer", http.StatusUnauthorized},
		{"Basic secret", http.StatusUnauthorized},
		{"Bearer secret", http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tt.header != "" {
			req.Header.Set("Authorization", tt.header)
		}
		m.Handler("secret").ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("Authorization %q: %d, want %d", tt.header, rec.Code, tt.want)
		}
	}
}
