package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// byActivity puts the statement most recently published, opened or
// created first, which is what a coalition's front page leads with.
const byActivity = "COALESCE(published_at, opened_at, created_at) DESC, id DESC"

func errSlugTaken() error {
	return &signon.Error{
		Code:    signon.ECONFLICT,
		Key:     "error.slug_taken",
		Message: "Another statement already uses this address.",
		Fields:  signon.Problems{"slug": {Code: signon.ProblemTaken}},
	}
}

// CreateStatement stores s as a draft (unless s says otherwise) created by
// the account by.
func (db *DB) CreateStatement(ctx context.Context, s *signon.Statement, by int64) error {
	orig := *s
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkRespondsTo(tx, s); err != nil {
			return err
		}
		if s.Version == 0 {
			s.Version = 1
		}
		if s.Status == "" {
			s.Status = signon.StatusDraft
		}
		s.CreatedBy = by
		// Only publication fixes a record.
		s.RecordURL, s.RecordSHA256 = "", ""
		s.CreatedAt = tx.NowFunc()
		s.UpdatedAt = s.CreatedAt
		normalizeStatement(s)
		create := tx
		if by == 0 {
			// Made by Signon itself (sample data): no account to name.
			create = tx.Omit("CreatedBy")
		}
		if err := create.Create(s).Error; err != nil {
			if violates(err, uniqueSlug) {
				return errSlugTaken()
			}
			return fmt.Errorf("store: create statement: %w", err)
		}
		if err := createVersion(tx, s, by); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{StatementID: &s.ID, AccountID: accountRef(by), Action: "statement.create", Detail: s.Slug})
	})
	if err != nil {
		// Leave the caller's statement as it was, without an ID that was
		// rolled back.
		*s = orig
	}
	return err
}

// UpdateStatement saves what a coordinator edits. Status and its times are
// left alone: they change only through TransitionStatement. A change to
// the text (title, summary, body, addressee, occasion) after someone
// signed the current version makes a new version (signon.Revise), so each
// signature keeps pointing at the text it signed; before that, the
// current version is corrected in place. s is reloaded afterwards.
func (db *DB) UpdateStatement(ctx context.Context, s *signon.Statement, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := db.lockStatement(tx, s.ID)
		if err != nil {
			return err
		}
		// Checked again under the lock: a publish may have landed since
		// the caller loaded the statement.
		if err := cur.CheckEditable(); err != nil {
			return err
		}
		if s.RespondsToID != nil && (cur.RespondsToID == nil || *cur.RespondsToID != *s.RespondsToID) {
			if err := checkRespondsTo(tx, s); err != nil {
				return err
			}
		}
		version, err := reviseText(tx, cur, s, by)
		if err != nil {
			return err
		}
		closesAt := s.ClosesAt
		dbTimePtrs(&closesAt)
		err = tx.Model(&signon.Statement{}).Where("id = ?", s.ID).Updates(map[string]any{
			"slug":                 s.Slug,
			"kind":                 s.Kind,
			"title":                s.Title,
			"summary":              s.Summary,
			"body":                 s.Body,
			"addressed_to":         s.AddressedTo,
			"occasion":             s.Occasion,
			"language":             s.Language,
			"responds_to_id":       s.RespondsToID,
			"allow_individuals":    s.AllowIndividuals,
			"require_confirmation": s.RequireConfirmation,
			"approval":             s.Approval,
			"visibility":           s.Visibility,
			"closes_at":            closesAt,
			"retention_months":     s.RetentionMonths,
			"version":              version,
			"updated_at":           tx.NowFunc(),
		}).Error
		if err != nil {
			if violates(err, uniqueSlug) {
				return errSlugTaken()
			}
			return fmt.Errorf("store: update statement %d: %w", s.ID, err)
		}
		// A new version is its own event, statement.version.
		if err := createEvent(tx, &signon.Event{StatementID: &s.ID, AccountID: accountRef(by), Action: "statement.update"}); err != nil {
			return err
		}
		updated, err := statementWhere(tx, "id = ?", s.ID)
		if err != nil {
			return err
		}
		*s = *updated
		return nil
	})
}

// TransitionStatement applies action to statement id at now, with the row
// locked so two coordinators closing and publishing at once are applied
// one after the other, each to the state the other left.
func (db *DB) TransitionStatement(ctx context.Context, id int64, action signon.Action, at *time.Time, now time.Time, by int64) (*signon.Statement, error) {
	var s *signon.Statement
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if s, err = db.lockStatement(tx, id); err != nil {
			return err
		}
		now = dbTime(now)
		if err := s.Apply(action, now, at); err != nil {
			return err
		}
		normalizeStatement(s)
		// The lifecycle times follow the caller's clock; the bookkeeping
		// times follow the database's, so the audit trail stays in the
		// order things were done even when a test moves the clock.
		s.UpdatedAt = tx.NowFunc()
		if action == signon.ActionPublish {
			if err := db.sealRecord(tx, s); err != nil {
				return err
			}
		}
		err = tx.Model(&signon.Statement{}).Where("id = ?", id).Updates(map[string]any{
			"record_url":    s.RecordURL,
			"record_sha256": s.RecordSHA256,
			"status":        s.Status,
			"opens_at":      s.OpensAt,
			"closes_at":     s.ClosesAt,
			"opened_at":     s.OpenedAt,
			"closed_at":     s.ClosedAt,
			"published_at":  s.PublishedAt,
			"updated_at":    s.UpdatedAt,
		}).Error
		if err != nil {
			return fmt.Errorf("store: %s statement %d: %w", action, id, err)
		}
		detail := ""
		if action == signon.ActionSchedule && s.OpensAt != nil {
			detail = s.OpensAt.Format(time.RFC3339)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &id, AccountID: accountRef(by), Action: "statement." + string(action), Detail: detail,
		})
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// lockStatement reads statement id for a change. PostgreSQL locks the row;
// SQLite needs no lock, since its transactions take the write lock at
// BEGIN (see sqliteDSN).
func (db *DB) lockStatement(tx *gorm.DB, id int64) (*signon.Statement, error) {
	return statementWhere(db.forUpdate(tx), "id = ?", id)
}

// StatementByID returns statement id.
func (db *DB) StatementByID(ctx context.Context, id int64) (*signon.Statement, error) {
	return statementWhere(db.read.WithContext(ctx), "id = ?", id)
}

// StatementBySlug returns the statement at slug.
func (db *DB) StatementBySlug(ctx context.Context, slug string) (*signon.Statement, error) {
	return statementWhere(db.read.WithContext(ctx), "slug = ?", slug)
}

func statementWhere(tx *gorm.DB, query string, args ...any) (*signon.Statement, error) {
	var s signon.Statement
	if err := tx.Where(query, args...).Take(&s).Error; err != nil {
		return nil, notFound(err, "Statement not found.")
	}
	normalizeStatement(&s)
	return &s, nil
}

// Statements lists statements by most recent activity. Public filters on
// the stored status only; a statement scheduled to open later is still
// listed, and callers hide it with EffectiveStatus.
func (db *DB) Statements(ctx context.Context, f signon.StatementFilter) ([]*signon.Statement, error) {
	q := db.read.WithContext(ctx).Order(byActivity)
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Public {
		q = q.Where("status <> ?", signon.StatusDraft)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	return findStatements(q)
}

// Responses lists the statements that respond to id, whatever their
// status.
func (db *DB) Responses(ctx context.Context, id int64) ([]*signon.Statement, error) {
	return findStatements(db.read.WithContext(ctx).Where("responds_to_id = ?", id).Order(byActivity))
}

func findStatements(q *gorm.DB) ([]*signon.Statement, error) {
	var list []*signon.Statement
	if err := q.Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: list statements: %w", err)
	}
	for _, s := range list {
		normalizeStatement(s)
	}
	return list, nil
}

// checkRespondsTo refuses a response to a statement that does not exist,
// as a problem with the form field rather than a foreign key error.
func checkRespondsTo(tx *gorm.DB, s *signon.Statement) error {
	if s.RespondsToID == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&signon.Statement{}).Where("id = ?", *s.RespondsToID).Count(&n).Error; err != nil {
		return fmt.Errorf("store: find statement %d: %w", *s.RespondsToID, err)
	}
	if n == 0 {
		return signon.Problems{"responds_to": {Code: signon.ProblemInvalidChoice}}.Err()
	}
	return nil
}

func normalizeStatement(s *signon.Statement) {
	dbTimes(&s.CreatedAt, &s.UpdatedAt)
	dbTimePtrs(&s.OpensAt, &s.ClosesAt, &s.OpenedAt, &s.ClosedAt, &s.PublishedAt)
}

// StatementsPastDeadline returns the ids of statements still stored as
// open whose deadline has passed at now: closed to the public already,
// waiting for the job that records the close.
func (db *DB) StatementsPastDeadline(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := db.read.WithContext(ctx).Model(&signon.Statement{}).
		Where("status = ? AND closes_at IS NOT NULL AND closes_at <= ?", signon.StatusOpen, dbTime(now)).
		Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("store: statements past deadline: %w", err)
	}
	return ids, nil
}
