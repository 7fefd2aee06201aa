package signon

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Addressee is one person a statement is addressed to, in the order the
// statement names them. Email is optional: an addressee without one can
// only be delivered to by hand.
type Addressee struct {
	ID          int64
	StatementID int64
	Position    int
	Name        string
	Title       string
	Office      string
	Email       string
}

// Limits on addressees and deliveries, shared by forms and the schema.
const (
	MaxAddressees      = 50
	MaxAddresseeField  = 200
	MaxDeliveryPlace   = 200
	MaxDeliveryNote    = 1000
	MaxDeliverySubject = 200
	MaxDeliveryMessage = 10_000
)

// Label is how the addressee is named in one line: "Name, Title, Office".
func (a *Addressee) Label() string {
	parts := []string{a.Name}
	for _, p := range []string{a.Title, a.Office} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// NormalizeAddressees tidies a list as a form sends it: rows left wholly
// blank are dropped, spaces collapsed, emails lower-cased. A row with
// anything in it needs a name; an email, when given, must be valid.
// Problems are keyed "addressee.N.field", N counting from 0 in the list
// as sent, so the form can mark the row.
func NormalizeAddressees(list []Addressee) ([]Addressee, error) {
	p := Problems{}
	out := make([]Addressee, 0, len(list))
	for i, a := range list {
		a.Name, a.Title, a.Office = collapseSpace(a.Name), collapseSpace(a.Title), collapseSpace(a.Office)
		a.Email = strings.ToLower(strings.TrimSpace(a.Email))
		if a.Name == "" && a.Title == "" && a.Office == "" && a.Email == "" {
			continue
		}
		key := "addressee." + strconv.Itoa(i) + "."
		if a.Name == "" {
			p.Add(key+"name", ProblemRequired, 0)
		}
		for field, v := range map[string]string{"name": a.Name, "title": a.Title, "office": a.Office} {
			if utf8.RuneCountInString(v) > MaxAddresseeField {
				p.Add(key+field, ProblemTooLong, MaxAddresseeField)
			}
		}
		if a.Email != "" && !ValidEmail(a.Email) {
			p.Add(key+"email", ProblemInvalidEmail, 0)
		}
		a.Position = len(out)
		out = append(out, a)
	}
	if len(out) > MaxAddressees {
		p.Add("addressees", ProblemTooLong, MaxAddressees)
	}
	return out, p.Err()
}

// DeliveryMethod is how a statement reached its addressees.
type DeliveryMethod string

const (
	DeliveryEmail           DeliveryMethod = "email" // sent by Signon
	DeliveryInPerson        DeliveryMethod = "in_person"
	DeliveryFax             DeliveryMethod = "fax"
	DeliveryPressConference DeliveryMethod = "press_conference"
	DeliveryOther           DeliveryMethod = "other"
)

// HandDeliveryMethods are the methods a coordinator records by hand, in
// the order the form offers them.
var HandDeliveryMethods = []DeliveryMethod{DeliveryInPerson, DeliveryFax, DeliveryPressConference, DeliveryOther}

// Delivery is one time a statement reached its addressees: emailed by
// Signon or recorded by hand. It names the text version delivered and the
// signatory list (its digest, as in the published record, and its counts)
// as they were at that moment.
type Delivery struct {
	ID                int64
	StatementID       int64
	Method            DeliveryMethod
	DeliveredAt       time.Time
	Place             string
	Note              string
	StatementVersion  int
	SignatoriesSHA256 string
	Organizations     int
	Individuals       int
	// RecordSHA256 is, for a statement published when the delivery was
	// recorded, the digest of its record with this delivery in it; the
	// record grows with each delivery, and each seals what it was then.
	RecordSHA256 string
	RecordedBy   *int64
	CreatedAt    time.Time
	// Recipients is who it was delivered to, stored beside the delivery.
	Recipients []DeliveryRecipient
}

// DeliveryRecipient is one addressee of a delivery as named at the time,
// and for an emailed delivery the email that carried it.
type DeliveryRecipient struct {
	ID         int64
	DeliveryID int64
	Position   int
	Name       string
	Title      string
	Office     string
	Email      string
	EmailID    *int64
}

// Label is how the recipient is named in one line.
func (r *DeliveryRecipient) Label() string {
	a := Addressee{Name: r.Name, Title: r.Title, Office: r.Office}
	return a.Label()
}

// CheckDeliverable refuses a delivery of a statement still a draft or
// open: what is delivered is the final text and list.
func (s *Statement) CheckDeliverable(now time.Time) error {
	switch s.EffectiveStatus(now) {
	case StatusClosed, StatusPublished:
		return nil
	}
	return KeyedError(ECONFLICT, "delivery.error.not_final", "A statement can be delivered once it has closed for signatures.")
}

// ValidateHandDelivery checks a delivery recorded by hand.
func ValidateHandDelivery(d *Delivery, now time.Time) error {
	p := Problems{}
	d.Place, d.Note = collapseSpace(d.Place), strings.TrimSpace(d.Note)
	valid := false
	for _, m := range HandDeliveryMethods {
		valid = valid || d.Method == m
	}
	if !valid {
		p.Add("method", ProblemInvalidChoice, 0)
	}
	if d.DeliveredAt.IsZero() || d.DeliveredAt.After(now.Add(24*time.Hour)) {
		p.Add("delivered_at", ProblemInvalidTime, 0)
	}
	if utf8.RuneCountInString(d.Place) > MaxDeliveryPlace {
		p.Add("place", ProblemTooLong, MaxDeliveryPlace)
	}
	if utf8.RuneCountInString(d.Note) > MaxDeliveryNote {
		p.Add("note", ProblemTooLong, MaxDeliveryNote)
	}
	if len(d.Recipients) == 0 {
		p.Add("recipients", ProblemRequired, 0)
	}
	return p.Err()
}

// DeliveryService stores addressees and deliveries.
type DeliveryService interface {
	Addressees(ctx context.Context, statementID int64) ([]Addressee, error)
	// SetAddressees replaces the statement's addressees with list.
	SetAddressees(ctx context.Context, statementID int64, list []Addressee, by int64) error
	// CreateDelivery stores d with its recipients, and the emails that
	// carry it (one per recipient, in order, for an emailed delivery),
	// with their delivery jobs, in one transaction. It fills in the
	// statement version and the signatory list's digest and counts as
	// they are in that transaction.
	CreateDelivery(ctx context.Context, d *Delivery, emails []*Email) error
	// Deliveries lists the statement's deliveries, oldest first.
	Deliveries(ctx context.Context, statementID int64) ([]*Delivery, error)
	// RetryEmail queues again an email whose delivery failed.
	RetryEmail(ctx context.Context, id int64) error
	// SignerCounts counts the statement's approved signatures by signer
	// type, and the distinct regions and countries they come from.
	SignerCounts(ctx context.Context, statementID int64) (SignerCounts, error)
}

// SignerCounts is what the cover line of a delivered statement says.
type SignerCounts struct {
	Organizations int
	Individuals   int
	Regions       int
	Countries     int
}
