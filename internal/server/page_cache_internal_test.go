package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// TestPageCache_OneRender: a crowd arriving at once costs one render,
// and so does every reader within the cache's lifetime; the next render
// comes when it is over, or at once after a coordinator's change.
func TestPageCache_OneRender(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := &Server{cfg: Config{Now: clock}}
	s.pages = newPageCache(time.Second, s.now)

	var renders atomic.Int64
	release := make(chan struct{})
	e := echo.New()
	e.GET("/s/:slug", func(c echo.Context) error {
		n := renders.Add(1)
		<-release
		return c.String(http.StatusOK, "render "+string(rune('0'+n)))
	}, s.sharedRead(false))

	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		return rec
	}
	const crowd = 50
	bodies := make(chan string, crowd)
	var wg sync.WaitGroup
	for i := 0; i < crowd; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies <- get("/s/viral?utm_source=x").Body.String()
		}()
	}
	close(release)
	wg.Wait()
	close(bodies)
	for b := range bodies {
		if b != "render 1" {
			t.Errorf("a reader got %q", b)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Fatalf("%d readers at once made %d renders, want 1", crowd, n)
	}

	mu.Lock()
	now = now.Add(900 * time.Millisecond)
	mu.Unlock()
	if b := get("/s/viral").Body.String(); b != "render 1" || renders.Load() != 1 {
		t.Errorf("within the second: %q after %d renders", b, renders.Load())
	}
	if b := get("/s/other").Body.String(); b != "render 2" {
		t.Errorf("another page: %q", b)
	}

	mu.Lock()
	now = now.Add(200 * time.Millisecond)
	mu.Unlock()
	if b := get("/s/viral").Body.String(); b != "render 3" {
		t.Errorf("after the second: %q", b)
	}
	s.pages.clear()
	if b := get("/s/viral").Body.String(); b != "render 4" {
		t.Errorf("after a clear: %q", b)
	}
}

func TestPageKey(t *testing.T) {
	tests := []struct {
		target, lang, want string
		keep               bool
	}{
		{"/s/a", "en", "/s/a|en", true},
		{"/s/a?page=2&region=US-TX", "es", "/s/a?page=2&region=US-TX|es", true},
		{"/s/a?region=US-TX&page=2&fbclid=abc&utm_source=x", "es", "/s/a?page=2&region=US-TX|es", true},
		{"/s/a?text=es&lang=en", "en", "/s/a?lang=en&text=es|en", true},
		{"/s/a?q=casa", "en", "", false},
		{"/s/a?x=" + strings.Repeat("y", 600), "en", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "http://signon.test"+tt.target, nil)
		key, keep := pageKey(r, tt.lang)
		if key != tt.want || keep != tt.keep {
			t.Errorf("pageKey(%q) = %q, %v; want %q, %v", tt.target, key, keep, tt.want, tt.keep)
		}
	}
}
