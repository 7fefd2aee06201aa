// Package webhook reaches the endpoints coordinators register: it checks
// an endpoint's address when it is registered and makes the HTTP client
// that delivers to it. Both refuse addresses inside a network (see
// signon.InternalAddress) unless an admin allows them, so a webhook
// cannot be aimed at Signon's own host or its neighbours (SSRF). The
// client checks the address it actually connects to, in the dialer, so a
// host name that resolved to a public address at registration and to an
// internal one later (DNS rebinding) is still refused; and it follows no
// redirect, which could lead anywhere.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// Timeout is the longest one delivery attempt waits for an answer.
const Timeout = 10 * time.Second

// ErrInternalAddress is the error of a connection refused because its
// address is inside a network.
var ErrInternalAddress = errors.New("webhook: the endpoint's address is inside a private network")

// Guard is the rule on endpoint addresses.
type Guard struct {
	// AllowInternal lets endpoints be on loopback and private networks:
	// for local testing, or where the receiver runs next to Signon.
	AllowInternal bool
	// AllowHTTP lets endpoints use http:// instead of https://.
	AllowHTTP bool
}

// CheckURL checks an endpoint's address as typed: its form
// (signon.ParseWebhookURL), then every address its host resolves to.
// It returns the address as it will be stored, or a signon error with
// the problem at the field "url".
func (g Guard) CheckURL(ctx context.Context, raw string) (string, error) {
	u, err := signon.ParseWebhookURL(raw, g.AllowHTTP)
	if err != nil {
		return "", err
	}
	if g.AllowInternal {
		return u.String(), nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if signon.InternalAddress(ip) {
			return "", signon.WebhookURLProblem(signon.ProblemWebhookInternal)
		}
		return u.String(), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(ips) == 0 {
		return "", signon.WebhookURLProblem(signon.ProblemWebhookUnresolved)
	}
	for _, ip := range ips {
		if signon.InternalAddress(ip) {
			return "", signon.WebhookURLProblem(signon.ProblemWebhookInternal)
		}
	}
	return u.String(), nil
}

// control refuses, just before connecting, an address inside a network.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	if g.AllowInternal {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: address %q: %w", address, err)
	}
	if signon.InternalAddress(ap.Addr()) {
		return fmt.Errorf("%w (%s)", ErrInternalAddress, ap.Addr())
	}
	return nil
}

// Client is the HTTP client that delivers webhooks: no proxy (the
// dialer must see the endpoint's own address), no redirects, no cookies,
// and at most Timeout per request.
func (g Guard) Client() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: g.control}
	return &http.Client{
		Timeout: Timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: Timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       30 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Post sends body to the endpoint, signed with its secret at now, and
// returns the status code of the answer. A redirect is an answer like
// any other that is not 2xx: not delivered.
func Post(ctx context.Context, client *http.Client, e *signon.WebhookEndpoint, eventID, eventType string, body []byte, now time.Time) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Signon-Webhooks/1")
	req.Header.Set("Signon-Event", eventType)
	req.Header.Set("Signon-Delivery", eventID)
	req.Header.Set("Signon-Signature", signon.WebhookSignature(e.Secret, now, body))
	res, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the address is in the log's row already
		}
		return 0, err
	}
	defer res.Body.Close()
	// A little of the answer is read so the connection can be reused;
	// what it says is not kept.
	_, _ = io.CopyN(io.Discard, res.Body, 4096)
	return res.StatusCode, nil
}
