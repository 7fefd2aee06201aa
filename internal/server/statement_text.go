package server

// Which of a statement's texts the public reads. A statement may carry
// its text in English and in Spanish; the page shows the one in the
// reader's page language when there is one, with a link to the other,
// and ?text= picks a text without changing the language of the page
// around it. Signatories, counts and the sign form are the statement's,
// shared by both texts.

import (
	"context"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// textParam is the query parameter that picks a statement's text.
const textParam = "text"

// textChoice is what the statement page knows about the text it shows.
type textChoice struct {
	// Param is the ?text= the reader chose, kept in the page's own links
	// (the region filter, the pages of signatories, the sign form), or ""
	// when the text follows the page language.
	Param string
	// Switch leads to the statement's other text, when it has one.
	Switch *textSwitch
	// OnlyIn is the language of the only text there is, when the page is
	// in another one.
	OnlyIn string
}

// Query is Param as a query string to append to the page's links.
func (t textChoice) Query() string {
	if t.Param == "" {
		return ""
	}
	return "?" + url.Values{textParam: {t.Param}}.Encode()
}

// textSwitch is the link to a statement's other text. Its label is in
// the language it leads to ("Leer en español"), as the language switch
// in the header names each language in itself: a reader who needs it
// can read it.
type textSwitch struct {
	URL, Lang, Label string
}

// chosenText reads ?text=, or "" for none or one Signon does not speak.
func chosenText(c echo.Context) string {
	if v := c.QueryParam(textParam); signon.ValidLanguage(v) {
		return v
	}
	return ""
}

// showText makes the statement page show the text of data.St in the
// reader's language, or the one ?text= picks: data.St becomes a copy
// carrying that text (so the title, the description and everything
// drawn from the statement follow it), and ContentLang marks the text
// when it is not in the page's language.
func (s *Server) showText(c echo.Context, data *statementPage) error {
	st := data.St
	translations, err := s.db.Translations(c.Request().Context(), st.ID)
	if err != nil {
		return err
	}
	want := data.Lang()
	if chosen := chosenText(c); chosen != "" {
		want = chosen
		data.Text.Param = chosen
	}
	text := st.TextIn(want, translations)

	if translation := st.Translation(translations); translation != nil {
		other := st.Language
		if text.Language == st.Language {
			other = translation.Language
		}
		data.Text.Switch = &textSwitch{
			URL:   data.Path + "?" + url.Values{textParam: {other}}.Encode(),
			Lang:  other,
			Label: newTranslator(s.bundle, other).T("translation.read_in"),
		}
	} else if text.Language != data.Lang() {
		data.Text.OnlyIn = text.Language
	}

	data.St = st.WithText(text)
	data.page.Title, data.MetaDesc = text.Title, text.Summary
	data.ContentLang = ""
	if text.Language != data.Lang() {
		data.ContentLang = text.Language
	}
	return nil
}

// textQuery is ?text= as the request carried it, for a redirect back to
// the statement page, or "".
func textQuery(c echo.Context) string {
	if chosen := chosenText(c); chosen != "" {
		return textParam + "=" + chosen
	}
	return ""
}

// statementsIn shows each statement of list in lang where it has a text
// in lang, with one query for the whole list. The statements returned
// are copies for showing; the list passed in is left as it was.
func (s *Server) statementsIn(ctx context.Context, lang string, list []*signon.Statement) ([]*signon.Statement, error) {
	var ids []int64
	for _, st := range list {
		if st.Language != lang {
			ids = append(ids, st.ID)
		}
	}
	if len(ids) == 0 {
		return list, nil
	}
	translations, err := s.db.TranslationsIn(ctx, lang, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*signon.Statement, len(list))
	for i, st := range list {
		out[i] = st
		if t, ok := translations[st.ID]; ok && st.Language != lang {
			out[i] = st.WithText(t)
		}
	}
	return out, nil
}

// apiStatementText is a translation in the JSON API.
type apiStatementText struct {
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	Body        string `json:"body"`
	BodyHTML    string `json:"body_html"`
	AddressedTo string `json:"addressed_to"`
	Occasion    string `json:"occasion"`
}

// apiTranslations is the statement's translations by language, for
// GET /api/v1/statements/{slug}: an empty object when there are none.
func (s *Server) apiTranslations(ctx context.Context, st *signon.Statement) (map[string]apiStatementText, error) {
	translations, err := s.db.Translations(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]apiStatementText{}
	if t := st.Translation(translations); t != nil {
		body, err := s.md.HTML(t.Body)
		if err != nil {
			return nil, err
		}
		out[t.Language] = apiStatementText{
			Title: t.Title, Summary: t.Summary, Body: t.Body, BodyHTML: string(body),
			AddressedTo: t.AddressedTo, Occasion: t.Occasion,
		}
	}
	return out, nil
}
