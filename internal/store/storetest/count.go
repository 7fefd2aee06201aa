package storetest

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/store"
)

// Count runs query, which selects one number, on the database at url
// on a connection of its own: for tests that check rows the store
// offers no method to read, such as River's jobs.
func Count(tb testing.TB, url, query string) int {
	tb.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		tb.Fatalf("storetest: count: %v", err)
	}
	return n
}

// OpenURL is Open that also returns the database's URL, for Count and Exec.
func OpenURL(t testing.TB, dialect string) (*store.DB, string) {
	t.Helper()
	url := URL(t, dialect)
	return open(t, dialect, url), url
}
