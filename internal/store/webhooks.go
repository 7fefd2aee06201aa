package store

// Outgoing webhooks: the endpoints coordinators register, the delivery
// log, and the dispatch that turns the change log into delivery jobs
// (webhook_dispatch.go).

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// DeliverWebhookArgs is the job that delivers one event to one
// endpoint. Body is the exact JSON sent, fixed when the event was
// dispatched, kept as a string: PostgreSQL stores a job's arguments as
// jsonb, which would reorder and respace an object, and the receiver
// checks the signature of the bytes.
type DeliverWebhookArgs struct {
	EndpointID int64  `json:"endpoint_id"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	Body       string `json:"body"`
}

func (DeliverWebhookArgs) Kind() string { return "deliver_webhook" }

// WebhookQueue is the River queue of webhook deliveries, apart from the
// emails so a slow endpoint never holds a confirmation email back.
const WebhookQueue = "webhook"

// CreateWebhookEndpoint stores e and records who registered it.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *signon.WebhookEndpoint) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if e.StatementID != nil {
			if _, err := statementWhere(tx, "id = ?", *e.StatementID); err != nil {
				return err
			}
		}
		e.ID, e.CreatedAt, e.LastAttemptAt, e.LastStatusCode, e.LastError, e.LastOK = 0, tx.NowFunc(), nil, 0, "", false
		if err := tx.Create(e).Error; err != nil {
			return fmt.Errorf("store: create webhook endpoint: %w", err)
		}
		return createEvent(tx, &signon.Event{StatementID: e.StatementID, AccountID: e.CreatedBy, Action: "webhook.create", Detail: e.URL})
	})
}

// WebhookEndpoint reads the endpoint with id.
func (db *DB) WebhookEndpoint(ctx context.Context, id int64) (*signon.WebhookEndpoint, error) {
	var e signon.WebhookEndpoint
	if err := db.read.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		return nil, notFound(err, "Webhook endpoint not found.")
	}
	dbTimes(&e.CreatedAt)
	dbTimePtrs(&e.LastAttemptAt)
	return &e, nil
}

// WebhookEndpoints lists the endpoints of the statement with id, or
// those for every statement when statementID is 0, oldest first.
func (db *DB) WebhookEndpoints(ctx context.Context, statementID int64) ([]*signon.WebhookEndpoint, error) {
	q := db.read.WithContext(ctx).Where("statement_id IS NULL")
	if statementID != 0 {
		q = db.read.WithContext(ctx).Where("statement_id = ?", statementID)
	}
	var list []*signon.WebhookEndpoint
	if err := q.Order("id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	for _, e := range list {
		dbTimes(&e.CreatedAt)
		dbTimePtrs(&e.LastAttemptAt)
	}
	return list, nil
}

// RotateWebhookSecret replaces the endpoint's secret: deliveries from
// now on, retries included, are signed with the new one.
func (db *DB) RotateWebhookSecret(ctx context.Context, id int64, secret string, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e signon.WebhookEndpoint
		if err := tx.Where("id = ?", id).Take(&e).Error; err != nil {
			return notFound(err, "Webhook endpoint not found.")
		}
		if err := tx.Model(&e).Update("secret", secret).Error; err != nil {
			return fmt.Errorf("store: rotate webhook secret: %w", err)
		}
		return createEvent(tx, &signon.Event{StatementID: e.StatementID, AccountID: accountRef(by), Action: "webhook.rotate", Detail: e.URL})
	})
}

// DeleteWebhookEndpoint removes the endpoint and its log; its pending
// deliveries find it gone and stop.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, id int64, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e signon.WebhookEndpoint
		if err := tx.Where("id = ?", id).Take(&e).Error; err != nil {
			return notFound(err, "Webhook endpoint not found.")
		}
		if err := tx.Delete(&e).Error; err != nil {
			return fmt.Errorf("store: delete webhook endpoint: %w", err)
		}
		return createEvent(tx, &signon.Event{StatementID: e.StatementID, AccountID: accountRef(by), Action: "webhook.delete", Detail: e.URL})
	})
}

// RecordWebhookAttempt adds a to the delivery log and makes it its
// endpoint's last status, in one transaction.
func (db *DB) RecordWebhookAttempt(ctx context.Context, a *signon.WebhookAttempt) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a.ID = 0
		a.At = dbTime(a.At)
		if err := tx.Create(a).Error; err != nil {
			return fmt.Errorf("store: record webhook attempt: %w", err)
		}
		err := tx.Model(&signon.WebhookEndpoint{}).Where("id = ?", a.EndpointID).Updates(map[string]any{
			"last_status_code": a.StatusCode, "last_error": a.Error, "last_attempt_at": a.At, "last_ok": a.OK,
		}).Error
		if err != nil {
			return fmt.Errorf("store: record webhook status: %w", err)
		}
		return nil
	})
}

// WebhookAttempts lists the endpoint's latest attempts, newest first, at
// most limit.
func (db *DB) WebhookAttempts(ctx context.Context, endpointID int64, limit int) ([]signon.WebhookAttempt, error) {
	var list []signon.WebhookAttempt
	err := db.read.WithContext(ctx).Where("endpoint_id = ?", endpointID).Order("id DESC").Limit(limit).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: webhook attempts of endpoint %d: %w", endpointID, err)
	}
	for i := range list {
		dbTimes(&list[i].At)
	}
	return list, nil
}
