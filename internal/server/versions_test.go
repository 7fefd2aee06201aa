package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// versionFormValues is the edit form of an open letter that anyone may
// sign at once and whose signatories are public while it is open.
func versionFormValues(slug string, kv ...string) url.Values {
	v := coordWith(coordStatementValues(), "slug", slug, "signers", "organizations", "require_confirmation", "",
		"approval", "none", "visibility", "while_open", "closes_at", "")
	return coordWith(v, kv...)
}

// versionsSigned maps each organization in the API's list to the version
// it signed.
func versionsSigned(t *testing.T, c *testClient, slug string) map[string]float64 {
	t.Helper()
	res := c.get("/api/v1/statements/" + slug + "/signatures")
	pubStatus(t, res, http.StatusOK)
	out := map[string]float64{}
	list, _ := pubJSON(t, res)["signatures"].([]any)
	for _, item := range list {
		m := item.(map[string]any)
		out[m["organization"].(string)], _ = m["version_signed"].(float64)
	}
	return out
}

func TestVersions_EditSignedText(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newCoordApp(t, dialect)
		c := app.coordinator(t)
		st := app.openStatement(t, "versioned")
		edit := coordManagePath(st.ID)
		public := app.client(t)

		// Nobody has signed: the text is corrected in place, no question.
		res := c.postForm(edit, versionFormValues("versioned", "body", "Corrected before anyone signed."))
		assertStatus(t, res, http.StatusSeeOther)
		if got := coordStatement(t, app, st.ID); got.Version != 1 || got.Body != "Corrected before anyone signed." {
			t.Fatalf("Version %d, body %q; want version 1 corrected", got.Version, got.Body)
		}
		pageLacks(t, html.UnescapeString(c.get(edit+"/edit").Body), `id="version-notice"`)

		pubStatus(t, public.postRaw("/api/v1/statements/versioned/signatures", "application/json",
			pubSignJSON("organization", "Red Fronteriza", "email", "red@example.org")), http.StatusCreated)

		res = c.get(edit + "/edit")
		assertStatus(t, res, http.StatusOK)
		pageHas(t, html.UnescapeString(res.Body), `id="version-notice"`,
			"1 organization signed version 1. Saving a change to the text creates version 2, and it remains recorded as signing version 1.")
		pageLacks(t, html.UnescapeString(res.Body), `name="confirm_version"`)

		t.Run("AskedToConfirm", func(t *testing.T) {
			res := c.postForm(edit, versionFormValues("versioned", "body", "A new text, not yet confirmed."))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body),
				"Organizations have signed the current text. Confirm below that saving creates a new version.",
				`<input type="checkbox" id="confirm_version" name="confirm_version" value="2" aria-invalid="true" aria-describedby="confirm_version-error">`,
				`id="confirm_version-error">This field is required.</p>`, `<a href="#confirm_version">New version</a>`,
				">A new text, not yet confirmed.</textarea>")
			assertTranslated(t, res.Body)
			// A confirmation of another version does not stand for this one.
			res = c.postForm(edit, versionFormValues("versioned", "body", "A new text, not yet confirmed.", "confirm_version", "3"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			if got := coordStatement(t, app, st.ID); got.Version != 1 || got.Body != "Corrected before anyone signed." {
				t.Errorf("unconfirmed edit saved: Version %d, body %q", got.Version, got.Body)
			}
		})

		t.Run("KeptWhileOtherFieldsAreFixed", func(t *testing.T) {
			res := c.postForm(edit, versionFormValues("versioned", "title", "", "body", "Confirmed, with a title missing.", "confirm_version", "2"))
			assertStatus(t, res, http.StatusUnprocessableEntity)
			pageHas(t, html.UnescapeString(res.Body), `name="confirm_version" value="2" checked>`, `id="title-error"`)
		})

		t.Run("PolicyNeedsNoConfirmation", func(t *testing.T) {
			res := c.postForm(edit, versionFormValues("versioned", "body", "Corrected before anyone signed.", "approval", "non_members"))
			assertStatus(t, res, http.StatusSeeOther)
			if got := coordStatement(t, app, st.ID); got.Version != 1 || got.Approval != signon.ApprovalNonMembers {
				t.Errorf("Version %d, approval %q; want version 1 with the new approval", got.Version, got.Approval)
			}
			assertStatus(t, c.postForm(edit, versionFormValues("versioned", "body", "Corrected before anyone signed.")), http.StatusSeeOther)
		})

		res = c.postForm(edit, versionFormValues("versioned", "body", "The second text.", "confirm_version", "2"))
		assertStatus(t, res, http.StatusSeeOther)
		got := coordStatement(t, app, st.ID)
		if got.Version != 2 || got.Body != "The second text." {
			t.Fatalf("confirmed edit: Version %d, body %q; want version 2", got.Version, got.Body)
		}
		versions, err := app.DB.StatementVersions(context.Background(), st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(versions) != 2 || versions[0].Body != "Corrected before anyone signed." || versions[1].Body != "The second text." {
			t.Errorf("versions = %+v", versions)
		}
		manage := c.get(edit)
		pageHas(t, html.UnescapeString(manage.Body), "Made a new version of the text")
		assertTranslated(t, manage.Body)

		pubStatus(t, public.postRaw("/api/v1/statements/versioned/signatures", "application/json",
			pubSignJSON("organization", "Casa del Migrante", "email", "casa@example.org", "region", "US-AZ")), http.StatusCreated)
		if got, want := versionsSigned(t, public, "versioned"), map[string]float64{"Red Fronteriza": 1, "Casa del Migrante": 2}; !reflect.DeepEqual(got, want) {
			t.Errorf("version_signed = %v, want %v", got, want)
		}

		t.Run("PublicPage", func(t *testing.T) {
			res := public.get("/s/versioned")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, "signed version 1", "signed version 2", "Versions of the text",
				`<a href="/s/versioned/versions/1">Version 1</a>`, "<strong>Version 2</strong>",
				"The text has 2 versions. Each organization is recorded as signing the version it read.")
			pageLacks(t, res.Body, `href="/s/versioned/versions/2"`, `id="record-digest"`)

			res = public.get("/s/versioned/versions/1?lang=es")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, "Corrected before anyone signed.", "Versión 1: un texto anterior de esta declaración.",
				`<a href="/s/versioned">Leer el texto actual (versión 2)</a>`, `<meta name="robots" content="noindex">`)
			pageLacks(t, res.Body, "The second text.")

			res = public.get("/s/versioned/versions/2")
			if res.Status != http.StatusFound || res.Header.Get("Location") != "/s/versioned" {
				t.Errorf("current version: status %d, Location %q; want 302 to the statement", res.Status, res.Header.Get("Location"))
			}
			for _, n := range []string{"0", "3", "-1", "abc", "1.0"} {
				res := public.get("/s/versioned/versions/" + n)
				pubStatus(t, res, http.StatusNotFound)
			}
			pubStatus(t, public.get("/s/nope/versions/1"), http.StatusNotFound)
		})

		t.Run("DraftVersionsAreNotPublic", func(t *testing.T) {
			draft := pubDraft(t, app, "draft-versions")
			pubSeed(t, app, draft, pubSignature{Org: "Early", Country: "US", Region: "US-TX"})
			draft.Body = "A second draft text."
			if err := app.DB.UpdateStatement(context.Background(), draft, draft.CreatedBy); err != nil || draft.Version != 2 {
				t.Fatalf("Version %d, %v", draft.Version, err)
			}
			pubStatus(t, public.get("/s/draft-versions/versions/1"), http.StatusNotFound)
			pubStatus(t, c.get("/s/draft-versions/versions/1"), http.StatusOK)
		})
	})
}

func TestVersions_SingleVersionShowsNoHistory(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "one-version")
		pubSeed(t, app, st, pubSignature{Org: "Red Fronteriza", Country: "US", Region: "US-TX"})
		res := app.client(t).get("/s/one-version")
		pubStatus(t, res, http.StatusOK)
		pageLacks(t, res.Body, "signed version", `id="record"`, "/versions/")
	})
}
