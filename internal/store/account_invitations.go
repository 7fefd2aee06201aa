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

var _ signon.AccountInvitationService = (*DB)(nil)

// InviteAccount stores inv, sent by the admin by, and queues its email,
// in one transaction: an invitation is never stored without its email,
// nor an email sent for an invitation rolled back. A pending invitation
// of the same email is replaced, so the older link stops working.
func (db *DB) InviteAccount(ctx context.Context, inv *signon.AccountInvitation, email *signon.Email, by int64) error {
	orig := *inv
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		inv.Email = strings.ToLower(strings.TrimSpace(inv.Email))
		var n int64
		if err := tx.Model(&signon.Account{}).Where("email = ?", inv.Email).Count(&n).Error; err != nil {
			return fmt.Errorf("store: find account of invitation: %w", err)
		}
		if n > 0 {
			return errEmailTaken()
		}
		if err := tx.Where("email = ? AND accepted_at IS NULL", inv.Email).Delete(&signon.AccountInvitation{}).Error; err != nil {
			return fmt.Errorf("store: replace invitation: %w", err)
		}
		if inv.CreatedAt.IsZero() {
			inv.CreatedAt = tx.NowFunc()
		}
		inv.InvitedBy, inv.AcceptedAt = accountRef(by), nil
		normalizeAccountInvitation(inv)
		if err := tx.Create(inv).Error; err != nil {
			return fmt.Errorf("store: create invitation: %w", err)
		}
		if err := db.queueEmails(tx, email); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: "account.invite",
			Detail: inv.Email + " (" + string(inv.Role) + ")", CreatedAt: inv.CreatedAt})
	})
	if err != nil {
		*inv = orig
	}
	return err
}

// PendingAccountInvitations lists the invitations not accepted yet, newest
// first, expired ones included so an admin sees who never answered.
func (db *DB) PendingAccountInvitations(ctx context.Context) ([]*signon.AccountInvitation, error) {
	var list []*signon.AccountInvitation
	err := db.read.WithContext(ctx).Where("accepted_at IS NULL").Order("created_at DESC, email").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: list invitations: %w", err)
	}
	for _, inv := range list {
		normalizeAccountInvitation(inv)
	}
	return list, nil
}

// RevokeAccountInvitation withdraws the pending invitation of email for the
// admin by: its link stops working. None pending is an ENOTFOUND.
func (db *DB) RevokeAccountInvitation(ctx context.Context, email string, by int64) error {
	email = strings.ToLower(strings.TrimSpace(email))
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("email = ? AND accepted_at IS NULL", email).Delete(&signon.AccountInvitation{})
		if res.Error != nil {
			return fmt.Errorf("store: revoke invitation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return signon.KeyedError(signon.ENOTFOUND, "accounts.error.no_invitation",
				"There is no pending invitation for this email; it may have been accepted or withdrawn already.")
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: "account.revoke", Detail: email})
	})
}

// AccountInvitationByToken returns the invitation of tokenHash if it can be
// accepted at now. Unknown, used, expired and withdrawn links get the
// same answer.
func (db *DB) AccountInvitationByToken(ctx context.Context, tokenHash string, now time.Time) (*signon.AccountInvitation, error) {
	var inv signon.AccountInvitation
	if err := db.read.WithContext(ctx).Where("token_hash = ?", tokenHash).Take(&inv).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, signon.ErrInvitationInvalid()
		}
		return nil, fmt.Errorf("store: find invitation: %w", err)
	}
	normalizeAccountInvitation(&inv)
	if !inv.Usable(now) {
		return nil, signon.ErrInvitationInvalid()
	}
	return &inv, nil
}

// AcceptAccountInvitation creates a with the email and role of the invitation
// of tokenHash and marks the invitation accepted at now, in one
// transaction. The conditional update is what makes a link single use:
// of two acceptances at once, PostgreSQL makes the second wait for the
// first's row lock and then finds nothing left to update (SQLite runs
// them one after the other).
func (db *DB) AcceptAccountInvitation(ctx context.Context, tokenHash string, a *signon.Account, now time.Time) error {
	orig := *a
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		at := dbTime(now)
		res := tx.Model(&signon.AccountInvitation{}).
			Where("token_hash = ? AND accepted_at IS NULL AND expires_at > ?", tokenHash, at).
			Update("accepted_at", at)
		if res.Error != nil {
			return fmt.Errorf("store: accept invitation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return signon.ErrInvitationInvalid()
		}
		var inv signon.AccountInvitation
		if err := tx.Where("token_hash = ?", tokenHash).Take(&inv).Error; err != nil {
			return fmt.Errorf("store: read accepted invitation: %w", err)
		}
		a.Email, a.Role, a.DisabledAt = inv.Email, inv.Role, nil
		if err := createAccount(tx, a); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{AccountID: &a.ID, Action: "account.accept",
			Detail: a.Email + " (" + string(a.Role) + ")", CreatedAt: at})
	})
	if err != nil {
		*a = orig
	}
	return err
}

func normalizeAccountInvitation(inv *signon.AccountInvitation) {
	dbTimes(&inv.ExpiresAt, &inv.CreatedAt)
	dbTimePtrs(&inv.AcceptedAt)
}
