package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
)

// A statement goes viral and things break: the app is killed with
// SIGKILL in the middle of the surge and started again, then PostgreSQL
// is shut down (fast mode, as a restart does) while signers keep coming,
// and started again. Afterwards every signature that was answered 2xx is
// in the database, no job was discarded, every confirmation email is
// delivered or waiting for its job to be rescued, and while the database
// was down the answers were 503 with Retry-After, never 500 or a hang.
//
// The test runs its own PostgreSQL cluster (startPostgres), so stopping
// it disturbs no other test; it takes about half a minute.
func TestFaults_SurgeThroughCrashAndDatabaseRestart(t *testing.T) {
	t.Parallel()
	pg := startPostgres(t)
	smtp := mailtest.Start(t)
	app := startChild(t, pg.URL(), smtp.URL())

	ctx := context.Background()
	db := openStore(t, pg.URL()) // migrated by the child
	st := &signon.Statement{Slug: "viral-letter", Kind: signon.KindLetter, Title: "Letter that went viral",
		Body: "We, the undersigned…", Language: "en", RequireConfirmation: true,
		Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
	if err := db.CreateStatement(ctx, st, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := startSurge(app.URL, 6)
	defer s.stop()
	s.waitAcked(t, 150)

	// The app dies mid-surge: requests in flight get no answer at all,
	// and the jobs it was running stay marked as running.
	s.setURL("")
	app.kill()
	app = startChild(t, pg.URL(), smtp.URL())
	s.setURL(app.URL)
	s.waitAcked(t, 150)

	// The database goes down mid-surge, and stays down long enough to
	// look at what people get.
	pg.pgctl(t, "stop")
	t.Run("Outage", func(t *testing.T) {
		probe := func(method, path, body, lang string) *http.Response {
			t.Helper()
			req, _ := http.NewRequest(method, app.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", lang)
			res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
			if err != nil {
				t.Fatalf("%s %s during the outage: %v", method, path, err)
			}
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
				t.Errorf("%s %s during the outage: %s, Retry-After %q; want 503 with Retry-After", method, path, res.Status, res.Header.Get("Retry-After"))
			}
			return res
		}
		res := probe(http.MethodGet, "/readyz", "", "en")
		res.Body.Close()
		res = probe(http.MethodGet, "/s/viral-letter", "", "es")
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), "no está disponible") {
			t.Errorf("the page during the outage is not the Spanish 503:\n%s", body)
		}
		res = probe(http.MethodPost, "/api/v1/statements/viral-letter/signatures", signatureJSON("Durante el corte", "corte@example.org"), "es")
		var apiErr struct{ Error struct{ Code string } }
		json.NewDecoder(res.Body).Decode(&apiErr)
		res.Body.Close()
		if apiErr.Error.Code != signon.EUNAVAILABLE {
			t.Errorf("API error code %q during the outage, want %q", apiErr.Error.Code, signon.EUNAVAILABLE)
		}
		s.waitStatus(t, http.StatusServiceUnavailable, 20)
	})
	pg.pgctl(t, "start")

	// The app reconnects by itself.
	for deadline := time.Now().Add(30 * time.Second); get(t, app.URL+"/readyz") != http.StatusOK; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not ready 30 s after PostgreSQL came back\nstderr:\n%s", app.stderr)
		}
	}
	s.waitAcked(t, 150)
	s.stop()

	r := s.result()
	t.Logf("surge: %d signatures acknowledged; answers %v; %d requests without an answer", len(r.acked), r.statuses, r.noAnswer)
	if r.statuses[http.StatusInternalServerError] > 0 {
		t.Errorf("%d answers were 500; an outage is a 503", r.statuses[http.StatusInternalServerError])
		for _, line := range strings.Split(app.stderr.String(), "\n") {
			if strings.Contains(line, "level=ERROR") {
				t.Log(line)
			}
		}
	}
	for code, n := range r.statuses {
		if code != http.StatusCreated && code != http.StatusAccepted && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers were %d", n, code)
		}
	}
	if r.statuses[http.StatusServiceUnavailable] == 0 {
		t.Error("no signer saw the outage")
	}
	if r.noRetryAfter > 0 {
		t.Errorf("%d answers 503 had no Retry-After", r.noRetryAfter)
	}
	if r.hung > 0 {
		t.Errorf("%d requests had no answer within their timeout", r.hung)
	}

	check, err := sql.Open("pgx", pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	t.Run("AcknowledgedSignaturesKept", func(t *testing.T) {
		stored := map[string]bool{}
		for _, org := range queryStrings(t, check, "SELECT organization FROM signatures WHERE statement_id = $1", st.ID) {
			stored[org] = true
		}
		lost := 0
		for org := range r.acked {
			if !stored[org] {
				lost++
				if lost <= 5 {
					t.Errorf("%q was acknowledged and is not in the database", org)
				}
			}
		}
		if lost > 0 {
			t.Errorf("%d of %d acknowledged signatures lost", lost, len(r.acked))
		}
		// Each signature queued its confirmation in its own transaction.
		if n := queryInt(t, check, `SELECT count(*) FROM signatures s WHERE statement_id = $1
			AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.signature_id = s.id)`, st.ID); n != 0 {
			t.Errorf("%d signatures have no confirmation email queued", n)
		}
	})

	t.Run("EmailsDelivered", func(t *testing.T) {
		// Every email is sent, those whose delivery was running in the
		// killed app too: River takes such a job for lost 15 to 45 seconds
		// after the crash (jobs.DefaultRescueAfter) and runs it again.
		const unsent = `SELECT count(*) FROM emails WHERE status <> 'sent'`
		deadline := time.Now().Add(90 * time.Second)
		for queryInt(t, check, unsent) > 0 {
			if time.Now().After(deadline) {
				for _, row := range queryStrings(t, check, `SELECT e.id || ' ' || e.status || ' ' || coalesce(j.state::text, 'no job') || ' ' || e.last_error
					FROM emails e LEFT JOIN river_job j ON j.kind = 'deliver_email' AND (j.args->>'email_id')::bigint = e.id
					WHERE e.status <> 'sent' LIMIT 10`) {
					t.Log(row)
				}
				t.Fatalf("%d emails not sent 90 s after recovery", queryInt(t, check, unsent))
			}
			time.Sleep(200 * time.Millisecond)
		}
		if n := queryInt(t, check, "SELECT count(*) FROM river_job WHERE state IN ('discarded', 'cancelled')"); n != 0 {
			t.Errorf("%d jobs discarded or cancelled", n)
		}
		received := map[string]bool{}
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				received[to] = true
			}
		}
		sent := queryStrings(t, check, "SELECT to_address FROM emails WHERE status = 'sent'")
		for _, to := range sent {
			if !received[to] {
				t.Errorf("email to %s recorded as sent and never received", to)
			}
		}
		t.Logf("%d confirmation emails delivered, %d received", len(sent), len(smtp.Messages()))
	})
}

func signatureJSON(org, email string) string {
	b, _ := json.Marshal(map[string]any{
		"organization": org, "signer_name": "Rosa Pérez", "email": email,
		"country": "MX", "region": "MX-CHH", "language": "es", "authorized": true,
	})
	return string(b)
}

// surge is signers posting signatures through the API as fast as the app
// answers, each with a new organization, to whichever URL the app is at.
type surge struct {
	mu           sync.Mutex
	url          string
	acked        map[string]bool
	statuses     map[int]int
	noRetryAfter int
	noAnswer     int
	hung         int

	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func startSurge(url string, signers int) *surge {
	s := &surge{url: url, acked: map[string]bool{}, statuses: map[int]int{}, done: make(chan struct{})}
	for w := range signers {
		s.wg.Go(func() { s.sign(w) })
	}
	return s
}

func (s *surge) sign(worker int) {
	// The timeout only turns a hang into a count the test fails on.
	client := &http.Client{Timeout: 20 * time.Second}
	for i := 0; ; i++ {
		select {
		case <-s.done:
			return
		default:
		}
		s.mu.Lock()
		url := s.url
		s.mu.Unlock()
		if url == "" {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		org := fmt.Sprintf("Organización %d-%d", worker, i)
		res, err := client.Post(url+"/api/v1/statements/viral-letter/signatures", "application/json",
			bytes.NewReader([]byte(signatureJSON(org, fmt.Sprintf("firma-%d-%d@example.org", worker, i)))))
		if err != nil {
			var netErr net.Error
			s.mu.Lock()
			if errors.As(err, &netErr) && netErr.Timeout() {
				s.hung++
			} else {
				s.noAnswer++ // the app was killed, or is not listening yet
			}
			s.mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		s.mu.Lock()
		s.statuses[res.StatusCode]++
		switch {
		case res.StatusCode/100 == 2:
			s.acked[org] = true
		case res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") == "":
			s.noRetryAfter++
		}
		s.mu.Unlock()
		// A breath between signatures keeps the surge from taking every
		// core of a shared CI machine.
		time.Sleep(5 * time.Millisecond)
	}
}

func (s *surge) setURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.url = url
}

// waitAcked waits until n more signatures have been acknowledged.
func (s *surge) waitAcked(t *testing.T, n int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d more acknowledged signatures", n), func() int { return len(s.acked) }, n)
}

// waitStatus waits until n more answers have had status code.
func (s *surge) waitStatus(t *testing.T, code, n int) {
	t.Helper()
	s.waitFor(t, fmt.Sprintf("%d more answers %d", n, code), func() int { return s.statuses[code] }, n)
}

func (s *surge) waitFor(t *testing.T, what string, count func() int, n int) {
	t.Helper()
	s.mu.Lock()
	want := count() + n
	s.mu.Unlock()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		s.mu.Lock()
		got := count()
		s.mu.Unlock()
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("surge: waited 60 s for %s", what)
		}
	}
}

func (s *surge) stop() {
	s.once.Do(func() { close(s.done) })
	s.wg.Wait()
}

type surgeResult struct {
	acked                        map[string]bool
	statuses                     map[int]int
	noRetryAfter, noAnswer, hung int
}

func (s *surge) result() surgeResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	return surgeResult{s.acked, s.statuses, s.noRetryAfter, s.noAnswer, s.hung}
}

func queryInt(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func queryStrings(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
