// Package mail delivers Signon's emails: over SMTP when SIGNON_SMTP_URL
// names a server, or into the log when none is configured, so the whole
// sign-and-confirm flow works on a laptop (coordinators read the
// messages on the outbox page). Messages are rendered and stored before
// they get here; a sender only sends one.
package mail

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/signon-coalition/signon/internal/signon"
)

// Sender delivers one email. A returned error means it was not accepted
// and may be tried again.
type Sender interface {
	Send(ctx context.Context, e *signon.Email) error
	// Delivered is the status an email has once Send succeeds.
	Delivered() signon.EmailStatus
	// Close ends what the sender keeps open, once no Send is running.
	Close() error
}

// Timeout bounds each step of an SMTP delivery: connecting and greeting,
// the handshake (STARTTLS, AUTH), and one message's conversation. A
// delivery job's own timeout is set above it (package jobs), so a job
// is never taken for lost while its message is still being sent.
const Timeout = 5 * time.Second

// New returns the sender for smtpURL, or a LogSender when it is empty.
// from is the From address, such as "Coalition <letters@example.org>".
func New(smtpURL, from string, log *slog.Logger) (Sender, error) {
	if smtpURL == "" {
		return &LogSender{Log: log}, nil
	}
	return NewSMTP(smtpURL, from)
}

// MessageID is the Message-ID of e, without its angle brackets, for a
// sender whose From address is in domain. It is the same at every
// attempt, so a receiver that sees the same email twice (the rare resend
// after an attempt whose outcome was lost) can tell it is one message;
// the creation time keeps it unique across databases whose ids overlap.
func MessageID(e *signon.Email, domain string) string {
	return fmt.Sprintf("signon.%d.%s@%s", e.ID, strconv.FormatInt(e.CreatedAt.UnixMicro(), 36), domain)
}

// LogSender writes one line per email to the log instead of sending it.
// The line says which email it is, not what it says: the body carries
// links that act for the recipient (confirm, the signer's private page),
// which must not end up in log storage, and a line per body would drown
// the log under a surge. Coordinators read the message, links included,
// on the outbox page.
type LogSender struct{ Log *slog.Logger }

// Send logs e's id, kind and recipient's domain.
func (s *LogSender) Send(ctx context.Context, e *signon.Email) error {
	s.Log.InfoContext(ctx, "email kept on the outbox page, not sent: no SMTP server configured",
		"email_id", e.ID, "kind", e.Kind, "to_domain", addressDomain(e.ToAddress))
	return nil
}

// Delivered is signon.EmailLogged.
func (s *LogSender) Delivered() signon.EmailStatus { return signon.EmailLogged }

// Close does nothing: a LogSender keeps nothing open.
func (s *LogSender) Close() error { return nil }

// addressDomain is the part of an address after its last "@".
func addressDomain(address string) string {
	return address[strings.LastIndex(address, "@")+1:]
}

// Connections are kept open between messages, since a new one costs a
// TCP handshake, often TLS and AUTH, several round trips in all, where a
// message on an open one costs a few.
const (
	// maxIdleConns is how many open connections wait for the next
	// message; more than that are closed when their message is sent.
	maxIdleConns = 32
	// maxIdle is how long an open connection may wait. Servers close
	// idle clients after a while (Postfix after 10 s when busy), and a
	// connection found dead costs a NOOP before a new one is made.
	maxIdle = 10 * time.Second
	// maxMessagesPerConn ends a connection after this many messages:
	// servers limit the messages of one connection.
	maxMessagesPerConn = 100
)

// SMTP sends over SMTP with github.com/wneessen/go-mail, several messages
// on each connection: it keeps the connections its sends have opened
// and gives them to the next sends.
type SMTP struct {
	from   string
	domain string         // of the From address, for Message-IDs
	client *gomail.Client // the settings; each connection is dialled from it
	idle   chan *conn
}

// conn is one open SMTP connection.
type conn struct {
	c        *smtp.Client
	lastUsed time.Time
	sent     int
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
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: SIGNON_MAIL_FROM %q is not an address: %w", from, err)
	}
	if err := gomail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("mail: SIGNON_MAIL_FROM %q is not an address: %w", from, err)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("mail: SIGNON_SMTP_URL %q names no host", u.Redacted())
	}
	opts := []gomail.Option{gomail.WithTimeout(Timeout)}
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
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SIGNON_SMTP_URL %q: %w", u.Redacted(), err)
	}
	return &SMTP{from: from, domain: addressDomain(addr.Address), client: client, idle: make(chan *conn, maxIdleConns)}, nil
}

// Send delivers e with its plain-text part first and the HTML part as
// the alternative, on a kept-open connection when there is one. Its
// Message-ID is MessageID(e), whatever the attempt.
//
// A connection the server has closed while it waited fails at its
// first command, before anything of the message is sent; the message
// then goes on a new connection. No other failure is retried here: past
// MAIL FROM, the server may have the message.
func (s *SMTP) Send(ctx context.Context, e *signon.Email) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return err
	}
	if err := m.To(e.ToAddress); err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(MessageID(e, s.domain))
	m.SetDate()
	m.SetGenHeader(gomail.HeaderContentLang, e.Language)
	m.SetBodyString(gomail.TypeTextPlain, e.TextBody)
	m.AddAlternativeString(gomail.TypeTextHTML, e.HTMLBody)
	if len(e.Attachment) > 0 {
		m.AttachReadSeeker(e.AttachmentName, bytes.NewReader(e.Attachment))
	}
	for {
		c, reused, err := s.conn(ctx)
		if err != nil {
			return err
		}
		// go-mail bounds the conversation by Timeout, not by ctx: start
		// it only if it can end before ctx does, so a job's deadline is
		// never passed by a message still on its way.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < Timeout {
			s.put(c)
			return fmt.Errorf("mail: no time left to send email %d within its job's deadline", e.ID)
		}
		err = s.client.SendWithSMTPClient(c.c, m)
		if err == nil {
			c.sent++
			s.put(c)
			s.accepted(e, m)
			return nil
		}
		c.c.Close()
		if m.IsDelivered() {
			s.accepted(e, m)
			return nil // accepted: only the RSET after it failed
		}
		var sendErr *gomail.SendError
		if reused && errors.As(err, &sendErr) && (sendErr.Reason == gomail.ErrConnCheck || sendErr.Reason == gomail.ErrSMTPMailFrom) {
			continue // a stale connection: nothing of the message was sent
		}
		return err
	}
}

// accepted notes on e what the server said when it took m, for the
// outbox and the record of a delivery.
func (s *SMTP) accepted(e *signon.Email, m *gomail.Msg) {
	e.MessageID, e.ServerReply = MessageID(e, s.domain), m.ServerResponse()
}

// conn returns an open connection, kept or new, and whether it was kept.
func (s *SMTP) conn(ctx context.Context) (*conn, bool, error) {
	for {
		select {
		case c := <-s.idle:
			// The deadline go-mail set for the last message has passed;
			// its NOOP before the next one needs a new one.
			if time.Since(c.lastUsed) < maxIdle && c.c.UpdateDeadline(Timeout) == nil {
				return c, true, nil
			}
			c.c.Close()
			continue
		default:
		}
		sc, err := s.client.DialToSMTPClientWithContext(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("mail: connect: %w", err)
		}
		return &conn{c: sc}, false, nil
	}
}

// put keeps c open for the next message, or closes it.
func (s *SMTP) put(c *conn) {
	c.lastUsed = time.Now()
	if c.sent < maxMessagesPerConn {
		select {
		case s.idle <- c:
			return
		default:
		}
	}
	go s.quit(c) // without holding up the job
}

// quit says QUIT on c and closes it.
func (s *SMTP) quit(c *conn) error {
	if err := c.c.UpdateDeadline(Timeout); err != nil {
		return err
	}
	return s.client.CloseWithSMTPClient(c.c)
}

// Close says QUIT on the kept connections. Call it once no Send runs.
// A connection the server has closed meanwhile (idle for too long) is
// no error: there is nothing left to end.
func (s *SMTP) Close() error {
	for {
		select {
		case c := <-s.idle:
			if s.quit(c) != nil {
				c.c.Close()
			}
		default:
			return nil
		}
	}
}

// Delivered is signon.EmailSent.
func (s *SMTP) Delivered() signon.EmailStatus { return signon.EmailSent }
