package signon

import (
	"strings"
	"testing"
	"time"
)

func TestStatementInput_RetentionMonths(t *testing.T) {
	for _, tc := range []struct {
		months  int
		problem bool
		want    int
	}{
		{0, false, DefaultRetentionMonths},
		{1, false, 1},
		{MaxRetentionMonths, false, MaxRetentionMonths},
		{-1, true, 0},
		{MaxRetentionMonths + 1, true, 0},
	} {
		in := validStatementInput()
		in.RetentionMonths = tc.months
		var st Statement
		err := in.Apply(&st, now)
		if got := ErrorFields(err)["retention_months"].Code == ProblemRetentionMonths; got != tc.problem {
			t.Errorf("%d months: problem %v (%v), want %v", tc.months, got, err, tc.problem)
		}
		if !tc.problem && st.Retention() != tc.want {
			t.Errorf("%d months: retention %d, want %d", tc.months, st.Retention(), tc.want)
		}
	}
}

func TestStatement_ErasureDue(t *testing.T) {
	closed := time.Date(2026, 8, 31, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		st     Statement
		due    time.Time
		hasDue bool
	}{
		{"open", Statement{Status: StatusOpen, ClosedAt: &closed}, time.Time{}, false},
		{"closed, default", Statement{Status: StatusClosed, ClosedAt: &closed}, closed.AddDate(0, 6, 0), true},
		{"published, a year", Statement{Status: StatusPublished, ClosedAt: &closed, RetentionMonths: 12}, closed.AddDate(1, 0, 0), true},
		{"closed, no time", Statement{Status: StatusClosed}, time.Time{}, false},
	} {
		due, ok := tc.st.ErasureDue()
		if ok != tc.hasDue || !due.Equal(tc.due) {
			t.Errorf("%s: due %v (%v), want %v (%v)", tc.name, due, ok, tc.due, tc.hasDue)
		}
	}
}

func TestCheckErasureReason(t *testing.T) {
	for _, tc := range []struct {
		reason, want, problem string
	}{
		{"  Asked   by email ", "Asked by email", ""},
		{"", "", ProblemRequired},
		{" \n ", "", ProblemRequired},
		{strings.Repeat("a", MaxErasureReason+1), "", ProblemTooLong},
	} {
		got, err := CheckErasureReason(tc.reason)
		if got != tc.want || ErrorFields(err)["reason"].Code != tc.problem {
			t.Errorf("%q: %q, %v; want %q, problem %q", tc.reason, got, err, tc.want, tc.problem)
		}
	}
}

func TestKeepsPublicFields(t *testing.T) {
	for _, s := range []SignatureStatus{SignatureUnconfirmed, SignaturePending, SignatureRejected, SignatureWithdrawn} {
		if KeepsPublicFields(s) {
			t.Errorf("%s keeps its public fields; only approved signatures are public", s)
		}
	}
	if !KeepsPublicFields(SignatureApproved) {
		t.Error("an approved signature loses what the public list shows")
	}
}
