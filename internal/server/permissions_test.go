package server_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

// Which routes need what is read from the path, never from the
// middleware a route was registered with: a route added outside the
// protected group still falls under the rule of its path.
const (
	coordinatorPrefix = "/coordinate"
	adminPrefix       = "/coordinate/accounts"
	// eraseSuffix ends the paths of erasures of personal data, which
	// only admins may make either (privacy.go).
	eraseSuffix = "/erase"
	// webhooksForAllPath lists and registers the webhook endpoints of all
	// statements, which only admins may (webhooks.go).
	webhooksForAllPath = "/coordinate/webhooks"
)

// adminOnly reports whether path is an admins' route, and the refusal
// a coordinator gets there.
func adminOnly(path string) (bool, string) {
	switch {
	case under(path, adminPrefix):
		return true, "Only administrators can manage accounts."
	case under(path, coordinatorPrefix) && strings.HasSuffix(path, eraseSuffix):
		return true, "Only administrators can erase personal data."
	case path == webhooksForAllPath:
		return true, "Only administrators can manage the webhooks of all statements."
	}
	return false, ""
}

// adminRoutes are the admins' routes, all of them: a route under
// adminPrefix that is missing here, or one listed here that the server
// no longer has, fails the test, so the list stays the record of what
// only admins may do.
var adminRoutes = []string{
	"GET /coordinate/accounts",
	"POST /coordinate/accounts/invitations",
	"POST /coordinate/accounts/invitations/revoke",
	"POST /coordinate/accounts/:id/disable",
	"POST /coordinate/accounts/:id/enable",
	"GET /coordinate/statements/:id/signatures/:sid/erase",
	"POST /coordinate/statements/:id/signatures/:sid/erase",
	"GET /coordinate/webhooks",
	"POST /coordinate/webhooks",
}

func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// permissionFixture is one of everything a coordinator's route can act
// on, so every path parameter names something that exists and a 404
// cannot pass for a refusal.
type permissionFixture struct {
	statement, signature, other, email, account, member, webhook int64
}

func newPermissionFixture(t *testing.T, app *testApp) permissionFixture {
	t.Helper()
	ctx := context.Background()
	st := app.openStatement(t, "permissions")
	sig := coordSign(t, app, st, "Frontera Unida", "frontera@example.org", signon.SignaturePending)
	other := coordSign(t, app, st, "Frontera Unida de Texas", "texas@example.org", signon.SignaturePending)
	member, err := signon.MemberInput{Name: "Frontera Unida", Country: "US", Region: "US-TX"}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.DB.CreateMember(ctx, member); err != nil {
		t.Fatal(err)
	}
	email := &signon.Email{Kind: signon.EmailConfirm, ToAddress: "frontera@example.org", Language: "en",
		Subject: "Confirm", TextBody: "Confirm.", HTMLBody: "<p>Confirm.</p>", StatementID: &st.ID}
	if err := app.DB.QueueEmail(ctx, email); err != nil {
		t.Fatal(err)
	}
	app.createAccount(t, "target@example.org", signon.RoleCoordinator)
	inv, err := signon.NewAccountInvitation(signon.InvitationInput{Email: "pending@example.org", Role: signon.RoleCoordinator, Language: "en"}, "pending-hash", app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	inviteEmail := &signon.Email{Kind: signon.EmailAccountInvite, ToAddress: inv.Email, Language: "en", Subject: "Join", TextBody: "Join.", HTMLBody: "<p>Join.</p>"}
	if err := app.DB.InviteAccount(ctx, inv, inviteEmail, 0); err != nil {
		t.Fatal(err)
	}
	hook := &signon.WebhookEndpoint{StatementID: &st.ID, URL: "https://hooks.example.org/signon", Secret: "whsec_test", Events: signon.EventSignatureCreated}
	if err := app.DB.CreateWebhookEndpoint(ctx, hook); err != nil {
		t.Fatal(err)
	}
	return permissionFixture{statement: st.ID, signature: sig.ID, other: other.ID, email: email.ID,
		account: accountID(t, app, "target@example.org"), member: member.ID, webhook: hook.ID}
}

// param is the value of the path parameter name in path. A parameter
// not known here gets the statement's id: a route that does not refuse
// then answers something else than a refusal anyway (a page, a 404), and
// the test fails as it should.
func (f permissionFixture) param(path, name string) string {
	id := f.statement
	switch {
	case name == "sid":
		id = f.signature
	case name == "wid":
		id = f.webhook
	case name == "id" && under(path, "/coordinate/outbox"):
		id = f.email
	case name == "id" && under(path, adminPrefix):
		id = f.account
	case name == "id" && under(path, "/coordinate/members"):
		id = f.member
	}
	return strconv.FormatInt(id, 10)
}

func (f permissionFixture) path(route string) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = f.param(route, s[1:])
		}
	}
	path := strings.Join(segs, "/")
	if strings.HasSuffix(route, "/merge") {
		// The merge page is of two signatures, named in the query.
		path += fmt.Sprintf("?a=%d&b=%d", f.signature, f.other)
	}
	return path
}

// permissionForm is posted to every route: plausible values for the
// forms of Signon, so a route that failed to refuse would act on them.
func permissionForm(csrf string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "email": {"pending@example.org"}, "role": {"admin"}, "language": {"en"},
		"status": {"rejected"}, "action": {"close"}, "title": {"Changed"}, "name": {"Changed"},
	}
}

// permissionState is what the requests must leave unchanged.
func permissionState(t *testing.T, app *testApp, f permissionFixture) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	st, err := app.DB.StatementByID(ctx, f.statement)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "statement %s %s %v\n", st.Status, st.Title, st.UpdatedAt)
	statements, err := app.DB.Statements(ctx, signon.StatementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := app.DB.StatementEvents(ctx, f.statement)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d statements, %d events\n", len(statements), len(events))
	sigs, _, err := app.DB.Signatures(ctx, signon.SignatureFilter{StatementID: f.statement, Statuses: []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		fmt.Fprintf(&b, "signature %d %s\n", s.ID, s.Status)
	}
	_, emails, err := app.DB.Emails(ctx, signon.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%d emails\n", emails)
	accounts, err := app.DB.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		fmt.Fprintf(&b, "account %s %s disabled=%v\n", a.Email, a.Role, a.DisabledAt != nil)
	}
	invitations, err := app.DB.PendingAccountInvitations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range invitations {
		fmt.Fprintf(&b, "invitation %s %s\n", inv.Email, inv.TokenHash)
	}
	return b.String()
}

// permissionRoutes are the server's routes under the coordinators'
// prefix. Echo's own not-found entries, which groups add, are no routes
// of Signon's.
func permissionRoutes(t *testing.T, app *testApp) []*echo.Route {
	t.Helper()
	srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, app.DB)
	if err != nil {
		t.Fatal(err)
	}
	var out []*echo.Route
	for _, r := range srv.Routes() {
		if under(r.Path, coordinatorPrefix) && r.Method != echo.RouteNotFound {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Method+out[i].Path < out[j].Method+out[j].Path })
	return out
}

func (c *testClient) request(method, path string, form url.Values) *response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.app.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", form.Get("_csrf"))
	}
	return c.do(req)
}

// TestPermissions_EveryCoordinatorRoute walks the route table: every
// route under /coordinate refuses a visitor without a session, and every
// route under /coordinate/accounts, and every erasure, refuses a
// coordinator, with nothing changed either way.
func TestPermissions_EveryCoordinatorRoute(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		fx := newPermissionFixture(t, app)
		routes := permissionRoutes(t, app)

		var found []string
		for _, r := range routes {
			if admin, _ := adminOnly(r.Path); admin {
				found = append(found, r.Method+" "+r.Path)
			}
		}
		for _, want := range adminRoutes {
			if !slices.Contains(found, want) {
				t.Errorf("admin route %s is not in the route table", want)
			}
		}
		for _, got := range found {
			if !slices.Contains(adminRoutes, got) {
				t.Errorf("route %s is an admins' route but not listed in adminRoutes", got)
			}
		}
		if len(routes) < len(adminRoutes)+10 {
			t.Fatalf("only %d routes under %s; the walk is not seeing the table", len(routes), coordinatorPrefix)
		}

		visitor := app.client(t)
		coordinator := app.coordinator(t)
		admin := app.loginAs(t, "permissions-admin@example.org", signon.RoleAdmin)

		for _, r := range routes {
			path := fx.path(r.Path)
			isAdmin, refusal := adminOnly(r.Path)
			t.Run(r.Method+" "+r.Path, func(t *testing.T) {
				before := permissionState(t, app, fx)
				var form url.Values
				if r.Method != http.MethodGet && r.Method != http.MethodHead {
					form = permissionForm(visitor.csrfToken())
				}
				res := visitor.request(r.Method, path, form)
				if r.Method == http.MethodGet {
					if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
						t.Errorf("without a session: status %d, Location %q; want a redirect to /login", res.Status, loc)
					}
				} else {
					if res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden {
						t.Errorf("without a session: status %d, want 401 or 403", res.Status)
					}
					// A refusal of the CSRF token would prove nothing.
					pageLacks(t, html.UnescapeString(res.Body), "This form has expired")
				}
				if after := permissionState(t, app, fx); after != before {
					t.Fatalf("a request without a session changed:\n%s\nto\n%s", before, after)
				}

				if !isAdmin {
					return
				}
				if form != nil {
					form = permissionForm(coordinator.csrfToken())
				}
				res = coordinator.request(r.Method, path, form)
				if res.Status != http.StatusForbidden {
					t.Errorf("a coordinator: status %d, want 403", res.Status)
				}
				pageHas(t, html.UnescapeString(res.Body), refusal)
				if after := permissionState(t, app, fx); after != before {
					t.Fatalf("a coordinator's request changed:\n%s\nto\n%s", before, after)
				}
			})
		}

		// The paths name things that exist: with the right session, the
		// pages open instead of answering 404.
		for _, r := range routes {
			if r.Method != http.MethodGet {
				continue
			}
			c := coordinator
			if isAdmin, _ := adminOnly(r.Path); isAdmin {
				c = admin
			}
			res := c.get(fx.path(r.Path))
			if res.Status == http.StatusNotFound || res.Status == http.StatusForbidden || res.Status == http.StatusUnauthorized ||
				strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("GET %s with the right session: status %d; the test's path does not reach the page", fx.path(r.Path), res.Status)
			}
		}
	})
}
