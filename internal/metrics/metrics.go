// Package metrics is what Signon tells Prometheus: requests by route and
// status class with their latency, signatures accepted and refused, jobs
// done and failed, email send errors, the database pools and the page
// cache. Everything is registered on one Registry the process owns, never
// on the client library's global one, so two servers in one test do not
// collide and nothing registered by a dependency leaks out.
//
// Every method works on a nil *Metrics and does nothing: code that counts
// need not ask whether anyone is listening.
package metrics

import (
	"crypto/subtle"
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Signon's collectors and the registry they are on.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	signatures  *prometheus.CounterVec
	jobs        *prometheus.CounterVec
	emailErrors prometheus.Counter
	cache       *prometheus.CounterVec
}

// New makes the collectors, with the Go runtime's and the process's, on
// a registry of their own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signon_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status class (2xx, 3xx, 4xx, 5xx).",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "signon_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route pattern, method and status class.",
			// From a cached page (well under a millisecond) to a signature
			// waiting for a busy database.
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		signatures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signon_signatures_total",
			Help: "Signatures submitted, by channel (form, api), outcome (accepted, refused) and reason refused.",
		}, []string{"via", "outcome", "reason"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signon_jobs_total",
			Help: "Background jobs that ended an attempt, by kind and outcome (completed, failed, cancelled).",
		}, []string{"kind", "outcome"}),
		emailErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "signon_email_send_errors_total",
			Help: "Attempts to send an email that failed; each is tried again later.",
		}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "signon_page_cache_requests_total",
			Help: "Public page renders looked up in the in-process cache, by page and result (hit, miss).",
		}, []string{"page", "result"}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.signatures, m.jobs, m.emailErrors, m.cache,
	)
	return m
}

// Register adds collectors of the process's own, such as the queued jobs.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	if m == nil {
		return nil
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// ObservePool reports db's connection pool statistics, labelled
// db_name=name, at every scrape.
func (m *Metrics) ObservePool(name string, db *sql.DB) error {
	if m == nil || db == nil {
		return nil
	}
	return m.reg.Register(collectors.NewDBStatsCollector(db, name))
}

// Request counts one HTTP request. route is the pattern it matched, such
// as /s/:slug, never the URL: a label per slug or token would grow without
// bound and put private links in the metrics.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	class := statusClass(status)
	m.requests.WithLabelValues(route, method, class).Inc()
	m.latency.WithLabelValues(route, method, class).Observe(took.Seconds())
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// Channels a signature comes in through.
const (
	ViaForm = "form"
	ViaAPI  = "api"
)

// SignatureAccepted counts a signature stored, through via.
func (m *Metrics) SignatureAccepted(via string) {
	if m == nil {
		return
	}
	m.signatures.WithLabelValues(via, "accepted", "").Inc()
}

// SignatureRefused counts a signature turned away, through via, for
// reason: a short fixed word (invalid, duplicate, closed, rate_limited,
// error…), never text from the request.
func (m *Metrics) SignatureRefused(via, reason string) {
	if m == nil {
		return
	}
	m.signatures.WithLabelValues(via, "refused", reason).Inc()
}

// Job counts one attempt of a job of kind that ended with outcome.
func (m *Metrics) Job(kind, outcome string) {
	if m == nil {
		return
	}
	m.jobs.WithLabelValues(kind, outcome).Inc()
}

// EmailError counts an email that could not be sent.
func (m *Metrics) EmailError() {
	if m == nil {
		return
	}
	m.emailErrors.Inc()
}

// CacheHit counts a public page served from the cache; page is the
// page's name (statement, home…), not its URL.
func (m *Metrics) CacheHit(page string) {
	if m == nil {
		return
	}
	m.cache.WithLabelValues(page, "hit").Inc()
}

// CacheMiss counts a public page that had to be rendered.
func (m *Metrics) CacheMiss(page string) {
	if m == nil {
		return
	}
	m.cache.WithLabelValues(page, "miss").Inc()
}

// Handler serves the metrics in Prometheus's text format. With a token,
// it answers only requests carrying "Authorization: Bearer <token>".
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
