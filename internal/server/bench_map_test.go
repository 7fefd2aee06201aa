package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// BenchmarkStatementPage100k fetches the statement page of a letter with
// 100,000 approved signatories over HTTP, one request at a time: the
// whole page (text, map, table, lists and 100 signatories) as a reader
// opens it, deep in the list, filtered by a state and searched.
func BenchmarkStatementPage100k(b *testing.B) {
	const n = 100_000
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
			st := &signon.Statement{Slug: "big-letter", Kind: signon.KindLetter, Title: "A letter many signed", Body: "We ask for **dignity**.",
				Language: "en", Approval: signon.ApprovalNone, Visibility: signon.VisibleWhileOpen}
			if err := db.CreateStatement(ctx, st, 0); err != nil {
				b.Fatal(err)
			}
			if _, err := db.TransitionStatement(ctx, st.ID, signon.ActionOpen, nil, time.Now(), 0); err != nil {
				b.Fatal(err)
			}
			storetest.Exec(b, url, storetest.SignatoriesSQL(dialect, st.ID, n))
			// What the folder of a running server does within a second.
			if _, err := db.FoldSignatureCounts(ctx); err != nil {
				b.Fatal(err)
			}
			if dialect == store.Postgres {
				// As autovacuum leaves the table soon after: statistics, and
				// the visibility map that index-only scans read.
				storetest.Exec(b, url, "VACUUM ANALYZE signatures")
			}
			// Every request a render: BenchmarkStatementPageCached
			// measures the page cache.
			srv, err := server.New(server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCache: -1}, db)
			if err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(srv)
			b.Cleanup(hs.Close)

			for _, page := range []struct{ name, query, want string }{
				{"FirstPage", "", "Page 1 of 1000"},
				{"LastPage", "?page=1000", "Page 1000 of 1000"},
				{"Texas", "?region=US-TX&page=2", "Showing signatories from Texas."},
				{"SearchWord", "?q=coalicion", "signatories match “coalicion”."},
				{"SearchOne", "?q=99999", "1 signatory matches “99999”."},
			} {
				b.Run(page.name, func(b *testing.B) {
					target := hs.URL + "/s/big-letter" + page.query
					body := fetchPage(b, target)
					if !strings.Contains(body, page.want) || strings.Count(body, `class="tile shade-`) != 52 {
						b.Fatalf("%s lacks %q or the 52 squares of the map", target, page.want)
					}
					b.ReportAllocs()
					for b.Loop() {
						fetchPage(b, target)
					}
				})
			}
		})
	}
}

// fetchPage gets url, failing unless it answers 200, and returns the body.
func fetchPage(b *testing.B, url string) string {
	b.Helper()
	res, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d", url, res.StatusCode)
	}
	return string(body)
}
