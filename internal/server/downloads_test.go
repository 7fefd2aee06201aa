package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// A download asked for in a language (?lang=) answers in it and sets no
// cookie: a file is not a visit, and a link to the Spanish list must not
// switch the reader's site to Spanish for a year.
func TestDownloads_SetNoLanguageCookie(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, "sqlite")
	st := pubTransition(t, app, app.openStatement(t, "letter"), signon.ActionClose)
	coord := app.coordinator(t)
	for _, path := range []string{
		"/s/letter/statement.pdf?lang=es",
		"/s/letter/signatories.csv?lang=es",
		"/s/letter/signatories.json?lang=es",
		"/api/v1/statements/letter/signatures.json?lang=es",
		coordManagePath(st.ID) + "/signatures.csv?lang=es",
		coordManagePath(st.ID) + "/signatures.json?lang=es",
	} {
		res := coord.get(path)
		pubStatus(t, res, http.StatusOK)
		for _, ck := range res.Header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, "signon_lang=") {
				t.Errorf("%s sets %s", path, ck)
			}
		}
	}
	// A page does remember the language asked for.
	if res := coord.get("/coordinate?lang=es"); !strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), "\n"), "signon_lang=es") {
		t.Errorf("a coordinator's page asked for in Spanish set no language cookie")
	}
}

// syncWriter is a log destination safe for the server's goroutines.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Tokens that act for their holder never reach the logs: a private
// link's token in a path, matched or not, and a bearer token.
func TestLogs_NoTokens(t *testing.T) {
	t.Parallel()
	var logs syncWriter
	app := newTestApp(t, "sqlite", func(c *server.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		c.MetricsToken = "metrics-token-never-logged-0123456789abcdefghijklmn"
	})
	const token = "Tok3nThatActsForItsHolder-0123456789abcdefghijklmn"
	c := app.client(t)
	for _, path := range []string{
		"/my/" + token, "/my/" + token + "/withdraw", "/confirm/" + token, "/i/" + token,
		"/invite/" + token, "/setup/" + token, "/my/" + token + "/no/such/page",
	} {
		c.get(path)
	}
	req, err := http.NewRequest(http.MethodGet, app.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer metrics-token-never-logged-0123456789abcdefghijklmn")
	c.do(req)
	// An API token, refused or not, is in a header the log never reads.
	req, err = http.NewRequest(http.MethodGet, app.URL+"/api/v1/statements/letter/signatures?since=", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	c.do(req)

	out := logs.String()
	if !strings.Contains(out, "/my/:token") {
		t.Errorf("the access log does not name the route:\n%s", out)
	}
	for _, secret := range []string{token, "metrics-token-never-logged"} {
		if strings.Contains(out, secret) {
			t.Errorf("a token is in the logs:\n%s", out)
		}
	}
}
