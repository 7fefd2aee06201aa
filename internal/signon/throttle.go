package signon

import (
	"context"
	"time"
)

// ThrottleRule slows down the guessing of passwords: after Limit failed
// logins counted under one key (an email typed, or a client address),
// each further failure locks the key for a delay that doubles from
// FirstLock up to MaxLock. The count is forgotten once Window passes
// without a failure after the last lock ended.
type ThrottleRule struct {
	Limit     int
	Window    time.Duration
	FirstLock time.Duration
	MaxLock   time.Duration
}

// The rules of login: an account is guessed at slowly after 5 failures;
// one address, which may be a whole office behind one router, after 20.
var (
	AccountThrottle = ThrottleRule{Limit: 5, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 15 * time.Minute}
	AddressThrottle = ThrottleRule{Limit: 20, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 15 * time.Minute}
)

// LoginFailures is the count of failed logins under one key.
type LoginFailures struct {
	Failures      int
	LastFailureAt time.Time
	LockedUntil   *time.Time
}

// Locked reports whether f refuses a login at now.
func (f LoginFailures) Locked(now time.Time) bool {
	return f.LockedUntil != nil && now.Before(*f.LockedUntil)
}

// ExpiresAt is when r forgets f: Window after the last failure or the
// end of the last lock, whichever is later.
func (r ThrottleRule) ExpiresAt(f LoginFailures) time.Time {
	end := f.LastFailureAt
	if f.LockedUntil != nil && f.LockedUntil.After(end) {
		end = *f.LockedUntil
	}
	return end.Add(r.Window)
}

// Fail returns f after one more failure at now, locked when the failure
// is the Limit-th or a later one.
func (r ThrottleRule) Fail(f LoginFailures, now time.Time) LoginFailures {
	if f.Failures > 0 && !now.Before(r.ExpiresAt(f)) {
		f = LoginFailures{}
	}
	f.Failures++
	f.LastFailureAt = now
	if over := f.Failures - r.Limit; over >= 0 {
		lock := r.MaxLock
		// Past 30 doublings the delay is capped anyway; the bound keeps
		// the shift from overflowing.
		if over < 30 {
			lock = min(r.FirstLock<<over, r.MaxLock)
		}
		until := now.Add(lock)
		f.LockedUntil = &until
	}
	return f
}

// ThrottleKey is one key failures are counted under, with its rule.
type ThrottleKey struct {
	Key  string
	Rule ThrottleRule
}

// LoginThrottle counts failed logins; a database shares the count
// between every instance of Signon.
type LoginThrottle interface {
	// LoginLockedUntil returns the latest end of a lock on any of keys
	// at now, or the zero time when none is locked.
	LoginLockedUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error)
	// RecordLoginFailure counts a failure at now under every key by its
	// rule and returns the latest end of a lock it causes, or the zero
	// time.
	RecordLoginFailure(ctx context.Context, now time.Time, keys ...ThrottleKey) (time.Time, error)
	// ClearLoginFailures forgets the failures under key, after a login
	// succeeded.
	ClearLoginFailures(ctx context.Context, key string) error
}

// SignLimiter keeps the allowance of signatures per client network: limit
// an hour, refilled evenly, of which the whole hour's worth may be used
// at once (a meeting on one Wi-Fi signing together). A database shares
// the allowance between every instance of Signon.
type SignLimiter interface {
	// TakeSignAllowance takes one signature from the allowance of client
	// (an address or network) at now and reports whether one was left.
	TakeSignAllowance(ctx context.Context, client string, limit int, now time.Time) (bool, error)
}
