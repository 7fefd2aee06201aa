package server

import (
	"net/url"
	"strings"
	"unicode"
)

// maxLocalPath bounds a redirect target taken from a request; a longer
// one is not a page of Signon.
const maxLocalPath = 2048

// maxDecodings is how many times a redirect target is percent-decoded
// before it is refused as encoded beyond any link of Signon.
const maxDecodings = 4

// localPath is target when it is a path on this site, else fallback. It
// is the one check for every redirect built from what a visitor sent
// (the page after a login, the page after a language switch): browsers
// drop tabs and newlines from an address and read a backslash as a
// slash, so "/\t/evil.example" or "/\evil.example" is another site to
// them, and a proxy or a second decoding may turn "%2f" into a slash. So
// the target must start with one slash, and neither it nor its decoding
// (repeated) may hold a control character, nor its path a "//" or a
// backslash.
func localPath(target, fallback string) string {
	if isLocalPath(target) {
		return target
	}
	return fallback
}

func isLocalPath(target string) bool {
	if len(target) > maxLocalPath || !strings.HasPrefix(target, "/") {
		return false
	}
	if u, err := url.Parse(target); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	path, _, _ := strings.Cut(target, "?")
	path, _, _ = strings.Cut(path, "#")
	for range maxDecodings {
		if hasControl(target) || strings.Contains(path, "//") || strings.Contains(path, `\`) {
			return false
		}
		decoded, err := url.PathUnescape(target)
		if err != nil {
			return false
		}
		if decoded == target {
			return true
		}
		if path, err = url.PathUnescape(path); err != nil {
			return false
		}
		target = decoded
	}
	return false
}

// hasControl reports whether s holds a control character, or bytes that
// are not UTF-8.
func hasControl(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) {
			return true
		}
	}
	return false
}
