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
	"gorm.io/gorm/clause"

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

// EmailQueue is the River queue of email deliveries, kept apart from
// the periodic jobs so that a surge of emails never delays a deadline,
// and given its own workers (package jobs).
const EmailQueue = "email"

// emailPriority orders the email queue (River fetches the lowest number
// first): a signer waiting for the link that confirms their signature,
// or a coordinator for their account, before receipts, and receipts
// before the invitations and reminders a coordinator sends to a whole
// roster at once, so a mass mailing never delays a confirmation.
func emailPriority(kind string) int {
	switch kind {
	case signon.EmailConfirm, signon.EmailAccountInvite:
		return 1
	case signon.EmailSignatureManaged:
		return 2
	}
	return 3
}

// EmailMaxAttempts is how often delivery of one email is tried. River
// waits attempt⁴ seconds between tries, so the last comes about a day
// and a half after the first: an SMTP outage of a night loses nothing.
const EmailMaxAttempts = 14

// DeliveryMaxAttempts is how often an email delivering a statement to an
// addressee is tried: once. Its coordinator sends it from the delivery
// page and watches it there; a refusal shows at once, with the server's
// answer and a button to try again, rather than being retried unseen
// for a day and a half, when the moment for the letter may have passed.
const DeliveryMaxAttempts = 1

func emailMaxAttempts(kind string) int {
	if kind == signon.EmailDelivery {
		return DeliveryMaxAttempts
	}
	return EmailMaxAttempts
}

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
		e.ID, e.Status, e.Attempts, e.LastError, e.SentAt, e.SendingSince, e.CreatedAt = 0, signon.EmailQueued, 0, "", nil, nil, now
	}
	if err := tx.Create(emails).Error; err != nil {
		return fmt.Errorf("store: queue email: %w", err)
	}
	return db.enqueueDeliveries(tx, emails...)
}

// enqueueDeliveries enqueues the delivery jobs of stored emails in tx.
func (db *DB) enqueueDeliveries(tx *gorm.DB, emails ...*signon.Email) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("store: queue email: not inside a transaction")
	}
	params := make([]river.InsertManyParams, len(emails))
	for i, e := range emails {
		params[i] = river.InsertManyParams{
			Args:       DeliverEmailArgs{EmailID: e.ID},
			InsertOpts: &river.InsertOpts{Queue: EmailQueue, Priority: emailPriority(e.Kind), MaxAttempts: emailMaxAttempts(e.Kind)},
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
	if err := q.Omit("attachment").Order("id DESC").Limit(perPage).Offset((page - 1) * perPage).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list emails: %w", err)
	}
	for _, e := range list {
		normalizeEmail(e)
	}
	return list, int(total), nil
}

// BeginDelivery records that an attempt to deliver email id begins, in
// one statement committed before the email is handed to a sender: a
// process that dies, or loses the database, before it records the
// outcome leaves sending_since set, and the next attempt knows that the
// email may have left already (resend). It returns the email; one no
// longer queued is returned as it is, and no attempt begins.
func (db *DB) BeginDelivery(ctx context.Context, id int64) (e *signon.Email, resend bool, err error) {
	// Every outcome recorded clears sending_since, so one still set is
	// an attempt whose outcome nobody knows. The first statement finds
	// the usual case; the second, the rare one.
	for _, resend := range []bool{false, true} {
		cond := "sending_since IS NULL"
		if resend {
			cond = "sending_since IS NOT NULL"
		}
		e := &signon.Email{}
		res := db.gorm.WithContext(ctx).Model(e).Clauses(clause.Returning{}).
			Where("id = ? AND status = ? AND "+cond, id, signon.EmailQueued).
			Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "sending_since": dbTime(time.Now())})
		if res.Error != nil {
			return nil, false, fmt.Errorf("store: begin delivery of email %d: %w", id, res.Error)
		}
		if res.RowsAffected == 1 {
			normalizeEmail(e)
			return e, resend, nil
		}
	}
	e, err = db.EmailByID(ctx, id) // sent, failed or gone
	return e, false, err
}

// RecordDelivery notes the outcome of the delivery attempt of e that
// BeginDelivery began, in one statement. A failed attempt keeps the
// email queued for River's next try; only the caller knows when it was
// the last (status EmailFailed). An email sent over SMTP has the tokens
// of its private links removed from the stored copy. Recording the same
// outcome twice (a retry after an answer lost with the connection)
// changes nothing more.
func (db *DB) RecordDelivery(ctx context.Context, e *signon.Email, status signon.EmailStatus, attempt error) error {
	changes := map[string]any{"status": status, "last_error": "", "sending_since": nil}
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
	if status == signon.EmailSent {
		changes["message_id"], changes["server_reply"] = e.MessageID, e.ServerReply
		// Delivered: the stored copy keeps no working private link.
		// Without SMTP (logged) the outbox is how the message is read,
		// so it keeps them.
		changes["text_body"], changes["html_body"] = signon.RedactPrivateLinks(e.TextBody), signon.RedactPrivateLinks(e.HTMLBody)
	}
	res := db.gorm.WithContext(ctx).Model(&signon.Email{}).Where("id = ?", e.ID).Updates(changes)
	if res.Error != nil {
		return fmt.Errorf("store: record delivery of email %d: %w", e.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return signon.Errorf(signon.ENOTFOUND, "Email not found.")
	}
	return nil
}

func normalizeEmail(e *signon.Email) {
	dbTimes(&e.CreatedAt)
	dbTimePtrs(&e.SentAt, &e.SendingSince)
}
