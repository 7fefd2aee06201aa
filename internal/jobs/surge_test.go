package jobs_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

var (
	surgeDuration = flag.Duration("surge.duration", 10*time.Second, "how long BenchmarkConfirmationSurge signs")
	surgeRate     = flag.Int("surge.rate", 0, "signatures a second BenchmarkConfirmationSurge offers; 0 for as many as its signers manage")
	surgeSigners  = flag.Int("surge.signers", 32, "concurrent signers in BenchmarkConfirmationSurge")
	surgeWorkers  = flag.Int("surge.workers", 0, "email workers in BenchmarkConfirmationSurge; 0 for jobs.DefaultEmailWorkers")
	surgeLog      = flag.Bool("surge.log", false, "BenchmarkConfirmationSurge writes the emails to the log, as without SMTP, instead of sending them")
)

// BenchmarkConfirmationSurge measures how long a signer waits for the
// email that lets them confirm while signatures keep coming: concurrent
// signers sign a statement that asks for confirmation, each signature
// stored with its links and its email as the sign form stores them, for
// -surge.duration, while the workers deliver the emails over SMTP to an
// in-process server (internal/mailtest). It reports the sign rate, the
// rate at which emails arrived during the surge, the time from each
// signature's commit to its email's arrival (p50, p99, max), and how long
// after the surge the last email arrived. With -surge.log the emails go
// to the log sender, as with no SMTP server configured, and leave when
// their delivery is recorded (sent_at). One surge per dialect, so run it
// with -benchtime 1x:
//
//	go test ./internal/jobs -run '^$' -bench ConfirmationSurge -benchtime 1x \
//	    -args -surge.duration 20s -surge.rate 500
func BenchmarkConfirmationSurge(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			db := storetest.Open(b, dialect)
			ctx := context.Background()
			st := &signon.Statement{Slug: "surge", Kind: signon.KindLetter, Title: "Letter to the Summit",
				Body: "We, the undersigned…", Language: "en", RequireConfirmation: true,
				Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
			if err := db.CreateStatement(ctx, st, 0); err != nil {
				b.Fatal(err)
			}
			smtp := mailtest.Start(b)
			smtpURL := smtp.URL()
			if *surgeLog {
				smtpURL = ""
			}
			startWith(b, db, smtpURL, jobs.Config{EmailWorkers: *surgeWorkers})

			limit := rate.NewLimiter(rate.Inf, 1)
			if *surgeRate > 0 {
				limit = rate.NewLimiter(rate.Limit(*surgeRate), 1)
			}
			var (
				mu        sync.Mutex
				committed = map[string]time.Time{} // by recipient
				seq       atomic.Int64
				wg        sync.WaitGroup
			)
			b.ResetTimer()
			start := time.Now()
			surgeCtx, cancel := context.WithDeadline(ctx, start.Add(*surgeDuration))
			defer cancel()
			for range *surgeSigners {
				wg.Go(func() {
					for limit.Wait(surgeCtx) == nil {
						i := seq.Add(1)
						sig, tokens, e := confirmSignature(st.ID, i)
						if err := db.CreateSignature(ctx, sig, tokens, e); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						committed[e.ToAddress] = time.Now()
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			end := time.Now()
			signed := len(committed)
			var (
				duringSurge int
				waits       []time.Duration
				last        = end
			)
			if *surgeLog {
				duringSurge, waits, last = loggedEmails(b, db, st.ID, signed, end)
			} else {
				duringSurge, waits, last = receivedEmails(b, smtp, committed, end)
			}
			b.StopTimer()
			if len(waits) != signed {
				b.Fatalf("%d emails for %d signatures", len(waits), signed)
			}
			slices.Sort(waits)
			pct := func(p float64) time.Duration { return waits[min(len(waits)-1, int(p*float64(len(waits))))] }
			surge := end.Sub(start).Seconds()
			b.ReportMetric(float64(signed)/surge, "signs/s")
			b.ReportMetric(float64(duringSurge)/surge, "emails/s")
			b.ReportMetric(float64(pct(0.50).Milliseconds()), "p50-ms")
			b.ReportMetric(float64(pct(0.99).Milliseconds()), "p99-ms")
			b.ReportMetric(float64(waits[len(waits)-1].Milliseconds()), "max-ms")
			b.ReportMetric(last.Sub(end).Seconds(), "drain-s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// confirmSignature is the i-th signature of a surge, unconfirmed, with
// its two links and its confirmation email, as the sign form makes them.
func confirmSignature(statementID, i int64) (*signon.Signature, []*signon.SignatureToken, *signon.Email) {
	org := fmt.Sprintf("Organización %d", i)
	sig := &signon.Signature{StatementID: statementID, SignerType: signon.SignerOrganization,
		Organization: org, OrgKey: signon.OrganizationKey(org), SignerName: "María Pérez",
		Email: fmt.Sprintf("firma%d@example.org", i), City: "El Paso", Country: "US", Region: "US-TX",
		Language: "es", Status: signon.SignatureUnconfirmed, Source: signon.SourceForm, StatementVersion: 1}
	now := time.Now()
	tokens := []*signon.SignatureToken{
		signon.NewSignatureToken(fmt.Sprintf("confirm-%d", i), signon.TokenConfirm, now),
		signon.NewSignatureToken(fmt.Sprintf("manage-%d", i), signon.TokenManage, now),
	}
	e := &signon.Email{Kind: signon.EmailConfirm, ToAddress: sig.Email, Language: "es",
		Subject:  "Confirma tu firma: Carta a los líderes",
		TextBody: "Hola, María.\n\n" + strings.Repeat("Gracias por firmar la carta. ", 30) + "\n\nConfirma aquí: " + confirmLink + "\n",
		HTMLBody: "<p>Hola, María.</p><p>" + strings.Repeat("Gracias por firmar la carta. ", 30) + `</p><p><a href="` + confirmLink + `">Confirma</a></p>`}
	return sig, tokens, e
}

// receivedEmails waits for an email per signature committed to arrive at
// smtp, and returns how many had arrived at the end of the surge, the
// wait of each from its signature's commit, and the last arrival.
func receivedEmails(b *testing.B, smtp *mailtest.Server, committed map[string]time.Time, end time.Time) (int, []time.Duration, time.Time) {
	b.Helper()
	duringSurge := len(smtp.Messages())
	msgs := smtp.Messages()
	for deadline := time.Now().Add(5 * time.Minute); len(msgs) < len(committed); msgs = smtp.Messages() {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d emails arrived within 5 minutes of the surge", len(msgs), len(committed))
		}
		time.Sleep(20 * time.Millisecond)
	}
	var waits []time.Duration
	last := end
	for _, m := range msgs {
		at, ok := committed[m.To[0]]
		if !ok {
			b.Fatalf("an email to %s, who did not sign", m.To[0])
		}
		waits = append(waits, m.Received.Sub(at))
		if m.Received.After(last) {
			last = m.Received
		}
	}
	return duringSurge, waits, last
}

// loggedEmails waits for every email of statementID to be logged, and
// returns how many were at the end of the surge, the wait of each from
// its creation (in its signature's transaction) to its record as
// logged, and the last record.
func loggedEmails(b *testing.B, db *store.DB, statementID int64, signed int, end time.Time) (int, []time.Duration, time.Time) {
	b.Helper()
	ctx := context.Background()
	_, duringSurge, err := db.Emails(ctx, signon.EmailFilter{StatementID: statementID, Status: signon.EmailLogged, PerPage: 1})
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		_, queued, err := db.Emails(ctx, signon.EmailFilter{StatementID: statementID, Status: signon.EmailQueued, PerPage: 1})
		if err != nil {
			b.Fatal(err)
		}
		if queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d emails still queued 5 minutes after the surge", queued, signed)
		}
	}
	var waits []time.Duration
	last := end
	for page := 1; ; page++ {
		list, _, err := db.Emails(ctx, signon.EmailFilter{StatementID: statementID, Page: page, PerPage: store.MaxPerPage})
		if err != nil {
			b.Fatal(err)
		}
		if len(list) == 0 {
			return duringSurge, waits, last
		}
		for _, e := range list {
			if e.SentAt == nil {
				b.Fatalf("email %d is %s", e.ID, e.Status)
			}
			waits = append(waits, e.SentAt.Sub(e.CreatedAt))
			if e.SentAt.After(last) {
				last = *e.SentAt
			}
		}
	}
}
