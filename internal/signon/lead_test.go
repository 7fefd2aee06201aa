package signon

import (
	"strings"
	"testing"
)

// A lead signer is named in the record; a record without one keeps the
// bytes it had before lead signers existed (TestNewRecord pins them).
func TestNewRecord_Lead(t *testing.T) {
	lead := recordSignature(1, "Zeta Texas", "US", "US-TX", SignatureApproved, 1)
	lead.Lead = true
	rec, err := NewRecord(recordStatement(), []*Signature{lead, recordSignature(2, "Beta Texas", "US", "US-TX", SignatureApproved, 1)})
	if err != nil {
		t.Fatal(err)
	}
	canonical, err := rec.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	got := string(canonical)
	if strings.Count(got, `"lead":true`) != 1 || strings.Contains(got, `"lead":false`) ||
		!strings.Contains(got, `"lead":true,"organization":"Zeta Texas"`) {
		t.Errorf("record %s, want Zeta Texas alone marked lead", got)
	}
}

func TestTakesFoundingSignatures(t *testing.T) {
	now := recordStatement().CreatedAt
	for _, tt := range []struct {
		status Status
		want   bool
	}{
		{StatusDraft, true}, {StatusOpen, false}, {StatusClosed, false}, {StatusPublished, false},
	} {
		st := &Statement{Status: tt.status}
		if got := st.TakesFoundingSignatures(now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.status, got, tt.want)
		}
	}
	later := now.AddDate(0, 0, 2)
	if scheduled := (&Statement{Status: StatusOpen, OpensAt: &later}); !scheduled.TakesFoundingSignatures(now) {
		t.Error("a statement scheduled to open takes no founding signatures")
	}
}
