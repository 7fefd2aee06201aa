package signon

import (
	"testing"
	"time"
)

func TestThrottleRule_Fail(t *testing.T) {
	r := ThrottleRule{Limit: 3, Window: 15 * time.Minute, FirstLock: time.Minute, MaxLock: 5 * time.Minute}
	t0 := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)

	// steps are failures, each after the previous one's wait.
	tests := []struct {
		name  string
		after time.Duration // since the previous failure
		lock  time.Duration // 0 for none
	}{
		{"first", 0, 0},
		{"second", time.Second, 0},
		{"limit locks a minute", time.Second, time.Minute},
		{"after the lock: two minutes", time.Minute, 2 * time.Minute},
		{"then four", 2 * time.Minute, 4 * time.Minute},
		{"capped", 4 * time.Minute, 5 * time.Minute},
		{"still capped", 5 * time.Minute, 5 * time.Minute},
		{"forgotten after a quiet window past the lock", 5*time.Minute + 15*time.Minute, 0},
		{"counting again", time.Second, 0},
	}
	var f LoginFailures
	now := t0
	for _, tt := range tests {
		now = now.Add(tt.after)
		f = r.Fail(f, now)
		switch {
		case tt.lock == 0 && f.Locked(now):
			t.Fatalf("%s: locked until %v, want unlocked", tt.name, f.LockedUntil)
		case tt.lock != 0 && (f.LockedUntil == nil || !f.LockedUntil.Equal(now.Add(tt.lock))):
			t.Fatalf("%s: locked until %v, want %v", tt.name, f.LockedUntil, now.Add(tt.lock))
		}
		if tt.lock != 0 && (!f.Locked(now.Add(tt.lock-time.Nanosecond)) || f.Locked(now.Add(tt.lock))) {
			t.Errorf("%s: Locked is not true exactly until the lock ends", tt.name)
		}
	}
	if f.Failures != 2 {
		t.Errorf("Failures = %d, want 2 after the count was forgotten", f.Failures)
	}

	t.Run("WindowSlides", func(t *testing.T) {
		// Failures 14 minutes apart are never forgotten in between.
		var f LoginFailures
		for i := range r.Limit {
			f = r.Fail(f, t0.Add(time.Duration(i)*14*time.Minute))
		}
		if f.Failures != r.Limit || f.LockedUntil == nil {
			t.Errorf("after %d slow failures: %+v, want a lock", r.Limit, f)
		}
	})

	t.Run("NoOverflow", func(t *testing.T) {
		f := LoginFailures{Failures: 1000, LastFailureAt: t0}
		f = r.Fail(f, t0.Add(time.Second))
		if f.LockedUntil == nil || !f.LockedUntil.Equal(t0.Add(time.Second+r.MaxLock)) {
			t.Errorf("lock after 1001 failures until %v, want MaxLock", f.LockedUntil)
		}
	})
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
