package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"
)

// A statement that goes viral is read by tens of thousands of people at
// once, each reloading. Public reads are therefore built to be shared:
// the same bytes for every anonymous visitor of one language, no cookie,
// an ETag, and a Cache-Control that lets nginx or a CDN in front hold the
// page for a second. Inside the process, one render serves every request
// that arrives while it is built (singleflight), and the result is reused
// for PageCache (about a second), so a crowd costs about one render a
// second per page and language, not one per reader.

// publicCacheControl lets a shared cache keep a page for a second, and
// serve it a little stale while it fetches the next one or while Signon
// is unreachable: a second behind is news the reader cannot tell from now.
const publicCacheControl = "public, max-age=1, stale-while-revalidate=30, stale-if-error=300"

// privateCacheControl is for what only one person should see: the page
// after signing, anything shown to someone signed in.
const privateCacheControl = "private, no-store"

// cacheableContextKey marks a request answered with shared bytes, so
// nothing on its way sets a cookie (see requestLanguage).
const cacheableContextKey = "signon.cacheable"

func isCacheable(c echo.Context) bool {
	v, _ := c.Get(cacheableContextKey).(bool)
	return v
}

// Bounds on the memory the page cache may hold. Entries live about a
// second, so these are reached only by a crowd asking for many different
// addresses at once; then new pages are served without being kept.
const (
	pageCacheEntries = 1000
	pageCacheMaxBody = 2 << 20
	pageCacheMaxKey  = 512
)

// pageKeyParams are the query parameters that change a cached public
// read: every parameter the cached handlers read must be listed, and
// only these make the key, so ?utm_source= or ?fbclid= on a shared link
// does not make every reader a new render. "q" (a search) is missing on
// purpose: a search is not cached at all.
var pageKeyParams = []string{"country", "format", "lang", "page", "per_page", "region", textParam, "url"}

// pageCache holds recent renders of public reads.
type pageCache struct {
	lifetime time.Duration // 0 turns keeping off; requests in flight are still shared
	now      func() time.Time
	group    singleflight.Group

	mu         sync.Mutex
	entries    map[string]*cachedPage
	generation uint64
}

// cachedPage is one rendered answer, kept as bytes with its ETag.
type cachedPage struct {
	status  int
	header  http.Header
	body    []byte
	etag    string
	expires time.Time
}

func newPageCache(lifetime time.Duration, now func() time.Time) *pageCache {
	return &pageCache{lifetime: lifetime, now: now, entries: map[string]*cachedPage{}}
}

// get returns the fresh entry at key, if any.
func (pc *pageCache) get(key string) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[key]
	if !ok {
		return nil
	}
	if !pc.now().Before(e.expires) {
		delete(pc.entries, key)
		return nil
	}
	return e
}

// put keeps e at key, unless the cache was cleared since the render
// began (generation) or is full of pages still fresh.
func (pc *pageCache) put(key string, generation uint64, e *cachedPage) {
	if pc.lifetime <= 0 || len(e.body) > pageCacheMaxBody {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if generation != pc.generation {
		return
	}
	now := pc.now()
	if len(pc.entries) >= pageCacheEntries {
		for k, old := range pc.entries {
			if !now.Before(old.expires) {
				delete(pc.entries, k)
			}
		}
		if len(pc.entries) >= pageCacheEntries {
			return
		}
	}
	e.expires = now.Add(pc.lifetime)
	pc.entries[key] = e
}

// clear drops every kept page: a coordinator changed something, and the
// public should see it at once, not a second later.
func (pc *pageCache) clear() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.generation++
	clear(pc.entries)
}

func (pc *pageCache) currentGeneration() uint64 {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.generation
}

// pageKey names a public read independently of the method (HEAD and GET
// share it) and of the visitor: the path, the query parameters that
// matter in a fixed order, and the language. ok is false for reads not
// worth keeping: a search, or an address too long to be a link.
func pageKey(r *http.Request, lang string) (key string, ok bool) {
	q := r.URL.Query()
	if q.Has("q") || len(r.URL.RawQuery) > pageCacheMaxKey {
		return "", false
	}
	var b strings.Builder
	b.WriteString(r.URL.Path)
	sep := byte('?')
	for _, name := range pageKeyParams {
		for _, v := range q[name] {
			b.WriteByte(sep)
			b.WriteString(url.QueryEscape(name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
			sep = '&'
		}
	}
	b.WriteString("|")
	b.WriteString(lang)
	return b.String(), true
}

// publicPage serves a public page: the shared bytes of sharedRead to an
// anonymous visitor; to someone signed in, or who has just signed, a
// private page through private (the session and the CSRF token), which
// no cache keeps.
func (s *Server) publicPage(private ...echo.MiddlewareFunc) echo.MiddlewareFunc {
	shared := s.sharedRead(true)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		personal := next
		for i := len(private) - 1; i >= 0; i-- {
			personal = private[i](personal)
		}
		anonymous := shared(next)
		return func(c echo.Context) error {
			if !personalRequest(c) {
				return anonymous(c)
			}
			c.Response().Header().Set(echo.HeaderCacheControl, privateCacheControl)
			return personal(c)
		}
	}
}

// personalRequest reports whether the answer to c is for its visitor
// alone: a session (a coordinator may preview a draft, and the page
// offers a logout form), or the thank-you after signing.
func personalRequest(c echo.Context) bool {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return true
	}
	if _, err := c.Cookie(signedCookie); err == nil {
		return true
	}
	return c.QueryParam("signed") != ""
}

// privateRead reports whether a read on a shared route is for its
// client alone, so that neither the page cache nor a cache in front may
// keep it: one that sends credentials (an API token), or asks for the
// change log (?since=), whose answer depends on them.
func privateRead(c echo.Context) bool {
	return c.Request().Header.Get(echo.HeaderAuthorization) != "" || wantsChanges(c)
}

// sharedRead answers a public read with bytes shared by every visitor:
// from the page cache when a fresh render is there, otherwise from one
// render shared by all requests waiting for it. negotiated tells whether
// the language comes from the request (?lang=, the language cookie,
// Accept-Language) rather than from the address alone.
func (s *Server) sharedRead(negotiated bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if privateRead(c) {
				c.Response().Header().Set(echo.HeaderCacheControl, privateCacheControl)
				return next(c)
			}
			c.Set(cacheableContextKey, true)
			lang := ""
			if negotiated {
				lang = s.translator(c).lang
			}
			key, keep := pageKey(c.Request(), lang)
			var page *cachedPage
			if keep {
				page = s.pages.get(key)
			}
			// Counted by route pattern, never by address, so the
			// series stay few however many statements there are.
			if page != nil {
				s.cfg.Metrics.CacheHit(c.Path())
			} else {
				s.cfg.Metrics.CacheMiss(c.Path())
			}
			if page == nil {
				var err error
				if page, err = s.renderShared(c, next, key, keep); err != nil {
					return err
				}
			}
			return s.writeShared(c, page, negotiated)
		}
	}
}

// renderShared runs the handler once for every request waiting on key,
// keeping its answer when keep.
func (s *Server) renderShared(c echo.Context, next echo.HandlerFunc, key string, keep bool) (*cachedPage, error) {
	if !keep {
		return capture(c, next)
	}
	generation := s.pages.currentGeneration()
	// The generation in the flight's name: a request after a clear must
	// not join a render begun before it.
	v, err, _ := s.pages.group.Do(key+"|"+strconv.FormatUint(generation, 10), func() (any, error) {
		if page := s.pages.get(key); page != nil {
			return page, nil // rendered while this request waited for the lock
		}
		page, err := capture(c, next)
		if err != nil {
			return nil, err
		}
		if page.status == http.StatusOK {
			s.pages.put(key, generation, page)
		}
		return page, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*cachedPage), nil
}

// writeShared sends page to this request: a 304 when the browser or the
// cache in front already has these bytes.
func (s *Server) writeShared(c echo.Context, page *cachedPage, negotiated bool) error {
	h := c.Response().Header()
	for k, v := range page.header {
		h[k] = slices.Clone(v) // shared by every request the page serves
	}
	if page.status != http.StatusOK {
		c.Response().WriteHeader(page.status)
		_, err := c.Response().Write(page.body)
		return err
	}
	if h.Get(echo.HeaderCacheControl) == "" { // the widget and the OpenAPI document say longer
		h.Set(echo.HeaderCacheControl, publicCacheControl)
	}
	if negotiated && c.QueryParam("lang") == "" {
		h.Add(echo.HeaderVary, "Accept-Language")
		if ck, err := c.Cookie(langCookie); err == nil && ck.Value != "" {
			// The language cookie chose the language, which no shared
			// cache can see: the browser may keep the page, nobody else.
			h.Set(echo.HeaderCacheControl, "private, no-cache")
		}
	}
	h.Set("ETag", page.etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), page.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	c.Response().WriteHeader(page.status)
	_, err := c.Response().Write(page.body)
	return err
}

// capture runs the handler with its answer written to memory rather than
// to the client, so the bytes can be shared and their ETag computed. A
// handler's error is returned for the error handler, which then writes
// to the client as usual.
func capture(c echo.Context, next echo.HandlerFunc) (*cachedPage, error) {
	res := c.Response()
	original := res.Writer
	rec := &pageRecorder{header: http.Header{}}
	res.Writer = rec
	err := next(c)
	res.Writer, res.Committed, res.Size, res.Status = original, false, 0, http.StatusOK
	if err != nil {
		return nil, err
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	rec.header.Del("Set-Cookie") // a shared answer never carries one
	sum := sha256.Sum256(rec.body.Bytes())
	return &cachedPage{
		status: rec.status,
		header: rec.header,
		body:   rec.body.Bytes(),
		etag:   `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
	}, nil
}

// pageRecorder is the http.ResponseWriter capture hands the handler.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *pageRecorder) Header() http.Header { return r.header }

func (r *pageRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *pageRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// etagMatches reports whether an If-None-Match header names etag, as a
// strong or weak tag (a cache in front may have weakened it by
// compressing) or as "*".
func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}
