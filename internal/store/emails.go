package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// DeliverEmailArgs is the job that delivers one email of the outbox. It
// carries only the id: the message itself is in the emails table, where
// coordinators read it and delivery records each attempt.
type DeliverEmailArgs struct {
	EmailID int64 `json:"email_id"`
}

// Kind names the job for River.
func (DeliverEmailArgs) Kind() string { return "deliver_email" }

// EmailMaxAttempts is how often delivery of one email is tried. River
// waits attempt⁴ seconds between tries, so the last comes about a day
// and a half after the first: an SMTP outage of a night loses nothing.
const EmailMaxAttempts = 14

// RiverDriver returns a River driver on the database's write pool, for
// package jobs to run the workers on the same database the store writes.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == Postgres {
		return riverdatabasesql.New(db.sql)
	}
	return riversqlite.New(db.sql)
}

// newQueue makes the insert-only River client the store enqueues jobs
// with, inside its own transactions.
func (db *DB) newQueue() error {
	q, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		return fmt.Errorf("store: job queue: %w", err)
	}
	db.queue = q
	return nil
}

// queueEmails stores emails and enqueues their delivery in tx, the
// transaction of the change that causes them.
func (db *DB) queueEmails(tx *gorm.DB, emails ...*signon.Email) error {
	if len(emails) == 0 {
		return nil
	}
	now := tx.NowFunc()
	for _, e := range emails {
		e.ID, e.Status, e.Attempts, e.LastError, e.SentAt, e.CreatedAt = 0, signon.EmailQueued, 0, "", nil, now
	}
	if err := tx.Create(emails).Error; err != nil {
		return fmt.Errorf("store: queue email: %w", err)
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("store: queue email: not inside a transaction")
	}
	params := make([]river.InsertManyParams, len(emails))
	for i, e := range emails {
		params[i] = river.InsertManyParams{
			Args:       DeliverEmailArgs{EmailID: e.ID},
			InsertOpts: &river.InsertOpts{MaxAttempts: EmailMaxAttempts},
		}
	}
	if _, err := db.queue.InsertManyTx(tx.Statement.Context, sqlTx, params); err != nil {
		// River's insert runs on the transaction directly, past GORM's
		// error translation.
		return fmt.Errorf("store: enqueue email delivery: %w", markUnavailable(err))
	}
	return nil
}

// QueueEmail stores e and enqueues its delivery in one transaction.
func (db *DB) QueueEmail(ctx context.Context, e *signon.Email) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.queueEmails(tx, e)
	})
}

// EmailByID returns email id.
func (db *DB) EmailByID(ctx context.Context, id int64) (*signon.Email, error) {
	var e signon.Email
	if err := db.read.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		return nil, notFound(err, "Email not found.")
	}
	normalizeEmail(&e)
	return &e, nil
}

// Emails lists a page of the outbox, newest first, and the number of
// emails matching f.
func (db *DB) Emails(ctx context.Context, f signon.EmailFilter) ([]*signon.Email, int, error) {
	page, perPage := max(f.Page, 1), f.PerPage
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = DefaultPerPage
	}
	q := db.read.WithContext(ctx).Model(&signon.Email{})
	if f.StatementID != 0 {
		q = q.Where("statement_id = ?", f.StatementID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("store: count emails: %w", err)
	}
	var list []*signon.Email
	if err := q.Order("id DESC").Limit(perPage).Offset((page - 1) * perPage).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list emails: %w", err)
	}
	for _, e := range list {
		normalizeEmail(e)
	}
	return list, int(total), nil
}

// RecordDelivery notes one delivery attempt of email id. A failed
// attempt keeps the email queued for River's next try; only the caller
// knows when it was the last (status EmailFailed). An email sent over
// SMTP has the tokens of its private links removed from the stored copy.
func (db *DB) RecordDelivery(ctx context.Context, id int64, status signon.EmailStatus, attempt error) error {
	changes := map[string]any{"status": status, "attempts": gorm.Expr("attempts + 1"), "last_error": ""}
	if attempt != nil {
		msg := attempt.Error()
		if len(msg) > 1000 {
			msg = strings.ToValidUTF8(msg[:1000], "")
		}
		changes["last_error"] = msg
	}
	if status == signon.EmailSent || status == signon.EmailLogged {
		changes["sent_at"] = dbTime(time.Now())
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if status == signon.EmailSent {
			// Delivered: the stored copy keeps no working private link.
			// Without SMTP (logged) the outbox is how the message is
			// read, so it keeps them.
			var e signon.Email
			if err := tx.Select("text_body", "html_body").Where("id = ?", id).Take(&e).Error; err != nil {
				return notFound(err, "Email not found.")
			}
			changes["text_body"], changes["html_body"] = signon.RedactPrivateLinks(e.TextBody), signon.RedactPrivateLinks(e.HTMLBody)
		}
		res := tx.Model(&signon.Email{}).Where("id = ?", id).Updates(changes)
		if res.Error != nil {
			return fmt.Errorf("store: record delivery of email %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return signon.Errorf(signon.ENOTFOUND, "Email not found.")
		}
		return nil
	})
}

func normalizeEmail(e *signon.Email) {
	dbTimes(&e.CreatedAt)
	dbTimePtrs(&e.SentAt)
}
