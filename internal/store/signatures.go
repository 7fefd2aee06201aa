package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// Page sizes for Signatures.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// byName orders signatories as the public list shows them: by list_name
// (migration 00003), the name shown first folded for case and accents,
// with the id to keep pages stable. After country and region it is the
// order of signatures_list_idx, so a page is read in index order.
const byName = "list_name, id"

// CreateSignature stores sig with the signer's private links, tokens
// (whose SignatureID it sets), and the emails that carry them (whose
// StatementID and SignatureID it sets), all in one transaction: a
// refused signature leaves no link and sends no email. A signature
// without a MemberID is linked to the roster member its organization
// names, if any (see memberIDByOrgKey). A second standing
// signature (unconfirmed, pending or approved) from the same organization
// is refused by a partial unique index, so two people signing for one
// group at the same moment cannot both get in.
//
// On PostgreSQL a signature without emails, as most are in a surge, is
// one statement and one round trip (see createSignaturePostgres).
func (db *DB) CreateSignature(ctx context.Context, sig *signon.Signature, tokens []*signon.SignatureToken, emails ...*signon.Email) error {
	orig := *sig
	now := db.gorm.NowFunc()
	sig.CreatedAt, sig.UpdatedAt = now, now
	// An import may bring signatures already decided; each status
	// carries the time it was reached.
	switch {
	case sig.Status == signon.SignatureApproved && sig.ApprovedAt == nil:
		sig.ApprovedAt = &now
	case sig.Status == signon.SignatureRejected && sig.RejectedAt == nil:
		sig.RejectedAt = &now
	case sig.Status == signon.SignatureWithdrawn && sig.WithdrawnAt == nil:
		sig.WithdrawnAt = &now
	}
	normalizeSignature(sig)
	for _, t := range tokens {
		t.UsedAt = nil
		dbTimes(&t.ExpiresAt, &t.CreatedAt)
	}
	var err error
	switch {
	case db.dialect == Postgres && len(emails) == 0:
		err = db.createSignaturePostgres(db.gorm.WithContext(ctx), sig, tokens)
	case db.dialect == Postgres:
		err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := db.createSignaturePostgres(tx, sig, tokens); err != nil {
				return err
			}
			return db.queueSignatureEmails(tx, sig, emails)
		})
	default:
		err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return db.createSignature(tx, sig, tokens, emails)
		})
	}
	if err != nil {
		*sig = orig
	}
	return err
}

// createSignature is CreateSignature in tx, a statement at a time: on
// SQLite, in the process, a statement costs no round trip.
func (db *DB) createSignature(tx *gorm.DB, sig *signon.Signature, tokens []*signon.SignatureToken, emails []*signon.Email) error {
	// A published statement's list is sealed by its record's digest, so
	// a signature posted across the publish must not land. (SQLite's one
	// writer orders it against TransitionStatement.)
	var status signon.Status
	err := tx.Model(&signon.Statement{}).Select("status").Where("id = ?", sig.StatementID).Scan(&status).Error
	if err != nil {
		return fmt.Errorf("store: create signature: %w", err)
	}
	if err := statementTakesSignatures(status); err != nil {
		return err
	}
	if sig.MemberID == nil {
		id, err := memberIDByOrgKey(tx, sig.OrgKey)
		if err != nil {
			return err
		}
		sig.MemberID = id
	}
	if err := tx.Create(sig).Error; err != nil {
		switch {
		case violates(err, uniqueActiveOrg):
			return signon.ErrAlreadySigned
		case violatesForeignKey(err): // the statement deleted meanwhile
			return signon.Errorf(signon.ENOTFOUND, "Statement not found.")
		}
		return fmt.Errorf("store: create signature: %w", err)
	}
	if err := createTokens(tx, sig.ID, tokens); err != nil {
		return err
	}
	if err := db.queueSignatureEmails(tx, sig, emails); err != nil {
		return err
	}
	return createEvent(tx, &signon.Event{
		StatementID: &sig.StatementID, SignatureID: &sig.ID, Action: "signature.create", Detail: string(sig.Status), CreatedAt: sig.CreatedAt,
	})
}

// statementTakesSignatures says why a statement of status, "" for none,
// can take no new signature, if it cannot.
func statementTakesSignatures(status signon.Status) error {
	switch status {
	case "":
		return signon.Errorf(signon.ENOTFOUND, "Statement not found.")
	case signon.StatusPublished:
		return signon.ErrNotOpen
	}
	return nil
}

func (db *DB) queueSignatureEmails(tx *gorm.DB, sig *signon.Signature, emails []*signon.Email) error {
	for _, e := range emails {
		e.StatementID, e.SignatureID = &sig.StatementID, &sig.ID
	}
	return db.queueEmails(tx, emails...)
}

// createSignaturePostgres stores sig, its tokens and its signature.create
// event in one statement, through q (a transaction, or the pool for a
// statement of its own, which PostgreSQL makes atomic): the checks and
// writes CreateSignature makes one by one elsewhere, in one round trip
// instead of seven. The statement's row is read FOR SHARE, which waits
// for a publish holding it FOR UPDATE and then sees the statement
// published; ON CONFLICT DO NOTHING on the index of standing signatures
// tells a second signature of an organization without an error (and
// waits, like the index, for a racing one to commit or roll back).
func (db *DB) createSignaturePostgres(q *gorm.DB, sig *signon.Signature, tokens []*signon.SignatureToken) error {
	var query strings.Builder
	query.WriteString(`WITH st AS (
    SELECT id FROM statements WHERE id = ? AND status <> 'published' FOR SHARE
), sig AS (
    INSERT INTO signatures (statement_id, signer_type, organization, org_key, signer_name, signer_title, email,
        city, country, region, website, language, status, source, statement_version, member_id,
        rejection_reason, merged_into_id, confirmed_at, approved_at, rejected_at, withdrawn_at, created_at, updated_at,
        authority_text, authority_language, authorized_at, flags)
    SELECT st.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        coalesce(?::bigint, (SELECT id FROM members WHERE org_key = ? AND org_key <> '' LIMIT 1)),
        ?, ?::bigint, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, ?,
        ?, ?, ?::timestamptz, ?
    FROM st
    ON CONFLICT (statement_id, org_key) WHERE status IN ('unconfirmed', 'pending', 'approved') DO NOTHING
    RETURNING id, statement_id, status, member_id
), event AS (
    INSERT INTO events (statement_id, signature_id, action, detail, created_at)
    SELECT statement_id, id, 'signature.create', status, ? FROM sig
)`)
	args := []any{sig.StatementID,
		sig.SignerType, sig.Organization, sig.OrgKey, sig.SignerName, sig.SignerTitle, sig.Email,
		sig.City, sig.Country, sig.Region, sig.Website, sig.Language, sig.Status, sig.Source, sig.StatementVersion,
		sig.MemberID, sig.OrgKey,
		sig.RejectionReason, sig.MergedIntoID, sig.ConfirmedAt, sig.ApprovedAt, sig.RejectedAt, sig.WithdrawnAt, sig.CreatedAt, sig.UpdatedAt,
		sig.AuthorityText, sig.AuthorityLanguage, sig.AuthorizedAt, sig.Flags,
		sig.CreatedAt}
	if len(tokens) > 0 {
		query.WriteString(`, tokens AS (
    INSERT INTO signature_tokens (token_hash, signature_id, purpose, expires_at, created_at)
    SELECT t.token_hash, sig.id, t.purpose, t.expires_at, t.created_at FROM sig, (VALUES `)
		for i, t := range tokens {
			if i > 0 {
				query.WriteString(", ")
			}
			query.WriteString("(?, ?, ?::timestamptz, ?::timestamptz)")
			args = append(args, t.TokenHash, t.Purpose, t.ExpiresAt, t.CreatedAt)
		}
		query.WriteString(`) AS t (token_hash, purpose, expires_at, created_at)
)`)
	}
	query.WriteString(`
SELECT (SELECT id FROM sig) AS id, (SELECT member_id FROM sig) AS member_id, EXISTS (SELECT 1 FROM st) AS open`)
	var row struct {
		ID       *int64
		MemberID *int64
		Open     bool
	}
	if err := q.Raw(query.String(), args...).Scan(&row).Error; err != nil {
		return fmt.Errorf("store: create signature: %w", err)
	}
	switch {
	case row.ID != nil:
		sig.ID, sig.MemberID = *row.ID, row.MemberID
		for _, t := range tokens {
			t.SignatureID = sig.ID
		}
		return nil
	case row.Open:
		return signon.ErrAlreadySigned
	}
	// Missing or published: a second look, on the refused path only,
	// says which.
	var status signon.Status
	err := q.Model(&signon.Statement{}).Select("status").Where("id = ?", sig.StatementID).Scan(&status).Error
	if err != nil {
		return fmt.Errorf("store: create signature: %w", err)
	}
	if err := statementTakesSignatures(status); err != nil {
		return err
	}
	return signon.ErrNotOpen
}

// Signatures lists a page of a statement's signatures in name order and
// returns the number matching f across all pages.
func (db *DB) Signatures(ctx context.Context, f signon.SignatureFilter) ([]*signon.Signature, int, error) {
	page, perPage := max(f.Page, 1), f.PerPage
	switch {
	case perPage <= 0:
		perPage = DefaultPerPage
	case perPage > MaxPerPage:
		perPage = MaxPerPage
	}
	var list []*signon.Signature
	if err := db.signaturePage(ctx, f, page, perPage).Find(&list).Error; err != nil {
		return nil, 0, fmt.Errorf("store: list signatures: %w", err)
	}
	for _, s := range list {
		normalizeSignature(s)
	}
	if err := markLead(db.read.WithContext(ctx), f.StatementID, list); err != nil {
		return nil, 0, err
	}
	// A page that is neither full nor past the end is the last one, and
	// tells the total without a count: a search for one organization's
	// name would otherwise read the whole list a second time to count it.
	total := int64((page-1)*perPage + len(list))
	if len(list) == perPage || len(list) == 0 && page > 1 {
		err := signatureScope(db.read.WithContext(ctx).Model(&signon.Signature{}), f).Count(&total).Error
		if err != nil {
			return nil, 0, fmt.Errorf("store: count signatures: %w", err)
		}
	}
	return list, int(total), nil
}

// signaturePage is the query of page (from 1) of f's signatures. The
// page's ids come from signatures_list_idx alone, which holds every
// column the filter and the order read, so the rows skipped before page
// 1,000 are never read from the table; only the page's own rows are.
func (db *DB) signaturePage(ctx context.Context, f signon.SignatureFilter, page, perPage int) *gorm.DB {
	order := byName
	if f.ByRegion {
		order = "country, region, " + byName
	}
	ids := signatureScope(db.read.WithContext(ctx).Model(&signon.Signature{}), f).
		Select("id").Order(order).Limit(perPage).Offset((page - 1) * perPage)
	return db.read.WithContext(ctx).Where("id IN (?)", ids).Order(order)
}

// signatureActions names the audit event of each status a coordinator
// or signer may set (see signon.CanMove).
var signatureActions = map[signon.SignatureStatus]string{
	signon.SignatureApproved:  "signature.approve",
	signon.SignatureRejected:  "signature.reject",
	signon.SignatureWithdrawn: "signature.withdraw",
}

// SetSignatureStatus moves signature signatureID of statement statementID
// to status at now, recording by (0 when the signer acts through a link,
// not an account). Setting the status a signature already has does
// nothing, so a button pressed twice is not an error. An approval or a
// rejection is DecideSignatures' on one signature (signon.OneDecision),
// whichever screen makes it: approving a rejected signature while
// another of the same organization stands is signon.ErrAlreadySigned.
func (db *DB) SetSignatureStatus(ctx context.Context, statementID, signatureID int64, status signon.SignatureStatus, now time.Time, by int64) error {
	switch status {
	case signon.SignatureApproved, signon.SignatureRejected:
		return signon.OneDecision(db.DecideSignatures(ctx, statementID, []int64{signatureID}, status, "", now, by))
	case signon.SignatureWithdrawn:
		return db.withdrawSignature(ctx, statementID, signatureID, now, by)
	}
	return signon.Errorf(signon.EINVALID, "A signature can be approved, rejected or withdrawn, not set to %q.", status)
}

// withdrawSignature withdraws signature signatureID of the statement at
// now, for its signer (by 0): it leaves the list and the counts at once.
func (db *DB) withdrawSignature(ctx context.Context, statementID, signatureID int64, now time.Time, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The statement's lock orders this change after a publish that
		// has just frozen the list, or before one about to.
		if _, err := db.changeableStatement(tx, statementID); err != nil {
			return err
		}
		var sig signon.Signature
		if err := db.forUpdate(tx).Where("id = ? AND statement_id = ?", signatureID, statementID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		if sig.Status == signon.SignatureWithdrawn {
			return nil
		}
		if !signon.CanMove(sig.Status, signon.SignatureWithdrawn) {
			return signon.Errorf(signon.ECONFLICT, "A signature that is %s cannot be withdrawn.", sig.Status)
		}
		// As in TransitionStatement, updated_at and the event follow the
		// database's clock, the withdrawal's time the caller's.
		changes := map[string]any{"status": signon.SignatureWithdrawn, "updated_at": tx.NowFunc(), "withdrawn_at": dbTime(now)}
		if err := tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(changes).Error; err != nil {
			return fmt.Errorf("store: withdraw signature %d: %w", sig.ID, err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: signatureActions[signon.SignatureWithdrawn], Detail: string(sig.Status) + " → " + string(signon.SignatureWithdrawn),
		})
	})
}

func normalizeSignature(s *signon.Signature) {
	dbTimes(&s.CreatedAt, &s.UpdatedAt)
	dbTimePtrs(&s.ConfirmedAt, &s.ApprovedAt, &s.RejectedAt, &s.WithdrawnAt, &s.ErasedAt, &s.AuthorizedAt)
}
