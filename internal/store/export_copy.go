package store

// The CSV of a million signatures, written by PostgreSQL. Reading each
// row into a Signature and writing it again with encoding/csv costs Go
// a few microseconds a row; here PostgreSQL builds each line of the file
// in the query and streams it with COPY, and Go only passes the bytes
// on. The lines are the ones server/export.go writes with encoding/csv
// and its inert cells, byte for byte: server's TestExportCSV_Copy holds
// the two to the same output for awkward values.

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/signon-coalition/signon/internal/signon"
)

// CopySignaturesCSV writes the signatures f selects as CSV lines, one
// call of line per signature, in the order EachSignature walks them, and
// reports whether it did. columns names the cells of each line, as in
// the export's header (see csvColumn); lang chooses the language of the
// place names. Each cell is made inert for spreadsheets (a leading =, +,
// -, @, tab or carriage return gets an apostrophe) and quoted as
// encoding/csv quotes with UseCRLF; each line ends in CRLF. The slice
// given to line is reused for the next one.
//
// Only PostgreSQL copies, and only a filter by statement and status; for
// anything else it returns false before writing a line, and the caller
// writes the CSV itself from EachSignature.
func (db *DB) CopySignaturesCSV(ctx context.Context, f signon.SignatureFilter, columns []string, lang string,
	line func([]byte) error) (bool, error) {
	if db.dialect != Postgres || f.Country != "" || f.Region != "" || f.Query != "" || f.Member != nil || f.Flag != "" {
		return false, nil
	}
	// The lead signers first, as EachSignature walks them: a second
	// query, in the first one's snapshot. Their keys go into the queries
	// as literals, so that neither pass asks lead_signers about each row.
	lead, err := leadKeys(db.read.WithContext(ctx), f.StatementID)
	if err != nil {
		return false, err
	}
	keys := slices.Sorted(maps.Keys(lead))
	begin, passes := "BEGIN READ ONLY", []signon.SignatureFilter{f}
	if f.Lead == nil && len(keys) > 0 {
		first, rest := f, f
		yes, no := true, false
		first.Lead, rest.Lead = &yes, &no
		begin, passes = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", []signon.SignatureFilter{first, rest}
	}
	queries := make([]string, len(passes))
	for i, pass := range passes {
		query, err := copyQuery(pass, columns, lang, keys)
		if err != nil {
			return false, err
		}
		queries[i] = query
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("store: copy signatures of statement %d: %w", f.StatementID, err)
	}
	defer conn.Close()
	copied := false
	err = conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return nil
		}
		copied = true
		pg := c.Conn().PgConn()
		// The planner would compile the cells' expressions with JIT for
		// a million rows, which takes longer than evaluating them.
		if err := pg.Exec(ctx, begin+"; SET LOCAL jit = off").Close(); err != nil {
			return err
		}
		var err error
		for _, query := range queries {
			r := copyReader{line: line}
			if _, err = pg.CopyTo(ctx, &r, query); err == nil {
				err = r.end()
			}
			if err != nil {
				break
			}
		}
		end := "COMMIT"
		if err != nil {
			end = "ROLLBACK"
		}
		return errors.Join(err, pg.Exec(context.WithoutCancel(ctx), end).Close())
	})
	if err != nil {
		return copied, fmt.Errorf("store: copy signatures of statement %d: %w", f.StatementID, err)
	}
	return copied, nil
}

// copyQuery is the COPY statement for f, whose statement's lead signers
// have the organization keys leads. COPY takes no parameters, so the
// values are literals: the statement's id, statuses checked against the
// known ones, place names from the catalog, dollar-quoted, and the lead
// signers' keys, quoted (sqlString). Nothing typed by a visitor goes
// into it.
//
// The lead column and filter are settled here rather than per row: with
// f.Lead set every row of the pass has that answer, and without lead
// signers every row's is false. Asking lead_signers for each of a
// million rows doubled the database's time for the export.
func copyQuery(f signon.SignatureFilter, columns []string, lang string, leads []string) (string, error) {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []signon.SignatureStatus{signon.SignatureApproved}
	}
	quoted := make([]string, len(statuses))
	for i, s := range statuses {
		switch s {
		case signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved,
			signon.SignatureRejected, signon.SignatureWithdrawn:
			quoted[i] = "'" + string(s) + "'"
		default:
			return "", fmt.Errorf("store: copy signatures: unknown status %q", s)
		}
	}
	regions, countries, err := placeCells(lang)
	if err != nil {
		return "", err
	}
	inLead := "false"
	if len(leads) > 0 {
		quotedKeys := make([]string, len(leads))
		for i, k := range leads {
			quotedKeys[i] = sqlString(k)
		}
		inLead = "org_key IN (" + strings.Join(quotedKeys, ", ") + ")"
	}
	isLead := "CASE WHEN " + inLead + " THEN 'true' ELSE 'false' END"
	where := ""
	if f.Lead != nil {
		isLead, where = "'false'", " AND NOT "+inLead
		if *f.Lead {
			isLead, where = "'true'", " AND "+inLead
		}
	}
	cells := make([]string, len(columns))
	for i, name := range columns {
		if name == "lead" {
			cells[i] = isLead
			continue
		}
		cell, ok := csvColumn(name, regions, countries)
		if !ok {
			return "", fmt.Errorf("store: copy signatures: unknown column %q", name)
		}
		cells[i] = cell
	}
	order := byName
	if f.ByRegion {
		order = "country, region, " + byName
	}
	// concat_ws builds the line in one call, where a chain of || would
	// copy it once per cell.
	return fmt.Sprintf("COPY (SELECT concat_ws(',', %s) || E'\\r\\n' FROM signatures WHERE statement_id = %d AND status IN (%s)%s ORDER BY %s) TO STDOUT (FORMAT binary)",
		strings.Join(cells, ", "), f.StatementID, strings.Join(quoted, ", "), where, order), nil
}

// csvColumn is the SQL of the CSV cell of the export column name.
// regions and countries are the jsonb literals of placeCells.
func csvColumn(name, regions, countries string) (string, bool) {
	switch name {
	case "id":
		return "id::text", true // digits: never quoted, never inert
	case "organization", "signer_name", "signer_title", "city", "region", "country", "website", "email", "language", "flags":
		return csvCell(name), true
	case "signer_type", "status", "source":
		// Held to a few words by the table's checks.
		return name, true
	case "region_name":
		return "COALESCE(" + regions + " ->> upper(region), '')", true
	case "country_name":
		return "COALESCE(" + countries + " ->> upper(country), " + csvCell("country") + ")", true
	case "signed_at":
		return csvTime("created_at"), true
	case "confirmed_at", "approved_at", "rejected_at", "withdrawn_at", "authorized_at":
		return "COALESCE(" + csvTime(name) + ", '')", true
	}
	return "", false
}

// sqlString is s as an SQL string literal. Doubling its quotes is all
// the escaping it needs, since standard_conforming_strings (on since
// PostgreSQL 9.1) leaves backslashes alone, and text holds no NUL.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// csvTime writes a time as server.exportTime does: RFC 3339 in UTC, to
// the second.
func csvTime(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
}

// csvCell is the SQL that writes the text column col as a cell: made
// inert as server.inertCell does, then quoted where encoding/csv quotes
// (a quote, comma, CR or LF inside, a Unicode space first, or the cell
// \.), its quotes doubled, its CRs dropped and its LFs written CRLF, as
// csv.Writer does with UseCRLF.
//
// Most cells need none of it, and are found with the cheapest tests
// PostgreSQL has: the code of the first character, and LIKE for each
// character that forces quotes. A regular expression per cell cost four
// times as much, and the cells are most of the export's work. The
// regular expressions of the rare cells are plain SQL strings, whose
// backslashes PostgreSQL leaves alone (standard_conforming_strings, on
// since 9.1), for the expression to read \t, \r, \n and \uXXXX.
func csvCell(col string) string {
	const inert = `'^[-=+@\t\r]'`
	inerted := "CASE WHEN " + col + " ~ " + inert + " THEN '''' || " + col + " ELSE " + col + " END"
	quoted := `'"' || replace(replace(replace(` + inerted + `, '"', '""'), chr(13), ''), chr(10), chr(13) || chr(10)) || '"'`
	// An inert cell begins with the apostrophe, no longer with a space.
	needsQuote := col + ` ~ '[",\r\n]' OR ` + col + ` = '\.' OR (` + col + " ~ '^" + unicodeSpace + "' AND " + col + " !~ " + inert + ")"
	plain := "ascii(" + col + ") NOT IN (" + plainFirstNot + ") AND " +
		col + ` NOT LIKE '%,%' AND ` + col + ` NOT LIKE '%"%' AND ` +
		col + " NOT LIKE E'%\\n%' AND " + col + " NOT LIKE E'%\\r%' AND " + col + ` <> '\.'`
	return "CASE WHEN " + plain + " THEN " + col + " WHEN " + needsQuote + " THEN " + quoted + " ELSE " + inerted + " END"
}

// unicodeSpace is a bracket expression of the characters unicode.IsSpace
// reports, one of which first makes encoding/csv quote a cell.
const unicodeSpace = `[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`

// plainFirstNot are the codes of the characters a plain cell cannot
// begin with: unicodeSpace's and the formula prefixes = + - @.
const plainFirstNot = "9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, " +
	"8232, 8233, 8239, 8287, 12288, 61, 43, 45, 64"

// placeCells are the catalog's region and country names in lang as jsonb
// literals mapping each code to its name, already written as a CSV cell
// the way the server writes one, so the query only looks them up.
func placeCells(lang string) (regions, countries string, err error) {
	rm, cm := map[string]string{}, map[string]string{}
	for _, c := range signon.Countries(lang) {
		cm[c.Code] = goCSVCell(c.Name(lang))
		for _, r := range signon.RegionsOf(c.Code) {
			rm[r.Code] = goCSVCell(r.Name(lang))
		}
	}
	if regions, err = dollarJSONB(rm); err == nil {
		countries, err = dollarJSONB(cm)
	}
	return regions, countries, err
}

func dollarJSONB(m map[string]string) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	const tag = "$signon$"
	if strings.Contains(string(b), tag) {
		return "", fmt.Errorf("store: copy signatures: a place name contains %s", tag)
	}
	return tag + string(b) + tag + "::jsonb", nil
}

// goCSVCell writes s as one cell exactly as the server's CSV writer does.
func goCSVCell(s string) string {
	switch {
	case s == "":
	case strings.ContainsAny(s[:1], "=+-@\t\r"):
		s = "'" + s
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write([]string{s})
	w.Flush()
	return strings.TrimSuffix(b.String(), "\r\n")
}

// copyReader reads COPY's binary format, whose rows here hold one text
// each, and hands the texts to line. Rows arrive in chunks of any size,
// so a row cut between two is put together in buf.
type copyReader struct {
	line   func([]byte) error
	buf    []byte
	header bool
	done   bool
}

// copySignature begins the binary COPY format, before the flags and the
// header extension length.
const copySignature = "PGCOPY\n\377\r\n\000"

func (r *copyReader) Write(p []byte) (int, error) {
	n := len(p)
	if len(r.buf) > 0 {
		r.buf = append(r.buf, p...)
		p = r.buf
	}
	rest, err := r.consume(p)
	if err != nil {
		return 0, err
	}
	// Keep what is left of a row cut short, in a buffer of our own: p
	// belongs to the caller.
	r.buf = append(r.buf[:0], rest...)
	return n, nil
}

// consume reads every whole row in p and returns what is left.
func (r *copyReader) consume(p []byte) ([]byte, error) {
	if !r.header {
		if len(p) < len(copySignature)+8 {
			return p, nil
		}
		if string(p[:len(copySignature)]) != copySignature {
			return nil, errors.New("not a binary COPY stream")
		}
		ext := int(binary.BigEndian.Uint32(p[len(copySignature)+4:]))
		if len(p) < len(copySignature)+8+ext {
			return p, nil
		}
		p = p[len(copySignature)+8+ext:]
		r.header = true
	}
	for len(p) >= 2 && !r.done {
		fields := int16(binary.BigEndian.Uint16(p))
		if fields == -1 {
			r.done = true
			return p[2:], nil
		}
		if fields != 1 || len(p) < 6 {
			if fields != 1 {
				return nil, fmt.Errorf("COPY row of %d fields, want 1", fields)
			}
			return p, nil
		}
		size := int32(binary.BigEndian.Uint32(p[2:]))
		if size < 0 {
			return nil, errors.New("COPY row is NULL")
		}
		if len(p) < 6+int(size) {
			return p, nil
		}
		if err := r.line(p[6 : 6+size]); err != nil {
			return nil, err
		}
		p = p[6+size:]
	}
	return p, nil
}

// end checks the stream ended where the format says.
func (r *copyReader) end() error {
	if !r.done || len(r.buf) > 0 {
		return errors.New("COPY stream cut short")
	}
	return nil
}
