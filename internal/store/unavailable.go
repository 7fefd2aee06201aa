package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	gormsqlite "gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/signon-coalition/signon/internal/signon"
)

// connectTimeout bounds each attempt to open a connection to PostgreSQL
// when the URL sets no connect_timeout: a database host that drops
// packets instead of refusing them would otherwise hold requests for
// the operating system's TCP timeout, minutes, before they could be
// answered 503.
const connectTimeout = 5 * time.Second

// unavailableError is a driver error that means the database cannot be
// reached for now: down, restarting, refusing connections. It matches
// signon.ErrUnavailable, so the HTTP layer answers 503 with Retry-After
// rather than 500, and keeps the driver's error for the logs.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return "store: database unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() []error { return []error{e.err, signon.ErrUnavailable} }

// markUnavailable returns err as an unavailableError when it says the
// database cannot be reached, and unchanged otherwise.
func markUnavailable(err error) error {
	var already *unavailableError
	if err == nil || errors.As(err, &already) || !unavailable(err) {
		return err
	}
	return &unavailableError{err}
}

// unavailable reports whether err comes from not reaching the database,
// rather than from what was asked of it: a request that fails this way
// may succeed unchanged a few seconds later.
func unavailable(err error) bool {
	var (
		pgErr      *pgconn.PgError
		connectErr *pgconn.ConnectError
		netErr     net.Error
		sqliteErr  *sqlite.Error
	)
	switch {
	case errors.As(err, &pgErr):
		// Class 08 is "connection exception"; 57P01-03 are the server
		// shutting down, crashing or still starting; 53300 is every
		// connection slot taken.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.As(err, &sqliteErr):
		// The write lock was not granted within busy_timeout.
		return sqliteErr.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	// A request's deadline passed while it waited for a connection or a
	// slow answer; a cancelled request, by contrast, has no one to answer.
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// openPostgres opens the pool of PostgreSQL connections for url, as GORM's
// dialector would, but through availabilityConnector, so that failing to
// connect reads as unavailable wherever it surfaces: in GORM, in River,
// in a ping.
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	return sql.OpenDB(availabilityConnector{stdlib.GetConnector(*cfg)}), nil
}

// availabilityConnector marks the errors of opening a connection as
// unavailable; database/sql passes them on unchanged to whoever was
// waiting for a connection.
type availabilityConnector struct{ driver.Connector }

func (c availabilityConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, &unavailableError{fmt.Errorf("connect: %w", err)}
	}
	return conn, nil
}

// postgresDialector is GORM's PostgreSQL dialector whose one error
// translation marks unavailable errors. GORM translates every error it
// records (AddError), at BEGIN and COMMIT as well as in statements, which
// no callback sees. The dialector's own translation stays unused: unique
// violations are recognised from the driver's errors (violates).
type postgresDialector struct{ *postgres.Dialector }

func (postgresDialector) Translate(err error) error { return markUnavailable(err) }

// sqliteDialector is postgresDialector for SQLite, whose database is
// "unavailable" only when its write lock is not granted in time.
type sqliteDialector struct{ *gormsqlite.Dialector }

func (sqliteDialector) Translate(err error) error { return markUnavailable(err) }

// registerUnavailable covers what Translate does not see: GORM's Row and
// Rows (and Scan, built on them) set the error of a query directly,
// without AddError.
func registerUnavailable(g *gorm.DB) error {
	err := g.Callback().Row().Register("signon:unavailable", func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = markUnavailable(tx.Error)
		}
	})
	if err != nil {
		return fmt.Errorf("store: register row callback: %w", err)
	}
	return nil
}
