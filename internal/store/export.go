package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// signatureColumns are the columns of signatures in the order
// scanSignature reads them. Naming them, rather than letting GORM map
// each row by reflection, keeps a million-row export from spending most
// of its time working out the same mapping a million times.
const signatureColumns = "id, statement_id, signer_type, organization, org_key, signer_name, signer_title, email, " +
	"city, country, region, website, language, status, source, statement_version, member_id, " +
	"confirmed_at, approved_at, rejected_at, withdrawn_at, created_at, updated_at, flags, authorized_at"

// EachSignature calls fn with each signature matching f, ordered as
// Signatures orders them, except that the statement's lead signers come
// first: an export lists them first, as the public page does. The rows
// come from one database cursor on the read pool (one for the lead
// signers, then one for the others, in one snapshot). One signature is in
// memory at a time, whatever the size of the list; the cursor, and its
// connection, are held until the walk ends, so callers should not walk
// slowly more than a few at once.
func (db *DB) EachSignature(ctx context.Context, f signon.SignatureFilter, fn func(*signon.Signature) error) error {
	q := db.read.WithContext(ctx)
	lead, err := leadKeys(q, f.StatementID)
	if err != nil {
		return err
	}
	if f.Lead != nil || len(lead) == 0 {
		return eachSignature(q, f, lead, fn)
	}
	return q.Transaction(func(tx *gorm.DB) error {
		// Again in the snapshot the two walks share, so a mark made
		// between them neither repeats nor loses a row.
		if lead, err = leadKeys(tx, f.StatementID); err != nil {
			return err
		}
		for _, first := range []bool{true, false} {
			pass := f
			pass.Lead = &first
			if err := eachSignature(tx, pass, lead, fn); err != nil {
				return err
			}
		}
		return nil
	}, db.snapshot())
}

// snapshot is a read-only transaction that sees one moment throughout:
// PostgreSQL's repeatable read; SQLite's every transaction, which reads
// one snapshot of its WAL, takes the driver's defaults.
func (db *DB) snapshot() *sql.TxOptions {
	if db.dialect == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}

// eachSignature walks f's signatures in q, marking those of lead.
func eachSignature(q *gorm.DB, f signon.SignatureFilter, lead map[string]bool, fn func(*signon.Signature) error) error {
	order := byName
	if f.ByRegion {
		order = "country, region, " + byName
	}
	rows, err := signatureScope(q.Model(&signon.Signature{}), f).Select(signatureColumns).Order(order).Rows()
	if err != nil {
		return fmt.Errorf("store: export signatures of statement %d: %w", f.StatementID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var s signon.Signature
		err := rows.Scan(&s.ID, &s.StatementID, &s.SignerType, &s.Organization, &s.OrgKey, &s.SignerName, &s.SignerTitle, &s.Email,
			&s.City, &s.Country, &s.Region, &s.Website, &s.Language, &s.Status, &s.Source, &s.StatementVersion, &s.MemberID,
			&s.ConfirmedAt, &s.ApprovedAt, &s.RejectedAt, &s.WithdrawnAt, &s.CreatedAt, &s.UpdatedAt, &s.Flags, &s.AuthorizedAt)
		if err != nil {
			return fmt.Errorf("store: export signatures of statement %d: %w", f.StatementID, err)
		}
		normalizeSignature(&s)
		s.Lead = lead[s.OrgKey]
		if err := fn(&s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export signatures of statement %d: %w", f.StatementID, err)
	}
	return nil
}

// signatureScope narrows q to the signatures f selects: its statement,
// its statuses (approved when none are named), its place and its search.
func signatureScope(q *gorm.DB, f signon.SignatureFilter) *gorm.DB {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []signon.SignatureStatus{signon.SignatureApproved}
	}
	q = q.Where("statement_id = ? AND status IN ?", f.StatementID, statuses)
	country, region := strings.ToUpper(f.Country), strings.ToUpper(f.Region)
	if country == "" && region != "" {
		// A region code begins with its country's; naming the country
		// lets the query use the whole (statement_id, status, country,
		// region) index.
		country, _, _ = strings.Cut(region, "-")
	}
	if country != "" {
		q = q.Where("country = ?", country)
	}
	if region != "" {
		q = q.Where("region = ?", region)
	}
	if f.Member != nil {
		if *f.Member {
			q = q.Where("member_id IS NOT NULL")
		} else {
			q = q.Where("member_id IS NULL")
		}
	}
	if f.Lead != nil {
		if *f.Lead {
			q = q.Where(leadExists)
		} else {
			q = q.Where("NOT " + leadExists)
		}
	}
	switch {
	case f.Flag == signon.FlagAny:
		q = q.Where("flags <> ''")
	case f.Flag != "":
		// flags is a comma-separated list of codes, none a part of another.
		q = q.Where("(',' || flags || ',') LIKE ?", "%,"+string(f.Flag)+",%")
	}
	if pattern := containsPattern(f.Query); pattern != "" {
		q = q.Where(`list_name LIKE ? ESCAPE '\'`, pattern)
	}
	return q
}
