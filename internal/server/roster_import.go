package server

// Importing members from a spreadsheet: the file is read and every row
// checked first, and the preview shows each row's problems; nothing is
// imported until every row is valid, and then all rows are, in one
// transaction. A row naming an organization already on the roster is a
// problem, not an update: an import only adds (docs/roster-import.md).

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

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
	data.page, data.MaxRows, data.MaxMB = p, signon.MaxImportRows, signon.MaxImportBytes>>20
	return s.render(c, status, "roster_import", data)
}

// handleMemberImportForm serves GET /coordinate/members/import.
func (s *Server) handleMemberImportForm(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, memberImportPage{})
}

// handleMemberImport serves POST /coordinate/members/import.
//
// handleMemberImport previews an uploaded or pasted file and, when the preview
// was confirmed (confirm=1) and every row is still valid, imports it.
func (s *Server) handleMemberImport(c echo.Context) error {
	t := s.translator(c)
	text, err := importText(c)
	var rows []memberImportRow
	if err == nil {
		rows, err = s.checkImport(c, text)
	}
	if err != nil {
		if msg := importError(t, err, signon.MemberColumns); msg != "" {
			return s.renderImport(c, http.StatusUnprocessableEntity, memberImportPage{Error: msg})
		}
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

// checkImport reads text as a roster file and checks every row: as a
// member, against the rows before it, and against the roster.
func (s *Server) checkImport(c echo.Context, text string) ([]memberImportRow, error) {
	parsed, err := signon.ParseMemberCSV([]byte(text))
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, r := range parsed {
		if r.Value != nil {
			keys = append(keys, r.Value.OrgKey)
		}
	}
	onRoster, err := s.db.MembersByOrgKey(c.Request().Context(), keys)
	if err != nil {
		return nil, err
	}
	t := s.translator(c)
	rows := make([]memberImportRow, len(parsed))
	for i, r := range parsed {
		if r.Value != nil && onRoster[r.Value.OrgKey] != nil {
			r.Problems.Add("name", signon.ProblemOnRoster, 0)
			r.Value = nil
		}
		rows[i] = memberImportRow{Number: r.Number, Member: r.Value, Input: r.Input, Problems: rowProblems(t, r.Problems)}
	}
	return rows, nil
}

// rowProblems lists a row's problems by the file's column names, those
// of the row as a whole first.
func rowProblems(t *translator, problems signon.Problems) []fieldProblem {
	var out []fieldProblem
	if p, ok := problems["row"]; ok {
		out = append(out, fieldProblem{Message: t.Problem(p)})
	}
	for _, column := range signon.MemberColumns {
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
