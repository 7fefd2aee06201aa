package signon

import (
	"errors"
	"fmt"
)

// Error codes. Each layer maps them to its own vocabulary: the HTTP server
// to status codes, the command line to exit messages.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// ErrUnavailable says the database cannot be reached for now (down,
// restarting, or out of connections): nothing is wrong with the request,
// and the same request may succeed in a few seconds. The store returns
// errors that match it, with errors.Is and ErrorCode, wrapping the
// driver's error for the logs.
var ErrUnavailable = KeyedError(EUNAVAILABLE, "error.http.unavailable",
	"Signon is briefly unavailable. What was confirmed before is safe; please try again in a few seconds.")

// Errors of signing and reviewing that callers tell apart with
// errors.Is. Each is returned as it is or wrapped; its Key names the
// message a person reads, which only the edge (the server's i18n) looks
// up.
var (
	// ErrAlreadySigned refuses a second standing signature of an
	// organization on one statement.
	ErrAlreadySigned = KeyedError(ECONFLICT, "error.already_signed", "This organization has already signed this statement.")
	// ErrOrganizationTaken refuses a correction that names an
	// organization another standing signature of the statement has: the
	// two are better merged.
	ErrOrganizationTaken = &Error{
		Code: ECONFLICT, Key: "review.error.org_taken",
		Message: "Another signature of this organization stands already: merge the two instead.",
		Fields:  Problems{"organization": {Code: ProblemTaken}},
	}
	// ErrNotOpen refuses a signature to a statement not open for them.
	ErrNotOpen = KeyedError(ECONFLICT, "error.not_open", "This statement is not open for signatures.")
	// ErrTooManySignatures refuses a signature over the allowance of
	// signatures from one network.
	ErrTooManySignatures = KeyedError(ETOOMANY, "error.http.too_many_requests", "Too many requests. Please wait a few minutes and try again.")
	// ErrInvalidLink is the one answer to a confirmation or private
	// link that is unknown, used or expired: telling them apart would
	// tell a guesser which links once existed.
	ErrInvalidLink = KeyedError(ENOTFOUND, "confirm.error.invalid_link", "This link is not valid: it may have been used already or have expired.")
	// ErrConfirmClosed refuses a confirmation that comes after the
	// statement stopped taking signatures.
	ErrConfirmClosed = KeyedError(ECONFLICT, "confirm.error.closed", "This statement is no longer open for signatures, so your signature can no longer be confirmed.")
	// ErrSignatureClosed refuses a signer's change to a signature that
	// no longer stands, or of a statement no longer open.
	ErrSignatureClosed = KeyedError(ECONFLICT, "my.error.closed", "This signature can no longer be changed.")
	// ErrInvalidAPIToken refuses an API request whose token is missing,
	// unknown, revoked, or of a disabled account, without saying which.
	ErrInvalidAPIToken = KeyedError(EUNAUTHORIZED, "api.error.invalid_token",
		"This request needs a valid API token: send it as Authorization: Bearer followed by the token.")
	// ErrInvalidCursor refuses a change log cursor that no answer gave
	// (change.go).
	ErrInvalidCursor = KeyedError(EINVALID, "api.error.invalid_cursor",
		"The cursor is not valid: pass the next_cursor of an earlier answer, or an empty one to start from the beginning.")
)

// Error is an error that is safe to show to the person who caused it.
// Key, when set, names a translated message that replaces Message in the
// person's language; Fields maps form fields to Problems.
type Error struct {
	Code    string
	Key     string
	Message string
	Fields  map[string]Problem
}

func (e *Error) Error() string {
	return fmt.Sprintf("signon error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// KeyedError returns an *Error whose message has a translation under key.
func KeyedError(code, key, message string) *Error {
	return &Error{Code: code, Key: key, Message: message}
}

// ErrorCode returns the code of err, or EINTERNAL when err is not an *Error
// (anything unexpected is internal, and its details stay in the logs).
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the per-field problems of err, or nil.
func ErrorFields(err error) map[string]Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorKey returns the translation key of err, or "".
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// Problem says what is wrong with one field. The code is stable (the API
// returns it and translations are keyed by it); Limit carries the number a
// message needs, such as a maximum length.
type Problem struct {
	Code  string
	Limit int
}

// Problem codes.
const (
	ProblemRequired       = "required"
	ProblemTooLong        = "too_long"
	ProblemInvalidEmail   = "invalid_email"
	ProblemInvalidURL     = "invalid_url"
	ProblemUnknownCountry = "unknown_country"
	ProblemUnknownRegion  = "unknown_region"
	ProblemRegionRequired = "region_required"
	ProblemInvalidChoice  = "invalid_choice"
	ProblemInvalidTime    = "invalid_time"
	ProblemTooShort       = "too_short"
	ProblemMismatch       = "mismatch"
	ProblemTaken          = "taken"
	// ProblemInvalidCharacters: bytes that are not UTF-8, or control
	// characters such as NUL.
	ProblemInvalidCharacters = "invalid_characters"
)

// Message is the English text of a problem, used where no translation is
// at hand (logs, the command line, the JSON API's default language).
func (p Problem) Message() string {
	switch p.Code {
	case ProblemRequired:
		return "This field is required."
	case ProblemTooLong:
		return fmt.Sprintf("Use at most %d characters.", p.Limit)
	case ProblemTooShort:
		return fmt.Sprintf("Use at least %d characters.", p.Limit)
	case ProblemInvalidEmail:
		return "Enter a valid email address, like name@example.org."
	case ProblemInvalidURL:
		return "Enter a web address starting with http:// or https://."
	case ProblemUnknownCountry:
		return "Choose a country from the list."
	case ProblemUnknownRegion:
		return "Choose a state or province of the selected country."
	case ProblemRegionRequired:
		return "Choose a state or province."
	case ProblemInvalidChoice:
		return "Choose one of the options."
	case ProblemInvalidTime:
		return "Enter a date and time."
	case ProblemMismatch:
		return "The two entries do not match."
	case ProblemTaken:
		return "This is already in use."
	case ProblemInvalidCharacters:
		return "Use only letters, numbers, spaces and punctuation."
	case ProblemSameLanguage:
		return "Choose a language other than the statement's own."
	case ProblemWebhookScheme:
		return "Use an address starting with https://."
	case ProblemWebhookInternal:
		return "This address points inside a private network (loopback, private, link-local or similar); use a public address."
	case ProblemWebhookUnresolved:
		return "This address's host name could not be found."
	case ProblemRetentionMonths:
		return fmt.Sprintf("Enter a whole number of months from 0 to %d; 0 or empty keeps the default of %d months.", p.Limit, DefaultRetentionMonths)
	}
	return "This value is not valid."
}

// Problems collects field problems while a form or request is validated.
type Problems map[string]Problem

// Add records a problem for field, keeping the first one found.
func (p Problems) Add(field, code string, limit int) {
	if _, ok := p[field]; !ok {
		p[field] = Problem{Code: code, Limit: limit}
	}
}

// Err returns an EINVALID *Error carrying the problems, or nil if none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "error.invalid_fields", Message: "Please correct the highlighted fields.", Fields: p}
}
