package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

var uniqueBlockEntry = unique{"blocklist_entries_kind_match_key_key", "blocklist_entries.kind, blocklist_entries.match_key"}

// Blocklist lists every entry of the blocklist, by kind then value.
func (db *DB) Blocklist(ctx context.Context) ([]*signon.BlockEntry, error) {
	var list []*signon.BlockEntry
	if err := db.gorm.WithContext(ctx).Order("kind, match_key").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: blocklist: %w", err)
	}
	for _, e := range list {
		dbTimes(&e.CreatedAt)
	}
	return list, nil
}

// AddBlockEntry adds e to the blocklist, with an event.
func (db *DB) AddBlockEntry(ctx context.Context, e *signon.BlockEntry, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e.ID, e.CreatedBy, e.CreatedAt = 0, accountRef(by), dbTime(tx.NowFunc())
		if err := tx.Create(e).Error; err != nil {
			if violates(err, uniqueBlockEntry) {
				return &signon.Error{Code: signon.ECONFLICT, Key: "blocklist.error.taken", Message: "This entry is on the blocklist already.",
					Fields: signon.Problems{"value": {Code: signon.ProblemTaken}}}
			}
			return fmt.Errorf("store: add blocklist entry: %w", err)
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: signon.EventBlockAdd, Detail: string(e.Kind) + ": " + e.Value})
	})
}

// RemoveBlockEntry removes entry id from the blocklist, with an event.
func (db *DB) RemoveBlockEntry(ctx context.Context, id, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e signon.BlockEntry
		if err := tx.Where("id = ?", id).Take(&e).Error; err != nil {
			return notFound(err, "Blocklist entry not found.")
		}
		if err := tx.Delete(&signon.BlockEntry{}, id).Error; err != nil {
			return fmt.Errorf("store: remove blocklist entry %d: %w", id, err)
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: signon.EventBlockRemove, Detail: string(e.Kind) + ": " + e.Value})
	})
}

// BlocklistEvents lists the latest limit changes of the blocklist,
// newest first.
func (db *DB) BlocklistEvents(ctx context.Context, limit int) ([]*signon.Event, error) {
	var list []*signon.Event
	err := db.gorm.WithContext(ctx).Where("action IN ?", []string{signon.EventBlockAdd, signon.EventBlockRemove}).
		Order("created_at DESC, id DESC").Limit(limit).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: blocklist events: %w", err)
	}
	for _, e := range list {
		dbTimes(&e.CreatedAt)
	}
	return list, nil
}

// Blocked reports whether an entry of the blocklist matches pr: one
// indexed look-up.
func (db *DB) Blocked(ctx context.Context, pr signon.BlockProbe) (bool, error) {
	return blocked(db.gorm.WithContext(ctx), pr)
}

func blocked(tx *gorm.DB, pr signon.BlockProbe) (bool, error) {
	q := tx.Session(&gorm.Session{NewDB: true}).Model(&signon.BlockEntry{}).Select("id").
		Where("kind = ? AND match_key = ?", signon.BlockEmail, pr.Email)
	if len(pr.Domains) > 0 {
		q = q.Or("kind = ? AND match_key IN ?", signon.BlockDomain, pr.Domains)
	}
	if pr.OrgKey != "" {
		q = q.Or("kind = ? AND match_key = ?", signon.BlockOrganization, pr.OrgKey)
	}
	var id int64
	err := q.Limit(1).Take(&id).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: blocklist look-up: %w", err)
	}
	return true, nil
}
