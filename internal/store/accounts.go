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

// firstAdminLock is the PostgreSQL advisory lock key that serializes
// first-run setup across instances ("signon" in ASCII hex).
const firstAdminLock int64 = 0x7369676e6f6e

func errEmailTaken() error {
	return &signon.Error{
		Code:    signon.ECONFLICT,
		Key:     "error.email_taken",
		Message: "An account with this email already exists.",
		Fields:  signon.Problems{"email": {Code: signon.ProblemTaken}},
	}
}

// CreateAccount stores a; an email already in use is an ECONFLICT on the
// email field.
func (db *DB) CreateAccount(ctx context.Context, a *signon.Account) error {
	orig := *a
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return createAccount(tx, a)
	})
	if err != nil {
		*a = orig
	}
	return err
}

// CreateFirstAdmin stores a as an admin only while there is no account at
// all. On PostgreSQL an advisory lock held to the end of the transaction
// makes concurrent calls take turns, so the second one sees the first
// account; on SQLite the write lock taken at BEGIN does the same.
func (db *DB) CreateFirstAdmin(ctx context.Context, a *signon.Account) error {
	orig := *a
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", firstAdminLock).Error; err != nil {
				return fmt.Errorf("store: lock first-run setup: %w", err)
			}
		}
		var n int64
		if err := tx.Model(&signon.Account{}).Count(&n).Error; err != nil {
			return fmt.Errorf("store: count accounts: %w", err)
		}
		if n > 0 {
			return signon.KeyedError(signon.ECONFLICT, "error.setup_done", "Signon is already set up; log in instead.")
		}
		a.Role = signon.RoleAdmin
		return createAccount(tx, a)
	})
	if err != nil {
		*a = orig
	}
	return err
}

func createAccount(tx *gorm.DB, a *signon.Account) error {
	// The domain lower-cases emails already; doing it here too keeps the
	// unique index case-insensitive whoever builds the account.
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	a.CreatedAt = tx.NowFunc()
	a.UpdatedAt = a.CreatedAt
	normalizeAccount(a)
	if err := tx.Create(a).Error; err != nil {
		if violates(err, uniqueEmail) {
			return errEmailTaken()
		}
		return fmt.Errorf("store: create account: %w", err)
	}
	return nil
}

// AccountByID returns account id.
func (db *DB) AccountByID(ctx context.Context, id int64) (*signon.Account, error) {
	return accountWhere(db.read.WithContext(ctx), "id = ?", id)
}

// AccountByEmail returns the account with email, whatever its case.
func (db *DB) AccountByEmail(ctx context.Context, email string) (*signon.Account, error) {
	return accountWhere(db.read.WithContext(ctx), "email = ?", strings.ToLower(strings.TrimSpace(email)))
}

func accountWhere(tx *gorm.DB, query string, args ...any) (*signon.Account, error) {
	var a signon.Account
	if err := tx.Where(query, args...).Take(&a).Error; err != nil {
		return nil, notFound(err, "Account not found.")
	}
	normalizeAccount(&a)
	return &a, nil
}

// CountAccounts returns the number of accounts, disabled ones included.
func (db *DB) CountAccounts(ctx context.Context) (int, error) {
	var n int64
	if err := db.read.WithContext(ctx).Model(&signon.Account{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count accounts: %w", err)
	}
	return int(n), nil
}

// CreateSession stores s, whose TokenHash is the key SessionAccount looks
// it up by.
func (db *DB) CreateSession(ctx context.Context, s *signon.Session) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.gorm.NowFunc()
	}
	dbTimes(&s.CreatedAt, &s.ExpiresAt)
	if err := db.gorm.WithContext(ctx).Create(s).Error; err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionAccount returns the account logged in with tokenHash, if the
// session has not expired at now and the account is not disabled. Every
// other case is the same EUNAUTHORIZED, so a probe learns nothing about
// which tokens once existed.
func (db *DB) SessionAccount(ctx context.Context, tokenHash string, now time.Time) (*signon.Account, error) {
	var a signon.Account
	err := db.read.WithContext(ctx).
		Select("accounts.*").
		Joins("JOIN sessions ON sessions.account_id = accounts.id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ? AND accounts.disabled_at IS NULL", tokenHash, dbTime(now)).
		Take(&a).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, signon.Errorf(signon.EUNAUTHORIZED, "Please log in.")
		}
		return nil, fmt.Errorf("store: find session: %w", err)
	}
	normalizeAccount(&a)
	return &a, nil
}

// DeleteSession ends the session of tokenHash; ending one that is gone
// already is not an error, so logging out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	err := db.gorm.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&signon.Session{}).Error
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired at now and returns
// how many there were.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := db.gorm.WithContext(ctx).Where("expires_at <= ?", dbTime(now)).Delete(&signon.Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}

func normalizeAccount(a *signon.Account) {
	dbTimes(&a.CreatedAt, &a.UpdatedAt)
	dbTimePtrs(&a.DisabledAt)
}

// Accounts lists every account, disabled ones included, oldest first.
func (db *DB) Accounts(ctx context.Context) ([]*signon.Account, error) {
	var list []*signon.Account
	if err := db.read.WithContext(ctx).Order("created_at, id").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	for _, a := range list {
		normalizeAccount(a)
	}
	return list, nil
}

func errDisableSelf() error {
	return signon.KeyedError(signon.ECONFLICT, "accounts.error.disable_self", "You cannot disable your own account.")
}

func errLastAdmin() error {
	return signon.KeyedError(signon.ECONFLICT, "accounts.error.last_admin",
		"This is the last enabled administrator. Make another account an administrator before disabling this one.")
}

// SetAccountDisabled disables account id, or enables it again, for the
// admin by. Disabling ends the account's sessions at once (SessionAccount
// also refuses a disabled account's). On PostgreSQL the enabled admins'
// rows are locked first, in the order of their ids, so two admins
// disabling each other at the same moment take turns and the second sees
// that only one admin is left; SQLite's write lock at BEGIN does the same.
func (db *DB) SetAccountDisabled(ctx context.Context, id int64, disabled bool, now time.Time, by int64) (*signon.Account, error) {
	if disabled && id == by {
		return nil, errDisableSelf()
	}
	var out *signon.Account
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var admins []int64
		if disabled {
			q := db.forUpdate(tx.Model(&signon.Account{}).Where("role = ? AND disabled_at IS NULL", signon.RoleAdmin).Order("id"))
			if err := q.Pluck("id", &admins).Error; err != nil {
				return fmt.Errorf("store: lock admins: %w", err)
			}
		}
		a, err := accountWhere(db.forUpdate(tx), "id = ?", id)
		if err != nil {
			return err
		}
		out = a
		if disabled == (a.DisabledAt != nil) {
			return nil // already so: nothing to record
		}
		if disabled && a.Role == signon.RoleAdmin && len(admins) <= 1 {
			return errLastAdmin()
		}
		at := dbTime(now)
		var disabledAt *time.Time
		action := "account.enable"
		if disabled {
			disabledAt, action = &at, "account.disable"
		}
		err = tx.Model(&signon.Account{}).Where("id = ?", id).
			Updates(map[string]any{"disabled_at": disabledAt, "updated_at": at}).Error
		if err != nil {
			return fmt.Errorf("store: disable account %d: %w", id, err)
		}
		a.DisabledAt, a.UpdatedAt = disabledAt, at
		if disabled {
			if err := tx.Where("account_id = ?", id).Delete(&signon.Session{}).Error; err != nil {
				return fmt.Errorf("store: end sessions of account %d: %w", id, err)
			}
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: action, Detail: a.Email, CreatedAt: at})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
