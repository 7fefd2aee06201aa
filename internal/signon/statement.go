package signon

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is what sort of text a statement is.
type Kind string

const (
	KindLetter    Kind = "letter"
	KindResponse  Kind = "response"
	KindStatement Kind = "statement"
)

// Kinds lists the kinds in the order forms offer them.
var Kinds = []Kind{KindLetter, KindResponse, KindStatement}

// Status is where a statement stands in its lifecycle.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusOpen      Status = "open"
	StatusClosed    Status = "closed"
	StatusPublished Status = "published"
)

// Approval says which new signatures wait for a coordinator.
type Approval string

const (
	ApprovalNone       Approval = "none"
	ApprovalNonMembers Approval = "non_members"
	ApprovalAll        Approval = "all"
	// ApprovalFlagged holds for review only the signatures with a flag
	// (authority.go); the others are approved at once.
	ApprovalFlagged Approval = "flagged"
)

// Visibility says when the public sees who signed.
type Visibility string

const (
	VisibleWhileOpen   Visibility = "while_open"
	VisibleOnPublished Visibility = "on_published"
)

// Statement is a letter, response or statement that organizations sign.
//
// Status is the stored lifecycle state. Because a deadline or a scheduled
// opening takes effect at a moment, not when some job notices it, callers
// ask EffectiveStatus(now) rather than reading Status.
type Statement struct {
	ID           int64
	Slug         string
	Kind         Kind
	Title        string
	Summary      string
	Body         string // Markdown
	AddressedTo  string
	Occasion     string
	Language     string
	RespondsToID *int64

	AllowIndividuals    bool
	RequireConfirmation bool
	Approval            Approval
	Visibility          Visibility

	Status      Status
	OpensAt     *time.Time // opening scheduled for later; nil once open now
	ClosesAt    *time.Time // the deadline
	OpenedAt    *time.Time
	ClosedAt    *time.Time
	PublishedAt *time.Time
	Version     int
	// RecordURL and RecordSHA256 are fixed at publication: the address
	// the published record names, and the SHA-256 (hex) of the record's
	// canonical bytes, so a later change to the stored text or
	// signatories shows as a mismatch. Empty until published.
	RecordURL    string
	RecordSHA256 string
	// RetentionMonths is how long after closing the personal data of the
	// signatures is kept (privacy.go); 0 means DefaultRetentionMonths.
	RetentionMonths int

	CreatedBy int64 // 0 when Signon itself made it, as for sample data
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits on statement fields, shared by forms, the API and the schema.
const (
	MaxTitle       = 200
	MaxSlug        = 80
	MaxSummary     = 1000
	MaxBody        = 100_000
	MaxAddressedTo = 300
	MaxOccasion    = 200
)

// EffectiveStatus derives the status the public sees at now: an open
// statement waits for OpensAt and stops at ClosesAt, even before any job
// has recorded the change.
func (s *Statement) EffectiveStatus(now time.Time) Status {
	if s.Status != StatusOpen {
		return s.Status
	}
	if s.Scheduled(now) {
		return StatusDraft
	}
	if s.ClosesAt != nil && !now.Before(*s.ClosesAt) {
		return StatusClosed
	}
	return StatusOpen
}

// Scheduled reports whether the statement is set to open at a later time.
func (s *Statement) Scheduled(now time.Time) bool {
	return s.Status == StatusOpen && s.OpensAt != nil && now.Before(*s.OpensAt)
}

// AcceptsSignatures reports whether people can sign at now.
func (s *Statement) AcceptsSignatures(now time.Time) bool {
	return s.EffectiveStatus(now) == StatusOpen
}

// SignatoriesPublic reports whether the public may see who signed at now.
func (s *Statement) SignatoriesPublic(now time.Time) bool {
	switch s.EffectiveStatus(now) {
	case StatusPublished:
		return true
	case StatusOpen, StatusClosed:
		return s.Visibility != VisibleOnPublished
	}
	return false
}

// Public reports whether anyone but coordinators may read the statement.
func (s *Statement) Public(now time.Time) bool {
	return s.EffectiveStatus(now) != StatusDraft
}

// CheckEditable refuses changes to the text and policy of a published
// statement: what the coalition published, and its signatories signed,
// stays as it was.
func (s *Statement) CheckEditable() error {
	if s.Status == StatusPublished {
		return KeyedError(ECONFLICT, "error.published_frozen", "This statement is published; its text is final and can no longer be edited.")
	}
	return nil
}

// CheckSignaturesChangeable refuses approving, rejecting or withdrawing
// signatures of a published statement: its list of signatories is final.
func (s *Statement) CheckSignaturesChangeable() error {
	if s.Status == StatusPublished {
		return KeyedError(ECONFLICT, "error.published_signatures", "The statement is published; its list of signatories is final.")
	}
	return nil
}

// Action is a lifecycle step a coordinator takes.
type Action string

const (
	ActionOpen       Action = "open"     // open now
	ActionSchedule   Action = "schedule" // open at a later time
	ActionClose      Action = "close"
	ActionReopen     Action = "reopen"
	ActionPublish    Action = "publish"
	ActionUnschedule Action = "unschedule" // back to draft before the scheduled time
)

// Apply performs action at now, changing the statement in place. at is the
// scheduled opening time for ActionSchedule and ignored otherwise. The
// allowed steps are draft → open → closed → published, closed → open, and a
// scheduled opening may be called off; published is final.
func (s *Statement) Apply(action Action, now time.Time, at *time.Time) error {
	from := s.EffectiveStatus(now)
	scheduled := s.Scheduled(now)
	refuse := func(key, msg string) error { return KeyedError(ECONFLICT, key, msg) }

	switch action {
	case ActionOpen, ActionSchedule:
		if from != StatusDraft {
			return refuse("error.transition.open_not_draft", "Only a draft can be opened; reopen a closed statement instead.")
		}
		if action == ActionSchedule {
			if at == nil || !at.After(now) {
				return &Error{Code: EINVALID, Key: "error.transition.schedule_past", Message: "Choose an opening time in the future.",
					Fields: Problems{"opens_at": {Code: ProblemInvalidTime}}}
			}
			if s.ClosesAt != nil && !s.ClosesAt.After(*at) {
				return &Error{Code: EINVALID, Key: "error.transition.schedule_after_deadline", Message: "The opening time must come before the deadline.",
					Fields: Problems{"opens_at": {Code: ProblemInvalidTime}}}
			}
			t := at.UTC()
			s.OpensAt = &t
			s.Status = StatusOpen
			return nil
		}
		if s.ClosesAt != nil && !s.ClosesAt.After(now) {
			return refuse("error.transition.deadline_passed", "The deadline has passed; move or remove it before opening.")
		}
		s.Status, s.OpensAt, s.OpenedAt = StatusOpen, nil, timePtr(now)
	case ActionUnschedule:
		if !scheduled {
			return refuse("error.transition.not_scheduled", "The statement is not scheduled to open.")
		}
		s.Status, s.OpensAt = StatusDraft, nil
	case ActionClose:
		// A statement past its deadline is already closed to the public;
		// closing it then records the deadline as the moment it closed.
		pastDeadline := s.Status == StatusOpen && from == StatusClosed
		if from != StatusOpen && !pastDeadline {
			return refuse("error.transition.close_not_open", "Only an open statement can be closed.")
		}
		s.Status, s.ClosedAt = StatusClosed, timePtr(now)
		if pastDeadline {
			s.ClosedAt = timePtr(*s.ClosesAt)
		}
	case ActionReopen:
		if from != StatusClosed {
			return refuse("error.transition.reopen_not_closed", "Only a closed statement can be reopened.")
		}
		// A deadline that has passed would close it again at once.
		if s.ClosesAt != nil && !s.ClosesAt.After(now) {
			s.ClosesAt = nil
		}
		s.Status, s.ClosedAt = StatusOpen, nil
		if s.OpenedAt == nil {
			s.OpenedAt = timePtr(now)
		}
	case ActionPublish:
		if from != StatusClosed {
			return refuse("error.transition.publish_not_closed", "Close the statement for signatures before publishing it.")
		}
		if s.ClosedAt == nil {
			s.ClosedAt = s.ClosesAt
		}
		s.Status, s.PublishedAt = StatusPublished, timePtr(now)
	default:
		return Errorf(EINVALID, "Unknown action %q.", action)
	}
	return nil
}

func timePtr(t time.Time) *time.Time {
	t = t.UTC()
	return &t
}

// StatementInput is what a coordinator submits to create or edit a
// statement, before validation.
type StatementInput struct {
	Slug                string
	Kind                string
	Title               string
	Summary             string
	Body                string
	AddressedTo         string
	Occasion            string
	Language            string
	RespondsToID        *int64
	AllowIndividuals    bool
	RequireConfirmation bool
	Approval            string
	Visibility          string
	ClosesAt            *time.Time
	RetentionMonths     int // 0 for the default
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Apply validates in and copies it onto s. Status fields are untouched;
// they change only through Statement.Apply. now is used to refuse a
// deadline in the past for a statement that is open.
func (in StatementInput) Apply(s *Statement, now time.Time) error {
	p := Problems{}
	title := strings.TrimSpace(in.Title)
	requireText(p, "title", title, MaxTitle)
	slug := strings.TrimSpace(in.Slug)
	if slug == "" {
		slug = Slugify(title)
	}
	switch {
	case slug == "":
		p.Add("slug", ProblemRequired, 0)
	case utf8.RuneCountInString(slug) > MaxSlug:
		p.Add("slug", ProblemTooLong, MaxSlug)
	case !slugPattern.MatchString(slug):
		p.Add("slug", ProblemInvalidChoice, 0)
	}
	kind := Kind(in.Kind)
	if !validKind(kind) {
		p.Add("kind", ProblemInvalidChoice, 0)
	}
	optionalText(p, "summary", in.Summary, MaxSummary)
	requireText(p, "body", in.Body, MaxBody)
	optionalText(p, "addressed_to", in.AddressedTo, MaxAddressedTo)
	optionalText(p, "occasion", in.Occasion, MaxOccasion)
	if !ValidLanguage(in.Language) {
		p.Add("language", ProblemInvalidChoice, 0)
	}
	approval := Approval(in.Approval)
	if approval == "" {
		approval = ApprovalNone
	}
	if approval != ApprovalNone && approval != ApprovalNonMembers && approval != ApprovalAll && approval != ApprovalFlagged {
		p.Add("approval", ProblemInvalidChoice, 0)
	}
	visibility := Visibility(in.Visibility)
	if visibility == "" {
		visibility = VisibleWhileOpen
	}
	if visibility != VisibleWhileOpen && visibility != VisibleOnPublished {
		p.Add("visibility", ProblemInvalidChoice, 0)
	}
	if in.RespondsToID != nil && s.ID != 0 && *in.RespondsToID == s.ID {
		p.Add("responds_to", ProblemInvalidChoice, 0)
	}
	if in.ClosesAt != nil && s.Status == StatusOpen && !in.ClosesAt.After(now) &&
		(s.ClosesAt == nil || !s.ClosesAt.Equal(*in.ClosesAt)) {
		p.Add("closes_at", ProblemInvalidTime, 0)
	}
	if in.ClosesAt != nil && s.OpensAt != nil && !in.ClosesAt.After(*s.OpensAt) {
		p.Add("closes_at", ProblemInvalidTime, 0)
	}
	checkRetentionMonths(p, in.RetentionMonths)
	if err := p.Err(); err != nil {
		return err
	}

	s.Slug, s.Kind, s.Title = slug, kind, title
	s.RetentionMonths = in.RetentionMonths
	s.Summary = strings.TrimSpace(in.Summary)
	s.Body = strings.TrimSpace(in.Body)
	s.AddressedTo = strings.TrimSpace(in.AddressedTo)
	s.Occasion = strings.TrimSpace(in.Occasion)
	s.Language = in.Language
	s.RespondsToID = in.RespondsToID
	s.AllowIndividuals = in.AllowIndividuals
	s.RequireConfirmation = in.RequireConfirmation
	s.Approval, s.Visibility = approval, visibility
	if in.ClosesAt != nil {
		s.ClosesAt = timePtr(*in.ClosesAt)
	} else {
		s.ClosesAt = nil
	}
	return nil
}

func validKind(k Kind) bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

func requireText(p Problems, field, v string, max int) {
	if strings.TrimSpace(v) == "" {
		p.Add(field, ProblemRequired, 0)
		return
	}
	optionalText(p, field, v, max)
}

func optionalText(p Problems, field, v string, max int) {
	switch {
	case !readableText(v):
		p.Add(field, ProblemInvalidCharacters, 0)
	case utf8.RuneCountInString(strings.TrimSpace(v)) > max:
		p.Add(field, ProblemTooLong, max)
	}
}

// readableText reports whether v can be stored as text: UTF-8 without
// control characters other than line breaks and tabs. PostgreSQL refuses
// NUL and bytes that are not UTF-8, and no name or letter holds the rest.
func readableText(v string) bool {
	return utf8.ValidString(v) && !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsControl(r) && !unicode.IsSpace(r)
	})
}

// Slugify makes a URL-safe slug from a title: accents folded, lower case,
// words joined by hyphens, cut at a word boundary within MaxSlug (a first
// word longer than that is cut short).
func Slugify(title string) string {
	folded := slugLetters.Replace(foldAccents(strings.ToLower(title)))
	words := strings.FieldsFunc(folded, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	var b strings.Builder
	for _, w := range words {
		if b.Len() == 0 {
			if len(w) > MaxSlug {
				w = w[:MaxSlug]
			}
			b.WriteString(w)
			continue
		}
		if b.Len()+1+len(w) > MaxSlug {
			break
		}
		b.WriteByte('-')
		b.WriteString(w)
	}
	return b.String()
}

// slugLetters spells out letters that folding accents leaves alone.
var slugLetters = strings.NewReplacer("ß", "ss", "æ", "ae", "ø", "o", "œ", "oe", "ł", "l", "đ", "d", "þ", "th")

// StatementFilter selects statements for listings.
type StatementFilter struct {
	Statuses []Status // stored statuses; empty means any
	Public   bool     // only statements the public may see
	Limit    int
}

// StatementService stores statements and their lifecycle.
type StatementService interface {
	CreateStatement(ctx context.Context, s *Statement, by int64) error
	UpdateStatement(ctx context.Context, s *Statement, by int64) error
	// TransitionStatement loads the statement, applies action at now and
	// records who did it, in one transaction.
	TransitionStatement(ctx context.Context, id int64, action Action, at *time.Time, now time.Time, by int64) (*Statement, error)
	StatementByID(ctx context.Context, id int64) (*Statement, error)
	StatementBySlug(ctx context.Context, slug string) (*Statement, error)
	Statements(ctx context.Context, f StatementFilter) ([]*Statement, error)
	// Responses lists the statements that respond to id.
	Responses(ctx context.Context, id int64) ([]*Statement, error)
	// StatementVersions lists the stored versions of statement id's text,
	// oldest first.
	StatementVersions(ctx context.Context, id int64) ([]*StatementVersion, error)
	// SignatureCountsByVersion counts statement id's signatures, whatever
	// their status, by the version each records: what Revise is given.
	SignatureCountsByVersion(ctx context.Context, id int64) (map[int]int, error)
	// StatementRecord builds the published record of statement id from
	// what is stored now; ENOTFOUND unless it is published.
	StatementRecord(ctx context.Context, id int64) (*Record, error)
}
