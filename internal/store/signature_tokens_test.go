package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// openStatement stores a letter, adjusted by mutate, and opens it at t0.
func openStatement(t *testing.T, db *store.DB, slug string, mutate ...func(*signon.Statement)) *signon.Statement {
	t.Helper()
	a := createAccount(t, db, "")
	st := newStatement(slug)
	for _, f := range mutate {
		f(st)
	}
	if err := db.CreateStatement(context.Background(), st, a.ID); err != nil {
		t.Fatal(err)
	}
	st, err := db.TransitionStatement(context.Background(), st.ID, signon.ActionOpen, nil, t0, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

var tokenSeq int

// signerLinks are a confirm and a manage token made at t0, and the
// confirmation email that carries them.
func signerLinks(to string) (confirm, manage string, tokens []*signon.SignatureToken, e *signon.Email) {
	tokenSeq++
	confirm, manage = fmt.Sprintf("confirm-hash-%d", tokenSeq), fmt.Sprintf("manage-hash-%d", tokenSeq)
	tokens = []*signon.SignatureToken{
		signon.NewSignatureToken(confirm, signon.TokenConfirm, t0),
		signon.NewSignatureToken(manage, signon.TokenManage, t0),
	}
	e = &signon.Email{Kind: signon.EmailConfirm, ToAddress: to, Language: "es", Subject: "Confirma tu firma",
		TextBody: "Abre el enlace.\n", HTMLBody: "<p>Abre el enlace.</p>"}
	return confirm, manage, tokens, e
}

// createUnconfirmed stores a signature of org awaiting confirmation, with
// its links and email, and returns it with its confirm and manage hashes.
func createUnconfirmed(t *testing.T, db *store.DB, statementID int64, org string) (*signon.Signature, string, string) {
	t.Helper()
	sig := newSignature(statementID, org, "US-TX")
	sig.Status = signon.SignatureUnconfirmed
	confirm, manage, tokens, e := signerLinks(sig.Email)
	if err := db.CreateSignature(context.Background(), sig, tokens, e); err != nil {
		t.Fatal(err)
	}
	return sig, confirm, manage
}

func TestSignerService_CreateSignatureWithLinks(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			st := openStatement(t, db, "letter", func(s *signon.Statement) { s.RequireConfirmation = true })
			counts := func() (emails, jobs, tokens int) {
				return storetest.Count(t, url, "SELECT count(*) FROM emails"),
					storetest.Count(t, url, "SELECT count(*) FROM river_job"),
					storetest.Count(t, url, "SELECT count(*) FROM signature_tokens")
			}

			sig, confirm, manage := createUnconfirmed(t, db, st.ID, "Casa de la Raza")
			if e, j, k := counts(); e != 1 || j != 1 || k != 2 {
				t.Fatalf("after a signature: %d emails, %d jobs, %d tokens; want 1, 1, 2", e, j, k)
			}
			list, _, err := db.Emails(ctx, signon.EmailFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if e := list[0]; e.SignatureID == nil || *e.SignatureID != sig.ID || e.StatementID == nil || *e.StatementID != st.ID {
				t.Errorf("email = %+v, want it tied to signature %d of statement %d", e, sig.ID, st.ID)
			}
			for _, tc := range []struct {
				hash    string
				purpose signon.TokenPurpose
			}{{confirm, signon.TokenConfirm}, {manage, signon.TokenManage}} {
				got, err := db.SignatureByToken(ctx, tc.hash, tc.purpose, t0)
				if err != nil || got.ID != sig.ID {
					t.Errorf("SignatureByToken(%s) = %v, %v; want signature %d", tc.purpose, got, err, sig.ID)
				}
			}
			// A link is good only for its own purpose.
			if _, err := db.SignatureByToken(ctx, manage, signon.TokenConfirm, t0); !errors.Is(err, signon.ErrInvalidLink) {
				t.Errorf("manage hash as a confirm link = %v, want the invalid link", err)
			}

			t.Run("DuplicateRollsBack", func(t *testing.T) {
				dup := newSignature(st.ID, "CASA DE LA RAZA", "US-TX")
				dup.Status = signon.SignatureUnconfirmed
				_, _, tokens, e := signerLinks("other@example.org")
				if err := db.CreateSignature(ctx, dup, tokens, e); !errors.Is(err, signon.ErrAlreadySigned) {
					t.Fatalf("duplicate = %v, want already signed", err)
				}
				if e, j, k := counts(); e != 1 || j != 1 || k != 2 {
					t.Errorf("after a refused duplicate: %d emails, %d jobs, %d tokens; want 1, 1, 2 as before", e, j, k)
				}
			})

			t.Run("Listed", func(t *testing.T) {
				if listed, err := db.SignatureListed(ctx, st.ID, sig.OrgKey); err != nil || listed {
					t.Errorf("SignatureListed() of an unconfirmed signature = %v, %v; want false", listed, err)
				}
				createSignature(t, db, st.ID, "Frontera Unida", "US-TX", signon.SignatureApproved)
				if listed, err := db.SignatureListed(ctx, st.ID, signon.OrganizationKey("Frontera Unida")); err != nil || !listed {
					t.Errorf("SignatureListed() of an approved signature = %v, %v; want true", listed, err)
				}
			})
		})
	}
}

func TestSignatureService_CreateSignatureLinksMember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			st := openStatement(t, db, "letter")
			m := createMember(t, db, "Casa Latina")

			named := newSignature(st.ID, "CASA LATINA, Inc.", "US-TX")
			if err := db.CreateSignature(ctx, named, nil); err != nil {
				t.Fatal(err)
			}
			if named.MemberID == nil || *named.MemberID != m.ID {
				t.Errorf("MemberID of a member's name = %v, want %d", named.MemberID, m.ID)
			}
			got, err := db.SignatureByID(ctx, st.ID, named.ID)
			if err != nil || got.MemberID == nil || *got.MemberID != m.ID {
				t.Errorf("stored MemberID = %+v, %v; want %d", got, err, m.ID)
			}
			other := newSignature(st.ID, "Frontera Unida", "US-TX")
			if err := db.CreateSignature(ctx, other, nil); err != nil || other.MemberID != nil {
				t.Errorf("MemberID of a name off the roster = %v, %v; want nil", other.MemberID, err)
			}
		})
	}
}

func TestSignerService_ConfirmSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)

			t.Run("ApprovedOnce", func(t *testing.T) {
				st := openStatement(t, db, "approved", func(s *signon.Statement) { s.RequireConfirmation = true })
				sig, confirm, manage := createUnconfirmed(t, db, st.ID, "Casa")
				at := t0.Add(time.Hour)
				got, err := db.ConfirmSignature(ctx, confirm, at)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != signon.SignatureApproved || got.ConfirmedAt == nil || !got.ConfirmedAt.Equal(stored(at)) || got.ApprovedAt == nil {
					t.Errorf("confirmed = %s, confirmed %v, approved %v; want approved at %v", got.Status, got.ConfirmedAt, got.ApprovedAt, stored(at))
				}
				if stats, _ := db.SignatureStats(ctx, st.ID); stats.Total != 1 {
					t.Errorf("count after confirming = %d, want 1", stats.Total)
				}
				events, err := db.StatementEvents(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				if e := events[0]; e.Action != "signature.confirm" || e.AccountID != nil || *e.SignatureID != sig.ID || e.Detail != "unconfirmed → approved" {
					t.Errorf("last event = %+v, want signature.confirm without an account", e)
				}
				// Single use.
				if _, err := db.ConfirmSignature(ctx, confirm, at); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("second confirmation = %v, want the invalid link", err)
				}
				if _, err := db.SignatureByToken(ctx, confirm, signon.TokenConfirm, at); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("used link read = %v, want the invalid link", err)
				}
				// The manage link still works.
				if _, err := db.SignatureByToken(ctx, manage, signon.TokenManage, at); err != nil {
					t.Errorf("manage link after confirming = %v", err)
				}
			})

			t.Run("PendingUnderReview", func(t *testing.T) {
				st := openStatement(t, db, "pending", func(s *signon.Statement) {
					s.RequireConfirmation, s.Approval = true, signon.ApprovalAll
				})
				_, confirm, _ := createUnconfirmed(t, db, st.ID, "Casa")
				got, err := db.ConfirmSignature(ctx, confirm, t0)
				if err != nil || got.Status != signon.SignaturePending || got.ApprovedAt != nil {
					t.Errorf("confirmed = %+v, %v; want pending", got, err)
				}
			})

			t.Run("NameOfMemberIsNotMember", func(t *testing.T) {
				// Linked to the roster by the name typed, not signed
				// through the member's invitation: a non-member's review.
				st := openStatement(t, db, "member-name", func(s *signon.Statement) {
					s.RequireConfirmation, s.Approval = true, signon.ApprovalNonMembers
				})
				m := createMember(t, db, "Frontera Unida")
				sig := newSignature(st.ID, "Frontera Unida", "US-TX")
				sig.Status, sig.MemberID = signon.SignatureUnconfirmed, &m.ID
				confirm, _, tokens, e := signerLinks(sig.Email)
				if err := db.CreateSignature(ctx, sig, tokens, e); err != nil {
					t.Fatal(err)
				}
				got, err := db.ConfirmSignature(ctx, confirm, t0)
				if err != nil || got.Status != signon.SignaturePending || got.ApprovedAt != nil {
					t.Errorf("confirmed = %+v, %v; want pending", got, err)
				}
			})

			t.Run("Expired", func(t *testing.T) {
				st := openStatement(t, db, "expired", func(s *signon.Statement) { s.RequireConfirmation = true })
				sig, confirm, _ := createUnconfirmed(t, db, st.ID, "Casa")
				late := t0.Add(signon.ConfirmTokenLifetime)
				if _, err := db.SignatureByToken(ctx, confirm, signon.TokenConfirm, late); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("expired link read = %v, want the invalid link", err)
				}
				if _, err := db.ConfirmSignature(ctx, confirm, late); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("expired link = %v, want the invalid link", err)
				}
				if _, err := db.ConfirmSignature(ctx, "no-such-hash", t0); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("unknown link = %v, want the invalid link", err)
				}
				list, _ := db.UnconfirmedSignatures(ctx, sig.Email, st.ID)
				if len(list) != 1 || list[0].ID != sig.ID {
					t.Errorf("still unconfirmed: %v, want signature %d", list, sig.ID)
				}
			})

			t.Run("StatementClosed", func(t *testing.T) {
				st := openStatement(t, db, "closed", func(s *signon.Statement) { s.RequireConfirmation = true })
				_, confirm, _ := createUnconfirmed(t, db, st.ID, "Casa")
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, t0.Add(time.Hour), 0); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ConfirmSignature(ctx, confirm, t0.Add(2*time.Hour)); !errors.Is(err, signon.ErrConfirmClosed) {
					t.Errorf("confirming on a closed statement = %v, want confirm.error.closed", err)
				}
				// Nothing was used up: were it reopened, the link would work.
				if _, err := db.SignatureByToken(ctx, confirm, signon.TokenConfirm, t0.Add(2*time.Hour)); err != nil {
					t.Errorf("link after a refused confirmation = %v, want it still good", err)
				}
			})
		})
	}
}

func TestSignerService_ResendConfirmation(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			st := openStatement(t, db, "letter", func(s *signon.Statement) { s.RequireConfirmation = true })
			sig, first, _ := createUnconfirmed(t, db, st.ID, "Casa")
			other, _, _ := createUnconfirmed(t, db, st.ID, "Otra Casa")

			list, err := db.UnconfirmedSignatures(ctx, "MARIA@example.org ", st.ID)
			if err != nil || len(list) != 2 || list[0].ID != sig.ID || list[1].ID != other.ID {
				t.Fatalf("UnconfirmedSignatures() = %v, %v; want both, the address's case ignored", list, err)
			}
			if list, _ := db.UnconfirmedSignatures(ctx, "nadie@example.org", 0); len(list) != 0 {
				t.Errorf("UnconfirmedSignatures() of another address = %v, want none", list)
			}

			previous := first
			// The first email counts: two more may go within the window.
			for i := range signon.ConfirmEmailsPerWindow - 1 {
				confirm, _, tokens, e := signerLinks(sig.Email)
				sent, err := db.ResendConfirmation(ctx, sig.ID, tokens, e)
				if err != nil || !sent {
					t.Fatalf("resend %d = %v, %v; want sent", i+1, sent, err)
				}
				if _, err := db.SignatureByToken(ctx, previous, signon.TokenConfirm, t0); !errors.Is(err, signon.ErrInvalidLink) {
					t.Errorf("resend %d: the previous link = %v, want it no longer valid", i+1, err)
				}
				if _, err := db.SignatureByToken(ctx, confirm, signon.TokenConfirm, t0); err != nil {
					t.Errorf("resend %d: the new link = %v", i+1, err)
				}
				previous = confirm
			}
			emailsBefore := storetest.Count(t, url, "SELECT count(*) FROM emails")
			_, _, tokens, e := signerLinks(sig.Email)
			sent, err := db.ResendConfirmation(ctx, sig.ID, tokens, e)
			if err != nil || sent {
				t.Errorf("resend over the limit = %v, %v; want not sent", sent, err)
			}
			if n := storetest.Count(t, url, "SELECT count(*) FROM emails"); n != emailsBefore {
				t.Errorf("emails after a refused resend = %d, want %d", n, emailsBefore)
			}
			if _, err := db.SignatureByToken(ctx, previous, signon.TokenConfirm, t0); err != nil {
				t.Errorf("a refused resend broke the last good link: %v", err)
			}
			// The limit is per signature.
			_, _, tokens, e = signerLinks(other.Email)
			if sent, err := db.ResendConfirmation(ctx, other.ID, tokens, e); err != nil || !sent {
				t.Errorf("resend to another signature = %v, %v; want sent", sent, err)
			}
			// A confirmed signature gets no more confirmations.
			if _, err := db.ConfirmSignature(ctx, previous, t0); err != nil {
				t.Fatal(err)
			}
			_, _, tokens, e = signerLinks(other.Email)
			if sent, err := db.ResendConfirmation(ctx, sig.ID, tokens, e); err != nil || sent {
				t.Errorf("resend to a confirmed signature = %v, %v; want not sent", sent, err)
			}
		})
	}
}

func TestSignerService_UpdateSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")

			// A rejection or a close made while the signer typed is not
			// overwritten by the signer's correction; a coordinator's
			// correction of a rejected signature still goes through.
			t.Run("SignerOnlyWhileStanding", func(t *testing.T) {
				st := openStatement(t, db, "standing")
				rejected := createSignature(t, db, st.ID, "Casa Rechazada", "US-TX", signon.SignatureRejected)
				edit := signon.EditOf(rejected)
				edit.City = "Austin"
				if _, err := db.UpdateSignature(ctx, st.ID, rejected.ID, edit, 0); !errors.Is(err, signon.ErrSignatureClosed) {
					t.Errorf("signer's correction of a rejected signature = %v, want my.error.closed", err)
				}
				if _, err := db.UpdateSignature(ctx, st.ID, rejected.ID, edit, a.ID); err != nil {
					t.Errorf("coordinator's correction of a rejected signature = %v", err)
				}
				approved := createSignature(t, db, st.ID, "Casa Abierta", "US-TX", signon.SignatureApproved)
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionClose, nil, t0.Add(time.Hour), a.ID); err != nil {
					t.Fatal(err)
				}
				edit = signon.EditOf(approved)
				edit.City = "Austin"
				if _, err := db.UpdateSignature(ctx, st.ID, approved.ID, edit, 0); !errors.Is(err, signon.ErrSignatureClosed) {
					t.Errorf("signer's correction after the close = %v, want my.error.closed", err)
				}
			})

			t.Run("Corrects", func(t *testing.T) {
				st := openStatement(t, db, "corrects")
				sig := createSignature(t, db, st.ID, "Casa de la Raza", "US-TX", signon.SignatureApproved)
				edit := signon.EditOf(sig)
				edit.Organization, edit.City, edit.Region = "  Casa de la  Raza Norte ", "Austin", "us-tx"
				got, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0)
				if err != nil {
					t.Fatal(err)
				}
				if got.Organization != "Casa de la Raza Norte" || got.OrgKey != signon.OrganizationKey("Casa de la Raza Norte") ||
					got.City != "Austin" || got.Region != "US-TX" || got.Status != signon.SignatureApproved {
					t.Errorf("updated = %+v", got)
				}
				list, _, _ := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
				if len(list) != 1 || list[0].Organization != "Casa de la Raza Norte" || list[0].City != "Austin" {
					t.Errorf("stored = %+v", list)
				}
				events, _ := db.StatementEvents(ctx, st.ID)
				changes, ok := signon.DecodeChanges(events[0].Detail)
				if events[0].Action != "signature.update" || events[0].AccountID != nil || !ok || len(changes) != 2 ||
					changes[0] != (signon.FieldChange{Field: "organization", From: "Casa de la Raza", To: "Casa de la Raza Norte"}) ||
					changes[1] != (signon.FieldChange{Field: "city", From: "El Paso", To: "Austin"}) {
					t.Errorf("event = %+v, want signature.update with the two changes", events[0])
				}
				// Nothing changed, nothing recorded.
				if _, err := db.UpdateSignature(ctx, st.ID, sig.ID, signon.EditOf(got), 0); err != nil {
					t.Fatal(err)
				}
				if again, _ := db.StatementEvents(ctx, st.ID); len(again) != len(events) {
					t.Errorf("an edit changing nothing recorded %d events, want none", len(again)-len(events))
				}
			})

			t.Run("Invalid", func(t *testing.T) {
				st := openStatement(t, db, "invalid")
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
				edit := signon.EditOf(sig)
				edit.SignerName, edit.Website = "", "not a site"
				_, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0)
				fields := signon.ErrorFields(err)
				if signon.ErrorCode(err) != signon.EINVALID || fields["signer_name"].Code != signon.ProblemRequired || fields["website"].Code != signon.ProblemInvalidURL {
					t.Errorf("invalid edit = %v (%v)", err, fields)
				}
				list, _, _ := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
				if list[0].SignerName != sig.SignerName {
					t.Errorf("a refused edit changed the signature: %+v", list[0])
				}
			})

			t.Run("OrganizationTaken", func(t *testing.T) {
				st := openStatement(t, db, "taken")
				createSignature(t, db, st.ID, "Frontera Unida", "US-TX", signon.SignaturePending)
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
				edit := signon.EditOf(sig)
				edit.Organization = "Frontera Unida, Inc."
				_, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0)
				if signon.ErrorCode(err) != signon.ECONFLICT || signon.ErrorFields(err)["organization"].Code != signon.ProblemTaken {
					t.Errorf("edit to a name taken = %v, want ECONFLICT on organization", err)
				}
			})

			t.Run("SignerRenamingGoesBackToReview", func(t *testing.T) {
				st := openStatement(t, db, "review", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
				edit := signon.EditOf(sig)
				// Any correction of what a coordinator reviewed is reviewed again.
				edit.City = "Austin"
				if got, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0); err != nil || got.Status != signon.SignaturePending {
					t.Errorf("signer's edit of the city = %v, %v; want pending", got, err)
				}
				if err := db.DecideSignatures(ctx, st.ID, []int64{sig.ID}, signon.SignatureApproved, "", time.Now(), a.ID); err != nil {
					t.Fatal(err)
				}
				edit.Organization = "Casa Nueva"
				got, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0)
				if err != nil || got.Status != signon.SignaturePending || got.ApprovedAt != nil {
					t.Fatalf("signer's rename = %+v, %v; want pending", got, err)
				}
				if stats, _ := db.SignatureStats(ctx, st.ID); stats.Total != 0 {
					t.Errorf("count after the rename = %d, want 0 until reviewed", stats.Total)
				}
				// A coordinator's correction is itself a review.
				other := createSignature(t, db, st.ID, "Frontera", "US-TX", signon.SignatureApproved)
				edit = signon.EditOf(other)
				edit.Organization = "Frontera Unida"
				if got, err := db.UpdateSignature(ctx, st.ID, other.ID, edit, a.ID); err != nil || got.Status != signon.SignatureApproved {
					t.Errorf("coordinator's rename = %v, %v; want still approved", got, err)
				}
			})

			t.Run("Published", func(t *testing.T) {
				st := openStatement(t, db, "published")
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
				for _, action := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
					if _, err := db.TransitionStatement(ctx, st.ID, action, nil, t0.Add(time.Hour), a.ID); err != nil {
						t.Fatal(err)
					}
				}
				edit := signon.EditOf(sig)
				edit.City = "Austin"
				if _, err := db.UpdateSignature(ctx, st.ID, sig.ID, edit, 0); signon.ErrorCode(err) != signon.ECONFLICT {
					t.Errorf("edit of a published statement's signature = %v, want ECONFLICT", err)
				}
			})
		})
	}
}

func TestSignerService_Withdraw(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			st := openStatement(t, db, "letter")
			sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
			createSignature(t, db, st.ID, "Frontera", "US-TX", signon.SignatureApproved)
			if err := db.SetSignatureStatus(ctx, st.ID, sig.ID, signon.SignatureWithdrawn, t0, 0); err != nil {
				t.Fatal(err)
			}
			stats, _ := db.SignatureStats(ctx, st.ID)
			list, total, _ := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
			if stats.Total != 1 || total != 1 || list[0].Organization != "Frontera" {
				t.Errorf("after withdrawing: count %d, list %d; want only Frontera", stats.Total, total)
			}
			events, _ := db.StatementEvents(ctx, st.ID)
			if e := events[0]; e.Action != "signature.withdraw" || e.AccountID != nil {
				t.Errorf("event = %+v, want signature.withdraw without an account", e)
			}
			// The organization may sign again.
			createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
		})
	}
}

func TestSignerService_DeleteExpiredTokens(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			st := openStatement(t, db, "expiring", func(s *signon.Statement) { s.RequireConfirmation = true })
			_, confirm, manage := createUnconfirmed(t, db, st.ID, "Casa")
			// A week on, the confirmation link has expired; the private
			// page's has not.
			at := t0.Add(signon.ConfirmTokenLifetime)
			n, err := db.DeleteExpiredTokens(ctx, at)
			if err != nil || n != 1 {
				t.Fatalf("DeleteExpiredTokens = %d, %v; want the confirmation link", n, err)
			}
			if got := storetest.Count(t, url, "SELECT count(*) FROM signature_tokens"); got != 1 {
				t.Errorf("%d links left, want 1", got)
			}
			if _, err := db.SignatureByToken(ctx, manage, signon.TokenManage, at); err != nil {
				t.Errorf("private page's link after clean-up: %v", err)
			}
			if _, err := db.SignatureByToken(ctx, confirm, signon.TokenConfirm, t0); !errors.Is(err, signon.ErrInvalidLink) {
				t.Errorf("deleted confirmation link read = %v, want the invalid link", err)
			}
		})
	}
}
