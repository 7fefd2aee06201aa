package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

var reviewNow = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// reviewFixture is an open letter and the coordinator who reviews it.
func reviewFixture(t *testing.T, dialect string) (*store.DB, *signon.Statement, *signon.Account) {
	t.Helper()
	db := storetest.Open(t, dialect)
	a := createAccount(t, db, "")
	st := transition(t, db, createStatement(t, db, a.ID, "review"), reviewNow, signon.ActionOpen)
	return db, st, a
}

func signatureOf(t *testing.T, db *store.DB, st *signon.Statement, id int64) *signon.Signature {
	t.Helper()
	sig, err := db.SignatureByID(context.Background(), st.ID, id)
	if err != nil {
		t.Fatalf("SignatureByID(%d) = %v", id, err)
	}
	return sig
}

// events lists the statement's events oldest first as "action
// signature account: detail".
func events(t *testing.T, db *store.DB, st *signon.Statement) []string {
	t.Helper()
	list, err := db.StatementEvents(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(list) {
		s := e.Action
		if e.SignatureID != nil {
			s += fmt.Sprintf(" #%d", *e.SignatureID)
		}
		if e.AccountID != nil {
			s += fmt.Sprintf(" by %d", *e.AccountID)
		}
		out = append(out, s+": "+e.Detail)
	}
	return out
}

func countSignatures(t *testing.T, db *store.DB, st *signon.Statement) int {
	t.Helper()
	_, n, err := db.Signatures(context.Background(), signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{
		signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReviewService_DecideSignatures(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			p1 := createSignature(t, db, st.ID, "Frontera Unida", "US-TX", signon.SignaturePending)
			p2 := createSignature(t, db, st.ID, "Casa del Migrante", "MX-CHH", signon.SignatureUnconfirmed)
			spam := createSignature(t, db, st.ID, "Spam Inc", "US-TX", signon.SignaturePending)
			gone := createSignature(t, db, st.ID, "Gone Away", "US-TX", signon.SignatureWithdrawn)
			mark := len(events(t, db, st))

			if err := db.DecideSignatures(ctx, st.ID, []int64{p2.ID, p1.ID, p1.ID}, signon.SignatureApproved, "", reviewNow, a.ID); err != nil {
				t.Fatal(err)
			}
			for _, id := range []int64{p1.ID, p2.ID} {
				s := signatureOf(t, db, st, id)
				if s.Status != signon.SignatureApproved || s.ApprovedAt == nil || !s.ApprovedAt.Equal(reviewNow) {
					t.Errorf("signature %d: %s at %v", id, s.Status, s.ApprovedAt)
				}
			}
			if err := db.DecideSignatures(ctx, st.ID, []int64{spam.ID}, signon.SignatureRejected, "  Not a real  group ", reviewNow, a.ID); err != nil {
				t.Fatal(err)
			}
			if s := signatureOf(t, db, st, spam.ID); s.Status != signon.SignatureRejected || s.RejectionReason != "Not a real group" || s.RejectedAt == nil {
				t.Errorf("rejected: %s %q %v", s.Status, s.RejectionReason, s.RejectedAt)
			}
			want := []string{
				fmt.Sprintf("signature.approve #%d by %d: pending → approved", p1.ID, a.ID),
				fmt.Sprintf("signature.approve #%d by %d: unconfirmed → approved", p2.ID, a.ID),
				fmt.Sprintf("signature.reject #%d by %d: pending → rejected\nNot a real group", spam.ID, a.ID),
			}
			if got := events(t, db, st)[mark:]; !slices.Equal(got, want) {
				t.Errorf("events = %q, want %q", got, want)
			}

			t.Run("AllOrNothing", func(t *testing.T) {
				other := createStatement(t, db, a.ID, "other-letter")
				foreign := createSignature(t, db, other.ID, "Foreign Org", "US-TX", signon.SignaturePending)
				fresh := createSignature(t, db, st.ID, "Fresh Org", "US-TX", signon.SignaturePending)
				before := len(events(t, db, st))
				err := db.DecideSignatures(ctx, st.ID, []int64{fresh.ID, p1.ID, gone.ID, foreign.ID}, signon.SignatureApproved, "", reviewNow, a.ID)
				var bulk *signon.BulkError
				if !errors.As(err, &bulk) || signon.ErrorCode(err) != signon.ECONFLICT {
					t.Fatalf("err = %v, want a BulkError", err)
				}
				got := fmt.Sprint(bulk.Problems)
				want := fmt.Sprint([]signon.BulkProblem{
					{SignatureID: p1.ID, Name: "Frontera Unida", Status: signon.SignatureApproved, Code: signon.BulkAlready},
					{SignatureID: gone.ID, Name: "Gone Away", Status: signon.SignatureWithdrawn, Code: signon.BulkNotAllowed},
					{SignatureID: foreign.ID, Code: signon.BulkNotFound},
				})
				if got != want {
					t.Errorf("problems = %s, want %s", got, want)
				}
				if s := signatureOf(t, db, st, fresh.ID); s.Status != signon.SignaturePending {
					t.Errorf("the valid signature of a refused batch is %s", s.Status)
				}
				if n := len(events(t, db, st)); n != before {
					t.Errorf("%d events after a refused batch, want %d", n, before)
				}
			})

			t.Run("ApprovingADuplicate", func(t *testing.T) {
				again := createSignature(t, db, st.ID, "SPAM, Inc.", "US-TX", signon.SignaturePending)
				err := db.DecideSignatures(ctx, st.ID, []int64{spam.ID}, signon.SignatureApproved, "", reviewNow, a.ID)
				var bulk *signon.BulkError
				if !errors.As(err, &bulk) || len(bulk.Problems) != 1 || bulk.Problems[0].Code != signon.BulkDuplicate {
					t.Fatalf("err = %v, want the duplicate refused", err)
				}
				if s := signatureOf(t, db, st, spam.ID); s.Status != signon.SignatureRejected {
					t.Errorf("duplicate is %s", s.Status)
				}
				// Once the other is rejected, the first may come back, and
				// its rejection reason goes.
				if err := db.DecideSignatures(ctx, st.ID, []int64{again.ID}, signon.SignatureRejected, "", reviewNow, a.ID); err != nil {
					t.Fatal(err)
				}
				if err := db.DecideSignatures(ctx, st.ID, []int64{spam.ID}, signon.SignatureApproved, "", reviewNow, a.ID); err != nil {
					t.Fatal(err)
				}
				if s := signatureOf(t, db, st, spam.ID); s.Status != signon.SignatureApproved || s.RejectionReason != "" {
					t.Errorf("reconsidered: %s %q", s.Status, s.RejectionReason)
				}
			})

			t.Run("Invalid", func(t *testing.T) {
				wantCode(t, db.DecideSignatures(ctx, st.ID, nil, signon.SignatureApproved, "", reviewNow, a.ID), signon.EINVALID)
				wantCode(t, db.DecideSignatures(ctx, st.ID, []int64{p1.ID}, signon.SignatureWithdrawn, "", reviewNow, a.ID), signon.EINVALID)
				err := db.DecideSignatures(ctx, st.ID, []int64{p1.ID}, signon.SignatureRejected, strings.Repeat("x", 501), reviewNow, a.ID)
				wantCode(t, err, signon.EINVALID)
				if s := signatureOf(t, db, st, p1.ID); s.Status != signon.SignatureApproved {
					t.Errorf("signature is %s after a refused rejection", s.Status)
				}
			})

			t.Run("Published", func(t *testing.T) {
				pub := transition(t, db, createStatement(t, db, a.ID, "published"), reviewNow, signon.ActionOpen)
				s := createSignature(t, db, pub.ID, "Late Org", "US-TX", signon.SignaturePending)
				transition(t, db, pub, reviewNow, signon.ActionClose, signon.ActionPublish)
				err := db.DecideSignatures(ctx, pub.ID, []int64{s.ID}, signon.SignatureApproved, "", reviewNow, a.ID)
				if signon.ErrorKey(err) != "error.published_signatures" {
					t.Fatalf("err = %v, want error.published_signatures", err)
				}
				if got := signatureOf(t, db, pub, s.ID); got.Status != signon.SignaturePending {
					t.Errorf("signature of a published statement is %s", got.Status)
				}
			})
		})
	}
}

func TestReviewService_UpdateSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			casa := createSignature(t, db, st.ID, "CASA", "US-MD", signon.SignaturePending)
			other := createSignature(t, db, st.ID, "Casa de Maryland", "US-MD", signon.SignatureApproved)

			edit := signon.EditOf(casa)
			edit.Organization, edit.City, edit.Region = "CASA Baltimore", "Baltimore", "us-md"
			got, err := db.UpdateSignature(ctx, st.ID, casa.ID, edit, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored := signatureOf(t, db, st, casa.ID)
			if stored.Organization != "CASA Baltimore" || stored.OrgKey != "casabaltimore" || stored.City != "Baltimore" ||
				stored.Region != "US-MD" || stored.Email != casa.Email || stored.Status != signon.SignaturePending {
				t.Errorf("stored %+v", stored)
			}
			if got.Organization != stored.Organization || !got.UpdatedAt.Equal(stored.UpdatedAt) {
				t.Errorf("returned %+v, stored %+v", got, stored)
			}
			evs := events(t, db, st)
			wantEvent := fmt.Sprintf(`signature.update #%d by %d: [{"field":"organization","from":"CASA","to":"CASA Baltimore"},{"field":"city","from":"El Paso","to":"Baltimore"}]`, casa.ID, a.ID)
			if evs[len(evs)-1] != wantEvent {
				t.Errorf("event %q, want %q", evs[len(evs)-1], wantEvent)
			}

			t.Run("Unchanged", func(t *testing.T) {
				before := len(events(t, db, st))
				if _, err := db.UpdateSignature(ctx, st.ID, casa.ID, signon.EditOf(stored), a.ID); err != nil {
					t.Fatal(err)
				}
				if n := len(events(t, db, st)); n != before {
					t.Errorf("an edit that changes nothing recorded an event")
				}
			})

			t.Run("Collision", func(t *testing.T) {
				edit := signon.EditOf(stored)
				edit.Organization = "CASA de Maryland, Inc."
				_, err := db.UpdateSignature(ctx, st.ID, casa.ID, edit, a.ID)
				if !errors.Is(err, signon.ErrOrganizationTaken) || signon.ErrorFields(err)["organization"].Code != signon.ProblemTaken {
					t.Fatalf("err = %v, want review.error.org_taken", err)
				}
				if s := signatureOf(t, db, st, casa.ID); s.Organization != "CASA Baltimore" {
					t.Errorf("organization is %q after a refused edit", s.Organization)
				}
				standing, err := db.StandingSignatures(ctx, st.ID, []string{signon.OrganizationKey(edit.Organization), "nobody"})
				if err != nil || len(standing) != 1 || standing[other.OrgKey].ID != other.ID {
					t.Errorf("StandingSignatures = %v, %v; want the other signature", standing, err)
				}
			})

			t.Run("InvalidAndMissing", func(t *testing.T) {
				bad := signon.EditOf(stored)
				bad.SignerName = ""
				_, err := db.UpdateSignature(ctx, st.ID, casa.ID, bad, a.ID)
				wantCode(t, err, signon.EINVALID)
				otherSt := createStatement(t, db, a.ID, "another")
				_, err = db.UpdateSignature(ctx, otherSt.ID, casa.ID, signon.EditOf(stored), a.ID)
				wantCode(t, err, signon.ENOTFOUND)
			})

			t.Run("BySigner", func(t *testing.T) {
				edit := signon.EditOf(stored)
				edit.SignerTitle = "Coordinadora"
				if _, err := db.UpdateSignature(ctx, st.ID, casa.ID, edit, 0); err != nil {
					t.Fatal(err)
				}
				evs := events(t, db, st)
				if want := fmt.Sprintf("signature.update #%d: ", casa.ID); !strings.HasPrefix(evs[len(evs)-1], want) {
					t.Errorf("event %q, want one without an account", evs[len(evs)-1])
				}
			})

			t.Run("Published", func(t *testing.T) {
				transition(t, db, st, reviewNow, signon.ActionClose, signon.ActionPublish)
				edit := signon.EditOf(stored)
				edit.City = "Silver Spring"
				_, err := db.UpdateSignature(ctx, st.ID, casa.ID, edit, a.ID)
				if signon.ErrorKey(err) != "error.published_signatures" {
					t.Fatalf("err = %v, want error.published_signatures", err)
				}
			})
		})
	}
}

func TestReviewService_MergeSignatures(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			member := createMember(t, db, "CASA")
			keep := newSignature(st.ID, "CASA de Maryland", "US-MD")
			keep.City, keep.Website = "", ""
			if err := db.CreateSignature(ctx, keep, nil); err != nil {
				t.Fatal(err)
			}
			dup := newSignature(st.ID, "CASA", "US-MD")
			dup.City, dup.Website, dup.MemberID = "Hyattsville", "https://wearecasa.org", &member.ID
			if err := db.CreateSignature(ctx, dup, nil); err != nil {
				t.Fatal(err)
			}

			if err := db.MergeSignatures(ctx, st.ID, keep.ID, dup.ID, true, a.ID); err != nil {
				t.Fatal(err)
			}
			merged := signatureOf(t, db, st, dup.ID)
			if merged.Status != signon.SignatureRejected || merged.RejectionReason != signon.ReasonMerged ||
				merged.MergedIntoID == nil || *merged.MergedIntoID != keep.ID || merged.RejectedAt == nil {
				t.Errorf("merged signature: %+v", merged)
			}
			kept := signatureOf(t, db, st, keep.ID)
			if kept.Status != signon.SignatureApproved || kept.Organization != "CASA de Maryland" || kept.City != "Hyattsville" ||
				kept.Website != "https://wearecasa.org" || kept.SignerTitle != "Directora" || kept.MemberID == nil || *kept.MemberID != member.ID {
				t.Errorf("kept signature: %+v", kept)
			}
			evs := events(t, db, st)
			want := fmt.Sprintf(`signature.merge #%d by %d: {"kept":%d,"kept_name":"CASA de Maryland","merged":%d,"merged_name":"CASA","filled":["city","website"]}`,
				keep.ID, a.ID, keep.ID, dup.ID)
			if evs[len(evs)-1] != want {
				t.Errorf("event %q, want %q", evs[len(evs)-1], want)
			}

			t.Run("Refused", func(t *testing.T) {
				third := createSignature(t, db, st.ID, "CASA Inc Third", "US-MD", signon.SignaturePending)
				before := len(events(t, db, st))
				for _, tt := range []struct {
					name         string
					keep, merged int64
					code         string
				}{
					{"AlreadyMerged", keep.ID, dup.ID, signon.ECONFLICT},
					{"Same", third.ID, third.ID, signon.EINVALID},
					{"KeepRejected", dup.ID, third.ID, signon.ECONFLICT},
					{"Missing", keep.ID, third.ID + 1000, signon.ENOTFOUND},
				} {
					t.Run(tt.name, func(t *testing.T) {
						wantCode(t, db.MergeSignatures(ctx, st.ID, tt.keep, tt.merged, false, a.ID), tt.code)
					})
				}
				if s := signatureOf(t, db, st, third.ID); s.Status != signon.SignaturePending || s.MergedIntoID != nil {
					t.Errorf("refused merges changed %+v", s)
				}
				if n := len(events(t, db, st)); n != before {
					t.Errorf("refused merges recorded events")
				}
				transition(t, db, st, reviewNow, signon.ActionClose, signon.ActionPublish)
				if err := db.MergeSignatures(ctx, st.ID, keep.ID, third.ID, false, a.ID); signon.ErrorKey(err) != "error.published_signatures" {
					t.Errorf("merge on a published statement = %v", err)
				}
			})
		})
	}
}

// vouched is a validated signature of st from org, as the add form or an
// import row gives it.
func vouched(t *testing.T, st *signon.Statement, org string) *signon.Signature {
	t.Helper()
	sig, err := signon.SignatureInput{Organization: org, SignerName: "Eva Ruiz", Email: "eva@example.org", Country: "US", Region: "US-NM"}.Validate(st)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestReviewService_AddSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			member := createMember(t, db, "Red de Apoyo, Inc.")
			sig := vouched(t, st, "Red de Apoyo")
			if err := db.AddSignature(ctx, sig, a.ID); err != nil {
				t.Fatal(err)
			}
			got := signatureOf(t, db, st, sig.ID)
			if got.Status != signon.SignatureApproved || got.Source != signon.SourceManual || got.ApprovedAt == nil ||
				got.MemberID == nil || *got.MemberID != member.ID {
				t.Errorf("added %+v", got)
			}
			evs := events(t, db, st)
			if want := fmt.Sprintf("signature.add #%d by %d: approved", sig.ID, a.ID); evs[len(evs)-1] != want {
				t.Errorf("event %q, want %q", evs[len(evs)-1], want)
			}

			again := vouched(t, st, "RED DE APOYO")
			if err := db.AddSignature(ctx, again, a.ID); !errors.Is(err, signon.ErrAlreadySigned) {
				t.Fatalf("second signature = %v, want error.already_signed", err)
			}
			if again.ID != 0 {
				t.Errorf("refused signature kept id %d", again.ID)
			}
			transition(t, db, st, reviewNow, signon.ActionClose)
			if err := db.AddSignature(ctx, vouched(t, st, "After Closing"), a.ID); err != nil {
				t.Errorf("adding to a closed statement = %v", err)
			}
			transition(t, db, st, reviewNow, signon.ActionPublish)
			if err := db.AddSignature(ctx, vouched(t, st, "Too Late"), a.ID); signon.ErrorKey(err) != "error.published_signatures" {
				t.Errorf("adding to a published statement = %v", err)
			}
		})
	}
}

func TestReviewService_ImportSignatures(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			var sigs []*signon.Signature
			for i := range 450 { // more than one batch
				sigs = append(sigs, vouched(t, st, fmt.Sprintf("Imported Org %d", i)))
			}
			if err := db.ImportSignatures(ctx, st.ID, sigs, a.ID); err != nil {
				t.Fatal(err)
			}
			if n := countSignatures(t, db, st); n != 450 {
				t.Errorf("%d signatures, want 450", n)
			}
			got := signatureOf(t, db, st, sigs[449].ID)
			if got.Status != signon.SignatureApproved || got.Source != signon.SourceImport || got.Organization != "Imported Org 449" {
				t.Errorf("imported %+v", got)
			}
			evs := events(t, db, st)
			if want := fmt.Sprintf("signature.import by %d: 450", a.ID); evs[len(evs)-1] != want {
				t.Errorf("event %q, want %q", evs[len(evs)-1], want)
			}

			t.Run("RollbackOnALateFailure", func(t *testing.T) {
				before, beforeEvents := countSignatures(t, db, st), len(events(t, db, st))
				var more []*signon.Signature
				for i := range 300 {
					more = append(more, vouched(t, st, fmt.Sprintf("Second File Org %d", i)))
				}
				// The last row's organization signed since the preview.
				more = append(more, vouched(t, st, "imported org 7"))
				err := db.ImportSignatures(ctx, st.ID, more, a.ID)
				if !errors.Is(err, signon.ErrAlreadySigned) {
					t.Fatalf("err = %v, want error.already_signed", err)
				}
				if n := countSignatures(t, db, st); n != before {
					t.Errorf("%d signatures after a failed import, want %d", n, before)
				}
				if n := len(events(t, db, st)); n != beforeEvents {
					t.Errorf("a failed import recorded events")
				}
			})

			t.Run("Published", func(t *testing.T) {
				wantCode(t, db.ImportSignatures(ctx, st.ID, nil, a.ID), signon.EINVALID)
				transition(t, db, st, reviewNow, signon.ActionClose, signon.ActionPublish)
				err := db.ImportSignatures(ctx, st.ID, []*signon.Signature{vouched(t, st, "Late")}, a.ID)
				if signon.ErrorKey(err) != "error.published_signatures" {
					t.Errorf("import into a published statement = %v", err)
				}
			})
		})
	}
}

func TestReviewService_Lookups(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			member := createMember(t, db, "Frontera Unida")
			fu := newSignature(st.ID, "Frontera Unida", "US-TX")
			fu.MemberID = &member.ID
			if err := db.CreateSignature(ctx, fu, nil); err != nil {
				t.Fatal(err)
			}
			other := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
			person := createPerson(t, db, st.ID, "Luz Gómez", "", "US-TX")
			foreign := createSignature(t, db, createStatement(t, db, a.ID, "other").ID, "Foreign", "US-TX", signon.SignatureApproved)

			names, err := db.SignatureNames(ctx, st.ID, []int64{fu.ID, person.ID, foreign.ID})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int64]string{fu.ID: "Frontera Unida", person.ID: "Luz Gómez"}; fmt.Sprint(names) != fmt.Sprint(want) {
				t.Errorf("SignatureNames = %v, want %v", names, want)
			}
			_, err = db.SignatureByID(ctx, st.ID, foreign.ID)
			wantCode(t, err, signon.ENOTFOUND)

			for _, tt := range []struct {
				member bool
				want   []int64
			}{{true, []int64{fu.ID}}, {false, []int64{other.ID, person.ID}}} {
				list, n, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Member: &tt.member})
				if err != nil {
					t.Fatal(err)
				}
				var ids []int64
				for _, s := range list {
					ids = append(ids, s.ID)
				}
				slices.Sort(ids)
				if !slices.Equal(ids, tt.want) || n != len(tt.want) {
					t.Errorf("Member %v: %v (%d), want %v", tt.member, ids, n, tt.want)
				}
			}
		})
	}
}
