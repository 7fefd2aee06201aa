package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// webhookJobs lists the queued webhook deliveries as "<endpoint id> <type>".
func webhookJobs(t *testing.T, db *store.DB) ([]string, []store.DeliverWebhookArgs) {
	t.Helper()
	client, err := river.NewClient(db.RiverDriver(), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.JobList(context.Background(), river.NewJobListParams().Kinds(store.DeliverWebhookArgs{}.Kind()).First(100))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var args []store.DeliverWebhookArgs
	for _, j := range res.Jobs {
		var a store.DeliverWebhookArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			t.Fatal(err)
		}
		names = append(names, fmt.Sprintf("%d %s", a.EndpointID, a.EventType))
		args = append(args, a)
	}
	sort.Strings(names)
	return names, args
}

// TestDispatchWebhooks: each change becomes one job per endpoint that
// wants it, with its body; a second dispatch queues nothing again.
func TestDispatchWebhooks(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			db.SetPublicURL("https://sign.example.org")
			now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			one := transition(t, db, createStatement(t, db, 0, "one"), now, signon.ActionOpen)
			two := transition(t, db, createStatement(t, db, 0, "two"), now, signon.ActionOpen)
			a := &signon.WebhookEndpoint{StatementID: &one.ID, URL: "https://a.example.org", Secret: "a",
				Events: signon.EventSignatureCreated + " " + signon.EventStatementClosed}
			b := &signon.WebhookEndpoint{URL: "https://b.example.org", Secret: "b", Events: signon.EventStatementClosed}
			for _, e := range []*signon.WebhookEndpoint{a, b} {
				if err := db.CreateWebhookEndpoint(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			if a.ID != 1 || b.ID != 2 {
				t.Fatalf("endpoint ids %d, %d", a.ID, b.ID)
			}
			sig := createSignature(t, db, one.ID, "Casa de la Raza", "US-TX", signon.SignaturePending)
			createSignature(t, db, two.ID, "Frontera", "US-NM", signon.SignaturePending)
			transition(t, db, one, now, signon.ActionClose)
			transition(t, db, two, now, signon.ActionClose)

			want := []string{"1 signature.created", "1 statement.closed", "2 statement.closed", "2 statement.closed"}
			// On PostgreSQL the log holds changes back while any
			// transaction of the server older than them runs (other
			// tests'), so dispatch until they are all through.
			deadline := time.Now().Add(30 * time.Second)
			var got []string
			var args []store.DeliverWebhookArgs
			for {
				if _, err := db.DispatchWebhooks(ctx); err != nil {
					t.Fatal(err)
				}
				got, args = webhookJobs(t, db)
				if len(got) >= len(want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Fatalf("jobs %v, want %v", got, want)
			}
			if n, err := db.DispatchWebhooks(ctx); err != nil || n != 0 {
				t.Errorf("a second dispatch: %d, %v; want nothing", n, err)
			}
			if again, _ := webhookJobs(t, db); len(again) != len(want) {
				t.Errorf("jobs after a second dispatch: %v", again)
			}

			for _, arg := range args {
				var body signon.WebhookBody
				if err := json.Unmarshal([]byte(arg.Body), &body); err != nil {
					t.Fatal(err)
				}
				if body.ID != arg.EventID || body.Type != arg.EventType || body.Statement.URL != "https://sign.example.org/s/"+body.Statement.Slug {
					t.Errorf("body %s for job %+v", arg.Body, arg)
				}
				if arg.EventType == signon.EventSignatureCreated {
					if body.Signature == nil || body.Signature.ID != sig.ID || body.Signature.Organization != "Casa de la Raza" || body.Statement.Slug != "one" {
						t.Errorf("signature.created body %s", arg.Body)
					}
					if strings.Contains(arg.Body, sig.Email) {
						t.Errorf("body carries the email: %s", arg.Body)
					}
				} else if body.Signature != nil {
					t.Errorf("%s body has a signature: %s", arg.EventType, arg.Body)
				}
			}
		})
	}
}
