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
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/time/rate"

	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/web"
)

// Config is what the server needs to know about its deployment.
type Config struct {
	// BaseURL is the public address, such as https://sign.example.org;
	// an https address makes cookies Secure.
	BaseURL string
	// Coalition is the name shown in the page header.
	Coalition string
	// Logo is the coalition's logo for the letterhead of the printed
	// statement and its PDF; nil prints the name alone.
	Logo *printed.Logo
	// SignLimit is how many signatures one client IP may submit per hour;
	// 0 turns the limit off. The whole hour's allowance may come at once,
	// so a meeting on one Wi-Fi can sign together.
	SignLimit int
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// Without any, the client IP is the connection's address.
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
	limiter   *middleware.RateLimiterMemoryStore
	md        *markdown
	pdfs      pdfCache // print.go
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
	s := &Server{cfg: cfg, db: db, templates: tmpls, emails: emails, bundle: bundle, log: cfg.Logger, md: newMarkdown()}
	if cfg.SignLimit > 0 {
		s.limiter = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate:      rate.Limit(float64(cfg.SignLimit) / 3600),
			Burst:     cfg.SignLimit,
			ExpiresIn: 2 * time.Hour,
		})
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.echo = e
	s.addRoutes(e)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

// ListenAndServe serves on addr until ctx ends, then shuts down
// gracefully, letting requests in flight finish. ready, if not nil,
// receives the address actually listened on.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
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

// allowSignature takes one signature from the client's hourly allowance.
func (s *Server) allowSignature(c echo.Context) bool {
	if s.limiter == nil {
		return true
	}
	ok, err := s.limiter.Allow(c.RealIP())
	return err == nil && ok
}

// Context keys.
const (
	translatorContextKey = "signon.translator"
	accountContextKey    = "signon.account"
	csrfContextKey       = "csrf"
)
