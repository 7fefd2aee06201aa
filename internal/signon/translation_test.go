package signon

import (
	"reflect"
	"testing"
)

func TestStatement_TextIn(t *testing.T) {
	letter := &Statement{ID: 7, Slug: "letter", Language: "en", Title: "Letter", Summary: "Sum", Body: "We ask.",
		AddressedTo: "Leaders", Occasion: "Summit", Version: 3}
	es := &StatementText{Language: "es", Title: "Carta", Body: "Pedimos."}
	// A translation left in the primary language by a later change of it.
	stale := &StatementText{Language: "en", Title: "Stale", Body: "Old."}

	tests := []struct {
		name         string
		lang         string
		translations []*StatementText
		want         string // the title of the text chosen
		translation  *StatementText
	}{
		{"PrimaryInItsLanguage", "en", []*StatementText{es}, "Letter", es},
		{"TranslationInItsLanguage", "es", []*StatementText{es}, "Carta", es},
		{"NoTranslation", "es", nil, "Letter", nil},
		{"StaleTranslationNeverChosen", "en", []*StatementText{stale}, "Letter", nil},
		{"StaleBesideCurrent", "es", []*StatementText{stale, es}, "Carta", es},
		{"UnknownLanguage", "fr", []*StatementText{es}, "Letter", es},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := letter.TextIn(tt.lang, tt.translations); got.Title != tt.want {
				t.Errorf("TextIn(%s) = %q, want %q", tt.lang, got.Title, tt.want)
			}
			if got := letter.Translation(tt.translations); got != tt.translation {
				t.Errorf("Translation() = %+v, want %+v", got, tt.translation)
			}
		})
	}

	t.Run("WithText", func(t *testing.T) {
		shown := letter.WithText(es)
		want := *letter
		want.Language, want.Title, want.Summary, want.Body, want.AddressedTo, want.Occasion = "es", "Carta", "", "Pedimos.", "", ""
		if !reflect.DeepEqual(*shown, want) {
			t.Errorf("WithText = %+v, want %+v", *shown, want)
		}
		if letter.Title != "Letter" || letter.Language != "en" {
			t.Errorf("WithText changed the statement: %+v", letter)
		}
		if got := letter.WithText(letter.PrimaryText()); !reflect.DeepEqual(got, letter) {
			t.Errorf("WithText(PrimaryText()) = %+v, want the statement as it is", got)
		}
	})
}

func TestStatement_TranslationLanguage(t *testing.T) {
	for primary, want := range map[string]string{"en": "es", "es": "en"} {
		if got := (&Statement{Language: primary}).TranslationLanguage(); got != want {
			t.Errorf("TranslationLanguage of %s = %q, want %q", primary, got, want)
		}
	}
}

func TestStatementText_Validate(t *testing.T) {
	st := &Statement{Language: "en"}
	text := &StatementText{Language: "es", Title: "  Carta \n", Summary: " Resumen ", Body: "\tPedimos.\n", AddressedTo: " Líderes ", Occasion: " Cumbre "}
	if err := text.Validate(st); err != nil {
		t.Fatal(err)
	}
	want := StatementText{Language: "es", Title: "Carta", Summary: "Resumen", Body: "Pedimos.", AddressedTo: "Líderes", Occasion: "Cumbre"}
	if *text != want {
		t.Errorf("Validate tidied to %+v, want %+v", *text, want)
	}

	// Refused, a text is left as it was given.
	bad := &StatementText{Language: "en", Title: " Letter ", Body: "x"}
	err := bad.Validate(st)
	if ErrorCode(err) != EINVALID || !reflect.DeepEqual(ErrorFields(err), map[string]Problem{"language": {Code: ProblemSameLanguage}}) {
		t.Errorf("same language: %v, fields %v", err, ErrorFields(err))
	}
	if bad.Title != " Letter " {
		t.Errorf("refused text changed: title %q", bad.Title)
	}
	if got := (Problem{Code: ProblemSameLanguage}).Message(); got != "Choose a language other than the statement's own." {
		t.Errorf("message %q", got)
	}
}
