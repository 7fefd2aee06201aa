package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

var _ signon.ReviewService = (*DB)(nil)

// standingStatuses are the statuses in which a signature stands for its
// organization (signon.SignatureStatus.Active), as the partial unique
// index signatures_active_org_key lists them.
var standingStatuses = []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved}

// inChunk is how many values one IN list carries, well below what either
// database accepts in one statement.
const inChunk = 500

// SignatureByID returns signature id of statement statementID.
func (db *DB) SignatureByID(ctx context.Context, statementID, id int64) (*signon.Signature, error) {
	var sig signon.Signature
	err := db.read.WithContext(ctx).Where("id = ? AND statement_id = ?", id, statementID).Take(&sig).Error
	if err != nil {
		return nil, notFound(err, "Signature not found.")
	}
	normalizeSignature(&sig)
	return &sig, nil
}

// SignatureNames returns the name (signon.Signature.Name) of each
// signature of the statement among ids; ids of other statements or of
// signatures removed are left out.
func (db *DB) SignatureNames(ctx context.Context, statementID int64, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	for chunk := range slices.Chunk(ids, inChunk) {
		var rows []signon.Signature
		err := db.read.WithContext(ctx).Select("id, organization, signer_name").
			Where("statement_id = ? AND id IN ?", statementID, chunk).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("store: names of signatures of statement %d: %w", statementID, err)
		}
		for i := range rows {
			out[rows[i].ID] = rows[i].Name()
		}
	}
	return out, nil
}

// StandingSignatures returns, by organization key, the standing
// signatures of the statement whose key is among keys.
func (db *DB) StandingSignatures(ctx context.Context, statementID int64, keys []string) (map[string]*signon.Signature, error) {
	return standingSignatures(db.read.WithContext(ctx), statementID, keys)
}

func standingSignatures(tx *gorm.DB, statementID int64, keys []string) (map[string]*signon.Signature, error) {
	out := map[string]*signon.Signature{}
	for chunk := range slices.Chunk(keys, inChunk) {
		var list []*signon.Signature
		err := tx.Where("statement_id = ? AND org_key IN ? AND status IN ?", statementID, chunk, standingStatuses).
			Find(&list).Error
		if err != nil {
			return nil, fmt.Errorf("store: standing signatures of statement %d: %w", statementID, err)
		}
		for _, s := range list {
			normalizeSignature(s)
			out[s.OrgKey] = s
		}
	}
	return out, nil
}

// changeableStatement locks statement id for a change to its signatures,
// which a published statement refuses. The lock orders the change after
// a publish that has just sealed the list, or before one about to.
func (db *DB) changeableStatement(tx *gorm.DB, id int64) (*signon.Statement, error) {
	st, err := db.lockStatement(tx, id)
	if err != nil {
		return nil, err
	}
	return st, st.CheckSignaturesChangeable()
}

// DecideSignatures approves, or rejects with reason, every signature of
// ids at now, recording by, in one transaction. If any of them cannot be
// moved (not found, already there, withdrawn, or approving it would make
// a second standing signature of its organization), nothing changes and
// the error is a *signon.BulkError naming each one and why.
func (db *DB) DecideSignatures(ctx context.Context, statementID int64, ids []int64, to signon.SignatureStatus, reason string, now time.Time, by int64) error {
	reason, err := signon.CheckDecision(to, reason)
	if err != nil {
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return signon.KeyedError(signon.EINVALID, "review.error.none_selected", "Select at least one signature.")
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := db.changeableStatement(tx, statementID); err != nil {
			return err
		}
		var list []*signon.Signature
		if err := db.forUpdate(tx).Where("statement_id = ? AND id IN ?", statementID, ids).Find(&list).Error; err != nil {
			return fmt.Errorf("store: decide signatures: %w", err)
		}
		byID := map[int64]*signon.Signature{}
		for _, s := range list {
			byID[s.ID] = s
		}
		problems, err := decisionProblems(tx, statementID, ids, byID, to)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return &signon.BulkError{Problems: problems}
		}
		now = dbTime(now)
		updated := tx.NowFunc()
		for _, id := range ids {
			sig := byID[id]
			changes := map[string]any{"status": to, "updated_at": updated, "rejection_reason": reason}
			detail := string(sig.Status) + " → " + string(to)
			if to == signon.SignatureApproved {
				changes["approved_at"] = now
			} else {
				changes["rejected_at"] = now
				if reason != "" {
					detail += "\n" + reason
				}
			}
			if err := tx.Model(&signon.Signature{}).Where("id = ?", id).Updates(changes).Error; err != nil {
				if violates(err, uniqueActiveOrg) {
					return signon.ErrAlreadySigned
				}
				return fmt.Errorf("store: set signature %d to %s: %w", id, to, err)
			}
			err := createEvent(tx, &signon.Event{
				StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
				Action: signatureActions[to], Detail: detail,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// decisionProblems says which of ids cannot move to status to. An
// approval brings a rejected signature back to standing, which another
// standing signature of its organization, or another of the batch,
// forbids.
func decisionProblems(tx *gorm.DB, statementID int64, ids []int64, byID map[int64]*signon.Signature, to signon.SignatureStatus) ([]signon.BulkProblem, error) {
	var problems []signon.BulkProblem
	var returning []*signon.Signature // rejected signatures to approve
	for _, id := range ids {
		sig, ok := byID[id]
		switch {
		case !ok:
			problems = append(problems, signon.BulkProblem{SignatureID: id, Code: signon.BulkNotFound})
		case sig.Status == to:
			problems = append(problems, signon.BulkProblem{SignatureID: id, Name: sig.Name(), Status: sig.Status, Code: signon.BulkAlready})
		case !signon.CanDecide(sig.Status, to):
			problems = append(problems, signon.BulkProblem{SignatureID: id, Name: sig.Name(), Status: sig.Status, Code: signon.BulkNotAllowed})
		case !sig.Status.Active() && to == signon.SignatureApproved:
			returning = append(returning, sig)
		}
	}
	if len(returning) == 0 {
		return problems, nil
	}
	keys := make([]string, len(returning))
	for i, s := range returning {
		keys[i] = s.OrgKey
	}
	standing, err := standingSignatures(tx, statementID, keys)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for k := range standing {
		taken[k] = true
	}
	for _, sig := range returning {
		if taken[sig.OrgKey] {
			problems = append(problems, signon.BulkProblem{SignatureID: sig.ID, Name: sig.Name(), Status: sig.Status, Code: signon.BulkDuplicate})
		}
		taken[sig.OrgKey] = true
	}
	slices.SortFunc(problems, func(a, b signon.BulkProblem) int { return int(a.SignatureID - b.SignatureID) })
	return problems, nil
}

// UpdateSignature corrects the public fields of signature signatureID of
// statement statementID with edit, validated as the sign form validates,
// and records which fields changed from what to what; by is the
// coordinator, or 0 for the signer through a private link. A signer's
// correction is judged as a new signature would be
// (signon.SignerEdited): another organization is no member's by
// invitation, and an approved signature goes back to review where the
// statement reviews such signatures; a coordinator's correction is
// itself a review. A new organization name that another standing
// signature of the statement has is signon.ErrOrganizationTaken: the
// two are better merged. An edit that changes nothing records
// nothing. It returns the signature as stored.
func (db *DB) UpdateSignature(ctx context.Context, statementID, signatureID int64, edit signon.SignatureEdit, by int64) (*signon.Signature, error) {
	var sig signon.Signature
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := db.changeableStatement(tx, statementID)
		if err != nil {
			return err
		}
		if err := db.forUpdate(tx).Where("id = ? AND statement_id = ?", signatureID, statementID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		normalizeSignature(&sig)
		// The signer may change a standing signature of an open
		// statement only; checked here, under the locks, so a close or a
		// rejection made while the signer typed is not overwritten. (The
		// deadline is the caller's to check, on its clock.)
		if by == 0 && (st.Status != signon.StatusOpen || !sig.Status.Active()) {
			return signon.ErrSignatureClosed
		}
		oldKey := sig.OrgKey
		changes, err := edit.Apply(st, &sig)
		if err != nil || len(changes) == 0 {
			return err
		}
		// What the signature says changed: so may what it is flagged for.
		flags, err := db.SignatureFlags(ctx, &sig)
		if err != nil {
			return err
		}
		if flags != sig.Flags {
			changes = append(changes, signon.FieldChange{Field: "flags", From: string(sig.Flags), To: string(flags)})
			sig.Flags = flags
		}
		sig.UpdatedAt = tx.NowFunc()
		columns := map[string]any{
			"flags":        sig.Flags,
			"organization": sig.Organization,
			"org_key":      sig.OrgKey,
			"signer_name":  sig.SignerName,
			"signer_title": sig.SignerTitle,
			"city":         sig.City,
			"country":      sig.Country,
			"region":       sig.Region,
			"website":      sig.Website,
			"updated_at":   sig.UpdatedAt,
		}
		if by == 0 {
			orgChanged := sig.OrgKey != oldKey
			changes = append(changes, signon.SignerEdited(st, &sig, orgChanged)...)
			if orgChanged {
				// Linked by name again, as a new signature is.
				if sig.MemberID, err = memberIDByOrgKey(tx, sig.OrgKey); err != nil {
					return err
				}
				if sig.MemberID != nil {
					changes = append(changes, signon.FieldChange{Field: "member", To: strconv.FormatInt(*sig.MemberID, 10)})
				}
			}
			columns["member_id"], columns["source"] = sig.MemberID, sig.Source
			columns["status"], columns["approved_at"] = sig.Status, sig.ApprovedAt
		}
		err = tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(columns).Error
		if err != nil {
			if violates(err, uniqueActiveOrg) {
				return signon.ErrOrganizationTaken
			}
			return fmt.Errorf("store: update signature %d: %w", sig.ID, err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: "signature.update", Detail: signon.EncodeChanges(changes),
		})
	})
	if err != nil {
		return nil, err
	}
	return &sig, nil
}

// MergeSignatures folds signature mergedID of the statement into keepID,
// two signatures of one organization signed separately ("CASA" and
// "CASA de Maryland"): the merged one becomes rejected, with the reason
// "merged" and merged_into_id set; the kept one keeps its own fields and,
// with fill, takes the title, city, website and member it lacks from the
// other. One signature.merge event names both.
func (db *DB) MergeSignatures(ctx context.Context, statementID, keepID, mergedID int64, fill bool, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := db.changeableStatement(tx, statementID); err != nil {
			return err
		}
		var keep, other signon.Signature
		for _, s := range []struct {
			id  int64
			sig *signon.Signature
		}{{keepID, &keep}, {mergedID, &other}} {
			if err := db.forUpdate(tx).Where("id = ? AND statement_id = ?", s.id, statementID).Take(s.sig).Error; err != nil {
				return notFound(err, "Signature not found.")
			}
		}
		if err := signon.CheckMerge(&keep, &other); err != nil {
			return err
		}
		memberBefore := keep.MemberID
		var filled []string
		if fill {
			filled = signon.FillFrom(&keep, &other)
		}
		updated := tx.NowFunc()
		err := tx.Model(&signon.Signature{}).Where("id = ?", other.ID).Updates(map[string]any{
			"status":           signon.SignatureRejected,
			"rejected_at":      updated,
			"rejection_reason": signon.ReasonMerged,
			"merged_into_id":   keep.ID,
			"updated_at":       updated,
		}).Error
		if err != nil {
			return fmt.Errorf("store: merge signature %d: %w", other.ID, err)
		}
		if len(filled) > 0 || keep.MemberID != memberBefore {
			err := tx.Model(&signon.Signature{}).Where("id = ?", keep.ID).Updates(map[string]any{
				"signer_title": keep.SignerTitle,
				"city":         keep.City,
				"website":      keep.Website,
				"member_id":    keep.MemberID,
				"updated_at":   updated,
			}).Error
			if err != nil {
				return fmt.Errorf("store: merge into signature %d: %w", keep.ID, err)
			}
		}
		detail, err := json.Marshal(signon.Merge{Kept: keep.ID, KeptName: keep.Name(), Merged: other.ID, MergedName: other.Name(), Filled: filled})
		if err != nil {
			return fmt.Errorf("store: merge signatures: %w", err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &keep.ID, AccountID: accountRef(by),
			Action: "signature.merge", Detail: string(detail),
		})
	})
}

// AddSignature stores sig, a signature a coordinator (by) adds by hand
// for a group that signed by email or phone: approved, since the
// coordinator vouches for it, from source manual, on any statement not
// yet published. A standing signature of the same organization is the
// ECONFLICT "error.already_signed".
func (db *DB) AddSignature(ctx context.Context, sig *signon.Signature, by int64) error {
	orig := *sig
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := db.insertVouched(tx, sig.StatementID, []*signon.Signature{sig}, signon.SourceManual); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{
			StatementID: &sig.StatementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: "signature.add", Detail: string(sig.Status),
		})
	})
	if err != nil {
		*sig = orig
	}
	return err
}

// ImportSignatures stores every one of sigs as approved signatures of
// the statement from source import, or, on any error, none of them: one
// organization that signed in the meantime fails the whole import with
// "error.already_signed". One signature.import event records the count.
func (db *DB) ImportSignatures(ctx context.Context, statementID int64, sigs []*signon.Signature, by int64) error {
	if len(sigs) == 0 {
		return signon.KeyedError(signon.EINVALID, "review.import.error.nothing", "There is nothing to import.")
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := db.insertVouched(tx, statementID, sigs, signon.SourceImport); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, AccountID: accountRef(by),
			Action: "signature.import", Detail: strconv.Itoa(len(sigs)),
		})
	})
}

// insertVouched stores sigs in tx as approved signatures of the
// statement from source, each linked to the member of its organization,
// if the roster has one.
func (db *DB) insertVouched(tx *gorm.DB, statementID int64, sigs []*signon.Signature, source signon.Source) error {
	if _, err := db.changeableStatement(tx, statementID); err != nil {
		return err
	}
	keys := make([]string, len(sigs))
	for i, s := range sigs {
		keys[i] = s.OrgKey
	}
	members, err := membersByOrgKey(tx, keys)
	if err != nil {
		return err
	}
	now := tx.NowFunc()
	for _, sig := range sigs {
		sig.StatementID, sig.Status, sig.Source = statementID, signon.SignatureApproved, source
		sig.CreatedAt, sig.UpdatedAt = now, now
		approved := now
		sig.ApprovedAt = &approved
		if m, ok := members[sig.OrgKey]; ok && sig.MemberID == nil {
			id := m.ID
			sig.MemberID = &id
		}
	}
	if err := tx.CreateInBatches(sigs, 200).Error; err != nil {
		if violates(err, uniqueActiveOrg) {
			return signon.ErrAlreadySigned
		}
		return fmt.Errorf("store: insert signatures: %w", err)
	}
	return nil
}
