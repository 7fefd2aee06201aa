package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/signon-coalition/signon/internal/signon"
)

var _ signon.LoginThrottle = (*DB)(nil)

// loginFailure is a row of login_failures. Keys are stored hashed, so
// the table holds no email address or client address in the clear.
type loginFailure struct {
	KeyHash       string `gorm:"primaryKey"`
	Failures      int
	LastFailureAt time.Time
	LockedUntil   *time.Time
	ExpiresAt     time.Time
}

func (loginFailure) TableName() string { return "login_failures" }

func throttleHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// LoginLockedUntil returns the latest end of a lock on any of keys at
// now, or the zero time when none is locked.
func (db *DB) LoginLockedUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	hashes := make([]string, len(keys))
	for i, k := range keys {
		hashes[i] = throttleHash(k)
	}
	var rows []loginFailure
	err := db.read.WithContext(ctx).Where("key_hash IN ? AND locked_until > ?", hashes, dbTime(now)).Find(&rows).Error
	if err != nil {
		return time.Time{}, fmt.Errorf("store: read login failures: %w", err)
	}
	var until time.Time
	for _, r := range rows {
		if r.LockedUntil != nil && r.LockedUntil.After(until) {
			until = dbTime(*r.LockedUntil)
		}
	}
	return until, nil
}

// RecordLoginFailure counts a failure at now under every key, by its
// rule, and returns the latest end of a lock that results. A row is
// made first if missing (ON CONFLICT DO NOTHING, so two instances racing
// both succeed), then read under a row lock on PostgreSQL and updated:
// concurrent failures are all counted. Keys are taken in the order of
// their hashes, so two transactions never wait on each other in a cycle.
func (db *DB) RecordLoginFailure(ctx context.Context, now time.Time, keys ...signon.ThrottleKey) (time.Time, error) {
	type hashed struct {
		hash string
		rule signon.ThrottleRule
	}
	list := make([]hashed, len(keys))
	for i, k := range keys {
		list[i] = hashed{throttleHash(k.Key), k.Rule}
	}
	slices.SortFunc(list, func(a, b hashed) int { return cmp.Compare(a.hash, b.hash) })
	at := dbTime(now)
	var until time.Time
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range list {
			row := loginFailure{KeyHash: k.hash, LastFailureAt: at, ExpiresAt: at}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return fmt.Errorf("store: count login failure: %w", err)
			}
			if err := db.forUpdate(tx).Where("key_hash = ?", k.hash).Take(&row).Error; err != nil {
				return fmt.Errorf("store: read login failures: %w", err)
			}
			dbTimes(&row.LastFailureAt, &row.ExpiresAt)
			dbTimePtrs(&row.LockedUntil)
			f := k.rule.Fail(signon.LoginFailures{Failures: row.Failures, LastFailureAt: row.LastFailureAt, LockedUntil: row.LockedUntil}, at)
			row.Failures, row.LastFailureAt, row.LockedUntil, row.ExpiresAt = f.Failures, f.LastFailureAt, f.LockedUntil, k.rule.ExpiresAt(f)
			dbTimePtrs(&row.LockedUntil)
			err := tx.Model(&loginFailure{}).Where("key_hash = ?", k.hash).Updates(map[string]any{
				"failures": row.Failures, "last_failure_at": row.LastFailureAt, "locked_until": row.LockedUntil, "expires_at": dbTime(row.ExpiresAt),
			}).Error
			if err != nil {
				return fmt.Errorf("store: count login failure: %w", err)
			}
			if f.Locked(at) && f.LockedUntil.After(until) {
				until = *f.LockedUntil
			}
		}
		return nil
	})
	if err != nil {
		return time.Time{}, err
	}
	return until, nil
}

// ClearLoginFailures forgets the failures under key.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	if err := db.gorm.WithContext(ctx).Where("key_hash = ?", throttleHash(key)).Delete(&loginFailure{}).Error; err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// DeleteExpiredLoginFailures removes the counts forgotten at now and
// returns how many there were.
func (db *DB) DeleteExpiredLoginFailures(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Where("expires_at <= ?", dbTime(now)).Delete(&loginFailure{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired login failures: %w", res.Error)
	}
	return res.RowsAffected, nil
}
