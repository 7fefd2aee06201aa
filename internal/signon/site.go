package signon

import "strings"

// Site is the address Signon is reached at, fixed when it starts: the
// configured public address or, in development, the local address it
// listens on. Every absolute link Signon gives out (the private links
// in emails above all, and the addresses in feeds, widgets, records and
// printed copies) is built here and never from a request: Host and
// X-Forwarded-* are whatever the sender of a request chooses, and a
// forged one would otherwise have Signon email a signer a working
// private link to someone else's server.
type Site struct {
	base string
}

// NewSite is the site at base, such as https://sign.example.org. An
// empty base leaves links as bare paths.
func NewSite(base string) Site {
	return Site{base: strings.TrimRight(base, "/")}
}

// URL is path (starting with "/") on the site.
func (s Site) URL(path string) string {
	return s.base + path
}

// String is the site's address, without a trailing slash.
func (s Site) String() string { return s.base }

// The private links: each token acts for its holder (see
// RedactPrivateLinks, which knows the same paths).

// ConfirmLink confirms a signer's address.
func (s Site) ConfirmLink(token string) string { return s.URL("/confirm/" + token) }

// ManageLink is a signer's own page, to correct or withdraw a signature.
func (s Site) ManageLink(token string) string { return s.URL("/my/" + token) }

// InvitationLink signs a statement as the invited member, opening the
// page in lang.
func (s Site) InvitationLink(token, lang string) string {
	return s.URL("/i/" + token + "?lang=" + lang)
}

// AccountInvitationLink lets an invited coordinator create an account.
func (s Site) AccountInvitationLink(token string) string { return s.URL("/invite/" + token) }
