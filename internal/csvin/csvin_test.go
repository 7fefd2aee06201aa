package csvin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/csvin"
)

var (
	columns  = []string{"name", "contact_name", "email", "state"}
	required = []string{"name"}
	limits   = csvin.Limits{MaxBytes: 1000, MaxRows: 3}
)

func TestRead(t *testing.T) {
	t.Parallel()
	type row map[string]string
	for _, tc := range []struct {
		name    string
		in      string
		columns []string
		rows    []row
		numbers []int
		extra   []bool // by row; none when nil
	}{
		{"Plain", "name,email\nCasa,a@example.org\nRed,b@example.org\n", []string{"name", "email"},
			[]row{{"name": "Casa", "email": "a@example.org"}, {"name": "Red", "email": "b@example.org"}}, []int{2, 3}, nil},
		{"BOMAndCRLF", "\uFEFFname,state\r\nCasa,TX\r\n", []string{"name", "state"},
			[]row{{"name": "Casa", "state": "TX"}}, []int{2}, nil},
		{"HeaderFolded", " Name ;Contact name;STATE\nCasa, Inc.;Ana;Texas\n", []string{"name", "contact_name", "state"},
			[]row{{"name": "Casa, Inc.", "contact_name": "Ana", "state": "Texas"}}, []int{2}, nil},
		{"BlankRowsSkippedAndCounted", "name,state\n\n,\nCasa,TX\n", []string{"name", "state"},
			[]row{{"name": "Casa", "state": "TX"}}, []int{4}, nil},
		{"QuotedNewlineIsOneRow", "name,state\n\"Casa\nLatina\",TX\nRed,NM\n", []string{"name", "state"},
			[]row{{"name": "Casa\nLatina", "state": "TX"}, {"name": "Red", "state": "NM"}}, []int{2, 3}, nil},
		{"ShortRowAndEmptyHeader", "name,,state\nCasa\n", []string{"name", "state"},
			[]row{{"name": "Casa", "state": ""}}, []int{2}, nil},
		{"QuotedQuotes", "name\n\"Casa \"\"La Raza\"\"\"\n", []string{"name"}, []row{{"name": `Casa "La Raza"`}}, []int{2}, nil},
		{"ExtraCells", "name\nCasa\nRed,NM\nCentro, \n", []string{"name"},
			[]row{{"name": "Casa"}, {"name": "Red"}, {"name": "Centro"}}, []int{2, 3, 4}, []bool{false, true, false}},
		{"TextUnderEmptyHeader", "name,,state\nCasa,x,TX\nRed, ,NM\n,00\n", []string{"name", "state"},
			[]row{{"name": "Casa", "state": "TX"}, {"name": "Red", "state": "NM"}, {"name": ""}}, []int{2, 3, 4}, []bool{true, false, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := csvin.Read(strings.NewReader(tc.in), columns, required, limits)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(tab.Columns, ",") != strings.Join(tc.columns, ",") {
				t.Errorf("Columns = %q, want %q", tab.Columns, tc.columns)
			}
			if len(tab.Rows) != len(tc.rows) {
				t.Fatalf("%d rows, want %d", len(tab.Rows), len(tc.rows))
			}
			for i, r := range tab.Rows {
				if r.Number != tc.numbers[i] {
					t.Errorf("row %d: Number = %d, want %d", i, r.Number, tc.numbers[i])
				}
				if want := tc.extra != nil && tc.extra[i]; r.Extra != want {
					t.Errorf("row %d: Extra = %v, want %v", r.Number, r.Extra, want)
				}
				for col, want := range tc.rows[i] {
					if got := r.Get(col); got != want {
						t.Errorf("row %d: %s = %q, want %q", r.Number, col, got, want)
					}
				}
			}
		})
	}
}

func TestRead_Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want csvin.Error
	}{
		{"Empty", "\uFEFF \n", csvin.Error{Code: csvin.ErrEmpty}},
		{"HeaderOnly", "name,state\n,\n\n", csvin.Error{Code: csvin.ErrEmpty}},
		{"TooLarge", "name\n" + strings.Repeat("x", 1000), csvin.Error{Code: csvin.ErrTooLarge, Limit: 1000}},
		{"TooManyRows", "name\na\nb\nc\nd\n", csvin.Error{Code: csvin.ErrTooManyRows, Limit: 3}},
		{"NotUTF8", "name\nCasa\nPe\xf1a\n", csvin.Error{Code: csvin.ErrNotUTF8, Row: 3}},
		{"UnknownColumn", "name,fax\n", csvin.Error{Code: csvin.ErrUnknownColumn, Row: 1, Column: "fax"}},
		{"DuplicateColumn", "name,Email,email\n", csvin.Error{Code: csvin.ErrDuplicate, Row: 1, Column: "email"}},
		{"MissingColumn", "email\na@example.org\n", csvin.Error{Code: csvin.ErrMissingColumn, Row: 1, Column: "name"}},
		{"QuoteLeftOpen", "name,state\n\"Casa\nLatina\",TX\n\"Red,NM\n", csvin.Error{Code: csvin.ErrMalformed, Row: 3}},
		{"BareQuote", "name\nCasa\nCasa \"La Raza\"\n", csvin.Error{Code: csvin.ErrMalformed, Row: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := csvin.Read(strings.NewReader(tc.in), columns, required, limits)
			var e *csvin.Error
			if !errors.As(err, &e) || *e != tc.want {
				t.Errorf("Read = %v, want %v", err, &tc.want)
			}
		})
	}
}
