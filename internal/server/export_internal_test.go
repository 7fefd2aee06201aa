package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestInertCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Casa de la Raza", "Casa de la Raza"},
		{"Organización Año Nuevo", "Organización Año Nuevo"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example","Click")`, `'=HYPERLINK("http://evil.example","Click")`},
		{"+1 555 0100", "'+1 555 0100"},
		{"-2+3", "'-2+3"},
		{"-", "'-"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"'=already quoted", "'=already quoted"},
		{"A=1", "A=1"},
		{"Group -1", "Group -1"},
		{" =1+1", " =1+1"}, // a space first makes a spreadsheet read text
		{"２=1", "２=1"},
	}
	for _, tt := range tests {
		if got := inertCell(tt.in); got != tt.want {
			t.Errorf("inertCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExportLimit(t *testing.T) {
	limit := newWorkSlots(1, 0, errExportBusy).limit
	e := echo.New()
	call := func(h echo.HandlerFunc) (echo.Context, error) {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/s/letter/signatories.csv", nil), httptest.NewRecorder())
		return c, limit(h)(c)
	}
	entered, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		_, err := call(func(echo.Context) error {
			close(entered)
			<-release
			return nil
		})
		done <- err
	}()
	<-entered

	_, err := call(func(echo.Context) error {
		t.Error("a second export ran while the only slot was taken")
		return nil
	})
	var later retryLater
	if !errors.Is(err, errExportBusy) || !errors.As(err, &later) || later.seconds != 60 {
		t.Errorf("second export = %v; want errExportBusy, to retry in 60 s", err)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ran := false
	if _, err := call(func(echo.Context) error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("export after the slot was freed: ran %v, error %v", ran, err)
	}
}

// brokenStore serves one public letter whose signatures fail to load,
// either at once or after rows rows.
type brokenStore struct {
	Services
	rows int
}

var errBrokenStore = errors.New("the database went away")

func (b *brokenStore) StatementBySlug(ctx context.Context, slug string) (*signon.Statement, error) {
	if slug != "letter" {
		return nil, signon.Errorf(signon.ENOTFOUND, "Statement not found.")
	}
	return &signon.Statement{ID: 1, Slug: "letter", Title: "Letter", Status: signon.StatusOpen, Visibility: signon.VisibleWhileOpen}, nil
}

func (b *brokenStore) EachSignature(ctx context.Context, f signon.SignatureFilter, fn func(*signon.Signature) error) error {
	for i := range b.rows {
		sig := &signon.Signature{SignerType: signon.SignerOrganization, Organization: fmt.Sprintf("Group %d", i), SignerName: "Signer",
			Country: "US", Region: "US-TX", CreatedAt: time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC)}
		if err := fn(sig); err != nil {
			return err
		}
	}
	return errBrokenStore
}

// TestExport_Failure checks what a client gets when the database fails:
// an error page when nothing was sent yet, and a broken download, never
// a short list that looks complete, when rows were already on their way.
func TestExport_Failure(t *testing.T) {
	for _, path := range []string{"/s/letter/signatories.csv", "/s/letter/signatories.json"} {
		t.Run(strings.TrimPrefix(path, "/s/letter/"), func(t *testing.T) {
			t.Run("BeforeTheFirstRow", func(t *testing.T) {
				srv := brokenServer(t, 0)
				res, err := http.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != http.StatusInternalServerError || res.Header.Get("Content-Disposition") != "" ||
					strings.Contains(string(body), "went away") || strings.Contains(string(body), "Group") {
					t.Errorf("status %d, Content-Disposition %q, body %s; want a 500 error that is not a file and hides the cause",
						res.StatusCode, res.Header.Get("Content-Disposition"), body)
				}
			})
			t.Run("MidStream", func(t *testing.T) {
				srv := brokenServer(t, 2*exportFlushEvery)
				res, err := http.Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Fatalf("status %d, want 200: the rows had started", res.StatusCode)
				}
				body, err := io.ReadAll(res.Body)
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("reading the body: %v after %d bytes, want io.ErrUnexpectedEOF", err, len(body))
				}
				if !strings.Contains(string(body), fmt.Sprintf("Group %d", exportFlushEvery-1)) {
					t.Errorf("the first batch of rows did not arrive before the failure")
				}
			})
		})
	}
}

func brokenServer(t *testing.T, rows int) *httptest.Server {
	t.Helper()
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, &brokenStore{rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}
