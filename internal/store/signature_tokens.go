package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// createTokens stores the private links of signature id in tx.
func createTokens(tx *gorm.DB, id int64, tokens []*signon.SignatureToken) error {
	if len(tokens) == 0 {
		return nil
	}
	for _, t := range tokens {
		t.SignatureID = id
		t.UsedAt = nil
		dbTimes(&t.ExpiresAt, &t.CreatedAt)
	}
	if err := tx.Create(tokens).Error; err != nil {
		return fmt.Errorf("store: create signature tokens: %w", err)
	}
	return nil
}

// usable reports whether t may still be followed at now.
func usable(t *signon.SignatureToken, now time.Time) bool {
	return t.UsedAt == nil && now.Before(t.ExpiresAt)
}

// SignatureByToken returns the signature whose link of purpose has hash,
// when the link is neither used nor expired at now. A confirm link is
// good only while its signature awaits confirmation. Anything else is
// signon.ErrInvalidLink, whatever the reason.
func (db *DB) SignatureByToken(ctx context.Context, hash string, purpose signon.TokenPurpose, now time.Time) (*signon.Signature, error) {
	var tok signon.SignatureToken
	err := db.read.WithContext(ctx).Where("token_hash = ? AND purpose = ?", hash, purpose).Take(&tok).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, signon.ErrInvalidLink
		}
		return nil, fmt.Errorf("store: signature token: %w", err)
	}
	if !usable(&tok, now) {
		return nil, signon.ErrInvalidLink
	}
	var sig signon.Signature
	if err := db.read.WithContext(ctx).Where("id = ?", tok.SignatureID).Take(&sig).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, signon.ErrInvalidLink
		}
		return nil, fmt.Errorf("store: signature of token: %w", err)
	}
	if purpose == signon.TokenConfirm && sig.Status != signon.SignatureUnconfirmed {
		return nil, signon.ErrInvalidLink
	}
	normalizeSignature(&sig)
	return &sig, nil
}

// ConfirmSignature confirms the signature whose confirm link has hash:
// it moves to the status the statement's policy gives a confirmed
// signature (pending or approved), confirmed_at is set, every confirm
// link of the signature is used up, and a signature.confirm event
// without an account records it. A link unknown, used or expired is
// signon.ErrInvalidLink; a statement no longer open is
// signon.ErrConfirmClosed and changes nothing.
func (db *DB) ConfirmSignature(ctx context.Context, hash string, now time.Time) (*signon.Signature, error) {
	now = dbTime(now)
	var sig signon.Signature
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Locks are taken statement, signature, link: the order of
		// SetSignatureStatus and ResendConfirmation, so none of them can
		// deadlock another.
		var ref struct{ StatementID, SignatureID int64 }
		err := tx.Table("signature_tokens").Select("signatures.statement_id, signatures.id AS signature_id").
			Joins("JOIN signatures ON signatures.id = signature_tokens.signature_id").
			Where("signature_tokens.token_hash = ? AND signature_tokens.purpose = ?", hash, signon.TokenConfirm).
			Take(&ref).Error
		if err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return signon.ErrInvalidLink
			}
			return fmt.Errorf("store: confirm signature: %w", err)
		}
		// Shared, as CreateSignature takes it: confirmations do not wait
		// for each other, only for a close or publish.
		st, err := statementWhere(db.forShare(tx), "id = ?", ref.StatementID)
		if err != nil {
			return err
		}
		if err := db.forUpdate(tx).Where("id = ?", ref.SignatureID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		var tok signon.SignatureToken
		if err := db.forUpdate(tx).Where("token_hash = ?", hash).Take(&tok).Error; err != nil {
			// Replaced by a resend since the first read.
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return signon.ErrInvalidLink
			}
			return fmt.Errorf("store: confirm signature: %w", err)
		}
		if !usable(&tok, now) || sig.Status != signon.SignatureUnconfirmed {
			return signon.ErrInvalidLink
		}
		if !st.AcceptsSignatures(now) {
			return signon.ErrConfirmClosed
		}
		from := sig.Status
		sig.Status = signon.InitialStatus(st, sig.SignsAsMember(), true, sig.Flags)
		sig.ConfirmedAt, sig.UpdatedAt = &now, tx.NowFunc()
		changes := map[string]any{"status": sig.Status, "confirmed_at": now, "updated_at": sig.UpdatedAt}
		if sig.Status == signon.SignatureApproved {
			sig.ApprovedAt = &now
			changes["approved_at"] = now
		}
		if err := tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(changes).Error; err != nil {
			return fmt.Errorf("store: confirm signature %d: %w", sig.ID, err)
		}
		err = tx.Model(&signon.SignatureToken{}).
			Where("signature_id = ? AND purpose = ? AND used_at IS NULL", sig.ID, signon.TokenConfirm).
			Update("used_at", now).Error
		if err != nil {
			return fmt.Errorf("store: use confirm links of signature %d: %w", sig.ID, err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &sig.StatementID, SignatureID: &sig.ID,
			Action: "signature.confirm", Detail: string(from) + " → " + string(sig.Status),
		})
	})
	if err != nil {
		return nil, err
	}
	normalizeSignature(&sig)
	return &sig, nil
}

// maxUnconfirmedListed bounds what one resend request can touch.
const maxUnconfirmedListed = 20

// UnconfirmedSignatures lists the signatures awaiting confirmation whose
// address is email (ignoring case), of statementID or, for 0, of any
// statement, oldest first.
func (db *DB) UnconfirmedSignatures(ctx context.Context, email string, statementID int64) ([]*signon.Signature, error) {
	q := db.read.WithContext(ctx).
		Where("status = ? AND lower(email) = ?", signon.SignatureUnconfirmed, strings.ToLower(strings.TrimSpace(email)))
	if statementID != 0 {
		q = q.Where("statement_id = ?", statementID)
	}
	var list []*signon.Signature
	if err := q.Order("id").Limit(maxUnconfirmedListed).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: unconfirmed signatures: %w", err)
	}
	for _, s := range list {
		normalizeSignature(s)
	}
	return list, nil
}

// ResendConfirmation sends the confirmation of signature id again: its
// earlier unused confirm links stop working, tokens (a new confirm link,
// and a new manage link for a signer who lost the first email) are
// stored, and e, which carries them, is queued, all in one transaction. Nothing is done
// and false returned when the signature no longer awaits confirmation or
// signon.ConfirmEmailsPerWindow confirmation emails went to it in the
// last signon.ConfirmEmailWindow. The window follows the database's
// clock, which is the one that dates the emails.
func (db *DB) ResendConfirmation(ctx context.Context, id int64, tokens []*signon.SignatureToken, e *signon.Email) (bool, error) {
	sent := false
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sig signon.Signature
		// The signature's lock makes two resends at once count each other.
		if err := db.forUpdate(tx).Where("id = ?", id).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		if sig.Status != signon.SignatureUnconfirmed {
			return nil
		}
		var n int64
		err := tx.Model(&signon.Email{}).
			Where("signature_id = ? AND kind = ? AND created_at > ?", id, signon.EmailConfirm, tx.NowFunc().Add(-signon.ConfirmEmailWindow)).
			Count(&n).Error
		if err != nil {
			return fmt.Errorf("store: count confirmation emails of signature %d: %w", id, err)
		}
		if n >= signon.ConfirmEmailsPerWindow {
			return nil
		}
		err = tx.Where("signature_id = ? AND purpose = ? AND used_at IS NULL", id, signon.TokenConfirm).
			Delete(&signon.SignatureToken{}).Error
		if err != nil {
			return fmt.Errorf("store: replace confirm links of signature %d: %w", id, err)
		}
		if err := createTokens(tx, id, tokens); err != nil {
			return err
		}
		e.StatementID, e.SignatureID = &sig.StatementID, &sig.ID
		if err := db.queueEmails(tx, e); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent && err == nil, err
}

// SignatureListed reports whether the public list of the statement holds
// an approved signature with the organization key orgKey. It does not
// say whether the list itself is public yet: that is the statement's.
func (db *DB) SignatureListed(ctx context.Context, statementID int64, orgKey string) (bool, error) {
	var n int64
	err := db.read.WithContext(ctx).Model(&signon.Signature{}).
		Where("statement_id = ? AND org_key = ? AND status = ?", statementID, orgKey, signon.SignatureApproved).
		Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: signature listed: %w", err)
	}
	return n > 0, nil
}

// DeleteExpiredTokens removes the signers' links expired at now (a
// confirmation link after a week, a private page after two years) and
// returns how many there were. An expired link already answers as an
// unknown one; deleting it only keeps the table small.
func (db *DB) DeleteExpiredTokens(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Where("expires_at <= ?", dbTime(now)).Delete(&signon.SignatureToken{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired links: %w", res.Error)
	}
	return res.RowsAffected, nil
}
