package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDocument describes /api/v1 for client generators and partners'
// developers. It is written by hand, and openapi_test.go holds it to the
// routes and to real responses, so a change to the API that leaves it
// behind fails the tests.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiOpenAPI serves GET /api/v1/openapi.json.
//
// apiOpenAPI serves the OpenAPI 3.1 description of the API.
func (s *Server) apiOpenAPI(c echo.Context) error {
	// Short-lived: the document changes with the API at each deployment.
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.JSONBlob(http.StatusOK, openAPIDocument)
}
