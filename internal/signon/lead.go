package signon

import (
	"context"
	"time"
)

// Lead signers are the organizations a statement names first, apart
// from its alphabetical list: the conveners of a letter, or the founding
// signers who sign it before it opens to the public. The mark belongs to
// an organization on a statement (by its OrgKey), so it holds for the
// organization's signature and, before it has signed, for its member on
// the roster.

// Lead events, as the audit trail names them.
const (
	EventLeadMark   = "lead.mark"
	EventLeadUnmark = "lead.unmark"
)

// TakesFoundingSignatures reports whether, at now, the statement may
// take signatures from its lead signers only, through their invitations:
// while it is a draft or scheduled to open, before the public can sign.
func (s *Statement) TakesFoundingSignatures(now time.Time) bool {
	return s.EffectiveStatus(now) == StatusDraft
}

// CheckLeadChangeable refuses marking lead signers where the list is
// final: a published statement's record names them.
func (s *Statement) CheckLeadChangeable() error {
	if s.Status == StatusPublished {
		return KeyedError(ECONFLICT, "lead.error.published", "The statement is published; its lead signers are final.")
	}
	return nil
}

// LeadService keeps the lead signers of statements.
type LeadService interface {
	// SetLead marks (lead true) or unmarks the organization of orgKey as
	// a lead signer of the statement, named name in the audit trail,
	// recording who did it. Setting what is already set does nothing.
	SetLead(ctx context.Context, statementID int64, orgKey, name string, lead bool, by int64) error
	// LeadKeys returns the organization keys of the statement's lead
	// signers.
	LeadKeys(ctx context.Context, statementID int64) (map[string]bool, error)
}
