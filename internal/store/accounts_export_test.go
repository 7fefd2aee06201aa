package store

import (
	"context"

	"github.com/signon-coalition/signon/internal/signon"
)

// AccountEvents returns the audit events that concern no statement,
// oldest first, as "action detail" lines: the trail of account changes.
func (db *DB) AccountEvents(ctx context.Context) ([]string, error) {
	var list []*signon.Event
	if err := db.read.WithContext(ctx).Where("statement_id IS NULL").Order("id").Find(&list).Error; err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Action + " " + e.Detail
	}
	return out, nil
}
