package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// recordDigestOnPage reads the digest the statement page shows.
var recordDigestOnPage = regexp.MustCompile(`<pre class="digest" id="record-digest"><code>([0-9a-f]*)</code></pre>`)

// newRecordApp is newTestApp with a second, direct connection to its
// database, to change it behind Signon's back as someone with access to
// the database could.
func newRecordApp(t *testing.T, dialect string) (*testApp, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	dbURL := storetest.URL(t, dialect)
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	driver, dsn := "pgx", dbURL
	if dialect == store.SQLite {
		driver, dsn = "sqlite", strings.TrimPrefix(dbURL, "sqlite:")
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })

	clock := &testClock{t: time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)}
	cfg := server.Config{
		BaseURL: "http://signon.test", Coalition: "Test Coalition",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now,
		PageCache: -1, // the clock stands still; the tampering must show at once
	}
	db.SetPublicURL(cfg.BaseURL)
	srv, err := server.New(cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testApp{DB: db, URL: hs.URL, Clock: clock}, raw
}

// publishRecordStatement builds, through the coordinators' pages, a
// published response whose text needs care in JSON, with two versions
// and signatories across three countries, some not approved.
func publishRecordStatement(t *testing.T, app *testApp) *signon.Statement {
	t.Helper()
	st := app.openStatement(t, "record", func(s *signon.Statement) {
		s.Kind, s.Language = signon.KindResponse, "es"
		s.Title = `Respuesta: "la cumbre" <de líderes> & después`
		s.Body = "Nosotras **exigimos**:\n\n- dignidad & justicia\n- paso seguro <ahora>"
		s.AddressedTo, s.Occasion = "Los líderes de Norteamérica", "Cumbre de Líderes 2026"
	})
	pubSeed(t, app, st,
		pubSignature{Org: "Zeta Colectiva", Country: "US", Region: "US-TX", City: "El Paso", Website: "https://zeta.example.org"},
		pubSignature{Org: "Casa del Migrante", Country: "MX", Region: "MX-CHH", City: "Ciudad Juárez"},
		pubSignature{Org: "Pendiente", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
		pubSignature{Org: "Guatemala Unida", Country: "GT", City: "Quetzaltenango"},
	)
	c := app.coordinator(t)
	manage := coordManagePath(st.ID)
	res := c.postForm(manage, versionFormValues("record", "kind", "response", "language", "es",
		"title", st.Title, "summary", "", "addressed_to", st.AddressedTo, "occasion", st.Occasion,
		"body", st.Body+"\n\nFirmado en El Paso.", "confirm_version", "2"))
	assertStatus(t, res, http.StatusSeeOther)
	pubSeed(t, app, coordStatement(t, app, st.ID),
		pubSignature{Org: "Alianza Ñandú", Country: "US", Region: "US-AZ", City: "Tucson"},
		pubSignature{Org: "Rechazada", Country: "US", Region: "US-AZ", Status: signon.SignatureRejected},
	)
	assertStatus(t, c.postForm(manage+"/transition", url.Values{"action": {"close"}}), http.StatusSeeOther)
	assertStatus(t, c.postForm(manage+"/transition", url.Values{"action": {"publish"}, "confirm": {"1"}}), http.StatusSeeOther)
	return coordStatement(t, app, st.ID)
}

func TestRecord(t *testing.T) {
	records := map[string][]byte{}
	forEachDialect(t, func(t *testing.T, dialect string) {
		app, raw := newRecordApp(t, dialect)
		st := publishRecordStatement(t, app)
		c := app.client(t)
		const path = "/api/v1/statements/record/record"

		res := c.get(path)
		pubStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q, want application/json", ct)
		}
		if again := c.get(path); again.Body != res.Body {
			t.Errorf("two requests gave different bytes:\n%s\n%s", res.Body, again.Body)
		}
		body := []byte(res.Body)
		records[dialect] = body

		sum := sha256.Sum256(body)
		if want := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"; res.Header.Get("Repr-Digest") != want {
			t.Errorf("Repr-Digest %q, want %q", res.Header.Get("Repr-Digest"), want)
		}
		digest := hex.EncodeToString(sum[:])
		if st.RecordSHA256 != digest {
			t.Errorf("digest stored at publication %q, sha256 of the record %q", st.RecordSHA256, digest)
		}
		page := c.get("/s/record")
		pubStatus(t, page, http.StatusOK)
		m := recordDigestOnPage.FindStringSubmatch(page.Body)
		if m == nil || m[1] != digest {
			t.Errorf("digest on the page %v, want %s", m, digest)
		}
		pageHas(t, page.Body, "The published record", "Check the record",
			"curl -s http://signon.test/api/v1/statements/record/record | sha256sum",
			`<a href="http://signon.test/api/v1/statements/record/record" type="application/json">`)

		// Canonical: no whitespace between tokens, members sorted at every
		// level, "<", ">" and "&" as they are, accents as UTF-8.
		var compact bytes.Buffer
		if err := json.Compact(&compact, body); err != nil || compact.String() != res.Body {
			t.Errorf("record is not compact JSON (%v):\n%s", err, body)
		}
		checkSortedKeys(t, body)
		pageHas(t, res.Body, `"title":"Respuesta: \"la cumbre\" <de líderes> & después"`, "paso seguro <ahora>", "Alianza Ñandú",
			`"published_at":"2026-11-01T15:00:00Z"`, `"url":"http://signon.test/s/record"`, `"version":2`, `"kind":"response"`)
		for _, private := range []string{`\u003c`, `\u0026`, "@example.org", "Pendiente", "Rechazada", `"status"`, `"email"`, `"source"`, "signed_at"} {
			if strings.Contains(res.Body, private) {
				t.Errorf("record contains %s:\n%s", private, body)
			}
		}
		var rec struct {
			Signatories []struct {
				Organization  string `json:"organization"`
				VersionSigned int    `json:"version_signed"`
			} `json:"signatories"`
		}
		if err := json.Unmarshal(body, &rec); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range rec.Signatories {
			got = append(got, s.Organization+"@"+strconv.Itoa(s.VersionSigned))
		}
		if want := "Guatemala Unida@1 Casa del Migrante@1 Alianza Ñandú@2 Zeta Colectiva@1"; strings.Join(got, " ") != want {
			t.Errorf("signatories %q, want %q (by country, region, key; with the version each signed)", got, want)
		}

		t.Run("NotPublished", func(t *testing.T) {
			app.openStatement(t, "still-open")
			closed := app.openStatement(t, "closed")
			pubTransition(t, app, closed, signon.ActionClose)
			pubDraft(t, app, "a-draft")
			for _, slug := range []string{"still-open", "closed", "a-draft", "nope"} {
				res := c.get("/api/v1/statements/" + slug + "/record")
				e := pubAPIError(t, res, http.StatusNotFound, "not_found")
				if slug == "still-open" && e["message"] != "This statement has no published record yet." {
					t.Errorf("message %q", e["message"])
				}
			}
			pageLacks(t, c.get("/s/closed").Body, `id="record"`)
		})

		t.Run("Tampered", func(t *testing.T) {
			// Renamed behind Signon's back: every way through Signon
			// refuses to change a published statement's signatories.
			query := "UPDATE signatures SET organization = 'Zeta Colectiva Falsa' WHERE organization = 'Zeta Colectiva'"
			if _, err := raw.ExecContext(context.Background(), query); err != nil {
				t.Fatal(err)
			}
			res := c.get(path)
			pubStatus(t, res, http.StatusOK)
			sum := sha256.Sum256([]byte(res.Body))
			if hex.EncodeToString(sum[:]) == digest {
				t.Error("the record of a tampered database has the digest fixed at publication")
			}
			if m := recordDigestOnPage.FindStringSubmatch(c.get("/s/record").Body); m == nil || m[1] != digest {
				t.Errorf("the page shows %v after tampering, want the digest fixed at publication %s", m, digest)
			}
		})
	})
	if len(records) == 2 && !bytes.Equal(records["sqlite"], records["postgres"]) {
		t.Errorf("the same record differs between databases:\nsqlite   %s\npostgres %s", records["sqlite"], records["postgres"])
	}
}

// checkSortedKeys fails unless every object in the JSON document b lists
// its members in ascending order.
func checkSortedKeys(t *testing.T, b []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		object  bool
		lastKey string
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if key, ok := tok.(string); ok {
				if key < top.lastKey {
					t.Errorf("key %q after %q", key, top.lastKey)
				}
				top.lastKey, top.wantKey = key, false
				continue
			}
		}
		if top != nil && top.object {
			top.wantKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, wantKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].wantKey = true
			}
		}
	}
}
