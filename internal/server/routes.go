package server

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/signon-coalition/signon/web"
)

// addRoutes is the whole HTTP surface of Signon, tier by tier: the API
// (no cookies, so no CSRF), the public pages and sign form, and the
// coordinators' pages behind a login.
func (s *Server) addRoutes(e *echo.Echo) {
	e.Use(middleware.Recover(), s.logRequests(), securityHeaders, middleware.BodyLimit("2M"))

	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	static, _ := fs.Sub(web.FS, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheFor(3600, http.FileServerFS(static)))))

	api := e.Group("/api/v1", apiOnly)
	api.GET("/statements", s.apiStatements)
	api.GET("/statements/:slug", s.apiStatement)
	api.GET("/statements/:slug/signatures", s.apiSignatures)
	api.GET("/statements/:slug/stats", s.apiStats)
	api.POST("/statements/:slug/signatures", s.apiSign)

	pages := e.Group("", s.csrf(), s.loadSession)
	pages.GET("/", s.handleHome)
	pages.GET("/s/:slug", s.handleStatement)
	pages.POST("/s/:slug/sign", s.handleSign)
	pages.GET("/login", s.handleLoginForm)
	pages.POST("/login", s.handleLogin)
	pages.POST("/logout", s.handleLogout)
	pages.GET("/setup/:token", s.handleSetupForm)
	pages.POST("/setup/:token", s.handleSetup)

	coord := pages.Group("/coordinate", s.requireAccount)
	coord.GET("", s.handleDashboard)
	coord.GET("/statements/new", s.handleNewStatement)
	coord.POST("/statements", s.handleCreateStatement)
	coord.GET("/statements/:id", s.handleManageStatement)
	coord.GET("/statements/:id/edit", s.handleEditStatement)
	coord.POST("/statements/:id", s.handleUpdateStatement)
	coord.POST("/statements/:id/transition", s.handleTransition)
	coord.POST("/statements/:id/signatures/:sid/status", s.handleSignatureStatus)
}
