// Package web holds what Signon's pages are made of: HTML templates,
// static files and the English and Spanish message catalogs, embedded in
// the binary so a single file runs the whole site.
package web

import "embed"

// FS holds templates/, static/ and locales/.
//
//go:embed templates static locales
var FS embed.FS
