package server

// Importing signatures from a CSV file: upload, a preview of every row
// with its problems, and a confirmation that imports all rows or none.
// Nothing is kept between the preview and the confirmation: the preview
// carries the file's text in its form, and the confirmation validates it
// again from the start, so a tampered or outdated preview imports
// nothing it would not have shown.

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

type importPage struct {
	*page
	Statement  *signon.Statement
	Changeable bool
	Columns    []string
	MaxRows    int
	MaxKB      int
	Rows       []importRow // the preview; empty before an upload
	Problems   int         // rows with problems
	Valid      bool
	CSV        string // the file, carried to the confirmation
	Text       string // pasted text, shown again
	Error      string
}

// importRow is a preview line.
type importRow struct {
	Line         int
	Organization string
	SignerName   string
	Email        string
	Place        string
	Problems     []fieldProblem
}

func (s *Server) importStatement(c echo.Context) (*signon.Statement, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.db.StatementByID(c.Request().Context(), id)
}

func (s *Server) newImportPage(c echo.Context, st *signon.Statement) importPage {
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.import.title"), true, manageURL(st.ID)+"/import"
	return importPage{page: p, Statement: st, Changeable: st.CheckSignaturesChangeable() == nil,
		Columns: signon.ImportColumns, MaxRows: signon.MaxImportRows, MaxKB: signon.MaxImportBytes / 1024}
}

func (s *Server) handleImportForm(c echo.Context) error {
	st, err := s.importStatement(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "review_import", s.newImportPage(c, st))
}

// errNoFile is an upload without a file or text.
func errNoFile() error {
	return signon.KeyedError(signon.EINVALID, "review.import.error.no_file", "Choose a CSV file to import.")
}

// uploadedCSV reads the uploaded file, or the pasted text when no file
// was chosen, refusing more than signon.MaxImportBytes.
func uploadedCSV(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		text := c.FormValue("csv")
		if text == "" {
			return nil, errNoFile()
		}
		return []byte(text), nil
	case err != nil:
		return nil, signon.Errorf(signon.EINVALID, "Malformed form.")
	case fh.Size > signon.MaxImportBytes:
		return nil, &signon.ImportError{Code: signon.ImportTooBig, Limit: signon.MaxImportBytes}
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, signon.MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errNoFile()
	}
	return data, nil
}

// handleImportPreview validates an uploaded file and shows every row with
// its problems, and the confirmation when there are none.
func (s *Server) handleImportPreview(c echo.Context) error {
	st, err := s.importStatement(c)
	if err != nil {
		return err
	}
	data := s.newImportPage(c, st)
	csv, err := uploadedCSV(c)
	if err != nil {
		if signon.ErrorCode(err) != signon.EINVALID {
			return err
		}
		data.Error, data.Text = importError(data.page, err), c.FormValue("csv")
		return s.render(c, http.StatusUnprocessableEntity, "review_import", data)
	}
	sigs, err := s.previewImport(c, &data, csv)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if sigs == nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "review_import", data)
}

// handleImportConfirm validates the previewed file again and imports all
// of it, or shows the preview again with what now stands in the way.
func (s *Server) handleImportConfirm(c echo.Context) error {
	st, err := s.importStatement(c)
	if err != nil {
		return err
	}
	data := s.newImportPage(c, st)
	csv := c.FormValue("csv")
	if csv == "" {
		data.Error = importError(data.page, errNoFile())
		return s.render(c, http.StatusUnprocessableEntity, "review_import", data)
	}
	sigs, err := s.previewImport(c, &data, []byte(csv))
	if err != nil {
		return err
	}
	if sigs == nil {
		return s.render(c, http.StatusUnprocessableEntity, "review_import", data)
	}
	err = s.db.ImportSignatures(c.Request().Context(), st.ID, sigs, currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, reviewURL(st.ID)+"?status=approved&done=imported&n="+strconv.Itoa(len(sigs)))
	case signon.ECONFLICT, signon.EINVALID:
		// An organization signed since the validation above: show which.
		data = s.newImportPage(c, st)
		if _, perr := s.previewImport(c, &data, []byte(csv)); perr != nil {
			return perr
		}
		if data.Error == "" && data.Valid {
			data.Valid, data.Error = false, data.T("review.import.error.failed")+" "+data.page.Error(err)
		}
		return s.render(c, statusOf[code], "review_import", data)
	}
	return err
}

// previewImport validates csv for the statement of data, against itself
// and the statement's standing signatures, and fills the preview. It
// returns the signatures to import when every row is valid, and nil
// otherwise; the error is for what the person cannot fix.
func (s *Server) previewImport(c echo.Context, data *importPage, csv []byte) ([]*signon.Signature, error) {
	p := data.page
	if !data.Changeable {
		data.Error = p.Error(data.Statement.CheckSignaturesChangeable())
		return nil, nil
	}
	rows, err := signon.ParseSignatureCSV(csv, data.Statement)
	if err != nil {
		if signon.ErrorCode(err) != signon.EINVALID {
			return nil, err
		}
		data.Error = importError(p, err)
		if len(csv) <= signon.MaxImportBytes {
			data.Text = string(csv)
		}
		return nil, nil
	}
	var keys []string
	for _, r := range rows {
		if r.Signature != nil {
			keys = append(keys, r.Signature.OrgKey)
		}
	}
	standing, err := s.db.StandingSignatures(c.Request().Context(), data.Statement.ID, keys)
	if err != nil {
		return nil, err
	}
	var sigs []*signon.Signature
	for _, r := range rows {
		if r.Signature != nil && standing[r.Signature.OrgKey] != nil {
			r.Problems.Add("organization", signon.ProblemAlreadySigned, 0)
			r.Signature = nil
		}
		row := importRow{Line: r.Line, Organization: r.Input.Organization, SignerName: r.Input.SignerName, Email: r.Input.Email}
		if r.Signature != nil {
			row.Organization, row.SignerName, row.Email = r.Signature.Organization, r.Signature.SignerName, r.Signature.Email
			row.Place = placeOf(p, r.Signature)
			sigs = append(sigs, r.Signature)
		}
		for _, f := range append([]signatureField{{Name: "row"}}, signatureFields...) {
			if pr, ok := r.Problems[f.Name]; ok {
				row.Problems = append(row.Problems, fieldProblem{Field: fieldLabel(p, f.Name), Message: p.Problem(pr)})
			}
		}
		if len(row.Problems) > 0 {
			data.Problems++
		}
		data.Rows = append(data.Rows, row)
	}
	if data.Problems > 0 {
		data.Error = p.T("review.import.error.rows", "Count", data.Problems)
		return nil, nil
	}
	data.Valid, data.CSV = true, string(csv)
	return sigs, nil
}

// importError says what is wrong with a whole file.
func importError(p *page, err error) string {
	var ie *signon.ImportError
	if errors.As(err, &ie) {
		return p.T("review.import.error."+ie.Code, "Column", ie.Column, "Line", ie.Line, "Limit", ie.Limit/1024, "Rows", signon.MaxImportRows)
	}
	return p.Error(err)
}

// placeOf is where a signatory is, in the page's words.
func placeOf(p *page, sig *signon.Signature) string {
	place := ""
	if sig.City != "" {
		place = sig.City + ", "
	}
	if sig.Region != "" {
		place += p.RegionName(sig.Region) + ", "
	}
	return place + p.CountryName(sig.Country)
}
