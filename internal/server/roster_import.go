package server

// Importing members from a spreadsheet: the file is read and every row
// checked first, and the preview shows each row's problems; nothing is
// imported until every row is valid, and then all rows are, in one
// transaction. A row naming an organization already on the roster is a
// problem, not an update: an import only adds (docs/roster-import.md).

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/signon-coalition/signon/internal/csvin"
	"github.com/signon-coalition/signon/internal/signon"
)

// Limits of one import.
const (
	importMaxBytes = 2 << 20
	importMaxRows  = 5000
	// importMaxBody is the most a request may carry: the file, or its
	// text sent back for the import itself, and the form around it.
	importMaxBody = importMaxBytes + 64<<10
)

// memberColumns are the columns of a roster file; name is the one
// required.
var memberColumns = []string{"name", "contact_name", "email", "city", "state", "country", "website", "language"}

// memberImportRow is one row of the file as the preview shows it.
type memberImportRow struct {
	Number   int
	Member   *signon.Member     // nil when the row has problems
	Input    signon.MemberInput // as the file has it
	Problems []fieldProblem     // by column, in the file's column order
}

type memberImportPage struct {
	*page
	// CSV is the file's text, sent back with the confirmation so the
	// import is of exactly the rows previewed.
	CSV       string
	Rows      []memberImportRow
	Invalid   []memberImportRow
	Error     string // why the file as a whole cannot be read
	Previewed bool
	MaxRows   int
	MaxMB     int
}

func (s *Server) renderImport(c echo.Context, status int, data memberImportPage) error {
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("roster.import.title"), true, "/coordinate/members/import"
	data.page, data.MaxRows, data.MaxMB = p, importMaxRows, importMaxBytes>>20
	return s.render(c, status, "roster_import", data)
}

func (s *Server) handleMemberImportForm(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, memberImportPage{})
}

// handleMemberImport previews an uploaded or pasted file and, when the preview
// was confirmed (confirm=1) and every row is still valid, imports it.
func (s *Server) handleMemberImport(c echo.Context) error {
	t := s.translator(c)
	text, err := importText(c)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if !errors.As(err, &tooLarge) && !errors.Is(err, errImportTooLarge) {
			return signon.Errorf(signon.EINVALID, "Malformed form.")
		}
		err = &csvin.Error{Code: csvin.ErrTooLarge, Limit: importMaxBytes}
	}
	var rows []memberImportRow
	if err == nil {
		rows, err = s.checkImport(c, text)
	}
	var fileErr *csvin.Error
	if errors.As(err, &fileErr) {
		return s.renderImport(c, http.StatusUnprocessableEntity, memberImportPage{Error: csvErrorMessage(t, fileErr, memberColumns)})
	} else if err != nil {
		return err
	}
	data := memberImportPage{CSV: text, Rows: rows, Previewed: true}
	for _, r := range rows {
		if len(r.Problems) > 0 {
			data.Invalid = append(data.Invalid, r)
		}
	}
	if len(data.Invalid) > 0 {
		return s.renderImport(c, http.StatusUnprocessableEntity, data)
	}
	if c.FormValue("confirm") == "" {
		return s.renderImport(c, http.StatusOK, data)
	}
	members := make([]*signon.Member, len(rows))
	for i, r := range rows {
		members[i] = r.Member
	}
	err = s.db.ImportMembers(c.Request().Context(), members, currentAccount(c).ID)
	if signon.ErrorCode(err) == signon.ECONFLICT {
		// Someone added one of these members since the preview: show
		// which, and import nothing.
		if data.Rows, err = s.checkImport(c, text); err != nil {
			return err
		}
		data.Invalid, data.Error = nil, t.T("roster.import.changed")
		for _, r := range data.Rows {
			if len(r.Problems) > 0 {
				data.Invalid = append(data.Invalid, r)
			}
		}
		return s.renderImport(c, http.StatusConflict, data)
	} else if err != nil {
		return err
	}
	return redirect(c, urlWithQuery("/coordinate/members", "done", "imported", "n", strconv.Itoa(len(members))))
}

var errImportTooLarge = errors.New("import larger than the limit")

const importPath = "/coordinate/members/import"

// bodyLimit caps every request body at 2 MB, before anything reads it
// (the CSRF check reads forms). A roster file may itself be 2 MB, so its
// import may bring a little more, and one announced as larger is
// refused with a message that says what to do.
func bodyLimit() echo.MiddlewareFunc {
	general := middleware.BodyLimit("2M")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := general(next)
		return func(c echo.Context) error {
			if c.Path() != importPath {
				return limited(c)
			}
			req := c.Request()
			if req.ContentLength > importMaxBody {
				return signon.KeyedError(signon.EINVALID, "roster.import.too_large",
					"The file is larger than 2 MB. Split it into smaller files and import them one after the other.")
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, importMaxBody)
			return next(c)
		}
	}
}

// importText is the file of the upload, or the text pasted or sent back
// from the preview.
func importText(c echo.Context) (string, error) {
	if err := c.Request().ParseMultipartForm(importMaxBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return "", err
	}
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		if fh.Size > importMaxBytes {
			return "", errImportTooLarge
		}
		f, err := fh.Open()
		if err != nil {
			return "", err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, importMaxBytes+1))
		return string(b), err
	}
	return c.FormValue("csv"), nil
}

// checkImport reads text as a roster file and checks every row: as a
// member, against the rows before it, and against the roster.
func (s *Server) checkImport(c echo.Context, text string) ([]memberImportRow, error) {
	t := s.translator(c)
	table, err := csvin.Read(strings.NewReader(text), memberColumns, []string{"name"},
		csvin.Limits{MaxBytes: importMaxBytes, MaxRows: importMaxRows})
	if err != nil {
		return nil, err
	}
	if len(table.Rows) == 0 {
		return nil, &csvin.Error{Code: csvin.ErrEmpty}
	}
	rows := make([]memberImportRow, len(table.Rows))
	firstRow := map[string]int{} // organization key → first row naming it
	var keys []string
	for i, r := range table.Rows {
		in := signon.MemberInput{
			Name: r.Get("name"), ContactName: r.Get("contact_name"), Email: r.Get("email"), City: r.Get("city"),
			Region: r.Get("state"), Country: r.Get("country"), Website: r.Get("website"), Language: r.Get("language"),
		}
		row := memberImportRow{Number: r.Number, Input: in}
		m, err := in.Validate()
		problems := signon.ErrorFields(err)
		switch {
		case err != nil && problems == nil:
			return nil, err
		case err == nil:
			if first, ok := firstRow[m.OrgKey]; ok {
				problems = signon.Problems{"name": {Code: signon.ProblemDuplicateRow, Limit: first}}
			} else {
				firstRow[m.OrgKey] = r.Number
				keys = append(keys, m.OrgKey)
				row.Member = m
			}
		}
		row.Problems = rowProblems(t, problems)
		rows[i] = row
	}
	onRoster, err := s.db.MembersByOrgKey(c.Request().Context(), keys)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if r.Member == nil {
			continue
		}
		if _, ok := onRoster[r.Member.OrgKey]; ok {
			rows[i].Member = nil
			rows[i].Problems = rowProblems(t, signon.Problems{"name": {Code: signon.ProblemOnRoster}})
		}
	}
	return rows, nil
}

// rowProblems lists a row's problems by the file's column names.
func rowProblems(t *translator, problems signon.Problems) []fieldProblem {
	var out []fieldProblem
	for _, column := range memberColumns {
		field := column
		if column == "state" {
			field = "region"
		}
		if p, ok := problems[field]; ok {
			out = append(out, fieldProblem{Field: column, Message: t.Problem(p)})
		}
	}
	return out
}

// csvErrorMessage says in the person's language what is wrong with a
// file as a whole; columns are the ones the file may have.
func csvErrorMessage(t *translator, e *csvin.Error, columns []string) string {
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
	case csvin.ErrExtraCells:
		return t.T("csv.error.extra_cells", "Row", e.Row)
	}
	return t.T("csv.error.empty")
}
