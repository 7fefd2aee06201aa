package signon

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Webhook events: what a coalition's own tools are told about. Each is
// a kind of the change log; the body of each is documented in
// docs/api.md ("Webhooks") and its schema does not change.
const (
	EventSignatureCreated   = "signature.created"
	EventSignatureConfirmed = "signature.confirmed"
	EventSignatureApproved  = "signature.approved"
	EventSignatureRejected  = "signature.rejected"
	EventSignatureWithdrawn = "signature.withdrawn"
	EventStatementPublished = "statement.published"
	EventStatementClosed    = "statement.closed"
	EventStatementDelivered = "statement.delivered"
)

// WebhookEvents lists every event in the order forms show them.
var WebhookEvents = []string{
	EventSignatureCreated, EventSignatureConfirmed, EventSignatureApproved,
	EventSignatureRejected, EventSignatureWithdrawn,
	EventStatementPublished, EventStatementClosed, EventStatementDelivered,
}

// MaxWebhookURL bounds an endpoint's address.
const MaxWebhookURL = 2000

// WebhookEndpoint is an address that receives a statement's events, or
// every statement's when StatementID is nil (an admin's). Secret signs
// each body; it is Signon's to make and the receiver's to keep.
type WebhookEndpoint struct {
	ID          int64
	StatementID *int64
	URL         string
	Secret      string
	// Events is the space-separated list of the events sent.
	Events    string
	CreatedBy *int64
	CreatedAt time.Time

	// The outcome of the last attempt to deliver to it.
	LastStatusCode int
	LastError      string
	LastAttemptAt  *time.Time
	LastOK         bool
}

// EventList is the events the endpoint receives.
func (e *WebhookEndpoint) EventList() []string { return strings.Fields(e.Events) }

// Wants reports whether the endpoint receives event.
func (e *WebhookEndpoint) Wants(event string) bool { return slices.Contains(e.EventList(), event) }

// WebhookAttempt is one attempt to deliver an event to an endpoint: the
// delivery log.
type WebhookAttempt struct {
	ID         int64
	EndpointID int64
	EventID    string
	EventType  string
	Attempt    int
	StatusCode int // 0 when no answer came
	Error      string
	OK         bool
	At         time.Time
}

// TableName names the delivery log's table.
func (WebhookAttempt) TableName() string { return "webhook_attempts" }

// Problems of a webhook endpoint's form.
const (
	// ProblemWebhookScheme: the address is not https (or http where
	// allowed).
	ProblemWebhookScheme = "webhook_scheme"
	// ProblemWebhookInternal: the address's host is, or resolves to, an
	// address inside a network (loopback, private, link-local, ...).
	ProblemWebhookInternal = "webhook_internal"
	// ProblemWebhookUnresolved: the address's host has no address.
	ProblemWebhookUnresolved = "webhook_unresolved"
)

// ErrWebhookNoEvents refuses an endpoint that receives nothing.
var ErrWebhookNoEvents = &Error{
	Code: EINVALID, Key: "error.invalid_fields", Message: "Please correct the highlighted fields.",
	Fields: Problems{"events": {Code: ProblemRequired}},
}

// ParseWebhookURL checks an endpoint's address as typed: an absolute
// https address (http too when allowHTTP) with a host, no user name or
// password, and no fragment. Whether the host is inside a network needs
// a resolver, so it is the caller's to check next (InternalAddress).
func ParseWebhookURL(raw string, allowHTTP bool) (*url.URL, error) {
	p := Problems{}
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		p.Add("url", ProblemRequired, 0)
	case len(raw) > MaxWebhookURL:
		p.Add("url", ProblemTooLong, MaxWebhookURL)
	case err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Hostname() == "":
		p.Add("url", ProblemInvalidURL, 0)
	case u.Scheme != "https" && (u.Scheme != "http" || !allowHTTP):
		p.Add("url", ProblemWebhookScheme, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return u, nil
}

// WebhookURLProblem is the error for an address field with problem code.
func WebhookURLProblem(code string) error {
	return Problems{"url": {Code: code}}.Err()
}

// NormalizeWebhookEvents keeps the known events of list, in the order of
// WebhookEvents, space-separated; none is an error.
func NormalizeWebhookEvents(list []string) (string, error) {
	var out []string
	for _, e := range WebhookEvents {
		if slices.Contains(list, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return "", ErrWebhookNoEvents
	}
	return strings.Join(out, " "), nil
}

// internalPrefixes are the networks no endpoint may be in, beyond what
// netip's predicates name: "this network", CGNAT (shared address space),
// IETF protocol assignments, benchmarking, the reserved class E and
// broadcast, and the IPv6 discard and documentation ranges.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// nat64 is the well-known prefix that embeds an IPv4 address in IPv6.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// InternalAddress reports whether ip is inside a network rather than on
// the internet: loopback, private (RFC 1918), link-local, unique-local
// (fc00::/7), CGNAT, multicast, unspecified or reserved. IPv4 written
// as IPv6 (mapped or NAT64) is judged as the IPv4 address it carries.
func InternalAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:16]))
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return true
	}
	for _, p := range internalPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// WebhookSignature is the Signon-Signature header of body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with secret>".
// The time inside the signed text lets a receiver refuse a replay.
func WebhookSignature(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookRetryDelays are the waits between the attempts to deliver an
// event: a failing endpoint is tried ten times over about a day and a
// half, and then the event is given up (the log shows it).
var WebhookRetryDelays = []time.Duration{
	10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour,
}

// WebhookMaxAttempts is how many times an event is tried.
const WebhookMaxAttempts = 10

// WebhookRetryDelay is the wait after the attempt-th failed attempt
// (counting from 1), the last delay once past the list.
func WebhookRetryDelay(attempt int) time.Duration {
	i := min(max(attempt-1, 0), len(WebhookRetryDelays)-1)
	return WebhookRetryDelays[i]
}

// WebhookBody is the JSON body of every event; its fields do not change
// meaning or disappear, and new ones may be added. ID names the event:
// the same event sent to several endpoints, or again after a failure,
// has the same ID, so a receiver can drop repeats.
type WebhookBody struct {
	ID        string            `json:"id"`
	Type      string            `json:"type"`
	CreatedAt time.Time         `json:"created_at"`
	Statement WebhookStatement  `json:"statement"`
	Signature *WebhookSignatory `json:"signature,omitempty"`
}

// WebhookStatement is the statement an event is about.
type WebhookStatement struct {
	ID     int64  `json:"id"`
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Status string `json:"status"`
	URL    string `json:"url"`
}

// WebhookSignatory is the signature a signature event is about, as it
// was when the event was sent: what the coalition's tools need to know
// who signed, without the signer's email (see docs/decisions.md).
type WebhookSignatory struct {
	ID           int64      `json:"id"`
	Status       string     `json:"status"`
	Type         string     `json:"type"`
	Organization string     `json:"organization"`
	Name         string     `json:"name"`
	Title        string     `json:"title"`
	City         string     `json:"city"`
	Country      string     `json:"country"`
	Region       string     `json:"region"`
	Website      string     `json:"website"`
	Language     string     `json:"language"`
	Source       string     `json:"source"`
	CreatedAt    time.Time  `json:"created_at"`
	ConfirmedAt  *time.Time `json:"confirmed_at"`
	ApprovedAt   *time.Time `json:"approved_at"`
	RejectedAt   *time.Time `json:"rejected_at"`
	WithdrawnAt  *time.Time `json:"withdrawn_at"`
}

// NewWebhookSignatory is the body's view of s.
func NewWebhookSignatory(s *Signature) *WebhookSignatory {
	return &WebhookSignatory{
		ID: s.ID, Status: string(s.Status), Type: string(s.SignerType), Organization: s.Organization,
		Name: s.SignerName, Title: s.SignerTitle, City: s.City, Country: s.Country, Region: s.Region,
		Website: s.Website, Language: s.Language, Source: string(s.Source), CreatedAt: WebhookTime(s.CreatedAt),
		ConfirmedAt: webhookTimePtr(s.ConfirmedAt), ApprovedAt: webhookTimePtr(s.ApprovedAt),
		RejectedAt: webhookTimePtr(s.RejectedAt), WithdrawnAt: webhookTimePtr(s.WithdrawnAt),
	}
}

// WebhookTime is t as bodies give times: UTC, to the second, as the
// rest of the API does.
func WebhookTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func webhookTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := WebhookTime(*t)
	return &v
}

// WebhookService keeps webhook endpoints and their delivery log.
type WebhookService interface {
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	WebhookEndpoint(ctx context.Context, id int64) (*WebhookEndpoint, error)
	// WebhookEndpoints lists a statement's endpoints, or those of all
	// statements for 0.
	WebhookEndpoints(ctx context.Context, statementID int64) ([]*WebhookEndpoint, error)
	RotateWebhookSecret(ctx context.Context, id int64, secret string, by int64) error
	DeleteWebhookEndpoint(ctx context.Context, id int64, by int64) error
	WebhookAttempts(ctx context.Context, endpointID int64, limit int) ([]WebhookAttempt, error)
}
