// Package mail delivers Signon's emails: over SMTP when SIGNON_SMTP_URL
// names a server, or into the log when none is configured, so the whole
// sign-and-confirm flow works on a laptop (coordinators read the
// messages on the outbox page). Messages are rendered and stored before
// they get here; a sender only sends one.
package mail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/signon-coalition/signon/internal/signon"
)

// Sender delivers one email. A returned error means it was not accepted
// and may be tried again.
type Sender interface {
	Send(ctx context.Context, e *signon.Email) error
	// Delivered is the status an email has once Send succeeds.
	Delivered() signon.EmailStatus
}

// New returns the sender for smtpURL, or a LogSender when it is empty.
// from is the From address, such as "Coalition <letters@example.org>".
func New(smtpURL, from string, log *slog.Logger) (Sender, error) {
	if smtpURL == "" {
		return &LogSender{Log: log}, nil
	}
	return NewSMTP(smtpURL, from)
}

// LogSender writes each email to the log instead of sending it.
type LogSender struct{ Log *slog.Logger }

// Send logs e, its text part included, so whoever runs Signon without
// SMTP can follow the links in it.
func (s *LogSender) Send(ctx context.Context, e *signon.Email) error {
	s.Log.InfoContext(ctx, "email not sent: no SMTP server configured (SIGNON_SMTP_URL)",
		"id", e.ID, "kind", e.Kind, "to", e.ToAddress, "subject", e.Subject, "text", e.TextBody)
	return nil
}

// Delivered is signon.EmailLogged.
func (s *LogSender) Delivered() signon.EmailStatus { return signon.EmailLogged }

// SMTP sends over SMTP with github.com/wneessen/go-mail.
type SMTP struct {
	from string
	host string
	opts []gomail.Option
}

// NewSMTP parses an SMTP URL:
//
//	smtp://user:password@host:587   STARTTLS required (the default port is 587)
//	smtps://user:password@host:465  TLS from the first byte (default port 465)
//	smtp://host:25?tls=none         no encryption, for a relay on the same host
//
// Credentials, when present, are sent with the best mechanism the server
// offers, and only over an encrypted connection unless tls=none.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("mail: SIGNON_SMTP_URL is not a URL")
	}
	if from == "" {
		return nil, errors.New("mail: SIGNON_MAIL_FROM is required with SIGNON_SMTP_URL")
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("mail: SIGNON_MAIL_FROM %q is not an address: %w", from, err)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("mail: SIGNON_SMTP_URL %q names no host", u.Redacted())
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 0
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: SIGNON_SMTP_URL port %q is not a number", p)
		}
	}
	switch tls := u.Query().Get("tls"); {
	case u.Scheme == "smtps" && tls == "":
		opts = append(opts, gomail.WithSSL())
		port = cmp.Or(port, 465)
	case u.Scheme == "smtp" && tls == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		port = cmp.Or(port, 25)
	case u.Scheme == "smtp" && (tls == "" || tls == "starttls"):
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		port = cmp.Or(port, 587)
	default:
		return nil, fmt.Errorf("mail: SIGNON_SMTP_URL %q: use smtp:// or smtps://, and tls=starttls or tls=none", u.Redacted())
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &SMTP{from: from, host: host, opts: opts}, nil
}

// Send delivers e with its plain-text part first and the HTML part as
// the alternative, in one connection of its own.
func (s *SMTP) Send(ctx context.Context, e *signon.Email) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return err
	}
	if err := m.To(e.ToAddress); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	m.Subject(e.Subject)
	m.SetMessageID()
	m.SetDate()
	m.SetGenHeader(gomail.HeaderContentLang, e.Language)
	m.SetBodyString(gomail.TypeTextPlain, e.TextBody)
	m.AddAlternativeString(gomail.TypeTextHTML, e.HTMLBody)
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}

// Delivered is signon.EmailSent.
func (s *SMTP) Delivered() signon.EmailStatus { return signon.EmailSent }
