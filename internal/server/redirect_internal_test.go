package server

import "testing"

// TestLocalPath: a redirect built from what a visitor sent stays on this
// site, whatever the encoding the browser or a proxy might undo.
func TestLocalPath(t *testing.T) {
	const fallback = "/coordinate"
	for _, tt := range []struct{ target, want string }{
		// Paths of this site go through as they are.
		{"/", "/"},
		{"/coordinate", "/coordinate"},
		{"/coordinate/statements/new", "/coordinate/statements/new"},
		{"/coordinate?x=1", "/coordinate?x=1"},
		{"/s/summit-letter?lang=es#signed", "/s/summit-letter?lang=es#signed"},
		{"/s/carta%20abierta", "/s/carta%20abierta"},
		{"/s/año", "/s/año"},
		{"/coordinate/statements/5/review?q=https%3A%2F%2Fexample.org", "/coordinate/statements/5/review?q=https%3A%2F%2Fexample.org"},

		// Not a path.
		{"", fallback},
		{"evil.example", fallback},
		{"coordinate", fallback},
		{"./coordinate", fallback},
		{"../coordinate", fallback},
		{"?next=/", fallback},
		{"#top", fallback},

		// Absolute and scheme-relative.
		{"https://evil.example/", fallback},
		{"http:evil.example", fallback},
		{"http:/evil.example", fallback},
		{"javascript:alert(1)", fallback},
		{"JAVASCRIPT:alert(1)", fallback},
		{"data:text/html,hi", fallback},
		{"//evil.example", fallback},
		{"//evil.example/coordinate", fallback},
		{"///evil.example", fallback},
		{"/\\evil.example", fallback},
		{"\\\\evil.example", fallback},
		{"\\/evil.example", fallback},
		{"/\\/evil.example", fallback},

		// Control characters, which browsers drop before reading the
		// address: "/\t/evil.example" is "//evil.example" to them.
		{"/\t/evil.example", fallback},
		{"/\n/evil.example", fallback},
		{"/\r\n/evil.example", fallback},
		{"/\x00/evil.example", fallback},
		{"/\x7f/evil.example", fallback},
		{"/\u0085/evil.example", fallback},
		{"\t//evil.example", fallback},
		{" //evil.example", fallback},
		{"/coordinate\r\nSet-Cookie: a=b", fallback},

		// The same, percent-encoded, once or twice.
		{"/%09/evil.example", fallback},
		{"/%0a/evil.example", fallback},
		{"/%0D%0A/evil.example", fallback},
		{"/%00/evil.example", fallback},
		{"/%7f/evil.example", fallback},
		{"/%2f/evil.example", fallback},
		{"/%2F/evil.example", fallback},
		{"/%5c/evil.example", fallback},
		{"/%5C/evil.example", fallback},
		{"%2f%2fevil.example", fallback},
		{"%2F/evil.example", fallback},
		{"/%252f/evil.example", fallback},
		{"/%25252f/evil.example", fallback},
		{"/%2509/evil.example", fallback},
		{"/coordinate%0d%0aSet-Cookie:%20a=b", fallback},
		{"/?x=%0d%0aSet-Cookie:%20a=b", fallback},
		{"/%zz", fallback},

		// Credentials or a host smuggled into what looks like a path.
		{"/@evil.example", "/@evil.example"},
		{"//user@evil.example", fallback},
	} {
		if got := localPath(tt.target, fallback); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.target, got, tt.want)
		}
	}
}
