package csvin

import (
	"errors"
	"strings"
	"testing"
)

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"name,email\nCasa,a@b.co\n",
		"Name;E-mail\n\"Casa; Inc.\";a@b.co\r\n\r\n\"multi\nline\";x\n",
		"\uFEFFname\n\n\nA\n",
		"name,email\n\"open,x\n",
		"name,name\n",
		"email\nx\n",
		"name,,\nA,,extra\n",
	} {
		f.Add([]byte(s))
	}
	columns, required := []string{"name", "email", "contact_name"}, []string{"name"}
	f.Fuzz(func(t *testing.T, data []byte) {
		table, err := Read(strings.NewReader(string(data)), columns, required, Limits{MaxBytes: 4096, MaxRows: 20})
		lines := strings.Count(string(data), "\n") + 1
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Read: %v is not a *csvin.Error", err)
			}
			if ce.Row < 0 || ce.Row > lines {
				t.Fatalf("Read: %v names row %d of %d lines", err, ce.Row, lines)
			}
			return
		}
		if !table.Has("name") || len(table.Rows) == 0 || len(table.Rows) > 20 {
			t.Fatalf("Read: columns %v, %d rows", table.Columns, len(table.Rows))
		}
		last := 1
		for _, row := range table.Rows {
			if row.Number <= last || row.Number > lines {
				t.Fatalf("row numbered %d after %d, in %d lines", row.Number, last, lines)
			}
			last = row.Number
			blank := !row.Extra
			for _, c := range table.Columns {
				v := row.Get(c)
				if strings.TrimSpace(v) != v {
					t.Fatalf("row %d: cell %s = %q is not trimmed", row.Number, c, v)
				}
				blank = blank && v == ""
			}
			if blank {
				t.Fatalf("row %d is blank but kept", row.Number)
			}
		}
	})
}
