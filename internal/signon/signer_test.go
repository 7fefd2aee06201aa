package signon

import (
	"testing"
	"time"
)

func TestLinkOnAnswer(t *testing.T) {
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	past := now.Add(-time.Hour)
	tests := []struct {
		name       string
		status     Status
		visibility Visibility
		closesAt   *time.Time
		sig        SignatureStatus
		want       bool
	}{
		{"approved on a public list", StatusOpen, VisibleWhileOpen, nil, SignatureApproved, true},
		{"awaiting confirmation", StatusOpen, VisibleWhileOpen, nil, SignatureUnconfirmed, false},
		{"awaiting review", StatusOpen, VisibleWhileOpen, nil, SignaturePending, false},
		{"approved on a list shown when published", StatusOpen, VisibleOnPublished, nil, SignatureApproved, false},
		{"approved past the deadline, list still public", StatusOpen, VisibleWhileOpen, &past, SignatureApproved, true},
		{"approved on a draft", StatusDraft, VisibleWhileOpen, nil, SignatureApproved, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &Statement{Status: tt.status, Visibility: tt.visibility, ClosesAt: tt.closesAt}
			if got := LinkOnAnswer(st, tt.sig, now); got != tt.want {
				t.Errorf("LinkOnAnswer = %v, want %v", got, tt.want)
			}
		})
	}
}
