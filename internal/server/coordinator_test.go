package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests' time zone, whatever the machine has installed

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// coordZone is the coalition's time zone in these tests: UTC−6 all year,
// so a deadline typed as 17:30 is 23:30 UTC.
const coordZone = "America/Mexico_City"

func newCoordApp(t *testing.T, dialect string) *testApp {
	t.Helper()
	loc, err := time.LoadLocation(coordZone)
	if err != nil {
		t.Fatal(err)
	}
	return newTestApp(t, dialect, func(cfg *server.Config) { cfg.Location = loc })
}

// coordStatementValues is a complete, valid statement form.
func coordStatementValues() url.Values {
	return url.Values{
		"kind":                 {"letter"},
		"title":                {"Letter to the Leaders"},
		"slug":                 {"letter-to-the-leaders"},
		"summary":              {"Migrant-led organizations ask for dignity."},
		"addressed_to":         {"The leaders of North America"},
		"occasion":             {"North American Leaders Summit"},
		"body":                 {"We, the undersigned, **ask** for dignity."},
		"language":             {"en"},
		"responds_to":          {""},
		"closes_at":            {"2026-11-20T17:30"},
		"signers":              {"individuals"},
		"require_confirmation": {"1"},
		"approval":             {"non_members"},
		"visibility":           {"on_published"},
	}
}

func coordWith(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

var coordManageLocation = regexp.MustCompile(`^/coordinate/statements/(\d+)(\?|#|$)`)

// coordCreate posts the statement form and returns the stored statement.
func coordCreate(t *testing.T, c *testClient, values url.Values) *signon.Statement {
	t.Helper()
	res := c.postForm("/coordinate/statements", values)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("create statement: status %d, want 303; body:\n%s", res.Status, res.Body)
	}
	return coordStatementAt(t, c.app, res.Header.Get("Location"))
}

// coordStatementAt loads the statement whose manage page is location.
func coordStatementAt(t *testing.T, app *testApp, location string) *signon.Statement {
	t.Helper()
	m := coordManageLocation.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("redirect to %q, want a manage page", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return coordStatement(t, app, id)
}

func coordStatement(t *testing.T, app *testApp, id int64) *signon.Statement {
	t.Helper()
	st, err := app.DB.StatementByID(context.Background(), id)
	if err != nil {
		t.Fatalf("statement %d: %v", id, err)
	}
	return st
}

func coordCountStatements(t *testing.T, app *testApp) int {
	t.Helper()
	list, err := app.DB.Statements(context.Background(), signon.StatementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func coordManagePath(id int64) string { return "/coordinate/statements/" + strconv.FormatInt(id, 10) }

// coordSign stores a signature of st from org in status.
func coordSign(t *testing.T, app *testApp, st *signon.Statement, org, email string, status signon.SignatureStatus) *signon.Signature {
	t.Helper()
	sig, err := signon.SignatureInput{
		Organization: org, SignerName: "Ana Pérez", SignerTitle: "Director", Email: email,
		City: "El Paso", Country: "US", Region: "US-TX",
	}.Validate(st)
	if err != nil {
		t.Fatal(err)
	}
	sig.Status, sig.Source = status, signon.SourceForm
	if err := app.DB.CreateSignature(context.Background(), sig, nil); err != nil {
		t.Fatal(err)
	}
	return sig
}

func coordSignatureStatus(t *testing.T, app *testApp, st *signon.Statement, id int64) signon.SignatureStatus {
	t.Helper()
	list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{
		StatementID: st.ID, PerPage: 500,
		Statuses: []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.ID == id {
			return s.Status
		}
	}
	t.Fatalf("signature %d not found", id)
	return ""
}

func coordEventActions(t *testing.T, app *testApp, id int64) []string {
	t.Helper()
	events, err := app.DB.StatementEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	slices.Reverse(actions) // oldest first
	return actions
}

// assertTranslated fails if a message id of the coordinators' pages
// shows instead of its text, as happens when a key built in a template
// (a kind, a state, an event) has no message.
func assertTranslated(t *testing.T, body string) {
	t.Helper()
	text := strings.ReplaceAll(body, "/static/coordinate.css", "")
	if i := strings.Index(text, "coordinate."); i >= 0 {
		t.Errorf("untranslated message id: %q", text[i:min(len(text), i+60)])
	}
}

func assertStatus(t *testing.T, res *response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %d, want %d; body:\n%s", res.Status, want, res.Body)
	}
}

func TestCoordinator_RequiresLogin(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		st := app.openStatement(t, "open-letter", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		sig := coordSign(t, app, st, "Frontera Unida", "ana@example.org", signon.SignaturePending)
		id := strconv.FormatInt(st.ID, 10)
		anon := app.client(t)

		for _, path := range []string{
			"/coordinate",
			"/coordinate/statements/new",
			"/coordinate/statements/" + id,
			"/coordinate/statements/" + id + "/edit",
		} {
			t.Run("GET "+path, func(t *testing.T) {
				res := anon.get(path)
				assertStatus(t, res, http.StatusSeeOther)
				if got, want := res.Header.Get("Location"), "/login?next="+url.QueryEscape(path); got != want {
					t.Errorf("Location %q, want %q", got, want)
				}
			})
		}

		posts := []struct {
			path   string
			values url.Values
		}{
			{"/coordinate/statements", coordWith(coordStatementValues(), "slug", "sneaky")},
			{"/coordinate/statements/" + id, coordWith(coordStatementValues(), "title", "Changed")},
			{"/coordinate/statements/" + id + "/transition", url.Values{"action": {"close"}}},
			{"/coordinate/statements/" + id + "/signatures/" + strconv.FormatInt(sig.ID, 10) + "/status", url.Values{"status": {"approved"}}},
		}
		for _, p := range posts {
			t.Run("POST "+p.path, func(t *testing.T) {
				res := anon.postForm(p.path, p.values)
				assertStatus(t, res, http.StatusUnauthorized)
				pageHas(t, html.UnescapeString(res.Body), "Log in to continue.")
			})
		}
		if n := coordCountStatements(t, app); n != 1 {
			t.Errorf("%d statements, want 1", n)
		}
		got := coordStatement(t, app, st.ID)
		if got.Title != st.Title || got.Status != signon.StatusOpen {
			t.Errorf("statement changed: title %q, status %s", got.Title, got.Status)
		}
		if s := coordSignatureStatus(t, app, st, sig.ID); s != signon.SignaturePending {
			t.Errorf("signature %s, want pending", s)
		}
	})
}

func TestCoordinator_CreateStatement(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)

		t.Run("Form", func(t *testing.T) {
			res := c.get("/coordinate/statements/new")
			assertStatus(t, res, http.StatusOK)
			assertTranslated(t, res.Body)
			pageHas(t, html.UnescapeString(res.Body), "New statement", `name="_csrf"`, `type="datetime-local"`, "Time zone: "+coordZone,
				`name="preview"`, "Organizations and individuals", "Require email confirmation",
				"Confirmation emails are sent once mail is configured.")
		})

		t.Run("Valid", func(t *testing.T) {
			parent := app.openStatement(t, "the-letter")
			values := coordWith(coordStatementValues(), "kind", "response", "responds_to", strconv.FormatInt(parent.ID, 10))
			res := c.postForm("/coordinate/statements", values)
			assertStatus(t, res, http.StatusSeeOther)
			st := coordStatementAt(t, app, res.Header.Get("Location"))

			deadline := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
			if st.Kind != signon.KindResponse || st.Title != "Letter to the Leaders" || st.Slug != "letter-to-the-leaders" ||
				st.Summary != "Migrant-led organizations ask for dignity." || st.AddressedTo != "The leaders of North America" ||
				st.Occasion != "North American Leaders Summit" || st.Body != "We, the undersigned, **ask** for dignity." ||
				st.Language != "en" || st.RespondsToID == nil || *st.RespondsToID != parent.ID ||
				st.ClosesAt == nil || !st.ClosesAt.Equal(deadline) ||
				!st.AllowIndividuals || !st.RequireConfirmation ||
				st.Approval != signon.ApprovalNonMembers || st.Visibility != signon.VisibleOnPublished ||
				st.Status != signon.StatusDraft {
				t.Errorf("stored statement %+v", st)
			}
			page := c.get(res.Header.Get("Location"))
			assertStatus(t, page, http.StatusOK)
			pageHas(t, html.UnescapeString(page.Body), "Draft created.", "Letter to the Leaders", "November 20, 2026 17:30 CST",
				"In response to:", "Letter the-letter")
		})

		t.Run("SlugFromTitle", func(t *testing.T) {
			st := coordCreate(t, c, coordWith(coordStatementValues(), "slug", "", "title", "Carta a los Líderes de América del Norte"))
			if st.Slug != "carta-a-los-lideres-de-america-del-norte" {
				t.Errorf("slug %q", st.Slug)
			}
		})

		t.Run("Preview", func(t *testing.T) {
			before := coordCountStatements(t, app)
			values := coordWith(coordStatementValues(), "slug", "preview-only", "preview", "1",
				"body", "We **ask** for dignity.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))")
			res := c.postForm("/coordinate/statements", values)
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), "<strong>ask</strong>", `id="preview"`, `value="preview-only"`,
				`value="Letter to the Leaders"`, "We **ask** for dignity.")
			preview := res.Body[strings.Index(res.Body, `id="preview"`):]
			if strings.Contains(preview, "<script>") || strings.Contains(preview, "javascript:") {
				t.Errorf("preview is not sanitized:\n%s", preview)
			}
			if n := coordCountStatements(t, app); n != before {
				t.Errorf("preview stored a statement: %d statements, want %d", n, before)
			}
		})

		t.Run("Invalid", func(t *testing.T) {
			long := func(n int) string { return strings.Repeat("a", n) }
			for _, tc := range []struct {
				field, value, message string
			}{
				{"title", "", "This field is required."},
				{"title", long(201), "Use at most 200 characters."},
				{"slug", "Not a slug!", "Choose one of the options."},
				{"slug", long(81), "Use at most 80 characters."},
				{"kind", "memo", "Choose one of the options."},
				{"summary", long(1001), "Use at most 1000 characters."},
				{"addressed_to", long(301), "Use at most 300 characters."},
				{"occasion", long(201), "Use at most 200 characters."},
				{"body", "  ", "This field is required."},
				{"language", "fr", "Choose one of the options."},
				{"responds_to", "abc", "Choose one of the options."},
				{"responds_to", "999999", "Choose one of the options."},
				{"closes_at", "next Friday", "Enter a valid date and time."},
				{"signers", "robots", "Choose one of the options."},
				{"approval", "sometimes", "Choose one of the options."},
				{"visibility", "never", "Choose one of the options."},
			} {
				t.Run(tc.field, func(t *testing.T) {
					before := coordCountStatements(t, app)
					values := coordWith(coordStatementValues(), "slug", "invalid-"+strings.ReplaceAll(tc.field, "_", "-"), tc.field, tc.value)
					res := c.postForm("/coordinate/statements", values)
					assertStatus(t, res, http.StatusUnprocessableEntity)
					pageHas(t, html.UnescapeString(res.Body),
						"Please correct the fields marked below.",
						`id="`+tc.field+`-error">`+tc.message+`</p>`,
						`aria-invalid="true"`,
					)
					// Every other field keeps what was typed.
					kept := map[string]string{
						"title":     `value="Letter to the Leaders"`,
						"summary":   "Migrant-led organizations ask for dignity.</textarea>",
						"body":      "We, the undersigned, **ask** for dignity.</textarea>",
						"closes_at": `value="2026-11-20T17:30"`,
						"signers":   `value="individuals" checked`,
						"approval":  `value="non_members" checked`,
					}
					for field, want := range kept {
						if field != tc.field {
							pageHas(t, html.UnescapeString(res.Body), want)
						}
					}
					if tc.field == "slug" || tc.field == "closes_at" || tc.field == "title" {
						pageHas(t, html.UnescapeString(res.Body), `value="`+tc.value+`"`)
					}
					if n := coordCountStatements(t, app); n != before {
						t.Errorf("invalid form stored a statement")
					}
				})
			}
		})

		t.Run("NoTitle", func(t *testing.T) {
			// The web address made from the title is not a second problem.
			res := c.postForm("/coordinate/statements", coordWith(coordStatementValues(), "title", "", "slug", ""))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `id="title-error">This field is required.</p>`)
			pageLacks(t, html.UnescapeString(res.Body), `id="slug-error"`)
		})

		t.Run("Spanish", func(t *testing.T) {
			es := app.coordinator(t)
			es.lang = "es"
			res := es.postForm("/coordinate/statements", coordWith(coordStatementValues(), "title", "", "closes_at", "mañana"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body),
				"Corrige los campos señalados abajo.",
				`id="title-error">Este campo es obligatorio.</p>`,
				`id="closes_at-error">Escribe una fecha y hora válidas.</p>`,
				"Título", "Fecha límite", "Zona horaria: "+coordZone, "Vista previa", "Crear borrador",
				`value="mañana"`,
			)
			assertTranslated(t, res.Body)
		})
	})
}

func TestCoordinator_Dashboard(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)

		res := c.get("/coordinate")
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), "No statements yet.", `href="/coordinate/statements/new"`)

		draft := coordCreate(t, c, coordWith(coordStatementValues(), "slug", "the-draft", "title", "The Draft"))
		scheduled := coordCreate(t, c, coordWith(coordStatementValues(), "slug", "the-scheduled", "title", "The Scheduled"))
		assertStatus(t, c.postForm(coordManagePath(scheduled.ID)+"/transition",
			url.Values{"action": {"schedule"}, "opens_at": {"2026-11-02T10:00"}}), http.StatusSeeOther)
		open := app.openStatement(t, "the-open", func(s *signon.Statement) { s.Title = "The Open" })
		coordSign(t, app, open, "Frontera Unida", "a@example.org", signon.SignatureApproved)
		coordSign(t, app, open, "Casa del Migrante", "b@example.org", signon.SignatureApproved)
		coordSign(t, app, open, "Red Binacional", "c@example.org", signon.SignaturePending)
		closed := app.openStatement(t, "the-closed", func(s *signon.Statement) { s.Title = "The Closed" })
		published := app.openStatement(t, "the-published", func(s *signon.Statement) { s.Title = "The Published" })
		ctx := context.Background()
		for _, step := range []struct {
			st     *signon.Statement
			action signon.Action
		}{{closed, signon.ActionClose}, {published, signon.ActionClose}, {published, signon.ActionPublish}} {
			if _, err := app.DB.TransitionStatement(ctx, step.st.ID, step.action, nil, app.Clock.Now(), step.st.CreatedBy); err != nil {
				t.Fatal(err)
			}
		}

		res = c.get("/coordinate")
		assertStatus(t, res, http.StatusOK)
		assertTranslated(t, res.Body)
		// Groups in order, each with its statement, its approved count and
		// its links; drafts and scheduled ones have no public link yet.
		groups := []struct {
			heading string
			st      *signon.Statement
			title   string
			count   int
			public  bool
		}{
			{"Open for signatures", open, "The Open", 2, true},
			{"Scheduled to open", scheduled, "The Scheduled", 0, false},
			{"Drafts", draft, "The Draft", 0, false},
			{"Closed, not yet published", closed, "The Closed", 0, true},
			{"Published", published, "The Published", 0, true},
		}
		last := 0
		for _, g := range groups {
			i := strings.Index(res.Body, ">"+g.heading+" <span")
			if i < last {
				t.Errorf("group %q missing or out of order", g.heading)
				continue
			}
			last = i
			row := regexp.MustCompile(`(?s)<tr>\s*<td><a href="` + coordManagePath(g.st.ID) + `">` + g.title + `</a>.*?</tr>`).FindString(res.Body[i:])
			if row == "" {
				t.Errorf("no row for %q under %q", g.title, g.heading)
				continue
			}
			if !strings.Contains(row, `<td class="num">`+strconv.Itoa(g.count)+`</td>`) {
				t.Errorf("%q: count is not %d in %s", g.title, g.count, row)
			}
			if got := strings.Contains(row, `href="/s/`+g.st.Slug+`"`); got != g.public {
				t.Errorf("%q: public link %v, want %v", g.title, got, g.public)
			}
		}
		pageHas(t, html.UnescapeString(res.Body), "Opens November 2, 2026 10:00 CST", "November 20, 2026 17:30 CST")
	})
}

func TestCoordinator_SlugConflict(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		app.openStatement(t, "taken")
		before := coordCountStatements(t, app)

		res := c.postForm("/coordinate/statements", coordWith(coordStatementValues(), "slug", "taken", "title", "Another letter"))
		assertStatus(t, res, http.StatusConflict)
		pageHas(t, html.UnescapeString(res.Body), "Another statement already uses this web address.",
			`id="slug-error">This is already in use.</p>`, `value="taken"`, `value="Another letter"`)
		if n := coordCountStatements(t, app); n != before {
			t.Errorf("%d statements, want %d", n, before)
		}

		// Editing another statement onto the taken address is refused too.
		st := coordCreate(t, c, coordWith(coordStatementValues(), "slug", "free"))
		res = c.postForm(coordManagePath(st.ID), coordWith(coordStatementValues(), "slug", "taken"))
		assertStatus(t, res, http.StatusConflict)
		pageHas(t, html.UnescapeString(res.Body), `id="slug-error">This is already in use.</p>`)
		if got := coordStatement(t, app, st.ID); got.Slug != "free" {
			t.Errorf("slug %q, want free", got.Slug)
		}
	})
}

func TestCoordinator_EditStatement(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := coordCreate(t, c, coordStatementValues())

		res := c.get(coordManagePath(st.ID) + "/edit")
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), `value="Letter to the Leaders"`, `value="letter-to-the-leaders"`,
			`value="2026-11-20T17:30"`, `action="/coordinate/statements/`+strconv.FormatInt(st.ID, 10)+`"`,
			`value="individuals" checked`, `value="on_published" checked`, `value="non_members" checked`)

		res = c.postForm(coordManagePath(st.ID), coordWith(coordStatementValues(),
			"title", "A Better Title", "closes_at", "", "signers", "organizations", "require_confirmation", "",
			"approval", "all", "visibility", "while_open", "language", "es"))
		assertStatus(t, res, http.StatusSeeOther)
		if got := res.Header.Get("Location"); !strings.HasPrefix(got, coordManagePath(st.ID)) {
			t.Errorf("Location %q", got)
		}
		got := coordStatement(t, app, st.ID)
		if got.Title != "A Better Title" || got.ClosesAt != nil || got.AllowIndividuals || got.RequireConfirmation ||
			got.Approval != signon.ApprovalAll || got.Visibility != signon.VisibleWhileOpen || got.Language != "es" ||
			got.Slug != "letter-to-the-leaders" || got.Status != signon.StatusDraft {
			t.Errorf("edited statement %+v", got)
		}

		t.Run("Invalid", func(t *testing.T) {
			res := c.postForm(coordManagePath(st.ID), coordWith(coordStatementValues(), "title", "", "summary", "Kept summary"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `id="title-error">This field is required.</p>`, "Kept summary")
			if got := coordStatement(t, app, st.ID); got.Title != "A Better Title" || got.Summary == "Kept summary" {
				t.Errorf("invalid edit changed the statement: %+v", got)
			}
		})

		t.Run("Preview", func(t *testing.T) {
			res := c.postForm(coordManagePath(st.ID), coordWith(coordStatementValues(), "body", "New *text*", "preview", "1"))
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), "<em>text</em>")
			if got := coordStatement(t, app, st.ID); got.Body != "We, the undersigned, **ask** for dignity." {
				t.Errorf("preview changed the body to %q", got.Body)
			}
		})

		t.Run("DeadlinePassed", func(t *testing.T) {
			// The form shows the deadline to the minute; sent back
			// unchanged after it has passed, it is not refused as a new
			// deadline in the past.
			deadline := app.Clock.Now().Add(time.Hour + 30*time.Second)
			open := app.openStatement(t, "deadline-passed", func(s *signon.Statement) { s.ClosesAt = &deadline })
			app.Clock.Set(deadline.Add(time.Hour))
			defer app.Clock.Set(deadline.Add(-time.Hour - 30*time.Second))
			res := c.get(coordManagePath(open.ID) + "/edit")
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), `value="2026-11-01T10:00"`)
			values := coordWith(coordStatementValues(), "slug", "deadline-passed", "summary", "Corrected.", "closes_at", "2026-11-01T10:00")
			assertStatus(t, c.postForm(coordManagePath(open.ID), values), http.StatusSeeOther)
			got := coordStatement(t, app, open.ID)
			if got.Summary != "Corrected." || got.ClosesAt == nil || !got.ClosesAt.Equal(deadline) {
				t.Errorf("summary %q, deadline %v, want the stored deadline %v", got.Summary, got.ClosesAt, deadline)
			}
			// A new deadline in the past is refused.
			res = c.postForm(coordManagePath(open.ID), coordWith(values, "closes_at", "2026-11-01T10:30"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `id="closes_at-error">Enter a valid date and time.</p>`)
		})

		t.Run("Missing", func(t *testing.T) {
			assertStatus(t, c.get("/coordinate/statements/999999/edit"), http.StatusNotFound)
			assertStatus(t, c.get("/coordinate/statements/abc"), http.StatusNotFound)
		})

		t.Run("Published", func(t *testing.T) {
			pub := app.openStatement(t, "final-text")
			ctx := context.Background()
			if _, err := app.DB.TransitionStatement(ctx, pub.ID, signon.ActionClose, nil, app.Clock.Now(), pub.CreatedBy); err != nil {
				t.Fatal(err)
			}
			if _, err := app.DB.TransitionStatement(ctx, pub.ID, signon.ActionPublish, nil, app.Clock.Now(), pub.CreatedBy); err != nil {
				t.Fatal(err)
			}
			const frozen = "This statement is published. Its text is final and can no longer be edited."
			res := c.get(coordManagePath(pub.ID) + "/edit")
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), frozen)
			res = c.postForm(coordManagePath(pub.ID), coordWith(coordStatementValues(), "slug", "final-text", "title", "Rewritten"))
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), frozen)
			if got := coordStatement(t, app, pub.ID); got.Title != "Letter final-text" {
				t.Errorf("published statement edited: title %q", got.Title)
			}
			manage := c.get(coordManagePath(pub.ID))
			pageLacks(t, html.UnescapeString(manage.Body), "/edit\"")
		})
	})
}

func TestCoordinator_Lifecycle(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := coordCreate(t, c, coordWith(coordStatementValues(), "closes_at", ""))
		path := coordManagePath(st.ID)

		steps := []struct {
			action  string
			confirm bool
			status  signon.Status
			done    string
			help    string
		}{
			{"open", false, signon.StatusOpen, "The statement is open for signatures.", "Anyone with the link can read and sign it."},
			{"close", false, signon.StatusClosed, "The statement is closed for signatures.", "It no longer takes signatures."},
			{"reopen", false, signon.StatusOpen, "The statement is open for signatures again.", "Anyone with the link can read and sign it."},
			{"close", false, signon.StatusClosed, "The statement is closed for signatures.", "It no longer takes signatures."},
			{"publish", true, signon.StatusPublished, "The final statement is published.", "The final statement and its signatories are public."},
		}
		for i, step := range steps {
			app.Clock.Set(app.Clock.Now().Add(time.Hour))
			values := url.Values{"action": {step.action}}
			if step.confirm {
				// Publishing without the confirmation is refused first.
				res := c.postForm(path+"/transition", values)
				assertStatus(t, res, http.StatusUnprocessableEntity)
				pageHas(t, html.UnescapeString(res.Body), "Check the box to confirm you have reviewed the signatories before publishing.")
				if got := coordStatement(t, app, st.ID); got.Status != signon.StatusClosed {
					t.Fatalf("publish without confirmation: status %s", got.Status)
				}
				values.Set("confirm", "1")
			}
			res := c.postForm(path+"/transition", values)
			assertStatus(t, res, http.StatusSeeOther)
			if want := path + "?done=" + step.action; res.Header.Get("Location") != want {
				t.Errorf("step %d: Location %q, want %q", i, res.Header.Get("Location"), want)
			}
			got := coordStatement(t, app, st.ID)
			if got.Status != step.status {
				t.Fatalf("step %d %s: status %s, want %s", i, step.action, got.Status, step.status)
			}
			page := c.get(res.Header.Get("Location"))
			assertStatus(t, page, http.StatusOK)
			pageHas(t, html.UnescapeString(page.Body), step.done, step.help)
			assertTranslated(t, page.Body)
		}

		got := coordStatement(t, app, st.ID)
		if got.OpenedAt == nil || got.ClosedAt == nil || got.PublishedAt == nil || !got.PublishedAt.Equal(app.Clock.Now()) {
			t.Errorf("times: opened %v closed %v published %v", got.OpenedAt, got.ClosedAt, got.PublishedAt)
		}
		want := []string{"statement.create", "statement.open", "statement.close", "statement.reopen", "statement.close", "statement.publish"}
		if actions := coordEventActions(t, app, st.ID); !slices.Equal(actions, want) {
			t.Errorf("audit trail %v, want %v", actions, want)
		}
		page := c.get(path)
		pageHas(t, html.UnescapeString(page.Body), "History", "Test coordinator", "Created the draft", "Opened it for signatures",
			"Closed it for signatures", "Reopened it for signatures", "Published the final statement",
			"Nothing more to do: the statement is published and final.")
		pageLacks(t, html.UnescapeString(page.Body), `name="action"`)

		t.Run("Dashboard", func(t *testing.T) {
			res := c.get("/coordinate")
			assertStatus(t, res, http.StatusOK)
			pageHas(t, html.UnescapeString(res.Body), "New statement", `href="/coordinate/statements/new"`, "Published",
				`href="`+path+`"`, `href="/s/letter-to-the-leaders"`)
		})
	})
}

func TestCoordinator_InvalidTransitions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		draft := coordCreate(t, c, coordStatementValues())

		published := app.openStatement(t, "published")
		ctx := context.Background()
		for _, a := range []signon.Action{signon.ActionClose, signon.ActionPublish} {
			if _, err := app.DB.TransitionStatement(ctx, published.ID, a, nil, app.Clock.Now(), published.CreatedBy); err != nil {
				t.Fatal(err)
			}
		}

		for _, tc := range []struct {
			name    string
			st      *signon.Statement
			values  url.Values
			status  int
			message string
		}{
			{"PublishDraft", draft, url.Values{"action": {"publish"}, "confirm": {"1"}}, http.StatusConflict, "Close the statement for signatures before publishing it."},
			{"CloseDraft", draft, url.Values{"action": {"close"}}, http.StatusConflict, "Only an open statement can be closed."},
			{"ReopenDraft", draft, url.Values{"action": {"reopen"}}, http.StatusConflict, "Only a closed statement can be reopened."},
			{"UnscheduleDraft", draft, url.Values{"action": {"unschedule"}}, http.StatusConflict, "The statement is not scheduled to open."},
			{"UnknownAction", draft, url.Values{"action": {"explode"}}, http.StatusUnprocessableEntity, `Unknown action "explode".`},
			{"OpenPublished", published, url.Values{"action": {"open"}}, http.StatusConflict, "Only a draft can be opened. Reopen a closed statement instead."},
			{"ClosePublished", published, url.Values{"action": {"close"}}, http.StatusConflict, "Only an open statement can be closed."},
			{"ReopenPublished", published, url.Values{"action": {"reopen"}}, http.StatusConflict, "Only a closed statement can be reopened."},
			{"PublishPublished", published, url.Values{"action": {"publish"}, "confirm": {"1"}}, http.StatusConflict, "Close the statement for signatures before publishing it."},
			{"SchedulePublished", published, url.Values{"action": {"schedule"}, "opens_at": {"2026-12-01T10:00"}}, http.StatusConflict, "Only a draft can be opened."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := coordStatement(t, app, tc.st.ID)
				res := c.postForm(coordManagePath(tc.st.ID)+"/transition", tc.values)
				assertStatus(t, res, tc.status)
				// The manage page comes back with the message.
				pageHas(t, html.UnescapeString(res.Body), `role="alert"`, tc.message, "History", before.Title)
				if after := coordStatement(t, app, tc.st.ID); after.Status != before.Status {
					t.Errorf("status %s, want %s", after.Status, before.Status)
				}
			})
		}
		if actions := coordEventActions(t, app, draft.ID); !slices.Equal(actions, []string{"statement.create"}) {
			t.Errorf("refused transitions recorded: %v", actions)
		}
		assertStatus(t, c.postForm("/coordinate/statements/999999/transition", url.Values{"action": {"open"}}), http.StatusNotFound)
	})
}

func TestCoordinator_ScheduledOpening(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		anon := app.client(t)
		st := coordCreate(t, c, coordStatementValues())
		path := coordManagePath(st.ID)
		// The clock starts at 09:00 in Mexico City on November 1.

		t.Run("Past", func(t *testing.T) {
			res := c.postForm(path+"/transition", url.Values{"action": {"schedule"}, "opens_at": {"2026-11-01T08:00"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Choose an opening time in the future.", `value="2026-11-01T08:00"`, `id="opens_at-error"`)
			res = c.postForm(path+"/transition", url.Values{"action": {"schedule"}, "opens_at": {"soon"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Enter the date and time the statement should open.")
			if got := coordStatement(t, app, st.ID); got.Status != signon.StatusDraft || got.OpensAt != nil {
				t.Errorf("status %s, opens at %v", got.Status, got.OpensAt)
			}
		})

		res := c.postForm(path+"/transition", url.Values{"action": {"schedule"}, "opens_at": {"2026-11-01T11:00"}})
		assertStatus(t, res, http.StatusSeeOther)
		opensAt := time.Date(2026, 11, 1, 17, 0, 0, 0, time.UTC)
		if got := coordStatement(t, app, st.ID); got.OpensAt == nil || !got.OpensAt.Equal(opensAt) {
			t.Fatalf("opens at %v, want %v", got.OpensAt, opensAt)
		}
		page := c.get(res.Header.Get("Location"))
		assertTranslated(t, page.Body)
		pageHas(t, html.UnescapeString(page.Body), "The opening is scheduled.", "The statement opens by itself at the scheduled time.",
			"November 1, 2026 11:00 CST", "Cancel scheduled opening")
		pageHas(t, html.UnescapeString(c.get("/coordinate").Body), "Scheduled to open", "Opens November 1, 2026 11:00 CST")

		assertStatus(t, anon.get("/s/letter-to-the-leaders"), http.StatusNotFound)
		app.Clock.Set(opensAt.Add(-time.Second))
		assertStatus(t, anon.get("/s/letter-to-the-leaders"), http.StatusNotFound)
		app.Clock.Set(opensAt)
		assertStatus(t, anon.get("/s/letter-to-the-leaders"), http.StatusOK)
		pageHas(t, html.UnescapeString(c.get(path).Body), "Anyone with the link can read and sign it.")

		t.Run("Unschedule", func(t *testing.T) {
			other := coordCreate(t, c, coordWith(coordStatementValues(), "slug", "later"))
			p := coordManagePath(other.ID)
			assertStatus(t, c.postForm(p+"/transition", url.Values{"action": {"schedule"}, "opens_at": {"2026-11-05T10:00"}}), http.StatusSeeOther)
			assertStatus(t, c.postForm(p+"/transition", url.Values{"action": {"unschedule"}}), http.StatusSeeOther)
			if got := coordStatement(t, app, other.ID); got.Status != signon.StatusDraft || got.OpensAt != nil {
				t.Errorf("status %s, opens at %v", got.Status, got.OpensAt)
			}
			want := []string{"statement.create", "statement.schedule", "statement.unschedule"}
			if actions := coordEventActions(t, app, other.ID); !slices.Equal(actions, want) {
				t.Errorf("audit trail %v, want %v", actions, want)
			}
			pageHas(t, html.UnescapeString(c.get(p).Body), "Scheduled the opening", "opens November 5, 2026 10:00 CST", "Cancelled the scheduled opening")
		})
	})
}

func TestCoordinator_DeadlinePassed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		deadline := app.Clock.Now().Add(time.Hour)
		st := app.openStatement(t, "deadline", func(s *signon.Statement) { s.ClosesAt = &deadline })
		path := coordManagePath(st.ID)

		pageHas(t, html.UnescapeString(c.get(path).Body), "Anyone with the link can read and sign it.", "Close for signatures")
		app.Clock.Set(deadline)
		page := c.get(path)
		pageHas(t, html.UnescapeString(page.Body), "It no longer takes signatures.", "Publish final statement", "Reopen for signatures")
		pageLacks(t, html.UnescapeString(page.Body), "Close for signatures")

		res := c.postForm(path+"/transition", url.Values{"action": {"publish"}, "confirm": {"1"}})
		assertStatus(t, res, http.StatusSeeOther)
		got := coordStatement(t, app, st.ID)
		if got.Status != signon.StatusPublished || got.ClosedAt == nil || !got.ClosedAt.Equal(deadline) {
			t.Errorf("status %s, closed at %v, want published, closed at the deadline %v", got.Status, got.ClosedAt, deadline)
		}
	})
}

func TestCoordinator_ReviewSignatures(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "review", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		pending1 := coordSign(t, app, st, "Frontera Unida", "ana@frontera.example.org", signon.SignaturePending)
		pending2 := coordSign(t, app, st, "Spam Inc", "bot@spam.example.org", signon.SignaturePending)
		approved := coordSign(t, app, st, "Casa del Migrante", "info@casa.example.org", signon.SignatureApproved)
		unconfirmed := coordSign(t, app, st, "Red Binacional", "red@example.org", signon.SignatureUnconfirmed)
		path := coordManagePath(st.ID)
		sigPath := func(sig *signon.Signature) string {
			return path + "/signatures/" + strconv.FormatInt(sig.ID, 10) + "/status"
		}

		page := c.get(path)
		assertStatus(t, page, http.StatusOK)
		pageHas(t, html.UnescapeString(page.Body),
			"Frontera Unida", "ana@frontera.example.org", "Spam Inc", "Casa del Migrante", "Red Binacional", "red@example.org",
			"Awaiting approval", "Awaiting email confirmation", "Approved", "via the sign form", "El Paso, Texas, United States",
			"1 approved signature", "Texas",
			`action="`+sigPath(pending1)+`"`, `action="`+sigPath(pending2)+`"`)

		res := c.postForm(sigPath(pending1), url.Values{"status": {"approved"}})
		assertStatus(t, res, http.StatusSeeOther)
		res = c.postForm(sigPath(pending2), url.Values{"status": {"rejected"}})
		assertStatus(t, res, http.StatusSeeOther)
		if s := coordSignatureStatus(t, app, st, pending1.ID); s != signon.SignatureApproved {
			t.Errorf("approved signature is %s", s)
		}
		if s := coordSignatureStatus(t, app, st, pending2.ID); s != signon.SignatureRejected {
			t.Errorf("rejected signature is %s", s)
		}

		page = c.get(path + "?done=rejected")
		assertTranslated(t, page.Body)
		pageHas(t, html.UnescapeString(page.Body), "Signature rejected.", "2 approved signatures", "Approved a signature: Frontera Unida",
			"Rejected a signature: Spam Inc", "Awaiting approval → Rejected", "Test coordinator")
		t.Run("Spanish", func(t *testing.T) {
			es := app.coordinator(t)
			es.lang = "es"
			page := es.get(path)
			assertTranslated(t, page.Body)
			pageHas(t, html.UnescapeString(page.Body), "2 firmas aprobadas", "Por estado o provincia (1)", "Aprobó una firma: Frontera Unida",
				"Espera aprobación → Rechazada", "Aprobar", "Rechazar", "El Paso, Texas, Estados Unidos")
		})

		filtered := c.get(path + "?status=rejected")
		pageHas(t, html.UnescapeString(filtered.Body), "Spam Inc")
		pageLacks(t, html.UnescapeString(filtered.Body), "Frontera Unida</strong>", "Casa del Migrante</strong>")

		t.Run("Refused", func(t *testing.T) {
			res := c.postForm(sigPath(unconfirmed), url.Values{"status": {"withdrawn"}})
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), "Choose to approve or reject the signature.")
			if s := coordSignatureStatus(t, app, st, unconfirmed.ID); s != signon.SignatureUnconfirmed {
				t.Errorf("signature is %s", s)
			}
			other := app.openStatement(t, "other")
			res = c.postForm(coordManagePath(other.ID)+"/signatures/"+strconv.FormatInt(approved.ID, 10)+"/status", url.Values{"status": {"rejected"}})
			assertStatus(t, res, http.StatusNotFound)
			if s := coordSignatureStatus(t, app, st, approved.ID); s != signon.SignatureApproved {
				t.Errorf("signature of another statement changed to %s", s)
			}
		})

		t.Run("Published", func(t *testing.T) {
			for _, a := range []string{"close", "publish"} {
				assertStatus(t, c.postForm(path+"/transition", url.Values{"action": {a}, "confirm": {"1"}}), http.StatusSeeOther)
			}
			res := c.postForm(sigPath(approved), url.Values{"status": {"rejected"}})
			assertStatus(t, res, http.StatusConflict)
			pageHas(t, html.UnescapeString(res.Body), "This statement is published. Its list of signatories is final.")
			if s := coordSignatureStatus(t, app, st, approved.ID); s != signon.SignatureApproved {
				t.Errorf("signature of a published statement changed to %s", s)
			}
		})
	})
}

func TestCoordinator_CSRF(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "csrf", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		sig := coordSign(t, app, st, "Frontera Unida", "ana@example.org", signon.SignaturePending)
		id := strconv.FormatInt(st.ID, 10)
		before := coordCountStatements(t, app)

		for _, p := range []struct {
			path   string
			values url.Values
		}{
			{"/coordinate/statements", coordWith(coordStatementValues(), "slug", "forged")},
			{"/coordinate/statements/" + id, coordWith(coordStatementValues(), "slug", "csrf", "title", "Forged")},
			{"/coordinate/statements/" + id + "/transition", url.Values{"action": {"close"}}},
			{"/coordinate/statements/" + id + "/signatures/" + strconv.FormatInt(sig.ID, 10) + "/status", url.Values{"status": {"approved"}}},
		} {
			for name, token := range map[string]string{"Missing": "", "Wrong": "not-the-token"} {
				t.Run(name+p.path, func(t *testing.T) {
					values := coordWith(p.values)
					if token != "" {
						values.Set("_csrf", token)
					}
					res := c.postRaw(p.path, "application/x-www-form-urlencoded", values.Encode())
					assertStatus(t, res, http.StatusForbidden)
					pageHas(t, html.UnescapeString(res.Body), "This form has expired or is not allowed.")
				})
			}
		}
		if n := coordCountStatements(t, app); n != before {
			t.Errorf("%d statements, want %d", n, before)
		}
		got := coordStatement(t, app, st.ID)
		if got.Title != st.Title || got.Status != signon.StatusOpen {
			t.Errorf("statement changed: %q %s", got.Title, got.Status)
		}
		if s := coordSignatureStatus(t, app, st, sig.ID); s != signon.SignaturePending {
			t.Errorf("signature %s, want pending", s)
		}
	})
}
