package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// Audit actions of API tokens.
const (
	ActionAPITokenCreate = "api_token.create"
	ActionAPITokenRevoke = "api_token.revoke"
)

// apiTokenUseInterval is how stale last_used_at may be: a client
// polling every few seconds writes it about once a minute, not once a
// request.
const apiTokenUseInterval = time.Minute

// CreateAPIToken stores t, and an event that its account made it.
func (db *DB) CreateAPIToken(ctx context.Context, t *signon.APIToken) error {
	t.CreatedAt = dbTime(t.CreatedAt)
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if t.StatementID != nil {
			if _, err := statementWhere(tx, "id = ?", *t.StatementID); err != nil {
				return err
			}
		}
		if err := tx.Create(t).Error; err != nil {
			return fmt.Errorf("store: create API token: %w", err)
		}
		return createEvent(tx, &signon.Event{StatementID: t.StatementID, AccountID: &t.AccountID, Action: ActionAPITokenCreate, Detail: t.Name})
	})
}

// APITokens lists the tokens of account accountID, newest first.
func (db *DB) APITokens(ctx context.Context, accountID int64) ([]*signon.APIToken, error) {
	var list []*signon.APIToken
	if err := db.read.WithContext(ctx).Where("account_id = ?", accountID).Order("id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: API tokens of account %d: %w", accountID, err)
	}
	for _, t := range list {
		normalizeAPIToken(t)
	}
	return list, nil
}

// RevokeAPIToken revokes token id of account accountID at now; a token
// already revoked stays revoked as it was. Another account's token is
// not found.
func (db *DB) RevokeAPIToken(ctx context.Context, accountID, id int64, now time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t signon.APIToken
		if err := db.forUpdate(tx).Where("id = ? AND account_id = ?", id, accountID).Take(&t).Error; err != nil {
			return notFound(err, "API token not found.")
		}
		if t.RevokedAt != nil {
			return nil
		}
		if err := tx.Model(&signon.APIToken{}).Where("id = ?", id).Update("revoked_at", dbTime(now)).Error; err != nil {
			return fmt.Errorf("store: revoke API token %d: %w", id, err)
		}
		return createEvent(tx, &signon.Event{StatementID: t.StatementID, AccountID: &accountID, Action: ActionAPITokenRevoke, Detail: t.Name})
	})
}

// APITokenAccount returns the token with tokenHash and its account, and
// notes that it was used at now (at most once a minute, see
// apiTokenUseInterval). An unknown or revoked token, or one of a
// disabled account, is signon.ErrInvalidAPIToken.
func (db *DB) APITokenAccount(ctx context.Context, tokenHash string, now time.Time) (*signon.APIToken, *signon.Account, error) {
	now = dbTime(now)
	var t signon.APIToken
	err := db.read.WithContext(ctx).Where("token_hash = ? AND revoked_at IS NULL", tokenHash).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, signon.ErrInvalidAPIToken
	} else if err != nil {
		return nil, nil, fmt.Errorf("store: API token: %w", err)
	}
	normalizeAPIToken(&t)
	a, err := db.AccountByID(ctx, t.AccountID)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return nil, nil, signon.ErrInvalidAPIToken
	} else if err != nil {
		return nil, nil, err
	}
	if a.DisabledAt != nil {
		return nil, nil, signon.ErrInvalidAPIToken
	}
	if t.LastUsedAt == nil || t.LastUsedAt.Before(now.Add(-apiTokenUseInterval)) {
		err := db.gorm.WithContext(ctx).Model(&signon.APIToken{}).
			Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", t.ID, now.Add(-apiTokenUseInterval)).
			Update("last_used_at", now).Error
		if err != nil {
			return nil, nil, fmt.Errorf("store: note use of API token %d: %w", t.ID, err)
		}
		t.LastUsedAt = &now
	}
	return &t, a, nil
}

func normalizeAPIToken(t *signon.APIToken) {
	dbTimes(&t.CreatedAt)
	dbTimePtrs(&t.LastUsedAt, &t.RevokedAt)
}

// SignaturesByID returns the signatures of statement statementID with
// ids, as they are now, with their lead marks; ids of other statements
// or of no signature are left out.
func (db *DB) SignaturesByID(ctx context.Context, statementID int64, ids []int64) (map[int64]*signon.Signature, error) {
	out := make(map[int64]*signon.Signature, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []*signon.Signature
	err := db.read.WithContext(ctx).Where("statement_id = ? AND id IN ?", statementID, ids).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: signatures of statement %d: %w", statementID, err)
	}
	if err := markLead(db.read.WithContext(ctx), statementID, list); err != nil {
		return nil, err
	}
	for _, s := range list {
		normalizeSignature(s)
		out[s.ID] = s
	}
	return out, nil
}
