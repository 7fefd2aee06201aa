package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
)

// crashChildEnv, when set, makes the test binary run "signon serve" as
// a child process for TestCrash_PendingEmails, so that it can be killed
// without a chance to clean up.
const crashChildEnv = "SIGNON_TEST_CRASH_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is "signon serve" in a process of its own.
type child struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	URL    string
}

func startChild(t *testing.T, dbURL, smtpURL string) *child {
	t.Helper()
	c := &child{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(os.Environ(), crashChildEnv+"=1",
		"SIGNON_DATABASE_URL="+dbURL, "SIGNON_SMTP_URL="+smtpURL, "SIGNON_BASE_URL=http://signon.test",
		"SIGNON_MAIL_FROM=Test Coalition <letters@signon.test>", "SIGNON_SIGN_LIMIT=0", "SIGNON_LOG_LEVEL=warn")
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.kill() })
	re := regexp.MustCompile(`Signon listening on (http://\S+)`)
	deadline := time.Now().Add(time.Minute)
	for {
		if m := re.FindStringSubmatch(c.stdout.String()); m != nil {
			c.URL = m[1]
			return c
		}
		if time.Now().After(deadline) || c.cmd.ProcessState != nil {
			t.Fatalf("child did not start\nstdout:\n%s\nstderr:\n%s", c.stdout, c.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the child with SIGKILL: no shutdown, no deferred calls, no
// chance to finish what it was doing.
func (c *child) kill() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	}
}

// The app is killed in the middle of delivering the confirmation emails
// of acknowledged signatures: every delivery job has handed its email
// to the SMTP server, which has not answered yet. After a restart every
// job is rescued and run again (within River's rescue, seconds after the
// crash, not minutes), each email arrives once, with its Message-ID,
// and every signature is there.
func TestCrash_PendingEmails(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dbURL string) {
		t.Parallel()
		ctx := context.Background()
		smtp := mailtest.Start(t)
		smtp.Stall() // every delivery waits at DATA, its message not yet taken
		app := startChild(t, dbURL, smtp.URL())

		db := openStore(t, dbURL) // migrated by the child
		defer db.Close()
		st := &signon.Statement{Slug: "summit-letter", Kind: signon.KindLetter, Title: "Letter to the Summit",
			Body: "We, the undersigned…", Language: "en", RequireConfirmation: true,
			Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
		if err := db.CreateStatement(ctx, st, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, time.Now(), 0); err != nil {
			t.Fatal(err)
		}

		const n = 12
		for i := range n {
			body, _ := json.Marshal(map[string]any{
				"organization": fmt.Sprintf("Organización %02d", i), "signer_name": "Rosa Pérez",
				"email": fmt.Sprintf("org%02d@example.org", i), "country": "US", "region": "US-TX", "language": "es",
				"authorized": true,
			})
			res, err := http.Post(app.URL+"/api/v1/statements/summit-letter/signatures", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusAccepted {
				t.Fatalf("signature %d: %s", i, res.Status)
			}
		}
		for deadline := time.Now().Add(time.Minute); smtp.Stalled() < n; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d deliveries reached the SMTP server\nstderr:\n%s", smtp.Stalled(), n, app.stderr)
			}
		}
		app.kill()
		killed := time.Now()
		// The server drops the dead process's connections without
		// taking their messages: only a delivery run again sends them.
		smtp.CloseConnections()
		smtp.Resume()

		startChild(t, dbURL, smtp.URL())
		// River rescues the jobs the dead process held once their
		// timeout has passed, at its next look (every 30 s, on the
		// instance that leads, which the new one does within 15 s).
		deadline := time.Now().Add(2 * time.Minute)
		for {
			emails, _, err := db.Emails(ctx, signon.EmailFilter{StatementID: st.ID, Status: signon.EmailSent})
			if err != nil {
				t.Fatal(err)
			}
			if len(emails) == n {
				t.Logf("%d emails cut off by the crash were sent %s after it", n, time.Since(killed).Round(time.Second))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d confirmation emails sent after the restart", len(emails), n)
			}
			time.Sleep(100 * time.Millisecond)
		}
		received := map[string]int{}
		for _, m := range smtp.Messages() {
			for _, to := range m.To {
				received[to]++
			}
			if m.Link("/confirm/") == "" || m.Language != "es" {
				t.Errorf("email to %v has no confirmation link or is not in Spanish:\n%s", m.To, m.Text)
			}
			if !strings.HasPrefix(m.Header.Get("Message-Id"), "<signon.") {
				t.Errorf("email to %v has Message-ID %q, not its own", m.To, m.Header.Get("Message-Id"))
			}
		}
		for i := range n {
			if to := fmt.Sprintf("org%02d@example.org", i); received[to] != 1 {
				t.Errorf("%s received %d confirmation emails, want 1", to, received[to])
			}
		}
		list, total, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID,
			Statuses: []signon.SignatureStatus{signon.SignatureUnconfirmed}, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		if total != n || len(list) != n {
			t.Errorf("%d unconfirmed signatures after the crash, want %d", total, n)
		}
	})
}
