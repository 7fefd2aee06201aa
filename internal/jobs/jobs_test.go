package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// confirmLink is a confirmation link as Signon writes one, with a token.
const confirmLink = "https://sign.example.org/confirm/hV3x0hZ4S6Vx0mE3fX8Qb2r1Yc7aL9nP0kT5uW2dJ4s"

func newEmail(to string) *signon.Email {
	return &signon.Email{
		Kind: signon.EmailConfirm, ToAddress: to, Language: "es",
		Subject:  "Confirma tu firma: Carta a los líderes",
		TextBody: "Abre este enlace: " + confirmLink + "\n",
		HTMLBody: `<p>Abre <a href="` + confirmLink + `">este enlace</a>.</p>`,
	}
}

// start runs the workers on db until the test ends.
func start(t *testing.T, db *store.DB, smtpURL string) {
	t.Helper()
	startWith(t, db, smtpURL, jobs.Config{})
}

// startWith runs the workers on db with cfg, its sender made for
// smtpURL and its poll interval short, until the test ends.
func startWith(t testing.TB, db *store.DB, smtpURL string, cfg jobs.Config) {
	t.Helper()
	sender, err := mail.New(smtpURL, "Red de Migrantes <cartas@example.org>", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sender, cfg.Logger, cfg.PollInterval = sender, slog.New(slog.DiscardHandler), 50*time.Millisecond
	r, err := jobs.Start(context.Background(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Error(err)
		}
		if err := sender.Close(); err != nil {
			t.Error(err)
		}
	})
}

// waitStatus waits until email id reaches status.
func waitStatus(t *testing.T, db *store.DB, id int64, status signon.EmailStatus) *signon.Email {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		e, err := db.EmailByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == status {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("email %d is %s after a minute, want %s", id, e.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDeliverEmail(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			smtp := mailtest.Start(t)
			e := newEmail("ana@example.org")
			if err := db.QueueEmail(ctx, e); err != nil {
				t.Fatal(err)
			}
			start(t, db, smtp.URL())

			m := smtp.To(t, "ana@example.org")
			if m.Subject != e.Subject || m.Text != e.TextBody || m.HTML != e.HTMLBody || m.Language != "es" {
				t.Errorf("received %+v, want the subject, both parts and the language of %+v", m, e)
			}
			if !strings.Contains(m.From, "cartas@example.org") {
				t.Errorf("envelope from = %q", m.From)
			}
			got := waitStatus(t, db, e.ID, signon.EmailSent)
			if id, want := m.Header.Get("Message-Id"), "<"+mail.MessageID(got, "example.org")+">"; id != want {
				t.Errorf("Message-ID %q, want the email's own %q", id, want)
			}
			if got.Attempts != 1 || got.SentAt == nil || got.LastError != "" || got.SendingSince != nil {
				t.Errorf("after delivery: attempts %d, sent at %v, error %q, sending since %v",
					got.Attempts, got.SentAt, got.LastError, got.SendingSince)
			}
			// The link reached the signer; the stored copy keeps no token.
			if strings.Contains(got.TextBody+got.HTMLBody, confirmLink) ||
				!strings.Contains(got.TextBody, "https://sign.example.org/confirm/…") {
				t.Errorf("stored copy after delivery:\n%s\n%s", got.TextBody, got.HTMLBody)
			}
		})
	}
}

// A server that refuses for a while delays the email; it is not lost.
func TestDeliverEmail_Retry(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			smtp := mailtest.Start(t)
			smtp.SetFailing(true)
			e := newEmail("beto@example.org")
			if err := db.QueueEmail(ctx, e); err != nil {
				t.Fatal(err)
			}
			start(t, db, smtp.URL())
			deadline := time.Now().Add(time.Minute)
			for {
				got, err := db.EmailByID(ctx, e.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Attempts > 0 && got.SendingSince == nil { // the refusal is recorded
					if got.Status != signon.EmailQueued || !strings.Contains(got.LastError, "451") {
						t.Fatalf("after a refusal: status %s, error %q; want queued with the server's 451", got.Status, got.LastError)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no delivery attempt within a minute")
				}
				time.Sleep(20 * time.Millisecond)
			}
			smtp.SetFailing(false)
			smtp.To(t, "beto@example.org")
			got := waitStatus(t, db, e.ID, signon.EmailSent)
			if got.Attempts != 2 || got.LastError != "" {
				t.Errorf("after the retry: attempts %d, error %q; want 2 and none", got.Attempts, got.LastError)
			}
		})
	}
}

// Without SMTP the email is logged and kept for the outbox page.
func TestDeliverEmail_Log(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	e := newEmail("carla@example.org")
	if err := db.QueueEmail(ctx, e); err != nil {
		t.Fatal(err)
	}
	start(t, db, "")
	got := waitStatus(t, db, e.ID, signon.EmailLogged)
	// The outbox is where it is read: the link must still work.
	if got.TextBody != e.TextBody || got.HTMLBody != e.HTMLBody {
		t.Errorf("logged email lost its text: %q", got.TextBody)
	}
}

// Several instances on one PostgreSQL database share the queue, and each
// email goes out once.
func TestDeliverEmail_Instances(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t, store.Postgres)
	ctx := context.Background()
	smtp := mailtest.Start(t)
	var dbs []*store.DB
	for range 3 {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := dbs[i%len(dbs)].QueueEmail(ctx, newEmail(fmt.Sprintf("m%02d@example.org", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, db := range dbs {
		start(t, db, smtp.URL())
	}
	smtp.Wait(t, n)
	// Give a duplicate the time to arrive: every job has been fetched
	// once all are sent, so one in flight would be delivered by now.
	for _, db := range dbs {
		list, _, err := db.Emails(ctx, signon.EmailFilter{Status: signon.EmailQueued})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			waitStatus(t, db, e.ID, signon.EmailSent)
		}
	}
	got := map[string]int{}
	for _, m := range smtp.Messages() {
		got[strings.Join(m.To, ",")]++
	}
	if len(got) != n {
		t.Errorf("%d distinct recipients, want %d", len(got), n)
	}
	for to, c := range got {
		if c != 1 {
			t.Errorf("%s received %d copies, want 1", to, c)
		}
	}
}

// The SMTP server has accepted the email and then its delivery cannot be
// recorded: a lock held on the email's row outlasts the job's deadline,
// or (PostgreSQL) every connection to the database is terminated, as a
// restart does. The job fails and is retried; the email goes out once.
func TestDeliverEmail_OnceWhenRecordingFails(t *testing.T) {
	t.Parallel()
	type fault func(t *testing.T, raw *sql.DB, emailID int64)
	// holdRow keeps the email's row locked for longer than the job may
	// run, so recording its delivery waits and then gives up.
	holdRow := func(t *testing.T, raw *sql.DB, emailID int64) {
		tx, err := raw.Begin()
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := tx.Exec(fmt.Sprintf("UPDATE emails SET kind = kind WHERE id = %d", emailID)); err != nil {
			t.Error(err)
		}
		time.AfterFunc(recordingTimeout+time.Second, func() { tx.Rollback() })
	}
	terminate := func(t *testing.T, raw *sql.DB, _ int64) {
		_, err := raw.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name <> '" + rawApplication + "'")
		if err != nil {
			t.Error(err)
		}
	}
	for _, tt := range []struct {
		name    string
		dialect string
		fault   fault
		retried bool // whether the fault surely makes the first attempt fail
	}{
		{"sqlite/row held", store.SQLite, holdRow, true},
		{"postgres/row held", store.Postgres, holdRow, true},
		{"postgres/connections terminated", store.Postgres, terminate, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := storetest.URL(t, tt.dialect)
			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			raw := openRaw(t, url)
			e := newEmail("dora@example.org")
			if err := db.QueueEmail(ctx, e); err != nil {
				t.Fatal(err)
			}
			smtp := mailtest.Start(t)
			var once sync.Once
			smtp.OnAccept(func(mailtest.Message) { once.Do(func() { tt.fault(t, raw, e.ID) }) })
			startWith(t, db, smtp.URL(), jobs.Config{EmailTimeout: recordingTimeout})

			// Once the job has completed, nothing can send the email again.
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
				var completed int
				err := raw.QueryRow("SELECT count(*) FROM river_job WHERE kind = 'deliver_email' AND state = 'completed'").Scan(&completed)
				if err != nil {
					t.Fatal(err)
				}
				if completed == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the delivery job did not complete within a minute")
				}
			}
			if n := len(smtp.Messages()); n != 1 {
				t.Errorf("%d messages delivered, want 1", n)
			}
			got := waitStatus(t, db, e.ID, signon.EmailSent)
			if got.Attempts != 1 || got.SendingSince != nil {
				t.Errorf("attempts %d, sending since %v; want 1 attempt at the SMTP server, finished", got.Attempts, got.SendingSince)
			}
			var jobAttempts int
			if err := raw.QueryRow("SELECT attempt FROM river_job WHERE kind = 'deliver_email'").Scan(&jobAttempts); err != nil {
				t.Fatal(err)
			}
			if tt.retried && jobAttempts < 2 {
				t.Errorf("the job ran %d time(s): the fault did not make recording fail", jobAttempts)
			}
		})
	}
}

// recordingTimeout is the delivery jobs' timeout in
// TestDeliverEmail_OnceWhenRecordingFails, the shortest allowed.
const recordingTimeout = jobs.MinEmailTimeout

// rawApplication names openRaw's PostgreSQL connections.
const rawApplication = "signon_test_raw"

// openRaw opens the database at url on connections of the test's own.
func openRaw(t *testing.T, url string) *sql.DB {
	t.Helper()
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	driver, dsn := "pgx", url+sep+"application_name="+rawApplication
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// A confirmation queued behind a roster's reminders goes first.
func TestDeliverEmail_ConfirmationsFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	smtp := mailtest.Start(t)
	const reminders = 20
	for i := range reminders {
		r := newEmail(fmt.Sprintf("miembro%02d@example.org", i))
		r.Kind, r.Subject = signon.EmailReminder, "Recordatorio"
		if err := db.QueueEmail(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueueEmail(ctx, newEmail("firmante@example.org")); err != nil {
		t.Fatal(err)
	}
	startWith(t, db, smtp.URL(), jobs.Config{EmailWorkers: 1})
	msgs := smtp.Wait(t, reminders+1)
	if to := msgs[0].To[0]; to != "firmante@example.org" {
		t.Errorf("first message went to %s, want the confirmation to firmante@example.org", to)
	}
}
