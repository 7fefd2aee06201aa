package signon

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Personal data is kept while it serves the statement: to confirm a
// signature, reach its signer, correct or withdraw it. Some time after
// the statement closes, what the published record does not need is
// erased (see docs/operations.md, "Retention"); an administrator may
// erase one signature's earlier, on its signer's request.

const (
	// DefaultRetentionMonths is how long after a statement closes the
	// personal data of its signatures is kept when the statement does not
	// say (RetentionMonths 0).
	DefaultRetentionMonths = 6
	// MaxRetentionMonths is the longest retention a statement may set:
	// ten years.
	MaxRetentionMonths = 120
	// MaxErasureReason is the longest reason an erasure may carry.
	MaxErasureReason = 500
)

// ProblemRetentionMonths: the retention is not a whole number of months
// from 0 to MaxRetentionMonths (Limit).
const ProblemRetentionMonths = "retention_months"

// checkRetentionMonths adds a problem when months is out of range.
func checkRetentionMonths(p Problems, months int) {
	if months < 0 || months > MaxRetentionMonths {
		p.Add("retention_months", ProblemRetentionMonths, MaxRetentionMonths)
	}
}

// Retention is how many months after closing the statement keeps its
// signers' personal data: RetentionMonths, or the default for 0.
func (s *Statement) Retention() int {
	if s.RetentionMonths <= 0 {
		return DefaultRetentionMonths
	}
	return s.RetentionMonths
}

// ErasureDue reports when the personal data of s's signatures is to be
// erased, and whether that time is known: only a statement closed (or
// published after closing) has one. A statement reopened is open again
// and keeps its data until it closes anew.
func (s *Statement) ErasureDue() (time.Time, bool) {
	if (s.Status != StatusClosed && s.Status != StatusPublished) || s.ClosedAt == nil {
		return time.Time{}, false
	}
	return s.ClosedAt.AddDate(0, s.Retention(), 0), true
}

// KeepsPublicFields reports whether erasing the personal data of a
// signature with status keeps what the public list and the published
// record show of it (the signer's name and title, city and website):
// only an approved signature is public. Of every other signature only
// the organization, its place and the history of its status remain.
func KeepsPublicFields(status SignatureStatus) bool {
	return status == SignatureApproved
}

// StatusesKeepingPublicFields lists the signature statuses for which
// KeepsPublicFields is keep, for a store erasing many signatures at once.
func StatusesKeepingPublicFields(keep bool) []SignatureStatus {
	var out []SignatureStatus
	for _, s := range []SignatureStatus{SignatureUnconfirmed, SignaturePending, SignatureApproved, SignatureRejected, SignatureWithdrawn} {
		if KeepsPublicFields(s) == keep {
			out = append(out, s)
		}
	}
	return out
}

// CheckErasureReason validates the reason an administrator gives for
// erasing a signature's personal data: it is required, so the audit
// trail says why. It returns the reason as stored, spaces collapsed.
func CheckErasureReason(reason string) (string, error) {
	reason = collapseSpace(strings.TrimSpace(reason))
	p := Problems{}
	switch {
	case reason == "":
		p.Add("reason", ProblemRequired, 0)
	case utf8.RuneCountInString(reason) > MaxErasureReason:
		p.Add("reason", ProblemTooLong, MaxErasureReason)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return reason, nil
}

// ErasureCounts is what one erasure touched, for the audit trail: how
// many rows, never what they held.
type ErasureCounts struct {
	Signatures  int64 `json:"signatures"`    // signatures whose personal data was erased
	Tokens      int64 `json:"links"`         // private links (confirm, manage) deleted
	Invitations int64 `json:"invitations"`   // invitation links of the statement deleted
	Emails      int64 `json:"emails"`        // emails of the outbox emptied
	Events      int64 `json:"audit_details"` // audit details naming erased data emptied
}

// Total is the number of rows touched.
func (c ErasureCounts) Total() int64 {
	return c.Signatures + c.Tokens + c.Invitations + c.Emails + c.Events
}

// PrivacyService erases personal data.
type PrivacyService interface {
	// EraseSignature erases the personal data of signature id of the
	// statement at now, on by's request for reason.
	EraseSignature(ctx context.Context, statementID, id int64, reason string, now time.Time, by int64) (ErasureCounts, error)
	// ErasePastRetention erases the personal data of the statements
	// whose retention has ended by now, and returns what it erased of
	// each.
	ErasePastRetention(ctx context.Context, now time.Time) (map[int64]ErasureCounts, error)
}
