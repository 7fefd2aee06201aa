package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	// The pgx database/sql driver creates and drops the test databases.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/signon-coalition/signon/internal/demo"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestRun_Help(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), args, env{}.get, strings.NewReader(""), &stdout, &stderr); err != nil {
				t.Fatalf("run: %v", err)
			}
			for _, v := range envVars {
				if !strings.Contains(stdout.String(), v.Name) {
					t.Errorf("help does not mention %s:\n%s", v.Name, stdout.String())
				}
			}
			for _, want := range []string{"--addr", "--demo", "(default: sqlite:signon.db)", "(default: 120)"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("help does not mention %q:\n%s", want, stdout.String())
				}
			}
		})
	}
	t.Run("Subcommands", func(t *testing.T) {
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{"help"}, env{}.get, nil, &stdout, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"admin create", "--email", "--role", "migrate", "version"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("help does not mention %q", want)
			}
		}
	})
}

// TestDocs_EnvVars keeps the README and the operations guide in step with
// the variables the program reads.
func TestDocs_EnvVars(t *testing.T) {
	for _, doc := range []string{"../../README.md", "../../docs/operations.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range envVars {
			if !bytes.Contains(b, []byte(v.Name)) {
				t.Errorf("%s does not document %s", doc, v.Name)
			}
		}
	}
}

func TestRun_Errors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  env
		want string
	}{
		{"UnknownCommand", []string{"frobnicate"}, env{}, `unknown command "frobnicate"`},
		{"UnknownFlag", []string{"serve", "--port", "80"}, env{}, "serve --help"},
		{"SignLimit", []string{"migrate"}, env{"SIGNON_SIGN_LIMIT": "lots"}, "SIGNON_SIGN_LIMIT"},
		{"NegativeSignLimit", []string{"migrate"}, env{"SIGNON_SIGN_LIMIT": "-1"}, "SIGNON_SIGN_LIMIT"},
		{"TrustedProxies", []string{"migrate"}, env{"SIGNON_TRUSTED_PROXIES": "10.0.0.0/8, not-a-network"}, "SIGNON_TRUSTED_PROXIES"},
		{"Timezone", []string{"migrate"}, env{"SIGNON_TIMEZONE": "Mars/Olympus_Mons"}, "SIGNON_TIMEZONE"},
		{"LogFormat", []string{"migrate"}, env{"SIGNON_LOG_FORMAT": "xml"}, "SIGNON_LOG_FORMAT"},
		{"LogLevel", []string{"migrate"}, env{"SIGNON_LOG_LEVEL": "loud"}, "SIGNON_LOG_LEVEL"},
		{"BaseURL", []string{"migrate"}, env{"SIGNON_BASE_URL": "sign.example.org"}, "SIGNON_BASE_URL"},
		{"SMTPWithoutBaseURL", []string{"migrate"}, env{"SIGNON_SMTP_URL": "smtp://mail.example.org:587", "SIGNON_MAIL_FROM": "letters@example.org"}, "SIGNON_BASE_URL: required with SIGNON_SMTP_URL"},
		{"DatabaseURL", []string{"migrate"}, env{"SIGNON_DATABASE_URL": "mysql://localhost/signon"}, "unsupported database URL"},
		{"AdminWithoutSubcommand", []string{"admin"}, env{}, "admin create --help"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, tt.env.get, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run %v: error %v, want one mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestLoadConfig(t *testing.T) {
	cfg, err := loadConfig(env{
		"SIGNON_SIGN_LIMIT":      "0",
		"SIGNON_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32",
		"SIGNON_TIMEZONE":        "America/Chicago",
		"SIGNON_BASE_URL":        "https://sign.example.org/",
		"SIGNON_LOG_LEVEL":       "DEBUG",
	}.get)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SignLimit != 0 || len(cfg.TrustedProxies) != 3 || cfg.Location.String() != "America/Chicago" ||
		cfg.BaseURL != "https://sign.example.org" || cfg.DatabaseURL != defaultDatabaseURL || cfg.Addr != ":8080" {
		t.Errorf("config = %+v", cfg)
	}
	if got := cfg.TrustedProxies[1].String(); got != "192.0.2.7/32" {
		t.Errorf("bare IP became %s, want 192.0.2.7/32", got)
	}
}

func TestServe(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dbURL string) {
		app := startServe(t, env{"SIGNON_DATABASE_URL": dbURL})
		for _, path := range []string{"/healthz", "/readyz"} {
			if code := get(t, app.URL+path); code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", path, code)
			}
		}
		setup := app.waitFor(t, `Create the first admin at:\s+(http://\S+/setup/\S+)`)
		if !strings.HasPrefix(setup, app.URL+"/setup/") {
			t.Errorf("setup link %s is not on %s", setup, app.URL)
		}
		if code := get(t, setup); code != http.StatusOK {
			t.Errorf("GET setup link: %d, want 200", code)
		}
		if code := get(t, app.URL+"/setup/not-the-token"); code != http.StatusNotFound {
			t.Errorf("GET wrong setup link: %d, want 404", code)
		}
		app.stop(t)
	})
}

func TestServe_BaseURLInSetupLink(t *testing.T) {
	app := startServe(t, env{"SIGNON_DATABASE_URL": storetest.URL(t, store.SQLite), "SIGNON_BASE_URL": "https://sign.example.org"})
	app.waitFor(t, `(https://sign\.example\.org/setup/\S+)`)
	app.stop(t)
}

func TestAdminCreate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dbURL string) {
		e := env{"SIGNON_DATABASE_URL": dbURL}
		var stdout, stderr bytes.Buffer
		args := []string{"admin", "create", "--email", "Ana@Example.org", "--name", "Ana Example"}
		if err := run(context.Background(), args, e.get, strings.NewReader("a long enough password\n"), &stdout, &stderr); err != nil {
			t.Fatalf("admin create: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stdout.String(), "ana@example.org") {
			t.Errorf("admin create printed %q, want the account's email", stdout.String())
		}

		db := openStore(t, dbURL)
		acct, err := db.AccountByEmail(context.Background(), "ana@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if acct.Role != signon.RoleAdmin || !acct.PasswordMatches("a long enough password") {
			t.Errorf("account %+v: want an admin with the password from stdin", acct)
		}
		db.Close()

		t.Run("EmailTaken", func(t *testing.T) {
			err := run(context.Background(), args, e.get, strings.NewReader("another long password\n"), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "--email: This is already in use.") {
				t.Errorf("second admin create: %v, want the email in use", err)
			}
		})

		t.Run("NoSetupLink", func(t *testing.T) {
			app := startServe(t, e)
			if code := get(t, app.URL+"/healthz"); code != http.StatusOK {
				t.Errorf("GET /healthz: %d", code)
			}
			if out := app.stdout.String(); strings.Contains(out, "/setup/") {
				t.Errorf("serve printed a setup link although an account exists:\n%s", out)
			}
			app.stop(t)
		})
	})
}

func TestAdminCreate_Invalid(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   env
		stdin string
		want  []string
	}{
		{"ShortPassword", []string{"--email", "ana@example.org", "--name", "Ana"}, env{}, "short\n",
			[]string{"password: Use at least 10 characters."}},
		{"ShortPasswordFromEnv", []string{"--email", "ana@example.org", "--name", "Ana"}, env{"SIGNON_ADMIN_PASSWORD": "short"}, "",
			[]string{"password (SIGNON_ADMIN_PASSWORD): Use at least 10 characters."}},
		{"EveryField", []string{"--email", "not an email", "--role", "owner"}, env{}, "\n",
			[]string{"--email: Enter a valid email", "--name: This field is required.", "--role: Choose one of the options.", "password: This field is required."}},
		{"NoPassword", []string{"--email", "ana@example.org", "--name", "Ana"}, env{}, "",
			[]string{"SIGNON_ADMIN_PASSWORD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["SIGNON_DATABASE_URL"] = storetest.URL(t, store.SQLite)
			args := append([]string{"admin", "create"}, tt.args...)
			err := run(context.Background(), args, tt.env.get, strings.NewReader(tt.stdin), io.Discard, io.Discard)
			if err == nil {
				t.Fatal("admin create succeeded")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestServe_DemoTwice(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dbURL string) {
		e := env{"SIGNON_DATABASE_URL": dbURL}
		for range 2 {
			app := startServe(t, e, "--demo")
			app.waitFor(t, `Sample letter:\s+(\S+)`)
			app.stop(t)
		}
		db := openStore(t, dbURL)
		defer db.Close()
		ctx := context.Background()
		all, err := db.Statements(ctx, signon.StatementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("%d statements after two --demo starts, want 2", len(all))
		}
		for _, st := range all {
			stats, err := db.SignatureStats(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Total < 35 || stats.Total > 45 {
				t.Errorf("%s: %d signatures after two --demo starts, want one copy of about 40", st.Slug, stats.Total)
			}
		}
		if _, err := db.StatementBySlug(ctx, demo.ResponseSlug); err != nil {
			t.Errorf("sample response: %v", err)
		}
	})
}

func TestMigrate(t *testing.T) {
	e := env{"SIGNON_DATABASE_URL": storetest.URL(t, store.SQLite)}
	for range 2 {
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{"migrate"}, e.get, nil, &stdout, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`sqlite database schema is at version [1-9]`).MatchString(stdout.String()) {
			t.Errorf("migrate printed %q", stdout.String())
		}
	}
}

func TestVersion(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env{}.get, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout.String(), "signon ") {
		t.Errorf("version printed %q", stdout.String())
	}
}

// env is a fake environment for run.
type env map[string]string

func (e env) get(name string) string { return e[name] }

// runningServer is "signon serve" running in the test.
type runningServer struct {
	URL    string
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs "signon serve" on a free port until the test stops it,
// and waits for it to print where it listens.
func startServe(t *testing.T, e env, args ...string) *runningServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &runningServer{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	go func() { s.done <- run(ctx, args, e.get, strings.NewReader(""), s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	s.URL = s.waitFor(t, `Signon listening on (http://\S+)`)
	return s
}

// waitFor waits until the server's output matches re and returns the
// first group. The deadline only keeps a broken start from hanging the
// test run.
func (s *runningServer) waitFor(t *testing.T, re string) string {
	t.Helper()
	pattern := regexp.MustCompile(re)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := pattern.FindStringSubmatch(s.stdout.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve ended (%v) before printing %q\nstdout:\n%s\nstderr:\n%s", err, re, s.stdout, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not print %q\nstdout:\n%s\nstderr:\n%s", re, s.stdout, s.stderr)
		}
	}
}

// stop cancels the server's context, as a signal would, and checks it
// shuts down cleanly.
func (s *runningServer) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Errorf("serve returned %v after shutdown, want nil\nstderr:\n%s", err, s.stderr)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func get(t *testing.T, u string) int {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// syncBuffer is a bytes.Buffer the server writes to while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func openStore(t *testing.T, dbURL string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// forEachDialect runs fn as a subtest with the URL of a fresh, empty
// database of each dialect: SQLite always, PostgreSQL where available.
// The databases are not migrated: the command does that.
func forEachDialect(t *testing.T, fn func(t *testing.T, dbURL string)) {
	t.Helper()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			fn(t, storetest.URL(t, dialect))
		})
	}
}
