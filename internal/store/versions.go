package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/signon-coalition/signon/internal/signon"
)

// createVersion writes the current text of s, just created in tx, as its
// first version.
func createVersion(tx *gorm.DB, s *signon.Statement, by int64) error {
	v := s.CurrentVersion()
	v.CreatedAt, v.CreatedBy = s.CreatedAt, accountRef(by)
	if err := tx.Create(v).Error; err != nil {
		return fmt.Errorf("store: record version %d of statement %d: %w", v.Version, s.ID, err)
	}
	return nil
}

// reviseText applies signon.Revise to an edit of cur (the stored
// statement, locked in tx) into next, and returns the version next's text
// is saved as. The count of signatures is taken under the statement's
// lock: on PostgreSQL a signature being inserted holds a key-share lock
// on the statement (its foreign key) that the edit's FOR UPDATE waits
// for, and on SQLite writers take turns, so a signature cannot slip in
// between the count and an edit in place.
func reviseText(tx *gorm.DB, cur, next *signon.Statement, by int64) (int, error) {
	var signed int64
	err := tx.Model(&signon.Signature{}).
		Where("statement_id = ? AND statement_version = ?", cur.ID, cur.Version).
		Count(&signed).Error
	if err != nil {
		return 0, fmt.Errorf("store: count signatures of statement %d version %d: %w", cur.ID, cur.Version, err)
	}
	rev := signon.Revise(cur, next, int(signed))
	if rev == signon.RevisionNone {
		return cur.Version, nil
	}
	text := next.CurrentVersion()
	now := tx.NowFunc()

	if rev == signon.RevisionInPlace {
		res := tx.Model(&signon.StatementVersion{}).
			Where("statement_id = ? AND version = ?", cur.ID, cur.Version).
			Updates(textColumns(text))
		if res.Error != nil {
			return 0, fmt.Errorf("store: correct version %d of statement %d: %w", cur.Version, cur.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			// A version raised by a translation, or one from before
			// versions were kept, has no row yet.
			text.Version, text.CreatedAt, text.CreatedBy = cur.Version, now, accountRef(by)
			if err := tx.Create(text).Error; err != nil {
				return 0, fmt.Errorf("store: record version %d of statement %d: %w", cur.Version, cur.ID, err)
			}
		}
		return cur.Version, nil
	}

	// The signed text must stay readable: keep it if its row is missing.
	signedText := cur.CurrentVersion()
	signedText.CreatedAt = cur.UpdatedAt
	err = tx.Clauses(onConflictDoNothing).Create(signedText).Error
	if err != nil {
		return 0, fmt.Errorf("store: keep version %d of statement %d: %w", cur.Version, cur.ID, err)
	}
	text.Version, text.CreatedAt, text.CreatedBy = cur.Version+1, now, accountRef(by)
	if err := tx.Create(text).Error; err != nil {
		return 0, fmt.Errorf("store: record version %d of statement %d: %w", text.Version, cur.ID, err)
	}
	err = createEvent(tx, &signon.Event{
		StatementID: &cur.ID, AccountID: accountRef(by), Action: "statement.version",
		Detail: fmt.Sprintf("version %d", text.Version), CreatedAt: now,
	})
	return text.Version, err
}

// onConflictDoNothing leaves a row that is already there alone.
var onConflictDoNothing = clause.OnConflict{DoNothing: true}

func textColumns(v *signon.StatementVersion) map[string]any {
	return map[string]any{
		"title": v.Title, "summary": v.Summary, "body": v.Body,
		"addressed_to": v.AddressedTo, "occasion": v.Occasion,
	}
}

// StatementVersions lists the stored versions of statement id, oldest
// first; none for a statement that does not exist.
func (db *DB) StatementVersions(ctx context.Context, id int64) ([]*signon.StatementVersion, error) {
	var list []*signon.StatementVersion
	if err := db.read.WithContext(ctx).Where("statement_id = ?", id).Order("version").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: versions of statement %d: %w", id, err)
	}
	for _, v := range list {
		dbTimes(&v.CreatedAt)
	}
	return list, nil
}

// SignatureCountsByVersion counts the signatures of statement id, of
// every status, by the version each records, from one GROUP BY.
func (db *DB) SignatureCountsByVersion(ctx context.Context, id int64) (map[int]int, error) {
	var rows []struct {
		StatementVersion int
		N                int
	}
	err := db.read.WithContext(ctx).Model(&signon.Signature{}).
		Select("statement_version, count(*) AS n").
		Where("statement_id = ?", id).
		Group("statement_version").
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: signatures by version of statement %d: %w", id, err)
	}
	counts := make(map[int]int, len(rows))
	for _, r := range rows {
		counts[r.StatementVersion] = r.N
	}
	return counts, nil
}
