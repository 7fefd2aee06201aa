package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// Each kind of heavy public work has its own few slots: with every slot
// of a kind taken, one more request of that kind is turned away at once
// (429, Retry-After, in the reader's language) while the other kinds
// and the pages are still served.
func TestWorkLimits(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	clock := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
	s, err := New(Config{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return clock }, PageCache: -1}, db)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)

	ctx := context.Background()
	acct, err := signon.NewAccount(signon.AccountInput{Email: "author@example.org", Name: "Author", Password: "a long enough password", Role: signon.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	st := &signon.Statement{Slug: "letter", Kind: signon.KindLetter, Title: "Letter", Body: "We ask.", Language: "en",
		Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
	if err := db.CreateStatement(ctx, st, acct.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []signon.Action{signon.ActionOpen, signon.ActionClose} {
		if _, err := db.TransitionStatement(ctx, st.ID, a, nil, clock, acct.ID); err != nil {
			t.Fatal(err)
		}
	}

	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(body)
	}
	kinds := []struct {
		name  string
		slots *workSlots
		path  string
		es    string // the refusal in Spanish
	}{
		{"PDF", s.pdfs.renders, "/s/letter/statement.pdf?lang=es", "copias"},
		{"Print", s.prints, "/s/letter/print?lang=es", "copias"},
		{"Export", s.exports, "/s/letter/signatories.csv?lang=es", "descargas"},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			// Every slot of the kind held, as by renders in progress.
			k.slots.wait = 0
			for range cap(k.slots.running) {
				k.slots.running <- struct{}{}
			}
			res, body := get(k.path)
			if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, k.es) {
				t.Errorf("%s with every slot taken: %d, Retry-After %q; %s", k.path, res.StatusCode, res.Header.Get("Retry-After"), body)
			}
			for _, other := range kinds {
				if other.name == k.name {
					continue
				}
				if res, _ := get(other.path); res.StatusCode != http.StatusOK {
					t.Errorf("%s while the %s slots are taken: %d", other.path, k.name, res.StatusCode)
				}
			}
			for range cap(k.slots.running) {
				<-k.slots.running
			}
			if res, _ := get(k.path); res.StatusCode != http.StatusOK {
				t.Errorf("%s once the slots are free: %d", k.path, res.StatusCode)
			}
		})
	}
}
