package server

import (
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/web"
)

func TestEventLabelAndDetail(t *testing.T) {
	bundle, err := newBundle(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lang         string
		event        signon.Event
		what, detail string
	}{
		{"en", signon.Event{Action: "statement.open"}, "Opened it for signatures", ""},
		{"en", signon.Event{Action: "signature.update", Detail: `[{"field":"website","from":"","to":"https://casa.org"},{"field":"country","from":"US","to":"MX"}]`},
			"Corrected a signature", "Website: (empty) → “https://casa.org”; Country: “United States” → “Mexico”"},
		{"es", signon.Event{Action: "signature.reject", Detail: "pending → rejected\nNo es un grupo real"},
			"Rechazó una firma", "Espera aprobación → Rechazada; motivo: No es un grupo real"},
		{"es", signon.Event{Action: "signature.import", Detail: "1"}, "Importó firmas de un archivo CSV", "1 firma"},
		{"en", signon.Event{Action: "signature.merge", Detail: `{"kept":1,"kept_name":"CASA de Maryland","merged":2,"merged_name":"CASA","filled":["city"]}`},
			"Merged two signatures", "CASA (#2) merged into CASA de Maryland (#1); filled in: City"},
		// An action Signon has no words for yet shows as it is.
		{"en", signon.Event{Action: "member.remind", Detail: "plain"}, "member.remind", "plain"},
		{"es", signon.Event{Action: "signature.update", Detail: "not json"}, "Corrigió una firma", "not json"},
	} {
		p := &page{translator: newTranslator(bundle, tt.lang), zone: time.UTC}
		if got := eventLabel(p, tt.event.Action); got != tt.what {
			t.Errorf("%s eventLabel(%s) = %q, want %q", tt.lang, tt.event.Action, got, tt.what)
		}
		if got := eventDetail(p, &tt.event); got != tt.detail {
			t.Errorf("%s eventDetail(%s) = %q, want %q", tt.lang, tt.event.Action, got, tt.detail)
		}
	}
}
