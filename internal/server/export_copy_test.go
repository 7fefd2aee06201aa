package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
)

// TestExportCSV_Copy: on PostgreSQL the CSV exports are written by the
// database with COPY; they must be byte for byte what the Go writer
// makes of the same rows, whatever the rows hold: quotes, commas, line
// breaks of every kind, every formula prefix, spaces first, accents and
// empty optional fields.
func TestExportCSV_Copy(t *testing.T) {
	// The COPY export is PostgreSQL's; SQLite takes the Go writer only.
	app := newTestApp(t, store.Postgres)
	st, _ := exportLetter(t, app, "copy-letter")
	tricky := []exportSig{
		{Org: "Line\nBreak Org", Name: "Two\r\nLines", Title: "Lone\rReturn", City: "Tab\tInside", Region: "US-NY"},
		{Org: "-minus", Name: "@at", Title: "+plus", City: "=eq", Region: "US-NM", Website: "\ttab first"},
		{Org: "\rReturn first", Name: "  spaces first", Title: "\u00a0nbsp first", City: "\u3000ideographic", Region: "MX-SON"},
		{Org: `\.`, Name: `"quoted"`, Title: `a "b" c`, City: ",comma first", Region: "CA-ON"},
		{Org: "Ñandú Åsa Œuvre 😀", Name: "Zoë", Region: "US-AZ"}, // no title, city nor website
		{Org: "'Already apostrophe", Name: "\u2028separator first", City: "x\u0085y", Region: "FR"},
		{Org: "Empty Everything", Name: "E", Region: "US-TX"},
		{Org: "Trailing space ", Name: "Trailing\n", Title: "\n", City: "\"", Region: "US-TX"},
	}
	sigs := exportSeed(t, app, st, tricky...)
	// Rejected, then approved again: the coordinators' timestamps.
	ctx := context.Background()
	for _, status := range []signon.SignatureStatus{signon.SignatureRejected, signon.SignatureApproved} {
		at := time.Date(2026, 10, 30, 23, 59, 59, 999_000_000, time.UTC)
		if err := app.DB.SetSignatureStatus(ctx, st.ID, sigs[2].ID, status, at, 0); err != nil {
			t.Fatal(err)
		}
	}

	goSrv, err := server.New(server.Config{
		BaseURL: "http://signon.test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: app.Clock.Now,
	}, struct{ server.Services }{app.DB}) // hides the copier: the Go writer
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(goSrv)
	t.Cleanup(hs.Close)
	goApp := &testApp{DB: app.DB, URL: hs.URL, Clock: app.Clock}

	coord := app.coordinator(t)
	goCoord := *coord
	goCoord.app = goApp
	id := strconv.FormatInt(st.ID, 10)
	// Without lead signers, then with two, listed first and marked in
	// their own column.
	for _, leads := range []bool{false, true} {
		if leads {
			for _, sig := range []*signon.Signature{sigs[4], sigs[len(sigs)-1]} {
				if err := app.DB.SetLead(ctx, st.ID, sig.OrgKey, sig.Organization, true, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, tt := range []struct {
			name, path, lang, place string
			c, goC                  *testClient
		}{
			{"Public", "/s/copy-letter/signatories.csv", "", "New Mexico", app.client(t), goApp.client(t)},
			{"PublicSpanish", "/s/copy-letter/signatories.csv", "es", "Nuevo México", app.client(t), goApp.client(t)},
			{"Coordinators", "/coordinate/statements/" + id + "/signatures.csv", "", "New Mexico", coord, &goCoord},
		} {
			t.Run(fmt.Sprintf("%s/leads=%v", tt.name, leads), func(t *testing.T) {
				tt.c.lang, tt.goC.lang = tt.lang, tt.lang
				copied, written := tt.c.get(tt.path), tt.goC.get(tt.path)
				pubStatus(t, copied, http.StatusOK)
				pubStatus(t, written, http.StatusOK)
				if copied.Body != written.Body {
					a, b := strings.SplitAfter(copied.Body, "\n"), strings.SplitAfter(written.Body, "\n")
					for i := 0; i < max(len(a), len(b)); i++ {
						var x, y string
						if i < len(a) {
							x = a[i]
						}
						if i < len(b) {
							y = b[i]
						}
						if x != y {
							t.Errorf("line %d:\n COPY %q\n Go   %q", i+1, x, y)
						}
					}
				}
				if !strings.Contains(copied.Body, ","+tt.place+",") {
					t.Errorf("no %s in\n%s", tt.place, copied.Body)
				}
				if n := strings.Count(written.Body, "\r\n"); n < len(tricky) {
					t.Errorf("only %d lines in\n%s", n, written.Body)
				}
				rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(copied.Body, "\uFEFF"))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				lead, marked := slices.Index(rows[0], "lead"), 0
				for i, row := range rows[1:] {
					if row[lead] == "true" {
						marked++
						if i >= 2 {
							t.Errorf("lead signer on row %d, after the others: %q", i+1, row)
						}
					}
				}
				if want := map[bool]int{false: 0, true: 2}[leads]; marked != want {
					t.Errorf("%d lines marked lead, want %d:\n%s", marked, want, copied.Body)
				}
			})
		}
	}
}
