package server

// What the server tells Prometheus (package metrics): every request by
// route pattern and status class, and the outcome of every signature
// submitted, whichever way it came.

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/metrics"
)

// signRoutes are the routes a signature is submitted on, with the channel
// each is counted under.
var signRoutes = map[string]string{
	"/api/v1/statements/:slug/signatures": metrics.ViaAPI,
	"/s/:slug/sign":                       metrics.ViaForm,
}

// signRefusalKey holds why a sign handler turned a signature away when
// the status alone does not tell: a duplicate and a filled honeypot are
// both answered as if the signature were new.
const signRefusalKey = "signon.sign_refusal"

// refuseSignature records why the signature of this request is not
// stored, for the metrics.
func refuseSignature(c echo.Context, reason string) {
	c.Set(signRefusalKey, reason)
}

// countRequests counts each request under the route it matched (Echo's
// pattern, such as /s/:slug, never the URL: a series per slug or private
// token would grow without bound and leak the tokens) and its status
// class. The error is handed to the error handler here, as Echo's own
// logger does, so the status counted is the one the client gets.
func (s *Server) countRequests(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.Metrics == nil {
		return next
	}
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route, method, status := c.Path(), c.Request().Method, c.Response().Status
		if route == "" || route == "/*" {
			// Echo's own not-found: Signon has no catch-all route.
			route = "unmatched"
		}
		s.cfg.Metrics.Request(route, method, status, time.Since(start))
		if via, ok := signRoutes[route]; ok && method == http.MethodPost {
			reason, _ := c.Get(signRefusalKey).(string)
			if reason == "" && status >= 500 && c.Request().Context().Err() != nil {
				reason = "client_gone" // it stopped waiting; nothing went wrong here
			}
			if reason == "" {
				reason = signRefusalReason(status)
			}
			if reason == "" {
				s.cfg.Metrics.SignatureAccepted(via)
			} else {
				s.cfg.Metrics.SignatureRefused(via, reason)
			}
		}
		return nil
	}
}

// signRefusalReason names the refusal a sign route's status means, or ""
// for a signature taken.
func signRefusalReason(status int) string {
	switch {
	case status < 400:
		return ""
	case status == http.StatusConflict:
		return "closed"
	case status == http.StatusUnprocessableEntity:
		return "invalid"
	case status == http.StatusTooManyRequests:
		return "rate_limited"
	case status == http.StatusForbidden:
		return "forbidden"
	case status == http.StatusNotFound:
		return "not_found"
	case status == http.StatusServiceUnavailable:
		return "unavailable"
	case status >= 500:
		return "error"
	}
	return "malformed"
}

// metricsHandler serves GET /metrics.
//
// metricsHandler serves /metrics on the public port, behind the token.
func (s *Server) metricsHandler() echo.HandlerFunc {
	return echo.WrapHandler(s.cfg.Metrics.Handler(s.cfg.MetricsToken))
}

// addMetricsRoute serves /metrics on the public port only when a token
// guards it; without one the metrics are off here, served on their own
// listener if at all.
func (s *Server) addMetricsRoute(e *echo.Echo) {
	if s.cfg.Metrics == nil || s.cfg.MetricsToken == "" {
		return
	}
	e.GET("/metrics", s.metricsHandler())
}
