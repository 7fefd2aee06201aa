package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/signon-coalition/signon/internal/signon"
)

// Erasing personal data (signon/privacy.go): the daily retention job
// erases it from the signatures of statements closed longer than their
// retention, and an administrator from one signature on request. Both
// erase the same things, in the same transaction as the audit event
// that says so: the signer's email; of a signature the public does not
// see, its signer's name, title, city and website too; its private
// links; the emails the outbox holds for it; and the corrections the
// audit trail recorded of it. What the public list and the published
// record show of an approved signature stays, so a published record
// still matches its digest.

// Audit actions of erasures.
const (
	ActionRetention      = "privacy.retention"
	ActionErase          = "signature.erase"
	erasedEmailLastError = "personal data erased"
)

// privateColumns are erased from every signature; publicColumns from
// those the public does not see (signon.KeepsPublicFields).
var (
	privateColumns = []string{"email"}
	publicColumns  = []string{"signer_name", "signer_title", "city", "website"}
)

// ErasePastRetention erases the personal data of the signatures of every
// statement whose retention ended by now, one statement per transaction,
// and records for each an event with the counts. It returns the counts
// of the statements it touched; a statement with nothing left to erase
// gets no event.
func (db *DB) ErasePastRetention(ctx context.Context, now time.Time) (map[int64]signon.ErasureCounts, error) {
	var list []*signon.Statement
	err := db.read.WithContext(ctx).Select("id", "status", "closed_at", "retention_months").
		Where("status IN ? AND closed_at IS NOT NULL", []signon.Status{signon.StatusClosed, signon.StatusPublished}).
		Where("EXISTS (SELECT 1 FROM signatures WHERE signatures.statement_id = statements.id AND signatures.erased_at IS NULL)").
		Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: statements past retention: %w", err)
	}
	out := map[int64]signon.ErasureCounts{}
	for _, st := range list {
		normalizeStatement(st)
		if due, ok := st.ErasureDue(); !ok || due.After(now) {
			continue
		}
		counts, err := db.eraseStatement(ctx, st.ID, now)
		if err != nil {
			return out, err
		}
		if counts.Total() > 0 {
			out[st.ID] = counts
		}
	}
	return out, nil
}

// eraseStatement erases what ErasePastRetention erases of statement id,
// checking again under the statement's lock that its retention is over:
// it may have been reopened since it was read.
func (db *DB) eraseStatement(ctx context.Context, id int64, now time.Time) (signon.ErasureCounts, error) {
	var counts signon.ErasureCounts
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := db.lockStatement(tx, id)
		if err != nil {
			return err
		}
		if due, ok := st.ErasureDue(); !ok || due.After(now) {
			return nil
		}
		sigs := tx.Model(&signon.Signature{}).Select("id").Where("statement_id = ?", id)
		if counts, err = eraseSignatures(tx, tx.Where("statement_id = ?", id), sigs, now); err != nil {
			return err
		}
		// The statement's invitation links, and the emails that carried
		// them, go too: the statement takes no more signatures.
		res := tx.Exec(`DELETE FROM invitations WHERE statement_id = ?`, id)
		if res.Error != nil {
			return fmt.Errorf("store: erase invitations of statement %d: %w", id, res.Error)
		}
		counts.Invitations = res.RowsAffected
		n, err := eraseEmails(tx, tx.Where("statement_id = ?", id))
		if err != nil {
			return err
		}
		counts.Emails += n
		if counts.Total() == 0 {
			return nil
		}
		detail, err := json.Marshal(counts)
		if err != nil {
			return fmt.Errorf("store: erasure counts: %w", err)
		}
		return createEvent(tx, &signon.Event{StatementID: &id, Action: ActionRetention, Detail: string(detail)})
	})
	return counts, err
}

// EraseSignature erases the personal data of signature signatureID of
// statement statementID at now, on an administrator's (by) request for
// reason. A signature of a statement not yet published is withdrawn
// first, so it leaves the public list as a withdrawal does; that of a
// published statement stays in the list, which is final, and keeps
// what the published record shows of it. A signature already erased is
// an ECONFLICT.
func (db *DB) EraseSignature(ctx context.Context, statementID, signatureID int64, reason string, now time.Time, by int64) (signon.ErasureCounts, error) {
	reason, err := signon.CheckErasureReason(reason)
	if err != nil {
		return signon.ErasureCounts{}, err
	}
	var counts signon.ErasureCounts
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		q := tx
		if db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		var sig signon.Signature
		if err := q.Where("id = ? AND statement_id = ?", signatureID, statementID).Take(&sig).Error; err != nil {
			return notFound(err, "Signature not found.")
		}
		if sig.ErasedAt != nil {
			return signon.KeyedError(signon.ECONFLICT, "privacy.error.already_erased", "This signature's personal data has already been erased.")
		}
		if st.CheckSignaturesChangeable() == nil && sig.Status != signon.SignatureWithdrawn {
			err := tx.Model(&signon.Signature{}).Where("id = ?", sig.ID).Updates(map[string]any{
				"status": signon.SignatureWithdrawn, "withdrawn_at": dbTime(now), "updated_at": tx.NowFunc(),
			}).Error
			if err != nil {
				return fmt.Errorf("store: withdraw signature %d: %w", sig.ID, err)
			}
		}
		one := tx.Model(&signon.Signature{}).Select("id").Where("id = ?", sig.ID)
		if counts, err = eraseSignatures(tx, tx.Where("id = ?", sig.ID), one, now); err != nil {
			return err
		}
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, SignatureID: &sig.ID, AccountID: accountRef(by),
			Action: ActionErase, Detail: reason,
		})
	})
	return counts, err
}

// eraseSignatures erases the personal data of the signatures where
// selects (a condition on signatures) that are not erased yet, and the
// links, emails and corrections of the signatures ids selects (a
// subquery of their ids).
func eraseSignatures(tx *gorm.DB, where, ids *gorm.DB, now time.Time) (signon.ErasureCounts, error) {
	var counts signon.ErasureCounts
	now = dbTime(now)
	for _, public := range []bool{true, false} {
		changes := map[string]any{"erased_at": now}
		columns := privateColumns
		if !public {
			columns = append(append([]string{}, privateColumns...), publicColumns...)
		}
		for _, c := range columns {
			changes[c] = ""
		}
		res := tx.Session(&gorm.Session{NewDB: true}).Model(&signon.Signature{}).
			Where(where).Where("erased_at IS NULL").Where("status IN ?", signon.StatusesKeepingPublicFields(public)).
			Updates(changes)
		if res.Error != nil {
			return counts, fmt.Errorf("store: erase signatures: %w", res.Error)
		}
		counts.Signatures += res.RowsAffected
	}
	fresh := tx.Session(&gorm.Session{NewDB: true})
	res := fresh.Where("signature_id IN (?)", ids).Delete(&signon.SignatureToken{})
	if res.Error != nil {
		return counts, fmt.Errorf("store: erase private links: %w", res.Error)
	}
	counts.Tokens = res.RowsAffected
	n, err := eraseEmails(tx, fresh.Where("signature_id IN (?)", ids))
	if err != nil {
		return counts, err
	}
	counts.Emails = n
	// A correction's event quotes the values before and after it.
	res = tx.Session(&gorm.Session{NewDB: true}).Model(&signon.Event{}).
		Where("signature_id IN (?) AND action = ? AND detail <> ''", ids, "signature.update").
		Update("detail", "")
	if res.Error != nil {
		return counts, fmt.Errorf("store: erase corrections: %w", res.Error)
	}
	counts.Events = res.RowsAffected
	return counts, nil
}

// eraseEmails empties the emails of the outbox where selects: address,
// bodies (which hold private links) and the last error (which may quote
// the address). One still queued is marked failed so no delivery is
// tried. The subject and the dates stay, so the outbox still says what
// was sent when.
func eraseEmails(tx *gorm.DB, where *gorm.DB) (int64, error) {
	q := func() *gorm.DB {
		return tx.Session(&gorm.Session{NewDB: true}).Model(&signon.Email{}).Where(where).
			Where("to_address <> '' OR text_body <> '' OR html_body <> ''")
	}
	res := q().Where("status = ?", signon.EmailQueued).
		Updates(map[string]any{"status": signon.EmailFailed, "last_error": erasedEmailLastError})
	if res.Error != nil {
		return 0, fmt.Errorf("store: stop erased emails: %w", res.Error)
	}
	res = q().Updates(map[string]any{"to_address": "", "text_body": "", "html_body": "", "last_error": erasedEmailLastError})
	if res.Error != nil {
		return 0, fmt.Errorf("store: erase emails: %w", res.Error)
	}
	return res.RowsAffected, nil
}
