package server

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/web"
)

// messages reads every locales/*.LANG.toml into one set of ids per language.
func messages(t *testing.T) map[string]map[string]bool {
	t.Helper()
	files, err := fs.Glob(web.FS, "locales/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no locale files: %v", err)
	}
	out := map[string]map[string]bool{}
	for _, f := range files {
		parts := strings.Split(filepath.Base(f), ".")
		if len(parts) != 3 {
			t.Fatalf("%s: want AREA.LANG.toml", f)
		}
		lang := parts[1]
		data, err := fs.ReadFile(web.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if out[lang] == nil {
			out[lang] = map[string]bool{}
		}
		for id := range m {
			if out[lang][id] {
				t.Errorf("%s: message %q defined twice for %s", f, id, lang)
			}
			out[lang][id] = true
		}
	}
	return out
}

func TestLocales_SameMessagesInEveryLanguage(t *testing.T) {
	msgs := messages(t)
	for _, lang := range signon.Languages {
		if len(msgs[lang]) == 0 {
			t.Fatalf("no messages for %s", lang)
		}
	}
	for _, lang := range signon.Languages {
		for _, other := range signon.Languages {
			var missing []string
			for id := range msgs[lang] {
				if !msgs[other][id] {
					missing = append(missing, id)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%d messages in %s are missing in %s: %s", len(missing), lang, other, strings.Join(missing, ", "))
			}
		}
	}
}

// usedKey finds message ids named as literals in templates ({{.T "id"}},
// {{$.T "id"}}) and in Go code (T("id"), Key: "id", KeyedError(…, "id")).
var usedKey = regexp.MustCompile(`(?:\.T|\bT\(|KeyedError\([^,]+,|Key:)\s*"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

func TestLocales_EveryUsedMessageExists(t *testing.T) {
	msgs := messages(t)
	sources := map[string]string{}
	tmpls, _ := fs.Glob(web.FS, "templates/*/*.html")
	layout, _ := fs.Glob(web.FS, "templates/*.html")
	for _, f := range append(tmpls, layout...) {
		b, err := fs.ReadFile(web.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		sources[f] = string(b)
	}
	for _, dir := range []string{".", "../signon", "../store"} {
		gofiles, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range gofiles {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sources[f] = string(b)
		}
	}
	found := 0
	for f, src := range sources {
		for _, m := range usedKey.FindAllStringSubmatch(src, -1) {
			found++
			for _, lang := range signon.Languages {
				if !msgs[lang][m[1]] {
					t.Errorf("%s uses message %q, missing in %s", f, m[1], lang)
				}
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d message uses; the pattern no longer matches the code", found)
	}
}
