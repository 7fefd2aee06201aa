package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

var statusOf = map[string]int{
	signon.EINVALID:      http.StatusUnprocessableEntity,
	signon.ENOTFOUND:     http.StatusNotFound,
	signon.ECONFLICT:     http.StatusConflict,
	signon.EFORBIDDEN:    http.StatusForbidden,
	signon.EUNAUTHORIZED: http.StatusUnauthorized,
	signon.ETOOMANY:      http.StatusTooManyRequests,
	signon.EUNAVAILABLE:  http.StatusServiceUnavailable,
	signon.EINTERNAL:     http.StatusInternalServerError,
}

var codeOf = map[int]string{
	http.StatusBadRequest:            signon.EINVALID,
	http.StatusUnprocessableEntity:   signon.EINVALID,
	http.StatusUnsupportedMediaType:  signon.EINVALID,
	http.StatusRequestEntityTooLarge: signon.EINVALID,
	http.StatusNotFound:              signon.ENOTFOUND,
	http.StatusMethodNotAllowed:      signon.ENOTFOUND,
	http.StatusConflict:              signon.ECONFLICT,
	http.StatusForbidden:             signon.EFORBIDDEN,
	http.StatusUnauthorized:          signon.EUNAUTHORIZED,
	http.StatusTooManyRequests:       signon.ETOOMANY,
	http.StatusServiceUnavailable:    signon.EUNAVAILABLE,
}

// retryAfterUnavailable is the Retry-After of a 503, in seconds: about
// what a PostgreSQL restart or a managed database's failover takes, so
// a client that obeys it does not add a stampede to the recovery.
const retryAfterUnavailable = 5

// handleError is the one place that turns an error into a response: the
// domain's codes become status codes, Echo's own errors (unknown route,
// bad CSRF token) keep theirs, and anything else is a logged 500 whose
// details never reach the client. A database that cannot be reached, or
// a request that ran out of time waiting on it, is a 503 with
// Retry-After: the request was fine and may be sent again.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.DeadlineExceeded) && signon.ErrorCode(err) == signon.EINTERNAL {
		err = errors.Join(err, signon.ErrUnavailable)
	}
	code, status := signon.ErrorCode(err), 0
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		if code = codeOf[status]; code == "" {
			code = signon.EINTERNAL
		}
	} else {
		status = statusOf[code]
	}
	if errors.As(err, new(badRequest)) {
		status = http.StatusBadRequest
	}
	var later retryLater
	switch {
	case errors.As(err, &later):
		c.Response().Header().Set("Retry-After", strconv.Itoa(later.seconds))
	case status == http.StatusServiceUnavailable:
		// An outage makes one of these per request, and nothing in
		// Signon is broken: a warning, with the driver's error.
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterUnavailable))
		s.log.WarnContext(c.Request().Context(), "request failed: database unavailable", slog.String("path", loggedPath(c)), slog.Any("error", err))
	case status >= 500:
		s.log.ErrorContext(c.Request().Context(), "request failed", slog.String("path", loggedPath(c)), slog.Any("error", err))
	}

	t := s.translator(c)
	message := t.Error(err)
	if he != nil {
		message = t.T("error.http." + code)
	}
	if isAPI(c) {
		body := apiError{Code: code, Message: message}
		if fields := signon.ErrorFields(err); len(fields) > 0 {
			body.Fields = t.Problems(err)
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, map[string]apiError{"error": body})
		}
	} else {
		err = s.render(c, status, "error", struct {
			*page
			Status  int
			Code    string
			Message string
		}{s.newPage(c, t.T("error.title")), status, code, message})
	}
	if err != nil {
		s.log.ErrorContext(c.Request().Context(), "writing error response", slog.Any("error", err))
	}
}

// apiError is the body of every API error:
// {"error": {"code": "...", "message": "...", "fields": {"field": "problem"}}}.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// badRequest marks an error of the domain's EINVALID that the API
// answers with 400 rather than 422: a parameter that is no value of its
// kind at all, such as a cursor no answer gave.
type badRequest struct{ error }

func (b badRequest) Unwrap() error { return b.error }
