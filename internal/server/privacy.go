package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
)

// The privacy notice, and the erasure of one signature's personal data
// on request (signon/privacy.go says what is erased, store/privacy.go
// how; the daily job erases the rest after each statement's retention).

type privacyPage struct {
	*page
	DefaultMonths int
}

// handlePrivacy shows the privacy notice: the same for every visitor of
// a language, so it is shared like the other public pages.
func (s *Server) handlePrivacy(c echo.Context) error {
	p := s.newPage(c, "")
	p.Title = p.T("privacy.title")
	p.Canonical = s.canonicalURL("/privacy")
	return s.render(c, http.StatusOK, "privacy", privacyPage{page: p, DefaultMonths: signon.DefaultRetentionMonths})
}

// requireEraser lets only administrators erase personal data: an
// erasure cannot be undone, so it is not every coordinator's to make.
func (s *Server) requireEraser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentAccount(c).IsAdmin() {
			return signon.KeyedError(signon.EFORBIDDEN, "privacy.error.admin_only", "Only administrators can erase personal data.")
		}
		return next(c)
	}
}

// erasePage asks an administrator to confirm an erasure, with a reason.
type erasePage struct {
	*page
	Statement *signon.Statement
	Signature *signon.Signature
	Published bool // the signature stays in the final list
	Reason    string
	Error     string
	Errors    map[string]string
}

func (s *Server) renderErase(c echo.Context, status int, st *signon.Statement, sig *signon.Signature, reason string, failure error) error {
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("privacy.erase.title", "Name", sig.Name()), true, signatureURL(st.ID, sig.ID)+"/erase"
	data := erasePage{page: p, Statement: st, Signature: sig, Reason: reason,
		Published: st.CheckSignaturesChangeable() != nil}
	if failure != nil {
		data.Error, data.Errors = p.Error(failure), p.Problems(failure)
	}
	return s.render(c, status, "privacy_erase", data)
}

// handleEraseForm is the confirmation step of an erasure.
func (s *Server) handleEraseForm(c echo.Context) error {
	st, sig, err := s.reviewedSignature(c)
	if err != nil {
		return err
	}
	if sig.ErasedAt != nil {
		return redirect(c, signatureURL(st.ID, sig.ID))
	}
	return s.renderErase(c, http.StatusOK, st, sig, "", nil)
}

// handleErase erases the signature's personal data, for the reason given.
func (s *Server) handleErase(c echo.Context) error {
	st, sig, err := s.reviewedSignature(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	_, err = s.db.EraseSignature(c.Request().Context(), st.ID, sig.ID, reason, s.now(), currentAccount(c).ID)
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, signatureURL(st.ID, sig.ID)+"?done=erased")
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderErase(c, statusOf[code], st, sig, reason, err)
	}
	return err
}

// privacyEventDetail shows the detail of the events of erasures: the
// counts of a retention run, the reason of an erasure on request. ok is
// false for other events.
func privacyEventDetail(p *page, e *signon.Event) (detail string, ok bool) {
	switch e.Action {
	case store.ActionRetention:
		var n signon.ErasureCounts
		if err := json.Unmarshal([]byte(e.Detail), &n); err != nil {
			return "", false
		}
		return p.T("privacy.audit.retention", "Signatures", n.Signatures, "Links", n.Tokens,
			"Invitations", n.Invitations, "Emails", n.Emails, "Details", n.Events), true
	case store.ActionErase:
		return p.T("privacy.audit.reason", "Reason", e.Detail), true
	}
	return "", false
}
