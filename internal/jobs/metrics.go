package jobs

// What the jobs tell the metrics: each attempt's outcome by kind, from
// River's events; the jobs waiting, read from the queue at each scrape;
// and each email that could not be sent.

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
)

// countSendErrors wraps sender to count its errors in m, if any.
func countSendErrors(sender mail.Sender, m *metrics.Metrics) mail.Sender {
	if m == nil {
		return sender
	}
	return countingSender{Sender: sender, m: m}
}

// observe counts the client's jobs in m, if any: those waiting, read
// from the queue at each scrape, and the outcome of each attempt, from
// the client's events until it stops.
func observe(client *river.Client[*sql.Tx], db *store.DB, m *metrics.Metrics, log *slog.Logger) {
	if m == nil {
		return
	}
	if err := m.Register(queuedJobs{db: db}); err != nil {
		// A second runner on the same metrics: the first one's
		// collector reads the same queue.
		log.Debug("queued jobs already observed", slog.Any("error", err))
	}
	events, _ := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	go func() {
		// The channel closes when the client stops.
		for e := range events {
			m.Job(e.Job.Kind, jobOutcome(e.Kind))
		}
	}()
}

func jobOutcome(k river.EventKind) string {
	switch k {
	case river.EventKindJobCompleted:
		return "completed"
	case river.EventKindJobCancelled:
		return "cancelled"
	}
	return "failed"
}

// countingSender counts the emails its Sender could not send.
type countingSender struct {
	mail.Sender
	m *metrics.Metrics
}

func (s countingSender) Send(ctx context.Context, e *signon.Email) error {
	err := s.Sender.Send(ctx, e)
	if err != nil {
		s.m.EmailError()
	}
	return err
}

var queuedJobsDesc = prometheus.NewDesc("signon_jobs_queued",
	"Background jobs waiting to run (ready, scheduled or waiting to be retried), by kind.", []string{"kind"}, nil)

// queuedJobs reads the jobs waiting in the queue when Prometheus scrapes.
// Counting inserts instead would count jobs whose transaction rolled back.
type queuedJobs struct {
	db *store.DB
}

func (q queuedJobs) Describe(ch chan<- *prometheus.Desc) { ch <- queuedJobsDesc }

func (q queuedJobs) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := q.db.QueuedJobs(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queuedJobsDesc, err)
		return
	}
	for kind, n := range counts {
		ch <- prometheus.MustNewConstMetric(queuedJobsDesc, prometheus.GaugeValue, float64(n), kind)
	}
}
