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
	e.Use(middleware.Recover(), s.countRequests, s.logRequests(), s.securityHeaders, bodyLimit())
	s.addMetricsRoute(e) // metrics.go: only when a token guards it

	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	static, _ := fs.Sub(web.FS, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheFor(3600, http.FileServerFS(static)))))
	e.GET("/static/logo", s.handleLogo)
	// The printed statement's PDF is a download like the lists: no cookies.
	e.GET("/s/:slug/statement.pdf", s.handleStatementPDF, fileDownload)

	// Public reads are the same bytes for everyone, shared by the caches
	// in front and kept a second in memory (page_cache.go).
	shared := s.sharedRead(false)
	api := e.Group("/api/v1", apiOnly)
	api.GET("/statements", s.apiStatements, shared)
	api.GET("/statements/:slug", s.apiStatement, shared)
	// With ?since= or an Authorization header it is private, never
	// shared (api_changes.go, page_cache.go's privateRead).
	api.GET("/statements/:slug/signatures", s.apiSignatures, shared)
	api.GET("/statements/:slug/stats", s.apiStats, shared)
	api.POST("/statements/:slug/signatures", s.apiSign)
	api.GET("/statements/:slug/record", s.apiRecord, shared)
	api.GET("/openapi.json", s.apiOpenAPI, shared)

	// Sharing: read by other sites and feed readers, so no cookies.
	e.GET("/s/:slug/embed", s.handleEmbed, framable, shared)
	e.GET("/oembed", s.handleOEmbed, apiOnly, shared)
	e.GET("/feed.atom", s.handleFeed, s.sharedRead(true))

	// Downloads of the signatory list, public ones without cookies; a few
	// at a time, since each holds a database connection while it streams.
	exports := s.exports.limit
	api.GET("/statements/:slug/signatures.json", s.apiSignaturesJSON, fileDownload, exports)
	e.GET("/s/:slug/signatories.csv", s.handleSignatoriesCSV, fileDownload, exports)
	e.GET("/s/:slug/signatories.json", s.handleSignatoriesJSON, apiOnly, fileDownload, exports)

	// The public pages: shared bytes without cookies for visitors, a
	// private page with the session and its CSRF token for someone signed
	// in or just signed. The sign form on them is guarded by where the
	// post comes from instead of a token (middleware.go).
	public := e.Group("", s.publicPage(s.csrf(), s.loadSession))
	public.GET("/", s.handleHome)
	public.GET("/s/:slug", s.handleStatement)
	public.GET("/s/:slug/print", s.handlePrint, s.prints.limit)
	public.GET("/s/:slug/versions/:n", s.handleStatementVersion)
	public.GET("/privacy", s.handlePrivacy)
	e.POST("/s/:slug/sign", s.handleSign, s.sameOrigin, s.loadSession)
	e.GET("/language/:lang", s.handleLanguage)

	pages := e.Group("", s.csrf(), s.loadSession)
	pages.GET("/login", s.handleLoginForm)
	pages.POST("/login", s.handleLogin)
	pages.POST("/logout", s.handleLogout)
	pages.GET("/setup/:token", s.handleSetupForm)
	pages.POST("/setup/:token", s.handleSetup)
	pages.GET("/i/:token", s.handleInvitation)
	pages.GET("/invite/:token", s.handleInvitationForm)
	pages.POST("/invite/:token", s.handleAcceptAccountInvitation)

	// A signer's private links (signer.go): the token is the credential.
	pages.GET("/confirm/:token", s.handleConfirmPage)
	pages.POST("/confirm/:token", s.handleConfirm)
	pages.POST("/confirm/resend", s.handleResend)
	pages.GET("/my/:token", s.handleMySignature)
	pages.POST("/my/:token", s.handleUpdateMySignature)
	pages.GET("/my/:token/withdraw", s.handleWithdrawPage)
	pages.POST("/my/:token/withdraw", s.handleWithdraw)

	coord := pages.Group("/coordinate", s.requireAccount, s.dropPagesAfterWrites)
	coord.GET("", s.handleDashboard)
	coord.GET("/statements/new", s.handleNewStatement)
	coord.POST("/statements", s.handleCreateStatement)
	coord.GET("/statements/:id", s.handleManageStatement)
	coord.GET("/statements/:id/edit", s.handleEditStatement)
	coord.POST("/statements/:id", s.handleUpdateStatement)
	coord.POST("/statements/:id/transition", s.handleTransition)
	coord.GET("/statements/:id/translation", s.handleTranslationForm)
	coord.POST("/statements/:id/translation", s.handleSaveTranslation)
	coord.POST("/statements/:id/signatures/:sid/status", s.handleSignatureStatus)
	coord.GET("/statements/:id/signatures.csv", s.handleSignaturesCSV, fileDownload, exports)
	coord.GET("/statements/:id/signatures.json", s.handleSignaturesJSON, fileDownload, exports)
	coord.GET("/outbox", s.handleOutbox)
	coord.GET("/outbox/:id", s.handleOutboxEmail)
	// Review (review.go, signature_import.go) and the audit trail (audit.go).
	coord.GET("/statements/:id/review", s.handleReview)
	coord.POST("/statements/:id/review", s.handleReviewDecide)
	coord.GET("/statements/:id/signatures/new", s.handleAddSignatureForm)
	coord.POST("/statements/:id/signatures", s.handleAddSignature)
	coord.GET("/statements/:id/signatures/:sid", s.handleReviewSignature)
	coord.POST("/statements/:id/signatures/:sid", s.handleUpdateSignature)
	coord.POST("/statements/:id/signatures/:sid/decision", s.handleSignatureDecision)
	coord.GET("/statements/:id/merge", s.handleMergeForm)
	coord.POST("/statements/:id/merge", s.handleMerge)
	coord.GET("/statements/:id/import", s.handleImportForm)
	coord.POST("/statements/:id/import", s.handleImportPreview)
	coord.POST("/statements/:id/import/confirm", s.handleImportConfirm)
	coord.GET("/statements/:id/audit", s.handleAudit)
	// Erasing a signature's personal data on request (privacy.go): admins only.
	coord.GET("/statements/:id/signatures/:sid/erase", s.handleEraseForm, s.requireEraser)
	coord.POST("/statements/:id/signatures/:sid/erase", s.handleErase, s.requireEraser)
	// Delivery to the addressees (delivery.go).
	coord.GET("/statements/:id/delivery", s.handleDelivery)
	coord.POST("/statements/:id/addressees", s.handleSaveAddressees)
	coord.POST("/statements/:id/deliveries", s.handleHandDelivery)
	coord.POST("/statements/:id/deliveries/email", s.handleEmailDelivery)
	coord.POST("/statements/:id/deliveries/emails/:eid/retry", s.handleRetryDeliveryEmail)
	// Outgoing webhooks (webhooks.go): a statement's, or all statements' for admins.
	coord.GET("/statements/:id/webhooks", s.handleStatementWebhooks)
	coord.POST("/statements/:id/webhooks", s.handleCreateStatementWebhook)
	coord.GET("/webhooks", s.handleAllWebhooks, requireWebhookAdmin)
	coord.POST("/webhooks", s.handleCreateWebhook, requireWebhookAdmin)
	coord.GET("/webhooks/:wid", s.handleWebhook)
	coord.POST("/webhooks/:wid/rotate", s.handleRotateWebhookSecret)
	coord.POST("/webhooks/:wid/delete", s.handleDeleteWebhook)

	// The roster, its import, and each statement's members and invitations.
	coord.GET("/members", s.handleRoster)
	coord.GET("/members/new", s.handleNewMember)
	coord.POST("/members", s.handleCreateMember)
	coord.GET("/members/import", s.handleMemberImportForm)
	coord.POST("/members/import", s.handleMemberImport)
	coord.GET("/members/:id/edit", s.handleEditMember)
	coord.POST("/members/:id", s.handleUpdateMember)
	coord.POST("/members/:id/delete", s.handleDeleteMember)
	coord.GET("/statements/:id/members", s.handleStatementMembers)
	coord.POST("/statements/:id/invitations", s.handleSendInvitations)
	coord.POST("/statements/:id/reminders", s.handleSendReminders)
	coord.POST("/statements/:id/lead", s.handleLead) // lead.go
	// The blocklist, the installation's (blocklist.go).
	coord.GET("/blocklist", s.handleBlocklist)
	coord.POST("/blocklist", s.handleAddBlockEntry)
	coord.POST("/blocklist/:id/delete", s.handleRemoveBlockEntry)

	// API tokens, each coordinator's own (api_tokens.go).
	coord.GET("/tokens", s.handleAPITokens)
	coord.POST("/tokens", s.handleCreateAPIToken)
	coord.POST("/tokens/:id/revoke", s.handleRevokeAPIToken)

	// Accounts are the admins' to manage (accounts.go).
	admin := coord.Group("/accounts", s.requireAdmin)
	admin.GET("", s.handleAccounts)
	admin.POST("/invitations", s.handleInvite)
	admin.POST("/invitations/revoke", s.handleRevokeAccountInvitation)
	admin.POST("/:id/disable", s.handleDisableAccount)
	admin.POST("/:id/enable", s.handleEnableAccount)
}

// Routes lists every route the server answers, so tests can check each
// one's protection.
func (s *Server) Routes() []*echo.Route {
	return s.echo.Routes()
}
