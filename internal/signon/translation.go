package signon

import (
	"context"
	"strings"
)

// StatementText is a statement's words in one language: its own text in
// its primary language, or a translation. A coalition of migrant-led
// groups publishes in English and Spanish; the signatories, the counts
// and the lifecycle are the statement's, shared by every text.
type StatementText struct {
	Language    string
	Title       string
	Summary     string
	Body        string // Markdown
	AddressedTo string
	Occasion    string
}

// PrimaryText is the statement's own text, in its primary language.
func (s *Statement) PrimaryText() *StatementText {
	return &StatementText{
		Language: s.Language, Title: s.Title, Summary: s.Summary, Body: s.Body,
		AddressedTo: s.AddressedTo, Occasion: s.Occasion,
	}
}

// WithText returns a copy of s whose words (and Language) are t's, so a
// page or listing that shows a statement in a reader's language needs no
// second set of fields. The copy is for showing only; it is never stored.
func (s *Statement) WithText(t *StatementText) *Statement {
	shown := *s
	shown.Language, shown.Title, shown.Summary, shown.Body = t.Language, t.Title, t.Summary, t.Body
	shown.AddressedTo, shown.Occasion = t.AddressedTo, t.Occasion
	return &shown
}

// Validate tidies t (surrounding spaces) and checks it as a translation
// of s: a language Signon speaks other than s's primary language, and
// the same requirements and limits as the statement's own text.
func (t *StatementText) Validate(s *Statement) error {
	p := Problems{}
	switch {
	case !ValidLanguage(t.Language):
		p.Add("language", ProblemInvalidChoice, 0)
	case t.Language == s.Language:
		// Two texts in one language would leave readers to guess which
		// is the statement.
		p.Add("language", ProblemSameLanguage, 0)
	}
	requireText(p, "title", t.Title, MaxTitle)
	optionalText(p, "summary", t.Summary, MaxSummary)
	requireText(p, "body", t.Body, MaxBody)
	optionalText(p, "addressed_to", t.AddressedTo, MaxAddressedTo)
	optionalText(p, "occasion", t.Occasion, MaxOccasion)
	if err := p.Err(); err != nil {
		return err
	}
	t.Title = strings.TrimSpace(t.Title)
	t.Summary = strings.TrimSpace(t.Summary)
	t.Body = strings.TrimSpace(t.Body)
	t.AddressedTo = strings.TrimSpace(t.AddressedTo)
	t.Occasion = strings.TrimSpace(t.Occasion)
	return nil
}

// Same reports whether t and o say the same thing in the same language.
func (t *StatementText) Same(o *StatementText) bool {
	return *t == *o
}

// ProblemSameLanguage is a translation in the statement's own language.
const ProblemSameLanguage = "same_language"

// TranslationLanguage is the language a statement is translated into:
// Signon speaks two, so it is the one the statement is not written in.
func (s *Statement) TranslationLanguage() string {
	for _, l := range Languages {
		if l != s.Language {
			return l
		}
	}
	return ""
}

// TextIn picks the text of s to show in lang: the primary text or a
// translation in that language, or else the primary text. A translation
// left in the primary language by a later change of that language is
// never chosen: the statement's own text wins.
func (s *Statement) TextIn(lang string, translations []*StatementText) *StatementText {
	if lang != s.Language {
		for _, t := range translations {
			if t.Language == lang {
				return t
			}
		}
	}
	return s.PrimaryText()
}

// Translation returns the translation of s among translations in the
// language that is not its primary one, or nil.
func (s *Statement) Translation(translations []*StatementText) *StatementText {
	lang := s.TranslationLanguage()
	for _, t := range translations {
		if t.Language == lang {
			return t
		}
	}
	return nil
}

// TranslationService stores the texts of a statement in other languages
// than its primary one.
type TranslationService interface {
	// SaveTranslation adds or replaces the translation of statement
	// statementID in text.Language, recorded as done by the account by.
	// A published statement's texts are final. text is tidied in place.
	SaveTranslation(ctx context.Context, statementID int64, text *StatementText, by int64) error
	// Translations lists the translations of a statement by language.
	Translations(ctx context.Context, statementID int64) ([]*StatementText, error)
	// TranslationsIn returns, of the statements ids, the translations in
	// lang, by statement id: one query for a whole listing.
	TranslationsIn(ctx context.Context, lang string, ids []int64) (map[int64]*StatementText, error)
}
