package server

// Authority to sign as coordinators see it: the flags of a signature
// with a short reason each, in the review queue and on the signature's
// page, and the affirmation its signer made. The rules are in
// internal/signon (authority.go); the blocklist's pages are in
// blocklist.go.

import (
	"github.com/signon-coalition/signon/internal/signon"
)

// flagReason is one flag of a signature, named and explained.
type flagReason struct {
	Code   signon.Flag
	Name   string
	Reason string
}

// FlagReasons lists sig's flags, each with its reason in the page's
// language.
func (p *page) FlagReasons(sig *signon.Signature) []flagReason {
	var out []flagReason
	for _, f := range sig.Flags.List() {
		out = append(out, flagReason{
			Code: f,
			Name: p.T("review.flag.name." + string(f)),
			Reason: p.T("review.flag."+string(f), "Domain", signon.EmailDomain(sig.Email),
				"Website", signon.WebsiteDomain(sig.Website)),
		})
	}
	return out
}

// FlagChoices are the flags the queue's filter offers.
func (p *page) FlagChoices(chosen string) []selectOption {
	out := []selectOption{{Value: string(signon.FlagAny), Label: p.T("review.flag.filter_any"), Selected: chosen == string(signon.FlagAny)}}
	for _, f := range signon.AllFlags {
		out = append(out, selectOption{Value: string(f), Label: p.T("review.flag.name." + string(f)), Selected: chosen == string(f)})
	}
	return out
}

// LanguageName names a language code in the page's language.
func (p *page) LanguageName(code string) string {
	return p.T("coordinate.language." + code)
}

// AuthorityNote says why sig carries no affirmation of authority.
func (p *page) AuthorityNote(sig *signon.Signature) string {
	switch {
	case sig.SignerType == signon.SignerIndividual:
		return p.T("review.authority.none_individual")
	case sig.Source == signon.SourceImport || sig.Source == signon.SourceManual:
		return p.T("review.authority.added")
	}
	return p.T("review.authority.none")
}
