package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRun_RefusesOtherHosts(t *testing.T) {
	for _, target := range []string{"http://10.0.0.5:8080", "http://example.org", "http://192.168.1.2"} {
		t.Run(target, func(t *testing.T) {
			err := run(context.Background(), []string{"-url", target, "-statement", "x"}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), "only loopback") {
				t.Fatalf("run with %s: err = %v, want a loopback refusal", target, err)
			}
		})
	}
}

func TestRun_RequiresStatement(t *testing.T) {
	err := run(context.Background(), []string{"-url", "http://127.0.0.1:1"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-statement is required") {
		t.Fatalf("err = %v", err)
	}
}
