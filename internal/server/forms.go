package server

import (
	"strings"

	"github.com/signon-coalition/signon/internal/signon"
)

// signatureForm is the sign form as the browser posts it. It is mapped
// field by field to signon.SignatureInput, so a field added to the form
// never reaches the domain by accident.
type signatureForm struct {
	SignerType   string `form:"signer_type"`
	Organization string `form:"organization"`
	SignerName   string `form:"signer_name"`
	SignerTitle  string `form:"signer_title"`
	Email        string `form:"email"`
	City         string `form:"city"`
	Country      string `form:"country"`
	// CountryOther is a country typed by name, when Country is
	// otherCountry: the public form lists only the coalition's three
	// countries, since a list of every country would double the weight
	// of the statement page.
	CountryOther string `form:"country_other"`
	Region       string `form:"region"`
	Website      string `form:"website"`
	// Authorized is the affirmation of authority to sign for the
	// organization, a checkbox.
	Authorized bool `form:"authorized"`
	// Invitation is the token of a member's invitation link
	// (invitations.go), carried by the form the link opens.
	Invitation string `form:"invitation"`
	// Lang is the language of the page the form was on, which the answer
	// keeps speaking (handleSign).
	Lang string `form:"lang"`
	// Fax is the honeypot: hidden from people, filled in by bots that
	// complete every field they find.
	Fax string `form:"fax"`
}

// newSignatureForm is the empty form: most signatories are in the
// United States, so it is the country chosen at first.
func newSignatureForm() signatureForm {
	return signatureForm{Country: "US", SignerType: string(signon.SignerOrganization)}
}

// input maps the form to the domain's input; lang is the language the
// page was read in, which later messages to the signer use.
func (f signatureForm) input(lang string) signon.SignatureInput {
	return signon.SignatureInput{
		SignerType:   f.SignerType,
		Organization: f.Organization,
		SignerName:   f.SignerName,
		SignerTitle:  f.SignerTitle,
		Email:        f.Email,
		City:         f.City,
		Country:      f.country(),
		Region:       f.Region,
		Website:      f.Website,
		Language:     lang,
		Authorized:   f.Authorized,
	}
}

// otherCountry is the choice of the sign form's country select that
// asks for the country by name.
const otherCountry = "other"

// country is the country's code: the one chosen, or the one named in
// CountryOther (in English or Spanish, or by its code), or what was
// typed, for validation to refuse.
func (f signatureForm) country() string {
	if strings.EqualFold(strings.TrimSpace(f.Country), otherCountry) {
		return signon.ParseCountry(f.CountryOther)
	}
	return f.Country
}

// value is what the input named name shows when the form is rendered again.
func (f signatureForm) value(name string) string {
	switch name {
	case "signer_type":
		return f.SignerType
	case "organization":
		return f.Organization
	case "signer_name":
		return f.SignerName
	case "signer_title":
		return f.SignerTitle
	case "email":
		return f.Email
	case "city":
		return f.City
	case "country":
		return strings.ToUpper(strings.TrimSpace(f.Country))
	case "region":
		return strings.ToUpper(strings.TrimSpace(f.Region))
	case "website":
		return f.Website
	}
	return ""
}

// signatureField describes one text input of the sign form; the keys
// name its label and hint in the message catalogs.
type signatureField struct {
	Name         string
	Type         string
	Autocomplete string
	InputMode    string
	LabelKey     string
	HintKey      string
	Required     bool
	MaxLength    int
}

// signatureFields are the sign form's fields in the order the page shows
// them, which is also the order of the error summary.
var signatureFields = []signatureField{
	{Name: "signer_type", LabelKey: "public.field.signer_type", Required: true},
	{Name: "organization", Type: "text", Autocomplete: "organization", LabelKey: "public.field.organization", Required: true, MaxLength: signon.MaxOrganization},
	{Name: "signer_name", Type: "text", Autocomplete: "name", LabelKey: "public.field.signer_name", Required: true, MaxLength: signon.MaxSignerName},
	{Name: "signer_title", Type: "text", Autocomplete: "organization-title", LabelKey: "public.field.signer_title", MaxLength: signon.MaxSignerTitle},
	{Name: "email", Type: "email", Autocomplete: "email", InputMode: "email", LabelKey: "public.field.email", HintKey: "public.field.email_hint", Required: true, MaxLength: signon.MaxEmail},
	{Name: "city", Type: "text", Autocomplete: "address-level2", LabelKey: "public.field.city", MaxLength: signon.MaxCity},
	{Name: "country", LabelKey: "public.field.country", Required: true},
	{Name: "region", LabelKey: "public.field.region", HintKey: "public.field.region_hint"},
	{Name: "website", Type: "url", Autocomplete: "url", InputMode: "url", LabelKey: "public.field.website", HintKey: "public.field.website_hint", MaxLength: signon.MaxWebsite},
	{Name: "authorized", Type: "checkbox", LabelKey: affirmationKey, Required: true},
}

func lookupSignatureField(name string) (signatureField, bool) {
	for _, f := range signatureFields {
		if f.Name == name {
			return f, true
		}
	}
	return signatureField{}, false
}
