package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// dispatchLock is the PostgreSQL advisory lock key held by the instance
// dispatching webhooks, so one instance at a time advances the cursor.
const dispatchLock int64 = 0x7369676e776868

// dispatchBatch is how many changes one dispatch reads at most.
const dispatchBatch = 500

// DispatchWebhooks turns the changes of the log past the stored cursor
// into delivery jobs, one per change and endpoint that wants it, each
// with its body fixed now, and advances the cursor, all in one
// transaction: a crash before the commit leaves the changes for the next
// dispatch, and after it the jobs are queued; none is lost or doubled.
// On PostgreSQL an instance that finds another dispatching returns 0 at
// once; SQLite's transactions have its one writer to themselves. It
// returns the number of changes it dispatched, at most dispatchBatch.
func (db *DB) DispatchWebhooks(ctx context.Context) (int, error) {
	// Read first, without a transaction: most seconds have no change,
	// and taking SQLite's one writer for nothing would make a signer wait.
	from, err := dispatchCursor(db.read.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	changes, next, err := db.ChangesSince(ctx, 0, from, dispatchBatch)
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	dispatched := 0
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			var locked bool
			if err := tx.Raw(`SELECT pg_try_advisory_xact_lock(?)`, dispatchLock).Scan(&locked).Error; err != nil || !locked {
				return err
			}
		}
		now, err := dispatchCursor(tx)
		if err != nil || now != from {
			return err // another dispatch went first; the next one goes on from there
		}
		params, err := db.webhookJobs(tx, changes)
		if err != nil {
			return err
		}
		if len(params) > 0 {
			sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
			if !ok {
				return errors.New("store: dispatch webhooks: not inside a transaction")
			}
			if _, err := db.queue.InsertManyTx(tx.Statement.Context, sqlTx, params); err != nil {
				return fmt.Errorf("store: enqueue webhook deliveries: %w", markUnavailable(err))
			}
		}
		dispatched = len(changes)
		return tx.Exec(`UPDATE webhook_dispatch SET cursor = ? WHERE id = 1`, next.String()).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: dispatch webhooks: %w", err)
	}
	return dispatched, nil
}

// dispatchCursor reads the position up to which changes are dispatched.
func dispatchCursor(q *gorm.DB) (signon.ChangeCursor, error) {
	var s string
	if err := q.Raw(`SELECT cursor FROM webhook_dispatch WHERE id = 1`).Scan(&s).Error; err != nil {
		return signon.ChangeCursor{}, fmt.Errorf("store: webhook dispatch cursor: %w", err)
	}
	return signon.ParseChangeCursor(s)
}

// webhookJobs makes the delivery jobs of changes: for each, the
// endpoints of its statement or of all that want its kind, with its body
// as tx sees the statement and the signature now.
func (db *DB) webhookJobs(tx *gorm.DB, changes []signon.Change) ([]river.InsertManyParams, error) {
	var endpoints []*signon.WebhookEndpoint
	if err := tx.Order("id").Find(&endpoints).Error; err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	if len(endpoints) == 0 {
		return nil, nil
	}
	type event struct {
		change signon.Change
		to     []*signon.WebhookEndpoint
	}
	var events []event
	var statementIDs, signatureIDs []int64
	for _, ch := range changes {
		var to []*signon.WebhookEndpoint
		for _, e := range endpoints {
			if (e.StatementID == nil || *e.StatementID == ch.StatementID) && e.Wants(string(ch.Kind)) {
				to = append(to, e)
			}
		}
		if len(to) == 0 {
			continue
		}
		events = append(events, event{ch, to})
		statementIDs = append(statementIDs, ch.StatementID)
		if ch.SignatureID != nil {
			signatureIDs = append(signatureIDs, *ch.SignatureID)
		}
	}
	if len(events) == 0 {
		return nil, nil
	}
	// Two reads for the whole batch, whatever its size: on SQLite the
	// transaction holds the one writer meanwhile.
	statements, err := webhookStatements(tx, db.publicURL, statementIDs)
	if err != nil {
		return nil, err
	}
	signatures, err := webhookSignatories(tx, signatureIDs)
	if err != nil {
		return nil, err
	}
	var params []river.InsertManyParams
	for _, ev := range events {
		ch := ev.change
		st, ok := statements[ch.StatementID]
		if !ok {
			continue // its statement is gone
		}
		id := strconv.FormatInt(ch.ID, 10)
		body := signon.WebhookBody{ID: id, Type: string(ch.Kind), CreatedAt: signon.WebhookTime(ch.At), Statement: st}
		if ch.SignatureID != nil {
			if body.Signature = signatures[*ch.SignatureID]; body.Signature == nil {
				body.Signature = &signon.WebhookSignatory{ID: *ch.SignatureID} // deleted since
			}
		}
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("store: webhook body: %w", err)
		}
		for _, e := range ev.to {
			params = append(params, river.InsertManyParams{
				Args:       DeliverWebhookArgs{EndpointID: e.ID, EventID: id, EventType: string(ch.Kind), Body: string(b)},
				InsertOpts: &river.InsertOpts{Queue: WebhookQueue, MaxAttempts: signon.WebhookMaxAttempts},
			})
		}
	}
	return params, nil
}

// webhookStatements reads the statements with ids as event bodies name
// them.
func webhookStatements(tx *gorm.DB, publicURL string, ids []int64) (map[int64]signon.WebhookStatement, error) {
	var list []signon.Statement
	if err := tx.Select("id", "slug", "title", "status").Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: statements of webhook events: %w", err)
	}
	out := make(map[int64]signon.WebhookStatement, len(list))
	for _, s := range list {
		out[s.ID] = signon.WebhookStatement{ID: s.ID, Slug: s.Slug, Title: s.Title, Status: string(s.Status), URL: publicURL + "/s/" + s.Slug}
	}
	return out, nil
}

// webhookSignatories reads the signatures with ids as event bodies show
// them.
func webhookSignatories(tx *gorm.DB, ids []int64) (map[int64]*signon.WebhookSignatory, error) {
	out := map[int64]*signon.WebhookSignatory{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []*signon.Signature
	if err := tx.Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: signatures of webhook events: %w", err)
	}
	for _, s := range list {
		dbTimes(&s.CreatedAt)
		dbTimePtrs(&s.ConfirmedAt, &s.ApprovedAt, &s.RejectedAt, &s.WithdrawnAt)
		out[s.ID] = signon.NewWebhookSignatory(s)
	}
	return out, nil
}

// DispatchWebhooksEvery dispatches webhooks every interval until ctx
// ends, logging what fails and trying again at the next tick: a
// dispatch that fails leaves its changes for the next.
func (db *DB) DispatchWebhooksEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for {
				n, err := db.DispatchWebhooks(ctx)
				if err != nil && ctx.Err() == nil {
					log.WarnContext(ctx, "dispatching webhooks", slog.Any("error", err))
				}
				if err != nil || n < dispatchBatch {
					break
				}
			}
		}
	}
}
