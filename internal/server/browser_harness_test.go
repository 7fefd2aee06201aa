package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/testenv"
)

// chromiumPath finds the system Chromium: SIGNON_CHROMIUM, then Debian's
// /usr/bin/chromium, then the PATH.
func chromiumPath() (string, bool) {
	for _, p := range []string{os.Getenv("SIGNON_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// newBrowser starts a headless Chromium for one test and returns a tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, ok := chromiumPath()
	if !ok {
		testenv.Unavailable(t, testenv.Browser, "no Chromium found (install Debian's chromium package or set SIGNON_CHROMIUM)")
	}
	// Not t.TempDir: Chromium may still be writing its profile for a moment
	// after it is told to stop, which would fail the test at cleanup.
	profile, err := os.MkdirTemp("", "signon-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		// The machine has no network beyond loopback: keep Chromium from
		// trying to reach its update and sync services.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// run runs browser actions and fails the test on the first error, naming
// the step.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(stepCtx, actions...); err != nil {
		screenshot(t, ctx, "failed-"+step)
		t.Fatalf("%s: %v", step, err)
	}
}

// screenshotDir is where screenshots go: SIGNON_SCREENSHOTS, or a folder in
// the system's temporary directory that outlives the test run.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SIGNON_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "signon-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	return dir
}

// screenshot saves the whole page as a PNG and logs where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var png []byte
	if err := chromedp.Run(ctx, chromedp.WaitReady("body", chromedp.ByQuery), chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name() + "-" + name + ".png")
	path := filepath.Join(screenshotDir(t), file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}
	t.Logf("screenshot: %s", path)
}
