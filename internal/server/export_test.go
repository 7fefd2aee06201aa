package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

const bom = "\uFEFF"

var (
	publicHeader = []string{"organization", "signer_name", "signer_title", "city", "region", "region_name",
		"country", "country_name", "website", "signer_type", "signed_at", "lead"}
	privateHeader = append(append([]string{"id"}, publicHeader...),
		"email", "language", "status", "source", "confirmed_at", "approved_at", "rejected_at", "withdrawn_at", "flags", "authorized_at")
)

// exportSig is a signature stored as given, without the sign form's
// clean-up, as an import could bring it: leading tabs and formulas
// included.
type exportSig struct {
	Org, Name, Title, City, Region, Website string
	Individual                              bool
	Status                                  signon.SignatureStatus
}

// exportSeed stores the signatures on st and returns them as stored.
func exportSeed(t *testing.T, app *testApp, st *signon.Statement, sigs ...exportSig) []*signon.Signature {
	t.Helper()
	var out []*signon.Signature
	for i, s := range sigs {
		country, _, _ := strings.Cut(s.Region, "-")
		region := s.Region
		if len(region) == 2 {
			region = ""
		}
		sig := &signon.Signature{
			StatementID: st.ID, SignerType: signon.SignerOrganization, Organization: s.Org,
			OrgKey: signon.OrganizationKey(s.Org + " " + s.Name), SignerName: s.Name, SignerTitle: s.Title,
			Email: "signer" + strconv.Itoa(i) + "@private.example.org", City: s.City, Country: country, Region: region,
			Website: s.Website, Language: "es", Status: s.Status, Source: signon.SourceImport, StatementVersion: 1,
		}
		if s.Individual {
			sig.SignerType = signon.SignerIndividual
		} else if i%2 == 1 {
			// Every other group affirmed its authority, and is flagged
			// twice: a comma inside a cell.
			at := time.Date(2026, 10, 29, 8, 30, 0, 0, time.UTC)
			sig.AuthorityText, sig.AuthorityLanguage, sig.AuthorizedAt = "Estoy autorizada.", "es", &at
			sig.Flags = "blocklisted,free_mail"
		}
		if sig.Status == "" {
			sig.Status = signon.SignatureApproved
		}
		if err := app.DB.CreateSignature(context.Background(), sig, nil); err != nil {
			t.Fatalf("signature %d (%s): %v", i, s.Org, err)
		}
		out = append(out, sig)
	}
	return out
}

// exportLetter is an open letter whose list holds, in the order exports
// list it (by country, state, then name): a Canadian group with a comma
// and quotes in its name, one from Guatemala (no state), one from
// Chihuahua with accents, a person in California with a leading tab, and
// a Texan group whose every field is a formula. A pending and a rejected
// signature, and one on another letter, stay out of public exports.
func exportLetter(t *testing.T, app *testApp, slug string, mutate ...func(*signon.Statement)) (*signon.Statement, []*signon.Signature) {
	t.Helper()
	st := app.openStatement(t, slug, append([]func(*signon.Statement){func(s *signon.Statement) { s.AllowIndividuals = true }}, mutate...)...)
	other := app.openStatement(t, slug+"-other")
	exportSeed(t, app, other, exportSig{Org: "Other Letter Group", Name: "Olga", Region: "US-TX"})
	sigs := exportSeed(t, app, st,
		exportSig{Org: `=HYPERLINK("http://evil.example","Click")`, Name: "+1 555 0100", Title: "-director-", City: "@Houston", Region: "US-TX"},
		exportSig{Org: "Organización Año Nuevo", Name: "José Núñez", Title: "Coordinador", City: "Ciudad Juárez", Region: "MX-CHH",
			Website: "https://anonuevo.example.org"},
		exportSig{Org: "Pending Group", Name: "Pat", Region: "US-TX", Status: signon.SignaturePending},
		exportSig{Org: `Comma, "Quoted" Society`, Name: "Chloé", Region: "CA-BC", City: "Vancouver"},
		exportSig{Name: "\tTabbed Person", Region: "US-CA", Individual: true},
		exportSig{Org: "Rejected Group", Name: "Rita", Region: "US-TX", Status: signon.SignatureRejected},
		exportSig{Org: "Grupo Maya", Name: "Ixchel", Region: "GT", City: "Quetzaltenango"},
	)
	return st, sigs
}

// publicRows are the public export's rows of exportLetter's approved
// signatures, in order, with place names in lang; inert applies the
// spreadsheet defence the CSV needs and the JSON does not.
func publicRows(sigs []*signon.Signature, lang string, inert bool) [][]string {
	at := func(i int) string { return sigs[i].CreatedAt.UTC().Format(time.RFC3339) }
	names := map[string][2]string{ // en, es
		"British Columbia": {"British Columbia", "Columbia Británica"},
		"Canada":           {"Canada", "Canadá"},
		"Mexico":           {"Mexico", "México"},
		"United States":    {"United States", "Estados Unidos"},
	}
	n := func(en string) string {
		if lang == "es" {
			return names[en][1]
		}
		return names[en][0]
	}
	rows := [][]string{
		{`Comma, "Quoted" Society`, "Chloé", "", "Vancouver", "CA-BC", n("British Columbia"), "CA", n("Canada"), "", "organization", at(3), "false"},
		{"Grupo Maya", "Ixchel", "", "Quetzaltenango", "", "", "GT", "Guatemala", "", "organization", at(6), "false"},
		{"Organización Año Nuevo", "José Núñez", "Coordinador", "Ciudad Juárez", "MX-CHH", "Chihuahua", "MX", n("Mexico"),
			"https://anonuevo.example.org", "organization", at(1), "false"},
		{"", "\tTabbed Person", "", "", "US-CA", "California", "US", n("United States"), "", "individual", at(4), "false"},
		{`=HYPERLINK("http://evil.example","Click")`, "+1 555 0100", "-director-", "@Houston", "US-TX", "Texas", "US", n("United States"),
			"", "organization", at(0), "false"},
	}
	if inert {
		rows[3][1] = "'\tTabbed Person"
		rows[4][0], rows[4][1], rows[4][2], rows[4][3] = `'=HYPERLINK("http://evil.example","Click")`, "'+1 555 0100", "'-director-", "'@Houston"
	}
	return rows
}

// parseCSV checks the byte order mark and the line ends, and returns
// the records.
func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, bom) {
		t.Fatalf("CSV starts with %q, want the UTF-8 byte order mark", body[:min(len(body), 8)])
	}
	if !strings.HasSuffix(body, "\r\n") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Errorf("CSV lines do not all end in CRLF: %q", body)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, bom))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, body)
	}
	return records
}

func wantDownload(t *testing.T, res *response, status int, contentType, filename string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d; body:\n%s", res.Status, status, res.Body)
	}
	if got := res.Header.Get("Content-Type"); got != contentType {
		t.Errorf("Content-Type = %q, want %q", got, contentType)
	}
	want := ""
	if filename != "" {
		want = `attachment; filename="` + filename + `"`
	}
	if got := res.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
}

// wantNoPrivate fails if body holds anything only coordinators see.
func wantNoPrivate(t *testing.T, body string) {
	t.Helper()
	for _, private := range []string{"email", "private.example.org", "pending", "rejected", "import", "Pending Group", "Rejected Group", "Other Letter"} {
		if strings.Contains(body, private) {
			t.Errorf("public export contains %q:\n%s", private, body)
		}
	}
}

func TestExport_PublicCSV(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st, sigs := exportLetter(t, app, "carta-export")
		for _, lang := range []string{"en", "es"} {
			t.Run(lang, func(t *testing.T) {
				c := app.client(t)
				c.lang = lang
				res := c.get("/s/carta-export/signatories.csv")
				wantDownload(t, res, http.StatusOK, "text/csv; charset=utf-8", "carta-export-signatories.csv")
				want := append([][]string{publicHeader}, publicRows(sigs, lang, true)...)
				if got := parseCSV(t, res.Body); !reflect.DeepEqual(got, want) {
					t.Errorf("CSV rows =\n%q\nwant\n%q", got, want)
				}
				if !strings.Contains(res.Body, "Organización Año Nuevo,José Núñez") {
					t.Errorf("accents not written as UTF-8:\n%s", res.Body)
				}
				wantNoPrivate(t, res.Body)
			})
		}

		t.Run("CoordinatorGetsThePublicList", func(t *testing.T) {
			res := app.coordinator(t).get("/s/" + st.Slug + "/signatories.csv")
			want := append([][]string{publicHeader}, publicRows(sigs, "en", true)...)
			if got := parseCSV(t, res.Body); !reflect.DeepEqual(got, want) {
				t.Errorf("CSV rows =\n%q\nwant\n%q", got, want)
			}
			wantNoPrivate(t, res.Body)
		})

		t.Run("Empty", func(t *testing.T) {
			app.openStatement(t, "no-one-yet")
			res := app.client(t).get("/s/no-one-yet/signatories.csv")
			wantDownload(t, res, http.StatusOK, "text/csv; charset=utf-8", "no-one-yet-signatories.csv")
			if want := bom + strings.Join(publicHeader, ",") + "\r\n"; res.Body != want {
				t.Errorf("body = %q, want %q", res.Body, want)
			}
		})
	})
}

func TestExport_PublicJSON(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		_, sigs := exportLetter(t, app, "carta-json")
		c := app.client(t)
		file := c.get("/s/carta-json/signatories.json")
		wantDownload(t, file, http.StatusOK, "application/json", "carta-json-signatories.json")
		api := c.get("/api/v1/statements/carta-json/signatures.json")
		wantDownload(t, api, http.StatusOK, "application/json", "")
		if file.Body != api.Body {
			t.Errorf("the API's JSON differs from the download:\n%s\n%s", api.Body, file.Body)
		}

		var got struct {
			Statement  map[string]string `json:"statement"`
			Signatures []map[string]any  `json:"signatures"`
			Total      int               `json:"total"`
		}
		dec := json.NewDecoder(strings.NewReader(file.Body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("JSON does not decode: %v\n%s", err, file.Body)
		}
		wantStatement := map[string]string{"slug": "carta-json", "title": "Letter carta-json", "status": "open",
			"url": "http://signon.test/s/carta-json"}
		if !reflect.DeepEqual(got.Statement, wantStatement) {
			t.Errorf("statement = %v, want %v", got.Statement, wantStatement)
		}
		var want []map[string]any
		for _, row := range publicRows(sigs, "en", false) {
			m := map[string]any{}
			for i, k := range publicHeader {
				m[k] = row[i]
			}
			m["lead"] = row[len(row)-1] == "true" // a boolean in JSON
			want = append(want, m)
		}
		if !reflect.DeepEqual(got.Signatures, want) || got.Total != len(want) {
			t.Errorf("signatures (total %d) =\n%v\nwant (total %d)\n%v", got.Total, got.Signatures, len(want), want)
		}
		wantNoPrivate(t, file.Body)

		empty := app.openStatement(t, "empty-json")
		res := c.get("/s/" + empty.Slug + "/signatories.json")
		var none struct {
			Signatures []any `json:"signatures"`
			Total      *int  `json:"total"`
		}
		if err := json.Unmarshal([]byte(res.Body), &none); err != nil || none.Signatures == nil || len(none.Signatures) != 0 || none.Total == nil || *none.Total != 0 {
			t.Errorf("empty list = %s (%v), want signatures [] and total 0", res.Body, err)
		}
	})
}

func TestExport_Refused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		hidden, _ := exportLetter(t, app, "hidden-list", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubDraft(t, app, "draft-list")
		scheduled := pubDraft(t, app, "scheduled-list")
		pubTransition(t, app, scheduled, signon.ActionSchedule)

		hiddenEN := "The signatories of this statement are not public yet, so their list cannot be downloaded. It can be once the statement is published."
		hiddenES := "Los firmantes de esta declaración aún no son públicos, así que su lista no se puede descargar. Se podrá cuando la declaración se publique."
		notFound := "This statement does not exist or is not public."
		tests := []struct {
			name, path, lang string
			status           int
			json             bool
			message          string
		}{
			{"HiddenCSV", "/s/hidden-list/signatories.csv", "en", http.StatusForbidden, false, hiddenEN},
			{"HiddenCSVSpanish", "/s/hidden-list/signatories.csv", "es", http.StatusForbidden, false, hiddenES},
			{"HiddenJSON", "/s/hidden-list/signatories.json", "en", http.StatusForbidden, true, hiddenEN},
			{"HiddenAPI", "/api/v1/statements/hidden-list/signatures.json", "es", http.StatusForbidden, true, hiddenES},
			{"DraftCSV", "/s/draft-list/signatories.csv", "en", http.StatusNotFound, false, notFound},
			{"DraftJSON", "/s/draft-list/signatories.json", "en", http.StatusNotFound, true, notFound},
			{"DraftAPI", "/api/v1/statements/draft-list/signatures.json", "en", http.StatusNotFound, true, notFound},
			{"ScheduledCSV", "/s/scheduled-list/signatories.csv", "en", http.StatusNotFound, false, notFound},
			{"UnknownCSV", "/s/no-such-letter/signatories.csv", "en", http.StatusNotFound, false, notFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				c.lang = tt.lang
				res := c.get(tt.path)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d", res.Status, tt.status)
				}
				if got := res.Header.Get("Content-Disposition"); got != "" {
					t.Errorf("a refusal is offered as a file: Content-Disposition %q", got)
				}
				if tt.json {
					var body struct {
						Error struct{ Code, Message string }
					}
					if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error.Message != tt.message {
						t.Errorf("body = %s (%v), want the error %q", res.Body, err, tt.message)
					}
					return
				}
				if !strings.Contains(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(res.Body, tt.message) {
					t.Errorf("page (%s) does not say %q:\n%s", res.Header.Get("Content-Type"), tt.message, res.Body)
				}
			})
		}

		t.Run("DraftEvenForCoordinators", func(t *testing.T) {
			if res := app.coordinator(t).get("/s/draft-list/signatories.csv"); res.Status != http.StatusNotFound {
				t.Errorf("status %d, want 404", res.Status)
			}
		})

		t.Run("PublishedShowsHiddenList", func(t *testing.T) {
			pubTransition(t, app, hidden, signon.ActionClose, signon.ActionPublish)
			res := app.client(t).get("/s/hidden-list/signatories.csv")
			wantDownload(t, res, http.StatusOK, "text/csv; charset=utf-8", "hidden-list-signatories.csv")
			if got := len(parseCSV(t, res.Body)); got != 6 {
				t.Errorf("%d records, want the header and 5 signatories", got)
			}
		})
	})
}

// privateRow is the coordinators' export row of sig, with the public
// part given.
func privateRow(sig *signon.Signature, public []string) []string {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	row := append([]string{strconv.FormatInt(sig.ID, 10)}, public...)
	return append(row, sig.Email, sig.Language, string(sig.Status), string(sig.Source),
		at(sig.ConfirmedAt), at(sig.ApprovedAt), at(sig.RejectedAt), at(sig.WithdrawnAt), string(sig.Flags), at(sig.AuthorizedAt))
}

func TestExport_Coordinator(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st, sigs := exportLetter(t, app, "in-progress")
		csvPath := "/coordinate/statements/" + strconv.FormatInt(st.ID, 10) + "/signatures.csv"
		jsonPath := "/coordinate/statements/" + strconv.FormatInt(st.ID, 10) + "/signatures.json"

		t.Run("LoginRequired", func(t *testing.T) {
			for _, path := range []string{csvPath, jsonPath} {
				res := app.client(t).get(path)
				want := "/login?next=" + strings.ReplaceAll(path, "/", "%2F")
				if res.Status != http.StatusSeeOther || res.Header.Get("Location") != want {
					t.Errorf("GET %s without a session: %d to %q, want 303 to %q", path, res.Status, res.Header.Get("Location"), want)
				}
				if strings.Contains(res.Body, "private.example.org") {
					t.Errorf("GET %s without a session shows an email", path)
				}
			}
		})

		coord := app.coordinator(t)
		// Every status, ordered by country, state, then name ("=" sorts
		// before letters).
		public := publicRows(sigs, "en", true)
		texan := func(sig *signon.Signature) []string {
			return privateRow(sig, []string{sig.Organization, sig.SignerName, "", "", "US-TX", "Texas", "US", "United States", "",
				"organization", sig.CreatedAt.UTC().Format(time.RFC3339), "false"})
		}
		want := [][]string{privateHeader,
			privateRow(sigs[3], public[0]), privateRow(sigs[6], public[1]), privateRow(sigs[1], public[2]),
			privateRow(sigs[4], public[3]), privateRow(sigs[0], public[4]), texan(sigs[2]), texan(sigs[5]),
		}

		t.Run("CSV", func(t *testing.T) {
			res := coord.get(csvPath)
			wantDownload(t, res, http.StatusOK, "text/csv; charset=utf-8", "in-progress-signatures-private.csv")
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", got)
			}
			if got := parseCSV(t, res.Body); !reflect.DeepEqual(got, want) {
				t.Errorf("CSV rows =\n%q\nwant\n%q", got, want)
			}
		})

		t.Run("JSON", func(t *testing.T) {
			res := coord.get(jsonPath)
			wantDownload(t, res, http.StatusOK, "application/json", "in-progress-signatures-private.json")
			var got struct {
				Statement  map[string]string `json:"statement"`
				Signatures []map[string]any  `json:"signatures"`
				Total      int               `json:"total"`
			}
			if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
				t.Fatalf("JSON does not decode: %v\n%s", err, res.Body)
			}
			if got.Total != 7 || len(got.Signatures) != 7 {
				t.Fatalf("total %d with %d signatures, want 7", got.Total, len(got.Signatures))
			}
			formula := got.Signatures[4]
			wantFormula := map[string]any{"id": float64(sigs[0].ID), "organization": `=HYPERLINK("http://evil.example","Click")`,
				"signer_name": "+1 555 0100", "signer_title": "-director-", "city": "@Houston", "region": "US-TX", "region_name": "Texas",
				"country": "US", "country_name": "United States", "website": "", "signer_type": "organization",
				"signed_at": want[5][11], "lead": false, "email": "signer0@private.example.org", "language": "es", "status": "approved",
				"source": "import", "confirmed_at": "", "approved_at": want[5][18], "rejected_at": "", "withdrawn_at": "",
				"flags": "", "authorized_at": ""}
			if !reflect.DeepEqual(formula, wantFormula) {
				t.Errorf("fifth signature =\n%v\nwant, formulas as they are,\n%v", formula, wantFormula)
			}
			if got.Signatures[5]["status"] != "pending" || got.Signatures[5]["email"] != "signer2@private.example.org" {
				t.Errorf("sixth signature = %v, want Pending Group's, with its email", got.Signatures[5])
			}
		})

		t.Run("Draft", func(t *testing.T) {
			draft := pubDraft(t, app, "private-draft")
			exportSeed(t, app, draft, exportSig{Org: "Early Group", Name: "Eve", Region: "US-NM", Status: signon.SignaturePending})
			res := coord.get("/coordinate/statements/" + strconv.FormatInt(draft.ID, 10) + "/signatures.csv")
			records := parseCSV(t, res.Body)
			if res.Status != http.StatusOK || len(records) != 2 || records[1][1] != "Early Group" || records[1][13] != "signer0@private.example.org" {
				t.Errorf("draft export: %d, %q", res.Status, records)
			}
		})

		t.Run("Refused", func(t *testing.T) {
			published, _ := exportLetter(t, app, "final-letter")
			pubTransition(t, app, published, signon.ActionClose, signon.ActionPublish)
			id := strconv.FormatInt(published.ID, 10)
			tests := []struct {
				path    string
				status  int
				message string
			}{
				{"/coordinate/statements/" + id + "/signatures.csv", http.StatusConflict, "This statement is published: its signatures can no longer be downloaded"},
				{"/coordinate/statements/" + id + "/signatures.json", http.StatusConflict, "Download the public list of signatories instead."},
				{"/coordinate/statements/99999/signatures.csv", http.StatusNotFound, ""},
				{"/coordinate/statements/abc/signatures.csv", http.StatusNotFound, ""},
			}
			for _, tt := range tests {
				res := coord.get(tt.path)
				if res.Status != tt.status || !strings.Contains(res.Body, tt.message) || res.Header.Get("Content-Disposition") != "" {
					t.Errorf("GET %s: %d %q, want %d saying %q", tt.path, res.Status, res.Body, tt.status, tt.message)
				}
				if strings.Contains(res.Body, "private.example.org") {
					t.Errorf("GET %s shows an email", tt.path)
				}
			}
		})
	})
}

func TestExport_Links(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		open, _ := exportLetter(t, app, "linked")
		exportLetter(t, app, "unlinked", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		published, _ := exportLetter(t, app, "published-linked")
		pubTransition(t, app, published, signon.ActionClose, signon.ActionPublish)
		coord := app.coordinator(t)
		manage := func(st *signon.Statement) string { return "/coordinate/statements/" + strconv.FormatInt(st.ID, 10) }

		tests := []struct {
			name    string
			client  *testClient
			path    string
			want    []string
			notWant []string
		}{
			{"PublicPage", app.client(t), "/s/linked",
				[]string{`href="/s/linked/signatories.csv"`, `href="/s/linked/signatories.json"`, "Download the list of signatories:"}, nil},
			{"HiddenPage", app.client(t), "/s/unlinked", nil, []string{"signatories.csv", "signatories.json"}},
			{"ManageInProgress", coord, manage(open),
				[]string{`href="` + manage(open) + `/signatures.csv"`, `href="` + manage(open) + `/signatures.json"`, "These files include email addresses."},
				[]string{"/s/linked/signatories.csv"}},
			{"ManagePublished", coord, manage(published),
				[]string{`href="/s/published-linked/signatories.csv"`, `href="/s/published-linked/signatories.json"`},
				[]string{manage(published) + "/signatures.csv"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := tt.client.get(tt.path)
				if res.Status != http.StatusOK {
					t.Fatalf("status %d", res.Status)
				}
				pageHas(t, res.Body, tt.want...)
				pageLacks(t, res.Body, tt.notWant...)
			})
		}
	})
}

// TestExport_Streams checks that a list longer than one flush arrives
// whole, and in chunks rather than with a length known in advance.
func TestExport_Streams(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "long-list")
		const n = 501 // the server flushes every 500 rows
		for i := range n {
			exportSeed(t, app, st, exportSig{Org: "Group " + strconv.Itoa(10000+i), Name: "Signer", Region: "US-TX"})
		}
		res, err := http.Get(app.URL + "/s/long-list/signatories.csv")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.ContentLength != -1 || !reflect.DeepEqual(res.TransferEncoding, []string{"chunked"}) {
			t.Errorf("Content-Length %d, Transfer-Encoding %v; want a chunked stream", res.ContentLength, res.TransferEncoding)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(res.Body); err != nil {
			t.Fatal(err)
		}
		records := parseCSV(t, buf.String())
		if len(records) != n+1 || records[1][0] != "Group 10000" || records[n][0] != "Group "+strconv.Itoa(10000+n-1) {
			t.Errorf("%d records from %q to %q, want %d from Group 10000 to Group %d", len(records), records[1][0], records[len(records)-1][0], n+1, 10000+n-1)
		}
	})
}
