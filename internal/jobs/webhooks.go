package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/webhook"
)

// DefaultWebhookWorkers is how many webhook deliveries run at once.
const DefaultWebhookWorkers = 8

// webhookTimeout is the longest one webhook attempt runs: the request,
// then its record.
const webhookTimeout = webhook.Timeout + recordReserve + time.Second

// deliverWebhook posts one event to one endpoint, signed with the
// endpoint's secret as it is at the attempt (a rotation applies to the
// retries), and records the attempt in the delivery log. An answer
// other than 2xx, or none, is an error: River tries again after
// signon.WebhookRetryDelay, up to signon.WebhookMaxAttempts times.
type deliverWebhook struct {
	river.WorkerDefaults[store.DeliverWebhookArgs]
	db     *store.DB
	client *http.Client
	retry  func(attempt int) time.Duration
	now    func() time.Time
	log    *slog.Logger
}

func (w *deliverWebhook) Timeout(*river.Job[store.DeliverWebhookArgs]) time.Duration {
	return webhookTimeout
}

// NextRetry waits longer after each failure (signon.WebhookRetryDelays).
func (w *deliverWebhook) NextRetry(job *river.Job[store.DeliverWebhookArgs]) time.Time {
	return time.Now().Add(w.retry(job.Attempt))
}

func (w *deliverWebhook) Work(ctx context.Context, job *river.Job[store.DeliverWebhookArgs]) error {
	args := job.Args
	e, err := w.db.WebhookEndpoint(ctx, args.EndpointID)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return river.JobCancel(err) // deleted since: nothing to deliver to
	}
	if err != nil {
		return err
	}
	at := w.now()
	postCtx, cancel := context.WithTimeout(ctx, webhook.Timeout)
	code, postErr := webhook.Post(postCtx, w.client, e, args.EventID, args.EventType, []byte(args.Body), at)
	cancel()
	a := &signon.WebhookAttempt{
		EndpointID: e.ID, EventID: args.EventID, EventType: args.EventType, Attempt: job.Attempt,
		StatusCode: code, OK: postErr == nil && code >= 200 && code < 300, At: at,
	}
	// A refusal is its status code, which the page words in the
	// reader's language; Error is what prevented an answer.
	if postErr != nil {
		a.Error = postErr.Error()
	}
	if err := w.db.RecordWebhookAttempt(ctx, a); err != nil {
		if a.OK {
			// Delivered: sending again for a missing log row would do
			// the receiver no good.
			w.log.WarnContext(ctx, "webhook delivered but not recorded", "endpoint_id", e.ID, "event_id", args.EventID, "error", err)
			return nil
		}
		return fmt.Errorf("jobs: webhook %s to endpoint %d: %s; recording it: %w", args.EventID, e.ID, attemptOutcome(a), err)
	}
	if !a.OK {
		return fmt.Errorf("jobs: webhook %s to endpoint %d: %s", args.EventID, e.ID, attemptOutcome(a))
	}
	return nil
}

// attemptOutcome says in a line why an attempt failed, for River's log.
func attemptOutcome(a *signon.WebhookAttempt) string {
	if a.Error != "" {
		return a.Error
	}
	return fmt.Sprintf("answered %d", a.StatusCode)
}
