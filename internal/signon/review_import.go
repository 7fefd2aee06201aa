package signon

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits of a CSV import: what a coalition's spreadsheet of sign-ons
// needs many times over, and small enough to carry the whole file from
// the preview to the confirmation in one form.
const (
	MaxImportBytes = 1 << 20
	MaxImportRows  = 5000
)

// ImportColumns are the columns a CSV import reads, in the order a
// template file lists them. The header row names them; order does not
// matter, and the optional ones may be left out.
var ImportColumns = []string{"organization", "signer_name", "signer_title", "email", "city", "country", "region", "website"}

// requiredImportColumns are the columns a file must have.
var requiredImportColumns = []string{"organization", "signer_name", "email"}

// Problems with a whole CSV file, before any row is read.
const (
	ImportTooBig          = "too_big"
	ImportTooManyRows     = "too_many_rows"
	ImportNotUTF8         = "not_utf8"
	ImportEmpty           = "empty"
	ImportNoRows          = "no_rows"
	ImportMissingColumn   = "missing_column"
	ImportUnknownColumn   = "unknown_column"
	ImportDuplicateColumn = "duplicate_column"
	ImportMalformed       = "malformed"
)

// ImportError is a CSV file that cannot be read as rows at all. Column
// and Line say where, when that is known; Limit is the limit exceeded.
type ImportError struct {
	Code   string
	Column string
	Line   int
	Limit  int
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("signon: import: %s (column %q, line %d)", e.Code, e.Column, e.Line)
}

// Unwrap makes an ImportError an EINVALID for ErrorCode and friends.
func (e *ImportError) Unwrap() error {
	return KeyedError(EINVALID, "review.import.error.file", "The file cannot be imported.")
}

// ImportRow is one row of a CSV import, validated.
type ImportRow struct {
	// Line is where the row starts in the file, the header being line 1:
	// the row number a spreadsheet shows.
	Line      int
	Input     SignatureInput
	Signature *Signature // nil when the row has problems
	Problems  Problems
}

// ParseSignatureCSV reads a CSV file of signatures of st: UTF-8, a byte
// order mark tolerated, a header row naming ImportColumns. Every row is
// validated like the sign form, and a second row of the same organization
// is a problem of that row. A file that cannot be read as rows is an
// *ImportError; problems of rows are in the rows, and the error is nil.
// Rows of empty cells are skipped. Columns other than ImportColumns are
// refused rather than ignored, so a misspelled header never silently
// drops a column.
func ParseSignatureCSV(data []byte, st *Statement) ([]*ImportRow, error) {
	if len(data) > MaxImportBytes {
		return nil, &ImportError{Code: ImportTooBig, Limit: MaxImportBytes}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, &ImportError{Code: ImportNotUTF8}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Code: ImportEmpty}
	} else if err != nil {
		return nil, malformed(err)
	}
	columns := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.Join(strings.FieldsFunc(h, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_"))
		switch {
		case name == "":
			// A spreadsheet's trailing empty column: its cells must be
			// empty too (see extra cells below).
			continue
		case !contains(ImportColumns, name):
			return nil, &ImportError{Code: ImportUnknownColumn, Column: strings.TrimSpace(h), Line: 1}
		case seen[name]:
			return nil, &ImportError{Code: ImportDuplicateColumn, Column: name, Line: 1}
		}
		seen[name] = true
		columns[i] = name
	}
	for _, name := range requiredImportColumns {
		if !seen[name] {
			return nil, &ImportError{Code: ImportMissingColumn, Column: name}
		}
	}

	var rows []*ImportRow
	firstLine := map[string]int{}
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, malformed(err)
		}
		line, _ := r.FieldPos(0)
		if blank(record) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, &ImportError{Code: ImportTooManyRows, Limit: MaxImportRows, Line: line}
		}
		row := &ImportRow{Line: line, Problems: Problems{}}
		cells := map[string]string{}
		for i, v := range record {
			if i >= len(columns) || columns[i] == "" {
				if strings.TrimSpace(v) != "" {
					row.Problems.Add("row", ProblemExtraCells, len(seen))
				}
				continue
			}
			cells[columns[i]] = v
		}
		country := importCountry(cells["country"])
		row.Input = SignatureInput{
			SignerType:   string(SignerOrganization),
			Organization: cells["organization"],
			SignerName:   cells["signer_name"],
			SignerTitle:  cells["signer_title"],
			Email:        cells["email"],
			City:         cells["city"],
			Country:      country,
			Region:       importRegion(country, cells["region"]),
			Website:      cells["website"],
		}
		sig, err := row.Input.Validate(st)
		if err != nil {
			for field, p := range ErrorFields(err) {
				row.Problems.Add(field, p.Code, p.Limit)
			}
		} else if first, ok := firstLine[sig.OrgKey]; ok {
			row.Problems.Add("organization", ProblemDuplicateRow, first)
		} else {
			firstLine[sig.OrgKey] = line
		}
		if len(row.Problems) == 0 {
			row.Signature = sig
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, &ImportError{Code: ImportNoRows}
	}
	return rows, nil
}

// ImportValid reports whether every row can be imported.
func ImportValid(rows []*ImportRow) bool {
	for _, row := range rows {
		if row.Signature == nil || len(row.Problems) > 0 {
			return false
		}
	}
	return len(rows) > 0
}

func malformed(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ImportError{Code: ImportMalformed, Line: pe.StartLine}
	}
	return &ImportError{Code: ImportMalformed}
}

func blank(record []string) bool {
	for _, v := range record {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// importCountry reads a country cell: an ISO code, or a country's name in
// English or Spanish. Anything else is left for Validate to refuse.
func importCountry(cell string) string {
	cell = strings.TrimSpace(cell)
	if cell == "" || len(cell) == 2 {
		return cell
	}
	want := foldName(cell)
	for _, c := range Countries("en") {
		if foldName(c.NameEN) == want || foldName(c.NameES) == want {
			return c.Code
		}
	}
	return cell
}

// importRegion reads a region cell of country (US when empty): an ISO
// 3166-2 code ("US-TX"), the part after the country's ("TX"), or the
// region's name in English or Spanish ("Texas", "Nuevo México").
// Anything else is left for Validate to refuse.
func importRegion(country, cell string) string {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return ""
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	if country == "" {
		country = "US"
	}
	if _, ok := LookupRegion(strings.ToUpper(cell)); ok {
		return cell
	}
	if r, ok := LookupRegion(country + "-" + strings.ToUpper(cell)); ok {
		return r.Code
	}
	want := foldName(cell)
	for _, r := range RegionsOf(country) {
		if foldName(r.NameEN) == want || foldName(r.NameES) == want {
			return r.Code
		}
	}
	return cell
}
