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
		"SIGNON_DATABASE_URL="+dbURL, "SIGNON_SMTP_URL="+smtpURL,
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

// The app is killed while the confirmation emails of acknowledged
// signatures cannot be delivered yet; after a restart every one of them
// is sent and every signature is there.
func TestCrash_PendingEmails(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dbURL string) {
		t.Parallel()
		ctx := context.Background()
		smtp := mailtest.Start(t)
		smtp.SetFailing(true) // the mail server is down
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
			body, _ := json.Marshal(map[string]string{
				"organization": fmt.Sprintf("Organización %02d", i), "signer_name": "Rosa Pérez",
				"email": fmt.Sprintf("org%02d@example.org", i), "country": "US", "region": "US-TX", "language": "es",
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
		// Deliveries are being tried and refused: the emails are pending,
		// and the one whose recipient was just refused is still in its
		// job when the process dies, so both ways a crash leaves an email
		// are covered: waiting for a retry, and cut off mid-delivery.
		for deadline := time.Now().Add(time.Minute); smtp.Attempts() == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no delivery attempted\nstderr:\n%s", app.stderr)
			}
		}
		app.kill()
		if got := len(smtp.Messages()); got != 0 {
			t.Fatalf("%d messages arrived while the server was refusing them", got)
		}

		smtp.SetFailing(false) // the mail server is back
		startChild(t, dbURL, smtp.URL())
		// A delivery refused before the crash is retried at most 16 s
		// after its refusal; one cut off mid-delivery is run again once
		// River takes it for lost, two minutes after it started. Wait
		// for every one of them.
		deadline := time.Now().Add(4 * time.Minute)
		for {
			received := map[string]bool{}
			for _, m := range smtp.Messages() {
				for _, to := range m.To {
					received[to] = true
				}
			}
			if len(received) == n {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d confirmation emails arrived after the restart", len(received), n)
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, m := range smtp.Messages() {
			if m.Link("/confirm/") == "" || m.Language != "es" {
				t.Errorf("email to %v has no confirmation link or is not in Spanish:\n%s", m.To, m.Text)
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
