package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
)

// signatureOf finds the signature of org among st's.
func signatureOf(t *testing.T, app *testApp, st *signon.Statement, org string) *signon.Signature {
	t.Helper()
	for _, s := range pubSignatures(t, app, st) {
		if s.Organization == org {
			return s
		}
	}
	t.Fatalf("no signature of %s", org)
	return nil
}

// wantBefore checks that each of texts is in body, in that order.
func wantBefore(t *testing.T, body string, texts ...string) {
	t.Helper()
	at := 0
	for _, s := range texts {
		i := strings.Index(body[at:], s)
		if i < 0 {
			t.Errorf("%q is not after %q in\n%s", s, body[:at], body)
			return
		}
		at += i + len(s)
	}
}

func TestLeadSigners(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "lead-letter")
		pubSeed(t, app, st,
			pubSignature{Org: "Alpha Alliance", Country: "US", Region: "US-CA"},
			pubSignature{Org: "Mesa Collective", Country: "US", Region: "US-NM"},
			pubSignature{Org: "Zeta Workers", Country: "US", Region: "US-TX"})
		zeta := signatureOf(t, app, st, "Zeta Workers")
		manage := fmt.Sprintf("/coordinate/statements/%d", st.ID)
		c := app.coordinator(t)

		// Only a coordinator, with the form's token, marks.
		mark := func() url.Values { return url.Values{"mark_signature": {fmt.Sprint(zeta.ID)}} }
		if res := app.client(t).postForm(manage+"/lead", mark()); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous mark: %d %s", res.Status, res.Header.Get("Location"))
		}
		if res := c.postRaw(manage+"/lead", "application/x-www-form-urlencoded", mark().Encode()); res.Status != http.StatusForbidden {
			t.Errorf("mark without the CSRF token: %d", res.Status)
		}
		pageLacks(t, app.client(t).get("/s/lead-letter").Body, "Lead signers")

		wantIn(t, c.get(manage+"/review?status=approved"), http.StatusOK, `name="mark_signature" value="`+fmt.Sprint(zeta.ID)+`"`, "Mark as lead signer")
		res := c.postForm(manage+"/lead", mark())
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != manage+"/review#signature-"+fmt.Sprint(zeta.ID) {
			t.Fatalf("mark: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		wantIn(t, c.get(manage+"/review?status=approved"), http.StatusOK, `name="unmark_signature" value="`+fmt.Sprint(zeta.ID)+`"`, "Lead signer")
		wantIn(t, c.get(manage+"/audit"), http.StatusOK, "Marked a lead signer", "Zeta Workers")

		// Marked and unmarked again: in the trail, not on the page.
		alpha := signatureOf(t, app, st, "Alpha Alliance")
		assertStatus(t, c.postForm(manage+"/lead", url.Values{"mark_signature": {fmt.Sprint(alpha.ID)}}), http.StatusSeeOther)
		assertStatus(t, c.postForm(manage+"/lead", url.Values{"unmark_signature": {fmt.Sprint(alpha.ID)}}), http.StatusSeeOther)
		wantIn(t, c.get(manage+"/audit"), http.StatusOK, "Unmarked a lead signer")

		t.Run("Page", func(t *testing.T) {
			en := app.client(t)
			res := en.get("/s/lead-letter")
			pubStatus(t, res, http.StatusOK)
			// First, apart, then in the list by state too.
			wantBefore(t, res.Body, "Lead signers", "Zeta Workers", "</section>", "Alpha Alliance", "Zeta Workers")
			es := app.client(t)
			es.lang = "es"
			wantBefore(t, es.get("/s/lead-letter").Body, "Organizaciones convocantes", "Zeta Workers", "Alpha Alliance")
		})

		t.Run("Exports", func(t *testing.T) {
			rows := parseCSV(t, app.client(t).get("/s/lead-letter/signatories.csv").Body)
			if len(rows) != 4 || rows[0][len(rows[0])-1] != "lead" {
				t.Fatalf("CSV %q", rows)
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[0]+"="+r[len(r)-1])
			}
			if want := "Zeta Workers=true Alpha Alliance=false Mesa Collective=false"; strings.Join(got, " ") != want {
				t.Errorf("CSV rows %v, want %s", got, want)
			}
			private := parseCSV(t, c.get(manage+"/signatures.csv").Body)
			if len(private) != 4 || private[1][1] != "Zeta Workers" || private[1][12] != "true" || private[2][12] != "false" {
				t.Errorf("private CSV %q", private)
			}

			var file struct {
				Signatures []struct {
					Organization string `json:"organization"`
					Lead         bool   `json:"lead"`
				} `json:"signatures"`
			}
			if err := json.Unmarshal([]byte(app.client(t).get("/s/lead-letter/signatories.json").Body), &file); err != nil {
				t.Fatal(err)
			}
			if len(file.Signatures) != 3 || file.Signatures[0].Organization != "Zeta Workers" || !file.Signatures[0].Lead || file.Signatures[1].Lead {
				t.Errorf("JSON signatures %+v", file.Signatures)
			}
		})

		t.Run("API", func(t *testing.T) {
			var list struct {
				Lead []struct {
					Organization string `json:"organization"`
					Lead         bool   `json:"lead"`
				} `json:"lead_signatures"`
				Signatures []struct {
					Organization string `json:"organization"`
					Lead         bool   `json:"lead"`
				} `json:"signatures"`
			}
			res := app.client(t).get("/api/v1/statements/lead-letter/signatures")
			if err := json.Unmarshal([]byte(res.Body), &list); err != nil {
				t.Fatal(err)
			}
			if len(list.Lead) != 1 || list.Lead[0].Organization != "Zeta Workers" || !list.Lead[0].Lead {
				t.Errorf("lead_signatures %+v", list.Lead)
			}
			for _, s := range list.Signatures {
				if s.Lead != (s.Organization == "Zeta Workers") {
					t.Errorf("signature %+v", s)
				}
			}
		})

		t.Run("PrintAndRecord", func(t *testing.T) {
			assertStatus(t, c.postForm(manage+"/transition", url.Values{"action": {"close"}}), http.StatusSeeOther)
			en := app.client(t)
			wantBefore(t, en.get("/s/lead-letter/print").Body, "Lead signers", "Zeta Workers", "Alpha Alliance")
			es := app.client(t)
			es.lang = "es"
			wantBefore(t, es.get("/s/lead-letter/print").Body, "Organizaciones convocantes", "Zeta Workers")
			pdf := en.get("/s/lead-letter/statement.pdf")
			if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") {
				t.Errorf("PDF: %d", pdf.Status)
			}

			assertStatus(t, c.postForm(manage+"/transition", url.Values{"action": {"publish"}, "confirm": {"1"}}), http.StatusSeeOther)
			record := en.get("/api/v1/statements/lead-letter/record").Body
			if n := strings.Count(record, `"lead":true`); n != 1 || strings.Contains(record, `"lead":false`) {
				t.Errorf("record names %d lead signers:\n%s", n, record)
			}
			sum := sha256.Sum256([]byte(record))
			if published := coordStatement(t, app, st.ID); published.RecordSHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("digest at publication %s, of the record now %x", published.RecordSHA256, sum)
			}
			// Published: the lead signers are final.
			res := c.postForm(manage+"/lead", url.Values{"mark_signature": {fmt.Sprint(alpha.ID)}})
			wantIn(t, res, http.StatusConflict, "its lead signers are final")
		})
	})
}

func TestFoundingSigners(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := pubDraft(t, app, "founding", func(s *signon.Statement) { s.Approval = signon.ApprovalNonMembers })
		ana := app.addMember(t, signon.MemberInput{Name: "Red Migrante", ContactName: "Ana Gómez", Email: "ana@example.mx",
			Country: "MX", Region: "CHH", Language: "es"})
		bob := app.addMember(t, signon.MemberInput{Name: "Border Network", ContactName: "Bob", Email: "bob@example.org", Region: "TX"})
		box := app.Mail(t)
		c := app.coordinator(t)
		page := fmt.Sprintf("/coordinate/statements/%d/members", st.ID)
		invite := fmt.Sprintf("/coordinate/statements/%d/invitations", st.ID)

		// A draft without lead signers invites nobody.
		wantIn(t, c.get(page), http.StatusOK, "founding signers", "Invite the 0 lead signers not yet invited")
		wantIn(t, c.postForm(invite, url.Values{"all": {"uninvited"}}), http.StatusConflict, "mark some first")

		res := c.postForm(fmt.Sprintf("/coordinate/statements/%d/lead", st.ID), url.Values{"mark_member": {fmt.Sprint(ana.ID)}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page+"#member-row-"+fmt.Sprint(ana.ID) {
			t.Fatalf("mark member: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		wantIn(t, c.get(page), http.StatusOK, "Invite the 1 lead signer not yet invited", `name="unmark_member" value="`+fmt.Sprint(ana.ID)+`"`)
		c.lang = "es"
		wantIn(t, c.get(page), http.StatusOK, "Invitar a 1 firmante principal aún sin invitar", "Firmante principal")
		c.lang = ""

		// Bob, not a lead signer, is not invited before the statement opens.
		res = c.postForm(invite, url.Values{"member": {fmt.Sprint(bob.ID)}})
		if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.Contains(loc, "n=0") {
			t.Fatalf("invite Bob: %d %s", res.Status, loc)
		}
		res = c.postForm(invite, url.Values{"all": {"lead"}})
		if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.Contains(loc, "n=1") {
			t.Fatalf("invite lead signers: %d %s\n%s", res.Status, loc, res.Body)
		}
		link := mailTo(t, box, "ana@example.mx", 1).Link("/i/")

		// The public cannot see the draft, nor sign it without the link.
		anyone := app.client(t)
		pubStatus(t, anyone.get("/s/founding"), http.StatusNotFound)
		pubStatus(t, anyone.postForm("/s/founding/sign", pubSignValues()), http.StatusNotFound)

		signer := app.client(t)
		res = signer.get(sitePath(t, link))
		wantIn(t, res, http.StatusOK, `value="Red Migrante"`, `name="invitation"`)
		res = signer.postForm("/s/founding/sign", signFormValues(t, res.Body))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("founding signature: %d\n%s", res.Status, res.Body)
		}
		sig := signatureOf(t, app, st, "Red Migrante")
		if sig.Status != signon.SignatureApproved || sig.Source != signon.SourceInvite {
			t.Errorf("founding signature %+v", sig)
		}
		wantIn(t, signer.get(sitePath(t, link)), http.StatusOK, "Red Migrante ya firmó esta declaración.")
		for _, mb := range box.Messages() {
			if len(mb.To) == 1 && mb.To[0] == "bob@example.org" {
				t.Errorf("Bob was written to: %s", mb.Subject)
			}
		}

		// Opened: the count starts from the founding signers, who are
		// listed first.
		pubTransition(t, app, st, signon.ActionOpen)
		stats, err := app.DB.SignatureStats(ctx, st.ID)
		if err != nil || stats.Total != 1 {
			t.Fatalf("stats %+v, %v", stats, err)
		}
		wantBefore(t, anyone.get("/s/founding").Body, "Lead signers", "Red Migrante")
	})
}
