package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// leadExists is the SQL condition that the signatures row is one of its
// statement's lead signers.
const leadExists = "EXISTS (SELECT 1 FROM lead_signers l WHERE l.statement_id = signatures.statement_id AND l.org_key = signatures.org_key)"

// SetLead marks or unmarks the organization of orgKey as a lead signer of
// statement statementID, under the statement's lock, with an event. A
// change of what the public list shows counts as a change of the
// statement's signatures (CountsVersion), as a correction does: a zero
// delta for each approved signature of the organization.
func (db *DB) SetLead(ctx context.Context, statementID int64, orgKey, name string, lead bool, by int64) error {
	if orgKey == "" {
		return signon.Errorf(signon.EINVALID, "An organization is required.")
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		if err := st.CheckLeadChangeable(); err != nil {
			return err
		}
		action := signon.EventLeadUnmark
		var res *gorm.DB
		if lead {
			action = signon.EventLeadMark
			res = tx.Exec(`INSERT INTO lead_signers (statement_id, org_key, created_by, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (statement_id, org_key) DO NOTHING`, statementID, orgKey, accountRef(by), dbTime(tx.NowFunc()))
		} else {
			res = tx.Exec(`DELETE FROM lead_signers WHERE statement_id = ? AND org_key = ?`, statementID, orgKey)
		}
		if res.Error != nil {
			return fmt.Errorf("store: lead signer of statement %d: %w", statementID, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		err = tx.Exec(`INSERT INTO signature_count_deltas (statement_id, country, region, n)
SELECT statement_id, country, region, 0 FROM signatures WHERE statement_id = ? AND org_key = ? AND status = ?`,
			statementID, orgKey, signon.SignatureApproved).Error
		if err != nil {
			return fmt.Errorf("store: lead signer of statement %d: %w", statementID, err)
		}
		return createEvent(tx, &signon.Event{StatementID: &statementID, AccountID: accountRef(by), Action: action, Detail: name})
	})
}

// LeadKeys returns the organization keys of statement statementID's lead
// signers.
func (db *DB) LeadKeys(ctx context.Context, statementID int64) (map[string]bool, error) {
	return leadKeys(db.read.WithContext(ctx), statementID)
}

func leadKeys(tx *gorm.DB, statementID int64) (map[string]bool, error) {
	var keys []string
	err := tx.Session(&gorm.Session{NewDB: true}).Table("lead_signers").
		Where("statement_id = ?", statementID).Pluck("org_key", &keys).Error
	if err != nil {
		return nil, fmt.Errorf("store: lead signers of statement %d: %w", statementID, err)
	}
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, nil
}

// markLead sets Lead on each of list, signatures of statement
// statementID.
func markLead(tx *gorm.DB, statementID int64, list []*signon.Signature) error {
	if len(list) == 0 {
		return nil
	}
	keys, err := leadKeys(tx, statementID)
	if err != nil {
		return err
	}
	for _, s := range list {
		s.Lead = keys[s.OrgKey]
	}
	return nil
}
