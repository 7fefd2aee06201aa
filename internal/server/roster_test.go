package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// addMember puts a member on the app's roster.
func (a *testApp) addMember(t testing.TB, in signon.MemberInput) *signon.Member {
	t.Helper()
	m, err := in.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DB.CreateMember(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return m
}

func wantIn(t *testing.T, res *response, status int, texts ...string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d\n%s", res.Status, status, res.Body)
	}
	pageHas(t, res.Body, texts...)
}

func TestRoster_MemberForms(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		if res := app.client(t).get("/coordinate/members"); res.Status != http.StatusSeeOther {
			t.Fatalf("roster without a login: %d, want a redirect", res.Status)
		}
		c := app.coordinator(t)
		wantIn(t, c.get("/coordinate/members"), http.StatusOK, "No members yet.", `href="/coordinate/members/new"`)

		// A refused form keeps what was typed and says what is wrong, at
		// each field, in the person's language.
		c.lang = "es"
		typed := url.Values{"name": {""}, "contact_name": {"Ana Pérez"}, "email": {"no-es-correo"}, "city": {"El Paso"},
			"country": {"US"}, "region": {"US-TX"}, "website": {"casa.example.org"}, "language": {"es"}}
		wantIn(t, c.postForm("/coordinate/members", typed), http.StatusUnprocessableEntity,
			"Este campo es obligatorio.", "Escribe un correo electrónico válido", `value="Ana Pérez"`, `value="no-es-correo"`,
			`value="El Paso"`, `value="casa.example.org"`, `<option value="US-TX" selected>`, `href="#name"`)
		c.lang = "en"

		typed.Set("name", "Casa Latina")
		typed.Set("email", "Ana@Example.org")
		res := c.postForm("/coordinate/members", typed)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/coordinate/members?done=created" {
			t.Fatalf("create member: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		list, err := app.DB.Members(ctx, signon.MemberFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("Members = %v, %v", list, err)
		}
		m := list[0]
		if m.Email != "ana@example.org" || m.ContactName != "Ana Pérez" || m.Region != "US-TX" || m.Language != "es" || m.Website != "https://casa.example.org" {
			t.Errorf("stored member = %+v", m)
		}
		wantIn(t, c.get("/coordinate/members?done=created"), http.StatusOK, "Member added.", "Casa Latina", "ana@example.org", "Texas")

		// The same organization again is refused at its name, keeping the rest.
		typed.Set("name", "CASA LATINA, Inc.")
		typed.Set("city", "Austin")
		wantIn(t, c.postForm("/coordinate/members", typed), http.StatusConflict,
			"An organization with this name is already on the roster.", `value="CASA LATINA, Inc."`, `value="Austin"`)

		// Editing: the form shows the member; a state's name is understood.
		edit := fmt.Sprintf("/coordinate/members/%d", m.ID)
		wantIn(t, c.get(edit+"/edit"), http.StatusOK, `value="Casa Latina"`, `value="ana@example.org"`)
		typed.Set("name", "Casa Latina de Texas")
		typed.Set("region", "new mexico")
		if res := c.postForm(edit, typed); res.Status != http.StatusSeeOther {
			t.Fatalf("update member: %d\n%s", res.Status, res.Body)
		}
		if got, _ := app.DB.MemberByID(ctx, m.ID); got.Name != "Casa Latina de Texas" || got.Region != "US-NM" || got.City != "Austin" {
			t.Errorf("after update, member = %+v", got)
		}
		// Filtering by state and searching.
		app.addMember(t, signon.MemberInput{Name: "Red Fronteriza", Region: "TX"})
		res = c.get("/coordinate/members?region=US-NM")
		wantIn(t, res, http.StatusOK, "Casa Latina de Texas", "1 member shown")
		if strings.Contains(res.Body, "Red Fronteriza") {
			t.Error("the roster filtered to New Mexico lists a member in Texas")
		}
		res = c.get("/coordinate/members?q=fronteriza")
		wantIn(t, res, http.StatusOK, "Red Fronteriza")
		if strings.Contains(res.Body, "Casa Latina de Texas</strong>") {
			t.Error("the search lists a member that does not match")
		}

		if res := c.postForm(edit+"/delete", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("delete member: %d", res.Status)
		}
		if _, err := app.DB.MemberByID(ctx, m.ID); signon.ErrorCode(err) != signon.ENOTFOUND {
			t.Errorf("after delete, MemberByID = %v", err)
		}
		if res := c.get(edit + "/edit"); res.Status != http.StatusNotFound {
			t.Errorf("editing a removed member: %d, want 404", res.Status)
		}
	})
}

func TestRoster_Import(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		app.addMember(t, signon.MemberInput{Name: "Casa Latina", Region: "TX"})
		c := app.coordinator(t)
		wantIn(t, c.get("/coordinate/members/import"), http.StatusOK, `enctype="multipart/form-data"`, "name,contact_name,email")

		bad := "\uFEFFname,contact_name,email,city,state,country,website,language\n" +
			"Red Fronteriza,Luis,luis@example.org,El Paso,TX,,,\n" +
			"CASA LATINA INC,,,,Texas,,,\n" + // on the roster
			"Red Fronteriza,,,,NM,,,\n" + // same as row 2
			"Centro Sin Correo,,no-email,,Narnia,,,fr\n"
		res := c.postMultipart("/coordinate/members/import", url.Values{}, bad)
		wantIn(t, res, http.StatusUnprocessableEntity, "3 of 4 rows have problems.", "Nothing has been imported.",
			"Already on the roster.", "The same organization is already on row 2.", "Enter a valid email address",
			"Choose a state or province of the selected country.", "<code>state</code>", "<code>language</code>")
		if strings.Contains(res.Body, `name="confirm"`) {
			t.Error("a file with problems is offered for import")
		}
		// Even confirmed, a file with problems imports nothing.
		res = c.postMultipart("/coordinate/members/import", url.Values{"csv": {bad}, "confirm": {"1"}}, "")
		wantIn(t, res, http.StatusUnprocessableEntity, "3 of 4 rows have problems.")
		if list, _ := app.DB.Members(ctx, signon.MemberFilter{}); len(list) != 1 {
			t.Fatalf("after a refused import, %d members, want 1", len(list))
		}

		// In Spanish, the same problems in Spanish.
		c.lang = "es"
		wantIn(t, c.postMultipart("/coordinate/members/import", url.Values{}, bad), http.StatusUnprocessableEntity,
			"3 de 4 filas tienen problemas.", "Ya está en el padrón.", "La misma organización ya está en la fila 2.")

		// What is wrong with the file as a whole.
		c.lang = "en"
		for _, tc := range []struct{ file, want string }{
			{"name,fax\nCasa,1\n", "The column “fax” is not one Signon knows."},
			{"email\na@example.org\n", "The header row has no “name” column"},
			{"name\nPe\xf1a\n", "The file is not in UTF-8 (row 2)."},
			{"name\n" + strings.Repeat("Casa\n", 5001), "The file has more than 5000 rows."},
			{"name\n" + strings.Repeat("x", 2<<20), "The file is larger than 2 MB."},
		} {
			res := c.postMultipart("/coordinate/members/import", url.Values{}, tc.file)
			wantIn(t, res, http.StatusUnprocessableEntity, tc.want)
		}
		// Text beyond the header's columns is a problem of its row.
		wantIn(t, c.postMultipart("/coordinate/members/import", url.Values{}, "name,state,country\nCasa Nueva,Nuevo León,México,notes\n"),
			http.StatusUnprocessableEntity, "The row has more cells than the header&#39;s 3 columns.")
		// A request far larger than any file is refused before it is read.
		res = c.postMultipart("/coordinate/members/import", url.Values{}, strings.Repeat("x", 3<<20))
		wantIn(t, res, http.StatusUnprocessableEntity, "The file is larger than 2 MB.")

		// A correct file is previewed, then imported when confirmed.
		good := "Name;Contact name;Email;State;Country;Language\n" +
			"Red Fronteriza;Luis Gómez;LUIS@example.org;tx;;\n" +
			"Red Migrante;Ana;ana@example.mx;Nuevo León;MX;es\n"
		res = c.postMultipart("/coordinate/members/import", url.Values{}, good)
		wantIn(t, res, http.StatusOK, "The file is correct: 2 members are ready to import.", "Import 2 members", "Nuevo León", "luis@example.org")
		if list, _ := app.DB.Members(ctx, signon.MemberFilter{}); len(list) != 1 {
			t.Fatalf("the preview imported: %d members", len(list))
		}
		res = c.postMultipart("/coordinate/members/import", url.Values{"csv": {good}, "confirm": {"1"}}, "")
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=imported") {
			t.Fatalf("import: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		wantIn(t, c.get(res.Header.Get("Location")), http.StatusOK, "2 members imported.")
		byKey, err := app.DB.MembersByOrgKey(ctx, []string{"redfronteriza", "redmigrante"})
		if err != nil || len(byKey) != 2 {
			t.Fatalf("imported members = %v, %v", byKey, err)
		}
		if m := byKey["redmigrante"]; m.Region != "MX-NLE" || m.Country != "MX" || m.Language != "es" || m.ContactName != "Ana" {
			t.Errorf("imported member = %+v", m)
		}
		if m := byKey["redfronteriza"]; m.Region != "US-TX" || m.Email != "luis@example.org" || m.Language != "en" {
			t.Errorf("imported member = %+v", m)
		}
	})
}
