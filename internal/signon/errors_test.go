package signon

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
)

func TestErrorAccessors(t *testing.T) {
	keyed := &Error{Code: ECONFLICT, Key: "error.already_signed", Message: "Your organization already signed."}
	tests := []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
		wantKey     string
	}{
		{"Error", keyed, ECONFLICT, "Your organization already signed.", "error.already_signed"},
		{"Errorf", Errorf(ENOTFOUND, "Statement %q not found.", "carta"), ENOTFOUND, `Statement "carta" not found.`, ""},
		{"wrapped", fmt.Errorf("create signature: %w", keyed), ECONFLICT, "Your organization already signed.", "error.already_signed"},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("store: %w", keyed)), ECONFLICT, "Your organization already signed.", "error.already_signed"},
		{"plain", errors.New("database is locked"), EINTERNAL, "Internal error.", ""},
		{"wrapped plain", fmt.Errorf("store: %w", errors.New("database is locked")), EINTERNAL, "Internal error.", ""},
		{"nil", nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode() = %q, want %q", got, tt.wantCode)
			}
			if got := ErrorMessage(tt.err); got != tt.wantMessage {
				t.Errorf("ErrorMessage() = %q, want %q", got, tt.wantMessage)
			}
			if got := ErrorKey(tt.err); got != tt.wantKey {
				t.Errorf("ErrorKey() = %q, want %q", got, tt.wantKey)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	fields := Problems{"email": {Code: ProblemRequired}}
	invalid := &Error{Code: EINVALID, Fields: fields}
	tests := []struct {
		name string
		err  error
		want map[string]Problem
	}{
		{"Error", invalid, fields},
		{"wrapped", fmt.Errorf("validate: %w", invalid), fields},
		{"Error without fields", Errorf(ENOTFOUND, "Not found."), nil},
		{"plain", errors.New("boom"), nil},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ErrorFields(tt.err)
			if !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("ErrorFields() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestError_Error(t *testing.T) {
	err := Errorf(EINVALID, "Unknown action %q.", "explode")
	want := `signon error: code=invalid message=Unknown action "explode".`
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// assertFields checks that err is an EINVALID error whose field problems
// are exactly want.
func assertFields(t *testing.T, err error, want map[string]Problem) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want EINVALID with fields %v", want)
	}
	if code := ErrorCode(err); code != EINVALID {
		t.Errorf("ErrorCode() = %q, want %q (err: %v)", code, EINVALID, err)
	}
	got := ErrorFields(err)
	if maps.Equal(got, want) {
		return
	}
	for _, f := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[f]; !ok {
			t.Errorf("field %q: no problem, want %+v", f, want[f])
		} else if g != want[f] {
			t.Errorf("field %q: problem %+v, want %+v", f, g, want[f])
		}
	}
	for _, f := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[f]; !ok {
			t.Errorf("field %q: unexpected problem %+v", f, got[f])
		}
	}
}
