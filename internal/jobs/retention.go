package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/store"
)

// retentionJob erases, once a day, the personal data of statements
// whose retention has ended (store.ErasePastRetention). River inserts
// periodic jobs on the instance that leads only, and each job runs
// once, so of several instances one does the erasing. It runs at start
// too: a deployment restarted daily would otherwise never reach it.
func retentionJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return eraseRetentionArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

type eraseRetentionArgs struct{}

func (eraseRetentionArgs) Kind() string { return "erase_retention" }

// eraseRetention erases what the retention of each closed statement no
// longer keeps. Each statement is its own transaction with its own
// audit event, so a job cut short keeps what it erased and the next run
// finishes the rest.
type eraseRetention struct {
	river.WorkerDefaults[eraseRetentionArgs]
	db  *store.DB
	now func() time.Time
	log *slog.Logger
}

func (w *eraseRetention) Timeout(*river.Job[eraseRetentionArgs]) time.Duration { return longJobTimeout }

func (w *eraseRetention) Work(ctx context.Context, _ *river.Job[eraseRetentionArgs]) error {
	erased, err := w.db.ErasePastRetention(ctx, w.now())
	for id, counts := range erased {
		w.log.InfoContext(ctx, "personal data erased after the retention period", "statement_id", id,
			"signatures", counts.Signatures, "links", counts.Tokens, "invitations", counts.Invitations,
			"emails", counts.Emails, "audit_details", counts.Events)
	}
	return err
}
