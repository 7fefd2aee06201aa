package server

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

const (
	// passwordWait is how long a login waits for a turn at hashing
	// before it is answered 429 (Config.PasswordWait).
	passwordWait = 2 * time.Second
	// passwordRetryAfter is the Retry-After of that 429, in seconds: a
	// burst of hashes is over within it.
	passwordRetryAfter = 5
)

var errPasswordsBusy = signon.KeyedError(signon.ETOOMANY, "accounts.error.passwords_busy",
	"Many logins are being checked at this moment. Please try again in a few seconds.")

// passwordGate bounds how many passwords are hashed at once. Each
// argon2id hash takes 19 MiB and a core for tens of milliseconds, so a
// burst of logins, throttled or not, would otherwise take memory without
// bound; past the slots a request waits a little, then gets a 429. Every
// hash of a request goes through it: logins (the dummy check for an
// unknown email too), first-run setup and accepting an invitation.
type passwordGate struct {
	slots chan struct{}
	wait  time.Duration
	// checks counts the verifications run, the dummy ones included.
	checks atomic.Int64
}

func newPasswordGate(size int, wait time.Duration) *passwordGate {
	return &passwordGate{slots: make(chan struct{}, max(size, 1)), wait: wait}
}

// enter takes a slot for c's request, waiting up to g.wait; release
// gives it back. A full gate is errPasswordsBusy with Retry-After.
func (g *passwordGate) enter(c echo.Context) (release func(), err error) {
	select {
	case g.slots <- struct{}{}:
	default:
		timer := time.NewTimer(g.wait)
		defer timer.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-timer.C:
			c.Response().Header().Set("Retry-After", strconv.Itoa(passwordRetryAfter))
			return nil, errPasswordsBusy
		case <-c.Request().Context().Done():
			return nil, c.Request().Context().Err()
		}
	}
	return func() { <-g.slots }, nil
}

// checkPassword reports whether password is acct's, through a slot of
// the gate. A nil account, an email without one, is checked against a
// dummy hash, so the answer takes as long as for a wrong password.
func (s *Server) checkPassword(c echo.Context, acct *signon.Account, password string) (bool, error) {
	release, err := s.passwords.enter(c)
	if err != nil {
		return false, err
	}
	defer release()
	s.passwords.checks.Add(1)
	if acct == nil {
		signon.DummyPasswordCheck(password)
		return false, nil
	}
	return acct.PasswordMatches(password), nil
}

// newAccount is signon.NewAccount, whose hash takes a slot of the gate.
func (s *Server) newAccount(c echo.Context, in signon.AccountInput) (*signon.Account, error) {
	release, err := s.passwords.enter(c)
	if err != nil {
		return nil, err
	}
	defer release()
	return signon.NewAccount(in)
}
