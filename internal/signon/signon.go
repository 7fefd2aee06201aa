// Package signon holds Signon's domain: statements and their lifecycle,
// signatures and how they are validated and deduplicated, coordinators,
// the regions signatories are grouped by, and the errors every layer shares.
//
// It imports no web framework and no ORM. The store and the HTTP server
// adapt to these types at their edges, so the rules here can be read and
// tested on their own.
package signon

import "time"

// Clock lets the rules that depend on time (deadlines, scheduled opening)
// be tested without sleeping.
type Clock func() time.Time

// Languages Signon speaks. The first is the default.
var Languages = []string{"en", "es"}

// ValidLanguage reports whether lang is one Signon has texts for.
func ValidLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
