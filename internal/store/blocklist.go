package store

import (
	"context"
	"fmt"
	"sync"
	"time"

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
	defer db.blocklist.forget()
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
	defer db.blocklist.forget()
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

// Blocked reports whether an entry of the blocklist matches pr, from the
// instance's copy of the list (blocklistCopy): no query for a signature.
func (db *DB) Blocked(ctx context.Context, pr signon.BlockProbe) (bool, error) {
	keys, err := db.blocklist.load(ctx, db.read)
	if err != nil {
		return false, err
	}
	hit := keys[blockKey(signon.BlockEmail, pr.Email)] || pr.OrgKey != "" && keys[blockKey(signon.BlockOrganization, pr.OrgKey)]
	for _, d := range pr.Domains {
		hit = hit || keys[blockKey(signon.BlockDomain, d)]
	}
	return hit, nil
}

// SignatureFlags computes sig's flags against the blocklist.
func (db *DB) SignatureFlags(ctx context.Context, sig *signon.Signature) (signon.Flags, error) {
	blocked, err := db.Blocked(ctx, signon.BlockProbeOf(sig))
	if err != nil {
		return "", err
	}
	return signon.SignatureFlags(sig, blocked), nil
}

// blocklistCopy is an instance's copy of the blocklist, read at most once
// a second. The sign path asks it for every signature, and the list is
// short and rarely changes: a query per signature cost a round trip on
// PostgreSQL, and on SQLite a turn of the one writer connection. An entry
// added on this instance counts at once (forget); one added on another
// instance, within a second, as the page cache's counts do.
type blocklistCopy struct {
	mu    sync.Mutex
	keys  map[string]bool // blockKey of each entry
	until time.Time
}

func blockKey(kind signon.BlockKind, matchKey string) string { return string(kind) + "\x00" + matchKey }

func (b *blocklistCopy) load(ctx context.Context, read *gorm.DB) (map[string]bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.keys != nil && time.Now().Before(b.until) {
		return b.keys, nil
	}
	var rows []signon.BlockEntry
	if err := read.WithContext(ctx).Select("kind", "match_key").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: blocklist: %w", err)
	}
	keys := make(map[string]bool, len(rows))
	for _, e := range rows {
		keys[blockKey(e.Kind, e.MatchKey)] = true
	}
	b.keys, b.until = keys, time.Now().Add(time.Second)
	return keys, nil
}

// forget drops the copy, after a change of the list on this instance.
func (b *blocklistCopy) forget() {
	b.mu.Lock()
	b.keys = nil
	b.mu.Unlock()
}
