package store

import (
	"context"
	"fmt"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

var _ signon.SignLimiter = (*DB)(nil)

// signLimitPeriod is the span the allowance is counted over: limit
// signatures per hour.
const signLimitPeriod = time.Hour

// takeSignAllowance is GCRA, the token bucket written as one time per
// client: refilled_at is when the allowance would be whole again. Each
// signature pushes it an interval (an hour / limit) later, starting from
// now if it had passed; a signature is refused when that would put it
// more than an hour ahead, which is the whole allowance used. The upsert
// is one statement, atomic under concurrent signers on any instance: the
// row is locked by the conflict, and a refusal (the WHERE failing)
// changes nothing and returns no row.
const takeSignAllowance = `INSERT INTO sign_allowances (client_hash, refilled_at_us) VALUES (?, ?)
ON CONFLICT (client_hash) DO UPDATE
SET refilled_at_us = (CASE WHEN sign_allowances.refilled_at_us > ? THEN sign_allowances.refilled_at_us ELSE ? END) + ?
WHERE (CASE WHEN sign_allowances.refilled_at_us > ? THEN sign_allowances.refilled_at_us ELSE ? END) <= ?
RETURNING refilled_at_us`

// TakeSignAllowance takes one signature from the hourly allowance of
// client, limit an hour, at now, and reports whether one was left. A
// limit below 1 allows nothing.
func (db *DB) TakeSignAllowance(ctx context.Context, client string, limit int, now time.Time) (bool, error) {
	if limit < 1 {
		return false, nil
	}
	var (
		at       = now.UnixMicro()
		interval = signLimitPeriod.Microseconds() / int64(limit)
		// The latest refill time from which one more signature still
		// fits within the hour.
		latest = at + signLimitPeriod.Microseconds() - interval
		got    []int64
	)
	err := db.gorm.WithContext(ctx).
		Raw(takeSignAllowance, throttleHash("sign:"+client), at+interval, at, at, interval, at, at, latest).
		Scan(&got).Error
	if err != nil {
		return false, fmt.Errorf("store: take sign allowance: %w", err)
	}
	return len(got) == 1, nil
}

// DeleteExpiredSignAllowances removes the allowances that are whole again
// at now, which mean the same as none, and returns how many there were.
func (db *DB) DeleteExpiredSignAllowances(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Exec("DELETE FROM sign_allowances WHERE refilled_at_us <= ?", now.UnixMicro())
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired sign allowances: %w", res.Error)
	}
	return res.RowsAffected, nil
}
