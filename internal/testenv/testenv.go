// Package testenv decides what tests do when a service they need, such as
// PostgreSQL or Chromium, is not on the machine: skip with the reason on a
// developer's laptop, fail in CI where SIGNON_TEST_REQUIRE names it.
package testenv

import (
	"os"
	"strings"
	"testing"
)

// Service names accepted in SIGNON_TEST_REQUIRE (comma-separated).
const (
	Postgres = "postgres"
	Browser  = "browser"
)

// Required reports whether SIGNON_TEST_REQUIRE names service.
func Required(service string) bool {
	for _, s := range strings.Split(os.Getenv("SIGNON_TEST_REQUIRE"), ",") {
		if strings.TrimSpace(s) == service {
			return true
		}
	}
	return false
}

// Unavailable ends the test because service is missing: a skip with the
// reason, or a failure when the service is required.
func Unavailable(t testing.TB, service, reason string) {
	t.Helper()
	if Required(service) {
		t.Fatalf("%s is required by SIGNON_TEST_REQUIRE but unavailable: %s", service, reason)
	}
	t.Skipf("skipping: %s unavailable: %s (set SIGNON_TEST_REQUIRE=%s to make this a failure)", service, reason, service)
}
