package server

import "github.com/labstack/echo/v4"

// RoutesOf lets the external tests compare the routes Echo serves with
// the OpenAPI document, without widening the package's real API.
func RoutesOf(s *Server) []*echo.Route { return s.echo.Routes() }
