package signon

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// Role is what a coordinator account may do. Admins also manage accounts.
type Role string

const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
)

// Account is a person who coordinates statements.
type Account struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string // argon2id, PHC string format
	DisabledAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// IsAdmin reports whether a may manage accounts.
func (a *Account) IsAdmin() bool { return a != nil && a.Role == RoleAdmin }

// Password length bounds. The upper bound keeps hashing cheap to refuse.
const (
	MinPassword = 10
	MaxPassword = 200
	MaxName     = 120
)

// passwordParams follow the OWASP recommendation for argon2id (19 MiB,
// two passes), which keeps a login under a few tens of milliseconds here.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// AccountInput is what a person submits to create an account.
type AccountInput struct {
	Email    string
	Name     string
	Password string
	Role     Role
}

// NewAccount validates in and returns an account with its password hashed.
func NewAccount(in AccountInput) (*Account, error) {
	p := Problems{}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	requireText(p, "email", email, MaxEmail)
	if _, ok := p["email"]; !ok && !ValidEmail(email) {
		p.Add("email", ProblemInvalidEmail, 0)
	}
	name := collapseSpace(in.Name)
	requireText(p, "name", name, MaxName)
	switch n := utf8.RuneCountInString(in.Password); {
	case n == 0:
		p.Add("password", ProblemRequired, 0)
	case n < MinPassword:
		p.Add("password", ProblemTooShort, MinPassword)
	case n > MaxPassword:
		p.Add("password", ProblemTooLong, MaxPassword)
	}
	if in.Role != RoleAdmin && in.Role != RoleCoordinator {
		p.Add("role", ProblemInvalidChoice, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	hash, err := argon2id.CreateHash(in.Password, passwordParams)
	if err != nil {
		return nil, err
	}
	return &Account{Email: email, Name: name, Role: in.Role, PasswordHash: hash}, nil
}

// PasswordMatches reports whether password is the account's password.
// An overlong password is checked against the dummy hash, so refusing it
// takes as long as for an email without an account.
func (a *Account) PasswordMatches(password string) bool {
	if len(password) > 4*MaxPassword {
		DummyPasswordCheck(password)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, a.PasswordHash)
	return err == nil && ok
}

// DummyPasswordCheck spends the time of a real check, so a login for an
// unknown email takes as long as one with a wrong password.
func DummyPasswordCheck(password string) {
	if len(password) > 4*MaxPassword {
		password = password[:4*MaxPassword]
	}
	_, _ = argon2id.ComparePasswordAndHash(password, dummyHash())
}

// dummyHash is made on first use, not at start-up: every binary and test
// importing this package would otherwise pay for an argon2id hash.
var dummyHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("not a password of anyone", passwordParams)
	return h
})

// Session is a coordinator's login. Only the hash of its token is stored,
// so a leaked database does not let anyone log in.
type Session struct {
	TokenHash string
	AccountID int64
	ExpiresAt time.Time
	CreatedAt time.Time
}

// AccountService stores accounts and their sessions.
type AccountService interface {
	// CreateAccount stores a; an email in use is an ECONFLICT.
	CreateAccount(ctx context.Context, a *Account) error
	// CreateFirstAdmin stores a only while no account exists, so two
	// people racing through first-run setup cannot both become admins.
	CreateFirstAdmin(ctx context.Context, a *Account) error
	AccountByID(ctx context.Context, id int64) (*Account, error)
	AccountByEmail(ctx context.Context, email string) (*Account, error)
	CountAccounts(ctx context.Context) (int, error)
	CreateSession(ctx context.Context, s *Session) error
	// SessionAccount returns the enabled account of an unexpired session.
	SessionAccount(ctx context.Context, tokenHash string, now time.Time) (*Account, error)
	DeleteSession(ctx context.Context, tokenHash string) error

	// Accounts lists every account, disabled ones included, oldest first.
	Accounts(ctx context.Context) ([]*Account, error)
	// SetAccountDisabled disables (or enables again) account id for the
	// admin by. Nobody disables their own account, and the last enabled
	// admin stays enabled: both are an ECONFLICT. Disabling also ends the
	// account's sessions.
	SetAccountDisabled(ctx context.Context, id int64, disabled bool, now time.Time, by int64) (*Account, error)
}

// InvitationLifetime is how long the link of an account invitation works.
const InvitationLifetime = 7 * 24 * time.Hour

// AccountInvitation is an admin's invitation of a new coordinator or
// admin. Only the SHA-256 of the emailed token is stored; the invitation
// is single use and expires.
type AccountInvitation struct {
	TokenHash  string
	Email      string
	Role       Role
	InvitedBy  *int64
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	CreatedAt  time.Time
}

// Usable reports whether the invitation may still be accepted at now.
func (inv *AccountInvitation) Usable(now time.Time) bool {
	return inv.AcceptedAt == nil && now.Before(inv.ExpiresAt)
}

// InvitationInput is what an admin submits to invite someone.
type InvitationInput struct {
	Email    string
	Role     Role
	Language string // of the invitation email
}

// NewAccountInvitation validates in and returns the invitation whose
// link carries the token hashed as tokenHash, expiring InvitationLifetime
// after now.
func NewAccountInvitation(in InvitationInput, tokenHash string, now time.Time) (*AccountInvitation, error) {
	p := Problems{}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	requireText(p, "email", email, MaxEmail)
	if _, ok := p["email"]; !ok && !ValidEmail(email) {
		p.Add("email", ProblemInvalidEmail, 0)
	}
	if in.Role != RoleAdmin && in.Role != RoleCoordinator {
		p.Add("role", ProblemInvalidChoice, 0)
	}
	if !ValidLanguage(in.Language) {
		p.Add("language", ProblemInvalidChoice, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &AccountInvitation{TokenHash: tokenHash, Email: email, Role: in.Role, ExpiresAt: now.Add(InvitationLifetime), CreatedAt: now}, nil
}

// ErrInvitationInvalid is the answer to every link of an invitation that
// cannot be accepted: unknown, used, expired or revoked alike.
func ErrInvitationInvalid() error {
	return KeyedError(ENOTFOUND, "accounts.invite.invalid",
		"This invitation link is not valid: it has been used, has expired or was withdrawn. Ask an administrator for a new invitation.")
}

// AccountInvitationService stores admins' invitations of coordinators.
type AccountInvitationService interface {
	// InviteAccount stores inv from the admin by and queues its email in
	// one transaction. An email that has an account is an ECONFLICT on
	// the email field; a pending invitation of the same email is
	// replaced, so its link stops working.
	InviteAccount(ctx context.Context, inv *AccountInvitation, email *Email, by int64) error
	// PendingAccountInvitations lists the invitations not accepted yet, newest
	// first, expired ones included.
	PendingAccountInvitations(ctx context.Context) ([]*AccountInvitation, error)
	// RevokeAccountInvitation withdraws the pending invitation of email.
	RevokeAccountInvitation(ctx context.Context, email string, by int64) error
	// AccountInvitationByToken returns the invitation of tokenHash if it can
	// still be accepted at now, and ErrInvitationInvalid otherwise.
	AccountInvitationByToken(ctx context.Context, tokenHash string, now time.Time) (*AccountInvitation, error)
	// AcceptAccountInvitation creates a, with the invitation's email and role,
	// and marks the invitation accepted, in one transaction; only one
	// acceptance of a link succeeds.
	AcceptAccountInvitation(ctx context.Context, tokenHash string, a *Account, now time.Time) error
}

// Event is one entry of the audit trail: who did what, to which
// statement or signature, when.
type Event struct {
	ID          int64
	StatementID *int64
	SignatureID *int64
	AccountID   *int64
	Action      string // such as "statement.open" or "signature.create"
	Detail      string
	CreatedAt   time.Time
}

// EventService reads the audit trail. Events are written by the store in
// the same transaction as the change they record.
type EventService interface {
	StatementEvents(ctx context.Context, statementID int64) ([]*Event, error)
}
