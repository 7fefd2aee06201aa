package signon

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// now is the fixed moment the statement tests run at.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	longAgo = now.Add(-30 * 24 * time.Hour)
	past    = now.Add(-24 * time.Hour)
	future  = now.Add(24 * time.Hour)
	later   = now.Add(72 * time.Hour)
)

func tp(t time.Time) *time.Time { return &t }

func int64p(n int64) *int64 { return &n }

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cloneStatement copies s deeply, so a change Apply makes through one of
// its pointers cannot also reach the copy it is compared with.
func cloneStatement(s Statement) Statement {
	c := s
	c.RespondsToID = clonePtr(s.RespondsToID)
	c.OpensAt = clonePtr(s.OpensAt)
	c.ClosesAt = clonePtr(s.ClosesAt)
	c.OpenedAt = clonePtr(s.OpenedAt)
	c.ClosedAt = clonePtr(s.ClosedAt)
	c.PublishedAt = clonePtr(s.PublishedAt)
	return c
}

// assertStatement compares every field of got and want, times by instant.
func assertStatement(t *testing.T, got, want Statement) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !sameValue(g, w) {
			t.Errorf("%s = %s, want %s", gv.Type().Field(i).Name, show(g), show(w))
		}
	}
}

func sameValue(a, b any) bool {
	switch a := a.(type) {
	case *time.Time:
		b := b.(*time.Time)
		return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
	case time.Time:
		return a.Equal(b.(time.Time))
	}
	return reflect.DeepEqual(a, b)
}

func show(v any) string {
	switch v := v.(type) {
	case *time.Time:
		if v == nil {
			return "nil"
		}
		return v.Format(time.RFC3339)
	case *int64:
		if v == nil {
			return "nil"
		}
		return fmt.Sprint(*v)
	}
	return fmt.Sprintf("%#v", v)
}

func TestStatement_EffectiveStatus(t *testing.T) {
	tests := []struct {
		name          string
		s             Statement
		want          Status
		wantScheduled bool
	}{
		{"draft", Statement{Status: StatusDraft}, StatusDraft, false},
		{"draft with a passed deadline", Statement{Status: StatusDraft, ClosesAt: tp(past)}, StatusDraft, false},
		{"open", Statement{Status: StatusOpen}, StatusOpen, false},
		{"open with OpensAt in the future", Statement{Status: StatusOpen, OpensAt: tp(future)}, StatusDraft, true},
		{"open with OpensAt passed", Statement{Status: StatusOpen, OpensAt: tp(past)}, StatusOpen, false},
		{"open exactly at OpensAt", Statement{Status: StatusOpen, OpensAt: tp(now)}, StatusOpen, false},
		{"open with ClosesAt in the future", Statement{Status: StatusOpen, ClosesAt: tp(future)}, StatusOpen, false},
		{"open with ClosesAt passed", Statement{Status: StatusOpen, ClosesAt: tp(past)}, StatusClosed, false},
		{"open exactly at ClosesAt", Statement{Status: StatusOpen, ClosesAt: tp(now)}, StatusClosed, false},
		{"open a nanosecond before ClosesAt", Statement{Status: StatusOpen, ClosesAt: tp(now.Add(time.Nanosecond))}, StatusOpen, false},
		{"scheduled and deadline later", Statement{Status: StatusOpen, OpensAt: tp(future), ClosesAt: tp(later)}, StatusDraft, true},
		{"closed", Statement{Status: StatusClosed, ClosesAt: tp(future)}, StatusClosed, false},
		{"published", Statement{Status: StatusPublished}, StatusPublished, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.EffectiveStatus(now); got != tt.want {
				t.Errorf("EffectiveStatus() = %q, want %q", got, tt.want)
			}
			if got := tt.s.Scheduled(now); got != tt.wantScheduled {
				t.Errorf("Scheduled() = %v, want %v", got, tt.wantScheduled)
			}
			if got, want := tt.s.Public(now), tt.want != StatusDraft; got != want {
				t.Errorf("Public() = %v, want %v", got, want)
			}
		})
	}
}

func TestStatement_Apply(t *testing.T) {
	tests := []struct {
		name   string
		start  Statement
		action Action
		at     *time.Time
		// want is the statement after a successful step.
		want Statement
		// wantCode, wantKey and wantFields describe a refusal.
		wantCode   string
		wantKey    string
		wantFields map[string]Problem
	}{
		// Allowed steps.
		{
			name:   "draft/open",
			start:  Statement{ID: 1, Status: StatusDraft, Version: 2},
			action: ActionOpen,
			want:   Statement{ID: 1, Status: StatusOpen, Version: 2, OpenedAt: tp(now)},
		},
		{
			name:   "draft with a future deadline/open",
			start:  Statement{Status: StatusDraft, ClosesAt: tp(future)},
			action: ActionOpen,
			want:   Statement{Status: StatusOpen, ClosesAt: tp(future), OpenedAt: tp(now)},
		},
		{
			name:   "scheduled/open now",
			start:  Statement{Status: StatusOpen, OpensAt: tp(future), ClosesAt: tp(later)},
			action: ActionOpen,
			want:   Statement{Status: StatusOpen, ClosesAt: tp(later), OpenedAt: tp(now)},
		},
		{
			name:   "draft/schedule",
			start:  Statement{Status: StatusDraft, ClosesAt: tp(later)},
			action: ActionSchedule,
			at:     tp(future),
			want:   Statement{Status: StatusOpen, OpensAt: tp(future), ClosesAt: tp(later)},
		},
		{
			name:   "draft/schedule in another time zone",
			start:  Statement{Status: StatusDraft},
			action: ActionSchedule,
			at:     tp(future.In(time.FixedZone("CST", -6*60*60))),
			want:   Statement{Status: StatusOpen, OpensAt: tp(future)},
		},
		{
			name:   "scheduled/schedule again",
			start:  Statement{Status: StatusOpen, OpensAt: tp(future)},
			action: ActionSchedule,
			at:     tp(later),
			want:   Statement{Status: StatusOpen, OpensAt: tp(later)},
		},
		{
			name:   "scheduled/unschedule",
			start:  Statement{Status: StatusOpen, OpensAt: tp(future), ClosesAt: tp(later)},
			action: ActionUnschedule,
			want:   Statement{Status: StatusDraft, ClosesAt: tp(later)},
		},
		{
			name:   "open/close",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo)},
			action: ActionClose,
			want:   Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosedAt: tp(now)},
		},
		{
			name:   "open with a future deadline/close",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(future)},
			action: ActionClose,
			want:   Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosesAt: tp(future), ClosedAt: tp(now)},
		},
		{
			name:   "closed/reopen",
			start:  Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosedAt: tp(past)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(longAgo)},
		},
		{
			name:   "closed with a future deadline/reopen keeps the deadline",
			start:  Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosesAt: tp(future), ClosedAt: tp(past)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(future)},
		},
		{
			name:   "closed with a passed deadline/reopen clears the deadline",
			start:  Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosesAt: tp(past), ClosedAt: tp(past)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(longAgo)},
		},
		{
			name:   "closed by deadline/reopen",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(past)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(longAgo)},
		},
		{
			name:   "closed by deadline exactly now/reopen",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(now)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(longAgo)},
		},
		{
			name:   "closed without OpenedAt/reopen sets OpenedAt",
			start:  Statement{Status: StatusClosed, ClosedAt: tp(past)},
			action: ActionReopen,
			want:   Statement{Status: StatusOpen, OpenedAt: tp(now)},
		},
		{
			name:   "closed by deadline/close records the deadline as the closing time",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(past)},
			action: ActionClose,
			want:   Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosesAt: tp(past), ClosedAt: tp(past)},
		},
		{
			name:   "closed/publish",
			start:  Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosedAt: tp(past)},
			action: ActionPublish,
			want:   Statement{Status: StatusPublished, OpenedAt: tp(longAgo), ClosedAt: tp(past), PublishedAt: tp(now)},
		},
		{
			name:   "closed by deadline/publish",
			start:  Statement{Status: StatusOpen, OpenedAt: tp(longAgo), ClosesAt: tp(past)},
			action: ActionPublish,
			want:   Statement{Status: StatusPublished, OpenedAt: tp(longAgo), ClosesAt: tp(past), ClosedAt: tp(past), PublishedAt: tp(now)},
		},
		{
			name:   "closed by hand before its deadline/publish keeps ClosedAt",
			start:  Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosesAt: tp(future), ClosedAt: tp(past)},
			action: ActionPublish,
			want:   Statement{Status: StatusPublished, OpenedAt: tp(longAgo), ClosesAt: tp(future), ClosedAt: tp(past), PublishedAt: tp(now)},
		},

		// Refused steps.
		{
			name:     "published/open",
			start:    Statement{Status: StatusPublished, ClosedAt: tp(past), PublishedAt: tp(past)},
			action:   ActionOpen,
			wantCode: ECONFLICT, wantKey: "error.transition.open_not_draft",
		},
		{
			name:     "published/schedule",
			start:    Statement{Status: StatusPublished, ClosedAt: tp(past), PublishedAt: tp(past)},
			action:   ActionSchedule,
			at:       tp(future),
			wantCode: ECONFLICT, wantKey: "error.transition.open_not_draft",
		},
		{
			name:     "open/open",
			start:    Statement{Status: StatusOpen, OpenedAt: tp(past)},
			action:   ActionOpen,
			wantCode: ECONFLICT, wantKey: "error.transition.open_not_draft",
		},
		{
			name:     "closed/open",
			start:    Statement{Status: StatusClosed, OpenedAt: tp(longAgo), ClosedAt: tp(past)},
			action:   ActionOpen,
			wantCode: ECONFLICT, wantKey: "error.transition.open_not_draft",
		},
		{
			name:     "draft/publish",
			start:    Statement{Status: StatusDraft},
			action:   ActionPublish,
			wantCode: ECONFLICT, wantKey: "error.transition.publish_not_closed",
		},
		{
			name:     "open/publish",
			start:    Statement{Status: StatusOpen, OpenedAt: tp(past), ClosesAt: tp(future)},
			action:   ActionPublish,
			wantCode: ECONFLICT, wantKey: "error.transition.publish_not_closed",
		},
		{
			name:     "scheduled/publish",
			start:    Statement{Status: StatusOpen, OpensAt: tp(future)},
			action:   ActionPublish,
			wantCode: ECONFLICT, wantKey: "error.transition.publish_not_closed",
		},
		{
			name:     "published/publish",
			start:    Statement{Status: StatusPublished, ClosedAt: tp(longAgo), PublishedAt: tp(past)},
			action:   ActionPublish,
			wantCode: ECONFLICT, wantKey: "error.transition.publish_not_closed",
		},
		{
			name:     "draft/close",
			start:    Statement{Status: StatusDraft},
			action:   ActionClose,
			wantCode: ECONFLICT, wantKey: "error.transition.close_not_open",
		},
		{
			name:     "scheduled/close",
			start:    Statement{Status: StatusOpen, OpensAt: tp(future)},
			action:   ActionClose,
			wantCode: ECONFLICT, wantKey: "error.transition.close_not_open",
		},
		{
			name:     "published/reopen",
			start:    Statement{Status: StatusPublished, ClosesAt: tp(past), ClosedAt: tp(past), PublishedAt: tp(past)},
			action:   ActionReopen,
			wantCode: ECONFLICT, wantKey: "error.transition.reopen_not_closed",
		},
		{
			name:     "open/reopen",
			start:    Statement{Status: StatusOpen, OpenedAt: tp(past)},
			action:   ActionReopen,
			wantCode: ECONFLICT, wantKey: "error.transition.reopen_not_closed",
		},
		{
			name:     "draft/unschedule",
			start:    Statement{Status: StatusDraft},
			action:   ActionUnschedule,
			wantCode: ECONFLICT, wantKey: "error.transition.not_scheduled",
		},
		{
			name:     "opened on schedule/unschedule",
			start:    Statement{Status: StatusOpen, OpensAt: tp(past)},
			action:   ActionUnschedule,
			wantCode: ECONFLICT, wantKey: "error.transition.not_scheduled",
		},
		{
			name:       "draft/schedule in the past",
			start:      Statement{Status: StatusDraft},
			action:     ActionSchedule,
			at:         tp(past),
			wantCode:   EINVALID,
			wantKey:    "error.transition.schedule_past",
			wantFields: map[string]Problem{"opens_at": {Code: ProblemInvalidTime}},
		},
		{
			name:       "draft/schedule now",
			start:      Statement{Status: StatusDraft},
			action:     ActionSchedule,
			at:         tp(now),
			wantCode:   EINVALID,
			wantKey:    "error.transition.schedule_past",
			wantFields: map[string]Problem{"opens_at": {Code: ProblemInvalidTime}},
		},
		{
			name:       "draft/schedule without a time",
			start:      Statement{Status: StatusDraft},
			action:     ActionSchedule,
			wantCode:   EINVALID,
			wantKey:    "error.transition.schedule_past",
			wantFields: map[string]Problem{"opens_at": {Code: ProblemInvalidTime}},
		},
		{
			name:       "draft/schedule after the deadline",
			start:      Statement{Status: StatusDraft, ClosesAt: tp(future)},
			action:     ActionSchedule,
			at:         tp(later),
			wantCode:   EINVALID,
			wantKey:    "error.transition.schedule_after_deadline",
			wantFields: map[string]Problem{"opens_at": {Code: ProblemInvalidTime}},
		},
		{
			name:       "draft/schedule at the deadline",
			start:      Statement{Status: StatusDraft, ClosesAt: tp(future)},
			action:     ActionSchedule,
			at:         tp(future),
			wantCode:   EINVALID,
			wantKey:    "error.transition.schedule_after_deadline",
			wantFields: map[string]Problem{"opens_at": {Code: ProblemInvalidTime}},
		},
		{
			name:     "draft with a passed deadline/open",
			start:    Statement{Status: StatusDraft, ClosesAt: tp(past)},
			action:   ActionOpen,
			wantCode: ECONFLICT, wantKey: "error.transition.deadline_passed",
		},
		{
			name:     "draft with the deadline now/open",
			start:    Statement{Status: StatusDraft, ClosesAt: tp(now)},
			action:   ActionOpen,
			wantCode: ECONFLICT, wantKey: "error.transition.deadline_passed",
		},
		{
			name:     "unknown action",
			start:    Statement{Status: StatusOpen, OpenedAt: tp(past)},
			action:   Action("explode"),
			wantCode: EINVALID, wantKey: "",
		},
		{
			name:     "empty action",
			start:    Statement{Status: StatusDraft},
			action:   Action(""),
			wantCode: EINVALID, wantKey: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := cloneStatement(tt.start)
			err := s.Apply(tt.action, now, tt.at)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Apply(%q) = %v, want nil", tt.action, err)
				}
				assertStatement(t, s, tt.want)
				for _, p := range []*time.Time{s.OpensAt, s.OpenedAt, s.ClosedAt, s.PublishedAt} {
					if p != nil && p.Location() != time.UTC {
						t.Errorf("time %v stored in %v, want UTC", p, p.Location())
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("Apply(%q) = nil, want %s error", tt.action, tt.wantCode)
			}
			if got := ErrorCode(err); got != tt.wantCode {
				t.Errorf("ErrorCode() = %q, want %q", got, tt.wantCode)
			}
			if got := ErrorKey(err); got != tt.wantKey {
				t.Errorf("ErrorKey() = %q, want %q", got, tt.wantKey)
			}
			if got := ErrorMessage(err); got == "" {
				t.Error("ErrorMessage() is empty")
			}
			if got := ErrorFields(err); !reflect.DeepEqual(got, tt.wantFields) && (len(got) > 0 || len(tt.wantFields) > 0) {
				t.Errorf("ErrorFields() = %v, want %v", got, tt.wantFields)
			}
			assertStatement(t, s, tt.start)
		})
	}
}

func TestStatement_SignatoriesPublic(t *testing.T) {
	type want struct{ public, accepts bool }
	tests := []struct {
		name string
		s    Statement
		want want
	}{
		{"draft/while_open", Statement{Status: StatusDraft, Visibility: VisibleWhileOpen}, want{false, false}},
		{"draft/on_published", Statement{Status: StatusDraft, Visibility: VisibleOnPublished}, want{false, false}},
		{"scheduled/while_open", Statement{Status: StatusOpen, OpensAt: tp(future), Visibility: VisibleWhileOpen}, want{false, false}},
		{"open/while_open", Statement{Status: StatusOpen, Visibility: VisibleWhileOpen}, want{true, true}},
		{"open/on_published", Statement{Status: StatusOpen, Visibility: VisibleOnPublished}, want{false, true}},
		{"open/unset visibility", Statement{Status: StatusOpen}, want{true, true}},
		{"opened on schedule/while_open", Statement{Status: StatusOpen, OpensAt: tp(past), Visibility: VisibleWhileOpen}, want{true, true}},
		{"closed by deadline/while_open", Statement{Status: StatusOpen, ClosesAt: tp(past), Visibility: VisibleWhileOpen}, want{true, false}},
		{"closed by deadline/on_published", Statement{Status: StatusOpen, ClosesAt: tp(past), Visibility: VisibleOnPublished}, want{false, false}},
		{"closed/while_open", Statement{Status: StatusClosed, Visibility: VisibleWhileOpen}, want{true, false}},
		{"closed/on_published", Statement{Status: StatusClosed, Visibility: VisibleOnPublished}, want{false, false}},
		{"published/while_open", Statement{Status: StatusPublished, Visibility: VisibleWhileOpen}, want{true, false}},
		{"published/on_published", Statement{Status: StatusPublished, Visibility: VisibleOnPublished}, want{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.SignatoriesPublic(now); got != tt.want.public {
				t.Errorf("SignatoriesPublic() = %v, want %v", got, tt.want.public)
			}
			if got := tt.s.AcceptsSignatures(now); got != tt.want.accepts {
				t.Errorf("AcceptsSignatures() = %v, want %v", got, tt.want.accepts)
			}
		})
	}
}

// validStatementInput is an input every check accepts; cases change one
// thing in it.
func validStatementInput() StatementInput {
	return StatementInput{
		Slug:     "carta-2026",
		Kind:     string(KindLetter),
		Title:    "Carta 2026",
		Body:     "Texto de la carta.",
		Language: "es",
	}
}

func TestStatementInput_Apply(t *testing.T) {
	cst := time.FixedZone("CST", -6*60*60)
	t.Run("valid", func(t *testing.T) {
		tests := []struct {
			name  string
			start Statement
			in    StatementInput
			want  Statement
		}{
			{
				name:  "slug from title, trimmed, defaults",
				start: Statement{ID: 7, Status: StatusOpen, OpenedAt: tp(past), Version: 3, CreatedBy: 2},
				in: StatementInput{
					Kind:                "letter",
					Title:               "  Carta a los líderes de América del Norte  ",
					Summary:             "  Breve.  ",
					Body:                "\n  Texto.\n",
					AddressedTo:         " Líderes ",
					Occasion:            " Cumbre ",
					Language:            "es",
					RespondsToID:        int64p(5),
					AllowIndividuals:    true,
					RequireConfirmation: true,
					ClosesAt:            tp(future.In(cst)),
				},
				want: Statement{
					ID: 7, Status: StatusOpen, OpenedAt: tp(past), Version: 3, CreatedBy: 2,
					Slug:                "carta-a-los-lideres-de-america-del-norte",
					Kind:                KindLetter,
					Title:               "Carta a los líderes de América del Norte",
					Summary:             "Breve.",
					Body:                "Texto.",
					AddressedTo:         "Líderes",
					Occasion:            "Cumbre",
					Language:            "es",
					RespondsToID:        int64p(5),
					AllowIndividuals:    true,
					RequireConfirmation: true,
					Approval:            ApprovalNone,
					Visibility:          VisibleWhileOpen,
					ClosesAt:            tp(future),
				},
			},
			{
				name:  "explicit slug and policies",
				start: Statement{Status: StatusDraft},
				in: StatementInput{
					Slug: "  respuesta-al-gobernador ", Kind: "response", Title: "Response", Body: "Text",
					Language: "en", Approval: "non_members", Visibility: "on_published",
				},
				want: Statement{
					Status: StatusDraft, Slug: "respuesta-al-gobernador", Kind: KindResponse, Title: "Response", Body: "Text",
					Language: "en", Approval: ApprovalNonMembers, Visibility: VisibleOnPublished,
				},
			},
			{
				name:  "approval all",
				start: Statement{Status: StatusDraft},
				in:    StatementInput{Slug: "s", Kind: "statement", Title: "T", Body: "B", Language: "en", Approval: "all", Visibility: "while_open"},
				want:  Statement{Status: StatusDraft, Slug: "s", Kind: KindStatement, Title: "T", Body: "B", Language: "en", Approval: ApprovalAll, Visibility: VisibleWhileOpen},
			},
			{
				name:  "no deadline clears the deadline",
				start: Statement{Status: StatusOpen, ClosesAt: tp(future), Approval: ApprovalAll, Visibility: VisibleOnPublished},
				in:    validStatementInput(),
				want:  Statement{Status: StatusOpen, Slug: "carta-2026", Kind: KindLetter, Title: "Carta 2026", Body: "Texto de la carta.", Language: "es", Approval: ApprovalNone, Visibility: VisibleWhileOpen},
			},
			{
				name:  "open statement past its deadline keeps the same deadline",
				start: Statement{Status: StatusOpen, ClosesAt: tp(past)},
				in:    func() StatementInput { in := validStatementInput(); in.ClosesAt = tp(past.In(cst)); return in }(),
				want:  Statement{Status: StatusOpen, Slug: "carta-2026", Kind: KindLetter, Title: "Carta 2026", Body: "Texto de la carta.", Language: "es", Approval: ApprovalNone, Visibility: VisibleWhileOpen, ClosesAt: tp(past)},
			},
			{
				name:  "draft may keep a passed deadline",
				start: Statement{Status: StatusDraft},
				in:    func() StatementInput { in := validStatementInput(); in.ClosesAt = tp(past); return in }(),
				want:  Statement{Status: StatusDraft, Slug: "carta-2026", Kind: KindLetter, Title: "Carta 2026", Body: "Texto de la carta.", Language: "es", Approval: ApprovalNone, Visibility: VisibleWhileOpen, ClosesAt: tp(past)},
			},
			{
				name:  "responds to another statement",
				start: Statement{ID: 7, Status: StatusDraft},
				in:    func() StatementInput { in := validStatementInput(); in.RespondsToID = int64p(6); return in }(),
				want:  Statement{ID: 7, Status: StatusDraft, Slug: "carta-2026", Kind: KindLetter, Title: "Carta 2026", Body: "Texto de la carta.", Language: "es", RespondsToID: int64p(6), Approval: ApprovalNone, Visibility: VisibleWhileOpen},
			},
			{
				name:  "title and slug at their limits",
				start: Statement{Status: StatusDraft},
				in: func() StatementInput {
					in := validStatementInput()
					in.Title, in.Slug = strings.Repeat("á", MaxTitle), strings.Repeat("a", MaxSlug)
					return in
				}(),
				want: Statement{Status: StatusDraft, Slug: strings.Repeat("a", MaxSlug), Kind: KindLetter, Title: strings.Repeat("á", MaxTitle), Body: "Texto de la carta.", Language: "es", Approval: ApprovalNone, Visibility: VisibleWhileOpen},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := cloneStatement(tt.start)
				if err := tt.in.Apply(&s, now); err != nil {
					t.Fatalf("Apply() = %v (fields %v), want nil", err, ErrorFields(err))
				}
				assertStatement(t, s, tt.want)
				if s.ClosesAt != nil && s.ClosesAt.Location() != time.UTC {
					t.Errorf("ClosesAt stored in %v, want UTC", s.ClosesAt.Location())
				}
			})
		}
	})

	t.Run("problems", func(t *testing.T) {
		tests := []struct {
			name   string
			start  Statement
			change func(in *StatementInput)
			want   map[string]Problem
		}{
			{"title required", Statement{}, func(in *StatementInput) { in.Title = "   " },
				map[string]Problem{"title": {Code: ProblemRequired}}},
			{"title and slug required", Statement{}, func(in *StatementInput) { in.Title, in.Slug = "", "" },
				map[string]Problem{"title": {Code: ProblemRequired}, "slug": {Code: ProblemRequired}}},
			{"title too long", Statement{}, func(in *StatementInput) { in.Title = strings.Repeat("á", MaxTitle+1) },
				map[string]Problem{"title": {Code: ProblemTooLong, Limit: MaxTitle}}},
			{"slug with space and capitals", Statement{}, func(in *StatementInput) { in.Slug = "Bad Slug" },
				map[string]Problem{"slug": {Code: ProblemInvalidChoice}}},
			{"slug with leading hyphen", Statement{}, func(in *StatementInput) { in.Slug = "-x" },
				map[string]Problem{"slug": {Code: ProblemInvalidChoice}}},
			{"slug with trailing hyphen", Statement{}, func(in *StatementInput) { in.Slug = "x-" },
				map[string]Problem{"slug": {Code: ProblemInvalidChoice}}},
			{"slug with double hyphen", Statement{}, func(in *StatementInput) { in.Slug = "a--b" },
				map[string]Problem{"slug": {Code: ProblemInvalidChoice}}},
			{"slug with accent", Statement{}, func(in *StatementInput) { in.Slug = "carta-méxico" },
				map[string]Problem{"slug": {Code: ProblemInvalidChoice}}},
			{"slug too long", Statement{}, func(in *StatementInput) { in.Slug = strings.Repeat("a", MaxSlug+1) },
				map[string]Problem{"slug": {Code: ProblemTooLong, Limit: MaxSlug}}},
			{"kind empty", Statement{}, func(in *StatementInput) { in.Kind = "" },
				map[string]Problem{"kind": {Code: ProblemInvalidChoice}}},
			{"kind unknown", Statement{}, func(in *StatementInput) { in.Kind = "petition" },
				map[string]Problem{"kind": {Code: ProblemInvalidChoice}}},
			{"body required", Statement{}, func(in *StatementInput) { in.Body = " \n\t " },
				map[string]Problem{"body": {Code: ProblemRequired}}},
			{"body too long", Statement{}, func(in *StatementInput) { in.Body = strings.Repeat("x", MaxBody+1) },
				map[string]Problem{"body": {Code: ProblemTooLong, Limit: MaxBody}}},
			{"summary too long", Statement{}, func(in *StatementInput) { in.Summary = strings.Repeat("ñ", MaxSummary+1) },
				map[string]Problem{"summary": {Code: ProblemTooLong, Limit: MaxSummary}}},
			{"addressed_to too long", Statement{}, func(in *StatementInput) { in.AddressedTo = strings.Repeat("x", MaxAddressedTo+1) },
				map[string]Problem{"addressed_to": {Code: ProblemTooLong, Limit: MaxAddressedTo}}},
			{"occasion too long", Statement{}, func(in *StatementInput) { in.Occasion = strings.Repeat("x", MaxOccasion+1) },
				map[string]Problem{"occasion": {Code: ProblemTooLong, Limit: MaxOccasion}}},
			{"language fr", Statement{}, func(in *StatementInput) { in.Language = "fr" },
				map[string]Problem{"language": {Code: ProblemInvalidChoice}}},
			{"language empty", Statement{}, func(in *StatementInput) { in.Language = "" },
				map[string]Problem{"language": {Code: ProblemInvalidChoice}}},
			{"approval invalid", Statement{}, func(in *StatementInput) { in.Approval = "sometimes" },
				map[string]Problem{"approval": {Code: ProblemInvalidChoice}}},
			{"visibility invalid", Statement{}, func(in *StatementInput) { in.Visibility = "never" },
				map[string]Problem{"visibility": {Code: ProblemInvalidChoice}}},
			{"responds_to itself", Statement{ID: 7}, func(in *StatementInput) { in.RespondsToID = int64p(7) },
				map[string]Problem{"responds_to": {Code: ProblemInvalidChoice}}},
			{"closes_at in the past for an open statement", Statement{Status: StatusOpen}, func(in *StatementInput) { in.ClosesAt = tp(past) },
				map[string]Problem{"closes_at": {Code: ProblemInvalidTime}}},
			{"closes_at now for an open statement", Statement{Status: StatusOpen}, func(in *StatementInput) { in.ClosesAt = tp(now) },
				map[string]Problem{"closes_at": {Code: ProblemInvalidTime}}},
			{"closes_at moved to another past time", Statement{Status: StatusOpen, ClosesAt: tp(past)}, func(in *StatementInput) { in.ClosesAt = tp(longAgo) },
				map[string]Problem{"closes_at": {Code: ProblemInvalidTime}}},
			{"closes_at before the scheduled opening", Statement{Status: StatusOpen, OpensAt: tp(later)}, func(in *StatementInput) { in.ClosesAt = tp(future) },
				map[string]Problem{"closes_at": {Code: ProblemInvalidTime}}},
			{"closes_at at the scheduled opening", Statement{Status: StatusOpen, OpensAt: tp(future)}, func(in *StatementInput) { in.ClosesAt = tp(future) },
				map[string]Problem{"closes_at": {Code: ProblemInvalidTime}}},
			{"several problems", Statement{}, func(in *StatementInput) { in.Title, in.Slug, in.Body, in.Kind, in.Language = "", "", "", "memo", "de" },
				map[string]Problem{
					"title":    {Code: ProblemRequired},
					"slug":     {Code: ProblemRequired},
					"kind":     {Code: ProblemInvalidChoice},
					"body":     {Code: ProblemRequired},
					"language": {Code: ProblemInvalidChoice},
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := validStatementInput()
				tt.change(&in)
				s := cloneStatement(tt.start)
				err := in.Apply(&s, now)
				assertFields(t, err, tt.want)
				if got := ErrorKey(err); got != "error.invalid_fields" {
					t.Errorf("ErrorKey() = %q, want %q", got, "error.invalid_fields")
				}
				assertStatement(t, s, tt.start)
			})
		}
	})
}

func TestSlugify(t *testing.T) {
	word8 := "abcdefgh"
	tests := []struct {
		name  string
		title string
		want  string
	}{
		{"accents", "Carta a los líderes de América del Norte", "carta-a-los-lideres-de-america-del-norte"},
		{"tilde and diaeresis", "Niños y pingüinos del Año", "ninos-y-pinguinos-del-ano"},
		{"Spanish punctuation", "¡Alto a las redadas! ¿Y ahora?", "alto-a-las-redadas-y-ahora"},
		{"apostrophe, ampersand and dash", "Workers' Rights & Dignity — 2026", "workers-rights-dignity-2026"},
		{"hyphens and slashes", "Casa-Latina / CASA_Latina", "casa-latina-casa-latina"},
		{"spacing", "  Several   spaces\tand\nlines  ", "several-spaces-and-lines"},
		{"empty", "", ""},
		{"only punctuation", "¡¿...?!", ""},
		{
			"long title cut at a word boundary",
			strings.Repeat("palabra ", 20),
			strings.TrimSuffix(strings.Repeat("palabra-", 10), "-"), // 79 characters
		},
		{
			"long title filling MaxSlug exactly",
			strings.Repeat(word8+" ", 12),
			strings.TrimSuffix(strings.Repeat(word8+"-", 9), "-"), // 80 characters
		},
		{
			"stops at the first word that does not fit",
			"a " + strings.Repeat("x", MaxSlug) + " b",
			"a",
		},
		{
			"accented long title",
			"Declaración conjunta de las organizaciones de la sociedad civil de México, Estados Unidos y Canadá",
			"declaracion-conjunta-de-las-organizaciones-de-la-sociedad-civil-de-mexico", // 73 characters
		},
		{"single word of MaxSlug characters", strings.Repeat("x", MaxSlug), strings.Repeat("x", MaxSlug)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Slugify(tt.title)
			if got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.title, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > MaxSlug {
				t.Errorf("len(Slugify(%q)) = %d, want at most %d", tt.title, n, MaxSlug)
			}
			if got != "" && !slugPattern.MatchString(got) {
				t.Errorf("Slugify(%q) = %q, which is not a valid slug", tt.title, got)
			}
		})
	}
}

func TestSlugify_Letters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Straße für alle", "strasse-fur-alle"},
		{strings.Repeat("y", 90), strings.Repeat("y", 80)},
		{"¡¿!?", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Slugify(tc.in); got != tc.want {
				t.Fatalf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
