package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// spanishText is a valid Spanish translation of newStatement's letter.
func spanishText() *signon.StatementText {
	return &signon.StatementText{
		Language:    "es",
		Title:       "Carta a los líderes de América del Norte",
		Summary:     "Organizaciones migrantes piden paso seguro.",
		Body:        "Las organizaciones abajo firmantes…",
		AddressedTo: "Los líderes de Canadá, México y Estados Unidos",
		Occasion:    "Cumbre de Líderes de América del Norte",
	}
}

func wantTranslations(t *testing.T, db *store.DB, id int64, want ...*signon.StatementText) {
	t.Helper()
	got, err := db.Translations(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		want = []*signon.StatementText{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Translations(%d) = %s, want %s", id, showTexts(got), showTexts(want))
	}
}

func showTexts(list []*signon.StatementText) string {
	var b strings.Builder
	for _, x := range list {
		b.WriteString("\n  ")
		b.WriteString(strings.Join([]string{x.Language, x.Title, x.Summary, x.Body, x.AddressedTo, x.Occasion}, " | "))
	}
	return "[" + b.String() + "]"
}

// translationEvents lists the statement's statement.translation events'
// details, newest first.
func translationEvents(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	events, err := db.StatementEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range events {
		if e.Action == "statement.translation" {
			out = append(out, e.Detail)
		}
	}
	return out
}

func TestTranslationService_SaveTranslation(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			ctx := context.Background()
			a := createAccount(t, db, "")

			t.Run("AddThenReplaceInDraft", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "draft-letter")
				wantTranslations(t, db, s.ID)

				es := spanishText()
				es.Title = "  " + es.Title + "\n"
				if err := db.SaveTranslation(ctx, s.ID, es, a.ID); err != nil {
					t.Fatal(err)
				}
				if es.Title != spanishText().Title {
					t.Errorf("saved title = %q, want it trimmed", es.Title)
				}
				wantTranslations(t, db, s.ID, spanishText())

				changed := spanishText()
				changed.Body, changed.Summary = "Nosotras, las organizaciones firmantes…", ""
				if err := db.SaveTranslation(ctx, s.ID, changed, a.ID); err != nil {
					t.Fatal(err)
				}
				wantTranslations(t, db, s.ID, changed)

				// A draft's text is not yet signed by anyone: no version.
				got, err := db.StatementByID(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Version != 1 {
					t.Errorf("Version = %d after translating a draft, want 1", got.Version)
				}
				events, err := db.StatementEvents(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(events) != 3 || events[0].Action != "statement.translation" || events[0].Detail != "es" ||
					events[0].AccountID == nil || *events[0].AccountID != a.ID {
					t.Errorf("newest event = %+v, want statement.translation of es by %d", events[0], a.ID)
				}
				if got := translationEvents(t, db, s.ID); !reflect.DeepEqual(got, []string{"es", "es"}) {
					t.Errorf("translation events = %q, want two for es", got)
				}
			})

			t.Run("OpenStatementKeepsVersion", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "open-letter")
				opened, err := db.TransitionStatement(ctx, s.ID, signon.ActionOpen, nil, t0, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				for i, text := range []*signon.StatementText{spanishText(), spanishText(), {Language: "es", Title: "Otra", Body: "Otro texto."}} {
					if err := db.SaveTranslation(ctx, s.ID, text, a.ID); err != nil {
						t.Fatalf("save %d: %v", i, err)
					}
				}
				got, err := db.StatementByID(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				// The version follows the primary text, which did not change.
				if got.Version != opened.Version || !got.UpdatedAt.Equal(opened.UpdatedAt) {
					t.Errorf("Version, UpdatedAt = %d, %v; want %d, %v as before", got.Version, got.UpdatedAt, opened.Version, opened.UpdatedAt)
				}
				// The second save changed nothing, so it recorded nothing.
				if got := translationEvents(t, db, s.ID); !reflect.DeepEqual(got, []string{"es", "es"}) {
					t.Errorf("translation events = %q, want the two changes", got)
				}
				wantTranslations(t, db, s.ID, &signon.StatementText{Language: "es", Title: "Otra", Body: "Otro texto."})
			})

			t.Run("SpanishPrimaryTakesEnglish", func(t *testing.T) {
				s := newStatement("carta")
				s.Language = "es"
				if err := db.CreateStatement(ctx, s, a.ID); err != nil {
					t.Fatal(err)
				}
				en := &signon.StatementText{Language: "en", Title: "Letter", Body: "We ask."}
				if err := db.SaveTranslation(ctx, s.ID, en, 0); err != nil {
					t.Fatal(err)
				}
				wantTranslations(t, db, s.ID, en)
				events, err := db.StatementEvents(ctx, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				if events[0].AccountID != nil {
					t.Errorf("event account = %d, want none for by 0", *events[0].AccountID)
				}
			})

			t.Run("Invalid", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "invalid-translations")
				tests := []struct {
					name    string
					change  func(*signon.StatementText)
					field   string
					problem signon.Problem
				}{
					{"SameLanguageAsPrimary", func(x *signon.StatementText) { x.Language = "en" }, "language", signon.Problem{Code: signon.ProblemSameLanguage}},
					{"UnknownLanguage", func(x *signon.StatementText) { x.Language = "fr" }, "language", signon.Problem{Code: signon.ProblemInvalidChoice}},
					{"NoTitle", func(x *signon.StatementText) { x.Title = "   " }, "title", signon.Problem{Code: signon.ProblemRequired}},
					{"TitleTooLong", func(x *signon.StatementText) { x.Title = strings.Repeat("á", signon.MaxTitle+1) }, "title", signon.Problem{Code: signon.ProblemTooLong, Limit: signon.MaxTitle}},
					{"SummaryTooLong", func(x *signon.StatementText) { x.Summary = strings.Repeat("a", signon.MaxSummary+1) }, "summary", signon.Problem{Code: signon.ProblemTooLong, Limit: signon.MaxSummary}},
					{"NoBody", func(x *signon.StatementText) { x.Body = "" }, "body", signon.Problem{Code: signon.ProblemRequired}},
					{"BodyTooLong", func(x *signon.StatementText) { x.Body = strings.Repeat("a", signon.MaxBody+1) }, "body", signon.Problem{Code: signon.ProblemTooLong, Limit: signon.MaxBody}},
					{"AddressedToTooLong", func(x *signon.StatementText) { x.AddressedTo = strings.Repeat("a", signon.MaxAddressedTo+1) }, "addressed_to", signon.Problem{Code: signon.ProblemTooLong, Limit: signon.MaxAddressedTo}},
					{"OccasionTooLong", func(x *signon.StatementText) { x.Occasion = strings.Repeat("a", signon.MaxOccasion+1) }, "occasion", signon.Problem{Code: signon.ProblemTooLong, Limit: signon.MaxOccasion}},
				}
				for _, tt := range tests {
					t.Run(tt.name, func(t *testing.T) {
						text := spanishText()
						tt.change(text)
						err := db.SaveTranslation(ctx, s.ID, text, a.ID)
						wantCode(t, err, signon.EINVALID)
						want := map[string]signon.Problem{tt.field: tt.problem}
						if got := signon.ErrorFields(err); !reflect.DeepEqual(got, want) {
							t.Errorf("fields = %v, want %v", got, want)
						}
					})
				}
				// At the limits exactly, everything is accepted.
				limits := &signon.StatementText{
					Language: "es", Title: strings.Repeat("á", signon.MaxTitle), Summary: strings.Repeat("é", signon.MaxSummary),
					Body: strings.Repeat("ñ", signon.MaxBody), AddressedTo: strings.Repeat("í", signon.MaxAddressedTo),
					Occasion: strings.Repeat("ó", signon.MaxOccasion),
				}
				if err := db.SaveTranslation(ctx, s.ID, limits, a.ID); err != nil {
					t.Fatalf("text at the limits: %v", err)
				}
				wantTranslations(t, db, s.ID, limits)
				if got := translationEvents(t, db, s.ID); len(got) != 1 {
					t.Errorf("translation events = %q, want only the valid save", got)
				}
			})

			t.Run("PublishedIsFrozen", func(t *testing.T) {
				s := createStatement(t, db, a.ID, "published-letter")
				if err := db.SaveTranslation(ctx, s.ID, spanishText(), a.ID); err != nil {
					t.Fatal(err)
				}
				for i, action := range []signon.Action{signon.ActionOpen, signon.ActionClose, signon.ActionPublish} {
					if _, err := db.TransitionStatement(ctx, s.ID, action, nil, t0.Add(time.Duration(i)*time.Hour), a.ID); err != nil {
						t.Fatal(err)
					}
				}
				changed := spanishText()
				changed.Title = "Cambiada"
				err := db.SaveTranslation(ctx, s.ID, changed, a.ID)
				wantCode(t, err, signon.ECONFLICT)
				if key := signon.ErrorKey(err); key != "error.published_frozen" {
					t.Errorf("key = %q, want error.published_frozen", key)
				}
				wantTranslations(t, db, s.ID, spanishText())
			})

			t.Run("NoStatement", func(t *testing.T) {
				err := db.SaveTranslation(ctx, 987654, spanishText(), a.ID)
				wantCode(t, err, signon.ENOTFOUND)
			})
		})
	}
}

func TestTranslationService_TranslationsIn(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			ctx := context.Background()
			a := createAccount(t, db, "")
			translated := createStatement(t, db, a.ID, "translated")
			untranslated := createStatement(t, db, a.ID, "untranslated")
			other := createStatement(t, db, a.ID, "other")
			if err := db.SaveTranslation(ctx, translated.ID, spanishText(), a.ID); err != nil {
				t.Fatal(err)
			}
			second := &signon.StatementText{Language: "es", Title: "Otra carta", Body: "Texto."}
			if err := db.SaveTranslation(ctx, other.ID, second, a.ID); err != nil {
				t.Fatal(err)
			}

			tests := []struct {
				name string
				lang string
				ids  []int64
				want map[int64]*signon.StatementText
			}{
				{"Spanish", "es", []int64{translated.ID, untranslated.ID}, map[int64]*signon.StatementText{translated.ID: spanishText()}},
				{"Both", "es", []int64{translated.ID, other.ID}, map[int64]*signon.StatementText{translated.ID: spanishText(), other.ID: second}},
				{"English", "en", []int64{translated.ID, untranslated.ID, other.ID}, map[int64]*signon.StatementText{}},
				{"NoIDs", "es", nil, map[int64]*signon.StatementText{}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, err := db.TranslationsIn(ctx, tt.lang, tt.ids)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, tt.want) {
						t.Errorf("TranslationsIn(%s, %v) = %v, want %v", tt.lang, tt.ids, got, tt.want)
					}
				})
			}
		})
	}
}

func TestTranslationSchema(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			ctx := context.Background()
			a := createAccount(t, db, "")
			s := createStatement(t, db, a.ID, "schema")

			t.Run("RefusesWhatTheDomainRefuses", func(t *testing.T) {
				insert := `INSERT INTO statement_translations (statement_id, language, title, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`
				for name, args := range map[string][]any{
					"UnknownLanguage": {s.ID, "fr", "Titre", "Texte", t0, t0},
					"EmptyTitle":      {s.ID, "es", "", "Texto", t0, t0},
					"NoStatement":     {s.ID + 1000, "es", "Título", "Texto", t0, t0},
				} {
					if err := db.Exec(ctx, insert, args...); err == nil {
						t.Errorf("%s: insert succeeded, want the schema to refuse it", name)
					}
				}
				if err := db.Exec(ctx, insert, s.ID, "es", "Título", "Texto", t0, t0); err != nil {
					t.Fatal(err)
				}
				if err := db.Exec(ctx, insert, s.ID, "es", "Otro", "Texto", t0, t0); err == nil {
					t.Error("second es translation inserted, want one per statement and language")
				}
			})

			t.Run("DeletedWithStatement", func(t *testing.T) {
				if err := db.SaveTranslation(ctx, s.ID, spanishText(), a.ID); err != nil {
					t.Fatal(err)
				}
				if err := db.Exec(ctx, "DELETE FROM statements WHERE id = ?", s.ID); err != nil {
					t.Fatal(err)
				}
				wantTranslations(t, db, s.ID)
			})
		})
	}
}
