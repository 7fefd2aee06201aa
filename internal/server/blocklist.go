package server

// The blocklist (signon/blocklist.go): one list for the installation,
// which every coordinator and admin may read and change, each change in
// the audit trail. Its routes are behind requireAccount.

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

const blocklistPath = "/coordinate/blocklist"

// blocklistHistory is how many of the latest changes the page shows.
const blocklistHistory = 20

// blockForm is the form that adds an entry.
type blockForm struct {
	Kind  string `form:"kind"`
	Value string `form:"value"`
	Note  string `form:"note"`
}

func (f blockForm) input() signon.BlockInput {
	return signon.BlockInput{Kind: f.Kind, Value: f.Value, Note: f.Note}
}

// blocklistEvent is one change of the list, in words.
type blocklistEvent struct {
	At           time.Time
	What, Detail string
}

type blocklistPage struct {
	*page
	Entries []*signon.BlockEntry
	Events  []blocklistEvent
	Form    blockForm
	Kinds   []signon.BlockKind
	Done    string
	Error   string
	Errors  map[string]string
}

func (s *Server) renderBlocklist(c echo.Context, status int, f blockForm, failure error) error {
	ctx := c.Request().Context()
	p := s.newPage(c, "")
	p.Title, p.NoIndex, p.Path = p.T("blocklist.title"), true, blocklistPath
	data := blocklistPage{page: p, Form: f, Kinds: signon.BlockKinds}
	if done := c.QueryParam("done"); failure == nil && (done == "added" || done == "removed") {
		data.Done = p.T("blocklist.done." + done)
	}
	if failure != nil {
		data.Error, data.Errors = p.Error(failure), p.Problems(failure)
		if signon.ErrorKey(failure) == "" {
			data.Error = p.T("blocklist.error.form")
		}
	}
	var err error
	if data.Entries, err = s.db.Blocklist(ctx); err != nil {
		return err
	}
	events, err := s.db.BlocklistEvents(ctx, blocklistHistory)
	if err != nil {
		return err
	}
	for _, e := range events {
		// The detail is "kind: value" (store.AddBlockEntry).
		detail := e.Detail
		if kind, value, ok := strings.Cut(e.Detail, ": "); ok {
			detail = p.T("blocklist.kind."+kind) + ": " + value
		}
		data.Events = append(data.Events, blocklistEvent{At: e.CreatedAt, What: eventLabel(p, e.Action), Detail: detail})
	}
	return s.render(c, status, "blocklist", data)
}

// handleBlocklist serves GET /coordinate/blocklist.
func (s *Server) handleBlocklist(c echo.Context) error {
	return s.renderBlocklist(c, http.StatusOK, blockForm{Kind: string(signon.BlockDomain)}, nil)
}

// handleAddBlockEntry serves POST /coordinate/blocklist.
//
// handleAddBlockEntry adds an entry; a refused one shows the page again
// with what was typed and why.
func (s *Server) handleAddBlockEntry(c echo.Context) error {
	var f blockForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	e, err := f.input().Validate()
	if err == nil {
		err = s.db.AddBlockEntry(c.Request().Context(), e, currentAccount(c).ID)
	}
	switch code := signon.ErrorCode(err); code {
	case "":
		return redirect(c, blocklistPath+"?done=added")
	case signon.EINVALID, signon.ECONFLICT:
		return s.renderBlocklist(c, statusOf[code], f, err)
	}
	return err
}

// handleRemoveBlockEntry serves POST /coordinate/blocklist/:id/delete.
func (s *Server) handleRemoveBlockEntry(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.db.RemoveBlockEntry(c.Request().Context(), id, currentAccount(c).ID); err != nil {
		return err
	}
	return redirect(c, blocklistPath+"?done=removed")
}
