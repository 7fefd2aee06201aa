package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// apiChangesAnswer is the body of GET …/signatures?since=.
type apiChangesAnswer struct {
	Changes []struct {
		Kind        string  `json:"kind"`
		At          *string `json:"at"`
		Cursor      string  `json:"cursor"`
		SignatureID *int64  `json:"signature_id"`
		Signature   *struct {
			ID           int64   `json:"id"`
			Status       string  `json:"status"`
			Organization string  `json:"organization"`
			Email        string  `json:"email"`
			ApprovedAt   *string `json:"approved_at"`
		} `json:"signature"`
	} `json:"changes"`
	NextCursor string `json:"next_cursor"`
	HasMore    bool   `json:"has_more"`
}

// bearerGet asks path with token as a bearer token ("" for none).
func bearerGet(c *testClient, path, token string) *response {
	c.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = c.app.URL + path
	}
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

var newTokenValue = regexp.MustCompile(`id="token-value"[^>]*value="([^"]+)"`)

// createAPIToken makes a token through the tokens page, for one
// statement unless statementID is 0, and returns it.
func createAPIToken(t *testing.T, c *testClient, name string, statementID int64) string {
	t.Helper()
	form := url.Values{"name": {name}}
	if statementID != 0 {
		form.Set("statement", strconv.FormatInt(statementID, 10))
	}
	res := c.postForm("/coordinate/tokens", form)
	if res.Status != http.StatusCreated {
		t.Fatalf("create token: status %d\n%s", res.Status, res.Body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("the page showing a token: Cache-Control %q", cc)
	}
	m := newTokenValue.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no token on the page:\n%s", res.Body)
	}
	return m[1]
}

// readChanges follows the cursor from since, limit at a time, and
// returns each change as "kind #signature" and the cursor to go on from.
func readChanges(t *testing.T, c *testClient, slug, token, since string, limit int) ([]string, string) {
	t.Helper()
	var out []string
	storetest.WaitForChanges(t, c.app.DBURL)
	for range 100 {
		res := bearerGet(c, fmt.Sprintf("/api/v1/statements/%s/signatures?since=%s&limit=%d", slug, url.QueryEscape(since), limit), token)
		if res.Status != http.StatusOK {
			t.Fatalf("changes since %q: status %d\n%s", since, res.Status, res.Body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("changes: Cache-Control %q, want private, no-store", cc)
		}
		var a apiChangesAnswer
		if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
			t.Fatal(err)
		}
		if len(a.Changes) > limit {
			t.Fatalf("%d changes for limit %d", len(a.Changes), limit)
		}
		for _, ch := range a.Changes {
			s := ch.Kind
			if ch.SignatureID != nil {
				s += fmt.Sprintf(" #%d", *ch.SignatureID)
				if ch.Signature == nil || ch.Signature.ID != *ch.SignatureID || ch.Signature.Email == "" {
					t.Errorf("change %s without its signature: %+v", s, ch.Signature)
				}
			}
			if ch.At == nil || ch.Cursor == "" {
				t.Errorf("change %s without time or cursor", s)
			}
			out = append(out, s)
		}
		if len(a.Changes) > 0 && a.NextCursor != a.Changes[len(a.Changes)-1].Cursor {
			t.Errorf("next_cursor %q, want the last change's %q", a.NextCursor, a.Changes[len(a.Changes)-1].Cursor)
		}
		if len(a.Changes) == 0 && a.NextCursor != since {
			t.Errorf("no changes, yet next_cursor moved from %q to %q", since, a.NextCursor)
		}
		since = a.NextCursor
		if !a.HasMore {
			return out, since
		}
	}
	t.Fatal("has_more never ended")
	return nil, ""
}

func TestAPIChanges(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, dialect string) {
		t.Parallel()
		ctx := context.Background()
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "crm-letter", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		other := app.openStatement(t, "other-letter")
		coordinator := app.coordinator(t)
		client := app.client(t)
		path := "/api/v1/statements/" + st.Slug + "/signatures?since="

		t.Run("TokensPage", func(t *testing.T) {
			res := coordinator.get("/coordinate/tokens")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, "API tokens", "You have no API tokens yet.")
			res = coordinator.postForm("/coordinate/tokens", url.Values{"name": {"  "}, "statement": {strconv.FormatInt(other.ID, 10)}})
			pubStatus(t, res, http.StatusUnprocessableEntity)
			if got := pubSelected(t, res.Body, "statement"); got != strconv.FormatInt(other.ID, 10) {
				t.Errorf("the refused form lost its statement: %q", got)
			}
			pageHas(t, res.Body, `id="name-error"`, "This field is required.")
			res = coordinator.postForm("/coordinate/tokens", url.Values{"name": {"CRM"}, "statement": {"999999"}})
			pubStatus(t, res, http.StatusUnprocessableEntity)
			if got := pubInputValue(t, res.Body, "name"); got != "CRM" {
				t.Errorf("the refused form lost its name: %q", got)
			}
			es := *coordinator // the same session, in Spanish
			es.lang = "es"
			res = es.get("/coordinate/tokens")
			pageHas(t, res.Body, "Tokens de API", "Crear un token")
		})

		token := createAPIToken(t, coordinator, "CRM sync", 0)
		otherOnly := createAPIToken(t, coordinator, "Other letter only", other.ID)
		if !strings.HasPrefix(token, "signon_") || token == otherOnly {
			t.Fatalf("tokens %q, %q", token, otherOnly)
		}
		res := coordinator.get("/coordinate/tokens")
		pageHas(t, res.Body, "CRM sync", "Other letter only", "Letter other-letter")
		pageLacks(t, res.Body, token)

		t.Run("Unauthorized", func(t *testing.T) {
			for _, tok := range []string{"", "signon_not-a-token"} {
				res := bearerGet(client, path, tok)
				pubStatus(t, res, http.StatusUnauthorized)
				if h := res.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
					t.Errorf("token %q: WWW-Authenticate %q", tok, h)
				}
				if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
					t.Errorf("token %q: Cache-Control %q", tok, cc)
				}
			}
		})

		t.Run("OtherStatementRefused", func(t *testing.T) {
			pubStatus(t, bearerGet(client, path, otherOnly), http.StatusNotFound)
			pubStatus(t, bearerGet(client, "/api/v1/statements/"+other.Slug+"/signatures?since=", otherOnly), http.StatusOK)
		})

		t.Run("MalformedCursor", func(t *testing.T) {
			for _, cursor := range []string{"nope", "MS4w", "%%%"} {
				res := bearerGet(client, path[:len(path)-1]+"="+url.QueryEscape(cursor), token)
				pubStatus(t, res, http.StatusBadRequest)
				pageHas(t, res.Body, "The cursor is not valid")
			}
			res := bearerGet(client, path+"&limit=100000", token)
			pubStatus(t, res, http.StatusUnprocessableEntity)
		})

		// Paging: changes made between reads come once each, in order.
		pubSeed(t, app, st, pubSignature{Org: "Casa Uno", Country: "US", Region: "US-TX", Status: signon.SignaturePending},
			pubSignature{Org: "Casa Dos", Country: "US", Region: "US-CA", Status: signon.SignaturePending})
		sigs := pubSignatures(t, app, st)
		ids := map[string]int64{}
		for _, s := range sigs {
			ids[s.Organization] = s.ID
		}
		got, cursor := readChanges(t, client, st.Slug, token, "", 1)
		want := []string{fmt.Sprintf("signature.created #%d", ids["Casa Uno"]), fmt.Sprintf("signature.created #%d", ids["Casa Dos"])}
		if !slices.Equal(got, want) {
			t.Fatalf("first read = %q, want %q", got, want)
		}
		// Signed through the public API, and a decision by a coordinator.
		res = client.postRaw("/api/v1/statements/"+st.Slug+"/signatures", "application/json",
			`{"signer_type":"organization","organization":"Casa Tres","signer_name":"Ana","email":"ana@example.org","country":"MX","region":"MX-CHH","language":"es","authorized":true}`)
		pubStatus(t, res, http.StatusCreated)
		if err := app.DB.DecideSignatures(ctx, st.ID, []int64{ids["Casa Uno"]}, signon.SignatureApproved, "", app.Clock.Now(), 0); err != nil {
			t.Fatal(err)
		}
		got, cursor = readChanges(t, client, st.Slug, token, cursor, 2)
		if len(got) != 2 || !strings.HasPrefix(got[0], "signature.created #") || got[1] != fmt.Sprintf("signature.approved #%d", ids["Casa Uno"]) {
			t.Fatalf("second read = %q, want the new signature, then the approval", got)
		}
		if again, _ := readChanges(t, client, st.Slug, token, cursor, 5); len(again) != 0 {
			t.Errorf("read again from the last cursor = %q, want nothing", again)
		}
		all, _ := readChanges(t, client, st.Slug, token, "", 100)
		if !slices.Equal(all, append(want, got...)) {
			t.Errorf("one read from the beginning = %q, want %q", all, append(want, got...))
		}
		// The public list stays public and shared.
		res = client.get("/api/v1/statements/" + st.Slug + "/signatures")
		pubStatus(t, res, http.StatusOK)
		if cc := res.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("public list: Cache-Control %q", cc)
		}
		// The same address with a token is no shared answer.
		res = bearerGet(client, "/api/v1/statements/"+st.Slug+"/signatures", token)
		if cc := res.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("public list asked with a token: Cache-Control %q", cc)
		}

		t.Run("Revoked", func(t *testing.T) {
			list, err := app.DB.APITokens(ctx, tokenAccount(t, app, token))
			if err != nil {
				t.Fatal(err)
			}
			var id int64
			for _, tk := range list {
				if tk.Name == "CRM sync" {
					id = tk.ID
					if tk.LastUsedAt == nil {
						t.Error("last_used_at not set after use")
					}
				}
			}
			stranger := app.coordinator(t)
			res := stranger.postForm(fmt.Sprintf("/coordinate/tokens/%d/revoke", id), nil)
			pubStatus(t, res, http.StatusNotFound)
			pubStatus(t, bearerGet(client, path, token), http.StatusOK)

			res = coordinator.postForm(fmt.Sprintf("/coordinate/tokens/%d/revoke", id), nil)
			pubStatus(t, res, http.StatusSeeOther)
			res = bearerGet(client, path, token)
			pubStatus(t, res, http.StatusUnauthorized)
			if h := res.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
				t.Errorf("revoked: WWW-Authenticate %q", h)
			}
			res = coordinator.get("/coordinate/tokens?done=revoked")
			pageHas(t, res.Body, "Token revoked", "Revoked")
		})
	})
}

// tokenAccount is the id of the account token acts for.
func tokenAccount(t *testing.T, app *testApp, token string) int64 {
	t.Helper()
	sum := sha256.Sum256([]byte(token))
	_, a, err := app.DB.APITokenAccount(context.Background(), hex.EncodeToString(sum[:]), app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}
