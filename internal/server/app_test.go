package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// testApp is a real Signon server on a real database, reached over HTTP.
type testApp struct {
	DB     *store.DB
	DBURL  string // for storetest's helpers
	Server *server.Server
	URL    string
	Clock  *testClock
	Setup  string // the first-run setup token

	mailOnce sync.Once
	mailbox  *mailtest.Server
	// configureJobs, if set, adjusts the jobs' configuration when Mail
	// starts them.
	configureJobs func(*jobs.Config)
}

// Mail starts, on first use, an SMTP server and the background jobs
// that deliver the app's emails to it, and returns the server. Emails
// queued before are delivered then: nothing is lost while no worker runs.
func (a *testApp) Mail(t testing.TB) *mailtest.Server {
	t.Helper()
	a.mailOnce.Do(func() {
		a.mailbox = mailtest.Start(t)
		sender, err := mail.NewSMTP(a.mailbox.URL(), "Test Coalition <letters@signon.test>")
		if err != nil {
			t.Fatal(err)
		}
		cfg := jobs.Config{
			Sender: sender, Logger: slog.New(slog.DiscardHandler), PollInterval: 50 * time.Millisecond, Now: a.Clock.Now,
		}
		if a.configureJobs != nil {
			a.configureJobs(&cfg)
		}
		r, err := jobs.Start(context.Background(), a.DB, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r.Stop(ctx)
		})
	})
	return a.mailbox
}

// testClock is a settable clock, so deadline tests need not sleep.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// forEachDialect runs fn as a subtest on SQLite and, where available,
// PostgreSQL.
func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) { fn(t, dialect) })
	}
}

// newTestApp starts a server on a fresh database of the dialect. configure,
// if given, adjusts the configuration before the server is built.
func newTestApp(t testing.TB, dialect string, configure ...func(*server.Config)) *testApp {
	t.Helper()
	db, dbURL := storetest.OpenURL(t, dialect)
	clock := &testClock{t: time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)}
	cfg := server.Config{
		BaseURL:    "http://signon.test",
		Coalition:  "Test Coalition",
		SignLimit:  0,
		SetupToken: "setup-token-for-tests",
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:        clock.Now,
		// The clock above stands still, so a kept page would never
		// expire: tests of the page cache turn it on (cache_test.go).
		PageCache: -1,
	}
	for _, f := range configure {
		f(&cfg)
	}
	db.SetPublicURL(cfg.BaseURL)
	// Without a public address, links are on the address the server
	// listens on, as ListenAndServe would make them.
	hs := httptest.NewUnstartedServer(nil)
	cfg.LocalURL = "http://" + hs.Listener.Addr().String()
	srv, err := server.New(cfg, db)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs.Config.Handler = srv
	hs.Start()
	t.Cleanup(hs.Close)
	return &testApp{DB: db, DBURL: dbURL, Server: srv, URL: hs.URL, Clock: clock, Setup: cfg.SetupToken}
}

// testClient is one browser: it keeps cookies and does not follow
// redirects, so tests see each answer.
type testClient struct {
	t    *testing.T
	app  *testApp
	http *http.Client
	lang string
	// bearer, if set, is the API token the OpenAPI tests' calls send.
	bearer string
}

func (a *testApp) client(t *testing.T) *testClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &testClient{t: t, app: a, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer with its body read.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func (c *testClient) do(req *http.Request) *response {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (c *testClient) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// postForm posts values with the CSRF token a browser would send, first
// fetching a page for the token if the client has none yet.
func (c *testClient) postForm(path string, values url.Values) *response {
	c.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if values.Get("_csrf") == "" {
		values.Set("_csrf", c.csrfToken())
	}
	return c.postRaw(path, "application/x-www-form-urlencoded", values.Encode())
}

// postMultipart posts fields, and file as the upload named "file" when
// not empty, as a browser posts a form with enctype multipart/form-data.
func (c *testClient) postMultipart(path string, fields url.Values, file string) *response {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if fields.Get("_csrf") == "" {
		fields.Set("_csrf", c.csrfToken())
	}
	for name, values := range fields {
		for _, v := range values {
			if err := w.WriteField(name, v); err != nil {
				c.t.Fatal(err)
			}
		}
	}
	if file != "" {
		part, err := w.CreateFormFile("file", "upload.csv")
		if err != nil {
			c.t.Fatal(err)
		}
		part.Write([]byte(file))
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	return c.postRaw(path, w.FormDataContentType(), body.String())
}

func (c *testClient) postRaw(path, contentType, body string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	// Browsers name the page a form was posted from; the public sign
	// form is refused without it (middleware.go, sameOrigin).
	req.Header.Set("Origin", c.app.URL)
	return c.do(req)
}

// csrfToken is the token of the client's CSRF cookie.
func (c *testClient) csrfToken() string {
	c.t.Helper()
	u, _ := url.Parse(c.app.URL)
	for i := 0; i < 2; i++ {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "signon_csrf" {
				return ck.Value
			}
		}
		c.get("/login")
	}
	c.t.Fatal("no CSRF cookie after loading a page")
	return ""
}

// createAccount stores an account with a known password.
func (a *testApp) createAccount(t testing.TB, email string, role signon.Role) (password string) {
	t.Helper()
	password = "correct horse battery"
	acct, err := signon.NewAccount(signon.AccountInput{Email: email, Name: "Test " + string(role), Password: password, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.CreateAccount(context.Background(), acct); err != nil {
		t.Fatal(err)
	}
	return password
}

// login returns a client logged in as a new coordinator account.
func (a *testApp) coordinator(t *testing.T) *testClient {
	t.Helper()
	email := "coordinator-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + "@example.org"
	if len(email) > 200 {
		email = email[len(email)-200:]
	}
	password := a.createAccount(t, email, signon.RoleCoordinator)
	c := a.client(t)
	res := c.postForm("/login", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("login: status %d, body %s", res.Status, res.Body)
	}
	return c
}

// openStatement stores an open letter, adjusted by mutate, and returns it.
func (a *testApp) openStatement(t testing.TB, slug string, mutate ...func(*signon.Statement)) *signon.Statement {
	t.Helper()
	ctx := context.Background()
	acct, err := signon.NewAccount(signon.AccountInput{Email: "author-" + slug + "@example.org", Name: "Author", Password: "a long enough password", Role: signon.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	st := &signon.Statement{
		Slug: slug, Kind: signon.KindLetter, Title: "Letter " + slug, Summary: "A letter for tests.",
		Body: "We, the undersigned, **ask** for dignity.", AddressedTo: "The leaders of North America",
		Occasion: "North American Leaders' Summit", Language: "en",
		Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen,
	}
	for _, f := range mutate {
		f(st)
	}
	if err := a.DB.CreateStatement(ctx, st, acct.ID); err != nil {
		t.Fatal(err)
	}
	st, err = a.DB.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, a.Clock.Now(), acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
