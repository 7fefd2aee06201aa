package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/webhook"
)

// envVar documents one environment variable. The help text, the README's
// table and loadConfig all follow this list, so a variable cannot be read
// without being documented.
type envVar struct {
	Name    string
	Default string // as shown to people; "" means none
	Meaning string
}

var envVars = []envVar{
	{"SIGNON_DATABASE_URL", defaultDatabaseURL, "Database: sqlite:PATH (embedded, nothing to install) or postgres://user:pass@host:5432/signon?sslmode=disable."},
	{"SIGNON_ADDR", defaultAddr, "Address to listen on; the --addr flag overrides it."},
	{"SIGNON_BASE_URL", "", "Public address, such as https://sign.example.org, on which every link Signon gives out is made, in emails above all; required with SIGNON_SMTP_URL. Without it links lead to the local address (http://localhost:PORT). An https address makes cookies Secure."},
	{"SIGNON_COALITION_NAME", defaultCoalition, "Name shown in the page header."},
	{"SIGNON_COALITION_LOGO", "", "Path to a PNG or JPEG file (at most 1 MiB), read at start, for the letterhead of the printed statement and its PDF; without it the letterhead is the name alone."},
	{"SIGNON_SIGN_LIMIT", strconv.Itoa(defaultSignLimit), "Signatures one client IP (an IPv6 client by its /64) may submit per hour, counted in the database across all instances; 0 turns the limit off."},
	{"SIGNON_TRUSTED_PROXIES", "", "Comma-separated CIDRs (such as 10.0.0.0/8) of reverse proxies whose X-Forwarded-For (the client IP) and X-Forwarded-Proto are trusted; a bare IP means that one address."},
	{"SIGNON_TIMEZONE", "UTC", "IANA time zone, such as America/Chicago, in which coordinators enter and read times."},
	{"SIGNON_LOG_FORMAT", "text", "Log format: text or json."},
	{"SIGNON_LOG_LEVEL", "info", "Log level: debug, info, warn or error."},
	{"SIGNON_SMTP_URL", "", "SMTP server for email: smtp://user:pass@host:587 (STARTTLS), smtps://user:pass@host:465 (TLS), or smtp://host:25?tls=none; without it emails are written to the log and shown on the outbox page."},
	{"SIGNON_MAIL_FROM", "", "From address of the emails, such as \"Migrant Network <letters@example.org>\"; required with SIGNON_SMTP_URL."},
	{"SIGNON_METRICS_ADDR", "", "Address of a second listener serving only the Prometheus metrics at /metrics, such as 127.0.0.1:9090; keep it off the public network."},
	{"SIGNON_METRICS_TOKEN", "", "Serves /metrics on the main address too, to requests with \"Authorization: Bearer <token>\" (on the metrics listener as well, if both are set). With neither variable set, no metrics are served."},
	{"SIGNON_WEBHOOKS_ALLOW_PRIVATE", "0", "1 lets webhook endpoints be on loopback, private, link-local and other internal addresses (for local testing, or a receiver next to Signon); 0 refuses them when registered and again at every connection."},
	{"SIGNON_WEBHOOKS_ALLOW_HTTP", "0", "1 lets webhook endpoints use http:// instead of https:// (for local testing)."},
	{"SIGNON_ADMIN_PASSWORD", "", "Password for 'signon admin create'; when unset it is asked for on the terminal."},
}

const (
	defaultDatabaseURL = "sqlite:signon.db"
	defaultAddr        = ":8080"
	defaultCoalition   = "Signon"
	defaultSignLimit   = 120
)

// config is the deployment's settings, read from the environment once.
type config struct {
	DatabaseURL    string
	Addr           string
	BaseURL        string
	Coalition      string
	Logo           *printed.Logo
	SignLimit      int
	TrustedProxies []*net.IPNet
	Location       *time.Location
	LogFormat      string
	LogLevel       slog.Level
	SMTPURL        string
	MailFrom       string
	MetricsAddr    string
	MetricsToken   string
	Webhooks       webhook.Guard
}

// loadConfig reads the configuration from getenv. Every bad value is
// reported, each naming its variable, so one run shows all there is to fix.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	cfg := config{
		DatabaseURL: env("SIGNON_DATABASE_URL", defaultDatabaseURL),
		Addr:        env("SIGNON_ADDR", defaultAddr),
		Coalition:   env("SIGNON_COALITION_NAME", defaultCoalition),
		LogFormat:   strings.ToLower(env("SIGNON_LOG_FORMAT", "text")),
	}
	var problems []string
	bad := func(name, format string, args ...any) {
		problems = append(problems, name+": "+fmt.Sprintf(format, args...))
	}

	if v := env("SIGNON_BASE_URL", ""); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("SIGNON_BASE_URL", "%q is not an http:// or https:// address", v)
		} else {
			cfg.BaseURL = strings.TrimRight(v, "/")
		}
	}

	if path := env("SIGNON_COALITION_LOGO", ""); path != "" {
		logo, err := readLogo(path)
		if err != nil {
			bad("SIGNON_COALITION_LOGO", "%s: %v", path, err)
		}
		cfg.Logo = logo
	}

	cfg.SignLimit = defaultSignLimit
	if v := env("SIGNON_SIGN_LIMIT", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad("SIGNON_SIGN_LIMIT", "%q is not a whole number of signatures per hour (0 or more)", v)
		} else {
			cfg.SignLimit = n
		}
	}

	for _, s := range strings.Split(getenv("SIGNON_TRUSTED_PROXIES"), ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		n, err := parseNetwork(s)
		if err != nil {
			bad("SIGNON_TRUSTED_PROXIES", "%q is not a network such as 10.0.0.0/8 or an IP address", s)
			continue
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, n)
	}

	zone := env("SIGNON_TIMEZONE", "UTC")
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		bad("SIGNON_TIMEZONE", "%q is not an IANA time zone such as America/Chicago or UTC", zone)
		loc = time.UTC
	}
	cfg.Location = loc

	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		bad("SIGNON_LOG_FORMAT", "%q is neither text nor json", cfg.LogFormat)
	}
	switch v := strings.ToLower(env("SIGNON_LOG_LEVEL", "info")); v {
	case "debug":
		cfg.LogLevel = slog.LevelDebug
	case "info":
		cfg.LogLevel = slog.LevelInfo
	case "warn", "warning":
		cfg.LogLevel = slog.LevelWarn
	case "error":
		cfg.LogLevel = slog.LevelError
	default:
		bad("SIGNON_LOG_LEVEL", "%q is not one of debug, info, warn, error", v)
	}

	cfg.MetricsAddr, cfg.MetricsToken = env("SIGNON_METRICS_ADDR", ""), env("SIGNON_METRICS_TOKEN", "")
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			bad("SIGNON_METRICS_ADDR", "%q is not an address such as 127.0.0.1:9090", cfg.MetricsAddr)
		}
	}

	for _, v := range []struct {
		name string
		to   *bool
	}{{"SIGNON_WEBHOOKS_ALLOW_PRIVATE", &cfg.Webhooks.AllowInternal}, {"SIGNON_WEBHOOKS_ALLOW_HTTP", &cfg.Webhooks.AllowHTTP}} {
		switch s := env(v.name, "0"); s {
		case "0":
		case "1":
			*v.to = true
		default:
			bad(v.name, "%q is neither 0 nor 1", s)
		}
	}

	cfg.SMTPURL, cfg.MailFrom = env("SIGNON_SMTP_URL", ""), env("SIGNON_MAIL_FROM", "")
	if cfg.SMTPURL != "" {
		if _, err := mail.NewSMTP(cfg.SMTPURL, cfg.MailFrom); err != nil {
			bad("SIGNON_SMTP_URL", "%v", err)
		}
		// Emails leave the machine, so their links must lead to the
		// public address; without one they would lead to localhost.
		if env("SIGNON_BASE_URL", "") == "" {
			bad("SIGNON_BASE_URL", "required with SIGNON_SMTP_URL: the links in emails lead to it")
		}
	}

	switch len(problems) {
	case 0:
		return cfg, nil
	case 1:
		return config{}, errors.New("configuration: " + problems[0])
	}
	return config{}, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
}

// readLogo reads the letterhead's logo, looking at its size before
// reading it all: a path to a large file by mistake should not be loaded
// into memory to be refused.
func readLogo(path string) (*printed.Logo, error) {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, errors.New("not a file")
	case info.Size() > printed.MaxLogoSize:
		return nil, fmt.Errorf("the file is %d bytes; a logo may be at most 1 MiB", info.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return printed.NewLogo(data)
}

// parseNetwork reads a CIDR, or a single IP as the network of just that
// address.
func parseNetwork(s string) (*net.IPNet, error) {
	if strings.Contains(s, "/") {
		_, n, err := net.ParseCIDR(s)
		return n, err
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, fmt.Errorf("invalid IP %q", s)
	}
	bits := 128
	if ip4 := ip.To4(); ip4 != nil {
		ip, bits = ip4, 32
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
}

// logger builds the process's logger: text for people at a terminal, JSON
// for a log collector.
func (cfg config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
