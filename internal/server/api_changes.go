package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// The pull API for a CRM: with ?since=, the signatures endpoint answers
// with the statement's change log after the cursor instead of the public
// list, to a coordinator's API token (api_tokens.go). A client keeps the
// next_cursor of each answer and asks again from it; every change comes
// once, in order, even one whose transaction committed late
// (store.ChangesSince).

const (
	apiDefaultChanges = 100
	apiMaxChanges     = 1000
)

// apiChange is one change, with the signature as it is now: a CRM
// mirrors the current state, and the kind says what happened.
type apiChange struct {
	Kind        signon.ChangeKind `json:"kind"`
	At          *string           `json:"at"`
	Cursor      string            `json:"cursor"`
	SignatureID *int64            `json:"signature_id"`
	// Signature is null for a change of the statement, and for a
	// signature deleted since.
	Signature *apiSignatureState `json:"signature"`
}

// apiSignatureState is a signature as its coordinators see it, email
// included. Personal data erased (privacy.go) is empty.
type apiSignatureState struct {
	ID           int64   `json:"id"`
	Status       string  `json:"status"`
	SignerType   string  `json:"signer_type"`
	Organization string  `json:"organization"`
	SignerName   string  `json:"signer_name"`
	SignerTitle  string  `json:"signer_title"`
	Email        string  `json:"email"`
	City         string  `json:"city"`
	Country      string  `json:"country"`
	Region       string  `json:"region"`
	Website      string  `json:"website"`
	Language     string  `json:"language"`
	Lead         bool    `json:"lead"`
	CreatedAt    *string `json:"created_at"`
	ConfirmedAt  *string `json:"confirmed_at"`
	ApprovedAt   *string `json:"approved_at"`
	RejectedAt   *string `json:"rejected_at"`
	WithdrawnAt  *string `json:"withdrawn_at"`
	ErasedAt     *string `json:"erased_at"`
}

func newAPISignatureState(sig *signon.Signature) *apiSignatureState {
	return &apiSignatureState{
		ID: sig.ID, Status: string(sig.Status), SignerType: string(sig.SignerType), Organization: sig.Organization,
		SignerName: sig.SignerName, SignerTitle: sig.SignerTitle, Email: sig.Email, City: sig.City,
		Country: sig.Country, Region: sig.Region, Website: sig.Website, Language: sig.Language, Lead: sig.Lead,
		CreatedAt: apiTime(&sig.CreatedAt), ConfirmedAt: apiTime(sig.ConfirmedAt), ApprovedAt: apiTime(sig.ApprovedAt),
		RejectedAt: apiTime(sig.RejectedAt), WithdrawnAt: apiTime(sig.WithdrawnAt), ErasedAt: apiTime(sig.ErasedAt),
	}
}

type apiChangeList struct {
	Changes []apiChange `json:"changes"`
	// NextCursor is where to ask from next time: the last change's
	// cursor, or the one asked with when there was none.
	NextCursor string `json:"next_cursor"`
	// HasMore says more changes can be read at once.
	HasMore bool `json:"has_more"`
}

// wantsChanges reports whether the request asks for the change log:
// ?since= is there, empty or not.
func wantsChanges(c echo.Context) bool {
	return c.Request().URL.Query().Has("since")
}

// apiSignatureChanges answers GET /api/v1/statements/:slug/signatures?since=CURSOR
// for apiSignatures.
func (s *Server) apiSignatureChanges(c echo.Context) error {
	ctx := c.Request().Context()
	token, acct, err := s.apiTokenAccount(c)
	if err != nil {
		return err
	}
	p := signon.Problems{}
	limit := positiveParam(p, c, "limit", apiDefaultChanges, apiMaxChanges)
	if err := p.Err(); err != nil {
		return err
	}
	after, err := signon.ParseChangeCursor(c.QueryParam("since"))
	if err != nil {
		return badRequest{err}
	}
	st, err := s.db.StatementBySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	if st, err = tokenStatement(st, token, acct); err != nil {
		return err
	}
	list, next, err := s.db.ChangesSince(ctx, st.ID, after, limit+1)
	if err != nil {
		return err
	}
	out := apiChangeList{Changes: []apiChange{}, NextCursor: after.String()}
	if len(list) > limit {
		list, out.HasMore = list[:limit], true
		next = list[limit-1].Cursor
	}
	out.NextCursor = next.String()
	var ids []int64
	for _, ch := range list {
		if ch.SignatureID != nil {
			ids = append(ids, *ch.SignatureID)
		}
	}
	sigs, err := s.db.SignaturesByID(ctx, st.ID, ids)
	if err != nil {
		return err
	}
	for _, ch := range list {
		item := apiChange{Kind: ch.Kind, At: apiTime(&ch.At), Cursor: ch.Cursor.String(), SignatureID: ch.SignatureID}
		if ch.SignatureID != nil {
			if sig, ok := sigs[*ch.SignatureID]; ok {
				item.Signature = newAPISignatureState(sig)
			}
		}
		out.Changes = append(out.Changes, item)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, privateCacheControl)
	return c.JSON(http.StatusOK, out)
}
