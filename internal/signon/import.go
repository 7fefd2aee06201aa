package signon

import (
	"bytes"

	"github.com/signon-coalition/signon/internal/csvin"
)

// Coordinators import two kinds of spreadsheet: signatures into a
// statement and members into the roster. Both are read by csvin within
// the same limits, and checked row by row the same way: each row as its
// form would check it, and against the rows before it, so a file is
// previewed with every row's problems and imported all at once or not at
// all.

// Limits of a CSV import: what a coalition's spreadsheet needs many times
// over, and small enough to carry the whole file from the preview to the
// confirmation in one form.
const (
	MaxImportBytes = 2 << 20
	MaxImportRows  = 5000
)

// Problem codes of a row of an import, beyond those of its fields.
const (
	ProblemDuplicateRow = "duplicate_row" // Limit is the row that has the organization already
	ProblemExtraCells   = "extra_cells"   // Limit is the number of the header's columns
)

// ImportRow is one row of a CSV import, checked: Input is what the row
// says, as its form would have it, and Value what it describes when the
// row has no problems.
type ImportRow[In, Out any] struct {
	// Number is the row's number in the spreadsheet, the header being
	// row 1.
	Number   int
	Input    In
	Value    *Out // nil when the row has problems
	Problems Problems
}

// ImportValid reports whether every row can be imported.
func ImportValid[In, Out any](rows []*ImportRow[In, Out]) bool {
	for _, row := range rows {
		if row.Value == nil || len(row.Problems) > 0 {
			return false
		}
	}
	return len(rows) > 0
}

// importFile is one kind of import: its columns and how a row becomes
// what it describes.
type importFile[In, Out any] struct {
	columns  []string
	required []string
	// orgColumn names the organization; a second row of the same
	// organization is a problem there.
	orgColumn string
	input     func(csvin.Row) In
	// validate checks in as its form would, and returns what it
	// describes with its organization key.
	validate func(in In) (*Out, string, error)
}

// parse reads data and checks every row. A file that cannot be read as
// rows, or has none, is a *csvin.Error; the problems of rows are in the
// rows, and the error is nil. Unknown columns are refused rather than
// ignored, so a misspelled header never silently drops a column.
func (f importFile[In, Out]) parse(data []byte) ([]*ImportRow[In, Out], error) {
	table, err := csvin.Read(bytes.NewReader(data), f.columns, f.required,
		csvin.Limits{MaxBytes: MaxImportBytes, MaxRows: MaxImportRows})
	if err != nil {
		return nil, err
	}
	rows := make([]*ImportRow[In, Out], len(table.Rows))
	firstRow := map[string]int{} // organization key → the first row naming it
	for i, r := range table.Rows {
		row := &ImportRow[In, Out]{Number: r.Number, Input: f.input(r), Problems: Problems{}}
		if r.Extra {
			row.Problems.Add("row", ProblemExtraCells, len(table.Columns))
		}
		v, key, err := f.validate(row.Input)
		fields := ErrorFields(err)
		switch {
		case err != nil && fields == nil:
			return nil, err
		case err != nil:
			for field, p := range fields {
				row.Problems.Add(field, p.Code, p.Limit)
			}
		case firstRow[key] != 0:
			row.Problems.Add(f.orgColumn, ProblemDuplicateRow, firstRow[key])
		default:
			firstRow[key] = r.Number
		}
		if len(row.Problems) == 0 {
			row.Value = v
		}
		rows[i] = row
	}
	return rows, nil
}
