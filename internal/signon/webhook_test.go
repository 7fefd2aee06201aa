package signon_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestInternalAddress(t *testing.T) {
	for _, tc := range []struct {
		ip       string
		internal bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true},
		{"fc00::1", true}, {"fd12:3456::1", true},
		{"100.64.0.1", true}, {"100.127.255.254", true},
		{"224.0.0.1", true}, {"ff02::1", true}, {"ff05::1", true},
		{"0.0.0.0", true}, {"::", true}, {"0.1.2.3", true},
		{"255.255.255.255", true}, {"240.0.0.1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true},
		{"93.184.215.14", false}, {"8.8.8.8", false}, {"100.128.0.1", false},
		{"2606:4700::1111", false}, {"::ffff:8.8.8.8", false},
	} {
		if got := signon.InternalAddress(netip.MustParseAddr(tc.ip)); got != tc.internal {
			t.Errorf("InternalAddress(%s) = %v, want %v", tc.ip, got, tc.internal)
		}
	}
}

func TestWebhookSignature(t *testing.T) {
	// Computed independently: printf '1764921600.{"id":"1"}' | openssl dgst -sha256 -hmac whsec_test
	got := signon.WebhookSignature("whsec_test", time.Unix(1764921600, 0), []byte(`{"id":"1"}`))
	want := "t=1764921600,v1=3846a25efa908b9ab8a61b2794a5d0b192674b42719165bf7f291ab1cc7d17d6"
	if got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

func TestWebhookRetryDelay(t *testing.T) {
	want := []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute}
	for i, d := range want {
		if got := signon.WebhookRetryDelay(i + 1); got != d {
			t.Errorf("after attempt %d: %s, want %s", i+1, got, d)
		}
	}
	if got := signon.WebhookRetryDelay(100); got != 12*time.Hour {
		t.Errorf("capped at %s, want 12h", got)
	}
}
