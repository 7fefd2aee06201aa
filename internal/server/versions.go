package server

// The versions of a statement's text: the history and each older text on
// the public pages, the digest of the published record, and the
// confirmation the edit form asks for before a signed text gets a new
// version.

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// --- The statement page ---

// recordSection is what the statement page shows of the text's versions
// and, once published, of its record.
type recordSection struct {
	Versions  []versionRow // oldest first; only when there is more than one
	Published bool
	Digest    string // SHA-256 (hex) fixed at publication; "" before, or if published before digests were kept
	RecordURL string // the record's absolute address
}

// versionRow is one line of the version history.
type versionRow struct {
	Version int
	Date    string
	URL     string // "" for the current version, which is the page itself
}

// ManyVersions reports whether the text has changed since the first
// signatures, so the list says which version each organization signed.
func (p *statementPage) ManyVersions() bool { return p.St.Version > 1 }

// addRecord fills in the version history and the record's digest.
func (s *Server) addRecord(c echo.Context, data *statementPage) error {
	st := data.St
	sec := &recordSection{Published: data.Effective == signon.StatusPublished}
	data.Record = sec
	if sec.Published {
		sec.Digest = st.RecordSHA256
		// Absolute, so the command to check the record can be copied as it is.
		sec.RecordURL = s.absoluteURL("/api/v1/statements/" + st.Slug + "/record")
	}
	if st.Version < 2 {
		return nil
	}
	versions, err := s.db.StatementVersions(c.Request().Context(), st.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		row := versionRow{Version: v.Version, Date: data.Date(&v.CreatedAt)}
		if v.Version != st.Version {
			row.URL = versionURL(st.Slug, v.Version)
		}
		sec.Versions = append(sec.Versions, row)
	}
	return nil
}

func versionURL(slug string, n int) string {
	return "/s/" + slug + "/versions/" + strconv.Itoa(n)
}

// --- One older version ---

type versionPage struct {
	*page
	St          *signon.Statement
	Version     *signon.StatementVersion
	Dated       string // the version's date in the page's language
	BodyHTML    template.HTML
	ContentLang string
}

var errVersionNotFound = signon.KeyedError(signon.ENOTFOUND, "versions.error.not_found", "This statement has no such version.")

// handleStatementVersion serves GET /s/:slug/versions/:n.
//
// handleStatementVersion shows the text of one version of a statement, as
// those who signed it read it. The current version is the statement's
// own page.
func (s *Server) handleStatementVersion(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.publicStatement(ctx, c.Param("slug"), currentAccount(c) != nil)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || n > st.Version {
		return errVersionNotFound
	}
	if n == st.Version {
		return c.Redirect(http.StatusFound, "/s/"+st.Slug)
	}
	versions, err := s.db.StatementVersions(ctx, st.ID)
	if err != nil {
		return err
	}
	var v *signon.StatementVersion
	for _, candidate := range versions {
		if candidate.Version == n {
			v = candidate
		}
	}
	if v == nil {
		// Raised before versions were kept: the text is gone.
		return errVersionNotFound
	}
	p := s.newPage(c, v.Title)
	// An old text is not what search engines should show for the statement.
	p.NoIndex = true
	data := versionPage{page: p, St: st, Version: v, Dated: p.Date(&v.CreatedAt)}
	if st.Language != p.Lang() {
		data.ContentLang = st.Language
	}
	if data.BodyHTML, err = s.md.HTML(v.Body); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "statement_version", data)
}

// --- The edit form ---

// versionNotice is what the edit form says when organizations have signed
// the current text: saving a change makes a new version, and asks first.
type versionNotice struct {
	Signed      int // signatures recording the current version, whatever their status
	Version     int
	Next        int
	Ask         bool // the text was changed: saving needs the checkbox
	Confirmed   bool
	Individuals bool
}

// errConfirmVersion refuses a signed text changed without the
// confirmation.
var errConfirmVersion = &signon.Error{
	Code: signon.EINVALID, Key: "versions.error.confirm",
	Message: "Signatures were given on the current text. Confirm that saving creates a new version.",
	Fields:  signon.Problems{"confirm_version": {Code: signon.ProblemRequired}},
}

// versionNoticeFor prepares the notice for the form of st (nil for a new
// statement), as f was sent and with the error it got.
func (s *Server) versionNoticeFor(c echo.Context, st *signon.Statement, f statementForm, formErr error) (*versionNotice, error) {
	if st == nil {
		return nil, nil
	}
	counts, err := s.db.SignatureCountsByVersion(c.Request().Context(), st.ID)
	if err != nil {
		return nil, err
	}
	if counts[st.Version] == 0 {
		return nil, nil
	}
	next := strconv.Itoa(st.Version + 1)
	return &versionNotice{
		Signed: counts[st.Version], Version: st.Version, Next: st.Version + 1,
		// Once asked, the checkbox stays while other fields are fixed.
		Ask:         errors.Is(formErr, errConfirmVersion) || f.ConfirmVersion != "",
		Confirmed:   f.ConfirmVersion == next,
		Individuals: st.AllowIndividuals,
	}, nil
}

// checkVersionConfirmed refuses to save edited over stored when that
// makes a new version the coordinator has not confirmed. The checkbox
// carries the version it confirms, so a confirmation given while someone
// else made that version does not stand for the next one. The store
// applies the same rule again under the statement's lock; a signature
// arriving in between makes a version without this question, which keeps
// every signature on the text it signed.
func (s *Server) checkVersionConfirmed(c echo.Context, stored, edited *signon.Statement, f statementForm) error {
	counts, err := s.db.SignatureCountsByVersion(c.Request().Context(), stored.ID)
	if err != nil {
		return err
	}
	if signon.Revise(stored, edited, counts[stored.Version]) != signon.RevisionNew ||
		f.ConfirmVersion == strconv.Itoa(stored.Version+1) {
		return nil
	}
	return errConfirmVersion
}
