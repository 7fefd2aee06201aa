package store

import "testing"

func TestFoldForSearch(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Casa de la Raza", "casa de la raza"},
		{"  COALICIÓN   Pro\tDerechos ", "coalicion pro derechos"},
		{"Niñez y Familias", "ninez y familias"},
		{"Québec Solidarité", "quebec solidarite"},
		{"ÅÄÖ øØ ÿŸ Ç", "aao oo yy c"},
		{"Women’s Center", "women's center"},
		{"José", "jose"},       // é written as one character
		{"Jose\u0301", "jose"}, // and as e and a combining accent
		{"ЖЕНЩИНЫ", "ЖЕНЩИНЫ"}, // not folded by either database
		{"ß Æ œ", "ß Æ œ"},     // letters outside the list stay
		{"100% Latino_Org", "100% latino_org"},
		{"", ""},
		{" \t\n", ""},
	}
	for _, tt := range tests {
		if got := foldForSearch(tt.in); got != tt.want {
			t.Errorf("foldForSearch(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContainsPattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Raza", "%raza%"},
		{"100%", `%100\%%`},
		{"first_nations", `%first\_nations%`},
		{`back\slash`, `%back\\slash%`},
		{"%", `%\%%`},
		{"_", `%\_%`},
		{"   ", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := containsPattern(tt.in); got != tt.want {
			t.Errorf("containsPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
