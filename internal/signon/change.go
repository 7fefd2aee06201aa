package signon

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// ChangeKind names what happened in one entry of the change log.
type ChangeKind string

// The kinds of change the log records. The coalition's other tools
// follow them through the pull API and webhooks.
const (
	ChangeSignatureCreated   ChangeKind = "signature.created"
	ChangeSignatureConfirmed ChangeKind = "signature.confirmed"
	ChangeSignatureApproved  ChangeKind = "signature.approved"
	ChangeSignatureRejected  ChangeKind = "signature.rejected"
	ChangeSignatureWithdrawn ChangeKind = "signature.withdrawn"
	// ChangeSignatureUpdated is a correction of a signature's details,
	// or a change of status that none of the kinds above names (such as
	// an approval undone). The erasure of personal data is none.
	ChangeSignatureUpdated   ChangeKind = "signature.updated"
	ChangeStatementClosed    ChangeKind = "statement.closed"
	ChangeStatementPublished ChangeKind = "statement.published"
	ChangeStatementDelivered ChangeKind = "statement.delivered"
)

// ChangeKinds lists every kind of change, in the order of the lifecycle.
var ChangeKinds = []ChangeKind{
	ChangeSignatureCreated, ChangeSignatureConfirmed, ChangeSignatureApproved, ChangeSignatureRejected,
	ChangeSignatureWithdrawn, ChangeSignatureUpdated,
	ChangeStatementClosed, ChangeStatementPublished, ChangeStatementDelivered,
}

// Change is one entry of the change log: a change of a signature or a
// statement, written in the transaction that made it, whatever made it.
// A change names what happened, not the state it left: a reader wanting
// the signature reads it as it is now.
type Change struct {
	ID          int64
	Kind        ChangeKind
	StatementID int64
	SignatureID *int64 // nil for a change of the statement
	At          time.Time
	// Cursor is where a reader that has read this change goes on from.
	Cursor ChangeCursor
}

// ChangeCursor is a position in the change log: a reader asks for the
// changes after it. The zero cursor is the beginning. XID is the
// writing transaction's id on PostgreSQL, where ids are taken before
// commit and do not alone give the order changes become visible in;
// on SQLite it is 0.
type ChangeCursor struct {
	XID uint64
	ID  int64
}

// IsZero reports whether c is the beginning of the log.
func (c ChangeCursor) IsZero() bool { return c == ChangeCursor{} }

// String encodes c opaquely, for a client to hand back unchanged. The
// beginning is the empty string.
func (c ChangeCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatUint(c.XID, 10) + "." + strconv.FormatInt(c.ID, 10)))
}

// ParseChangeCursor reads a cursor String gave; the empty string is the
// beginning. Anything else is ErrInvalidCursor.
func ParseChangeCursor(s string) (ChangeCursor, error) {
	if s == "" {
		return ChangeCursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) > 41 {
		return ChangeCursor{}, ErrInvalidCursor
	}
	xid, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return ChangeCursor{}, ErrInvalidCursor
	}
	var c ChangeCursor
	if c.XID, err = strconv.ParseUint(xid, 10, 64); err != nil || strings.HasPrefix(xid, "+") {
		return ChangeCursor{}, ErrInvalidCursor
	}
	if c.ID, err = strconv.ParseInt(id, 10, 64); err != nil || c.ID <= 0 || strings.HasPrefix(id, "+") {
		return ChangeCursor{}, ErrInvalidCursor
	}
	// xid8 values past 2^63 do not occur, and the store passes the
	// value to the database as a signed integer's text.
	if c.XID > 1<<62 {
		return ChangeCursor{}, ErrInvalidCursor
	}
	return c, nil
}

// ChangeService reads the change log.
type ChangeService interface {
	// ChangesSince returns up to limit changes after cursor, of statement
	// statementID or of every statement for 0, in the order they became
	// visible, and the cursor to go on from (after itself when there are
	// none). A change committed late is never passed over: it is held
	// back until every change before it can be read.
	ChangesSince(ctx context.Context, statementID int64, after ChangeCursor, limit int) ([]Change, ChangeCursor, error)
}
