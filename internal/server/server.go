// Package server is Signon's web interface: the public pages, the sign
// form, the coordinators' pages and the JSON API, on Echo. Handlers turn
// requests into calls on the domain's services and return errors; one
// error handler decides what the person sees.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/webhook"
	"github.com/signon-coalition/signon/web"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the public address, such as https://sign.example.org;
	// an https address makes cookies Secure. Every absolute link, in
	// emails above all, is built on it (signon.Site), never on a
	// request's Host.
	BaseURL string
	// LocalURL is where links point when there is no BaseURL: in
	// development, the address the server listens on on its own
	// machine, such as http://localhost:8080. ListenAndServe fills it
	// in from its listener when both are empty.
	LocalURL string
	// Coalition is the name shown in the page header.
	Coalition string
	// Logo is the coalition's logo for the letterhead of the printed
	// statement and its PDF; nil prints the name alone.
	Logo *printed.Logo
	// SignLimit is how many signatures one client IP (an IPv6 /64) may
	// submit per hour; 0 turns the limit off. The whole hour's allowance
	// may come at once, so a meeting on one Wi-Fi can sign together. The
	// database keeps the count, so it holds across instances.
	SignLimit int
	// TrustedProxies are the networks whose X-Forwarded-For and
	// X-Forwarded-Proto are believed. Without any, the client IP is the
	// connection's address and the scheme the connection's.
	TrustedProxies []*net.IPNet
	// SetupToken, while no account exists, lets the holder of the
	// first-run link create the first admin. Empty turns setup off.
	SetupToken string
	// Location is the time zone coordinators enter and read times in.
	Location *time.Location
	Logger   *slog.Logger
	// Metrics counts requests and signatures; nil counts nothing.
	Metrics *metrics.Metrics
	// MetricsToken, when set, serves Metrics at /metrics on this server
	// to requests bearing it. Without it /metrics is not served here.
	MetricsToken string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PageCache is how long a rendered public page is reused for every
	// reader (page_cache.go); 0 means one second, a negative duration
	// keeps nothing (renders in flight are still shared).
	PageCache time.Duration
	// PasswordHashes is how many passwords are hashed at once, each
	// argon2id hash taking 19 MiB (passwords.go); 0 means one per CPU.
	PasswordHashes int
	// PasswordWait is how long a login waits for a turn at hashing
	// before it is answered 429; 0 means two seconds.
	PasswordWait time.Duration
	// Webhooks is the rule on the addresses webhook endpoints may have
	// (webhook.Guard): https and public unless an admin allows more.
	Webhooks webhook.Guard
}

// Services is the storage the server runs on (the store package's DB).
type Services interface {
	signon.StatementService
	signon.SignatureService
	signon.AccountService
	signon.EventService
	signon.TranslationService
	signon.MemberService
	signon.EmailService
	signon.ReviewService
	signon.AccountInvitationService
	signon.LoginThrottle
	signon.SignerService
	signon.LeadService
	signon.SignLimiter
	signon.PrivacyService
	signon.DeliveryService
	signon.ChangeService
	signon.APITokenService
	signon.WebhookService
	signon.BlocklistService
	Ping(ctx context.Context) error
	// SchemaCurrent fails while a migration is pending.
	SchemaCurrent(ctx context.Context) error
}

// Server serves Signon over HTTP.
type Server struct {
	cfg       Config
	db        Services
	echo      *echo.Echo
	templates templates
	emails    emailTemplates // email.go
	bundle    *i18n.Bundle
	log       *slog.Logger
	site      signon.Site // every absolute link is on it
	md        *markdown
	pdfs      pdfCache      // print.go
	pages     *pageCache    // page_cache.go
	passwords *passwordGate // passwords.go
	exports   *workSlots    // limits.go
	prints    *workSlots
}

// New builds the server on db, whose schema must be current.
func New(cfg Config, db Services) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Coalition == "" {
		cfg.Coalition = "Signon"
	}
	tmpls, err := parseTemplates(web.FS)
	if err != nil {
		return nil, err
	}
	bundle, err := newBundle(web.FS)
	if err != nil {
		return nil, err
	}
	emails, err := parseEmailTemplates(web.FS)
	if err != nil {
		return nil, err
	}
	if cfg.PageCache == 0 {
		cfg.PageCache = time.Second
	}
	if cfg.PasswordHashes == 0 {
		cfg.PasswordHashes = runtime.NumCPU()
	}
	if cfg.PasswordWait == 0 {
		cfg.PasswordWait = passwordWait
	}
	s := &Server{cfg: cfg, db: db, templates: tmpls, emails: emails, bundle: bundle, log: cfg.Logger, md: newMarkdown()}
	s.site = signon.NewSite(cfg.BaseURL)
	if cfg.BaseURL == "" {
		s.site = signon.NewSite(cfg.LocalURL)
	}
	s.pages = newPageCache(cfg.PageCache, s.now)
	s.passwords = newPasswordGate(cfg.PasswordHashes, cfg.PasswordWait)
	s.exports = newWorkSlots(exportSlots, exportWait, errExportBusy)
	s.prints = newWorkSlots(printSlots, printWait, errPrintBusy)
	s.pdfs.renders = newWorkSlots(pdfSlots, printWait, errPrintBusy)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.echo = e
	s.addRoutes(e)
	return s, nil
}

// requestTimeout bounds how long a request may wait on the database,
// for a connection or an answer: past it the person gets 503 with
// Retry-After instead of a page that never comes. It stays under the
// server's WriteTimeout, so the answer can still be written. Downloads
// of whole signatory lists stream for as long as the list takes and are
// bounded by the export slots instead (routes.go).
const requestTimeout = 30 * time.Second

// ServeHTTP makes the server an http.Handler. Echo routes HEAD only to
// HEAD routes, and caches and link checkers ask HEAD of pages: a HEAD is
// answered as the GET it stands for, and net/http, which still sees the
// HEAD, sends the headers without the body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		get := *r
		get.Method = http.MethodGet
		r = &get
	}
	if !isDownload(r.URL.Path) {
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	s.echo.ServeHTTP(w, r)
}

// isDownload reports whether path is one of the signatory list's
// streamed downloads.
func isDownload(path string) bool {
	return strings.HasSuffix(path, "/signatories.csv") || strings.HasSuffix(path, "/signatories.json") ||
		strings.HasSuffix(path, "/signatures.csv") || strings.HasSuffix(path, "/signatures.json")
}

// ListenAndServe serves on addr until ctx ends, then shuts down
// gracefully, letting requests in flight finish. ready, if not nil,
// receives the address actually listened on.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// Decided here, before the first request, and never from one.
	if s.cfg.BaseURL == "" && s.cfg.LocalURL == "" {
		s.cfg.LocalURL = LocalURL(ln.Addr().String())
		s.site = signon.NewSite(s.cfg.LocalURL)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// LocalURL is the address to open in a browser on this machine for a
// listening address: a server listening on every interface (":8080") is
// reached at localhost.
func LocalURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

func (s *Server) translator(c echo.Context) *translator {
	if t, ok := c.Get(translatorContextKey).(*translator); ok {
		return t
	}
	t := newTranslator(s.bundle, requestLanguage(c))
	c.Set(translatorContextKey, t)
	return t
}

func (s *Server) secureCookies() bool {
	return strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// overHTTPS reports whether the request came over HTTPS: to this server
// itself, or to a trusted proxy that says so in X-Forwarded-Proto. Echo's
// c.Scheme() would believe that header from anyone.
func (s *Server) overHTTPS(c echo.Context) bool {
	r := c.Request()
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get(echo.HeaderXForwardedProto), "https")
}

// fromTrustedProxy reports whether the connection comes from one of the
// trusted proxies.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.cfg.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ipExtractor believes X-Forwarded-For only from the trusted proxies;
// Echo's default would also trust every private network.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// allowSignature takes one signature from the hourly allowance of the
// client's network (clientNetwork: an IPv4 address or an IPv6 /64),
// which the database shares between instances.
//
// When the database cannot say, the signature is let through and the
// error logged: the signature's own write comes next, on the same
// database, and fails with the outage's 503 if there is one; refusing
// a signer because the limit's table failed would be worse than one
// signature over the limit.
func (s *Server) allowSignature(c echo.Context) bool {
	if s.cfg.SignLimit <= 0 {
		return true
	}
	ctx := c.Request().Context()
	ok, err := s.db.TakeSignAllowance(ctx, clientNetwork(c.RealIP()), s.cfg.SignLimit, s.now())
	if err != nil {
		s.log.ErrorContext(ctx, "sign limit unknown; signature let through", slog.Any("error", err))
		return true
	}
	return ok
}

// Context keys.
const (
	translatorContextKey = "signon.translator"
	accountContextKey    = "signon.account"
	csrfContextKey       = "csrf"
)
