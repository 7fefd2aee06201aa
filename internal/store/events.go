package store

import (
	"context"
	"fmt"

	"github.com/signon-coalition/signon/internal/signon"
)

// StatementEvents returns the audit trail of a statement, newest first.
// Events are written by the methods that make the changes, in their
// transactions (see createEvent).
func (db *DB) StatementEvents(ctx context.Context, statementID int64) ([]*signon.Event, error) {
	var list []*signon.Event
	err := db.read.WithContext(ctx).
		Where("statement_id = ?", statementID).
		Order("created_at DESC, id DESC").
		Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: events of statement %d: %w", statementID, err)
	}
	for _, e := range list {
		dbTimes(&e.CreatedAt)
	}
	return list, nil
}
