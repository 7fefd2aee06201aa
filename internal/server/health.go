package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// handleHealthz serves GET /healthz.
//
// handleHealthz says the process is alive; it touches nothing else so a
// slow database does not get the process restarted.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz serves GET /readyz.
//
// handleReadyz says whether this instance can serve: the database answers
// and its schema is current. A load balancer takes the instance out of
// rotation on 503 and back once it answers 200; the pool reconnects by
// itself, so no restart is needed in between.
func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("not ready: database unreachable", "error", err)
		return s.notReady(c, "database unreachable\n")
	}
	if err := s.db.SchemaCurrent(ctx); err != nil {
		s.log.Warn("not ready: schema", "error", err)
		return s.notReady(c, "schema not current\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *Server) notReady(c echo.Context, reason string) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterUnavailable))
	return c.String(http.StatusServiceUnavailable, reason)
}
