package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/signon-coalition/signon/internal/signon"
)

// Addressees lists the statement's addressees in order.
func (db *DB) Addressees(ctx context.Context, statementID int64) ([]signon.Addressee, error) {
	var list []signon.Addressee
	err := db.read.WithContext(ctx).Where("statement_id = ?", statementID).Order("position, id").Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: addressees of statement %d: %w", statementID, err)
	}
	return list, nil
}

// SetAddressees replaces the statement's addressees with list, in its
// order, and records who changed them.
func (db *DB) SetAddressees(ctx context.Context, statementID int64, list []signon.Addressee, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := statementWhere(tx, "id = ?", statementID); err != nil {
			return err
		}
		if err := tx.Where("statement_id = ?", statementID).Delete(&signon.Addressee{}).Error; err != nil {
			return fmt.Errorf("store: clear addressees: %w", err)
		}
		for i := range list {
			list[i].ID, list[i].StatementID, list[i].Position = 0, statementID, i
		}
		if len(list) > 0 {
			if err := tx.Create(&list).Error; err != nil {
				return fmt.Errorf("store: save addressees: %w", err)
			}
		}
		return createEvent(tx, &signon.Event{StatementID: &statementID, AccountID: accountRef(by), Action: "statement.addressees"})
	})
}

// CreateDelivery stores d, its recipients and the emails that carry it
// in one transaction, with what was delivered as that transaction sees
// it: the text version, the signatory list's digest and counts, and for
// a published statement the digest of its record with d in it.
func (db *DB) CreateDelivery(ctx context.Context, d *signon.Delivery, emails []*signon.Email) error {
	if len(emails) > 0 && len(emails) != len(d.Recipients) {
		return fmt.Errorf("store: delivery: %d emails for %d recipients", len(emails), len(d.Recipients))
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := statementWhere(tx.Clauses(clause.Locking{Strength: "UPDATE"}), "id = ?", d.StatementID)
		if err != nil {
			return err
		}
		var sigs []*signon.Signature
		err = tx.Select(recordColumns).Where("statement_id = ? AND status = ?", st.ID, signon.SignatureApproved).Find(&sigs).Error
		if err != nil {
			return fmt.Errorf("store: signatories of statement %d: %w", st.ID, err)
		}
		list := signon.RecordSignatories(sigs)
		if d.SignatoriesSHA256, err = signon.SignatoriesDigest(list); err != nil {
			return err
		}
		d.Organizations, d.Individuals = 0, 0
		for _, s := range list {
			if s.SignerType == signon.SignerIndividual {
				d.Individuals++
			} else {
				d.Organizations++
			}
		}
		d.ID, d.StatementVersion, d.RecordSHA256, d.CreatedAt = 0, st.Version, "", tx.NowFunc()
		d.DeliveredAt = dbTime(d.DeliveredAt)
		if err := db.queueEmails(tx, emails...); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(d).Error; err != nil {
			return fmt.Errorf("store: create delivery: %w", err)
		}
		for i := range d.Recipients {
			r := &d.Recipients[i]
			r.ID, r.DeliveryID, r.Position, r.EmailID = 0, d.ID, i, nil
			if len(emails) > 0 {
				r.EmailID = &emails[i].ID
			}
		}
		if len(d.Recipients) > 0 {
			if err := tx.Create(&d.Recipients).Error; err != nil {
				return fmt.Errorf("store: create delivery recipients: %w", err)
			}
		}
		if st.Status == signon.StatusPublished {
			if err := sealDelivery(tx, st, d); err != nil {
				return err
			}
		}
		return createEvent(tx, &signon.Event{StatementID: &st.ID, AccountID: d.RecordedBy, Action: "statement.deliver", Detail: string(d.Method)})
	})
}

// sealDelivery fixes the digest of the published record of st with d,
// just stored in tx, as its last delivery.
func sealDelivery(tx *gorm.DB, st *signon.Statement, d *signon.Delivery) error {
	rec, err := statementRecord(tx, st)
	if err != nil {
		return err
	}
	canonical, err := rec.Canonical()
	if err != nil {
		return fmt.Errorf("store: record of statement %d: %w", st.ID, err)
	}
	d.RecordSHA256 = signon.RecordDigest(canonical)
	return tx.Model(&signon.Delivery{}).Where("id = ?", d.ID).Update("record_sha256", d.RecordSHA256).Error
}

// Deliveries lists the statement's deliveries, oldest first, with their
// recipients.
func (db *DB) Deliveries(ctx context.Context, statementID int64) ([]*signon.Delivery, error) {
	return deliveriesOf(db.read.WithContext(ctx), statementID)
}

func deliveriesOf(tx *gorm.DB, statementID int64) ([]*signon.Delivery, error) {
	var list []*signon.Delivery
	err := tx.Where("statement_id = ?", statementID).Order("delivered_at, id").
		Preload("Recipients", func(q *gorm.DB) *gorm.DB { return q.Order("position, id") }).
		Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: deliveries of statement %d: %w", statementID, err)
	}
	for _, d := range list {
		dbTimes(&d.DeliveredAt, &d.CreatedAt)
	}
	return list, nil
}

// RetryEmail queues again an email whose delivery failed, with a new
// delivery job, in one transaction.
func (db *DB) RetryEmail(ctx context.Context, id int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var e signon.Email
		if err := tx.Omit("attachment").Where("id = ?", id).Take(&e).Error; err != nil {
			return notFound(err, "Email not found.")
		}
		if e.Status != signon.EmailFailed {
			return signon.KeyedError(signon.ECONFLICT, "delivery.error.not_failed", "This email has not failed; there is nothing to retry.")
		}
		res := tx.Model(&signon.Email{}).Where("id = ? AND status = ?", id, signon.EmailFailed).Update("status", signon.EmailQueued)
		if res.Error != nil {
			return fmt.Errorf("store: retry email %d: %w", id, res.Error)
		}
		return db.enqueueDeliveries(tx, &e)
	})
}

// SignerCounts counts the statement's approved signatures by signer type
// and the places they come from.
func (db *DB) SignerCounts(ctx context.Context, statementID int64) (signon.SignerCounts, error) {
	var c struct {
		Organizations, Individuals, Regions, Countries int
	}
	err := db.read.WithContext(ctx).Raw(`SELECT
		COALESCE(SUM(CASE WHEN signer_type = ? THEN 1 ELSE 0 END), 0) AS organizations,
		COALESCE(SUM(CASE WHEN signer_type = ? THEN 1 ELSE 0 END), 0) AS individuals,
		COUNT(DISTINCT NULLIF(region, '')) AS regions,
		COUNT(DISTINCT NULLIF(country, '')) AS countries
		FROM signatures WHERE statement_id = ? AND status = ?`,
		signon.SignerOrganization, signon.SignerIndividual, statementID, signon.SignatureApproved).Scan(&c).Error
	if err != nil {
		return signon.SignerCounts{}, fmt.Errorf("store: signer counts of statement %d: %w", statementID, err)
	}
	return signon.SignerCounts(c), nil
}
