package server

import (
	"strconv"
	"strings"

	"github.com/signon-coalition/signon/internal/signon"
)

// occasionGroup is the statements of one occasion on the home page, such
// as the letter to a summit and the response after it.
type occasionGroup struct {
	ID   string // the heading's anchor
	Name string // "" for the statements that name no occasion
	Lang string // the language Name is written in
	// Other marks the group without an occasion among groups with one,
	// so its heading can say "other".
	Other                   bool
	Open, Published, Closed []occasionItem
}

// occasionItem is a statement in its group, with the letter it answers
// when that letter is listed too.
type occasionItem struct {
	statementSummary
	RespondsTo *signon.Statement
}

// occasionGroups gathers the home page's statements by occasion. The
// lists come in the order the page wants within a group (open by
// deadline, published newest first, then closed), and groups take the
// place of their first statement in that order: whatever can be signed
// now leads the page. A response that names no occasion joins the
// occasion of the statement it answers.
func occasionGroups(open, published, closed []statementSummary) []occasionGroup {
	byID := map[int64]*signon.Statement{}
	for _, list := range [][]statementSummary{open, published, closed} {
		for _, sum := range list {
			byID[sum.ID] = sum.Statement
		}
	}
	var groups []occasionGroup
	index := map[string]int{}
	named := false
	add := func(sum statementSummary, to func(*occasionGroup, occasionItem)) {
		item := occasionItem{statementSummary: sum}
		occasion, lang := sum.Occasion, sum.Language
		if sum.RespondsToID != nil {
			if parent, ok := byID[*sum.RespondsToID]; ok {
				item.RespondsTo = parent
				if occasion == "" {
					occasion, lang = parent.Occasion, parent.Language
				}
			}
		}
		// Coordinators type the occasion on each statement; case and
		// spacing differences should not split a summit in two.
		key := strings.ToLower(strings.Join(strings.Fields(occasion), " "))
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			g := occasionGroup{ID: "occasion-" + strconv.Itoa(i+1)}
			if key != "" {
				g.Name, g.Lang, named = occasion, lang, true
			}
			groups = append(groups, g)
		}
		to(&groups[i], item)
	}
	for _, sum := range open {
		add(sum, func(g *occasionGroup, it occasionItem) { g.Open = append(g.Open, it) })
	}
	for _, sum := range published {
		add(sum, func(g *occasionGroup, it occasionItem) { g.Published = append(g.Published, it) })
	}
	for _, sum := range closed {
		add(sum, func(g *occasionGroup, it occasionItem) { g.Closed = append(g.Closed, it) })
	}
	if i, ok := index[""]; ok {
		groups[i].Other = named
	}
	return groups
}
