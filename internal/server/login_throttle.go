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

// loginKeys are the keys a login's failures count under: the email as
// typed (normalized), whether or not it has an account, so the answer
// never tells which emails do; and the client's address.
func loginKeys(c echo.Context, email string) (account, address signon.ThrottleKey) {
	account = signon.ThrottleKey{Key: "email:" + strings.ToLower(strings.TrimSpace(email)), Rule: signon.AccountThrottle}
	address = signon.ThrottleKey{Key: "ip:" + clientNetwork(c.RealIP()), Rule: signon.AddressThrottle}
	return account, address
}

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
