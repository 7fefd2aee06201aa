package server

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// loginAttemptKeys are the keys a login attempt counts under: the email
// as typed (normalized), whether or not it has an account, so the answer
// never tells which emails do; the client's address; and the two
// together.
type loginAttemptKeys struct {
	accountAddress, account, address signon.ThrottleKey
}

func loginKeys(c echo.Context, email string) loginAttemptKeys {
	email = strings.ToLower(strings.TrimSpace(email))
	network := clientNetwork(c.RealIP())
	return loginAttemptKeys{
		accountAddress: signon.ThrottleKey{Key: "email-ip:" + email + " " + network, Rule: signon.AccountAddressThrottle},
		account:        signon.ThrottleKey{Key: "email:" + email, Rule: signon.AccountThrottle},
		address:        signon.ThrottleKey{Key: "ip:" + network, Rule: signon.AddressThrottle},
	}
}

func (k loginAttemptKeys) all() []signon.ThrottleKey {
	return []signon.ThrottleKey{k.accountAddress, k.account, k.address}
}

// cleared are the keys a successful login forgets: the account's. The
// address only gets its attempt back (refunded): one valid login must
// not buy an address more guesses at other accounts, nor count against
// an office where many log in.
func (k loginAttemptKeys) cleared() []string  { return []string{k.accountAddress.Key, k.account.Key} }
func (k loginAttemptKeys) refunded() []string { return []string{k.address.Key} }

// clientNetwork is the address failures are counted under: an IPv4
// address, or the /64 network of an IPv6 one, since one household or
// office gets a whole /64 and could otherwise rotate through it.
func clientNetwork(ip string) string {
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return ip
	}
	if v4 := parsed.To4(); v4 != nil {
		return v4.String()
	}
	return parsed.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// renderLoginThrottled refuses a login until until, without looking at
// the password: 429, Retry-After, and when to come back.
func (s *Server) renderLoginThrottled(c echo.Context, f loginForm, until time.Time) error {
	wait := until.Sub(s.now())
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("login.title"), true
	f.Password = ""
	minutes := int(math.Ceil(wait.Minutes()))
	msg := p.T("accounts.login.throttled", "Time", p.At(until), "Count", minutes)
	return s.render(c, http.StatusTooManyRequests, "login", loginPage{page: p, Form: f, Error: msg})
}
