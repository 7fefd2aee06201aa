// Package migrations holds Signon's schema as versioned SQL files, one
// folder per dialect, applied with goose. They are embedded so the binary
// migrates its own database and a deployment needs no files beside it.
//
// Both folders describe the same schema; a change is made to both, in a
// new file with the next version number, never by editing an applied one.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
