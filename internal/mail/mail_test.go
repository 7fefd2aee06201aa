package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

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

// Without SMTP each email is one short log line that names it, without
// its body: no private link, no recipient's address.
func TestNew_WithoutSMTPLogs(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	s, err := mail.New("", "", slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &signon.Email{ID: 7, Kind: signon.EmailConfirm, ToAddress: "ana.lopez@example.org", Subject: "Confirm",
		TextBody: "Open https://sign.example.org/confirm/hV3x0hZ4S6Vx0mE3fX8Qb2r1Yc7aL9nP0kT5uW2dJ4s\nand keep https://sign.example.org/my/Qb2r1Yc7aL9nP0kT5uW2dJ4shV3x0hZ4S6Vx0mE3fX8"}
	if err := s.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if s.Delivered() != signon.EmailLogged {
		t.Errorf("Delivered() = %s, want logged", s.Delivered())
	}
	got := log.String()
	for _, want := range []string{"email_id=7", "kind=confirm", "to_domain=example.org"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"/confirm/", "/my/", "hV3x0hZ4", "ana.lopez", "Open "} {
		if strings.Contains(got, secret) {
			t.Errorf("log shows %q:\n%s", secret, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 1 {
		t.Errorf("%d log lines for one email, want 1:\n%s", n, got)
	}
}

func TestSMTP_Send(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(srv.URL(), "Red de Migrantes <cartas@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	e := &signon.Email{ID: 42, ToAddress: "luis@example.org", Language: "es", Subject: "Confirma tu firma: «Carta»",
		TextBody: "Hola, Luis.\nConfirma aquí: https://sign.example.org/confirm/x\n", HTMLBody: "<p>Hola, <b>Luis</b>.</p>",
		CreatedAt: time.Date(2026, 11, 3, 15, 4, 5, 123456000, time.UTC)}
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
	// The Message-ID is the email's, the same at every attempt.
	if got, want := m.Header.Get("Message-Id"), "<"+mail.MessageID(e, "example.org")+">"; got != want {
		t.Errorf("Message-ID: %q, want %q", got, want)
	}
	// A refusal is an error, so the job tries again.
	srv.SetFailing(true)
	if err := s.Send(context.Background(), e); err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("Send to a refusing server = %v, want the 451", err)
	}
}

// Messages go one after another on one kept-open connection; one the
// server has closed meanwhile is replaced, and its message still goes
// once.
func TestSMTP_KeepsConnectionOpen(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	s, err := mail.NewSMTP(srv.URL(), "Red de Migrantes <cartas@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	send := func(i int) {
		t.Helper()
		e := &signon.Email{ID: int64(i), ToAddress: fmt.Sprintf("m%d@example.org", i), Language: "en",
			Subject: "Confirm", TextBody: "Hello", HTMLBody: "<p>Hello</p>", CreatedAt: time.Now()}
		if err := s.Send(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		send(i)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("5 messages took %d connections, want 1", n)
	}
	srv.CloseConnections()
	send(5)
	if n := srv.Connections(); n != 2 {
		t.Errorf("after the server closed the connection: %d connections, want 2", n)
	}
	got := map[string]int{}
	for _, m := range srv.Wait(t, 6) {
		got[m.To[0]]++
	}
	for i := range 6 {
		if to := fmt.Sprintf("m%d@example.org", i); got[to] != 1 {
			t.Errorf("%s received %d copies, want 1", to, got[to])
		}
	}
}
