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
	"time"

	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
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
	// in a crash and run again; 0 means two minutes, twice the
	// job timeout, after which a live job has been cancelled. It must exceed
	// the time an SMTP delivery can take (its timeout is 30 seconds).
	RescueAfter time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Metrics counts jobs and email errors (metrics.go); nil counts none.
	Metrics *metrics.Metrics
}

// Runner runs the workers until Stop.
type Runner struct {
	client *river.Client[*sql.Tx]
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
		cfg.RescueAfter = 2 * time.Minute
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &deliverEmail{db: db, sender: countSendErrors(cfg.Sender, cfg.Metrics)})
	river.AddWorker(workers, &closePastDeadline{db: db, now: cfg.Now})
	river.AddWorker(workers, &cleanUp{db: db, now: cfg.Now})
	client, err := river.NewClient(db.RiverDriver(), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 16}},
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, river.FetchCooldownDefault),
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           time.Minute,
		Logger:               cfg.Logger.With("component", "jobs"),
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return closePastDeadlineArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return cleanUpArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	observe(client, db, cfg.Metrics, cfg.Logger)
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return &Runner{client: client}, nil
}

// Stop lets jobs in progress finish, until ctx ends; what has not
// finished by then is cancelled and runs again after a restart.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// deliverEmail sends one email of the outbox.
type deliverEmail struct {
	river.WorkerDefaults[store.DeliverEmailArgs]
	db     *store.DB
	sender mail.Sender
}

func (w *deliverEmail) Work(ctx context.Context, job *river.Job[store.DeliverEmailArgs]) error {
	e, err := w.db.EmailByID(ctx, job.Args.EmailID)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if e.Status == signon.EmailSent || e.Status == signon.EmailLogged {
		return nil // delivered by an attempt whose completion was lost
	}
	if sendErr := w.sender.Send(ctx, e); sendErr != nil {
		status := signon.EmailQueued
		if job.Attempt >= job.MaxAttempts {
			status = signon.EmailFailed
		}
		return errors.Join(sendErr, w.db.RecordDelivery(ctx, e.ID, status, sendErr))
	}
	return w.db.RecordDelivery(ctx, e.ID, w.sender.Delivered(), nil)
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

// cleanUp deletes expired sessions and tokens, counts of failed logins
// that are forgotten, and sign allowances that are whole again.
type cleanUp struct {
	river.WorkerDefaults[cleanUpArgs]
	db  *store.DB
	now func() time.Time
}

func (w *cleanUp) Work(ctx context.Context, _ *river.Job[cleanUpArgs]) error {
	now := w.now()
	_, err := w.db.DeleteExpiredSessions(ctx, now)
	_, errLogins := w.db.DeleteExpiredLoginFailures(ctx, now)
	_, errTokens := w.db.DeleteExpiredTokens(ctx, now)
	_, errSigns := w.db.DeleteExpiredSignAllowances(ctx, now)
	return errors.Join(err, errLogins, errTokens, errSigns)
}
