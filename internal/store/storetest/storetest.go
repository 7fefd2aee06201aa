// Package storetest gives tests a real, migrated, empty database of each
// dialect the store supports, so the same tests run on SQLite and
// PostgreSQL instead of on mocks.
//
// SQLite needs nothing installed. PostgreSQL is used when
// SIGNON_TEST_POSTGRES_URL names a server whose user may create
// databases; each test gets a database of its own, dropped at cleanup.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	// The pgx database/sql driver creates and drops the test databases.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/testenv"
)

// PostgresEnv names the server the PostgreSQL tests use, such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresEnv = "SIGNON_TEST_POSTGRES_URL"

// Dialects returns the databases the store suite runs on: "sqlite" always, "postgres" too.
// Open skips (or fails, under SIGNON_TEST_REQUIRE=postgres) the PostgreSQL
// run when no server is configured.
func Dialects() []string {
	return []string{store.SQLite, store.Postgres}
}

// URL returns the URL of a new, empty and unmigrated database of the
// dialect for one test, removed at cleanup: for tests of code that opens
// the database itself, such as the command.
func URL(t testing.TB, dialect string) string {
	t.Helper()
	switch dialect {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "signon.db")
	case store.Postgres:
		return createPostgres(t)
	}
	t.Fatalf("storetest: unknown dialect %q", dialect)
	return ""
}

// Open returns a migrated, empty database of the dialect for one test, closed and removed at cleanup.
func Open(t testing.TB, dialect string) *store.DB {
	t.Helper()
	return open(t, dialect, URL(t, dialect))
}

func open(t testing.TB, dialect, url string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	// Cleanups run last registered first, so this closes the database
	// before createPostgres's cleanup drops it.
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storetest: close %s: %v", dialect, err)
		}
	})
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return db
}

// createPostgres creates a database for one test on the server of
// PostgresEnv and returns its URL.
func createPostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		testenv.Unavailable(t, testenv.Postgres, PostgresEnv+" is not set")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		testenv.Unavailable(t, testenv.Postgres, "cannot connect to "+u.Redacted()+": "+err.Error())
	}

	b := make([]byte, 8)
	rand.Read(b)
	name := "signon_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
