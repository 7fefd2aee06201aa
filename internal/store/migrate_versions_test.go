package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
	"github.com/signon-coalition/signon/migrations"
)

// TestMigrate_StatementVersions checks that migration 2 gives statements
// that existed before it their current text as their current version.
func TestMigrate_StatementVersions(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := storetest.URL(t, dialect)
			driver, dsn, gooseDialect := "pgx", url, goose.DialectPostgres
			if dialect == store.SQLite {
				driver, dsn, gooseDialect = "sqlite", strings.TrimPrefix(url, "sqlite:"), goose.DialectSQLite3
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			fsys, err := fs.Sub(migrations.FS, dialect)
			if err != nil {
				t.Fatal(err)
			}
			p, err := goose.NewProvider(gooseDialect, raw, fsys, goose.WithDisableGlobalRegistry(true))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}

			created := time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)
			updated := time.Date(2025, 10, 9, 8, 30, 0, 0, time.UTC)
			exec := func(query string, args ...any) {
				t.Helper()
				if dialect == store.Postgres {
					for i := 1; strings.Contains(query, "?"); i++ {
						query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
					}
				}
				if _, err := raw.ExecContext(ctx, query, args...); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
			}
			exec(`INSERT INTO accounts (id, email, name, role, password_hash, created_at, updated_at)
				VALUES (1, 'ana@example.org', 'Ana', 'admin', 'x', ?, ?)`, created, created)
			for _, row := range []struct {
				id      int64
				version int
			}{{1, 1}, {2, 3}} {
				exec(`INSERT INTO statements (id, slug, kind, title, summary, body, addressed_to, occasion, language, version, created_by, created_at, updated_at)
					VALUES (?, ?, 'letter', 'Title', 'Summary', ?, 'Leaders', 'Summit', 'en', ?, 1, ?, ?)`,
					row.id, fmt.Sprintf("letter-%d", row.id), fmt.Sprintf("Body of statement %d", row.id), row.version, created, updated)
			}
			if _, err := p.UpTo(ctx, 2); err != nil {
				t.Fatal(err)
			}
			raw.Close()

			db, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			account := int64(1)
			for _, want := range []*signon.StatementVersion{
				{StatementID: 1, Version: 1, Title: "Title", Summary: "Summary", Body: "Body of statement 1", AddressedTo: "Leaders", Occasion: "Summit", CreatedAt: created, CreatedBy: &account},
				{StatementID: 2, Version: 3, Title: "Title", Summary: "Summary", Body: "Body of statement 2", AddressedTo: "Leaders", Occasion: "Summit", CreatedAt: updated, CreatedBy: &account},
			} {
				got, err := db.StatementVersions(ctx, want.StatementID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
					t.Errorf("versions of statement %d = %+v, want only %+v", want.StatementID, got, want)
				}
			}
			st, err := db.StatementByID(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if st.RecordURL != "" || st.RecordSHA256 != "" {
				t.Errorf("existing statement has record %q, %q; want none", st.RecordURL, st.RecordSHA256)
			}
		})
	}
}
