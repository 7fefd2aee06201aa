package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/demo"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			now := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)

			if err := demo.Seed(ctx, db, now); err != nil {
				t.Fatalf("Seed: %v", err)
			}
			first := countSample(t, db)

			t.Run("Idempotent", func(t *testing.T) {
				if err := demo.Seed(ctx, db, now.Add(time.Hour)); err != nil {
					t.Fatalf("second Seed: %v", err)
				}
				if again := countSample(t, db); again != first {
					t.Errorf("after a second Seed: %+v, want %+v", again, first)
				}
				all, err := db.Statements(ctx, signon.StatementFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(all) != 2 {
					t.Errorf("%d statements, want 2", len(all))
				}
			})

			t.Run("Roster", func(t *testing.T) {
				letter := statement(t, db, demo.LetterSlug)
				standings, err := db.MemberStandings(ctx, letter.ID)
				if err != nil {
					t.Fatal(err)
				}
				signed := 0
				for _, m := range standings {
					if m.Signature != nil {
						signed++
						if m.Signature.MemberID == nil || *m.Signature.MemberID != m.ID {
							t.Errorf("%s signed without being linked to its member", m.Name)
						}
					}
					if !strings.HasPrefix(m.Name, "Sample ") || m.ContactName == "" || m.Email == "" {
						t.Errorf("member %+v is not a complete sample", m.Member)
					}
				}
				// Some members have signed the letter and some have not.
				if signed < 20 || len(standings)-signed < 5 {
					t.Errorf("%d members, %d signed: want most but not all to have signed", len(standings), signed)
				}
			})

			t.Run("LetterIsOpen", func(t *testing.T) {
				letter := statement(t, db, demo.LetterSlug)
				if letter.Kind != signon.KindLetter || !letter.AcceptsSignatures(now) {
					t.Errorf("letter: kind %s, status %s at now; want an open letter", letter.Kind, letter.EffectiveStatus(now))
				}
				if letter.ClosesAt == nil || letter.ClosesAt.Sub(now) < 25*24*time.Hour {
					t.Errorf("letter deadline %v, want about 30 days after %v", letter.ClosesAt, now)
				}
				if letter.OpenedAt == nil || !letter.OpenedAt.Before(now) {
					t.Errorf("letter opened at %v, want before %v", letter.OpenedAt, now)
				}
			})

			t.Run("ResponseIsPublished", func(t *testing.T) {
				letter := statement(t, db, demo.LetterSlug)
				resp := statement(t, db, demo.ResponseSlug)
				if resp.Kind != signon.KindResponse || resp.Status != signon.StatusPublished {
					t.Errorf("response: kind %s, status %s; want a published response", resp.Kind, resp.Status)
				}
				if resp.RespondsToID == nil || *resp.RespondsToID != letter.ID {
					t.Errorf("response responds to %v, want the letter %d", resp.RespondsToID, letter.ID)
				}
				if resp.PublishedAt == nil || !resp.PublishedAt.Before(now) {
					t.Errorf("response published at %v, want before %v", resp.PublishedAt, now)
				}
				if !resp.SignatoriesPublic(now) {
					t.Error("response signatories are not public")
				}
			})

			t.Run("SignatoriesAcrossStates", func(t *testing.T) {
				for _, slug := range []string{demo.LetterSlug, demo.ResponseSlug} {
					st := statement(t, db, slug)
					stats, err := db.SignatureStats(ctx, st.ID)
					if err != nil {
						t.Fatal(err)
					}
					states := 0
					for _, r := range stats.ByRegion {
						if r.Country == "US" {
							states++
						}
					}
					countries := map[string]bool{}
					for _, c := range stats.ByCountry {
						countries[c.Country] = true
					}
					if stats.Total < 35 || states < 15 || !countries["MX"] || !countries["CA"] {
						t.Errorf("%s: %d signatures from %d US states, countries %v; want about 40 from 15+ states, Mexico and Canada",
							slug, stats.Total, states, countries)
					}
				}
			})

			t.Run("MarkedAsSample", func(t *testing.T) {
				for _, slug := range []string{demo.LetterSlug, demo.ResponseSlug} {
					st := statement(t, db, slug)
					for field, text := range map[string]string{"title": st.Title, "summary": st.Summary, "body": st.Body} {
						if !strings.Contains(strings.ToLower(text), "sample") {
							t.Errorf("%s: %s does not say it is sample data", slug, field)
						}
					}
					sigs, _, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, PerPage: store.MaxPerPage})
					if err != nil {
						t.Fatal(err)
					}
					for _, sig := range sigs {
						if !strings.HasPrefix(sig.Organization, "Sample ") || sig.Source != signon.SourceManual ||
							!strings.HasSuffix(sig.Email, "@example.org") {
							t.Errorf("%s: signature %q (%s, %s) is not marked as a sample", slug, sig.Organization, sig.Source, sig.Email)
						}
					}
				}
			})
		})
	}
}

type sampleCount struct {
	letter, response int
}

func countSample(t *testing.T, db *store.DB) sampleCount {
	t.Helper()
	count := func(slug string) int {
		st := statement(t, db, slug)
		_, n, err := db.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID, PerPage: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return sampleCount{letter: count(demo.LetterSlug), response: count(demo.ResponseSlug)}
}

func statement(t *testing.T, db *store.DB, slug string) *signon.Statement {
	t.Helper()
	st, err := db.StatementBySlug(context.Background(), slug)
	if err != nil {
		t.Fatalf("statement %s: %v", slug, err)
	}
	return st
}
