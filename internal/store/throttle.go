package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

var _ signon.LoginThrottle = (*DB)(nil)

func throttleHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// takeAttemptSQL is the one statement that counts an attempt under a key
// by rule at now, in microseconds: a new row counts one; an existing row
// counts one more, or one again once its count expired; and a locked row
// (the WHERE failing) changes nothing and returns no row. The conflict
// locks the row, so attempts at once on any instance are each counted,
// and each sees the count before it. What the count locks is spelled
// out as a CASE over the rule's few locks, and times are integers, so
// the statement is the same in both dialects. Only the key is a
// parameter; the numbers are the server's own.
func takeAttemptSQL(r signon.ThrottleRule, now int64) string {
	var sb strings.Builder
	n := fmt.Sprintf("(CASE WHEN login_attempts.expires_at_us <= %d THEN 1 ELSE login_attempts.attempts + 1 END)", now)
	// until(end) writes the CASE of what the count locks, each lock's end
	// passed through end (the lock's end itself, or when it expires).
	until := func(end func(lockedUntil int64) int64) string {
		var b strings.Builder
		fmt.Fprintf(&b, "CASE WHEN %s < %d THEN %d", n, r.Limit, end(0))
		locks := r.Locks()
		for i, lock := range locks[:len(locks)-1] {
			fmt.Fprintf(&b, " WHEN %s = %d THEN %d", n, r.Limit+i, end(now+lock.Microseconds()))
		}
		fmt.Fprintf(&b, " ELSE %d END", end(now+r.MaxLock.Microseconds()))
		return b.String()
	}
	lockEnd := func(lockedUntil int64) int64 { return lockedUntil }
	expiry := func(lockedUntil int64) int64 { return max(lockedUntil, now) + r.Window.Microseconds() }
	first := int64(0)
	if lock := r.Lock(1); lock > 0 {
		first = now + lock.Microseconds()
	}
	fmt.Fprintf(&sb, "INSERT INTO login_attempts (key_hash, attempts, locked_until_us, expires_at_us) VALUES (?, 1, %d, %d)\n", first, expiry(first))
	fmt.Fprintf(&sb, "ON CONFLICT (key_hash) DO UPDATE SET attempts = %s,\nlocked_until_us = %s,\nexpires_at_us = %s\n", n, until(lockEnd), until(expiry))
	fmt.Fprintf(&sb, "WHERE login_attempts.locked_until_us <= %d\nRETURNING locked_until_us", now)
	return sb.String()
}

// errLoginLocked rolls back the attempts counted under the other keys of
// a refused attempt.
var errLoginLocked = errors.New("store: login locked")

// TakeLoginAttempt counts an attempt at now under every key by its rule,
// all or nothing: in one transaction, one upsert per key, taken in the
// order of their hashes so two transactions never wait on each other in
// a cycle; a key that is locked refuses, and the attempts counted under
// the others are rolled back, so an address that is locked out does not
// add to the count of the accounts it guesses at.
func (db *DB) TakeLoginAttempt(ctx context.Context, now time.Time, keys ...signon.ThrottleKey) (signon.LoginAttempt, error) {
	type hashed struct {
		hash string
		rule signon.ThrottleRule
	}
	list := make([]hashed, len(keys))
	hashes := make([]string, len(keys))
	for i, k := range keys {
		list[i] = hashed{throttleHash(k.Key), k.Rule}
		hashes[i] = list[i].hash
	}
	slices.SortFunc(list, func(a, b hashed) int { return cmp.Compare(a.hash, b.hash) })
	at := now.UnixMicro()
	var latest int64
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, k := range list {
			var got []int64
			if err := tx.Raw(takeAttemptSQL(k.rule, at), k.hash).Scan(&got).Error; err != nil {
				return fmt.Errorf("store: count login attempt: %w", err)
			}
			if len(got) == 0 {
				err := tx.Raw("SELECT COALESCE(MAX(locked_until_us), 0) FROM login_attempts WHERE key_hash IN ?", hashes).Scan(&latest).Error
				if err != nil {
					return fmt.Errorf("store: read login locks: %w", err)
				}
				return errLoginLocked
			}
			latest = max(latest, got[0])
		}
		return nil
	})
	switch {
	case errors.Is(err, errLoginLocked):
		return signon.LoginAttempt{LockedUntil: time.UnixMicro(latest).UTC()}, nil
	case err != nil:
		return signon.LoginAttempt{}, err
	case latest <= at:
		return signon.LoginAttempt{Allowed: true}, nil
	}
	return signon.LoginAttempt{Allowed: true, LockedUntil: time.UnixMicro(latest).UTC()}, nil
}

// LoginSucceeded forgets the attempts under clear and takes back one
// attempt under each of refund.
func (db *DB) LoginSucceeded(ctx context.Context, clear, refund []string) error {
	hash := func(keys []string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = throttleHash(k)
		}
		return out
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(clear) > 0 {
			if err := tx.Exec("DELETE FROM login_attempts WHERE key_hash IN ?", hash(clear)).Error; err != nil {
				return fmt.Errorf("store: clear login attempts: %w", err)
			}
		}
		if len(refund) > 0 {
			if err := tx.Exec("UPDATE login_attempts SET attempts = attempts - 1 WHERE key_hash IN ? AND attempts > 0", hash(refund)).Error; err != nil {
				return fmt.Errorf("store: refund login attempt: %w", err)
			}
		}
		return nil
	})
}

// DeleteExpiredLoginAttempts removes the counts forgotten at now and
// returns how many there were.
func (db *DB) DeleteExpiredLoginAttempts(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Exec("DELETE FROM login_attempts WHERE expires_at_us <= ?", now.UnixMicro())
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired login attempts: %w", res.Error)
	}
	return res.RowsAffected, nil
}
