package server

// Importing signatures from a CSV file: upload, a preview of every row
// with its problems, and a confirmation that imports all rows or none.
// Nothing is kept between the preview and the confirmation: the preview
// carries the file's text in its form, and the confirmation validates it
// again from the start, so a tampered or outdated preview imports
// nothing it would not have shown.

import (
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
	MaxMB      int
	Rows       []importRow // the preview; empty before an upload
	Problems   int         // rows with problems
	Valid      bool
	CSV        string // the file, carried to the confirmation
	Text       string // pasted text, shown again
	Error      string
}

// importRow is a preview line.
type importRow struct {
	Number       int
	Organization string
	SignerName   string
	Email        string
	Place        string
	Problems     []fieldProblem
}

func (s *Server) newImportPage(c echo.Context, st *signon.Statement) importPage {
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("review.import.title"), true, manageURL(st.ID)+"/import"
	return importPage{page: p, Statement: st, Changeable: st.CheckSignaturesChangeable() == nil,
		Columns: signon.SignatureColumns, MaxRows: signon.MaxImportRows, MaxMB: signon.MaxImportBytes >> 20}
}

// handleImportForm serves GET /coordinate/statements/:id/import.
func (s *Server) handleImportForm(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "review_import", s.newImportPage(c, st))
}

// errNoFile is an upload without a file or text.
func errNoFile() error {
	return signon.KeyedError(signon.EINVALID, "review.import.error.no_file", "Choose a CSV file to import.")
}

// handleImportPreview serves POST /coordinate/statements/:id/import.
//
// handleImportPreview validates an uploaded file and shows every row with
// its problems, and the confirmation when there are none.
func (s *Server) handleImportPreview(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	data := s.newImportPage(c, st)
	csv, err := importText(c)
	if err == nil && csv == "" {
		err = errNoFile()
	}
	if err != nil {
		if data.Error = importError(data.translator, err, signon.SignatureColumns); data.Error == "" {
			return err
		}
		data.Text = c.FormValue("csv")
		return s.render(c, http.StatusUnprocessableEntity, "review_import", data)
	}
	sigs, err := s.previewImport(c, &data, []byte(csv))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if sigs == nil {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "review_import", data)
}

// handleImportConfirm serves POST /coordinate/statements/:id/import/confirm.
//
// handleImportConfirm validates the previewed file again and imports all
// of it, or shows the preview again with what now stands in the way.
func (s *Server) handleImportConfirm(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	data := s.newImportPage(c, st)
	csv := c.FormValue("csv")
	if csv == "" {
		data.Error = data.page.Error(errNoFile())
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
		if data.Error = importError(p.translator, err, signon.SignatureColumns); data.Error == "" {
			return nil, err
		}
		if len(csv) <= signon.MaxImportBytes {
			data.Text = string(csv)
		}
		return nil, nil
	}
	var keys []string
	for _, r := range rows {
		if r.Value != nil {
			keys = append(keys, r.Value.OrgKey)
		}
	}
	standing, err := s.db.StandingSignatures(c.Request().Context(), data.Statement.ID, keys)
	if err != nil {
		return nil, err
	}
	var sigs []*signon.Signature
	for _, r := range rows {
		if r.Value != nil && standing[r.Value.OrgKey] != nil {
			r.Problems.Add("organization", signon.ProblemAlreadySigned, 0)
			r.Value = nil
		}
		row := importRow{Number: r.Number, Organization: r.Input.Organization, SignerName: r.Input.SignerName, Email: r.Input.Email}
		if sig := r.Value; sig != nil {
			if sig.Flags, err = s.db.SignatureFlags(c.Request().Context(), sig); err != nil {
				return nil, err
			}
			row.Organization, row.SignerName, row.Email = sig.Organization, sig.SignerName, sig.Email
			row.Place = placeOf(p, sig)
			sigs = append(sigs, sig)
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
