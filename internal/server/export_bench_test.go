//go:build unix

// Unix only, for the CPU time from getrusage: the machines benchmarks run
// on are shared, and wall time alone says more about the neighbours.

package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkExportCSV downloads the CSV of a letter with 10,000 and with
// 1,000,000 signatories from a real server over HTTP, to io.Discard. Its
// metrics: rows/s; cpu-s/op, the CPU time of the whole process (server,
// client, and SQLite, which runs inside it; not PostgreSQL's own);
// peak-heap-MB, the most heap in use, sampled while the rows stream,
// which should not grow with the list.
func BenchmarkExportCSV(b *testing.B) {
	sizes := []int{10_000, 1_000_000}
	for _, dialect := range storetest.Dialects() {
		b.Run(dialect, func(b *testing.B) {
			ctx := context.Background()
			url := storetest.URL(b, dialect)
			db, err := store.Open(ctx, url)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				b.Fatal(err)
			}
			slugs := map[int]string{}
			for _, n := range sizes {
				st := &signon.Statement{Slug: fmt.Sprintf("letter-%d", n), Kind: signon.KindLetter, Title: "Letter", Body: "Text.",
					Language: "en", Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
				if err := db.CreateStatement(ctx, st, 0); err != nil {
					b.Fatal(err)
				}
				if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, time.Now(), 0); err != nil {
					b.Fatal(err)
				}
				storetest.Exec(b, url, storetest.SignaturesSQL(dialect, st.ID, n))
				slugs[n] = st.Slug
			}
			srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, db)
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			b.Cleanup(hs.Close)

			for _, n := range sizes {
				b.Run(fmt.Sprint(n), func(b *testing.B) {
					url := hs.URL + "/s/" + slugs[n] + "/signatories.csv"
					var peak heapPeak
					runtime.GC()
					cpu := cpuTime()
					b.ReportAllocs()
					for b.Loop() {
						stop := peak.sample()
						lines, size := downloadLines(b, url)
						stop()
						if lines != n+1 {
							b.Fatalf("%d lines, want a header and %d rows", lines, n)
						}
						b.SetBytes(size)
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
					b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
					b.ReportMetric(float64(peak.max)/(1<<20), "peak-heap-MB")
				})
			}
		})
	}
}

// downloadLines gets url and counts the lines and bytes of its body.
func downloadLines(b *testing.B, url string) (lines int, size int64) {
	b.Helper()
	res, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("status %d", res.StatusCode)
	}
	var count lineCount
	size, err = io.Copy(&count, res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return int(count), size
}

type lineCount int

func (c *lineCount) Write(p []byte) (int, error) {
	*c += lineCount(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// heapPeak is the most heap in use seen while sampling.
type heapPeak struct {
	max uint64
}

// sample reads the heap every few milliseconds until the returned stop
// is called.
func (h *heapPeak) sample() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			h.max = max(h.max, m.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
