package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

const (
	sessionCookie   = "signon_session"
	sessionLifetime = 7 * 24 * time.Hour
)

// NewToken returns a random URL-safe token of 32 bytes.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// loadSession puts the logged-in account, if any, in the context.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			acct, err := s.db.SessionAccount(c.Request().Context(), hashToken(ck.Value), s.now())
			switch signon.ErrorCode(err) {
			case "":
				c.Set(accountContextKey, acct)
			case signon.ENOTFOUND, signon.EUNAUTHORIZED:
				s.clearSessionCookie(c)
			default:
				return err
			}
		}
		return next(c)
	}
}

// requireAccount sends visitors without a session to the login page.
func (s *Server) requireAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentAccount(c) == nil {
			if c.Request().Method == http.MethodGet {
				return redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return signon.KeyedError(signon.EUNAUTHORIZED, "error.login_required", "Log in to continue.")
		}
		return next(c)
	}
}

func currentAccount(c echo.Context) *signon.Account {
	a, _ := c.Get(accountContextKey).(*signon.Account)
	return a
}

func (s *Server) startSession(c echo.Context, acct *signon.Account) error {
	token := NewToken()
	now := s.now()
	if err := s.db.CreateSession(c.Request().Context(), &signon.Session{
		TokenHash: hashToken(token), AccountID: acct.ID, CreatedAt: now, ExpiresAt: now.Add(sessionLifetime),
	}); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()})
	return nil
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies()})
}

type loginForm struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

type loginPage struct {
	*page
	Form  loginForm
	Error string
}

// handleLoginForm serves GET /login.
func (s *Server) handleLoginForm(c echo.Context) error {
	if currentAccount(c) != nil {
		return redirect(c, "/coordinate")
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("login.title"), true
	return s.render(c, http.StatusOK, "login", loginPage{page: p, Form: loginForm{Next: c.QueryParam("next")}})
}

// handleLogin serves POST /login.
func (s *Server) handleLogin(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	ctx, now := c.Request().Context(), s.now()
	// The attempt is counted before the password is checked, in one
	// step, so guesses sent at once cannot all pass; a locked key refuses
	// without looking at the password, so guessing on during a lock
	// learns nothing, not even whether a guess was right
	// (login_throttle.go).
	keys := loginKeys(c, f.Email)
	attempt, err := s.db.TakeLoginAttempt(ctx, now, keys.all()...)
	if err != nil {
		return err
	}
	if !attempt.Allowed {
		return s.renderLoginThrottled(c, f, attempt.LockedUntil)
	}
	acct, err := s.db.AccountByEmail(ctx, f.Email)
	if err != nil && signon.ErrorCode(err) != signon.ENOTFOUND {
		return err
	}
	// An unknown email is checked against a dummy hash: the answer takes
	// as long as for a wrong password, and waits for the same slots.
	ok, err := s.checkPassword(c, acct, f.Password)
	if err != nil {
		return err
	}
	if !ok || acct.DisabledAt != nil {
		if !attempt.LockedUntil.IsZero() {
			return s.renderLoginThrottled(c, f, attempt.LockedUntil)
		}
		p := s.newPage(c, "")
		p.Title, p.NoIndex = p.T("login.title"), true
		f.Password = ""
		return s.render(c, http.StatusUnauthorized, "login", loginPage{page: p, Form: f, Error: p.T("login.failed")})
	}
	if err := s.db.LoginSucceeded(ctx, keys.cleared(), keys.refunded()); err != nil {
		return err
	}
	if err := s.startSession(c, acct); err != nil {
		return err
	}
	return redirect(c, localPath(f.Next, "/coordinate"))
}

// handleLogout serves POST /logout.
func (s *Server) handleLogout(c echo.Context) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	return redirect(c, "/")
}

// endSession ends the browser's session, if it has one.
func (s *Server) endSession(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.db.DeleteSession(c.Request().Context(), hashToken(ck.Value)); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

type setupForm struct {
	Email           string `form:"email"`
	Name            string `form:"name"`
	Password        string `form:"password"`
	PasswordConfirm string `form:"password_confirm"`
}

type setupPage struct {
	*page
	Form   setupForm
	Errors map[string]string
	Error  string
}

// checkSetupToken refuses the setup pages unless the link's token is the
// one printed at start-up and no account exists yet.
func (s *Server) checkSetupToken(c echo.Context) error {
	token := c.Param("token")
	if s.cfg.SetupToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.SetupToken)) != 1 {
		return signon.KeyedError(signon.ENOTFOUND, "error.setup_link", "This setup link is not valid.")
	}
	n, err := s.db.CountAccounts(c.Request().Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return signon.KeyedError(signon.ECONFLICT, "error.setup_done", "Setup is already complete; log in instead.")
	}
	return nil
}

// handleSetupForm serves GET /setup/:token.
func (s *Server) handleSetupForm(c echo.Context) error {
	if err := s.checkSetupToken(c); err != nil {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("setup.title"), true
	return s.render(c, http.StatusOK, "setup", setupPage{page: p})
}

// handleSetup serves POST /setup/:token.
func (s *Server) handleSetup(c echo.Context) error {
	if err := s.checkSetupToken(c); err != nil {
		return err
	}
	var f setupForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	acct, err := s.newAccount(c, signon.AccountInput{Email: f.Email, Name: f.Name, Password: f.Password, Role: signon.RoleAdmin})
	if err == nil && f.Password != f.PasswordConfirm {
		err = (signon.Problems{"password_confirm": {Code: signon.ProblemMismatch}}).Err()
	}
	if err == nil {
		err = s.db.CreateFirstAdmin(c.Request().Context(), acct)
	}
	if signon.ErrorCode(err) == signon.EINVALID {
		p := s.newPage(c, "")
		p.Title, p.NoIndex = p.T("setup.title"), true
		f.Password, f.PasswordConfirm = "", ""
		return s.render(c, http.StatusUnprocessableEntity, "setup", setupPage{page: p, Form: f, Errors: p.Problems(err), Error: p.Error(err)})
	} else if err != nil {
		return err
	}
	s.log.Info("first admin account created", "email", acct.Email)
	if err := s.startSession(c, acct); err != nil {
		return err
	}
	return redirect(c, "/coordinate")
}
