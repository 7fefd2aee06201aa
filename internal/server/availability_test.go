package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// While the database refuses connections every request that needs it is
// answered 503 with Retry-After, in the page's language or as the API's
// JSON, /readyz says so and /healthz does not; once it accepts them
// again the same server answers without a restart. PostgreSQL only: the
// test shuts its own database to connections, which SQLite has no way to.
func TestDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	db, dbURL := storetest.OpenURL(t, store.Postgres)
	clock := &testClock{t: time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)}
	srv, err := server.New(server.Config{
		BaseURL: "http://signon.test", SignLimit: 10, Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, db)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	app := &testApp{DB: db, URL: hs.URL, Clock: clock}
	app.openStatement(t, "summit-letter")
	c := app.client(t)
	c.lang = "es"
	const sign = "/api/v1/statements/summit-letter/signatures"
	pubStatus(t, c.get("/s/summit-letter"), http.StatusOK)

	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := os.Getenv(storetest.PostgresEnv)
	// Closing the database to new connections and ending the open ones
	// is what a restart looks like from the app: its pool's connections
	// die and new ones are refused.
	storetest.Exec(t, admin, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false")
	t.Cleanup(func() { storetest.Exec(t, admin, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true") })
	storetest.Exec(t, admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+name+"'")

	unavailable := func(t *testing.T, res *response) {
		t.Helper()
		pubStatus(t, res, http.StatusServiceUnavailable)
		if got := res.Header.Get("Retry-After"); got != "5" {
			t.Errorf("Retry-After %q, want 5", got)
		}
	}
	t.Run("Page", func(t *testing.T) {
		// Past the page cache's second, so the page must be read again.
		clock.Set(clock.Now().Add(2 * time.Second))
		res := c.get("/s/summit-letter")
		unavailable(t, res)
		pageHas(t, res.Body, "no está disponible por un momento", `lang="es"`)
	})
	t.Run("API", func(t *testing.T) {
		res := c.postRaw(sign, "application/json", pubSignJSON())
		unavailable(t, res)
		pubAPIError(t, res, http.StatusServiceUnavailable, "unavailable")
	})
	t.Run("Health", func(t *testing.T) {
		unavailable(t, c.get("/readyz"))
		pubStatus(t, c.get("/healthz"), http.StatusOK)
	})

	storetest.Exec(t, admin, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS true")
	t.Run("Reconnected", func(t *testing.T) {
		pubStatus(t, c.get("/readyz"), http.StatusOK)
		pubStatus(t, c.postRaw(sign, "application/json", pubSignJSON()), http.StatusCreated)
		pubStatus(t, c.get("/s/summit-letter"), http.StatusOK)
	})
}

// The sign limit counts an IPv6 client by its /64, which one household
// or office gets whole, and an IPv4 client by its address.
func TestSignLimit_Networks(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
		app := newTestApp(t, dialect, func(c *server.Config) {
			c.SignLimit = 1
			c.TrustedProxies = []*net.IPNet{loopback}
		})
		app.openStatement(t, "summit-letter")
		c := app.client(t)
		for i, tt := range []struct {
			from string
			want int
		}{
			{"2001:db8:1:2::1", http.StatusCreated},
			{"2001:db8:1:2:ffff::9", http.StatusTooManyRequests}, // same /64
			{"2001:db8:1:3::1", http.StatusCreated},              // the next /64
			{"192.0.2.1", http.StatusCreated},
			{"192.0.2.2", http.StatusCreated},
			{"192.0.2.1", http.StatusTooManyRequests},
		} {
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, app.URL+"/api/v1/statements/summit-letter/signatures",
				strings.NewReader(pubSignJSON("organization", "Grupo "+string(rune('A'+i)), "email", "grupo"+string(rune('a'+i))+"@example.org")))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", tt.from)
			if res := c.do(req); res.Status != tt.want {
				t.Errorf("signature %d from %s: %d, want %d; %s", i, tt.from, res.Status, tt.want, res.Body)
			}
		}
	})
}
