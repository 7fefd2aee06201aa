// Command signon-load measures a running Signon server. It only talks to
// loopback addresses, and stops after a fixed number of requests or a
// time limit, whichever comes first. It runs in one of two ways:
//
//   - Mixed (the default): -concurrency clients, each sending its next
//     request when the last is answered, share -signatures signatures
//     through the JSON API and -reads reads of the statement page and its
//     stats, interleaved. With -reads 0 it measures the sign rate alone.
//
//   - Surge (-sign-rate or -readers): signatures are sent at a fixed rate
//     whatever the answers take (open loop), at most -max-inflight waiting
//     at once, while -readers clients read in a closed loop (-read: the
//     statement page, its stats, /healthz, or several of them in turn).
//     A signature whose turn comes while -max-inflight are waiting is not
//     sent, and counted: the server could not keep up with the rate.
//
// Either way it prints throughput and latency percentiles per kind of
// request, and with -check-count whether the statement's count, read a
// second after the run, grew by the signatures approved.
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
	"strings"
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

	signRate    float64  // signatures a second, open loop; 0 for the mixed run
	maxInflight int      // signatures waiting at once in the open loop
	readers     int      // closed-loop readers beside the open loop
	readKinds   []string // what the readers read, in turn
	checkCount  bool
}

// kinds are the kinds of request, in the order they are reported.
var kinds = []string{"sign", "page", "stats", "healthz"}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("signon-load", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of the Signon server (loopback only)")
	slug := fs.String("statement", "", "slug of an open statement to sign (required)")
	sigs := fs.Int("signatures", 2000, "signatures to submit at most")
	reads := fs.Int("reads", 2000, "reads to make at most")
	conc := fs.Int("concurrency", 16, "concurrent clients of the mixed run")
	limit := fs.Duration("max-time", 2*time.Minute, "stop after this long")
	rate := fs.Float64("sign-rate", 0, "signatures a second, sent whatever the answers take (0: the mixed run)")
	inflight := fs.Int("max-inflight", 256, "signatures waiting for an answer at once, at most, with -sign-rate")
	readers := fs.Int("readers", 0, "clients reading in a closed loop beside -sign-rate")
	read := fs.String("read", "page", "what -readers read, comma-separated and taken in turn: page, stats, healthz")
	check := fs.Bool("check-count", false, "after the run, compare the statement's count with the signatures approved")
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
	if *conc < 1 || *sigs < 0 || *reads < 0 || *rate < 0 || *inflight < 1 || *readers < 0 {
		return errors.New("-concurrency and -max-inflight must be positive; -signatures, -reads, -sign-rate and -readers not negative")
	}
	if *limit <= 0 {
		return errors.New("-max-time must be positive: the run must end by itself")
	}
	opt := options{base: base, slug: *slug, signatures: *sigs, reads: *reads, concurrency: *conc, limit: *limit,
		signRate: *rate, maxInflight: *inflight, readers: *readers, checkCount: *check}
	for _, k := range strings.Split(*read, ",") {
		k = strings.TrimSpace(k)
		if k == "sign" || !slices.Contains(kinds, k) {
			return fmt.Errorf("-read: %q is not page, stats or healthz", k)
		}
		opt.readKinds = append(opt.readKinds, k)
	}
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
	kind string // one of kinds
	// due is when an open-loop request was meant to go out; its latency
	// counts from then, so a client falling behind shows in the figures
	// instead of hiding them.
	due time.Time
}

type result struct {
	kind     string
	latency  time.Duration
	status   int
	approved bool // a signature answered "approved"
	err      error
	cut      bool // err is the time limit's, cutting the request short
}

// tally gathers the results of a run.
type tally struct {
	byKind   map[string][]time.Duration
	statuses map[string]map[int]int
	approved int
	failures int
	cut      int
	missed   int // open-loop signatures not sent: -max-inflight were waiting
}

func (t *tally) add(r result) {
	if r.cut {
		t.cut++
		return
	}
	if r.err != nil {
		t.failures++
		return
	}
	t.byKind[r.kind] = append(t.byKind[r.kind], r.latency)
	if t.statuses[r.kind] == nil {
		t.statuses[r.kind] = map[int]int{}
	}
	t.statuses[r.kind][r.status]++
	if r.approved {
		t.approved++
	}
}

func measure(ctx context.Context, opt options, stdout io.Writer) error {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: max(opt.concurrency, opt.maxInflight+opt.readers),
	}}
	var before int
	if opt.checkCount {
		var err error
		if before, err = statementCount(ctx, client, opt); err != nil {
			return fmt.Errorf("count before the run: %w", err)
		}
	}

	ctx, cancel := context.WithTimeout(ctx, opt.limit)
	defer cancel()
	t := &tally{byKind: map[string][]time.Duration{}, statuses: map[string]map[int]int{}}
	results := make(chan result, 1024)
	var runID = time.Now().UnixNano()
	var seq atomic.Int64
	do := func(j job) result { return do(ctx, client, opt, j, runID, seq.Add(1)) }

	start := time.Now()
	var missed atomic.Int64
	if opt.signRate > 0 || opt.readers > 0 {
		go func() {
			surge(ctx, opt, do, results, &missed)
			close(results)
		}()
	} else {
		go func() {
			mixed(ctx, opt, do, results)
			close(results)
		}()
	}
	for r := range results {
		t.add(r)
	}
	elapsed := time.Since(start)
	t.missed = int(missed.Load())
	report(stdout, opt, elapsed, t)

	if opt.checkCount {
		// The counts are exact within about a second of a signature.
		time.Sleep(time.Second)
		after, err := statementCount(context.WithoutCancel(ctx), client, opt)
		if err != nil {
			return fmt.Errorf("count after the run: %w", err)
		}
		verdict := "exact"
		if after != before+t.approved {
			verdict = fmt.Sprintf("off by %+d", after-before-t.approved)
		}
		fmt.Fprintf(stdout, "count: %d before + %d approved = %d; the statement shows %d a second after the run (%s)\n",
			before, t.approved, before+t.approved, after, verdict)
	}
	return nil
}

// mixed runs opt.concurrency closed-loop clients over the signatures and
// reads, interleaved, as during a real sign-on push.
func mixed(ctx context.Context, opt options, do func(job) result, results chan<- result) {
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		for i, r := 0, 0; i < opt.signatures || r < opt.reads; {
			var j job
			switch {
			case i < opt.signatures && (r >= opt.reads || i <= r):
				j, i = job{kind: "sign"}, i+1
			case r%2 == 0:
				j, r = job{kind: "page"}, r+1
			default:
				j, r = job{kind: "stats"}, r+1
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < opt.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- do(j)
			}
		}()
	}
	wg.Wait()
}

// surge sends signatures at opt.signRate, open loop, while opt.readers
// read in a closed loop. The readers stop when the signatures are all
// sent (or, without signing, after opt.reads), or at the time limit.
func surge(ctx context.Context, opt options, do func(job) result, results chan<- result, missed *atomic.Int64) {
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	var readers sync.WaitGroup
	var reads atomic.Int64
	for w := 0; w < opt.readers; w++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := w; readCtx.Err() == nil; i++ {
				if opt.signRate == 0 && reads.Add(1) > int64(opt.reads) {
					return
				}
				r := do(job{kind: opt.readKinds[i%len(opt.readKinds)], due: time.Now()})
				if readCtx.Err() != nil && r.err != nil {
					return // cut short by the end of the signing, not a failure
				}
				results <- r
			}
		}()
	}

	if opt.signRate > 0 {
		var signing sync.WaitGroup
		slots := make(chan struct{}, opt.maxInflight)
		interval := time.Duration(float64(time.Second) / opt.signRate)
		start := time.Now()
		timer := time.NewTimer(0)
		defer timer.Stop()
	loop:
		for i := 0; i < opt.signatures; i++ {
			due := start.Add(time.Duration(i) * interval)
			timer.Reset(time.Until(due))
			select {
			case <-ctx.Done():
				break loop
			case <-timer.C:
			}
			select {
			case slots <- struct{}{}:
			default:
				missed.Add(1)
				continue
			}
			signing.Add(1)
			go func() {
				defer signing.Done()
				results <- do(job{kind: "sign", due: due})
				<-slots
			}()
		}
		signing.Wait()
		stopReading()
	}
	readers.Wait()
}

func do(ctx context.Context, client *http.Client, opt options, j job, runID, seq int64) result {
	var req *http.Request
	var err error
	switch j.kind {
	case "sign":
		body, _ := json.Marshal(map[string]any{
			"organization": fmt.Sprintf("Load Test Organization %d-%d", runID, seq),
			"signer_name":  "Load Tester",
			"email":        fmt.Sprintf("load-%d-%d@example.org", runID, seq),
			"country":      "US",
			"region":       regions[int(seq)%len(regions)],
			"authorized":   true,
		})
		req, err = http.NewRequestWithContext(ctx, http.MethodPost,
			opt.base.JoinPath("api/v1/statements", opt.slug, "signatures").String(), bytes.NewReader(body))
		if req != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	case "page":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("s", opt.slug).String(), nil)
	case "healthz":
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("healthz").String(), nil)
	default:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("api/v1/statements", opt.slug, "stats").String(), nil)
	}
	if err != nil {
		return result{kind: j.kind, err: err}
	}
	start := time.Now()
	if !j.due.IsZero() {
		start = j.due
	}
	res, err := client.Do(req)
	if err != nil {
		return result{kind: j.kind, err: err, cut: ctx.Err() != nil}
	}
	r := result{kind: j.kind, status: res.StatusCode}
	if j.kind == "sign" && res.StatusCode == http.StatusCreated {
		var signed struct {
			Status string `json:"status"`
		}
		r.approved = json.NewDecoder(res.Body).Decode(&signed) == nil && signed.Status == "approved"
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	r.latency = time.Since(start)
	return r
}

// statementCount is the statement's count of approved signatures, as
// its page and stats show it.
func statementCount(ctx context.Context, client *http.Client, opt options) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opt.base.JoinPath("api/v1/statements", opt.slug, "stats").String(), nil)
	if err != nil {
		return 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", req.URL, res.Status)
	}
	var stats struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(res.Body).Decode(&stats); err != nil {
		return 0, fmt.Errorf("GET %s: %w", req.URL, err)
	}
	return stats.Total, nil
}

var regions = []string{"US-TX", "US-CA", "US-AZ", "US-NM", "US-IL", "US-NY", "US-FL", "US-GA",
	"US-NC", "US-WA", "US-OR", "US-CO", "US-NV", "US-MA", "US-NJ", "US-PA", "US-MN", "US-MI"}

func report(w io.Writer, opt options, elapsed time.Duration, t *tally) {
	if opt.signRate > 0 || opt.readers > 0 {
		fmt.Fprintf(w, "target %s, statement %q, sign rate %g/s (at most %d waiting), %d readers of %s, %.1fs\n",
			opt.base, opt.slug, opt.signRate, opt.maxInflight, opt.readers, strings.Join(opt.readKinds, ","), elapsed.Seconds())
	} else {
		fmt.Fprintf(w, "target %s, statement %q, %d clients, %.1fs\n", opt.base, opt.slug, opt.concurrency, elapsed.Seconds())
	}
	fmt.Fprintf(w, "%-7s %7s %9s %8s %8s %8s %8s  %s\n", "kind", "count", "req/s", "p50", "p95", "p99", "max", "statuses")
	for _, kind := range kinds {
		lat := t.byKind[kind]
		if len(lat) == 0 {
			continue
		}
		slices.Sort(lat)
		fmt.Fprintf(w, "%-7s %7d %9.1f %8s %8s %8s %8s  %v\n", kind, len(lat), float64(len(lat))/elapsed.Seconds(),
			pct(lat, 50), pct(lat, 95), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), t.statuses[kind])
	}
	if opt.signRate > 0 {
		sent := len(t.byKind["sign"])
		fmt.Fprintf(w, "signatures: %d answered of %d due at %g/s", sent, sent+t.missed, opt.signRate)
		if t.missed > 0 {
			fmt.Fprintf(w, "; the server could not keep up: %d not sent, %d were waiting", t.missed, opt.maxInflight)
		}
		fmt.Fprintln(w)
	}
	if t.failures > 0 {
		fmt.Fprintf(w, "transport failures: %d\n", t.failures)
	}
	if t.cut > 0 {
		fmt.Fprintf(w, "requests cut short by -max-time, not counted: %d\n", t.cut)
	}
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return sorted[i].Round(time.Microsecond)
}
