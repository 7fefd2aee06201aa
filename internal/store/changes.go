package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// The change log (signon/change.go) is written by triggers (migration
// 00019), in the transaction of each change, so no method here writes it.

// ChangesSince returns up to limit changes after cursor after, of
// statement statementID or of every statement for 0, and the cursor to
// go on from: that of the last change returned, or after itself.
//
// On PostgreSQL ids are taken before commit, so a change with a lower id
// may commit after one with a higher id. The log is read in the order of
// (xid, id) and only as far as the transactions older than every
// transaction still running (pg_snapshot_xmin): such a transaction has
// committed or rolled back, so no change can still appear before the
// last one read. A long transaction anywhere in the database holds the
// log back while it runs. On SQLite writers are serialized and ids are
// taken in commit order.
func (db *DB) ChangesSince(ctx context.Context, statementID int64, after signon.ChangeCursor, limit int) ([]signon.Change, signon.ChangeCursor, error) {
	limit = max(limit, 1)
	var rows []struct {
		ID          int64
		Xid         string
		StatementID int64
		SignatureID *int64
		Kind        string
		CreatedAt   time.Time
	}
	var (
		query string
		args  []any
	)
	if db.dialect == Postgres {
		query = `SELECT id, xid::text AS xid, statement_id, signature_id, kind, created_at FROM changes
WHERE (xid, id) > (?::text::xid8, ?) AND xid < pg_snapshot_xmin(pg_current_snapshot())`
		args = []any{strconv.FormatUint(after.XID, 10), after.ID}
		if statementID != 0 {
			query += ` AND statement_id = ?`
			args = append(args, statementID)
		}
		query += ` ORDER BY xid, id LIMIT ?`
	} else {
		query = `SELECT id, '0' AS xid, statement_id, signature_id, kind, created_at FROM changes WHERE id > ?`
		args = []any{after.ID}
		if statementID != 0 {
			query += ` AND statement_id = ?`
			args = append(args, statementID)
		}
		query += ` ORDER BY id LIMIT ?`
	}
	args = append(args, limit)
	if err := db.read.WithContext(ctx).Raw(query, args...).Scan(&rows).Error; err != nil {
		return nil, after, fmt.Errorf("store: changes since %v: %w", after, err)
	}
	list := make([]signon.Change, 0, len(rows))
	next := after
	for _, r := range rows {
		xid, err := strconv.ParseUint(r.Xid, 10, 64)
		if err != nil {
			return nil, after, fmt.Errorf("store: change %d: transaction id %q: %w", r.ID, r.Xid, err)
		}
		next = signon.ChangeCursor{XID: xid, ID: r.ID}
		list = append(list, signon.Change{
			ID: r.ID, Kind: signon.ChangeKind(r.Kind), StatementID: r.StatementID, SignatureID: r.SignatureID,
			At: dbTime(r.CreatedAt), Cursor: next,
		})
	}
	return list, next, nil
}
