package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// UpdateSignature corrects the public fields of signature signatureID of
// statement statementID with edit, validated as the sign form validates,
// and records which fields changed from what to what in a
// signature.update event; by is the coordinator, or 0 for the signer
// through their private link. A signer who names another organization
// sends an approved signature back to pending where the statement asks
// a coordinator to approve it (signon.StatusAfterSignerEdit): the
// approval was for the organization first named. A new organization that
// another standing signature of the statement has is an ECONFLICT on the
// organization field. An edit that changes nothing records nothing. It
// returns the signature as stored.
func (db *DB) UpdateSignature(ctx context.Context, statementID, signatureID int64, edit signon.SignatureEdit, by int64) (*signon.Signature, error) {
	var sig signon.Signature
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		if err := st.CheckSignaturesChangeable(); err != nil {
			return err
		}
		if err := db.lockForUpdate(tx).Where("id = ? AND statement_id = ?", signatureID, statementID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		normalizeSignature(&sig)
		oldKey := sig.OrgKey
		changes, err := edit.Apply(st, &sig)
		if err != nil || len(changes) == 0 {
			return err
		}
		from := sig.Status
		if by == 0 {
			sig.Status = signon.StatusAfterSignerEdit(st, &sig, sig.OrgKey != oldKey)
		}
		sig.UpdatedAt = tx.NowFunc()
		columns := map[string]any{
			"organization": sig.Organization,
			"org_key":      sig.OrgKey,
			"signer_name":  sig.SignerName,
			"signer_title": sig.SignerTitle,
			"city":         sig.City,
			"country":      sig.Country,
			"region":       sig.Region,
			"website":      sig.Website,
			"updated_at":   sig.UpdatedAt,
		}
		if sig.Status != from {
			sig.ApprovedAt = nil
			columns["status"], columns["approved_at"] = sig.Status, nil
			changes = append(changes, signon.FieldChange{Field: "status", From: string(from), To: string(sig.Status)})
		}
		if err := tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(columns).Error; err != nil {
			if violates(err, uniqueActiveOrg) {
				return &signon.Error{Code: signon.ECONFLICT, Key: "confirm.error.org_taken",
					Message: "Another signature of this statement already names this organization.",
					Fields:  map[string]signon.Problem{"organization": {Code: signon.ProblemTaken}}}
			}
			return fmt.Errorf("store: update signature %d: %w", sig.ID, err)
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: "signature.update", Detail: signon.EncodeChanges(changes),
		})
	})
	if err != nil {
		return nil, err
	}
	return &sig, nil
}
