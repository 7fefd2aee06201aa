package signon

import (
	"context"
	"regexp"
	"time"
)

// EmailStatus is where a message stands in the outbox.
type EmailStatus string

const (
	EmailQueued EmailStatus = "queued" // waiting for its delivery job, or retrying
	EmailSent   EmailStatus = "sent"   // accepted by the SMTP server
	EmailLogged EmailStatus = "logged" // no SMTP configured: written to the log
	EmailFailed EmailStatus = "failed" // every attempt failed
)

// Email kinds, naming the template each is written from.
const (
	EmailConfirm          = "confirm"            // a signer confirms their address
	EmailInvite           = "invite"             // a member is invited to sign
	EmailReminder         = "reminder"           // a member who has not signed is reminded
	EmailAccountInvite    = "account_invite"     // an admin invites a coordinator
	EmailSignatureManaged = "signature_received" // a signer gets their private link
	EmailDelivery         = "delivery"           // a statement is delivered to an addressee
)

// Email is one message Signon sends, rendered when the change that causes
// it is made and stored in that change's transaction with the job that
// delivers it: a change rolled back sends nothing, and a crash after the
// commit loses nothing. Every email has a plain-text and an HTML part in
// the recipient's language.
type Email struct {
	ID          int64
	Kind        string
	ToAddress   string
	Language    string
	Subject     string
	TextBody    string
	HTMLBody    string
	StatementID *int64
	SignatureID *int64
	MemberID    *int64
	Status      EmailStatus
	Attempts    int // attempts begun, the one in progress included
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
	// SendingSince is when the attempt in progress handed the email to
	// the sender; nil once its outcome is recorded. Set when no attempt
	// is running, it says the last one's outcome was never recorded.
	SendingSince *time.Time
	// AttachmentName and Attachment are a file sent with the message,
	// such as the delivered statement's PDF; empty for most emails.
	AttachmentName string
	Attachment     []byte
	// MessageID and ServerReply are, once an SMTP server has accepted
	// the message, its Message-ID and what the server answered.
	MessageID   string
	ServerReply string
}

// privateLink matches the token of a link that acts for its holder: a
// signer's confirmation and private page, a member's invitation, a
// coordinator's invitation. Tokens are 32 random bytes in base64url.
var privateLink = regexp.MustCompile(`(/(?:confirm|my|i|invite)/)[A-Za-z0-9_-]{40,}`)

// RedactPrivateLinks replaces the tokens of private links in an email's
// body with "…". Once an email has reached its recipient's mail server,
// its stored copy needs no working link: the outbox keeps what was sent
// without keeping a way to act for the recipient, so the database holds
// tokens only as hashes.
func RedactPrivateLinks(body string) string {
	return privateLink.ReplaceAllString(body, "${1}…")
}

// EmailFilter selects a page of the outbox, newest first.
type EmailFilter struct {
	StatementID int64 // 0 for every statement
	Status      EmailStatus
	Page        int
	PerPage     int
}

// EmailService is the outbox: what was sent, to whom, and how it went.
type EmailService interface {
	// QueueEmail stores e and enqueues its delivery in one transaction.
	QueueEmail(ctx context.Context, e *Email) error
	EmailByID(ctx context.Context, id int64) (*Email, error)
	Emails(ctx context.Context, f EmailFilter) ([]*Email, int, error)
	// BeginDelivery records, before email id is handed to a sender, that
	// an attempt is under way, and returns the email. resend reports
	// that an earlier attempt handed it over and its outcome was never
	// recorded. An email no longer queued is returned unchanged, with no
	// attempt begun.
	BeginDelivery(ctx context.Context, id int64) (e *Email, resend bool, err error)
	// RecordDelivery notes the outcome of the attempt under way on e:
	// its new status and, for a failure, the error.
	RecordDelivery(ctx context.Context, e *Email, status EmailStatus, attempt error) error
}
