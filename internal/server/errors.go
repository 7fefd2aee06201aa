package server

import (
	"errors"
	"log/slog"
	"net/http"

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
}

// handleError is the one place that turns an error into a response: the
// domain's codes become status codes, Echo's own errors (unknown route,
// bad CSRF token) keep theirs, and anything else is a logged 500 whose
// details never reach the client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
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
	if status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", slog.String("path", c.Request().URL.Path), slog.Any("error", err))
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
