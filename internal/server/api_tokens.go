package server

// API tokens: a coordinator creates tokens for the coalition's other
// tools (a CRM syncing who signed) and revokes them, at
// /coordinate/tokens. A token is shown once, when it is made; Signon
// keeps its SHA-256 (docs/decisions.md, "API tokens"). A request sends
// it as Authorization: Bearer <token>, and it reads what its coordinator
// may read.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

const apiTokensPath = "/coordinate/tokens"

// apiTokenRow is a token as the list shows it, with the title of the
// statement it is limited to, if any.
type apiTokenRow struct {
	*signon.APIToken
	Statement string
}

// apiTokenForm is the form that creates a token.
type apiTokenForm struct {
	Name        string `form:"name"`
	StatementID string `form:"statement"`
}

type apiTokensPage struct {
	*page
	Tokens     []apiTokenRow
	Statements []*signon.Statement
	Form       apiTokenForm
	Errors     map[string]string
	FormError  string
	Alert      string
	Done       string
	// NewToken is the token just made, shown this once.
	NewToken string
	NewName  string
}

func (s *Server) renderAPITokens(c echo.Context, status int, f apiTokenForm, formErr, actionErr error, created *signon.APIToken, token string) error {
	ctx := c.Request().Context()
	acct := currentAccount(c)
	tokens, err := s.db.APITokens(ctx, acct.ID)
	if err != nil {
		return err
	}
	statements, err := s.db.Statements(ctx, signon.StatementFilter{})
	if err != nil {
		return err
	}
	titles := make(map[int64]string, len(statements))
	for _, st := range statements {
		titles[st.ID] = st.Title
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("tokens.title"), true, apiTokensPath
	data := apiTokensPage{page: p, Statements: statements, Form: f}
	for _, t := range tokens {
		row := apiTokenRow{APIToken: t}
		if t.StatementID != nil {
			row.Statement = titles[*t.StatementID]
		}
		data.Tokens = append(data.Tokens, row)
	}
	if c.QueryParam("done") == "revoked" && status == http.StatusOK {
		data.Done = p.T("tokens.done.revoked")
	}
	if created != nil {
		data.NewToken, data.NewName = token, created.Name
	}
	if formErr != nil {
		data.Errors, data.FormError = p.Problems(formErr), p.Error(formErr)
	}
	if actionErr != nil {
		data.Alert = p.Error(actionErr)
	}
	// The page may carry a token in clear: no cache keeps it.
	c.Response().Header().Set(echo.HeaderCacheControl, privateCacheControl)
	return s.render(c, status, "api_tokens", data)
}

// handleAPITokens serves GET /coordinate/tokens.
func (s *Server) handleAPITokens(c echo.Context) error {
	return s.renderAPITokens(c, http.StatusOK, apiTokenForm{}, nil, nil, nil, "")
}

// handleCreateAPIToken serves POST /coordinate/tokens.
func (s *Server) handleCreateAPIToken(c echo.Context) error {
	var f apiTokenForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	in := signon.APITokenInput{Name: f.Name}
	if f.StatementID != "" {
		id, err := strconv.ParseInt(f.StatementID, 10, 64)
		if err != nil || id <= 0 {
			p := signon.Problems{}
			p.Add("statement", signon.ProblemInvalidChoice, 0)
			return s.renderAPITokens(c, http.StatusUnprocessableEntity, f, p.Err(), nil, nil, "")
		}
		in.StatementID = id
	}
	token := apiTokenPrefix + NewToken()
	t, err := signon.NewAPIToken(in, currentAccount(c).ID, hashToken(token), s.now())
	if err == nil {
		err = s.db.CreateAPIToken(c.Request().Context(), t)
	}
	if status, ok := formFailure(err); ok {
		return s.renderAPITokens(c, status, f, err, nil, nil, "")
	} else if signon.ErrorCode(err) == signon.ENOTFOUND {
		p := signon.Problems{}
		p.Add("statement", signon.ProblemInvalidChoice, 0)
		return s.renderAPITokens(c, http.StatusUnprocessableEntity, f, p.Err(), nil, nil, "")
	} else if err != nil {
		return err
	}
	return s.renderAPITokens(c, http.StatusCreated, apiTokenForm{}, nil, nil, t, token)
}

// handleRevokeAPIToken serves POST /coordinate/tokens/:id/revoke.
func (s *Server) handleRevokeAPIToken(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = s.db.RevokeAPIToken(c.Request().Context(), currentAccount(c).ID, id, s.now())
	if signon.ErrorCode(err) == signon.ENOTFOUND {
		return s.renderAPITokens(c, http.StatusNotFound, apiTokenForm{}, nil, err, nil, "")
	} else if err != nil {
		return err
	}
	return redirect(c, apiTokensPath+"?done=revoked")
}

// apiTokenPrefix starts every token, so a secret scanner (or a person)
// can tell a Signon token in a leaked file.
const apiTokenPrefix = "signon_"

// bearerToken is the token of the request's Authorization header, if it
// carries one in the Bearer scheme.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get(echo.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// apiTokenAccount is the token of the request and the account it acts
// for, or ErrInvalidAPIToken with the WWW-Authenticate challenge set.
func (s *Server) apiTokenAccount(c echo.Context) (*signon.APIToken, *signon.Account, error) {
	challenge := `Bearer realm="signon"`
	token, ok := bearerToken(c.Request())
	if ok {
		t, a, err := s.db.APITokenAccount(c.Request().Context(), hashToken(token), s.now())
		if err == nil {
			return t, a, nil
		}
		if err != signon.ErrInvalidAPIToken {
			return nil, nil, err
		}
		challenge += `, error="invalid_token"`
	}
	c.Response().Header().Set(echo.HeaderWWWAuthenticate, challenge)
	return nil, nil, signon.ErrInvalidAPIToken
}

// tokenStatement is the statement at slug if the token may read it. Any
// enabled coordinator manages every statement (requireAccount is the
// only check of /coordinate/statements/:id); a token made for one
// statement reads no other. A statement the token may not read is not
// found, as one that does not exist: the answer says nothing of drafts.
func tokenStatement(st *signon.Statement, t *signon.APIToken, a *signon.Account) (*signon.Statement, error) {
	if a == nil || a.DisabledAt != nil || !t.Covers(st.ID) {
		return nil, signon.Errorf(signon.ENOTFOUND, "Statement not found.")
	}
	return st, nil
}
