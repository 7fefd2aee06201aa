package server_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/signon-coalition/signon/internal/store"
)

// TestBrowser_DownloadSignatories follows the link on a statement page
// in Chromium, as a reporter would, and reads the file it saves.
func TestBrowser_DownloadSignatories(t *testing.T) {
	app := newTestApp(t, store.SQLite)
	_, sigs := exportLetter(t, app, "browser-list")
	ctx := newBrowser(t)
	dir := t.TempDir()

	saved := make(chan string, 1)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case saved <- e.GUID:
			default:
			}
		}
	})
	csvLink := `#signatories a[href="/s/browser-list/signatories.csv"]`
	run(t, ctx, "open the statement",
		chromedp.Navigate(app.URL+"/s/browser-list"),
		chromedp.WaitVisible(csvLink, chromedp.ByQuery),
		chromedp.ScrollIntoView(csvLink, chromedp.ByQuery),
	)
	screenshot(t, ctx, "download-links")
	run(t, ctx, "download the CSV",
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dir).WithEventsEnabled(true),
		chromedp.Click(csvLink, chromedp.ByQuery),
	)
	var guid string
	select {
	case guid = <-saved:
	case <-ctx.Done():
		t.Fatalf("the download never completed: %v", ctx.Err())
	}
	// allowAndName saves the file under the download's id.
	data, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{publicHeader}, publicRows(sigs, "en", true)...)
	if got := parseCSV(t, string(data)); !reflect.DeepEqual(got, want) {
		t.Errorf("downloaded rows =\n%q\nwant\n%q", got, want)
	}
}
