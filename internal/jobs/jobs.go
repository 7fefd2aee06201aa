// Package jobs runs Signon's background work on River: delivering the
// outbox's emails, recording the close of statements whose deadline has
// passed, and clearing expired sessions. Jobs are inserted by the store
// in the transaction of the change that causes them, so a change rolled
// back enqueues nothing and a crash after a commit loses nothing; the
// workers here take them from the same database. On PostgreSQL several
// instances share the queue and each job runs once.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/webhook"
)

// Config is how the jobs run.
type Config struct {
	Sender mail.Sender
	Logger *slog.Logger
	// PollInterval is how often a worker looks for new jobs; 0 means one
	// second. The database/sql drivers River runs on here cannot listen
	// for notifications, so a new email waits at most this long.
	PollInterval time.Duration
	// RescueAfter is how long a job may run before it is taken for lost
	// in a crash and run again; 0 means DefaultRescueAfter. River leaves
	// a job alone until its own timeout has passed too (EmailTimeout for
	// a delivery, a minute for the deadline and clean-up jobs), so a
	// live job, which its timeout has ended, is never run twice.
	RescueAfter time.Duration
	// EmailTimeout is the longest one delivery attempt runs; 0 means
	// DefaultEmailTimeout; at least MinEmailTimeout.
	EmailTimeout time.Duration
	// EmailWorkers is how many emails are delivered at once; 0 means
	// DefaultEmailWorkers. Each delivery holds a database connection
	// only for its two short writes, and an SMTP connection meanwhile.
	EmailWorkers int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Metrics counts jobs and email errors (metrics.go); nil counts none.
	Metrics *metrics.Metrics
	// Webhooks is the rule on webhook endpoints' addresses, checked
	// again at every connection.
	Webhooks webhook.Guard
	// WebhookRetry is the wait after a webhook's failed attempt (from 1);
	// nil means signon.WebhookRetryDelay.
	WebhookRetry func(attempt int) time.Duration
}

const (
	// DefaultRescueAfter is how long a job taken by a process that died
	// waits before it runs again, at least: River's rescuer looks every
	// 30 seconds, on the instance that leads (a restarted one leads
	// within 15 seconds of the crash), so an email cut off by a crash
	// leaves again 15 to 45 seconds later, not minutes.
	DefaultRescueAfter = 15 * time.Second
	// DefaultEmailTimeout is the longest one delivery attempt runs: the
	// SMTP steps, each bounded by mail.Timeout, and the writes around
	// them.
	DefaultEmailTimeout = 15 * time.Second
	// DefaultEmailWorkers lets one fetch take a surge's emails in large
	// batches (River fetches at most every 100 ms, for the free workers
	// only) and deliveries waiting on a mail server overlap; it exceeds
	// the database pool's connections, as a delivery holds one only for
	// its two short writes (docs/benchmarks.md).
	DefaultEmailWorkers = 64
	// MinEmailTimeout leaves an attempt time to begin (a write), hold
	// its SMTP conversation (mail.Timeout) and record the outcome.
	MinEmailTimeout = mail.Timeout + recordReserve + time.Second
	// recordReserve is the part of an attempt kept for recording its
	// outcome, retried while the database is unreachable (a restart).
	recordReserve = 3 * time.Second
	// longJobTimeout is the timeout of the jobs other than deliveries.
	longJobTimeout = time.Minute
)

// Runner runs the workers until Stop.
type Runner struct {
	client       *river.Client[*sql.Tx]
	stopDispatch context.CancelFunc
	dispatched   chan struct{}
}

// Start starts the workers on db.
func Start(ctx context.Context, db *store.DB, cfg Config) (*Runner, error) {
	if cfg.Sender == nil {
		return nil, errors.New("jobs: no mail sender")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.RescueAfter <= 0 {
		cfg.RescueAfter = DefaultRescueAfter
	}
	if cfg.EmailWorkers <= 0 {
		cfg.EmailWorkers = DefaultEmailWorkers
	}
	if cfg.EmailTimeout <= 0 {
		cfg.EmailTimeout = DefaultEmailTimeout
	}
	if cfg.EmailTimeout < MinEmailTimeout {
		return nil, fmt.Errorf("jobs: an email timeout of %s leaves no time for an SMTP conversation (%s) and its record (%s)",
			cfg.EmailTimeout, mail.Timeout, recordReserve)
	}
	log := cfg.Logger.With("component", "jobs")
	workers := river.NewWorkers()
	deliver := &deliverEmail{db: db, sender: countSendErrors(cfg.Sender, cfg.Metrics), log: log,
		timeout: cfg.EmailTimeout, delivered: map[int64]handedOver{}}
	river.AddWorker(workers, deliver)
	river.AddWorker(workers, &closePastDeadline{db: db, now: cfg.Now})
	river.AddWorker(workers, &cleanUp{db: db, now: cfg.Now})
	river.AddWorker(workers, &eraseRetention{db: db, now: cfg.Now, log: log})
	if cfg.WebhookRetry == nil {
		cfg.WebhookRetry = signon.WebhookRetryDelay
	}
	river.AddWorker(workers, &deliverWebhook{db: db, client: cfg.Webhooks.Client(), retry: cfg.WebhookRetry, now: cfg.Now, log: log})
	client, err := river.NewClient(db.RiverDriver(), &river.Config{
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 4},
			store.EmailQueue:   {MaxWorkers: cfg.EmailWorkers},
			store.WebhookQueue: {MaxWorkers: DefaultWebhookWorkers},
		},
		Workers:           workers,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, river.FetchCooldownDefault),
		// River's rescuer leaves a job alone until its worker's timeout
		// has passed too, so this may be shorter than any job's. Every
		// worker here has its own timeout; River only requires the
		// client's to be no longer than the rescue.
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           min(cfg.EmailTimeout, cfg.RescueAfter),
		Logger:               log,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return closePastDeadlineArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return cleanUpArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			retentionJob(),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	observe(client, db, cfg.Metrics, cfg.Logger)
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	// The change log is turned into webhook deliveries as often as jobs
	// are fetched (store.DispatchWebhooks); every instance runs a
	// dispatcher, and on PostgreSQL they take turns.
	dispatchCtx, stopDispatch := context.WithCancel(ctx)
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		db.DispatchWebhooksEvery(dispatchCtx, cfg.PollInterval, log)
	}()
	return &Runner{client: client, stopDispatch: stopDispatch, dispatched: dispatched}, nil
}

// Stop lets jobs in progress finish, until ctx ends; what has not
// finished by then is cancelled and runs again after a restart.
func (r *Runner) Stop(ctx context.Context) error {
	r.stopDispatch()
	<-r.dispatched
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// deliverEmail sends one email of the outbox, once as far as SMTP
// allows (docs/decisions.md, "Email: once, as far as SMTP allows"):
// the attempt is recorded before the hand-off and its outcome after it,
// and an outcome that could not be recorded is kept here until it is.
type deliverEmail struct {
	river.WorkerDefaults[store.DeliverEmailArgs]
	db      *store.DB
	sender  mail.Sender
	log     *slog.Logger
	timeout time.Duration

	// delivered holds the emails this process handed over successfully
	// but could not record as such (the database went away), with the
	// status to record. A retry records it without sending again.
	mu        sync.Mutex
	delivered map[int64]handedOver
}

// handedOver is an email a sender took, and the status to record.
type handedOver struct {
	email  *signon.Email
	status signon.EmailStatus
}

// Timeout is short, below River's rescue, so that a delivery cut off by
// a crash is rescued within seconds and a live one never is.
func (w *deliverEmail) Timeout(*river.Job[store.DeliverEmailArgs]) time.Duration { return w.timeout }

func (w *deliverEmail) Work(ctx context.Context, job *river.Job[store.DeliverEmailArgs]) error {
	id := job.Args.EmailID
	w.mu.Lock()
	done, ok := w.delivered[id]
	w.mu.Unlock()
	if ok {
		return w.record(ctx, done)
	}

	e, resend, err := w.begin(ctx, id)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if e.Status != signon.EmailQueued {
		return nil // delivered, or given up, by an attempt whose job did not complete
	}
	if resend {
		// The last attempt handed the email over and then nothing was
		// recorded: a crash, here or in another instance, in the middle
		// of the SMTP conversation or just after it. Sending again with
		// the same Message-ID is the lesser harm: a receiver may see it
		// twice, where not sending may leave a signer without the link.
		w.log.WarnContext(ctx, "email's previous attempt has no recorded outcome; sending it again with the same Message-ID",
			"email_id", id, "kind", e.Kind)
	}

	sendCtx, cancel := context.WithTimeout(ctx, w.timeout-recordReserve)
	sendErr := w.sender.Send(sendCtx, e)
	cancel()
	if sendErr != nil {
		status := signon.EmailQueued
		if job.Attempt >= job.MaxAttempts {
			status = signon.EmailFailed
		}
		return errors.Join(sendErr, w.db.RecordDelivery(ctx, e, status, sendErr))
	}
	done = handedOver{email: e, status: w.sender.Delivered()}
	w.mu.Lock()
	w.delivered[id] = done
	w.mu.Unlock()
	return w.record(ctx, done)
}

// begin reads email id for an attempt. An attempt that reaches people
// (SMTP) is recorded first, in a commit of its own (store.BeginDelivery);
// one that writes a log line is not, as a line written twice misleads
// no one, and it saves a write per email where signing and delivery
// share the database's writes.
func (w *deliverEmail) begin(ctx context.Context, id int64) (*signon.Email, bool, error) {
	if w.sender.Delivered() == signon.EmailLogged {
		e, err := w.db.EmailByID(ctx, id)
		return e, false, err
	}
	return w.db.BeginDelivery(ctx, id)
}

// record writes that an email was handed over, retrying while the
// database does not answer until ctx ends. What is not recorded by then
// stays in w.delivered for the job's next attempt.
func (w *deliverEmail) record(ctx context.Context, done handedOver) error {
	wait := 50 * time.Millisecond
	for {
		err := w.db.RecordDelivery(ctx, done.email, done.status, nil)
		if err == nil || signon.ErrorCode(err) == signon.ENOTFOUND {
			w.mu.Lock()
			delete(w.delivered, done.email.ID)
			w.mu.Unlock()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("jobs: email %d was handed over; recording it failed and will be retried: %w", done.email.ID, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

type closePastDeadlineArgs struct{}

func (closePastDeadlineArgs) Kind() string { return "close_past_deadline" }

// closePastDeadline records the close of statements whose deadline has
// passed. The public already sees them closed (the status is derived
// from the clock); this makes the stored status and the audit trail
// agree, with the deadline as the moment of closing.
type closePastDeadline struct {
	river.WorkerDefaults[closePastDeadlineArgs]
	db  *store.DB
	now func() time.Time
}

func (w *closePastDeadline) Timeout(*river.Job[closePastDeadlineArgs]) time.Duration {
	return longJobTimeout
}

func (w *closePastDeadline) Work(ctx context.Context, _ *river.Job[closePastDeadlineArgs]) error {
	now := w.now()
	ids, err := w.db.StatementsPastDeadline(ctx, now)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		_, err := w.db.TransitionStatement(ctx, id, signon.ActionClose, nil, now, 0)
		// A coordinator may have closed or reopened it in between.
		if err != nil && signon.ErrorCode(err) != signon.ECONFLICT {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

type cleanUpArgs struct{}

func (cleanUpArgs) Kind() string { return "clean_up" }

// cleanUp deletes expired sessions and tokens, counts of login attempts
// that are forgotten, and sign allowances that are whole again.
type cleanUp struct {
	river.WorkerDefaults[cleanUpArgs]
	db  *store.DB
	now func() time.Time
}

func (w *cleanUp) Timeout(*river.Job[cleanUpArgs]) time.Duration { return longJobTimeout }

func (w *cleanUp) Work(ctx context.Context, _ *river.Job[cleanUpArgs]) error {
	now := w.now()
	_, err := w.db.DeleteExpiredSessions(ctx, now)
	_, errLogins := w.db.DeleteExpiredLoginAttempts(ctx, now)
	_, errTokens := w.db.DeleteExpiredTokens(ctx, now)
	_, errSigns := w.db.DeleteExpiredSignAllowances(ctx, now)
	return errors.Join(err, errLogins, errTokens, errSigns)
}
