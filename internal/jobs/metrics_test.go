package jobs_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// metricValue scrapes m and returns the value of the series written
// exactly as line (name and labels), or -1 when it is absent.
func metricValue(t *testing.T, m *metrics.Metrics, line string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler("").ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if v, ok := strings.CutPrefix(l, line+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			return f
		}
	}
	return -1
}

// waitMetric waits until the series line reaches at least want.
func waitMetric(t *testing.T, m *metrics.Metrics, line string, want float64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for metricValue(t, m, line) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s is %v after a minute, want at least %v", line, metricValue(t, m, line), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMetrics counts an email queued, its failed attempt with the send
// error, and its delivery.
func TestMetrics(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			smtp := mailtest.Start(t)
			smtp.SetFailing(true)
			e := newEmail("carla@example.org")
			if err := db.QueueEmail(ctx, e); err != nil {
				t.Fatal(err)
			}
			m := metrics.New()
			sender, err := mail.NewSMTP(smtp.URL(), "Red de Migrantes <cartas@example.org>")
			if err != nil {
				t.Fatal(err)
			}
			r, err := jobs.Start(ctx, db, jobs.Config{
				Sender: sender, Logger: slog.New(slog.DiscardHandler), PollInterval: 50 * time.Millisecond, Metrics: m,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				r.Stop(ctx)
			})

			waitMetric(t, m, "signon_email_send_errors_total", 1)
			waitMetric(t, m, `signon_jobs_total{kind="deliver_email",outcome="failed"}`, 1)
			// Failed once, it waits in the queue to be tried again.
			if got := metricValue(t, m, `signon_jobs_queued{kind="deliver_email"}`); got != 1 {
				t.Errorf("queued deliveries = %v, want 1", got)
			}
			smtp.SetFailing(false)
			smtp.To(t, "carla@example.org")
			waitStatus(t, db, e.ID, signon.EmailSent)
			waitMetric(t, m, `signon_jobs_total{kind="deliver_email",outcome="completed"}`, 1)
			if got := metricValue(t, m, `signon_jobs_queued{kind="deliver_email"}`); got > 0 {
				t.Errorf("queued deliveries after delivery = %v, want none", got)
			}
			if got := metricValue(t, m, "signon_email_send_errors_total"); got != 1 {
				t.Errorf("send errors = %v, want 1", got)
			}
		})
	}
}
