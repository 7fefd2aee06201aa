// Package store keeps Signon's statements, signatures, accounts and audit
// trail in PostgreSQL or SQLite, through GORM, and implements the service
// interfaces of package signon.
//
// The domain structs are stored as they are: GORM maps their fields to
// snake_case columns, so the domain needs no tags. The schema comes only
// from the SQL migrations in package migrations; nothing here alters it.
// Every time is written in UTC, truncated to the microsecond both
// databases keep, so what a caller holds after a write equals what a later
// read returns.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river"
	"gorm.io/driver/postgres"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/migrations"
)

// Dialect names, as Dialect returns them and as the migrations folders
// are named.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

var (
	_ signon.StatementService = (*DB)(nil)
	_ signon.SignatureService = (*DB)(nil)
	_ signon.AccountService   = (*DB)(nil)
	_ signon.EventService     = (*DB)(nil)
	_ signon.MemberService    = (*DB)(nil)
	_ signon.EmailService     = (*DB)(nil)
)

// DB is Signon's storage, on PostgreSQL or SQLite.
type DB struct {
	gorm    *gorm.DB // writes, and reads inside a write's transaction
	sql     *sql.DB
	dialect string

	// read serves the read-only methods. On SQLite it is a separate pool
	// of query-only connections, so pages and the API keep answering from
	// WAL snapshots while the one writer connection is busy signing; on
	// PostgreSQL it is the same pool as gorm.
	read    *gorm.DB
	readSQL *sql.DB

	// publicURL is the site's address, named by records made at
	// publication (see SetPublicURL).
	publicURL string

	// queue enqueues River jobs inside the store's transactions; it runs
	// no workers (package jobs does).
	queue *river.Client[*sql.Tx]

	// blocklist is this instance's copy of the blocklist (Blocked).
	blocklist blocklistCopy
}

// Open connects to the database named by url: postgres://… or
// postgresql://… for PostgreSQL, sqlite:PATH for a SQLite file. It does
// not migrate; call Migrate or check SchemaCurrent.
func Open(ctx context.Context, url string) (*DB, error) {
	var (
		db    = &DB{}
		dia   gorm.Dialector
		sqlDB *sql.DB
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db.dialect = Postgres
		var err error
		if sqlDB, err = openPostgres(url); err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		dia = postgresDialector{postgres.New(postgres.Config{Conn: sqlDB}).(*postgres.Dialector)}
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if path == "" {
			return nil, errors.New("store: sqlite: URL names no file; use sqlite:PATH, such as sqlite:signon.db")
		}
		var err error
		if sqlDB, err = sql.Open("sqlite", sqliteDSN(path)); err != nil {
			return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
		}
		db.dialect = SQLite
		dia = sqliteDialector{gormsqlite.New(gormsqlite.Config{Conn: sqlDB}).(*gormsqlite.Dialector)}
	default:
		return nil, fmt.Errorf("store: unsupported database URL %q: use postgres://…, postgresql://… or sqlite:PATH", redact(url))
	}

	g, err := gorm.Open(dia, &gorm.Config{
		NowFunc: func() time.Time { return dbTime(time.Now()) },
		// Errors go back to the caller, who decides what is worth logging;
		// an expected conflict is not.
		Logger: logger.Discard,
		// Each public method opens the one transaction it needs.
		SkipDefaultTransaction: true,
		// The dialectors' translation is replaced by markUnavailable
		// (unavailable.go): the SQLite dialector reads mattn's error type
		// and cannot see modernc's codes, so conflicts are recognised
		// here, from the driver errors, for both dialects.
		TranslateError: true,
	})
	if err == nil {
		db.gorm = g
		db.sql, err = g.DB()
	}
	if err != nil {
		if sqlDB != nil {
			sqlDB.Close()
		}
		return nil, fmt.Errorf("store: open %s: %w", db.dialect, err)
	}

	switch db.dialect {
	case SQLite:
		// SQLite writes one transaction at a time whatever the pool size.
		// Queueing callers for one connection in Go, rather than in
		// SQLite's busy handler, lets concurrent signers wait their turn
		// instead of polling the lock, and was as fast or faster under
		// BenchmarkCreateSignature/Parallel than 8 connections.
		db.sql.SetMaxOpenConns(1)
		db.sql.SetMaxIdleConns(1)
		db.sql.SetConnMaxLifetime(0)
		db.sql.SetConnMaxIdleTime(0)
	case Postgres:
		// Short transactions saturate PostgreSQL well below its default
		// 100 connections; the cap leaves room for other instances and
		// for River.
		db.sql.SetMaxOpenConns(20)
		db.sql.SetMaxIdleConns(20)
		db.sql.SetConnMaxIdleTime(5 * time.Minute)
	}
	db.read = db.gorm
	if db.dialect == SQLite {
		path := strings.TrimPrefix(url, "sqlite:")
		if db.readSQL, err = sql.Open("sqlite", sqliteReadDSN(path)); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open sqlite %s for reading: %w", path, err)
		}
		db.readSQL.SetMaxOpenConns(4)
		db.readSQL.SetMaxIdleConns(4)
		db.readSQL.SetConnMaxIdleTime(0)
		read := sqliteDialector{gormsqlite.New(gormsqlite.Config{Conn: db.readSQL}).(*gormsqlite.Dialector)}
		if db.read, err = gorm.Open(read, db.gorm.Config); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open sqlite %s for reading: %w", path, err)
		}
	}
	// After both pools are open: the SQLite read pool shares the write
	// pool's gorm.Config, whose callbacks its Open replaced.
	err = registerUnavailable(db.gorm)
	if err == nil && db.read.Callback() != db.gorm.Callback() {
		err = registerUnavailable(db.read)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", db.dialect, err)
	}
	if err := db.newQueue(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteReadDSN makes the URI of the read-only pool: same file, no write
// lock taken at BEGIN, and query_only so a mistaken write through it fails.
func sqliteReadDSN(path string) string {
	path = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + path +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=query_only(1)"
}

// sqliteDSN makes a modernc.org/sqlite URI for path. WAL lets readers go
// on while a signature is written; synchronous=FULL syncs the WAL at each
// commit, so a signature the signer was told is recorded survives even a
// power loss (NORMAL could lose the last commits); _txlock=immediate takes the
// write lock at BEGIN, so a second process on the same file waits under
// busy_timeout instead of failing mid-transaction.
func sqliteDSN(path string) string {
	// SQLite decodes %XX in URIs; only the characters that would end the
	// path need escaping.
	path = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + path +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(FULL)" +
		"&_txlock=immediate"
}

// redact hides a password in a URL quoted in an error message.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// Dialect returns "postgres" or "sqlite".
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.readSQL != nil {
		if err := db.readSQL.PingContext(ctx); err != nil {
			return markUnavailable(err)
		}
	}
	return markUnavailable(db.sql.PingContext(ctx))
}

// Close closes the database.
func (db *DB) Close() error {
	var readErr error
	if db.readSQL != nil {
		readErr = db.readSQL.Close()
	}
	return errors.Join(db.sql.Close(), readErr)
}

// Migrate applies the pending migrations of the dialect. On PostgreSQL it
// holds goose's session lock, so instances starting together migrate
// once and the others wait.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrations(true)
	if err != nil {
		return err
	}
	applied, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", db.dialect, err)
	}
	if db.dialect == SQLite && len(applied) > 0 {
		// A SQLite migration may edit a table's definition in place
		// (00017_authority.sql widens a CHECK): the connection that ran
		// it keeps the old definition cached, so it is replaced by a new
		// one, which reads the schema afresh.
		db.sql.SetMaxIdleConns(0)
		db.sql.SetMaxIdleConns(1)
	}
	return nil
}

// SchemaCurrent returns nil when every migration has been applied, and
// otherwise an error saying how far behind the database is, so a server
// can refuse to run on a schema its code does not match.
func (db *DB) SchemaCurrent(ctx context.Context) error {
	p, err := db.migrations(false)
	if err != nil {
		return err
	}
	current, latest, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	status, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("store: schema status: %w", err)
	}
	pending := 0
	for _, s := range status {
		if s.State == goose.StatePending {
			pending++
		}
	}
	if pending > 0 || current < latest {
		return fmt.Errorf("store: %s schema is at version %d, latest is %d: %d migration(s) pending", db.dialect, current, latest, pending)
	}
	return nil
}

func (db *DB) migrations(locked bool) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations.FS, db.dialect)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	river, err := migrations.River(db.dialect)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(river)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		if locked {
			locker, err := lock.NewPostgresSessionLocker()
			if err != nil {
				return nil, fmt.Errorf("store: migration lock: %w", err)
			}
			opts = append(opts, goose.WithSessionLocker(locker))
		}
	}
	p, err := goose.NewProvider(dialect, db.sql, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// dbTime is t as both databases keep it: PostgreSQL stores microseconds,
// and SQLite compares the stored text, which only orders correctly when
// every time is written in the same zone.
func dbTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// dbTimes applies dbTime in place. Times read back need it too: pgx
// returns them in the local zone.
func dbTimes(ts ...*time.Time) {
	for _, t := range ts {
		*t = dbTime(*t)
	}
}

// dbTimePtrs is dbTimes for optional times, giving each its own copy so a
// caller's time is never changed through a shared pointer.
func dbTimePtrs(ts ...**time.Time) {
	for _, t := range ts {
		if *t != nil {
			v := dbTime(**t)
			*t = &v
		}
	}
}

// unique names a unique index the way each database reports a violation:
// PostgreSQL by the index name, SQLite by its columns.
type unique struct {
	postgres string
	sqlite   string
}

var (
	uniqueSlug      = unique{"statements_slug_key", "statements.slug"}
	uniqueEmail     = unique{"accounts_email_key", "accounts.email"}
	uniqueActiveOrg = unique{"signatures_active_org_key", "signatures.statement_id, signatures.org_key"}
	uniqueMemberOrg = unique{"members_org_key_key", "members.org_key"}
)

// violates reports whether err is a violation of the unique index u.
func violates(err error, u unique) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" && pgErr.ConstraintName == u.postgres
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		// The message reads "UNIQUE constraint failed: accounts.email (2067)".
		return sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE &&
			strings.Contains(sqliteErr.Error(), "constraint failed: "+u.sqlite+" ")
	}
	return false
}

// violatesForeignKey reports whether err is a foreign key violation.
// SQLite does not say which key, so callers use it only on a row with a
// single foreign key.
func violatesForeignKey(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqliteErr *sqlite.Error
	return errors.As(err, &sqliteErr) && sqliteErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// notFound turns GORM's missing row into the domain's not-found error
// with message, and passes every other error through.
func notFound(err error, message string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return signon.Errorf(signon.ENOTFOUND, "%s", message)
	}
	return err
}

// accountRef is the account an event records: none for 0, which is how
// a job (closing at the deadline) or a signer acting through an emailed
// link calls a method that takes the acting account.
func accountRef(by int64) *int64 {
	if by == 0 {
		return nil
	}
	return &by
}

// createEvent writes e in tx, the transaction of the change it records,
// so the trail never shows a change that was rolled back.
func createEvent(tx *gorm.DB, e *signon.Event) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = tx.NowFunc()
	}
	dbTimes(&e.CreatedAt)
	if err := tx.Create(e).Error; err != nil {
		return fmt.Errorf("store: record event %s: %w", e.Action, err)
	}
	return nil
}

// forUpdate locks the rows q reads until the transaction ends, on
// PostgreSQL, against any other change; SQLite needs no row locks,
// since its transactions take the one write lock at BEGIN (see
// sqliteDSN). Every row lock of the store is taken here or by forShare.
func (db *DB) forUpdate(q *gorm.DB) *gorm.DB {
	return db.locked(q, clause.LockingStrengthUpdate)
}

// forShare locks the rows q reads as forUpdate does, but shared: readers
// holding it do not wait for each other, only for a forUpdate.
func (db *DB) forShare(q *gorm.DB) *gorm.DB {
	return db.locked(q, clause.LockingStrengthShare)
}

func (db *DB) locked(q *gorm.DB, strength string) *gorm.DB {
	if db.dialect != Postgres {
		return q
	}
	return q.Clauses(clause.Locking{Strength: strength})
}
