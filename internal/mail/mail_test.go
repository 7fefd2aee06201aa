package mail_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/mailtest"
	"github.com/signon-coalition/signon/internal/signon"
)

func TestNewSMTP(t *testing.T) {
	t.Parallel()
	const from = "Red de Migrantes <cartas@example.org>"
	for _, tt := range []struct {
		url, from string
		wantErr   string // "" for a valid configuration
	}{
		{"smtp://user:secret@smtp.example.org:587", from, ""},
		{"smtp://smtp.example.org", from, ""},
		{"smtps://user:secret@smtp.example.org", from, ""},
		{"smtp://localhost:25?tls=none", from, ""},
		{"smtp://smtp.example.org?tls=starttls", from, ""},
		{"smtp://smtp.example.org", "", "SIGNON_MAIL_FROM is required"},
		{"smtp://smtp.example.org", "not an address", "is not an address"},
		{"smtp://:587", from, "names no host"},
		{"smtp://smtp.example.org:port", from, "not a URL"},
		{"smtp://smtp.example.org:99999x", from, "not a URL"},
		{"http://smtp.example.org", from, "use smtp:// or smtps://"},
		{"smtps://smtp.example.org?tls=none", from, "use smtp:// or smtps://"},
		{"smtp://smtp.example.org?tls=maybe", from, "use smtp:// or smtps://"},
	} {
		_, err := mail.NewSMTP(tt.url, tt.from)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("NewSMTP(%q, %q) = %v, want no error", tt.url, tt.from, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("NewSMTP(%q, %q) = %v, want an error saying %q", tt.url, tt.from, err, tt.wantErr)
		}
	}
	// A password in the URL never appears in an error about it.
	_, err := mail.NewSMTP("ftp://user:hunter2@smtp.example.org", from)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v shows the password", err)
	}
}

func TestNew_WithoutSMTPLogs(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	s, err := mail.New("", "", slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &signon.Email{ID: 7, Kind: signon.EmailConfirm, ToAddress: "ana@example.org", Subject: "Confirm", TextBody: "Open https://sign.example.org/confirm/abc"}
	if err := s.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if s.Delivered() != signon.EmailLogged {
		t.Errorf("Delivered() = %s, want logged", s.Delivered())
	}
	for _, want := range []string{"ana@example.org", "https://sign.example.org/confirm/abc", "SIGNON_SMTP_URL"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

func TestSMTP_Send(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(srv.URL(), "Red de Migrantes <cartas@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	e := &signon.Email{ToAddress: "luis@example.org", Language: "es", Subject: "Confirma tu firma: «Carta»",
		TextBody: "Hola, Luis.\nConfirma aquí: https://sign.example.org/confirm/x\n", HTMLBody: "<p>Hola, <b>Luis</b>.</p>"}
	if err := s.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	m := srv.To(t, "luis@example.org")
	if m.Subject != e.Subject || m.Text != e.TextBody || m.HTML != e.HTMLBody || m.Language != "es" {
		t.Errorf("received %+v", m)
	}
	if from := m.Header.Get("From"); !strings.Contains(from, "cartas@example.org") {
		t.Errorf("From: %q", from)
	}
	// A refusal is an error, so the job tries again.
	srv.SetFailing(true)
	if err := s.Send(context.Background(), e); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("Send to a refusing server = %v, want the 451", err)
	}
}
