package server_test

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// loginBurst posts n logins of email with a wrong password from c at
// once, as fast as a script would, and returns the count of each status.
func loginBurst(t *testing.T, c *testClient, email string, n int) map[int]int {
	t.Helper()
	form := url.Values{"email": {email}, "password": {"a wrong guess"}, "_csrf": {c.csrfToken()}}.Encode()
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		wg       sync.WaitGroup
		start    = make(chan struct{})
	)
	for range n {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, c.app.URL+"/login", strings.NewReader(form))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			res, err := c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// TestLogin_ThrottleBurst: guesses sent all at once are counted before
// any password is checked, so a burst gets no more guesses checked than
// the same guesses one after the other.
func TestLogin_ThrottleBurst(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(cfg *server.Config) {
			// Slots for the whole burst: only the throttle may refuse.
			cfg.PasswordHashes, cfg.PasswordWait = 64, time.Minute
		})
		app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
		limit := signon.AccountAddressThrottle.Limit
		before := app.Server.PasswordChecks()
		statuses := loginBurst(t, app.client(t), "ana@example.org", 4*limit)
		if got := app.Server.PasswordChecks() - before; got > int64(limit) {
			t.Errorf("%d guesses at once: %d passwords checked, want at most %d", 4*limit, got, limit)
		}
		if statuses[http.StatusUnauthorized] != limit-1 || statuses[http.StatusTooManyRequests] != 3*limit+1 {
			t.Errorf("answers %v, want %d × 401 and the rest 429", statuses, limit-1)
		}
	})
}

// loginFrom posts a login as if from the client address ip, behind the
// trusted proxy the test app is configured with.
func loginFrom(c *testClient, ip, email, password string) *response {
	c.t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {c.csrfToken()}}
	req, err := http.NewRequest(http.MethodPost, c.app.URL+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", ip)
	return c.do(req)
}

// TestLogin_ThrottleOwner: guessing at an account cannot lock its owner
// out for long. Guesses from one address lock that address out of the
// account; guesses from many addresses lock the account for a few
// seconds, growing to a minute at most, during which the guesses do not
// count; the owner, from an address of their own, gets in once it ends.
func TestLogin_ThrottleOwner(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(cfg *server.Config) { cfg.TrustedProxies = []*net.IPNet{loopback} })
		password := app.createAccount(t, "ana@example.org", signon.RoleCoordinator)
		attacker := app.client(t)

		// One address, guessing: locked out of the account after 5, the
		// owner elsewhere is not.
		for range signon.AccountAddressThrottle.Limit {
			loginFrom(attacker, "198.51.100.1", "ana@example.org", "a guess")
		}
		assertStatus(t, loginFrom(attacker, "198.51.100.1", "ana@example.org", password), http.StatusTooManyRequests)
		assertStatus(t, loginFrom(app.client(t), "203.0.113.7", "ana@example.org", password), http.StatusSeeOther)

		// Many addresses, a few guesses each: the account's own count
		// locks it for a few seconds, and the owner waits only that long.
		limit := signon.AccountThrottle.Limit
		for i := range limit - 1 {
			res := loginFrom(attacker, "198.51.100."+strconv.Itoa(10+i), "ana@example.org", "a guess")
			assertStatus(t, res, http.StatusUnauthorized)
		}
		res := loginFrom(attacker, "198.51.100.99", "ana@example.org", "a guess")
		assertStatus(t, res, http.StatusTooManyRequests)
		lock := int(signon.AccountThrottle.FirstLock.Seconds())
		if got := res.Header.Get("Retry-After"); got != strconv.Itoa(lock) {
			t.Errorf("account locked for %s seconds, want %d", got, lock)
		}
		owner := app.client(t)
		res = loginFrom(owner, "203.0.113.7", "ana@example.org", password)
		assertStatus(t, res, http.StatusTooManyRequests)
		// Guessing on during the lock, from anywhere, does not make it
		// longer.
		for i := range 3 * limit {
			assertStatus(t, loginFrom(attacker, "198.51.100."+strconv.Itoa(100+i), "ana@example.org", "a guess"), http.StatusTooManyRequests)
		}
		app.Clock.Set(app.Clock.Now().Add(signon.AccountThrottle.FirstLock))
		assertStatus(t, loginFrom(owner, "203.0.113.7", "ana@example.org", password), http.StatusSeeOther)

		// However long the guessing goes on, each lock of the account is
		// a minute at most.
		for i := range 20 {
			res := loginFrom(attacker, "192.0.2."+strconv.Itoa(i), "ana@example.org", "a guess")
			if res.Status == http.StatusTooManyRequests {
				if wait, _ := strconv.Atoi(res.Header.Get("Retry-After")); wait > 60 {
					t.Fatalf("account locked for %d seconds", wait)
				}
			}
			app.Clock.Set(app.Clock.Now().Add(time.Minute))
		}
	})
}
