// Package csvin reads the spreadsheets coordinators upload: a CSV file
// with a header row, in UTF-8 (a byte-order mark is tolerated), with
// commas or, as spreadsheets set to Spanish write them, semicolons. It
// maps the header to the columns the caller knows, enforces the size
// limits, and numbers rows as the spreadsheet shows them (the header is
// row 1), so each problem can be pointed at. What the cells mean is the
// caller's business.
package csvin

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits bound what one upload may hold.
type Limits struct {
	MaxBytes int64
	MaxRows  int // data rows, the header not counted
}

// Error codes, naming what is wrong with the file as a whole.
const (
	ErrEmpty         = "empty"          // no header row, or no rows after it
	ErrTooLarge      = "too_large"      // Limit is the most bytes
	ErrTooManyRows   = "too_many_rows"  // Limit is the most rows
	ErrNotUTF8       = "not_utf8"       // Row is where the first bad byte is
	ErrMalformed     = "malformed"      // Row is where the CSV could not be read
	ErrUnknownColumn = "unknown_column" // Column is the header's text
	ErrDuplicate     = "duplicate_column"
	ErrMissingColumn = "missing_column" // Column is the name of a required column
)

// Error is what makes a file unreadable as a whole, before any row is
// looked at. Row and Column say where, when it is somewhere.
type Error struct {
	Code   string
	Row    int
	Column string
	Limit  int64
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "csv: %s", e.Code)
	if e.Row > 0 {
		fmt.Fprintf(&b, " at row %d", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, " (column %q)", e.Column)
	}
	if e.Limit > 0 {
		fmt.Fprintf(&b, " (limit %d)", e.Limit)
	}
	return b.String()
}

// Row is one data row: its number in the spreadsheet and its cells by
// column name, trimmed of surrounding space. A column the file does not
// have reads as "".
type Row struct {
	Number int
	// Extra is set when the row has text in cells beyond the header's
	// columns, or under a header cell left empty, which would otherwise
	// be dropped unseen: a problem of that row, which the caller reports
	// with the others of the row rather than refusing the whole file.
	Extra bool
	cells map[string]string
}

// Get returns the cell of column.
func (r Row) Get(column string) string { return r.cells[column] }

// Table is a file read: the columns it had, in its order, and its rows.
type Table struct {
	Columns []string
	Rows    []Row
}

// Has reports whether the file had column.
func (t *Table) Has(column string) bool { return slices.Contains(t.Columns, column) }

// Read reads a CSV file from r. columns are the names the caller knows,
// of which required must be present; headers match them ignoring case,
// surrounding space, and spaces or hyphens for underscores ("Contact
// name" is contact_name). Rows whose cells are all empty are skipped; a
// file without any other row is ErrEmpty.
func Read(r io.Reader, columns, required []string, lim Limits) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("csv: read: %w", err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, &Error{Code: ErrTooLarge, Limit: lim.MaxBytes}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return nil, &Error{Code: ErrNotUTF8, Row: firstInvalidLine(data)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Code: ErrEmpty}
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, malformed(err, 0)
	}
	t := &Table{}
	index := make([]string, len(header)) // column name of each position, "" for an empty header cell
	for i, h := range header {
		name := columnName(h)
		switch {
		case name == "":
			continue
		case !slices.Contains(columns, name):
			return nil, &Error{Code: ErrUnknownColumn, Row: 1, Column: strings.TrimSpace(h)}
		case t.Has(name):
			return nil, &Error{Code: ErrDuplicate, Row: 1, Column: strings.TrimSpace(h)}
		}
		index[i] = name
		t.Columns = append(t.Columns, name)
	}
	for _, name := range required {
		if !t.Has(name) {
			return nil, &Error{Code: ErrMissingColumn, Row: 1, Column: name}
		}
	}

	// A row's number is the line it starts on, less the line breaks
	// inside quoted cells before it: the csv package skips empty lines,
	// which a spreadsheet counts as rows.
	inside := newlines(header)
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, malformed(err, inside)
		}
		line, _ := cr.FieldPos(0)
		number := line - inside
		inside += newlines(record)
		row := Row{Number: number, cells: make(map[string]string, len(t.Columns))}
		blank := true
		for i, cell := range record {
			cell = strings.TrimSpace(cell)
			if cell != "" {
				blank = false
			}
			switch {
			case i >= len(index) || index[i] == "":
				row.Extra = row.Extra || cell != ""
			default:
				row.cells[index[i]] = cell
			}
		}
		if blank {
			continue
		}
		if len(t.Rows) == lim.MaxRows {
			return nil, &Error{Code: ErrTooManyRows, Limit: int64(lim.MaxRows)}
		}
		t.Rows = append(t.Rows, row)
	}
	if len(t.Rows) == 0 {
		return nil, &Error{Code: ErrEmpty}
	}
	return t, nil
}

// columnName folds a header cell to the name of a column.
func columnName(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.Join(strings.Fields(h), " "))
}

// delimiter guesses the separator from the header line: a semicolon when
// it has semicolons and no commas, as Excel writes CSV where the decimal
// separator is a comma.
func delimiter(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Contains(line, []byte(";")) && !bytes.Contains(line, []byte(",")) {
		return ';'
	}
	return ','
}

// newlines counts the line breaks inside the cells of record.
func newlines(record []string) int {
	n := 0
	for _, cell := range record {
		n += strings.Count(cell, "\n")
	}
	return n
}

// malformed describes a parse error, most often a quote left open or a
// quote in the middle of a cell that is not itself quoted. inside is
// the number of line breaks inside the cells read before it.
func malformed(err error, inside int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Code: ErrMalformed, Row: pe.StartLine - inside}
	}
	return fmt.Errorf("csv: %w", err)
}

// firstInvalidLine is the line of the first byte that is not UTF-8.
func firstInvalidLine(data []byte) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for line := 1; sc.Scan(); line++ {
		if !utf8.Valid(sc.Bytes()) {
			return line
		}
	}
	return 0
}
