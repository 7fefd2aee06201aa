package server

// The page where coordinators write a statement's text in its other
// language: the Spanish of an English letter, or the English of a
// Spanish one. Each field of the original sits beside the field being
// translated, so whoever translates works down one page. Like the
// statement form, it previews the body's Markdown and keeps what was
// typed when something is wrong; a published statement's texts are final.

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// translationForm is the translation as the browser posts it.
type translationForm struct {
	Title       string `form:"title"`
	Summary     string `form:"summary"`
	AddressedTo string `form:"addressed_to"`
	Occasion    string `form:"occasion"`
	Body        string `form:"body"`
	// Preview, set by the Preview button, asks for the form back with
	// the body rendered instead of saving.
	Preview string `form:"preview"`
}

func translationFormOf(t *signon.StatementText) translationForm {
	return translationForm{Title: t.Title, Summary: t.Summary, AddressedTo: t.AddressedTo, Occasion: t.Occasion, Body: t.Body}
}

// text maps the form to the domain's text in lang, which the statement
// decides, never the form.
func (f translationForm) text(lang string) *signon.StatementText {
	return &signon.StatementText{
		Language: lang, Title: f.Title, Summary: f.Summary, Body: f.Body,
		AddressedTo: f.AddressedTo, Occasion: f.Occasion,
	}
}

func (f translationForm) value(name string) string {
	switch name {
	case "title":
		return f.Title
	case "summary":
		return f.Summary
	case "addressed_to":
		return f.AddressedTo
	case "occasion":
		return f.Occasion
	case "body":
		return f.Body
	}
	return ""
}

// translationField describes one field of the translation form, in the
// order of the page (which is also that of the error summary).
type translationField struct {
	Name      string
	LabelKey  string
	HintKey   string
	Required  bool
	MaxLength int
	Rows      int // a textarea of this many rows; 0 for a one-line input
}

var translationFields = []translationField{
	{Name: "title", LabelKey: "coordinate.field.title", Required: true, MaxLength: signon.MaxTitle},
	{Name: "summary", LabelKey: "coordinate.field.summary", MaxLength: signon.MaxSummary, Rows: 3},
	{Name: "addressed_to", LabelKey: "coordinate.field.addressed_to", MaxLength: signon.MaxAddressedTo},
	{Name: "occasion", LabelKey: "coordinate.field.occasion", MaxLength: signon.MaxOccasion},
	{Name: "body", LabelKey: "coordinate.field.body", HintKey: "translation.body_hint", Required: true, Rows: 20},
}

// translationPage is the form, filled from the stored translation, or as
// submitted with its problems.
type translationPage struct {
	*page
	Statement *signon.Statement
	Language  string // the language being written
	Form      translationForm
	Action    string
	Errors    map[string]string
	ErrorList []fieldProblem
	Error     string
	Preview   template.HTML
	// OriginalHTML is the statement's own body, rendered, for reference.
	OriginalHTML template.HTML
}

// translationInput is what the page's field template needs to draw one
// field with the original beside it.
type translationInput struct {
	translationField
	Label, Hint, Value, Error string
	Lang                      string // the language being written
	Original, OriginalLang    string
	OriginalLabel, Empty      string
}

// Field prepares the field name for the template.
func (p translationPage) Field(name string) translationInput {
	in := translationInput{
		Value: p.Form.value(name), Error: p.Errors[name], Lang: p.Language, OriginalLang: p.Statement.Language,
		OriginalLabel: p.T("translation.original", "Language", p.T("translation.language."+p.Statement.Language)),
		Empty:         p.T("translation.original_empty"),
	}
	for _, f := range translationFields {
		if f.Name == name {
			in.translationField = f
		}
	}
	in.Label = p.T(in.LabelKey)
	if in.HintKey != "" {
		in.Hint = p.T(in.HintKey)
	}
	switch name {
	case "title":
		in.Original = p.Statement.Title
	case "summary":
		in.Original = p.Statement.Summary
	case "addressed_to":
		in.Original = p.Statement.AddressedTo
	case "occasion":
		in.Original = p.Statement.Occasion
	case "body":
		in.Original = p.Statement.Body
	}
	return in
}

// DescribedBy lists the ids of the field's original, hint and error, for
// aria-describedby: a screen reader hears the original with the field.
func (in translationInput) DescribedBy() string {
	ids := []string{in.Name + "-original"}
	if in.Hint != "" {
		ids = append(ids, in.Name+"-hint")
	}
	if in.Error != "" {
		ids = append(ids, in.Name+"-error")
	}
	return strings.Join(ids, " ")
}

func translationURL(id int64) string {
	return manageURL(id) + "/translation"
}

func (s *Server) renderTranslationForm(c echo.Context, status int, st *signon.Statement, f translationForm, formErr error) error {
	p := s.newPage(c, "")
	lang := st.TranslationLanguage()
	p.NoIndex, p.Path = true, translationURL(st.ID) // also after a post
	p.Title = p.T("translation.title", "Language", p.T("translation.language."+lang), "Title", st.Title)
	data := translationPage{page: p, Statement: st, Language: lang, Form: f, Action: translationURL(st.ID)}
	if formErr != nil {
		data.Errors, data.Error = p.Problems(formErr), p.Error(formErr)
		for _, field := range translationFields {
			if msg, ok := data.Errors[field.Name]; ok {
				data.ErrorList = append(data.ErrorList, fieldProblem{Field: field.Name, Message: msg})
			}
		}
	}
	var err error
	if data.OriginalHTML, err = s.md.HTML(st.Body); err != nil {
		return err
	}
	if f.Preview != "" {
		if data.Preview, err = s.md.HTML(f.Body); err != nil {
			return err
		}
	}
	return s.render(c, status, "coordinate_translation", data)
}

// handleTranslationForm serves GET /coordinate/statements/:id/translation.
func (s *Server) handleTranslationForm(c echo.Context) error {
	st, err := s.editableStatement(c)
	if err != nil {
		return err
	}
	translations, err := s.db.Translations(c.Request().Context(), st.ID)
	if err != nil {
		return err
	}
	var f translationForm
	if t := st.Translation(translations); t != nil {
		f = translationFormOf(t)
	}
	return s.renderTranslationForm(c, http.StatusOK, st, f, nil)
}

// handleSaveTranslation serves POST /coordinate/statements/:id/translation.
func (s *Server) handleSaveTranslation(c echo.Context) error {
	st, err := s.editableStatement(c)
	if err != nil {
		return err
	}
	var f translationForm
	if err := c.Bind(&f); err != nil {
		return signon.Errorf(signon.EINVALID, "Malformed form.")
	}
	if f.Preview != "" {
		return s.renderTranslationForm(c, http.StatusOK, st, f, nil)
	}
	err = s.db.SaveTranslation(c.Request().Context(), st.ID, f.text(st.TranslationLanguage()), currentAccount(c).ID)
	if status, ok := formFailure(err); ok {
		return s.renderTranslationForm(c, status, st, f, err)
	} else if err != nil {
		return err
	}
	return redirect(c, manageURL(st.ID)+"?done=translation")
}

// translationEventDetail names the language of a statement.translation
// event's text in the page's words.
func translationEventDetail(p *page, lang string) string {
	if name := p.T("translation.language." + lang); name != "translation.language."+lang {
		return name
	}
	return lang
}
