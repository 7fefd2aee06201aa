package main

import (
	"bytes"
	"image"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfig_Logo(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var pngData, gifData bytes.Buffer
	if err := png.Encode(&pngData, image.NewGray(image.Rect(0, 0, 30, 12))); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gifData, image.NewGray(image.Rect(0, 0, 30, 12)), nil); err != nil {
		t.Fatal(err)
	}
	logo := write("logo.png", pngData.Bytes())

	cfg, err := loadConfig(env{"SIGNON_COALITION_LOGO": logo}.get)
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	if cfg.Logo == nil || cfg.Logo.Width() != 30 || cfg.Logo.ContentType() != "image/png" {
		t.Errorf("logo = %+v, want the 30-pixel-wide PNG", cfg.Logo)
	}
	if cfg, err := loadConfig(env{}.get); err != nil || cfg.Logo != nil {
		t.Errorf("without the variable: logo %v, error %v; want none and no error", cfg.Logo, err)
	}

	bad := []struct {
		name, path, want string
	}{
		{"Missing", filepath.Join(dir, "nowhere.png"), "no such file"},
		{"Folder", dir, "not a file"},
		{"GIF", write("logo.gif", gifData.Bytes()), "not a PNG or JPEG"},
		{"TooLarge", write("huge.png", append(pngData.Bytes(), make([]byte, 1<<20)...)), "at most 1 MiB"},
		{"Broken", write("broken.png", pngData.Bytes()[:40]), "cannot be read"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(env{"SIGNON_COALITION_LOGO": tt.path}.get)
			if err == nil || !strings.Contains(err.Error(), "SIGNON_COALITION_LOGO: "+tt.path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one naming SIGNON_COALITION_LOGO and %s, saying %q", err, tt.path, tt.want)
			}
		})
	}
}
