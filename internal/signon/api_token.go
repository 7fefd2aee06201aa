package signon

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// APIToken lets a coalition's other tools, such as its CRM, read what a
// coordinator may read, without the coordinator's password or session.
// It acts for its account, only while the account is enabled, and only
// reads; StatementID, when set, limits it to one statement. Signon keeps
// the SHA-256 of the token, never the token, which its creator sees once.
type APIToken struct {
	ID          int64
	AccountID   int64
	StatementID *int64
	Name        string
	TokenHash   string
	Scope       string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// ScopeRead is the one scope of API tokens: reading.
const ScopeRead = "read"

// MaxAPITokenName bounds a token's name, which says where it is used.
const MaxAPITokenName = 100

// APITokenInput is what a coordinator fills in to create a token.
type APITokenInput struct {
	Name        string
	StatementID int64 // 0 for every statement the coordinator may read
}

// NewAPIToken checks in and returns the token of account accountID with
// tokenHash, made at now.
func NewAPIToken(in APITokenInput, accountID int64, tokenHash string, now time.Time) (*APIToken, error) {
	name := collapseSpace(strings.TrimSpace(in.Name))
	p := Problems{}
	switch {
	case name == "":
		p.Add("name", ProblemRequired, 0)
	case utf8.RuneCountInString(name) > MaxAPITokenName:
		p.Add("name", ProblemTooLong, MaxAPITokenName)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	t := &APIToken{AccountID: accountID, Name: name, TokenHash: tokenHash, Scope: ScopeRead, CreatedAt: now}
	if in.StatementID != 0 {
		id := in.StatementID
		t.StatementID = &id
	}
	return t, nil
}

// Covers reports whether t may read statement statementID: a token made
// for one statement reads no other.
func (t *APIToken) Covers(statementID int64) bool {
	return t.StatementID == nil || *t.StatementID == statementID
}

// APITokenService stores API tokens.
type APITokenService interface {
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokens lists the tokens of an account, revoked ones too, newest first.
	APITokens(ctx context.Context, accountID int64) ([]*APIToken, error)
	// RevokeAPIToken revokes token id of account accountID at now.
	RevokeAPIToken(ctx context.Context, accountID, id int64, now time.Time) error
	// APITokenAccount returns the token with tokenHash and its account,
	// noting that it was used at now; an unknown or revoked token, or
	// one of a disabled account, is ErrInvalidAPIToken.
	APITokenAccount(ctx context.Context, tokenHash string, now time.Time) (*APIToken, *Account, error)
}
