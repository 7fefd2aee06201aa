package server

import (
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

var errNoRecord = signon.KeyedError(signon.ENOTFOUND, "versions.error.record_not_published", "This statement has no published record yet.")

// apiRecord serves GET /api/v1/statements/:slug/record.
//
// apiRecord serves the published record of a statement: exactly its
// canonical bytes, whose SHA-256 is the digest the statement page shows.
// The record is built afresh from the database at each request, so a row
// changed since publication gives other bytes and the digests differ.
func (s *Server) apiRecord(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return err
	}
	if st.EffectiveStatus(s.now()) != signon.StatusPublished {
		return errNoRecord
	}
	rec, err := s.db.StatementRecord(ctx, st.ID)
	if err != nil {
		return err
	}
	body, err := rec.Canonical()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	if rec.Sealed != "" && signon.RecordDigest(body) != rec.Sealed {
		// Served all the same: the mismatch is the evidence, and hiding
		// the record would hide it.
		s.log.WarnContext(ctx, "published record differs from its digest at publication",
			slog.String("statement", st.Slug), slog.String("stored", rec.Sealed), slog.String("now", signon.RecordDigest(body)))
	}
	h := c.Response().Header()
	// RFC 9530: the digest of the representation, which is these bytes
	// (no content coding is applied).
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}
