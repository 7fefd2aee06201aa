package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestStatementService_CreateStatement(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("OK", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				s := newStatement("nals-2026")
				before := time.Now().UTC().Truncate(time.Microsecond)
				if err := db.CreateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				if s.ID == 0 {
					t.Fatal("ID = 0, want one assigned")
				}
				if s.Status != signon.StatusDraft || s.Version != 1 || s.CreatedBy != a.ID {
					t.Errorf("Status, Version, CreatedBy = %q, %d, %d; want draft, 1, %d", s.Status, s.Version, s.CreatedBy, a.ID)
				}
				if s.CreatedAt.Before(before) || s.CreatedAt.Location() != time.UTC || !s.UpdatedAt.Equal(s.CreatedAt) {
					t.Errorf("CreatedAt, UpdatedAt = %v, %v; want the same UTC time after %v", s.CreatedAt, s.UpdatedAt, before)
				}

				for name, get := range map[string]func() (*signon.Statement, error){
					"ByID":   func() (*signon.Statement, error) { return db.StatementByID(ctx, s.ID) },
					"BySlug": func() (*signon.Statement, error) { return db.StatementBySlug(ctx, "nals-2026") },
				} {
					got, err := get()
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if !reflect.DeepEqual(got, s) {
						t.Errorf("%s =\n%+v\nwant\n%+v", name, got, s)
					}
				}

				events, err := db.StatementEvents(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != 1 || events[0].Action != "statement.create" || *events[0].AccountID != a.ID ||
					*events[0].StatementID != s.ID || events[0].SignatureID != nil || events[0].Detail != "nals-2026" {
					t.Errorf("events = %+v, want one statement.create by %d", events, a.ID)
				}
			})

			t.Run("NotFound", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				_, err := db.StatementBySlug(ctx, "nope")
				wantCode(t, err, signon.ENOTFOUND)
				_, err = db.StatementByID(ctx, 42)
				wantCode(t, err, signon.ENOTFOUND)
			})

			t.Run("ErrSlugTaken", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				first := createStatement(t, db, a.ID, "nals-2026")
				s := newStatement("nals-2026")
				err := db.CreateStatement(ctx, s, a.ID)
				wantCode(t, err, signon.ECONFLICT)
				if key := signon.ErrorKey(err); key != "error.slug_taken" {
					t.Errorf("key = %q, want error.slug_taken", key)
				}
				if f := signon.ErrorFields(err); f["slug"].Code != signon.ProblemTaken {
					t.Errorf("fields = %v, want slug taken", f)
				}
				if s.ID != 0 || s.Status != "" || !s.CreatedAt.IsZero() {
					t.Errorf("failed create left %+v, want the statement as given", s)
				}
				// The failed transaction recorded nothing.
				if events, err := db.StatementEvents(ctx, first.ID); err != nil || len(events) != 1 {
					t.Errorf("events of first = %d, %v; want 1", len(events), err)
				}
			})

			t.Run("RespondsTo", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				letter := createStatement(t, db, a.ID, "letter")
				missing := letter.ID + 100
				s := newStatement("response")
				s.RespondsToID = &missing
				err := db.CreateStatement(ctx, s, a.ID)
				wantCode(t, err, signon.EINVALID)
				if f := signon.ErrorFields(err); f["responds_to"].Code != signon.ProblemInvalidChoice {
					t.Errorf("fields = %v, want responds_to invalid", f)
				}
			})
		})
	}
}

func TestStatementService_UpdateStatement(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("OK", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a, b := createAccount(t, db, ""), createAccount(t, db, "")
				letter := createStatement(t, db, a.ID, "letter")
				s := createStatement(t, db, a.ID, "draft")
				created := *s

				closes := t0.Add(72 * time.Hour)
				s.Slug, s.Kind, s.Title = "response", signon.KindResponse, "Response after the summit"
				s.Body, s.Language, s.RespondsToID = "We note with concern…", "es", &letter.ID
				s.AllowIndividuals, s.RequireConfirmation = true, true
				s.Approval, s.Visibility = signon.ApprovalNonMembers, signon.VisibleOnPublished
				s.ClosesAt = &closes
				// Status fields belong to TransitionStatement and are ignored.
				s.Status, s.Version = signon.StatusPublished, 9
				if err := db.UpdateStatement(ctx, s, b.ID); err != nil {
					t.Fatal(err)
				}
				got, err := db.StatementByID(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, s) {
					t.Errorf("after update, s =\n%+v\nstored\n%+v", s, got)
				}
				want := created
				want.Slug, want.Kind, want.Title = "response", signon.KindResponse, "Response after the summit"
				want.Body, want.Language, want.RespondsToID = "We note with concern…", "es", &letter.ID
				want.AllowIndividuals, want.RequireConfirmation = true, true
				want.Approval, want.Visibility = signon.ApprovalNonMembers, signon.VisibleOnPublished
				closesStored := stored(closes)
				want.ClosesAt = &closesStored
				want.UpdatedAt = got.UpdatedAt
				if !reflect.DeepEqual(got, &want) {
					t.Errorf("stored =\n%+v\nwant\n%+v", got, &want)
				}
				if got.UpdatedAt.Before(created.UpdatedAt) {
					t.Errorf("UpdatedAt = %v, want after %v", got.UpdatedAt, created.UpdatedAt)
				}
				if _, err := db.StatementBySlug(ctx, "draft"); signon.ErrorCode(err) != signon.ENOTFOUND {
					t.Errorf("old slug: %v, want not found", err)
				}
				events, err := db.StatementEvents(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != 2 || events[0].Action != "statement.update" || *events[0].AccountID != b.ID || events[0].Detail != "" {
					t.Errorf("events = %+v, want statement.update by %d first", events, b.ID)
				}
			})

			t.Run("VersionOnlyAfterSignatures", func(t *testing.T) {
				// The rule in full is tested in versions_test.go.
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				s := createStatement(t, db, a.ID, "letter")
				if _, err := db.TransitionStatement(ctx, s.ID, signon.ActionOpen, nil, time.Now(), a.ID); err != nil {
					t.Fatal(err)
				}
				s, _ = db.StatementByID(ctx, s.ID)
				s.Body = "Unsigned, so corrected in place."
				if err := db.UpdateStatement(ctx, s, a.ID); err != nil || s.Version != 1 {
					t.Fatalf("text edit before any signature: Version %d, %v; want 1", s.Version, err)
				}
				createSignature(t, db, s.ID, "Red Fronteriza", "US-TX", signon.SignatureApproved)
				s.Occasion = "Part of the signed text"
				if err := db.UpdateStatement(ctx, s, a.ID); err != nil || s.Version != 2 {
					t.Fatalf("occasion edit after a signature: Version %d, %v; want 2", s.Version, err)
				}
				if s.Status != signon.StatusOpen {
					t.Errorf("Status = %q, want open", s.Status)
				}
			})

			t.Run("ErrSlugTaken", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				createStatement(t, db, a.ID, "taken")
				s := createStatement(t, db, a.ID, "mine")
				s.Slug, s.Title = "taken", "Changed"
				err := db.UpdateStatement(ctx, s, a.ID)
				wantCode(t, err, signon.ECONFLICT)
				if signon.ErrorKey(err) != "error.slug_taken" || signon.ErrorFields(err)["slug"].Code != signon.ProblemTaken {
					t.Errorf("error = %v, want error.slug_taken on slug", err)
				}
				got, _ := db.StatementByID(ctx, s.ID)
				if got.Slug != "mine" || got.Title != newStatement("").Title {
					t.Errorf("stored slug, title = %q, %q; want unchanged", got.Slug, got.Title)
				}
			})

			t.Run("NotFound", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				s := newStatement("ghost")
				s.ID = 99
				wantCode(t, db.UpdateStatement(context.Background(), s, a.ID), signon.ENOTFOUND)
			})
		})
	}
}

func TestStatementService_TransitionStatement(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("Lifecycle", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a, b := createAccount(t, db, ""), createAccount(t, db, "")
				s := createStatement(t, db, a.ID, "letter")

				steps := []struct {
					action signon.Action
					at     *time.Time
					now    time.Time
					by     int64
					check  func(*signon.Statement) bool
				}{
					{signon.ActionSchedule, ptr(t0.Add(time.Hour)), t0, a.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusOpen && s.OpensAt.Equal(stored(t0.Add(time.Hour))) && s.OpenedAt == nil
					}},
					{signon.ActionUnschedule, nil, t0.Add(time.Minute), b.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusDraft && s.OpensAt == nil
					}},
					{signon.ActionOpen, nil, t0.Add(2 * time.Minute), a.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusOpen && s.OpenedAt.Equal(stored(t0.Add(2*time.Minute)))
					}},
					{signon.ActionClose, nil, t0.Add(3 * time.Minute), b.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusClosed && s.ClosedAt.Equal(stored(t0.Add(3*time.Minute)))
					}},
					{signon.ActionReopen, nil, t0.Add(4 * time.Minute), a.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusOpen && s.ClosedAt == nil && s.OpenedAt.Equal(stored(t0.Add(2*time.Minute)))
					}},
					{signon.ActionClose, nil, t0.Add(5 * time.Minute), a.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusClosed && s.ClosedAt.Equal(stored(t0.Add(5*time.Minute)))
					}},
					{signon.ActionPublish, nil, t0.Add(6 * time.Minute), b.ID, func(s *signon.Statement) bool {
						return s.Status == signon.StatusPublished && s.PublishedAt.Equal(stored(t0.Add(6*time.Minute)))
					}},
				}
				for _, step := range steps {
					got, err := db.TransitionStatement(ctx, s.ID, step.action, step.at, step.now, step.by)
					if err != nil {
						t.Fatalf("%s: %v", step.action, err)
					}
					if !step.check(got) {
						t.Fatalf("after %s: %+v", step.action, got)
					}
					if got.UpdatedAt.Before(s.UpdatedAt) {
						t.Errorf("after %s: UpdatedAt = %v, want after %v", step.action, got.UpdatedAt, s.UpdatedAt)
					}
					reread, err := db.StatementByID(ctx, s.ID)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(reread, got) {
						t.Fatalf("after %s: returned\n%+v\nstored\n%+v", step.action, got, reread)
					}
				}

				events, err := db.StatementEvents(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != len(steps)+1 {
					t.Fatalf("%d events, want %d", len(events), len(steps)+1)
				}
				// Newest first: the steps backwards, then the creation.
				for i, step := range steps {
					e := events[len(steps)-1-i]
					if e.Action != "statement."+string(step.action) || *e.AccountID != step.by || *e.StatementID != s.ID {
						t.Errorf("event %d = %+v, want statement.%s by %d", i, e, step.action, step.by)
					}
				}
				if events[len(steps)-1].Detail != stored(t0.Add(time.Hour)).Format(time.RFC3339) {
					t.Errorf("schedule event detail = %q", events[len(steps)-1].Detail)
				}
				for i := 1; i < len(events); i++ {
					if events[i].CreatedAt.After(events[i-1].CreatedAt) {
						t.Errorf("event %d at %v after event %d at %v, want newest first", i, events[i].CreatedAt, i-1, events[i-1].CreatedAt)
					}
				}
				if events[len(steps)].Action != "statement.create" {
					t.Errorf("oldest event = %q, want statement.create", events[len(steps)].Action)
				}
			})

			t.Run("ErrInvalidTransition", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				s := createStatement(t, db, a.ID, "letter")
				for _, action := range []signon.Action{signon.ActionPublish, signon.ActionClose, signon.ActionReopen, signon.ActionUnschedule} {
					_, err := db.TransitionStatement(ctx, s.ID, action, nil, t0, a.ID)
					wantCode(t, err, signon.ECONFLICT)
				}
				_, err := db.TransitionStatement(ctx, s.ID, signon.ActionSchedule, ptr(t0.Add(-time.Hour)), t0, a.ID)
				wantCode(t, err, signon.EINVALID)
				got, err := db.StatementByID(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, s) {
					t.Errorf("after refused transitions:\n%+v\nwant unchanged\n%+v", got, s)
				}
				if events, _ := db.StatementEvents(ctx, s.ID); len(events) != 1 {
					t.Errorf("%d events, want only the creation", len(events))
				}
			})

			t.Run("NotFound", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				_, err := db.TransitionStatement(context.Background(), 7, signon.ActionOpen, nil, t0, 1)
				wantCode(t, err, signon.ENOTFOUND)
			})

			t.Run("ByJob", func(t *testing.T) {
				// A deadline job acts with no account.
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				s := createStatement(t, db, a.ID, "letter")
				if _, err := db.TransitionStatement(ctx, s.ID, signon.ActionOpen, nil, t0, a.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := db.TransitionStatement(ctx, s.ID, signon.ActionClose, nil, t0.Add(time.Hour), 0); err != nil {
					t.Fatal(err)
				}
				events, _ := db.StatementEvents(ctx, s.ID)
				if events[0].Action != "statement.close" || events[0].AccountID != nil {
					t.Errorf("event = %+v, want statement.close with no account", events[0])
				}
			})
		})
	}
}

func TestStatementService_Times(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			s := newStatement("letter")
			closes := t0.Add(48 * time.Hour)
			s.ClosesAt = &closes
			if err := db.CreateStatement(ctx, s, a.ID); err != nil {
				t.Fatal(err)
			}
			if closes != t0.Add(48*time.Hour) {
				t.Error("CreateStatement changed the caller's time through its pointer")
			}
			got, err := db.StatementByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := time.Date(2025, 11, 22, 15, 30, 15, 123456000, time.UTC)
			for name, tm := range map[string]time.Time{"returned": *s.ClosesAt, "read": *got.ClosesAt} {
				if tm != want {
					t.Errorf("%s ClosesAt = %v (%v), want exactly %v", name, tm, tm.Location(), want)
				}
			}
			for name, tm := range map[string]time.Time{"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt} {
				if tm.Location() != time.UTC || tm.Nanosecond()%1000 != 0 {
					t.Errorf("%s = %v, want UTC in whole microseconds", name, tm)
				}
			}
			if got.OpensAt != nil || got.OpenedAt != nil || got.ClosedAt != nil || got.PublishedAt != nil {
				t.Errorf("unset times = %v %v %v %v, want nil", got.OpensAt, got.OpenedAt, got.ClosedAt, got.PublishedAt)
			}
		})
	}
}

func TestStatementService_Statements(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			draft := createStatement(t, db, a.ID, "draft")
			old := createStatement(t, db, a.ID, "old")
			recent := createStatement(t, db, a.ID, "recent")
			published := createStatement(t, db, a.ID, "published")
			scheduled := createStatement(t, db, a.ID, "scheduled")
			step := func(s *signon.Statement, action signon.Action, at *time.Time, now time.Time) {
				t.Helper()
				if _, err := db.TransitionStatement(ctx, s.ID, action, at, now, a.ID); err != nil {
					t.Fatalf("%s %s: %v", action, s.Slug, err)
				}
			}
			step(old, signon.ActionOpen, nil, t0)
			step(published, signon.ActionOpen, nil, t0.Add(time.Hour))
			step(recent, signon.ActionOpen, nil, t0.Add(2*time.Hour))
			step(published, signon.ActionClose, nil, t0.Add(3*time.Hour))
			step(published, signon.ActionPublish, nil, t0.Add(4*time.Hour))
			// Scheduled: stored open, no opened_at, so it sorts by creation.
			step(scheduled, signon.ActionSchedule, ptr(time.Now().Add(24*time.Hour)), time.Now())

			tests := []struct {
				name string
				f    signon.StatementFilter
				want []*signon.Statement
			}{
				// Creation times are now, later than t0's activity.
				{"All", signon.StatementFilter{}, []*signon.Statement{scheduled, draft, published, recent, old}},
				{"Public", signon.StatementFilter{Public: true}, []*signon.Statement{scheduled, published, recent, old}},
				{"Open", signon.StatementFilter{Statuses: []signon.Status{signon.StatusOpen}}, []*signon.Statement{scheduled, recent, old}},
				{"PublicDraftOrPublished", signon.StatementFilter{Public: true, Statuses: []signon.Status{signon.StatusDraft, signon.StatusPublished}}, []*signon.Statement{published}},
				{"Limit", signon.StatementFilter{Public: true, Limit: 2}, []*signon.Statement{scheduled, published}},
			}
			for _, tt := range tests {
				got, err := db.Statements(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := slugs(got), slugs(tt.want); !reflect.DeepEqual(g, w) {
					t.Errorf("%s: %v, want %v", tt.name, g, w)
				}
			}
		})
	}
}

func TestStatementService_Responses(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			letter := createStatement(t, db, a.ID, "letter")
			other := createStatement(t, db, a.ID, "other")
			var want []string
			for _, slug := range []string{"first-response", "second-response"} {
				s := newStatement(slug)
				s.Kind, s.RespondsToID = signon.KindResponse, &letter.ID
				if err := db.CreateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				want = append([]string{slug}, want...)
			}
			got, err := db.Responses(ctx, letter.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(slugs(got), want) {
				t.Errorf("Responses(letter) = %v, want %v", slugs(got), want)
			}
			if *got[0].RespondsToID != letter.ID {
				t.Errorf("RespondsToID = %d, want %d", *got[0].RespondsToID, letter.ID)
			}
			if got, err := db.Responses(ctx, other.ID); err != nil || len(got) != 0 {
				t.Errorf("Responses(other) = %v, %v; want none", slugs(got), err)
			}
		})
	}
}

func slugs(list []*signon.Statement) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.Slug)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// transition takes st through actions at now.
func transition(t *testing.T, db *store.DB, st *signon.Statement, now time.Time, actions ...signon.Action) *signon.Statement {
	t.Helper()
	for _, a := range actions {
		next, err := db.TransitionStatement(context.Background(), st.ID, a, nil, now, 0)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		st = next
	}
	return st
}

func TestStatementService_PublishedIsFrozen(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			st := transition(t, db, createStatement(t, db, 0, "frozen"), now, signon.ActionOpen)
			sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
			st = transition(t, db, st, now, signon.ActionClose, signon.ActionPublish)

			edited := *st
			edited.Title = "Changed after publication"
			err := db.UpdateStatement(ctx, &edited, 0)
			if signon.ErrorKey(err) != "error.published_frozen" {
				t.Fatalf("UpdateStatement on a published statement: err = %v, want error.published_frozen", err)
			}
			err = db.SetSignatureStatus(ctx, st.ID, sig.ID, signon.SignatureRejected, now, 0)
			if signon.ErrorKey(err) != "error.published_signatures" {
				t.Fatalf("SetSignatureStatus on a published statement: err = %v, want error.published_signatures", err)
			}
			got, err := db.StatementByID(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title != st.Title {
				t.Errorf("title = %q, want it unchanged (%q)", got.Title, st.Title)
			}
			list, _, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
			if err != nil || len(list) != 1 {
				t.Fatalf("approved signatures = %d, %v; want the one still approved", len(list), err)
			}
		})
	}
}

func TestSignatureService_RefusedOncePublished(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			db := storetest.Open(t, dialect)
			now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
			st := transition(t, db, createStatement(t, db, 0, "sealed"), now, signon.ActionOpen, signon.ActionClose, signon.ActionPublish)
			late := newSignature(st.ID, "Late Group", "US-TX")
			if err := db.CreateSignature(context.Background(), late, nil); !errors.Is(err, signon.ErrNotOpen) {
				t.Fatalf("CreateSignature on a published statement: err = %v, want error.not_open", err)
			}
			late = newSignature(9999, "Late Group", "US-TX")
			if err := db.CreateSignature(context.Background(), late, nil); signon.ErrorCode(err) != signon.ENOTFOUND {
				t.Fatalf("CreateSignature on an unknown statement: err = %v, want not found", err)
			}
		})
	}
}
