package server

// A signer has no account. Each new signature from the form or the API
// gets a private link to correct or withdraw it (/my/TOKEN) and, where
// the statement asks for it, a link to confirm the address
// (/confirm/TOKEN). A signature counted at once on a public list gets
// its link on the answer (signon.LinkOnAnswer) and no email, so a surge
// of signatures queues no surge of emails; otherwise the links go by
// email, stored in the signature's own transaction. Only the SHA-256 of
// a token is stored, as for sessions.

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// signerEmail is what the confirm and signature_received emails show.
type signerEmail struct {
	Statement    string // the title, in the signer's language where the statement has a text in it
	Organization string
	ConfirmLink  string // only in the confirm email
	ManageLink   string
	Status       signon.SignatureStatus
}

// signerMail makes new private links for sig and the email that carries
// them to the signer, in the language they signed in: the confirmation
// while the signature awaits it, otherwise the receipt. A resend makes
// a new pair the same way, so a signer who lost the first email gets a
// manage link again too.
func (s *Server) signerMail(c echo.Context, st *signon.Statement, sig *signon.Signature) ([]*signon.SignatureToken, *signon.Email, error) {
	now := s.now()
	shown, err := s.statementsIn(c.Request().Context(), sig.Language, []*signon.Statement{st})
	if err != nil {
		return nil, nil, err
	}
	manage := NewToken()
	tokens := []*signon.SignatureToken{signon.NewSignatureToken(hashToken(manage), signon.TokenManage, now)}
	data := signerEmail{Statement: shown[0].Title, Organization: sig.Name(), ManageLink: s.site.ManageLink(manage), Status: sig.Status}
	kind := signon.EmailSignatureManaged
	if sig.Status == signon.SignatureUnconfirmed {
		confirm := NewToken()
		tokens = append(tokens, signon.NewSignatureToken(hashToken(confirm), signon.TokenConfirm, now))
		data.ConfirmLink = s.site.ConfirmLink(confirm)
		kind = signon.EmailConfirm
	}
	e, err := s.composeEmail(kind, sig.Language, sig.Email, data)
	if err != nil {
		return nil, nil, err
	}
	return tokens, e, nil
}

// signerLinks makes the private links of a new signature sig of st:
// the tokens to store and either the email that carries them or, where
// signon.LinkOnAnswer says so, the manage token in clear, to show on
// the answer, with no email.
func (s *Server) signerLinks(c echo.Context, st *signon.Statement, sig *signon.Signature) (tokens []*signon.SignatureToken, emails []*signon.Email, manage string, err error) {
	if signon.LinkOnAnswer(st, sig.Status, s.now()) {
		manage = NewToken()
		return []*signon.SignatureToken{signon.NewSignatureToken(hashToken(manage), signon.TokenManage, s.now())}, nil, manage, nil
	}
	tokens, e, err := s.signerMail(c, st, sig)
	if err != nil {
		return nil, nil, "", err
	}
	return tokens, []*signon.Email{e}, "", nil
}

// signRequest is a new signature as the sign form or the API sends it,
// decoded.
type signRequest struct {
	input  signon.SignatureInput
	source signon.Source
	// invitation is the token of a member's invitation link the form
	// carries, or "".
	invitation string
	// honeypot is the field people never see and bots fill in.
	honeypot string
	// founding is set for a lead signer's invitation, which may sign
	// before the statement opens to the public (lead.go).
	founding bool
}

// sign takes a new signature of st, the one way the form, the API and
// invitation links sign: the statement must take signatures, the input
// be valid and the network within its allowance; the signature starts
// in the status the statement's policy gives it (applyMembership for an
// invitation), and is stored with its signer's links. It returns the
// signature and the manage token to show on the answer, or "" when an
// email carries the links.
//
// What it answers tells no one more than the public list does. A bot's
// signature (the honeypot filled in) gets the answer of a new one, with
// nothing stored. Whether an organization has signed is public only as
// far as the public list shows it: a second signature of an
// organization whose standing one the list does not show (awaiting
// confirmation or review, or a list hidden until publication) is
// answered exactly as a new one, with nothing stored and no email sent,
// and signon.ErrAlreadySigned is returned only when the list shows that
// organization. (Such a second signature gets a link on the answer only
// in the rare case of a hidden standing signature on a statement that
// counts at once and shows its list, say after its policy changed: a
// link that does not work, which tells its poster no more than the
// receipt that would not have come.)
//
// A signature in the name of a member is linked to it (CreateSignature
// does it), for the roster's view of who signed and the review queue's
// filter, but is not treated as a member's: anyone can type a name (only
// an invitation link signs as the member, see applyMembership).
func (s *Server) sign(c echo.Context, st *signon.Statement, req signRequest) (*signon.Signature, string, error) {
	ctx := c.Request().Context()
	if req.honeypot != "" {
		refuseSignature(c, "honeypot")
		s.log.InfoContext(ctx, "sign honeypot filled; nothing stored",
			slog.String("statement", st.Slug), slog.String("source", string(req.source)), slog.String("ip", c.RealIP()))
		decoy := &signon.Signature{Organization: collapseForFlash(req.input.Organization), Status: signon.InitialStatus(st, false, false, "")}
		return decoy, s.decoyLink(st, decoy.Status), nil
	}
	if !st.AcceptsSignatures(s.now()) && !req.founding {
		return nil, "", signon.ErrNotOpen
	}
	// The signer is asked to affirm their authority in the language
	// they sign in, and the text they affirmed is kept word for word.
	in := req.input
	in.Affirmation = s.affirmation(in.SignatureLanguage(st))
	sig, err := in.Validate(st)
	if err != nil {
		return nil, "", err
	}
	// The allowance is taken only for a valid signature: a person fixing
	// typos is not the flood the limit is for.
	if !s.allowSignature(c) {
		return nil, "", signon.ErrTooManySignatures
	}
	if sig.AuthorityText != "" {
		now := s.now()
		sig.AuthorizedAt = &now
	}
	if sig.Flags, err = s.db.SignatureFlags(ctx, sig); err != nil {
		return nil, "", err
	}
	sig.Status = signon.InitialStatus(st, false, false, sig.Flags)
	sig.Source = req.source
	// The roster (invitations.go): a member's invitation link signs as
	// the member; a member's name only links the signature to it.
	if err := s.applyMembership(c, st, req.invitation, sig); err != nil {
		return nil, "", err
	}
	tokens, emails, manage, err := s.signerLinks(c, st, sig)
	if err != nil {
		return nil, "", err
	}
	err = s.db.CreateSignature(ctx, sig, tokens, emails...)
	if err == nil {
		return sig, manage, nil
	}
	if !errors.Is(err, signon.ErrAlreadySigned) {
		return nil, "", err
	}
	refuseSignature(c, "duplicate")
	listed, lerr := s.db.SignatureListed(ctx, st.ID, sig.OrgKey)
	if lerr != nil {
		return nil, "", lerr
	}
	if listed && st.SignatoriesPublic(s.now()) {
		return nil, "", err
	}
	s.log.InfoContext(ctx, "second signature of an organization not on the public list; answered as new, nothing stored",
		slog.String("statement", st.Slug), slog.String("ip", c.RealIP()))
	return sig, manage, nil
}

// affirmation is the text of the affirmation of authority to sign for
// an organization in lang, as the sign form shows it.
func (s *Server) affirmation(lang string) string {
	return newTranslator(s.bundle, lang).T(affirmationKey)
}

// affirmationKey is the message of the affirmation, the sign form's
// checkbox label.
const affirmationKey = "public.field.authorized"

// decoyLink is the manage token an answer imitating a new signature
// (a bot's, through the honeypot) shows where a new one would show one.
func (s *Server) decoyLink(st *signon.Statement, status signon.SignatureStatus) string {
	if signon.LinkOnAnswer(st, status, s.now()) {
		return NewToken()
	}
	return ""
}

// signerLink resolves the :token of a private link of purpose to its
// signature and statement, the statement shown in the page's language.
func (s *Server) signerLink(c echo.Context, purpose signon.TokenPurpose) (*signon.Signature, *signon.Statement, *signon.Statement, error) {
	// The token is in the address: keep the page out of caches and the
	// address out of the Referer of links followed from it.
	h := c.Response().Header()
	h.Set("Cache-Control", privateCacheControl)
	h.Set("Referrer-Policy", "no-referrer")
	ctx := c.Request().Context()
	sig, err := s.db.SignatureByToken(ctx, hashToken(c.Param("token")), purpose, s.now())
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := s.db.StatementByID(ctx, sig.StatementID)
	if err != nil {
		return nil, nil, nil, err
	}
	shown, err := s.statementsIn(ctx, s.translator(c).lang, []*signon.Statement{st})
	if err != nil {
		return nil, nil, nil, err
	}
	return sig, st, shown[0], nil
}

// linkPage is the page of a link that does not work, and of the form to
// have the confirmation sent again.
type linkPage struct {
	*page
	Invalid   bool   // a link was followed that is unknown, used or expired
	Sent      bool   // the resend form was sent
	Statement string // the slug the resend form is for, or "" for any
	Email     string
	Error     string // what is wrong with the address typed
}

// invalidLink answers a link that does not work with one page, whatever
// the reason, offering to send the confirmation again; other errors go
// to the error handler.
func (s *Server) invalidLink(c echo.Context, err error) error {
	if !errors.Is(err, signon.ErrInvalidLink) {
		return err
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("confirm.invalid.title"), true
	return s.render(c, http.StatusNotFound, "confirm_link", linkPage{page: p, Invalid: true})
}

type confirmPage struct {
	*page
	St  *signon.Statement
	Sig *signon.Signature
}

// handleConfirmPage serves GET /confirm/:token.
//
// handleConfirmPage shows what the signer is about to confirm. It
// changes nothing: mail scanners follow the links in emails.
func (s *Server) handleConfirmPage(c echo.Context) error {
	sig, _, shown, err := s.signerLink(c, signon.TokenConfirm)
	if err != nil {
		return s.invalidLink(c, err)
	}
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("confirm.page.title"), true
	return s.render(c, http.StatusOK, "confirm", confirmPage{page: p, St: shown, Sig: sig})
}

// handleConfirm serves POST /confirm/:token.
//
// handleConfirm confirms the signature and shows the statement with the
// thank-you its new status earns.
func (s *Server) handleConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.db.ConfirmSignature(ctx, hashToken(c.Param("token")), s.now())
	if err != nil {
		return s.invalidLink(c, err)
	}
	st, err := s.db.StatementByID(ctx, sig.StatementID)
	if err != nil {
		return err
	}
	return s.signedRedirect(c, st, sig.Name(), sig.Status)
}

type resendForm struct {
	Email     string `form:"email"`
	Statement string `form:"statement"`
}

// handleResend serves POST /confirm/resend.
//
// handleResend sends the confirmation again to every signature awaiting
// it with the address typed (of one statement, when the form names it).
// The answer is the same whether there are any, none, or the limit of
// emails was reached, so the form tells no one who has signed.
func (s *Server) handleResend(c echo.Context) error {
	var f resendForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	f.Email = strings.TrimSpace(f.Email)
	p := s.newPage(c, "")
	p.NoIndex = true
	data := linkPage{page: p, Statement: f.Statement, Email: f.Email}
	if !signon.ValidEmail(f.Email) || len(f.Email) > signon.MaxEmail {
		p.Title = p.T("confirm.resend.title")
		data.Error = p.Problem(signon.Problem{Code: signon.ProblemInvalidEmail})
		return s.render(c, http.StatusUnprocessableEntity, "confirm_link", data)
	}
	// The allowance of signatures per address covers resends too: each
	// may write an email.
	if s.allowSignature(c) {
		if err := s.resendConfirmations(c, f.Email, f.Statement); err != nil {
			return err
		}
	}
	p.Title, data.Sent = p.T("confirm.resend.sent_title"), true
	return s.render(c, http.StatusOK, "confirm_link", data)
}

// resendConfirmations sends a new confirmation to each signature of the
// address awaiting one on a statement still open, within the limit the
// store keeps per signature.
func (s *Server) resendConfirmations(c echo.Context, email, slug string) error {
	ctx := c.Request().Context()
	var statementID int64
	if slug != "" {
		st, err := s.db.StatementBySlug(ctx, slug)
		switch {
		case signon.ErrorCode(err) == signon.ENOTFOUND:
			return nil
		case err != nil:
			return err
		}
		statementID = st.ID
	}
	list, err := s.db.UnconfirmedSignatures(ctx, email, statementID)
	if err != nil {
		return err
	}
	statements := map[int64]*signon.Statement{}
	for _, sig := range list {
		st, ok := statements[sig.StatementID]
		if !ok {
			if st, err = s.db.StatementByID(ctx, sig.StatementID); err != nil {
				return err
			}
			statements[sig.StatementID] = st
		}
		if !st.AcceptsSignatures(s.now()) {
			continue
		}
		tokens, e, err := s.signerMail(c, st, sig)
		if err != nil {
			return err
		}
		if _, err := s.db.ResendConfirmation(ctx, sig.ID, tokens, e); err != nil {
			return err
		}
	}
	return nil
}

// mySignaturePage is the signer's own page. It embeds the statement
// page's form machinery, so the correction form draws and validates its
// fields as the sign form does.
type mySignaturePage struct {
	*statementPage
	Sig       *signon.Signature
	Token     string
	Editable  bool
	Saved     bool
	Withdrawn bool
	// Signed is the thank-you of a signature just made, whose private
	// link is this page's address and was sent nowhere else.
	Signed bool
	Link   string // this page's address, to keep
}

// editable reports whether the signer may still change sig: while the
// statement takes signatures and the signature stands.
func (s *Server) editable(st *signon.Statement, sig *signon.Signature) bool {
	return st.AcceptsSignatures(s.now()) && sig.Status.Active()
}

// mySignature is the signer's page for sig of st (shown in the page's
// language as shown), with the correction form holding f and the
// problems of err.
func (s *Server) mySignature(c echo.Context, sig *signon.Signature, st, shown *signon.Statement, f signatureForm, err error) *mySignaturePage {
	p := s.newPage(c, "")
	p.Title, p.NoIndex = p.T("my.title"), true
	sp := &statementPage{page: p, St: shown, Effective: st.EffectiveStatus(s.now()), Form: f, Errors: p.Problems(err)}
	if err != nil {
		sp.FormAlert = p.Error(err)
	}
	sp.ErrorList = errorList(sp)
	return &mySignaturePage{statementPage: sp, Sig: sig, Token: c.Param("token"), Editable: s.editable(st, sig)}
}

// handleMySignature serves GET /my/:token.
//
// handleMySignature shows the signer their signature and, while it can
// change, the forms to correct or withdraw it.
func (s *Server) handleMySignature(c echo.Context) error {
	sig, st, shown, err := s.signerLink(c, signon.TokenManage)
	if err != nil {
		return s.invalidLink(c, err)
	}
	data := s.mySignature(c, sig, st, shown, formOf(sig), nil)
	data.Saved = c.QueryParam("saved") == "1"
	data.Withdrawn = c.QueryParam("withdrawn") == "1" && sig.Status == signon.SignatureWithdrawn
	if c.QueryParam("signed") == "1" && sig.Status.Active() {
		data.Signed, data.Link = true, s.absoluteURL("/my/"+c.Param("token"))
	}
	return s.render(c, http.StatusOK, "my_signature", data)
}

// handleUpdateMySignature serves POST /my/:token.
//
// handleUpdateMySignature saves the signer's correction; a refused one
// shows the form again with what was typed and why.
func (s *Server) handleUpdateMySignature(c echo.Context) error {
	sig, st, shown, err := s.signerLink(c, signon.TokenManage)
	if err != nil {
		return s.invalidLink(c, err)
	}
	if !s.editable(st, sig) {
		return signon.ErrSignatureClosed
	}
	f := formOf(sig)
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	f.SignerType, f.Email = string(sig.SignerType), sig.Email // neither is a correction
	_, err = s.db.UpdateSignature(c.Request().Context(), st.ID, sig.ID, f.edit(), 0)
	if errors.Is(err, signon.ErrOrganizationTaken) {
		// The store's message is for coordinators, who can merge the two.
		err = &signon.Error{Code: signon.ECONFLICT, Key: "confirm.error.org_taken",
			Message: "Another signature of this statement already names this organization.", Fields: signon.ErrorFields(err)}
	}
	if len(signon.ErrorFields(err)) > 0 {
		return s.render(c, statusOf[signon.ErrorCode(err)], "my_signature", s.mySignature(c, sig, st, shown, f, err))
	} else if err != nil {
		return err
	}
	return redirect(c, "/my/"+c.Param("token")+"?saved=1")
}

// handleWithdrawPage serves GET /my/:token/withdraw.
//
// handleWithdrawPage asks the signer to confirm the withdrawal.
func (s *Server) handleWithdrawPage(c echo.Context) error {
	sig, st, shown, err := s.signerLink(c, signon.TokenManage)
	if err != nil {
		return s.invalidLink(c, err)
	}
	if !s.editable(st, sig) {
		return redirect(c, "/my/"+c.Param("token"))
	}
	return s.render(c, http.StatusOK, "my_withdraw", s.mySignature(c, sig, st, shown, formOf(sig), nil))
}

// handleWithdraw serves POST /my/:token/withdraw.
//
// handleWithdraw withdraws the signature: it leaves the public list and
// the counts at once.
func (s *Server) handleWithdraw(c echo.Context) error {
	sig, st, _, err := s.signerLink(c, signon.TokenManage)
	if err != nil {
		return s.invalidLink(c, err)
	}
	if !s.editable(st, sig) {
		return signon.ErrSignatureClosed
	}
	if err := s.db.SetSignatureStatus(c.Request().Context(), st.ID, sig.ID, signon.SignatureWithdrawn, s.now(), 0); err != nil {
		return err
	}
	return redirect(c, "/my/"+c.Param("token")+"?withdrawn=1")
}
