package server

// Downloads of who signed a statement: CSV for the spreadsheets the press
// and the coalition work in, JSON for programs. The public gets the
// approved signatories of a statement whose list is public, with public
// fields only; coordinators get every signature of a statement still in
// progress, with the private fields they review by.
//
// Exports stream: each row goes from the database cursor to the response,
// flushed every few hundred rows, so a list of a million signatures takes
// no more memory than a list of ten.

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

const (
	// exportFlushEvery is how many rows go out at a time: often enough
	// that a client sees the download progress, rarely enough that the
	// flushes cost nothing next to the rows.
	exportFlushEvery = 500
	// exportStall is how long a client may take to accept each batch of
	// rows. It replaces the server's write timeout while an export runs,
	// so a slow phone downloading a long list is not cut off, while one
	// that stops reading is.
	exportStall = time.Minute
)

var (
	errExportHidden = signon.KeyedError(signon.EFORBIDDEN, "export.error.hidden",
		"The signatories of this statement are not public yet, so their list cannot be downloaded. It can be once the statement is published.")
	errExportPublished = signon.KeyedError(signon.ECONFLICT, "export.error.published",
		"This statement is published: its signatures can no longer be downloaded with their private details. Download the public list of signatories instead.")
)

// inertCell makes a CSV value safe to open in a spreadsheet. A cell
// starting with =, +, - or @ is run as a formula by Excel, LibreOffice and
// Google Sheets, and a leading tab or carriage return can smuggle one in;
// a signer could name their organization =HYPERLINK(…) to attack whoever
// opens the list. Following OWASP's advice on CSV injection, such a value
// gets a leading apostrophe, which spreadsheets show as text. Every cell
// goes through here, so the rule is the same for every column.
func inertCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// exportTime writes t as RFC 3339 in UTC to the second, as the API does.
func exportTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// exportSignatory is a signatory as the public may see it: never the
// email, the status or anything else a coordinator keeps to themselves.
// The JSON names are the CSV's header.
type exportSignatory struct {
	Organization string `json:"organization"`
	SignerName   string `json:"signer_name"`
	SignerTitle  string `json:"signer_title"`
	City         string `json:"city"`
	Region       string `json:"region"`
	RegionName   string `json:"region_name"`
	Country      string `json:"country"`
	CountryName  string `json:"country_name"`
	Website      string `json:"website"`
	SignerType   string `json:"signer_type"`
	SignedAt     string `json:"signed_at"`
	Lead         bool   `json:"lead"` // a lead signer, listed first (lead.go)
}

// signatoryHeader is the header row of the public CSV. The names stay
// the same in every language, so a program reading the file need not know
// which one it was downloaded in; the place names follow the language.
var signatoryHeader = []string{"organization", "signer_name", "signer_title", "city", "region", "region_name",
	"country", "country_name", "website", "signer_type", "signed_at", "lead"}

func newExportSignatory(sig *signon.Signature, lang string) exportSignatory {
	out := exportSignatory{
		Organization: sig.Organization, SignerName: sig.SignerName, SignerTitle: sig.SignerTitle, City: sig.City,
		Region: sig.Region, Country: sig.Country, Website: sig.Website, SignerType: string(sig.SignerType),
		SignedAt: exportTime(&sig.CreatedAt), Lead: sig.Lead,
	}
	if r, ok := signon.LookupRegion(sig.Region); ok {
		out.RegionName = r.Name(lang)
	}
	out.CountryName = sig.Country
	if c, ok := signon.LookupCountry(sig.Country); ok {
		out.CountryName = c.Name(lang)
	}
	return out
}

func (r *exportSignatory) record(out []string) []string {
	return append(out, r.Organization, r.SignerName, r.SignerTitle, r.City, r.Region, r.RegionName,
		r.Country, r.CountryName, r.Website, r.SignerType, r.SignedAt, strconv.FormatBool(r.Lead))
}

// exportSignature is a signature as coordinators review it: the public
// fields and the private ones.
type exportSignature struct {
	ID int64 `json:"id"`
	exportSignatory
	Email       string `json:"email"`
	Language    string `json:"language"`
	Status      string `json:"status"`
	Source      string `json:"source"`
	ConfirmedAt string `json:"confirmed_at"`
	ApprovedAt  string `json:"approved_at"`
	RejectedAt  string `json:"rejected_at"`
	WithdrawnAt string `json:"withdrawn_at"`
	// Flags are the reasons a reviewer looks twice (signon.Flags, comma
	// separated, "" for none); AuthorizedAt is when the signer affirmed
	// their authority to sign for the organization, "" for none.
	Flags        string `json:"flags"`
	AuthorizedAt string `json:"authorized_at"`
}

// signatureHeader is the header row of the coordinators' CSV.
var signatureHeader = slices.Concat([]string{"id"}, signatoryHeader,
	[]string{"email", "language", "status", "source", "confirmed_at", "approved_at", "rejected_at", "withdrawn_at",
		"flags", "authorized_at"})

func newExportSignature(sig *signon.Signature, lang string) exportSignature {
	return exportSignature{
		ID: sig.ID, exportSignatory: newExportSignatory(sig, lang),
		Email: sig.Email, Language: sig.Language, Status: string(sig.Status), Source: string(sig.Source),
		ConfirmedAt: exportTime(sig.ConfirmedAt), ApprovedAt: exportTime(sig.ApprovedAt),
		RejectedAt: exportTime(sig.RejectedAt), WithdrawnAt: exportTime(sig.WithdrawnAt),
		Flags: string(sig.Flags), AuthorizedAt: exportTime(sig.AuthorizedAt),
	}
}

func (r *exportSignature) record(out []string) []string {
	out = append(out, strconv.FormatInt(r.ID, 10))
	out = r.exportSignatory.record(out)
	return append(out, r.Email, r.Language, r.Status, r.Source, r.ConfirmedAt, r.ApprovedAt, r.RejectedAt, r.WithdrawnAt,
		r.Flags, r.AuthorizedAt)
}

// exportStatement introduces the rows of a JSON export.
type exportStatement struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Status string `json:"status"`
	URL    string `json:"url"`
}

// exportableStatement is the statement at :slug when the public may
// download its signatories: drafts do not exist for them, and a list
// kept hidden until publication is refused with the reason.
func (s *Server) exportableStatement(c echo.Context) (*signon.Statement, error) {
	st, err := s.publicStatement(c.Request().Context(), c.Param("slug"), false)
	if err != nil {
		return nil, err
	}
	if !st.SignatoriesPublic(s.now()) {
		return nil, errExportHidden
	}
	return st, nil
}

// handleSignatoriesCSV serves GET /s/:slug/signatories.csv.
//
// handleSignatoriesCSV downloads the approved signatories as a CSV file.
func (s *Server) handleSignatoriesCSV(c echo.Context) error {
	st, err := s.exportableStatement(c)
	if err != nil {
		return err
	}
	lang := s.translator(c).lang
	out := newExportStream(c, "text/csv; charset=utf-8", st.Slug+"-signatories.csv", false)
	row := make([]string, 0, len(signatoryHeader))
	return s.streamCSV(c, out, signatoryHeader, publicFilter(st), func(sig *signon.Signature) []string {
		r := newExportSignatory(sig, lang)
		return r.record(row[:0])
	})
}

// handleSignatoriesJSON serves GET /s/:slug/signatories.json.
//
// handleSignatoriesJSON downloads the approved signatories as a JSON file.
func (s *Server) handleSignatoriesJSON(c echo.Context) error {
	return s.signatoriesJSON(c, true)
}

// apiSignaturesJSON serves GET /api/v1/statements/:slug/signatures.json.
//
// apiSignaturesJSON is the same JSON from the API, as a plain response.
func (s *Server) apiSignaturesJSON(c echo.Context) error {
	return s.signatoriesJSON(c, false)
}

func (s *Server) signatoriesJSON(c echo.Context, asFile bool) error {
	st, err := s.exportableStatement(c)
	if err != nil {
		return err
	}
	lang := s.translator(c).lang
	filename := ""
	if asFile {
		filename = st.Slug + "-signatories.json"
	}
	out := newExportStream(c, echo.MIMEApplicationJSON, filename, false)
	return s.streamJSON(c, out, s.exportHead(st), publicFilter(st), func(sig *signon.Signature) any {
		return newExportSignatory(sig, lang)
	})
}

func publicFilter(st *signon.Statement) signon.SignatureFilter {
	return signon.SignatureFilter{StatementID: st.ID, ByRegion: true}
}

// coordinatorExportStatement is the statement :id when its signatures
// may be downloaded with their private fields: while it is in progress.
// Once published, the public list is the record.
func (s *Server) coordinatorExportStatement(c echo.Context) (*signon.Statement, error) {
	st, err := s.pathStatement(c)
	if err != nil {
		return nil, err
	}
	if st.EffectiveStatus(s.now()) == signon.StatusPublished {
		return nil, errExportPublished
	}
	s.log.InfoContext(c.Request().Context(), "private signature export",
		slog.Int64("statement", st.ID), slog.Int64("account", currentAccount(c).ID), slog.String("path", loggedPath(c)))
	return st, nil
}

// coordinatorFilter selects every signature, whatever its status.
func coordinatorFilter(st *signon.Statement) signon.SignatureFilter {
	return signon.SignatureFilter{StatementID: st.ID, ByRegion: true, Statuses: allSignatureStatuses}
}

// handleSignaturesCSV serves GET /coordinate/statements/:id/signatures.csv.
//
// handleSignaturesCSV downloads every signature with its private fields.
func (s *Server) handleSignaturesCSV(c echo.Context) error {
	st, err := s.coordinatorExportStatement(c)
	if err != nil {
		return err
	}
	lang := s.translator(c).lang
	out := newExportStream(c, "text/csv; charset=utf-8", st.Slug+"-signatures-private.csv", true)
	row := make([]string, 0, len(signatureHeader))
	return s.streamCSV(c, out, signatureHeader, coordinatorFilter(st), func(sig *signon.Signature) []string {
		r := newExportSignature(sig, lang)
		return r.record(row[:0])
	})
}

// handleSignaturesJSON serves GET /coordinate/statements/:id/signatures.json.
//
// handleSignaturesJSON is handleSignaturesCSV in JSON.
func (s *Server) handleSignaturesJSON(c echo.Context) error {
	st, err := s.coordinatorExportStatement(c)
	if err != nil {
		return err
	}
	lang := s.translator(c).lang
	out := newExportStream(c, echo.MIMEApplicationJSON, st.Slug+"-signatures-private.json", true)
	return s.streamJSON(c, out, s.exportHead(st), coordinatorFilter(st), func(sig *signon.Signature) any {
		return newExportSignature(sig, lang)
	})
}

func (s *Server) exportHead(st *signon.Statement) exportStatement {
	return exportStatement{Slug: st.Slug, Title: st.Title, Status: string(st.EffectiveStatus(s.now())), URL: s.absoluteURL("/s/" + st.Slug)}
}

// signatureCopier is a database that writes the lines of a CSV export
// itself (PostgreSQL, with COPY), the cells named by the header,
// exactly as streamCSV would; see store.CopySignaturesCSV. It reports
// false when it cannot, before writing anything.
type signatureCopier interface {
	CopySignaturesCSV(ctx context.Context, f signon.SignatureFilter, columns []string, lang string, line func([]byte) error) (bool, error)
}

// streamCSV writes an RFC 4180 file: a byte order mark, without which
// Excel reads UTF-8 as Latin-1 and mangles every accent, the header, then
// a row per signature with every cell made inert. A database that can
// write the rows itself does, many times faster than a Signature at a
// time through record, which must then give the same cells.
func (s *Server) streamCSV(c echo.Context, out *exportStream, header []string, f signon.SignatureFilter, record func(*signon.Signature) []string) error {
	w := csv.NewWriter(out) // shares out's buffer, which is larger than csv's own
	w.UseCRLF = true
	inert := func(cells []string) []string {
		for i, v := range cells {
			cells[i] = inertCell(v)
		}
		return cells
	}
	out.WriteString("\uFEFF") // an error here comes back from w.Write, on the same buffer
	err := w.Write(header)
	if err == nil {
		w.Flush() // into out's buffer, before the copied lines
		err = w.Error()
	}
	if copier, ok := s.db.(signatureCopier); ok && err == nil {
		var copied bool
		copied, err = copier.CopySignaturesCSV(c.Request().Context(), f, header, s.translator(c).lang, func(line []byte) error {
			if _, err := out.Write(line); err != nil {
				return err
			}
			return out.row()
		})
		if copied || err != nil {
			return s.endExport(c, out, err)
		}
	}
	if err == nil {
		err = s.db.EachSignature(c.Request().Context(), f, func(sig *signon.Signature) error {
			if err := w.Write(inert(record(sig))); err != nil {
				return err
			}
			return out.row()
		})
	}
	if err == nil {
		w.Flush()
		err = w.Error()
	}
	return s.endExport(c, out, err)
}

// streamJSON writes {"statement": head, "signatures": [item, …],
// "total": n}, one signature a line, the total last because it is known
// only at the end.
func (s *Server) streamJSON(c echo.Context, out *exportStream, head exportStatement, f signon.SignatureFilter, item func(*signon.Signature) any) error {
	// The buffer's errors are sticky: one from these writes comes back
	// from the next flush.
	enc := json.NewEncoder(out)
	out.WriteString(`{"statement":`)
	err := enc.Encode(head)
	out.WriteString(`,"signatures":[`)
	n := 0
	if err == nil {
		err = s.db.EachSignature(c.Request().Context(), f, func(sig *signon.Signature) error {
			if n > 0 {
				out.WriteByte(',')
			}
			n++
			if err := enc.Encode(item(sig)); err != nil {
				return err
			}
			return out.row()
		})
	}
	if err == nil {
		_, err = fmt.Fprintf(out, "],\"total\":%d}\n", n)
	}
	return s.endExport(c, out, err)
}

// exportStream is the body of a download, buffered. Its headers go out
// with its first bytes, so an error before then (the query failing)
// still becomes an ordinary error page rather than a file holding one.
type exportStream struct {
	*bufio.Writer
	res    *echo.Response
	header http.Header
	rows   int
}

// newExportStream prepares a response of contentType, offered as a file
// named filename unless that is empty. private keeps it out of every
// cache.
func newExportStream(c echo.Context, contentType, filename string, private bool) *exportStream {
	e := &exportStream{res: c.Response(), header: http.Header{}}
	e.header.Set(echo.HeaderContentType, contentType)
	if filename != "" {
		// Slugs are [a-z0-9-], so the name needs no quoting rules.
		e.header.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	}
	if private {
		e.header.Set("Cache-Control", "no-store")
	}
	e.Writer = bufio.NewWriterSize(writerFunc(e.write), 32<<10)
	return e
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (e *exportStream) commit() {
	if e.res.Committed {
		return
	}
	for k, v := range e.header {
		e.res.Header()[k] = v
	}
	e.res.WriteHeader(http.StatusOK)
}

func (e *exportStream) write(p []byte) (int, error) {
	e.commit()
	return e.res.Write(p)
}

// row counts a row written and sends every exportFlushEvery-th batch.
func (e *exportStream) row() error {
	e.rows++
	if e.rows%exportFlushEvery != 0 {
		return nil
	}
	return e.send()
}

// send pushes what is buffered to the client and gives it exportStall
// more to take the next batch.
func (e *exportStream) send() error {
	if err := e.Writer.Flush(); err != nil {
		return err
	}
	e.commit()
	rc := http.NewResponseController(e.res)
	if err := rc.SetWriteDeadline(time.Now().Add(exportStall)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// endExport finishes the download. When err interrupts it after its
// first bytes went out, the status can no longer say so, and ending the
// response normally would give the client a cut-off list that looks
// whole; the connection is aborted instead, which every client reports
// as a failed download.
func (s *Server) endExport(c echo.Context, out *exportStream, err error) error {
	if err == nil {
		err = out.send()
	}
	if err == nil || !c.Response().Committed {
		return err
	}
	ctx := c.Request().Context()
	level := slog.LevelError
	if ctx.Err() != nil {
		level = slog.LevelInfo // the client went away
	}
	s.log.LogAttrs(ctx, level, "export interrupted", slog.String("path", loggedPath(c)),
		slog.Int("rows", out.rows), slog.Any("error", err))
	panic(http.ErrAbortHandler)
}
