package signon

import (
	"context"
	"time"
)

// A signer has no account: what they do after signing (confirm their
// address, correct or withdraw their signature) goes through private
// links the emails carry. Only the SHA-256 of a link's token is stored.

// TokenPurpose says what a signer's private link is for.
type TokenPurpose string

const (
	// TokenConfirm confirms the signer's address: single use, it expires
	// after ConfirmTokenLifetime, and a new confirmation email replaces it.
	TokenConfirm TokenPurpose = "confirm"
	// TokenManage lets the signer read their signature and, while the
	// statement is open, correct or withdraw it.
	TokenManage TokenPurpose = "manage"
)

// Lifetimes of the signer's links. A manage link is refused once the
// statement is closed for changes whatever its expiry; the expiry only
// bounds how long a leaked link can show the signature.
const (
	ConfirmTokenLifetime = 7 * 24 * time.Hour
	ManageTokenLifetime  = 2 * 365 * 24 * time.Hour
)

// Confirmation emails are limited per signature, so the resend form
// cannot be used to flood someone's inbox: at most ConfirmEmailsPerWindow
// in any ConfirmEmailWindow, the first one included.
const (
	ConfirmEmailsPerWindow = 3
	ConfirmEmailWindow     = 24 * time.Hour
)

// SignatureToken is one private link of a signer.
type SignatureToken struct {
	TokenHash   string
	SignatureID int64
	Purpose     TokenPurpose
	ExpiresAt   time.Time
	UsedAt      *time.Time
	CreatedAt   time.Time
}

// NewSignatureToken is the token of purpose whose hash is hash, created
// at now.
func NewSignatureToken(hash string, purpose TokenPurpose, now time.Time) *SignatureToken {
	life := ManageTokenLifetime
	if purpose == TokenConfirm {
		life = ConfirmTokenLifetime
	}
	return &SignatureToken{TokenHash: hash, Purpose: purpose, ExpiresAt: now.Add(life), CreatedAt: now}
}

// ErrInvalidLink is the one answer to a confirmation or private link
// that is unknown, used or expired: telling them apart would tell a
// guesser which links once existed.
func ErrInvalidLink() error {
	return KeyedError(ENOTFOUND, "confirm.error.invalid_link", "This link is not valid: it may have been used already or have expired.")
}

// ErrConfirmClosed refuses a confirmation that comes after the
// statement stopped taking signatures.
func ErrConfirmClosed() error {
	return KeyedError(ECONFLICT, "confirm.error.closed", "This statement is no longer open for signatures, so your signature can no longer be confirmed.")
}

// StatusAfterSignerEdit is the status of sig after its signer corrected
// it through their private link. A coordinator approved a signature for
// the organization it named: when the signer names another organization
// on a statement where that organization's signature would await a
// coordinator, it goes back to pending. The organization now named is
// no member's as far as signing goes, even when the signature came
// through a member's invitation: the invitation vouched for the member's
// name only. Other corrections keep the status.
func StatusAfterSignerEdit(st *Statement, sig *Signature, orgChanged bool) SignatureStatus {
	if orgChanged && sig.Status == SignatureApproved && InitialStatus(st, false, true) == SignaturePending {
		return SignaturePending
	}
	return sig.Status
}

// SignerService is what a signer does through their private links.
type SignerService interface {
	// SignatureByToken returns the signature whose unused, unexpired
	// link of purpose has hash, or ErrInvalidLink.
	SignatureByToken(ctx context.Context, hash string, purpose TokenPurpose, now time.Time) (*Signature, error)
	// ConfirmSignature confirms the signature of the confirm link hash:
	// it moves to the status the statement's policy gives a confirmed
	// signature, and the link is used up.
	ConfirmSignature(ctx context.Context, hash string, now time.Time) (*Signature, error)
	// UnconfirmedSignatures lists the signatures awaiting confirmation
	// with address email, of statementID or, for 0, of any statement.
	UnconfirmedSignatures(ctx context.Context, email string, statementID int64) ([]*Signature, error)
	// ResendConfirmation replaces the unused confirm links of signature
	// id by the new tokens and queues e, which carries them, unless
	// ConfirmEmailsPerWindow confirmation emails went to it in the last
	// ConfirmEmailWindow; it reports whether e was queued.
	ResendConfirmation(ctx context.Context, id int64, tokens []*SignatureToken, e *Email) (bool, error)
	// SignatureListed reports whether the statement's public list holds
	// an approved signature of the organization key.
	SignatureListed(ctx context.Context, statementID int64, orgKey string) (bool, error)
}

// LinkOnAnswer reports whether a new signature of status on st gets its
// private link (to correct or withdraw it) on the answer to the signer,
// with no email, rather than by email. Only a signature counted at once
// on a list the public sees now qualifies: a second signature of its
// organization is then answered "already signed", which the list shows
// anyway. Where the organization's standing signature is hidden
// (awaiting confirmation or review, or a list shown only when
// published), a second one must get the answer a new one gets, and a
// link on it, that would not work, would tell the difference; there the
// email carries the link, and a confirmation needs an email anyway.
func LinkOnAnswer(st *Statement, status SignatureStatus, now time.Time) bool {
	return status == SignatureApproved && st.SignatoriesPublic(now)
}
