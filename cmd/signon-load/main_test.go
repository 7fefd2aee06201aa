package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/demo"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
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

// startSignon runs a real server on SQLite with the sample statements,
// without the sign limit.
func startSignon(t *testing.T) string {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	if err := demo.Seed(context.Background(), db, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler)}, db)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestRun_Surge(t *testing.T) {
	url := startSignon(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", url, "-statement", demo.LetterSlug,
		"-sign-rate", "40", "-signatures", "20", "-readers", "2", "-read", "page,healthz,stats", "-check-count", "-max-time", "1m"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []string{
		"sign rate 40/s", "signatures: 20 answered of 20 due", "(exact)", "20 approved",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	for _, kind := range []string{"sign", "page", "healthz", "stats"} {
		if !regexp.MustCompile(`(?m)^` + kind + ` +\d+ +[\d.]+ +\S+ +\S+ +\S+ +\S+  map\[`).MatchString(report) {
			t.Errorf("report has no line for %s:\n%s", kind, report)
		}
	}
	if !strings.Contains(report, "sign         20") || !strings.Contains(report, "map[201:20]") {
		t.Errorf("not every signature was taken:\n%s", report)
	}
}

func TestRun_Readers(t *testing.T) {
	url := startSignon(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", url, "-statement", demo.LetterSlug,
		"-readers", "4", "-read", "healthz", "-reads", "200", "-max-time", "1m"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^healthz +200 `).MatchString(out.String()) || strings.Contains(out.String(), "\nsign ") {
		t.Errorf("want 200 healthz reads and nothing else:\n%s", out.String())
	}
}

// TestRun_CannotKeepUp: a server slower than the rate leaves signatures
// unsent once -max-inflight wait, and the report says so. The server
// here only holds each request: the tool's bookkeeping is under test.
func TestRun_CannotKeepUp(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(hs.Close)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", hs.URL, "-statement", "x",
		"-sign-rate", "100", "-signatures", "20", "-max-inflight", "2", "-max-time", "1m"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "could not keep up") {
		t.Errorf("no warning that the server fell behind:\n%s", out.String())
	}
}

func TestRun_RefusesUnboundedOrUnknown(t *testing.T) {
	for _, args := range [][]string{
		{"-max-time", "0"},
		{"-read", "coordinate"},
		{"-sign-rate", "-1"},
	} {
		err := run(context.Background(), append([]string{"-url", "http://127.0.0.1:1", "-statement", "x"}, args...), &bytes.Buffer{})
		if err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}
