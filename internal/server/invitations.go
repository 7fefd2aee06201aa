package server

// Members and a statement: who of the roster has signed and who has not,
// by state; personal invitations and reminders, each with a one-click
// link (/i/:token) that opens the sign form filled in for the member.
// A signature through that link is the member's (applyMembership), with
// the statement's policy for members.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// statementMembersPage is the roster seen from one statement.
type statementMembersPage struct {
	*page
	Statement *signon.Statement
	State     string
	Open      bool // invitations and reminders can go out
	Members   []*signon.MemberStanding
	Filter    string // "unsigned", or "" for every member
	Tally     []signon.RegionTally
	Total     int
	Signed    int
	NotSigned int
	// Uninvited have an address, have not signed and were never
	// invited; Remindable may be reminded now.
	Uninvited  int
	Remindable int
	// Founding: the statement is not open yet, and only its lead
	// signers may be invited (lead.go); LeadUninvited of them can be.
	Founding       bool
	LeadUninvited  int
	LeadChangeable bool
	Done           string
	Error          string
}

func statementMembersURL(id int64) string { return manageURL(id) + "/members" }

func (s *Server) renderStatementMembers(c echo.Context, status int, id int64, failure error) error {
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, id)
	if err != nil {
		return err
	}
	standings, err := s.db.MemberStandings(ctx, st.ID)
	if err != nil {
		return err
	}
	now := s.now()
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("roster.statement.title", "Title", st.Title), true, statementMembersURL(st.ID)
	data := statementMembersPage{
		page: p, Statement: st, State: effectiveState(st, now), Open: st.AcceptsSignatures(now),
		Tally: signon.TallyByRegion(standings), Total: len(standings),
		Founding: st.TakesFoundingSignatures(now), LeadUninvited: leadUninvited(standings),
		LeadChangeable: st.CheckLeadChangeable() == nil,
	}
	if c.QueryParam("filter") == "unsigned" {
		data.Filter = "unsigned"
	}
	for _, m := range standings {
		if m.Signed() {
			data.Signed++
		} else if uninvited(m) {
			data.Uninvited++
		}
		if m.MayRemind(now) {
			data.Remindable++
		}
		if data.Filter == "" || !m.Signed() {
			data.Members = append(data.Members, m)
		}
	}
	data.NotSigned = data.Total - data.Signed
	if failure != nil {
		data.Error = p.Error(failure)
	} else if kind := c.QueryParam("sent"); kind == signon.InvitationInvite || kind == signon.InvitationReminder {
		n, _ := strconv.Atoi(c.QueryParam("n"))
		skipped, _ := strconv.Atoi(c.QueryParam("skipped"))
		data.Done = p.T("roster.sent."+kind, "Count", n)
		if skipped > 0 {
			data.Done += " " + p.T("roster.sent.skipped", "Count", skipped)
		}
	}
	return s.render(c, status, "roster_statement", data)
}

// handleStatementMembers serves GET /coordinate/statements/:id/members.
func (s *Server) handleStatementMembers(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.renderStatementMembers(c, http.StatusOK, id, nil)
}

// invitationForm is the invitation form: the members ticked, or every
// member not yet invited who has an address (all=uninvited), or every
// such lead signer (all=lead).
type invitationForm struct {
	Members []int64 `form:"member"`
	All     string  `form:"all"`
}

// uninvited reports whether m can be invited and never was: it has an
// address and has not signed.
func uninvited(m *signon.MemberStanding) bool {
	return m.Email != "" && !m.Signed() && m.LastInvited == nil
}

// handleSendInvitations serves POST /coordinate/statements/:id/invitations.
func (s *Server) handleSendInvitations(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	id := st.ID
	var f invitationForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	ctx := c.Request().Context()
	ids := f.Members
	if f.All == "uninvited" || f.All == "lead" {
		standings, err := s.db.MemberStandings(ctx, id)
		if err != nil {
			return err
		}
		ids = nil
		for _, m := range standings {
			if uninvited(m) && (m.Lead || f.All != "lead") {
				ids = append(ids, m.ID)
			}
		}
	}
	if len(ids) == 0 {
		return s.renderStatementMembers(c, http.StatusUnprocessableEntity, id,
			signon.KeyedError(signon.EINVALID, "roster.error.none_chosen", "Choose the members to invite."))
	}
	res, err := s.db.SendInvitations(ctx, id, ids, s.now(), currentAccount(c).ID, s.invitationEmails(c, st))
	return s.afterSending(c, id, signon.InvitationInvite, res, err)
}

// handleSendReminders serves POST /coordinate/statements/:id/reminders.
func (s *Server) handleSendReminders(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	id := st.ID
	res, err := s.db.SendReminders(c.Request().Context(), id, s.now(), currentAccount(c).ID, s.invitationEmails(c, st))
	return s.afterSending(c, id, signon.InvitationReminder, res, err)
}

// afterSending reports a round of invitations or reminders on the
// statement's members page.
func (s *Server) afterSending(c echo.Context, id int64, kind string, res signon.InvitationResult, err error) error {
	if signon.ErrorCode(err) == signon.ECONFLICT {
		return s.renderStatementMembers(c, http.StatusConflict, id, err)
	} else if err != nil {
		return err
	}
	return redirect(c, urlWithQuery(statementMembersURL(id), "sent", kind,
		"n", strconv.Itoa(res.Sent), "skipped", strconv.Itoa(res.Skipped))+"#members")
}

// invitationEmail is what the invite and reminder templates get as .D.
type invitationEmail struct {
	Member   *signon.Member
	Greeting string // the contact's name, or the organization's
	Title    string // the statement's title in the member's language
	Link     string
	Deadline string // the closing date in the member's language, or ""
}

// invitationEmails composes the invitations of statement st, each in its
// member's language: the statement's title in that language when it has
// a translation, and a link that opens the page in it.
func (s *Server) invitationEmails(c echo.Context, st *signon.Statement) signon.ComposeInvitation {
	titles := map[string]string{}
	return func(m *signon.Member, kind, token string) (*signon.Email, error) {
		title, ok := titles[m.Language]
		if !ok {
			shown, err := s.statementsIn(c.Request().Context(), m.Language, []*signon.Statement{st})
			if err != nil {
				return nil, err
			}
			title = shown[0].Title
			titles[m.Language] = title
		}
		d := invitationEmail{
			Member: m, Greeting: m.ContactName, Title: title,
			Link: s.site.InvitationLink(token, m.Language),
		}
		if d.Greeting == "" {
			d.Greeting = m.Name
		}
		if st.ClosesAt != nil {
			d.Deadline = formatDate(st.ClosesAt.In(s.cfg.Location), m.Language)
		}
		return s.composeEmail(kind, m.Language, m.Email, d)
	}
}

// --- The one-click link ---

// invitationPage is what the link shows instead of the form: the member
// has signed already, or the statement is not open.
type invitationPage struct {
	*page
	Statement *signon.Statement
	Member    *signon.Member
	Signature *signon.Signature // the member's, when it has signed
	IsPublic  bool
}

// errUnknownInvitation answers an invitation link that does not work.
var errUnknownInvitation = signon.KeyedError(signon.ENOTFOUND, "roster.invitation.unknown", "This invitation link is not valid.")

// invitation resolves an invitation link's token to its invitation and
// member. An unknown token, or one whose member was removed, is a page
// not found.
func (s *Server) invitation(c echo.Context, token string) (*signon.Invitation, *signon.Member, error) {
	ctx := c.Request().Context()
	if token == "" || len(token) > 100 {
		return nil, nil, errUnknownInvitation
	}
	inv, err := s.db.InvitationByToken(ctx, token)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return nil, nil, errUnknownInvitation
	} else if err != nil {
		return nil, nil, err
	}
	m, err := s.db.MemberByID(ctx, inv.MemberID)
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return nil, nil, errUnknownInvitation
	} else if err != nil {
		return nil, nil, err
	}
	return inv, m, nil
}

// handleInvitation serves GET /i/:token.
func (s *Server) handleInvitation(c echo.Context) error {
	// The page carries the token in its form: keep it out of caches and
	// of the Referer of links followed from it.
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	token := c.Param("token")
	inv, m, err := s.invitation(c, token)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, inv.StatementID)
	if err != nil {
		return err
	}
	now := s.now()
	sig, err := s.db.MemberSignature(ctx, st.ID, m)
	if err != nil {
		return err
	}
	founding, err := s.foundingInvitation(ctx, st, m)
	if err != nil {
		return err
	}
	if sig != nil || !st.AcceptsSignatures(now) && !founding {
		p := s.newPage(c, st.Title)
		p.NoIndex = true
		return s.render(c, http.StatusOK, "invitation", invitationPage{page: p, Statement: st, Member: m, Signature: sig, IsPublic: st.Public(now)})
	}
	f := signatureForm{
		SignerType: string(signon.SignerOrganization), Organization: m.Name, SignerName: m.ContactName,
		Email: m.Email, City: m.City, Country: m.Country, Region: m.Region, Website: m.Website, Invitation: token,
	}
	data, err := s.statementPage(c, st, signAttempt{form: f})
	if err != nil {
		return err
	}
	data.Path, data.NoIndex = c.Request().URL.Path, true // the language switch keeps the link
	return s.render(c, http.StatusOK, "statement", data)
}

// applyMembership links a signature from the sign form to the roster.
// With an invitation's token it signs for the invited member: the
// member's treatment under the statement's policy, and the member's
// address counts as confirmed, since the link came to that mailbox
// (another address typed on the form is confirmed as anyone's is). The
// organization must stay the member's. Without a token it does nothing:
// storeSignature links a name on the roster to its member, with no
// treatment.
func (s *Server) applyMembership(c echo.Context, st *signon.Statement, token string, sig *signon.Signature) error {
	if token == "" {
		return nil
	}
	inv, m, err := s.invitation(c, token)
	if err != nil {
		return err
	}
	if inv.StatementID != st.ID {
		return errUnknownInvitation
	}
	if sig.SignerType != signon.SignerOrganization || sig.OrgKey != m.OrgKey {
		return &signon.Error{
			Code: signon.EINVALID, Key: "roster.invitation.organization_changed",
			Message: "This invitation is for " + m.Name + ".",
			Fields:  signon.Problems{"organization": {Code: signon.ProblemInvitationOrganization}},
		}
	}
	sig.MemberID, sig.Source = &m.ID, signon.SourceInvite
	confirmed := strings.EqualFold(sig.Email, m.Email)
	if confirmed {
		now := s.now()
		sig.ConfirmedAt = &now
	}
	sig.Status = signon.InitialStatus(st, true, confirmed, sig.Flags)
	return nil
}
