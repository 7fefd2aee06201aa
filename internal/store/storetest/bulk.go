package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/store"
)

// SignaturesSQL is one statement that adds n approved signatures to
// statementID in the dialect, spread over eight states of the three
// countries, with accented names: for benchmarks that need a million rows
// in seconds, where the store would take a million transactions. A
// recursive CTE counts the rows, which both databases run.
func SignaturesSQL(dialect string, statementID int64, n int) string {
	at := "'2026-11-01 15:00:00+00:00'"
	if dialect == store.Postgres {
		// A bare literal in a SELECT list is text to PostgreSQL, which
		// does not turn text into a timestamp unasked.
		at += "::timestamptz"
	}
	return fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %[2]d),
placed(i, region) AS (
    SELECT i, CASE i %% 8 WHEN 0 THEN 'US-TX' WHEN 1 THEN 'US-CA' WHEN 2 THEN 'US-AZ' WHEN 3 THEN 'US-NM'
        WHEN 4 THEN 'US-IL' WHEN 5 THEN 'MX-CHH' WHEN 6 THEN 'MX-JAL' ELSE 'CA-ON' END FROM n
)
INSERT INTO signatures (statement_id, signer_type, organization, org_key, signer_name, signer_title, email,
    city, country, region, website, language, status, source, statement_version, approved_at, created_at, updated_at)
SELECT %[1]d, 'organization', 'Organización Número ' || i, 'organizacion-numero-' || i, 'Firmante ' || i, 'Coordinación',
    'firmante' || i || '@example.org', 'Ciudad Juárez', substr(region, 1, 2), region, 'https://example.org/' || i,
    'es', 'approved', 'import', 1, %[3]s, %[3]s, %[3]s
FROM placed`, statementID, n, at)
}

// Exec runs query on the database at url, as URL returns it, on a
// connection of its own: for seeding a database that a store (or a
// server on one) has open, where the store offers no raw access.
func Exec(tb testing.TB, url, query string) {
	tb.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), query); err != nil {
		tb.Fatalf("storetest: exec: %v", err)
	}
}
