package storetest

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
)

// changesWaitLimit bounds WaitForChanges: a transaction open that long
// elsewhere on the server is stuck, not slow.
const changesWaitLimit = 2 * time.Minute

// WaitForChanges returns once every change in the change log of the
// database at url can be read. On PostgreSQL a reader sees a change
// only when every transaction older than it has ended, on any database
// of the server (store.ChangesSince); tests sharing the server with
// others wait here for those to end, instead of reading too early. On
// SQLite every committed change can be read at once.
func WaitForChanges(tb testing.TB, url string) {
	tb.Helper()
	if strings.HasPrefix(url, "sqlite:") {
		return
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	for start := time.Now(); ; time.Sleep(5 * time.Millisecond) {
		var held bool
		err := db.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM changes WHERE xid >= pg_snapshot_xmin(pg_current_snapshot()))`).Scan(&held)
		if err != nil {
			tb.Fatalf("storetest: changes held back: %v", err)
		}
		if !held {
			return
		}
		if time.Since(start) > changesWaitLimit {
			tb.Fatalf("storetest: changes held back for %s by a transaction still open on the server", changesWaitLimit)
		}
	}
}
