package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// signVersion stores a signature of statement from org that records version.
func signVersion(t *testing.T, db *store.DB, statementID int64, org string, version int, status signon.SignatureStatus) {
	t.Helper()
	sig := newSignature(statementID, org, "US-TX")
	sig.StatementVersion, sig.Status = version, status
	if err := db.CreateSignature(context.Background(), sig, nil); err != nil {
		t.Fatalf("CreateSignature(%s) = %v", org, err)
	}
}

// versionTexts sums up the stored versions as "N: body".
func versionTexts(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	list, err := db.StatementVersions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, v := range list {
		if v.StatementID != id {
			t.Errorf("version %d has statement %d, want %d", v.Version, v.StatementID, id)
		}
		out = append(out, fmt.Sprintf("%d: %s", v.Version, v.Body))
	}
	return out
}

// versionEvents lists the details of the statement's statement.version
// events, oldest first.
func versionEvents(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	events, err := db.StatementEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Action == "statement.version" {
			out = append(out, events[i].Detail)
		}
	}
	return out
}

func TestStatementService_Versions(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a, b := createAccount(t, db, ""), createAccount(t, db, "")

			t.Run("FirstWrittenAtCreation", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "first")
				list, err := db.StatementVersions(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := &signon.StatementVersion{
					StatementID: s.ID, Version: 1, Title: s.Title, Summary: s.Summary, Body: s.Body,
					AddressedTo: s.AddressedTo, Occasion: s.Occasion, CreatedAt: s.CreatedAt, CreatedBy: &a.ID,
				}
				if len(list) != 1 || !reflect.DeepEqual(list[0], want) {
					t.Errorf("versions = %+v, want only %+v", list, want)
				}
				// Made by Signon itself: no account.
				demo := newStatement("by-signon")
				if err := db.CreateStatement(ctx, demo, 0); err != nil {
					t.Fatal(err)
				}
				if list, _ := db.StatementVersions(ctx, demo.ID); len(list) != 1 || list[0].CreatedBy != nil {
					t.Errorf("versions of a statement made by Signon = %+v, want one without an account", list)
				}
				if list, err := db.StatementVersions(ctx, 999999); err != nil || len(list) != 0 {
					t.Errorf("versions of a missing statement = %v, %v; want none", list, err)
				}
			})

			t.Run("NewOnlyAfterSignatures", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "letter")
				edit := func(body string, by int64) {
					t.Helper()
					s.Body = body
					if err := db.UpdateStatement(ctx, s, by); err != nil {
						t.Fatalf("edit to %q: %v", body, err)
					}
				}
				edit("Draft, corrected.", a.ID)
				if _, err := db.TransitionStatement(ctx, s.ID, signon.ActionOpen, nil, t0, a.ID); err != nil {
					t.Fatal(err)
				}
				s, _ = db.StatementByID(ctx, s.ID)
				edit("Open, nobody signed yet.", a.ID)
				if s.Version != 1 || !reflect.DeepEqual(versionTexts(t, db, s.ID), []string{"1: Open, nobody signed yet."}) {
					t.Fatalf("before any signature: Version %d, versions %q; want version 1 corrected in place", s.Version, versionTexts(t, db, s.ID))
				}

				signVersion(t, db, s.ID, "Red Fronteriza", 1, signon.SignatureApproved)
				edit("Signed by one, so version 2.", b.ID)
				if s.Version != 2 {
					t.Fatalf("Version = %d after editing a signed text, want 2", s.Version)
				}
				// Version 2 is unsigned: corrected in place.
				edit("Version 2, corrected.", b.ID)
				if s.Version != 2 {
					t.Fatalf("Version = %d after correcting an unsigned version, want 2", s.Version)
				}
				signVersion(t, db, s.ID, "Casa del Migrante", 2, signon.SignaturePending)
				edit("Version 3.", a.ID)

				want := []string{"1: Open, nobody signed yet.", "2: Version 2, corrected.", "3: Version 3."}
				if got := versionTexts(t, db, s.ID); !reflect.DeepEqual(got, want) {
					t.Errorf("versions = %q, want %q", got, want)
				}
				if got := versionEvents(t, db, s.ID); !reflect.DeepEqual(got, []string{"version 2", "version 3"}) {
					t.Errorf("statement.version events = %q, want version 2 then version 3", got)
				}
				list, _ := db.StatementVersions(ctx, s.ID)
				if list[1].CreatedBy == nil || *list[1].CreatedBy != b.ID || list[2].CreatedBy == nil || *list[2].CreatedBy != a.ID {
					t.Errorf("versions made by %v and %v, want %d and %d", list[1].CreatedBy, list[2].CreatedBy, b.ID, a.ID)
				}
				if list[1].CreatedAt.Before(list[0].CreatedAt) || list[2].CreatedAt.Before(list[1].CreatedAt) {
					t.Errorf("version times %v, %v, %v are out of order", list[0].CreatedAt, list[1].CreatedAt, list[2].CreatedAt)
				}
				events, _ := db.StatementEvents(ctx, s.ID)
				if events[0].Action != "statement.update" || events[1].Action != "statement.version" || *events[1].AccountID != a.ID {
					t.Errorf("newest events = %s, %s; want statement.update after statement.version by %d", events[0].Action, events[1].Action, a.ID)
				}
			})

			t.Run("EveryStatusCounts", func(t *testing.T) {
				for _, status := range []signon.SignatureStatus{
					signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved,
					signon.SignatureRejected, signon.SignatureWithdrawn,
				} {
					s := createStatement(t, db, a.ID, "signed-"+string(status))
					signVersion(t, db, s.ID, "Red Fronteriza", 1, status)
					s.Title = "Changed after a signature that is " + string(status)
					if err := db.UpdateStatement(ctx, s, a.ID); err != nil {
						t.Fatal(err)
					}
					if s.Version != 2 {
						t.Errorf("%s signature: Version %d after the edit, want 2", status, s.Version)
					}
				}
			})

			t.Run("PolicyIsNotText", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "policy")
				signVersion(t, db, s.ID, "Red Fronteriza", 1, signon.SignatureApproved)
				s.Approval, s.AllowIndividuals, s.Language, s.Slug = signon.ApprovalAll, true, "es", "policy-moved"
				if err := db.UpdateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				if s.Version != 1 || len(versionTexts(t, db, s.ID)) != 1 || len(versionEvents(t, db, s.ID)) != 0 {
					t.Errorf("policy edit: Version %d, versions %q, events %q; want version 1 alone", s.Version, versionTexts(t, db, s.ID), versionEvents(t, db, s.ID))
				}
			})

			t.Run("MissingRowKept", func(t *testing.T) {
				// A version raised outside UpdateStatement (a translation,
				// or a statement from before versions were kept) has no
				// row: the signed text is kept before the new one is added.
				s := createStatement(t, db, a.ID, "raised-elsewhere")
				if err := db.Exec(ctx, "UPDATE statements SET version = 3 WHERE id = ?", s.ID); err != nil {
					t.Fatal(err)
				}
				s, _ = db.StatementByID(ctx, s.ID)
				s.Body = "Unsigned version 3, corrected."
				if err := db.UpdateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				signVersion(t, db, s.ID, "Red Fronteriza", 3, signon.SignatureApproved)
				if err := db.Exec(ctx, "UPDATE statements SET version = 4 WHERE id = ?", s.ID); err != nil {
					t.Fatal(err)
				}
				signVersion(t, db, s.ID, "Casa del Migrante", 4, signon.SignatureApproved)
				s, _ = db.StatementByID(ctx, s.ID)
				s.Body = "Version 5."
				if err := db.UpdateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				want := []string{"1: We, the undersigned organizations…", "3: Unsigned version 3, corrected.",
					"4: Unsigned version 3, corrected.", "5: Version 5."}
				if got := versionTexts(t, db, s.ID); s.Version != 5 || !reflect.DeepEqual(got, want) {
					t.Errorf("Version %d, versions %q; want 5 and %q", s.Version, got, want)
				}
			})

			t.Run("RolledBack", func(t *testing.T) {
				createStatement(t, db, a.ID, "taken")
				s := createStatement(t, db, a.ID, "rolled-back")
				signVersion(t, db, s.ID, "Red Fronteriza", 1, signon.SignatureApproved)
				s.Slug, s.Body = "taken", "A new text that is never saved."
				wantCode(t, db.UpdateStatement(ctx, s, a.ID), signon.ECONFLICT)
				if got := versionTexts(t, db, s.ID); !reflect.DeepEqual(got, []string{"1: We, the undersigned organizations…"}) {
					t.Errorf("versions after a refused edit = %q, want version 1 alone", got)
				}
				if got := versionEvents(t, db, s.ID); len(got) != 0 {
					t.Errorf("statement.version events after a refused edit = %q", got)
				}
			})

			t.Run("SignatureCountsByVersion", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "counted")
				other := createStatement(t, db, a.ID, "other")
				signVersion(t, db, s.ID, "One", 1, signon.SignatureApproved)
				signVersion(t, db, s.ID, "Two", 1, signon.SignatureWithdrawn)
				signVersion(t, db, s.ID, "Three", 2, signon.SignatureRejected)
				signVersion(t, db, other.ID, "Four", 1, signon.SignatureApproved)
				got, err := db.SignatureCountsByVersion(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if want := map[int]int{1: 2, 2: 1}; !reflect.DeepEqual(got, want) {
					t.Errorf("SignatureCountsByVersion = %v, want %v", got, want)
				}
				if got, err := db.SignatureCountsByVersion(ctx, 999999); err != nil || len(got) != 0 {
					t.Errorf("counts of a missing statement = %v, %v; want none", got, err)
				}
			})
		})
	}
}
