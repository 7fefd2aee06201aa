package signon

import (
	_ "embed"
	"net/url"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"
)

// Authority to sign. A person signing for an organization affirms that
// they may sign on its behalf; the text they affirmed, its language and
// the time are kept with the signature for the coordinators. A
// coordinator's own additions (by hand or by import) carry none.
//
// Flags point coordinators at signatures worth a second look: an email
// whose domain is not the organization's website's, a free-mail or
// disposable address, or anything on the coordinators' blocklist. Flags
// are computed when a signature is made and when its signer corrects
// it, and stored with it (see Flags).

// ProblemAuthorityRequired: an organization's signature lacks the
// signer's affirmation that they may sign for it.
const ProblemAuthorityRequired = "authority_required"

// Flag is one reason to look twice at a signature.
type Flag string

const (
	// FlagDomainMismatch: the organization names a website and the
	// email's registrable domain is not the website's.
	FlagDomainMismatch Flag = "domain_mismatch"
	// FlagFreeMail: an organization signs from a free-mail address
	// (gmail.com, yahoo.com, prodigy.net.mx, …), which anyone can open.
	FlagFreeMail Flag = "free_mail"
	// FlagDisposable: the address is on a throwaway-mail domain.
	FlagDisposable Flag = "disposable"
	// FlagBlocklisted: the email, its domain or the organization is on
	// the coordinators' blocklist. Such a signature always waits for a
	// coordinator (InitialStatus).
	FlagBlocklisted Flag = "blocklisted"
)

// FlagAny selects the signatures with any flag (SignatureFilter.Flag).
const FlagAny Flag = "any"

// AllFlags lists the flags in the order pages show them.
var AllFlags = []Flag{FlagBlocklisted, FlagDisposable, FlagFreeMail, FlagDomainMismatch}

// ValidFlag reports whether f is one of AllFlags.
func ValidFlag(f Flag) bool { return slices.Contains(AllFlags, f) }

// Flags is a signature's flags as stored: their codes in the order of
// AllFlags, joined by commas; "" for none. A few fixed codes read with
// the row need no table of their own.
type Flags string

// Has reports whether fl holds f.
func (fl Flags) Has(f Flag) bool {
	return slices.Contains(fl.List(), f)
}

// List is fl's flags in the order of AllFlags.
func (fl Flags) List() []Flag {
	if fl == "" {
		return nil
	}
	var out []Flag
	for _, code := range strings.Split(string(fl), ",") {
		out = append(out, Flag(code))
	}
	return out
}

// makeFlags joins flags in the order of AllFlags.
func makeFlags(set map[Flag]bool) Flags {
	var codes []string
	for _, f := range AllFlags {
		if set[f] {
			codes = append(codes, string(f))
		}
	}
	return Flags(strings.Join(codes, ","))
}

// SignatureFlags computes the flags of sig; blocked says whether the
// blocklist matches it (BlockProbeOf).
func SignatureFlags(sig *Signature, blocked bool) Flags {
	set := map[Flag]bool{FlagBlocklisted: blocked}
	domain := EmailDomain(sig.Email)
	switch {
	case domain == "":
	case IsDisposableDomain(domain):
		set[FlagDisposable] = true
	case sig.SignerType != SignerOrganization:
		// A person may well write from their own free-mail address.
	case IsFreeMailDomain(domain):
		set[FlagFreeMail] = true
	case sig.Website != "":
		site := WebsiteDomain(sig.Website)
		set[FlagDomainMismatch] = site != "" && RegistrableDomain(domain) != RegistrableDomain(site)
	}
	return makeFlags(set)
}

// EmailDomain is the lower-case domain of an address, or "".
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(email[at+1:])), ".")
}

// WebsiteDomain is the lower-case host of a website address, without
// its port, or "".
func WebsiteDomain(website string) string {
	u, err := url.Parse(strings.TrimSpace(website))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// RegistrableDomain is the part of host a registrant holds, by the
// public suffix list: mail.example.org and www.example.org are both
// example.org, and casa.org.mx is not org.mx. A host that is itself a
// public suffix, or not a domain at all, is returned as it is.
func RegistrableDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// freeMailDomains are the free-mail services most used in the United
// States, Mexico, Canada and Latin America, by registrable domain.
var freeMailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"yahoo.com": true, "yahoo.com.mx": true, "yahoo.ca": true, "yahoo.es": true, "yahoo.com.ar": true,
	"yahoo.com.br": true, "yahoo.co.uk": true, "ymail.com": true, "rocketmail.com": true,
	"outlook.com": true, "outlook.es": true, "hotmail.com": true, "hotmail.es": true, "hotmail.com.mx": true,
	"hotmail.ca": true, "hotmail.co.uk": true, "live.com": true, "live.com.mx": true, "live.ca": true,
	"msn.com": true, "passport.com": true,
	"proton.me": true, "protonmail.com": true, "protonmail.ch": true, "pm.me": true,
	"icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "aim.com": true,
	"gmx.com": true, "gmx.net": true, "gmx.de": true, "gmx.us": true, "mail.com": true,
	"yandex.com": true, "yandex.ru": true, "ya.ru": true, "mail.ru": true,
	"zoho.com": true, "zohomail.com": true, "tutanota.com": true, "tuta.io": true, "fastmail.com": true,
	"hushmail.com": true, "inbox.com": true, "comcast.net": true, "verizon.net": true, "att.net": true,
	"sbcglobal.net": true, "bellsouth.net": true, "cox.net": true, "charter.net": true, "earthlink.net": true,
	"juno.com": true, "netzero.net": true, "shaw.ca": true, "rogers.com": true, "sympatico.ca": true,
	"videotron.ca": true, "telus.net": true,
	"prodigy.net.mx": true, "infinitummail.com": true, "terra.com.mx": true, "terra.com": true,
	"terra.com.br": true, "uol.com.br": true, "bol.com.br": true, "ig.com.br": true,
	"latinmail.com": true, "starmedia.com": true, "correoweb.com": true, "todito.com": true,
	"hotmail.com.ar": true, "fibertel.com.ar": true, "speedy.com.ar": true, "arnet.com.ar": true,
	"une.net.co": true, "etb.net.co": true, "cantv.net": true, "movistar.es": true,
}

// IsFreeMailDomain reports whether an email domain belongs to a
// free-mail service.
func IsFreeMailDomain(domain string) bool {
	domain = strings.ToLower(domain)
	return freeMailDomains[domain] || freeMailDomains[RegistrableDomain(domain)]
}

// disposableList is the disposable-email-domains project's list of
// throwaway-mail domains, vendored (docs/decisions.md, "Disposable
// email domains"; scripts/refresh-disposable.sh refreshes it).
//
//go:embed disposable_email_blocklist.conf
var disposableList string

var disposableDomains = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(disposableList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = true
		}
	}
	return set
})

// IsDisposableDomain reports whether an email domain, or a domain it
// is under, is a disposable-mail domain.
func IsDisposableDomain(domain string) bool {
	set := disposableDomains()
	domain = strings.ToLower(domain)
	for d := domain; d != ""; {
		if set[d] {
			return true
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok || !strings.Contains(rest, ".") {
			return false
		}
		d = rest
	}
	return false
}
