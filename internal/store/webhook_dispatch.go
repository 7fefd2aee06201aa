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
// endpoints of its statement or of all that want its kind and existed
// when it happened, with its body as tx sees the statement and the
// signature now.
func (db *DB) webhookJobs(tx *gorm.DB, changes []signon.Change) ([]river.InsertManyParams, error) {
	var endpoints []*signon.WebhookEndpoint
	if err := tx.Order("id").Find(&endpoints).Error; err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	if len(endpoints) == 0 {
		return nil, nil
	}
	statements := map[int64]*signon.WebhookStatement{}
	var params []river.InsertManyParams
	for _, ch := range changes {
		kind := string(ch.Kind)
		var to []*signon.WebhookEndpoint
		for _, e := range endpoints {
			if (e.StatementID == nil || *e.StatementID == ch.StatementID) && e.Wants(kind) && !dbTime(e.CreatedAt).After(ch.At) {
				to = append(to, e)
			}
		}
		if len(to) == 0 {
			continue
		}
		body, err := db.webhookBody(tx, ch, statements)
		if err != nil {
			return nil, err
		}
		if body == nil {
			continue // its statement is gone
		}
		id := strconv.FormatInt(ch.ID, 10)
		for _, e := range to {
			params = append(params, river.InsertManyParams{
				Args:       DeliverWebhookArgs{EndpointID: e.ID, EventID: id, EventType: kind, Body: string(body)},
				InsertOpts: &river.InsertOpts{Queue: WebhookQueue, MaxAttempts: signon.WebhookMaxAttempts},
			})
		}
	}
	return params, nil
}

// webhookBody is the JSON body of the event of ch, or nil when its
// statement no longer exists.
func (db *DB) webhookBody(tx *gorm.DB, ch signon.Change, statements map[int64]*signon.WebhookStatement) ([]byte, error) {
	st, ok := statements[ch.StatementID]
	if !ok {
		s, err := statementWhere(tx, "id = ?", ch.StatementID)
		if signon.ErrorCode(err) == signon.ENOTFOUND {
			statements[ch.StatementID] = nil
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		st = &signon.WebhookStatement{ID: s.ID, Slug: s.Slug, Title: s.Title, Status: string(s.Status), URL: db.publicURL + "/s/" + s.Slug}
		statements[ch.StatementID] = st
	}
	if st == nil {
		return nil, nil
	}
	body := signon.WebhookBody{ID: strconv.FormatInt(ch.ID, 10), Type: string(ch.Kind), CreatedAt: signon.WebhookTime(ch.At), Statement: *st}
	if ch.SignatureID != nil {
		var s signon.Signature
		err := tx.Where("id = ?", *ch.SignatureID).Take(&s).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("store: signature %d: %w", *ch.SignatureID, err)
		}
		if err == nil {
			dbTimes(&s.CreatedAt)
			dbTimePtrs(&s.ConfirmedAt, &s.ApprovedAt, &s.RejectedAt, &s.WithdrawnAt)
			body.Signature = signon.NewWebhookSignatory(&s)
		} else {
			body.Signature = &signon.WebhookSignatory{ID: *ch.SignatureID}
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("store: webhook body: %w", err)
	}
	return b, nil
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
