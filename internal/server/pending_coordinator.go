package server

// Placeholders until the coordinators' pages land; coordinator.go replaces
// this file.

import "github.com/labstack/echo/v4"

func (s *Server) handleDashboard(c echo.Context) error       { return echo.ErrNotFound }
func (s *Server) handleNewStatement(c echo.Context) error    { return echo.ErrNotFound }
func (s *Server) handleCreateStatement(c echo.Context) error { return echo.ErrNotFound }
func (s *Server) handleManageStatement(c echo.Context) error { return echo.ErrNotFound }
func (s *Server) handleEditStatement(c echo.Context) error   { return echo.ErrNotFound }
func (s *Server) handleUpdateStatement(c echo.Context) error { return echo.ErrNotFound }
func (s *Server) handleTransition(c echo.Context) error      { return echo.ErrNotFound }
