package server

import (
	"runtime"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// The heavy public work, each kind with its own few slots, so that a
// crowd asking for one kind cannot take the machine from the others or
// from the pages. A request past the slots waits a little, then is told
// to come back (429, Retry-After) in its language.
const (
	// exportSlots is how many exports may stream at once. Each holds a
	// read connection until its client has the last row, and on SQLite
	// the read pool has four: two are left for the pages.
	exportSlots = 2
	// exportWait is how long a download waits for a slot before it is
	// turned away.
	exportWait = 10 * time.Second
	// printSlots is how many print pages may be made at once, each
	// reading the whole list of signatories. Readers of one page share
	// one render through the page cache; these are the different ones.
	printSlots = 4
	// printWait is how long a print page or a PDF waits for a slot.
	printWait = 5 * time.Second
)

// pdfSlots is how many PDFs may be typeset at once: typesetting is CPU
// work, one core each.
var pdfSlots = runtime.NumCPU()

var (
	errExportBusy = signon.KeyedError(signon.ETOOMANY, "export.error.busy",
		"Many downloads are running at the moment. Please try again in a minute.")
	errPrintBusy = signon.KeyedError(signon.ETOOMANY, "print.error.busy",
		"Many printed copies are being made at the moment. Please try again in a minute.")
)

// workSlots lets at most its capacity of requests of one kind work at
// once.
type workSlots struct {
	running chan struct{}
	wait    time.Duration
	busy    error // the refusal
}

func newWorkSlots(n int, wait time.Duration, busy error) *workSlots {
	return &workSlots{running: make(chan struct{}, max(n, 1)), wait: wait, busy: busy}
}

// take waits up to the slots' wait for one, and returns the function
// that frees it; or, when none came free in time or the client left,
// the refusal, answered with Retry-After.
func (w *workSlots) take(c echo.Context) (release func(), err error) {
	select {
	case w.running <- struct{}{}:
		return w.release, nil
	default:
	}
	timer := time.NewTimer(w.wait)
	defer timer.Stop()
	select {
	case w.running <- struct{}{}:
		return w.release, nil
	case <-timer.C:
	case <-c.Request().Context().Done():
	}
	return nil, retryLater{error: w.busy, seconds: busyRetryAfter}
}

// busyRetryAfter is the Retry-After of a request turned away for want
// of a slot, in seconds.
const busyRetryAfter = 60

// retryLater is a refusal that says when to come back. handleError sets
// its Retry-After: a header set on the response here would be lost on
// the pages whose answer the page cache captures.
type retryLater struct {
	error
	seconds int
}

func (r retryLater) Unwrap() error { return r.error }

func (w *workSlots) release() { <-w.running }

// limit holds a slot for the whole request, as a route middleware.
func (w *workSlots) limit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		release, err := w.take(c)
		if err != nil {
			return err
		}
		defer release()
		return next(c)
	}
}
