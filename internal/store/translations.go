package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

var _ signon.TranslationService = (*DB)(nil)

// translationRow is a row of statement_translations. It is the one table
// with a row type of its own: the domain's StatementText has no statement
// id or times, because a text is always read as part of its statement.
type translationRow struct {
	StatementID int64
	Language    string
	Title       string
	Summary     string
	Body        string
	AddressedTo string
	Occasion    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (translationRow) TableName() string { return "statement_translations" }

func (r *translationRow) text() *signon.StatementText {
	return &signon.StatementText{
		Language: r.Language, Title: r.Title, Summary: r.Summary, Body: r.Body,
		AddressedTo: r.AddressedTo, Occasion: r.Occasion,
	}
}

// SaveTranslation adds the translation of statement statementID in
// text.Language, or replaces the one there is. A translation has no
// versions of its own: the statement's Version, which each signature
// records, follows its primary text only (see docs/decisions.md).
func (db *DB) SaveTranslation(ctx context.Context, statementID int64, text *signon.StatementText, by int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		// Checked under the lock: a publish, or a change of the primary
		// language, may have landed since the caller loaded the statement.
		if err := cur.CheckEditable(); err != nil {
			return err
		}
		if err := text.Validate(cur); err != nil {
			return err
		}

		now := tx.NowFunc()
		var old translationRow
		err = tx.Where("statement_id = ? AND language = ?", statementID, text.Language).Take(&old).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			row := translationRow{
				StatementID: statementID, Language: text.Language, Title: text.Title, Summary: text.Summary,
				Body: text.Body, AddressedTo: text.AddressedTo, Occasion: text.Occasion,
				CreatedAt: now, UpdatedAt: now,
			}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("store: create %s translation of statement %d: %w", text.Language, statementID, err)
			}
		case err != nil:
			return fmt.Errorf("store: find %s translation of statement %d: %w", text.Language, statementID, err)
		case old.text().Same(text):
			// Saved again as it was: nothing worth a line in the trail.
			return nil
		default:
			err := tx.Model(&translationRow{}).
				Where("statement_id = ? AND language = ?", statementID, text.Language).
				Updates(map[string]any{
					"title":        text.Title,
					"summary":      text.Summary,
					"body":         text.Body,
					"addressed_to": text.AddressedTo,
					"occasion":     text.Occasion,
					"updated_at":   now,
				}).Error
			if err != nil {
				return fmt.Errorf("store: update %s translation of statement %d: %w", text.Language, statementID, err)
			}
		}

		return createEvent(tx, &signon.Event{
			StatementID: &statementID, AccountID: accountRef(by), Action: "statement.translation", Detail: text.Language,
		})
	})
}

// Translations lists the translations of statement statementID, by
// language; none is an empty list, also for a statement that does not
// exist.
func (db *DB) Translations(ctx context.Context, statementID int64) ([]*signon.StatementText, error) {
	var rows []translationRow
	err := db.read.WithContext(ctx).Where("statement_id = ?", statementID).Order("language").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: translations of statement %d: %w", statementID, err)
	}
	out := make([]*signon.StatementText, len(rows))
	for i := range rows {
		out[i] = rows[i].text()
	}
	return out, nil
}

// TranslationsIn returns the translations in lang of the statements ids,
// by statement id.
func (db *DB) TranslationsIn(ctx context.Context, lang string, ids []int64) (map[int64]*signon.StatementText, error) {
	out := make(map[int64]*signon.StatementText)
	if len(ids) == 0 {
		return out, nil
	}
	var rows []translationRow
	err := db.read.WithContext(ctx).Where("language = ? AND statement_id IN ?", lang, ids).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: %s translations of %d statements: %w", lang, len(ids), err)
	}
	for i := range rows {
		out[rows[i].StatementID] = rows[i].text()
	}
	return out, nil
}
