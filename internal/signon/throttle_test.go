package signon

import (
	"slices"
	"testing"
	"time"
)

func TestThrottleRule_Lock(t *testing.T) {
	r := ThrottleRule{Limit: 3, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 5 * time.Minute}
	for attempts, want := range map[int]time.Duration{
		0: 0, 1: 0, 2: 0,
		3: time.Minute, 4: 2 * time.Minute, 5: 4 * time.Minute,
		6: 5 * time.Minute, 7: 5 * time.Minute, 1000: 5 * time.Minute,
	} {
		if got := r.Lock(attempts); got != want {
			t.Errorf("Lock(%d) = %v, want %v", attempts, got, want)
		}
	}
	if got, want := r.Locks(), []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute}; !slices.Equal(got, want) {
		t.Errorf("Locks() = %v, want %v", got, want)
	}
	// The rules of login never lock an account for long.
	if AccountThrottle.MaxLock > time.Minute {
		t.Errorf("AccountThrottle locks an account out for up to %v", AccountThrottle.MaxLock)
	}
}

func TestNewAccountInvitation(t *testing.T) {
	now := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
	inv, err := NewAccountInvitation(InvitationInput{Email: " Luz@Example.ORG ", Role: RoleCoordinator, Language: "es"}, "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "luz@example.org" || inv.Role != RoleCoordinator || inv.TokenHash != "hash" || !inv.ExpiresAt.Equal(now.Add(7*24*time.Hour)) {
		t.Errorf("invitation = %+v", inv)
	}
	if !inv.Usable(now) || inv.Usable(inv.ExpiresAt) {
		t.Error("Usable should hold until ExpiresAt only")
	}
	accepted := now
	inv.AcceptedAt = &accepted
	if inv.Usable(now) {
		t.Error("an accepted invitation is usable")
	}

	for _, tt := range []struct {
		name string
		in   InvitationInput
		want map[string]string
	}{
		{"empty", InvitationInput{}, map[string]string{"email": ProblemRequired, "role": ProblemInvalidChoice, "language": ProblemInvalidChoice}},
		{"bad email", InvitationInput{Email: "luz", Role: RoleAdmin, Language: "en"}, map[string]string{"email": ProblemInvalidEmail}},
		{"unknown role", InvitationInput{Email: "luz@example.org", Role: "owner", Language: "en"}, map[string]string{"role": ProblemInvalidChoice}},
		{"unknown language", InvitationInput{Email: "luz@example.org", Role: RoleAdmin, Language: "fr"}, map[string]string{"language": ProblemInvalidChoice}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewAccountInvitation(tt.in, "hash", now)
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error = %v, want invalid", err)
			}
			fields := ErrorFields(err)
			if len(fields) != len(tt.want) {
				t.Errorf("fields = %v, want %v", fields, tt.want)
			}
			for f, code := range tt.want {
				if fields[f].Code != code {
					t.Errorf("field %s = %q, want %q", f, fields[f].Code, code)
				}
			}
		})
	}
}
