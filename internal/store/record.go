package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// SetPublicURL sets the public address of the site, such as
// https://sign.example.org, which a record made at publication names as
// the statement's address. Call it before serving; "" leaves the address
// a bare path, as the JSON API does without one.
func (db *DB) SetPublicURL(base string) {
	db.publicURL = base
}

// recordColumns are the signature columns a record reads: the public ones
// and what orders them. The email is never even loaded.
var recordColumns = []string{
	"id", "statement_id", "signer_type", "organization", "org_key", "signer_name", "signer_title",
	"city", "country", "region", "website", "status", "statement_version",
}

// statementRecord builds the record of st from its approved signatures and
// its deliveries as tx sees them. It is the one place a record is made, at publication and
// whenever it is asked for, so both give the same bytes for the same rows.
func statementRecord(tx *gorm.DB, st *signon.Statement) (*signon.Record, error) {
	var list []*signon.Signature
	err := tx.Select(recordColumns).
		Where("statement_id = ? AND status = ?", st.ID, signon.SignatureApproved).
		Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: signatories of statement %d: %w", st.ID, err)
	}
	if err := markLead(tx, st.ID, list); err != nil {
		return nil, err
	}
	rec, err := signon.NewRecord(st, list)
	if err != nil {
		return nil, err
	}
	deliveries, err := deliveriesOf(tx, st.ID)
	if err != nil {
		return nil, err
	}
	rec.AddDeliveries(deliveries)
	return rec, nil
}

// sealRecord fixes the record of s, which tx is publishing: the address it
// names and the digest of its canonical bytes, stored on the statement in
// the same transaction, so the signatories counted are exactly those the
// publication froze.
func (db *DB) sealRecord(tx *gorm.DB, s *signon.Statement) error {
	s.RecordURL = db.publicURL + "/s/" + s.Slug
	rec, err := statementRecord(tx, s)
	if err != nil {
		return err
	}
	canonical, err := rec.Canonical()
	if err != nil {
		return fmt.Errorf("store: record of statement %d: %w", s.ID, err)
	}
	s.RecordSHA256 = signon.RecordDigest(canonical)
	return nil
}

// StatementRecord builds the published record of statement id from what is
// stored now, in one read transaction so the statement and its signatories
// come from the same moment.
func (db *DB) StatementRecord(ctx context.Context, id int64) (*signon.Record, error) {
	var rec *signon.Record
	err := db.read.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := statementWhere(tx, "id = ?", id)
		if err != nil {
			return err
		}
		rec, err = statementRecord(tx, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}
