package server

// Lead signers (signon/lead.go): coordinators mark them from the review
// queue or the statement's roster; the public page, the print view and
// PDF, the exports and the API name them first, apart. Before a
// statement opens, its lead members' invitations let them sign as its
// founding signers, so the public count starts from them.

import (
	"context"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// leadForm is a lead toggle: one of its buttons, named for what it does,
// carries the signature's or the member's id.
type leadForm struct {
	MarkSignature   int64 `form:"mark_signature"`
	UnmarkSignature int64 `form:"unmark_signature"`
	MarkMember      int64 `form:"mark_member"`
	UnmarkMember    int64 `form:"unmark_member"`
}

func (s *Server) handleLead(c echo.Context) error {
	st, err := s.pathStatement(c)
	if err != nil {
		return err
	}
	var f leadForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	ctx := c.Request().Context()
	var (
		key, name, back string
		lead            = f.MarkSignature != 0 || f.MarkMember != 0
	)
	switch {
	case f.MarkSignature != 0 || f.UnmarkSignature != 0:
		sig, err := s.db.SignatureByID(ctx, st.ID, max(f.MarkSignature, f.UnmarkSignature))
		if err != nil {
			return err
		}
		key, name = sig.OrgKey, sig.Name()
		back = reviewURL(st.ID) + "#signature-" + strconv.FormatInt(sig.ID, 10)
	case f.MarkMember != 0 || f.UnmarkMember != 0:
		m, err := s.db.MemberByID(ctx, max(f.MarkMember, f.UnmarkMember))
		if err != nil {
			return err
		}
		key, name = m.OrgKey, m.Name
		back = statementMembersURL(st.ID) + "#member-row-" + strconv.FormatInt(m.ID, 10)
	default:
		return signon.Errorf(signon.EINVALID, "Choose a signature or a member.")
	}
	if err := s.db.SetLead(ctx, st.ID, key, name, lead, currentAccount(c).ID); err != nil {
		return err
	}
	return redirect(c, back)
}

// leadSignatories are the approved signatures of st's lead signers, in
// name order: few, so read whole.
func (s *Server) leadSignatories(ctx context.Context, st *signon.Statement) ([]*signon.Signature, error) {
	lead := true
	list, _, err := s.db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Lead: &lead, PerPage: 500})
	return list, err
}

// exportPasses splits an export's filter in two, the lead signers first
// and then the others, when the statement has lead signers; otherwise
// it is f alone, read as before.
func (s *Server) exportPasses(ctx context.Context, f signon.SignatureFilter) ([]signon.SignatureFilter, error) {
	keys, err := s.db.LeadKeys(ctx, f.StatementID)
	if err != nil || len(keys) == 0 {
		return []signon.SignatureFilter{f}, err
	}
	lead, rest := f, f
	yes, no := true, false
	lead.Lead, rest.Lead = &yes, &no
	return []signon.SignatureFilter{lead, rest}, nil
}

// foundingSigner reports whether the sign form posted to c carries the
// invitation of a lead signer of the statement at its :slug while that
// statement takes only its founding signatures. Such a form may sign a
// statement the public cannot yet see; anything amiss is simply not one.
func (s *Server) foundingSigner(c echo.Context) bool {
	token := c.FormValue("invitation")
	if token == "" {
		return false
	}
	inv, m, err := s.invitation(c, token)
	if err != nil {
		return false
	}
	ctx := c.Request().Context()
	st, err := s.db.StatementByID(ctx, inv.StatementID)
	if err != nil || st.Slug != c.Param("slug") || !st.TakesFoundingSignatures(s.now()) {
		return false
	}
	keys, err := s.db.LeadKeys(ctx, st.ID)
	return err == nil && keys[m.OrgKey]
}

// foundingInvitation reports whether member m may sign st through its
// invitation now although the public cannot: m is a lead signer and st
// takes its founding signatures.
func (s *Server) foundingInvitation(ctx context.Context, st *signon.Statement, m *signon.Member) (bool, error) {
	if !st.TakesFoundingSignatures(s.now()) {
		return false, nil
	}
	keys, err := s.db.LeadKeys(ctx, st.ID)
	if err != nil {
		return false, err
	}
	return keys[m.OrgKey], nil
}

// leadUninvited counts the lead members an invitation may go to now.
func leadUninvited(standings []*signon.MemberStanding) int {
	n := 0
	for _, m := range standings {
		if m.Lead && uninvited(m) {
			n++
		}
	}
	return n
}
