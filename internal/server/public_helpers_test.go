package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// pubSignValues is a complete, valid sign form from a group in Texas.
func pubSignValues(kv ...string) url.Values {
	v := url.Values{
		"organization": {"Casa de la Raza"},
		"signer_name":  {"Ana Torres"},
		"signer_title": {"Director"},
		"email":        {"ana@casadelaraza.example.org"},
		"city":         {"El Paso"},
		"country":      {"US"},
		"region":       {"US-TX"},
		"website":      {"https://casadelaraza.example.org"},
		"authorized":   {"true"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// pubSignature is one signature to store directly, for tests about what
// the pages show rather than how a signature arrives.
type pubSignature struct {
	Org, Country, Region, City, Website string
	Status                              signon.SignatureStatus
	Individual                          bool
	Name                                string
}

// pubSeq numbers the seeded signers' emails, which must differ for
// individuals (a person's email is what makes their signature unique).
var pubSeq atomic.Int64

// pubSeed stores the signatures on st, approved unless they say otherwise.
func pubSeed(t *testing.T, app *testApp, st *signon.Statement, sigs ...pubSignature) {
	t.Helper()
	for i, s := range sigs {
		in := signon.SignatureInput{
			Organization: s.Org, SignerName: s.Name, SignerTitle: "Coordinator",
			Email:   fmt.Sprintf("signer%d@example.org", pubSeq.Add(1)),
			City:    s.City,
			Country: s.Country, Region: s.Region, Website: s.Website, Language: "en",
		}
		if in.SignerName == "" {
			in.SignerName = "Signer " + s.Org
		}
		if s.Individual {
			in.SignerType = string(signon.SignerIndividual)
		}
		sig, err := in.Validate(st)
		if err != nil {
			t.Fatalf("signature %d (%s): %v", i, s.Org, err)
		}
		sig.Status, sig.Source = s.Status, signon.SourceImport
		if sig.Status == "" {
			sig.Status = signon.SignatureApproved
		}
		if err := app.DB.CreateSignature(context.Background(), sig, nil); err != nil {
			t.Fatalf("signature %d (%s): %v", i, s.Org, err)
		}
	}
}

// pubSignatures returns every signature of st, whatever its status.
func pubSignatures(t *testing.T, app *testApp, st *signon.Statement) []*signon.Signature {
	t.Helper()
	list, _, err := app.DB.Signatures(context.Background(), signon.SignatureFilter{
		StatementID: st.ID, PerPage: 500,
		Statuses: []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending,
			signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn},
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func pubWantCount(t *testing.T, app *testApp, st *signon.Statement, want int) {
	t.Helper()
	if got := len(pubSignatures(t, app, st)); got != want {
		t.Errorf("%d signatures stored, want %d", got, want)
	}
}

// pubDraft stores a draft that is never opened.
func pubDraft(t *testing.T, app *testApp, slug string, mutate ...func(*signon.Statement)) *signon.Statement {
	t.Helper()
	ctx := context.Background()
	acct, err := signon.NewAccount(signon.AccountInput{Email: "drafter-" + slug + "@example.org", Name: "Drafter",
		Password: "a long enough password", Role: signon.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.DB.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	st := &signon.Statement{
		Slug: slug, Kind: signon.KindLetter, Title: "Draft " + slug, Body: "Not yet.", Language: "en",
		Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen,
	}
	for _, f := range mutate {
		f(st)
	}
	if err := app.DB.CreateStatement(ctx, st, acct.ID); err != nil {
		t.Fatal(err)
	}
	return st
}

// pubTransition moves st through the lifecycle at the app's clock.
func pubTransition(t *testing.T, app *testApp, st *signon.Statement, actions ...signon.Action) *signon.Statement {
	t.Helper()
	for _, a := range actions {
		var at *time.Time
		if a == signon.ActionSchedule {
			later := app.Clock.Now().Add(48 * time.Hour)
			at = &later
		}
		next, err := app.DB.TransitionStatement(context.Background(), st.ID, a, at, app.Clock.Now(), st.CreatedBy)
		if err != nil {
			t.Fatalf("%s %s: %v", a, st.Slug, err)
		}
		st = next
	}
	return st
}

func pubStatus(t *testing.T, res *response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %d, want %d; body:\n%s", res.Status, want, res.Body)
	}
}

// pageHas fails unless body contains each of want, as written: raw, so
// that tests of escaping see exactly what a browser gets. To look for
// text as a reader sees it, pass html.UnescapeString(body) or
// pubText(body).
func pageHas(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("body does not contain %q", w)
		}
	}
	if t.Failed() {
		t.Logf("body:\n%s", body)
	}
}

// pageLacks fails if body contains any of unwanted, as written.
func pageLacks(t *testing.T, body string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(body, u) {
			t.Errorf("body contains %q", u)
		}
	}
}

// pubText is the body with tags removed, spaces collapsed and entities
// decoded: what a reader sees, for sentences that span elements.
func pubText(body string) string {
	body = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(body, " ")
	return strings.Join(strings.Fields(html.UnescapeString(body)), " ")
}

// pubInputValue is the value attribute of the input named name.
func pubInputValue(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*\bvalue="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no input named %q", name)
	}
	return html.UnescapeString(m[1])
}

// pubSelected is the selected option of the select named name, or "".
func pubSelected(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no select named %q", name)
	}
	o := regexp.MustCompile(`<option[^>]*value="([^"]*)"[^>]*\bselected\b`).FindAllStringSubmatch(m[1], -1)
	switch len(o) {
	case 0:
		return ""
	case 1:
		return o[0][1]
	}
	t.Fatalf("select %q has %d options selected", name, len(o))
	return ""
}

// pubFieldError is the message shown under the field name, checking that
// the input points at it.
func pubFieldError(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<p class="field-error" id="` + regexp.QuoteMeta(name) + `-error">([^<]*)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no error shown for %q", name)
	}
	control := regexp.MustCompile(`<(?:input|select)[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(body)
	if name != "signer_type" && (!strings.Contains(control, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*\b`+name+`-error\b`).MatchString(control)) {
		t.Errorf("control %q is not marked invalid and described by its error: %s", name, control)
	}
	return html.UnescapeString(m[1])
}

// pubJSON decodes a JSON body into a generic value.
func pubJSON(t *testing.T, res *response) map[string]any {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body:\n%s", ct, res.Body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(res.Body), &v); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	return v
}

// pubKeys are the keys of a JSON object, to compare shapes exactly.
func pubKeys(v any) []string {
	m, _ := v.(map[string]any)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// pubHasKey reports whether key appears anywhere in v, at any depth.
func pubHasKey(v any, key string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == key || pubHasKey(e, key) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if pubHasKey(e, key) {
				return true
			}
		}
	}
	return false
}
