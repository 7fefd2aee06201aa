package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/signon-coalition/signon/internal/signon"
)

// Page sizes for Signatures.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// byName orders signatories as the public list shows them: by list_name
// (migration 00003), the name shown first folded for case and accents,
// with the id to keep pages stable. After country and region it is the
// order of signatures_list_idx, so a page is read in index order.
const byName = "list_name, id"

func errAlreadySigned() error {
	return signon.KeyedError(signon.ECONFLICT, "error.already_signed", "This organization has already signed this statement.")
}

// CreateSignature stores sig with the signer's private links, tokens
// (whose SignatureID it sets), and the emails that carry them (whose
// StatementID and SignatureID it sets), all in one transaction: a
// refused signature leaves no link and sends no email. A signature
// without a MemberID is linked to the roster member its organization
// names, if any (see memberIDByOrgKey). A second standing
// signature (unconfirmed, pending or approved) from the same organization
// is refused by a partial unique index, so two people signing for one
// group at the same moment cannot both get in.
func (db *DB) CreateSignature(ctx context.Context, sig *signon.Signature, tokens []*signon.SignatureToken, emails ...*signon.Email) error {
	orig := *sig
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := tx.NowFunc()
		sig.CreatedAt, sig.UpdatedAt = now, now
		// An import may bring signatures already decided; each status
		// carries the time it was reached.
		switch {
		case sig.Status == signon.SignatureApproved && sig.ApprovedAt == nil:
			sig.ApprovedAt = &now
		case sig.Status == signon.SignatureRejected && sig.RejectedAt == nil:
			sig.RejectedAt = &now
		case sig.Status == signon.SignatureWithdrawn && sig.WithdrawnAt == nil:
			sig.WithdrawnAt = &now
		}
		normalizeSignature(sig)
		// A published statement's list is sealed by its record's digest,
		// so a signature posted across the publish must not land. The
		// shared lock orders it against TransitionStatement's update lock.
		q := tx.Model(&signon.Statement{}).Select("status").Where("id = ?", sig.StatementID)
		if db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthShare})
		}
		var status signon.Status
		if err := q.Scan(&status).Error; err != nil {
			return fmt.Errorf("store: create signature: %w", err)
		}
		switch status {
		case "":
			return signon.Errorf(signon.ENOTFOUND, "Statement not found.")
		case signon.StatusPublished:
			return signon.KeyedError(signon.ECONFLICT, "error.not_open", "This statement is not open for signatures.")
		}
		if sig.MemberID == nil {
			id, err := memberIDByOrgKey(tx, sig.OrgKey)
			if err != nil {
				return err
			}
			sig.MemberID = id
		}
		if err := tx.Create(sig).Error; err != nil {
			switch {
			case violates(err, uniqueActiveOrg):
				return errAlreadySigned()
			case violatesForeignKey(err): // statement_id is the only foreign key
				return signon.Errorf(signon.ENOTFOUND, "Statement not found.")
			}
			return fmt.Errorf("store: create signature: %w", err)
		}
		if err := createTokens(tx, sig.ID, tokens); err != nil {
			return err
		}
		for _, e := range emails {
			e.StatementID, e.SignatureID = &sig.StatementID, &sig.ID
		}
		if err := db.queueEmails(tx, emails...); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{
			StatementID: &sig.StatementID, SignatureID: &sig.ID, Action: "signature.create", Detail: string(sig.Status), CreatedAt: now,
		})
	})
	if err != nil {
		*sig = orig
	}
	return err
}

// Signatures lists a page of a statement's signatures in name order and
// returns the number matching f across all pages.
func (db *DB) Signatures(ctx context.Context, f signon.SignatureFilter) ([]*signon.Signature, int, error) {
	page, perPage := max(f.Page, 1), f.PerPage
	switch {
	case perPage <= 0:
		perPage = DefaultPerPage
	case perPage > MaxPerPage:
		perPage = MaxPerPage
	}
	var list []*signon.Signature
	if err := db.signaturePage(ctx, f, page, perPage).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list signatures: %w", err)
	}
	for _, s := range list {
		normalizeSignature(s)
	}
	// A page that is neither full nor past the end is the last one, and
	// tells the total without a count: a search for one organization's
	// name would otherwise read the whole list a second time to count it.
	total := int64((page-1)*perPage + len(list))
	if len(list) == perPage || len(list) == 0 && page > 1 {
		err := signatureScope(db.read.WithContext(ctx).Model(&signon.Signature{}), f).Count(&total).Error
		if err != nil {
			return nil, 0, fmt.Errorf("store: count signatures: %w", err)
		}
	}
	return list, int(total), nil
}

// signaturePage is the query of page (from 1) of f's signatures. The
// page's ids come from signatures_list_idx alone, which holds every
// column the filter and the order read, so the rows skipped before page
// 1,000 are never read from the table; only the page's own rows are.
func (db *DB) signaturePage(ctx context.Context, f signon.SignatureFilter, page, perPage int) *gorm.DB {
	order := byName
	if f.ByRegion {
		order = "country, region, " + byName
	}
	ids := signatureScope(db.read.WithContext(ctx).Model(&signon.Signature{}), f).
		Select("id").Order(order).Limit(perPage).Offset((page - 1) * perPage)
	return db.read.WithContext(ctx).Where("id IN (?)", ids).Order(order)
}

// signatureActions names the audit event of each status a coordinator
// or signer may set (see signon.CanMove).
var signatureActions = map[signon.SignatureStatus]string{
	signon.SignatureApproved:  "signature.approve",
	signon.SignatureRejected:  "signature.reject",
	signon.SignatureWithdrawn: "signature.withdraw",
}

// SetSignatureStatus moves signature signatureID of statement statementID
// to status at now, recording by (0 when the signer acts through a link,
// not an account). Setting the status a signature already has does
// nothing, so a button pressed twice is not an error. Approving a
// rejected signature while another from the same organization stands is
// the ECONFLICT "error.already_signed".
func (db *DB) SetSignatureStatus(ctx context.Context, statementID, signatureID int64, status signon.SignatureStatus, now time.Time, by int64) error {
	if _, ok := signatureActions[status]; !ok {
		return signon.Errorf(signon.EINVALID, "A signature can be approved, rejected or withdrawn, not set to %q.", status)
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The statement's lock orders this change after a publish that
		// has just frozen the list, or before one about to.
		st, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		if err := st.CheckSignaturesChangeable(); err != nil {
			return err
		}
		q := tx
		if db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		var sig signon.Signature
		if err := q.Where("id = ? AND statement_id = ?", signatureID, statementID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		if sig.Status == status {
			return nil
		}
		if !signon.CanMove(sig.Status, status) {
			return signon.Errorf(signon.ECONFLICT, "A signature that is %s cannot be set to %s.", sig.Status, status)
		}
		now = dbTime(now)
		// As in TransitionStatement, updated_at and the event follow the
		// database's clock, the status time the caller's.
		changes := map[string]any{"status": status, "updated_at": tx.NowFunc()}
		switch status {
		case signon.SignatureApproved:
			changes["approved_at"] = now
		case signon.SignatureRejected:
			changes["rejected_at"] = now
		case signon.SignatureWithdrawn:
			changes["withdrawn_at"] = now
		}
		if err := tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(changes).Error; err != nil {
			if violates(err, uniqueActiveOrg) {
				return errAlreadySigned()
			}
			return fmt.Errorf("store: set signature %d to %s: %w", sig.ID, status, err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: signatureActions[status], Detail: string(sig.Status) + " → " + string(status),
		})
	})
}

func normalizeSignature(s *signon.Signature) {
	dbTimes(&s.CreatedAt, &s.UpdatedAt)
	dbTimePtrs(&s.ConfirmedAt, &s.ApprovedAt, &s.RejectedAt, &s.WithdrawnAt)
}
