package signon

import (
	"context"
	"time"
)

// ThrottleRule slows down the guessing of passwords: every login attempt
// is counted under its keys (an email typed, a client address, or both)
// before the password is checked, and once a key has counted Limit
// attempts each further attempt locks it for a delay that doubles from
// FirstLock up to MaxLock. A locked key refuses attempts, which then do
// not count. The count is forgotten once Window passes without an
// attempt after the last lock ended; a successful login takes its own
// attempt back, and clears the email's keys.
type ThrottleRule struct {
	Limit     int
	Window    time.Duration
	FirstLock time.Duration
	MaxLock   time.Duration
}

// The rules of login. Guessing at one account from one address is slowed
// after 5 attempts, up to 15 minutes between guesses. Guessing at one
// account from anywhere is slowed after 10, but never by more than a
// minute: an attacker spread over many addresses cannot lock the account's
// owner out, who logs in from an address of their own at the latest a
// minute later. One address, which may be a whole office behind one
// router, is slowed after 20 failures at any accounts.
var (
	AccountAddressThrottle = ThrottleRule{Limit: 5, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 15 * time.Minute}
	AccountThrottle        = ThrottleRule{Limit: 10, Window: 15 * time.Minute, FirstLock: 5 * time.Second, MaxLock: time.Minute}
	AddressThrottle        = ThrottleRule{Limit: 20, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 15 * time.Minute}
)

// Lock is how long the attempt that brings the count to attempts locks
// the key: nothing below Limit, then FirstLock doubling up to MaxLock.
func (r ThrottleRule) Lock(attempts int) time.Duration {
	over := attempts - r.Limit
	switch {
	case over < 0:
		return 0
	case over >= 30: // capped long before; the bound keeps the shift from overflowing
		return r.MaxLock
	}
	return min(r.FirstLock<<over, r.MaxLock)
}

// Locks lists the distinct locks of r in order, the last one MaxLock:
// the attempt Limit+i locks for Locks()[i], or the last when past it.
func (r ThrottleRule) Locks() []time.Duration {
	var locks []time.Duration
	for n := r.Limit; ; n++ {
		lock := r.Lock(n)
		locks = append(locks, lock)
		if lock >= r.MaxLock {
			return locks
		}
	}
}

// ThrottleKey is one key attempts are counted under, with its rule.
type ThrottleKey struct {
	Key  string
	Rule ThrottleRule
}

// LoginAttempt is the throttle's answer to a login attempt.
type LoginAttempt struct {
	// Allowed is whether the password may be checked; the attempt has
	// then been counted under every key.
	Allowed bool
	// LockedUntil is, when refused, when the latest lock on the keys
	// ends; when allowed, the end of the latest lock this attempt began
	// (the zero time for none): a wrong password is refused until then.
	LockedUntil time.Time
}

// LoginThrottle counts login attempts; a database shares the count
// between every instance of Signon.
type LoginThrottle interface {
	// TakeLoginAttempt counts an attempt at now under every key by its
	// rule, or none when any key is locked: all or nothing, atomic under
	// concurrent attempts on any instance.
	TakeLoginAttempt(ctx context.Context, now time.Time, keys ...ThrottleKey) (LoginAttempt, error)
	// LoginSucceeded forgets the attempts under clear, and takes back
	// one attempt under each of refund, after a login succeeded.
	LoginSucceeded(ctx context.Context, clear, refund []string) error
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
