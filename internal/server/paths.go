package server

// Addresses: reading ids out of paths, and making the addresses of
// Signon's own pages.

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// pathID reads an id path parameter; anything but a positive
// number is a page that does not exist.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, signon.Errorf(signon.ENOTFOUND, "Not found.")
	}
	return id, nil
}

// pathStatement is the statement named by the path's :id.
func (s *Server) pathStatement(c echo.Context) (*signon.Statement, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.db.StatementByID(c.Request().Context(), id)
}

// manageURL is the coordinators' page of the statement with id.
func manageURL(id int64) string {
	return "/coordinate/statements/" + strconv.FormatInt(id, 10)
}

// canonicalURL is the absolute address search engines should index for
// path, or "" when the public address is not configured.
func (s *Server) canonicalURL(path string) string {
	if s.cfg.BaseURL == "" {
		return ""
	}
	return s.absoluteURL(path)
}

// absoluteURL is path on the site's address (signon.Site).
func (s *Server) absoluteURL(path string) string {
	return s.site.URL(path)
}
