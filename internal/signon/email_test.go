package signon

import "testing"

func TestRedactPrivateLinks(t *testing.T) {
	t.Parallel()
	const token = "hV3x0hZ4S6Vx0mE3fX8Qb2r1Yc7aL9nP0kT5uW2dJ4s"
	for _, tt := range []struct{ in, want string }{
		{"Confirm: https://sign.example.org/confirm/" + token + "\n", "Confirm: https://sign.example.org/confirm/…\n"},
		{`<a href="https://sign.example.org/my/` + token + `">`, `<a href="https://sign.example.org/my/…">`},
		{"https://sign.example.org/i/" + token + "?lang=es", "https://sign.example.org/i/…?lang=es"},
		{"https://sign.example.org/invite/" + token, "https://sign.example.org/invite/…"},
		// Public pages and short paths are not tokens.
		{"https://sign.example.org/s/letter-to-the-summit-leaders-2026-north-america", "https://sign.example.org/s/letter-to-the-summit-leaders-2026-north-america"},
		{"https://sign.example.org/confirm/resend", "https://sign.example.org/confirm/resend"},
	} {
		if got := RedactPrivateLinks(tt.in); got != tt.want {
			t.Errorf("RedactPrivateLinks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
