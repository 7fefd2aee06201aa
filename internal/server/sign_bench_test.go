package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkAPISign signs through POST /api/v1/statements/{slug}/signatures
// on a real server from 32 clients at once (16 per processor on two), as
// the load tool does: Approved on a statement that counts signatures at
// once, Confirm on one that asks signers to confirm by email. A CPU
// profile of it (-cpuprofile) is the profile of a server under a surge of
// signatures; docs/benchmarks.md says where the time went.
func BenchmarkAPISign(b *testing.B) {
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			app := newTestApp(b, dialect)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var n atomic.Int64
			for _, bb := range []struct {
				name      string
				configure func(*signon.Statement)
			}{
				{"Approved", nil},
				{"Confirm", func(s *signon.Statement) { s.RequireConfirmation = true }},
			} {
				var configure []func(*signon.Statement)
				if bb.configure != nil {
					configure = append(configure, bb.configure)
				}
				st := app.openStatement(b, strings.ToLower(bb.name), configure...)
				url := app.URL + "/api/v1/statements/" + st.Slug + "/signatures"
				b.Run(bb.name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism(16)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							i := n.Add(1)
							body := pubSignJSON("organization", fmt.Sprintf("Organization %d", i), "email", fmt.Sprintf("s%d@example.org", i))
							res, err := client.Post(url, "application/json", strings.NewReader(body))
							if err != nil {
								b.Error(err)
								return
							}
							io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != http.StatusCreated {
								b.Errorf("status %d", res.StatusCode)
								return
							}
						}
					})
				})
			}
		})
	}
}
