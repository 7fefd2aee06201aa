package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestMarkUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"AdminShutdown", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, true},
		{"CannotConnectNow", fmt.Errorf("store: x: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"ConnectionException", &pgconn.PgError{Code: "08006"}, true},
		{"TooManyConnections", &pgconn.PgError{Code: "53300"}, true},
		{"Refused", fmt.Errorf("dial: %w", refused), true},
		{"BadConn", driver.ErrBadConn, true},
		{"ConnClosed", fmt.Errorf("x: %w", pgconn.ErrConnClosed), true},
		{"UnexpectedEOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), true},
		{"Deadline", context.DeadlineExceeded, true},
		{"Cancelled", context.Canceled, false},
		{"UniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"Syntax", &pgconn.PgError{Code: "42601"}, false},
		{"Other", errors.New("something else"), false},
		{"NotFound", signon.Errorf(signon.ENOTFOUND, "no such statement"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := markUnavailable(tt.err)
			if got := errors.Is(err, signon.ErrUnavailable); got != tt.want {
				t.Errorf("unavailable = %v, want %v", got, tt.want)
			}
			if got := signon.ErrorCode(err) == signon.EUNAVAILABLE; got != tt.want {
				t.Errorf("code %s, want unavailable %v", signon.ErrorCode(err), tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the driver's error is lost")
			}
			if again := markUnavailable(err); again != err {
				t.Error("marked twice")
			}
		})
	}
}
