package server

// What the two CSV imports (signatures into a statement, members into the
// roster) share over HTTP: the file's size limit before anything reads
// the request, the file taken from an upload or pasted text, and what is
// wrong with a file as a whole in the person's language.

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/signon-coalition/signon/internal/csvin"
	"github.com/signon-coalition/signon/internal/signon"
)

// importMaxBody is the most an import request may carry: the file, or its
// text sent back for the import itself, and the form around it.
const importMaxBody = signon.MaxImportBytes + 64<<10

// importPaths are the routes that take a CSV file.
var importPaths = map[string]bool{
	"/coordinate/members/import":                true,
	"/coordinate/statements/:id/import":         true,
	"/coordinate/statements/:id/import/confirm": true,
}

// bodyLimit caps every request body at 2 MB, before anything reads it
// (the CSRF check reads forms). An imported file may itself be
// signon.MaxImportBytes, so its request may bring a little more, and one
// announced as larger is refused with a message that says what to do.
func bodyLimit() echo.MiddlewareFunc {
	general := middleware.BodyLimit("2M")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := general(next)
		return func(c echo.Context) error {
			if !importPaths[c.Path()] {
				return limited(c)
			}
			req := c.Request()
			if req.ContentLength > importMaxBody {
				return signon.KeyedError(signon.EINVALID, "csv.error.request_too_large",
					"The file is larger than 2 MB. Split it into smaller files and import them one after the other.")
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, importMaxBody)
			return next(c)
		}
	}
}

// importText is the file of the upload, or the text pasted or sent back
// from the preview; "" when there is neither. A file over the limit is a
// *csvin.Error.
func importText(c echo.Context) (string, error) {
	err := c.Request().ParseMultipartForm(importMaxBody)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return "", &csvin.Error{Code: csvin.ErrTooLarge, Limit: signon.MaxImportBytes}
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return "", signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return c.FormValue("csv"), nil
	}
	if fh.Size > signon.MaxImportBytes {
		return "", &csvin.Error{Code: csvin.ErrTooLarge, Limit: signon.MaxImportBytes}
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, signon.MaxImportBytes+1))
	return string(b), err
}

// importError says in the person's language what is wrong with an
// import's file as a whole (columns are the ones the file may have), or
// with its form; it is "" for an error that is not the person's to fix.
func importError(t *translator, err error, columns []string) string {
	var e *csvin.Error
	if !errors.As(err, &e) {
		if signon.ErrorCode(err) == signon.EINVALID {
			return t.Error(err)
		}
		return ""
	}
	switch e.Code {
	case csvin.ErrTooLarge:
		return t.T("csv.error.too_large", "MB", e.Limit>>20)
	case csvin.ErrTooManyRows:
		return t.T("csv.error.too_many_rows", "Limit", e.Limit)
	case csvin.ErrNotUTF8:
		return t.T("csv.error.not_utf8", "Row", e.Row)
	case csvin.ErrMalformed:
		return t.T("csv.error.malformed", "Row", e.Row)
	case csvin.ErrUnknownColumn:
		return t.T("csv.error.unknown_column", "Column", e.Column, "Columns", strings.Join(columns, ", "))
	case csvin.ErrDuplicate:
		return t.T("csv.error.duplicate_column", "Column", e.Column)
	case csvin.ErrMissingColumn:
		return t.T("csv.error.missing_column", "Column", e.Column)
	}
	return t.T("csv.error.empty")
}

// csvUpload is the form of the csv_upload partial.
type csvUpload struct {
	*page
	Action string // where the form posts
	Text   string // pasted text, shown again
}

// CSVUpload is the upload form of an import that posts to action.
func (p *page) CSVUpload(action, text string) csvUpload {
	return csvUpload{page: p, Action: action, Text: text}
}
