// Package mailtest runs a real SMTP server in the test process
// (github.com/emersion/go-smtp), so tests send Signon's emails over a
// real connection and read what arrived: the headers, the decoded
// plain-text and HTML parts, and the links in them.
package mailtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one email the server accepted.
type Message struct {
	From     string
	To       []string
	Subject  string
	Language string // Content-Language
	Text     string // the text/plain part, decoded
	HTML     string // the text/html part, decoded
	// Attachments are the parts sent as attachments, decoded.
	Attachments []Attachment
	Header      mail.Header
	Received    time.Time // when the server took it
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

var linkRe = regexp.MustCompile(`https?://[^\s<>"]+`)

// Link returns the first link in the text part that contains part, or
// "" when there is none.
func (m Message) Link(part string) string {
	for _, l := range linkRe.FindAllString(m.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}

// Server is an SMTP server on a loopback port.
type Server struct {
	srv      *smtp.Server
	addr     string
	mu       sync.Mutex
	messages []Message
	failing  bool
	attempts int
	conns    []*smtp.Conn // every connection made, open or closed
	stall    chan struct{}
	stalled  int
	onAccept func(Message)
}

// Start starts a server that the test's cleanup stops.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{addr: ln.Addr().String()}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	go s.srv.Serve(ln)
	t.Cleanup(func() {
		s.Resume()
		s.srv.Close()
	})
	return s
}

// Stall makes the server hold every message at DATA, before reading it,
// until Resume: a sender is then in the middle of a delivery, for as
// long as the test wants. A sender that goes away meanwhile has
// delivered what it wrote before it went: the whole message if it got
// as far as the final dot, as with a real server that takes a message
// whose sender never heard the answer.
func (s *Server) Stall() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall == nil {
		s.stall = make(chan struct{})
	}
}

// Resume lets the messages held by Stall go on.
func (s *Server) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stall != nil {
		close(s.stall)
		s.stall = nil
	}
}

// Stalled counts the deliveries held at DATA now.
func (s *Server) Stalled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stalled
}

// OnAccept makes f run for each message once it has been read and kept,
// before the server answers that it accepted it: what f does happens
// after the hand-off and before the sender hears of it.
func (s *Server) OnAccept(f func(Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onAccept = f
}

// Connections counts the connections made to the server so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// CloseConnections closes every open connection, as a server does with
// clients idle for too long.
func (s *Server) CloseConnections() {
	s.mu.Lock()
	conns := append([]*smtp.Conn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// URL is the SIGNON_SMTP_URL that reaches the server.
func (s *Server) URL() string { return "smtp://" + s.addr + "?tls=none" }

// SetFailing makes the server refuse every recipient with a temporary
// error (451), as a server does while it is overloaded, or accept again.
func (s *Server) SetFailing(failing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = failing
}

// Attempts counts the recipients offered so far, refused ones included.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Messages returns what has arrived so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until n messages have arrived and returns them; the test
// fails if they do not within a minute.
func (s *Server) Wait(t testing.TB, n int) []Message {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: %d message(s) arrived, want %d", len(s.Messages()), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// To waits for the first message to address and returns it.
func (s *Server) To(t testing.TB, address string) Message {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		for _, m := range s.Messages() {
			for _, to := range m.To {
				if strings.EqualFold(to, address) {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailtest: no message to %s arrived", address)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, c)
	return &session{srv: s}, nil
}

type session struct {
	srv  *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.srv.mu.Lock()
	defer x.srv.mu.Unlock()
	x.srv.attempts++
	if x.srv.failing {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	x.srv.mu.Lock()
	stall := x.srv.stall
	if stall != nil {
		x.srv.stalled++
	}
	x.srv.mu.Unlock()
	if stall != nil {
		<-stall
		x.srv.mu.Lock()
		x.srv.stalled--
		x.srv.mu.Unlock()
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: err.Error()}
	}
	m.From, m.To, m.Received = x.from, x.to, time.Now()
	x.srv.mu.Lock()
	x.srv.messages = append(x.srv.messages, m)
	onAccept := x.srv.onAccept
	x.srv.mu.Unlock()
	if onAccept != nil {
		onAccept(m)
	}
	return nil
}

// parse reads a message with a text/plain and a text/html part, in a
// multipart/alternative body or as a single part.
func parse(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	m := Message{Subject: subject, Language: msg.Header.Get("Content-Language"), Header: msg.Header}
	err = readPart(&m, textproto.MIMEHeader(msg.Header), msg.Body)
	return m, err
}

func readPart(m *Message, header textproto.MIMEHeader, body io.Reader) error {
	contentType, encoding := header.Get("Content-Type"), header.Get("Content-Transfer-Encoding")
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(m, p.Header, p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64Reader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if disp, dparams, err := mime.ParseMediaType(header.Get("Content-Disposition")); err == nil && disp == "attachment" {
		m.Attachments = append(m.Attachments, Attachment{Name: dparams["filename"], ContentType: mediaType, Data: b})
		return nil
	}
	// SMTP carries lines ending in CRLF; tests compare Go strings.
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	switch mediaType {
	case "text/plain":
		m.Text = text
	case "text/html":
		m.HTML = text
	}
	return nil
}
