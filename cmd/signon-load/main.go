// Command signon-load measures a running Signon server: it signs a
// statement through the JSON API from many concurrent clients while others
// read the statement page and its stats, then prints throughput and
// latency percentiles. It only talks to loopback addresses, and stops after
// a fixed number of requests or a time limit, whichever comes first.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signon-load:", err)
		os.Exit(1)
	}
}

type options struct {
	base        *url.URL
	slug        string
	signatures  int
	reads       int
	concurrency int
	limit       time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("signon-load", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of the Signon server (loopback only)")
	slug := fs.String("statement", "", "slug of an open statement to sign (required)")
	sigs := fs.Int("signatures", 2000, "signatures to submit")
	reads := fs.Int("reads", 2000, "page and stats reads to make")
	conc := fs.Int("concurrency", 16, "concurrent clients")
	limit := fs.Duration("max-time", 2*time.Minute, "stop after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base, err := url.Parse(*target)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if err := requireLoopback(base.Hostname()); err != nil {
		return err
	}
	if *slug == "" {
		return errors.New("-statement is required (the slug of an open statement)")
	}
	if *conc < 1 || *sigs < 0 || *reads < 0 {
		return errors.New("-concurrency must be positive; -signatures and -reads not negative")
	}
	opt := options{base: base, slug: *slug, signatures: *sigs, reads: *reads, concurrency: *conc, limit: *limit}
	return measure(ctx, opt, stdout)
}

// requireLoopback refuses any target that is not this machine.
func requireLoopback(host string) error {
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to load %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", host)
	}
	return nil
}

type job struct {
	kind string // "sign", "page", "stats"
	n    int
}

type result struct {
	kind    string
	latency time.Duration
	status  int
	err     error
}

func measure(ctx context.Context, opt options, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, opt.limit)
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: opt.concurrency}}

	jobs := make(chan job)
	results := make(chan result, opt.concurrency)
	go func() {
		defer close(jobs)
		// Interleave writes and reads, as during a real sign-on push.
		for i, r := 0, 0; i < opt.signatures || r < opt.reads; {
			var j job
			switch {
			case i < opt.signatures && (r >= opt.reads || i <= r):
				j, i = job{"sign", i}, i+1
			case r%2 == 0:
				j, r = job{"page", r}, r+1
			default:
				j, r = job{"stats", r}, r+1
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()

	var wg sync.WaitGroup
	var seq atomic.Int64
	runID := time.Now().UnixNano()
	for w := 0; w < opt.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- do(ctx, client, opt, j, runID, seq.Add(1))
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	start := time.Now()
	byKind := map[string][]time.Duration{}
	statuses := map[string]map[int]int{}
	var failures int
	for r := range results {
		if r.err != nil {
			failures++
			continue
		}
		byKind[r.kind] = append(byKind[r.kind], r.latency)
		if statuses[r.kind] == nil {
			statuses[r.kind] = map[int]int{}
		}
		statuses[r.kind][r.status]++
	}
	elapsed := time.Since(start)
	report(stdout, opt, elapsed, byKind, statuses, failures)
	return nil
}

func do(ctx context.Context, client *http.Client, opt options, j job, runID, seq int64) result {
	var req *http.Request
	var err error
	switch j.kind {
	case "sign":
		body, _ := json.Marshal(map[string]string{
			"organization": fmt.Sprintf("Load Test Organization %d-%d", runID, seq),
			"signer_name":  "Load Tester",
			"email":        fmt.Sprintf("load-%d-%d@example.org", runID, seq),
			"country":      "US",
			"region":       regions[int(seq)%len(regions)],
		})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost,
			opt.base.JoinPath("api/v1/statements", opt.slug, "signatures").String(), bytes.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	case "page":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("s", opt.slug).String(), nil)
	default:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("api/v1/statements", opt.slug, "stats").String(), nil)
	}
	if err != nil {
		return result{kind: j.kind, err: err}
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return result{kind: j.kind, err: err}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return result{kind: j.kind, latency: time.Since(start), status: res.StatusCode}
}

var regions = []string{"US-TX", "US-CA", "US-AZ", "US-NM", "US-IL", "US-NY", "US-FL", "US-GA",
	"US-NC", "US-WA", "US-OR", "US-CO", "US-NV", "US-MA", "US-NJ", "US-PA", "US-MN", "US-MI"}

func report(w io.Writer, opt options, elapsed time.Duration, byKind map[string][]time.Duration, statuses map[string]map[int]int, failures int) {
	fmt.Fprintf(w, "target %s, statement %q, %d clients, %.1fs\n", opt.base, opt.slug, opt.concurrency, elapsed.Seconds())
	fmt.Fprintf(w, "%-6s %7s %9s %8s %8s %8s %8s  %s\n", "kind", "count", "req/s", "p50", "p95", "p99", "max", "statuses")
	for _, kind := range []string{"sign", "page", "stats"} {
		lat := byKind[kind]
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		fmt.Fprintf(w, "%-6s %7d %9.1f %8s %8s %8s %8s  %v\n", kind, len(lat), float64(len(lat))/elapsed.Seconds(),
			pct(lat, 50), pct(lat, 95), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), statuses[kind])
	}
	if failures > 0 {
		fmt.Fprintf(w, "transport failures: %d\n", failures)
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i].Round(time.Microsecond)
}
