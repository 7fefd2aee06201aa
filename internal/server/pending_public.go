package server

// Placeholders until the public pages and API land; public.go and api.go
// replace this file.

import "github.com/labstack/echo/v4"

func (s *Server) apiStatements(c echo.Context) error { return echo.ErrNotFound }
func (s *Server) apiStatement(c echo.Context) error  { return echo.ErrNotFound }
func (s *Server) apiSignatures(c echo.Context) error { return echo.ErrNotFound }
func (s *Server) apiStats(c echo.Context) error      { return echo.ErrNotFound }
func (s *Server) apiSign(c echo.Context) error       { return echo.ErrNotFound }
func (s *Server) handleHome(c echo.Context) error    { return echo.ErrNotFound }
func (s *Server) handleStatement(c echo.Context) error {
	return echo.ErrNotFound
}
func (s *Server) handleSign(c echo.Context) error { return echo.ErrNotFound }
