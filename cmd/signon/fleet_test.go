package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// Two instances of "signon serve" on one PostgreSQL database behave as
// one: they start together and migrate once, the sign limit and the
// login throttle count across both, each job runs once, and what is done
// through one is seen through the other.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	dbURL := storetest.URL(t, store.Postgres)
	smtp := mailtest.Start(t)
	const limit = 4
	e := env{
		"SIGNON_DATABASE_URL": dbURL, "SIGNON_SIGN_LIMIT": fmt.Sprint(limit),
		"SIGNON_SMTP_URL": smtp.URL(), "SIGNON_BASE_URL": "http://signon.test", "SIGNON_MAIL_FROM": "Test Coalition <letters@signon.test>",
		"SIGNON_LOG_LEVEL": "warn",
	}
	apps := startTogether(t, e, 2)
	a, b := apps[0], apps[1]
	ctx := context.Background()

	t.Run("MigratedOnce", func(t *testing.T) {
		// Both started (startTogether checked), on a database neither
		// found migrated: without goose's lock the second would have
		// failed creating tables the first had made.
		if n := storetest.Count(t, dbURL, "SELECT count(*) - count(DISTINCT version_id) FROM goose_db_version"); n != 0 {
			t.Errorf("%d migrations recorded twice", n)
		}
		for _, app := range apps {
			if code := get(t, app.URL+"/readyz"); code != http.StatusOK {
				t.Errorf("%s/readyz: %d", app.URL, code)
			}
		}
	})

	db := openStore(t, dbURL)
	defer db.Close()
	author, err := signon.NewAccount(signon.AccountInput{Email: "author@example.org", Name: "Author", Password: "a long enough password", Role: signon.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(ctx, author); err != nil {
		t.Fatal(err)
	}
	open := func(slug string, confirm bool) {
		t.Helper()
		st := &signon.Statement{Slug: slug, Kind: signon.KindLetter, Title: "Letter " + slug, Body: "We, the undersigned…",
			Language: "en", RequireConfirmation: confirm, Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
		if err := db.CreateStatement(ctx, st, author.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, time.Now(), author.ID); err != nil {
			t.Fatal(err)
		}
	}
	open("open-letter", false)
	open("summit-letter", true)

	t.Run("SeenThroughTheOther", func(t *testing.T) {
		if code := signAPI(t, a.URL, "open-letter", "Casa de la Raza", "ana@casadelaraza.example.org"); code != http.StatusCreated {
			t.Fatalf("sign through the first instance: %d", code)
		}
		// The other instance may cache the page for about a second.
		deadline := time.Now().Add(10 * time.Second)
		for _, page := getBody(t, b.URL+"/s/open-letter", ""); !strings.Contains(page, "Casa de la Raza"); _, page = getBody(t, b.URL+"/s/open-letter", "") {
			if time.Now().After(deadline) {
				t.Fatal("the signature made through the first instance never showed on the second")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	// Every signature so far came from 127.0.0.1; one of the allowance
	// is used. The rest is taken alternately through each instance.
	var confirmations []string
	t.Run("SignLimit", func(t *testing.T) {
		for i := 1; i < limit; i++ {
			app := apps[i%2]
			email := fmt.Sprintf("org%d@example.org", i)
			if code := signAPI(t, app.URL, "summit-letter", fmt.Sprintf("Organización %d", i), email); code != http.StatusCreated {
				t.Fatalf("signature %d of %d through instance %d: %d", i+1, limit, i%2, code)
			}
			confirmations = append(confirmations, email)
		}
		for i, app := range apps {
			if code := signAPI(t, app.URL, "summit-letter", "Una más", "una@example.org"); code != http.StatusTooManyRequests {
				t.Errorf("signature past the allowance through instance %d: %d, want 429", i, code)
			}
		}
	})

	t.Run("LoginThrottle", func(t *testing.T) {
		acct, err := signon.NewAccount(signon.AccountInput{Email: "rosa@example.org", Name: "Rosa", Password: "the right password", Role: signon.RoleCoordinator})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAccount(ctx, acct); err != nil {
			t.Fatal(err)
		}
		// signon.AccountAddressThrottle locks an email from one address
		// at its 5th failure; spread over two instances, each sees only
		// some of them.
		for i := range signon.AccountAddressThrottle.Limit {
			want := http.StatusUnauthorized
			if i == signon.AccountAddressThrottle.Limit-1 {
				want = http.StatusTooManyRequests
			}
			if code := login(t, apps[i%2].URL, "rosa@example.org", "a wrong guess"); code != want {
				t.Fatalf("failure %d through instance %d: %d, want %d", i+1, i%2, code, want)
			}
		}
		for i, app := range apps {
			if code := login(t, app.URL, "rosa@example.org", "the right password"); code != http.StatusTooManyRequests {
				t.Errorf("login during the lock through instance %d: %d, want 429", i, code)
			}
		}
	})

	t.Run("JobsRunOnce", func(t *testing.T) {
		// Both instances run workers on the one queue; each confirmation
		// is delivered by one of them, once.
		deadline := time.Now().Add(30 * time.Second)
		for len(smtp.Messages()) < len(confirmations) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		// Long enough for both instances to poll the queue again (every
		// second): a job taken twice would have been sent twice by now.
		time.Sleep(3 * time.Second)
		got := map[string]int{}
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				got[to]++
			}
		}
		for _, to := range confirmations {
			if got[to] != 1 {
				t.Errorf("%s received %d emails, want 1", to, got[to])
			}
		}
		if n := storetest.Count(t, dbURL, "SELECT count(*) FROM river_job WHERE kind = 'deliver_email' AND (state <> 'completed' OR attempt <> 1)"); n != 0 {
			t.Errorf("%d email jobs not completed at their first attempt", n)
		}
		// The hourly clean-up runs at start, on the leader only.
		for storetest.Count(t, dbURL, "SELECT count(*) FROM river_job WHERE kind = 'clean_up'") == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no clean-up job was queued: no instance became the leader")
			}
			time.Sleep(100 * time.Millisecond)
		}
		if n := storetest.Count(t, dbURL, "SELECT count(*) FROM river_job WHERE kind = 'clean_up'"); n != 1 {
			t.Errorf("%d clean-up jobs queued at start, want 1 (one leader)", n)
		}
	})

	for _, app := range apps {
		app.stop(t)
	}
}

// startTogether runs n "signon serve" at the same moment on e, as a
// deployment starting several instances does, and waits until each
// listens.
func startTogether(t *testing.T, e env, n int) []*runningServer {
	t.Helper()
	servers := make([]*runningServer, n)
	start := make(chan struct{})
	for i := range servers {
		ctx, cancel := context.WithCancel(context.Background())
		s := &runningServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
		go func() {
			<-start
			s.done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, e.get, strings.NewReader(""), s.stdout, s.stderr)
		}()
		t.Cleanup(func() {
			cancel()
			<-s.done
		})
		servers[i] = s
	}
	close(start)
	for _, s := range servers {
		s.URL = s.waitFor(t, `Signon listening on (http://\S+)`)
	}
	return servers
}

// signAPI signs slug through the API of the instance at base and returns
// the status.
func signAPI(t *testing.T, base, slug, org, email string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"organization": org, "signer_name": "Rosa Pérez", "email": email,
		"country": "US", "region": "US-TX", "language": "es", "authorized": true,
	})
	res, err := http.Post(base+"/api/v1/statements/"+slug+"/signatures", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// login posts the login form of the instance at base, as a browser that
// first loaded it, and returns the status.
func login(t *testing.T, base, email, password string) int {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "signon_csrf" {
			token = ck.Value
		}
	}
	res, err = client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	return res.StatusCode
}
