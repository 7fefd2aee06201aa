package signon

import (
	"context"
	"strconv"
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

// SignerEdited applies to sig, just corrected by its signer through
// their private link (orgChanged when the organization key changed),
// what the correction means for where it stands, and returns what
// changed beyond the fields, for the audit trail. A correction is judged
// as a new signature would be, with the same confirmation:
//
//   - A new organization is no member's by invitation: the invitation
//     proved only that its member was asked to sign. The signature
//     leaves the member it was linked to (the store links it again to
//     the member the new name is, if any, as it does any signature by
//     name) and stops being one made through an invitation, so its
//     confirmation and review follow the rules for anyone.
//   - An approved signature goes back to pending where a new one like
//     it would await a coordinator: what a coordinator reviewed is not
//     what the signer now shows.
//
// A signature awaiting confirmation or review stays so; none is
// approved by a correction.
func SignerEdited(st *Statement, sig *Signature, orgChanged bool) []FieldChange {
	var changes []FieldChange
	if orgChanged {
		if sig.MemberID != nil {
			changes = append(changes, FieldChange{Field: "member", From: strconv.FormatInt(*sig.MemberID, 10)})
			sig.MemberID = nil
		}
		if sig.Source == SourceInvite {
			changes = append(changes, FieldChange{Field: "source", From: string(sig.Source), To: string(SourceForm)})
			sig.Source = SourceForm
		}
	}
	if sig.Status == SignatureApproved && InitialStatus(st, sig.SignsAsMember(), true, sig.Flags) == SignaturePending {
		changes = append(changes, FieldChange{Field: "status", From: string(sig.Status), To: string(SignaturePending)})
		sig.Status, sig.ApprovedAt = SignaturePending, nil
	}
	return changes
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
