package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Pools are the database's connection pools by name, for the metrics of
// their use: "main" serves writes, and on PostgreSQL reads too; "read"
// is SQLite's pool of read-only connections.
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"main": db.sql}
	if db.readSQL != nil {
		pools["read"] = db.readSQL
	}
	return pools
}

// QueuedJobs counts the background jobs waiting to run, by kind: those
// ready now, scheduled for later, and failed ones waiting to be tried
// again. River keeps finished jobs only for a day, so the table it reads
// stays small.
func (db *DB) QueuedJobs(ctx context.Context) (map[string]int64, error) {
	rows, err := db.read.WithContext(ctx).Raw(
		"SELECT kind, count(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable') GROUP BY kind").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: queued jobs: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var kind string
		var n int64
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("store: queued jobs: %w", err)
		}
		out[kind] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: queued jobs: %w", err)
	}
	return out, nil
}
