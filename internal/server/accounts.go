package server

// Accounts: admins invite coordinators by email and disable or enable
// their accounts; an invited person sets a name and password through the
// emailed link. Every route under /coordinate/accounts is behind
// requireAdmin; coordinators manage statements, never accounts.

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// requireAdmin refuses everyone but admins; it comes after requireAccount.
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentAccount(c).IsAdmin() {
			return signon.KeyedError(signon.EFORBIDDEN, "accounts.error.admin_only", "Only administrators can manage accounts.")
		}
		return next(c)
	}
}

// inviteForm is the invitation form of the accounts page.
type inviteForm struct {
	Email    string `form:"email"`
	Role     string `form:"role"`
	Language string `form:"language"`
}

func (f inviteForm) input() signon.InvitationInput {
	return signon.InvitationInput{Email: f.Email, Role: signon.Role(f.Role), Language: f.Language}
}

// inviteFields are the invitation form's fields in the order shown.
var inviteFields = []string{"email", "role", "language"}

type accountsPage struct {
	*page
	Accounts    []*signon.Account
	Invitations []*signon.AccountInvitation
	Form        inviteForm
	Roles       []signon.Role
	Languages   []string
	Errors      map[string]string
	ErrorList   []fieldProblem
	FormError   string
	// Alert is why an action on the lists (disable, revoke) failed.
	Alert string
	Done  string
}

// accountsDone are the notices the page shows after an action, by the
// ?done= its redirect carries.
var accountsDone = map[string]bool{"invited": true, "revoked": true, "disabled": true, "enabled": true}

func (s *Server) renderAccounts(c echo.Context, status int, f inviteForm, formErr, actionErr error) error {
	ctx := c.Request().Context()
	accounts, err := s.db.Accounts(ctx)
	if err != nil {
		return err
	}
	invitations, err := s.db.PendingAccountInvitations(ctx)
	if err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("accounts.title"), true, "/coordinate/accounts"
	data := accountsPage{
		page: p, Accounts: accounts, Invitations: invitations, Form: f,
		Roles: []signon.Role{signon.RoleCoordinator, signon.RoleAdmin}, Languages: signon.Languages,
	}
	if done := c.QueryParam("done"); status == http.StatusOK && accountsDone[done] {
		data.Done = p.T("accounts.done." + done)
	}
	if formErr != nil {
		data.Errors, data.FormError = p.Problems(formErr), p.Error(formErr)
		for _, field := range inviteFields {
			if msg, ok := data.Errors[field]; ok {
				data.ErrorList = append(data.ErrorList, fieldProblem{Field: field, Message: msg})
			}
		}
	}
	if actionErr != nil {
		data.Alert = p.Error(actionErr)
	}
	return s.render(c, status, "accounts", data)
}

// handleAccounts serves GET /coordinate/accounts.
func (s *Server) handleAccounts(c echo.Context) error {
	return s.renderAccounts(c, http.StatusOK, s.blankInviteForm(c), nil, nil)
}

// blankInviteForm invites a coordinator, by default in the admin's language.
func (s *Server) blankInviteForm(c echo.Context) inviteForm {
	return inviteForm{Role: string(signon.RoleCoordinator), Language: s.translator(c).lang}
}

// inviteEmail is the data of the account_invite email.
type inviteEmail struct {
	Link    string
	Inviter string
	Role    signon.Role
	Expires string
}

// handleInvite serves POST /coordinate/accounts/invitations.
func (s *Server) handleInvite(c echo.Context) error {
	var f inviteForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	admin := currentAccount(c)
	token := NewToken()
	inv, err := signon.NewAccountInvitation(f.input(), hashToken(token), s.now())
	if err == nil {
		var email *signon.Email
		email, err = s.composeEmail(signon.EmailAccountInvite, f.Language, inv.Email, inviteEmail{
			Link:    s.site.AccountInvitationLink(token),
			Inviter: admin.Name,
			Role:    inv.Role,
			Expires: formatDateTime(inv.ExpiresAt.In(s.cfg.Location), f.Language),
		})
		if err != nil {
			return err
		}
		err = s.db.InviteAccount(c.Request().Context(), inv, email, admin.ID)
	}
	if status, ok := formFailure(err); ok {
		return s.renderAccounts(c, status, f, err, nil)
	} else if err != nil {
		return err
	}
	return redirect(c, "/coordinate/accounts?done=invited")
}

// handleRevokeAccountInvitation serves POST /coordinate/accounts/invitations/revoke.
func (s *Server) handleRevokeAccountInvitation(c echo.Context) error {
	var f struct {
		Email string `form:"email"`
	}
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	err := s.db.RevokeAccountInvitation(c.Request().Context(), f.Email, currentAccount(c).ID)
	if code := signon.ErrorCode(err); code == signon.ENOTFOUND {
		return s.renderAccounts(c, http.StatusNotFound, s.blankInviteForm(c), nil, err)
	} else if err != nil {
		return err
	}
	return redirect(c, "/coordinate/accounts?done=revoked")
}

// handleDisableAccount serves POST /coordinate/accounts/:id/disable.
func (s *Server) handleDisableAccount(c echo.Context) error { return s.setAccountDisabled(c, true) }

// handleEnableAccount serves POST /coordinate/accounts/:id/enable.
func (s *Server) handleEnableAccount(c echo.Context) error { return s.setAccountDisabled(c, false) }

func (s *Server) setAccountDisabled(c echo.Context, disabled bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.db.SetAccountDisabled(c.Request().Context(), id, disabled, s.now(), currentAccount(c).ID)
	if signon.ErrorCode(err) == signon.ECONFLICT {
		return s.renderAccounts(c, http.StatusConflict, s.blankInviteForm(c), nil, err)
	} else if err != nil {
		return err
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	return redirect(c, "/coordinate/accounts?done="+done+"#account-"+strconv.FormatInt(id, 10))
}

// --- Accepting an invitation ---

type acceptForm struct {
	Name            string `form:"name"`
	Password        string `form:"password"`
	PasswordConfirm string `form:"password_confirm"`
}

type accountInvitationPage struct {
	*page
	Invitation *signon.AccountInvitation
	Form       acceptForm
	Errors     map[string]string
	Error      string
}

// invitation is the invitation of the link's token, or the one answer
// for every link that cannot be used.
func (s *Server) accountInvitation(c echo.Context) (*signon.AccountInvitation, error) {
	return s.db.AccountInvitationByToken(c.Request().Context(), hashToken(c.Param("token")), s.now())
}

func (s *Server) renderInvitation(c echo.Context, status int, inv *signon.AccountInvitation, f acceptForm, formErr error) error {
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("accounts.accept.title"), true
	f.Password, f.PasswordConfirm = "", ""
	data := accountInvitationPage{page: p, Invitation: inv, Form: f}
	if formErr != nil {
		data.Errors, data.Error = p.Problems(formErr), p.Error(formErr)
	}
	return s.render(c, status, "invite_accept", data)
}

// handleInvitationForm serves GET /invite/:token.
func (s *Server) handleInvitationForm(c echo.Context) error {
	inv, err := s.accountInvitation(c)
	if err != nil {
		return err
	}
	return s.renderInvitation(c, http.StatusOK, inv, acceptForm{}, nil)
}

// handleAcceptAccountInvitation serves POST /invite/:token.
func (s *Server) handleAcceptAccountInvitation(c echo.Context) error {
	inv, err := s.accountInvitation(c)
	if err != nil {
		return err
	}
	var f acceptForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	acct, err := s.newAccount(c, signon.AccountInput{Email: inv.Email, Name: f.Name, Password: f.Password, Role: inv.Role})
	if err == nil && f.Password != f.PasswordConfirm {
		err = (signon.Problems{"password_confirm": {Code: signon.ProblemMismatch}}).Err()
	}
	if signon.ErrorCode(err) == signon.EINVALID {
		return s.renderInvitation(c, http.StatusUnprocessableEntity, inv, f, err)
	} else if err != nil {
		return err
	}
	if err := s.db.AcceptAccountInvitation(c.Request().Context(), inv.TokenHash, acct, s.now()); err != nil {
		return err
	}
	// Whoever was logged in on this browser before is not any more.
	if err := s.endSession(c); err != nil {
		return err
	}
	if err := s.startSession(c, acct); err != nil {
		return err
	}
	return redirect(c, "/coordinate")
}
