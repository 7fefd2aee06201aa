package printed_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/printed"
)

// testImage is a small two-colour picture, like a logo.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{13, 92, 82, 255}
			if (x/4+y/4)%2 == 0 {
				c = color.NRGBA{255, 255, 255, 0}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encode(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testPNG is a valid logo.
func testPNG(t testing.TB) []byte { return encode(t, "png", testImage(40, 20)) }

func TestNewLogo(t *testing.T) {
	pngData := testPNG(t)
	wide := image.NewNRGBA64(image.Rect(0, 0, 30, 10)) // 16 bits a channel
	tests := []struct {
		name        string
		data        []byte
		contentType string
		w, h        int
	}{
		{"PNG", pngData, "image/png", 40, 20},
		{"JPEG", encode(t, "jpeg", testImage(24, 36)), "image/jpeg", 24, 36},
		{"PNG16", encode(t, "png", wide), "image/png", 30, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logo, err := printed.NewLogo(tt.data)
			if err != nil {
				t.Fatalf("NewLogo: %v", err)
			}
			if logo.ContentType() != tt.contentType || logo.Width() != tt.w || logo.Height() != tt.h {
				t.Errorf("logo is %s %dx%d, want %s %dx%d", logo.ContentType(), logo.Width(), logo.Height(), tt.contentType, tt.w, tt.h)
			}
			// Whatever was given, what is kept goes into a PDF.
			var out bytes.Buffer
			if err := printed.WritePDF(&out, sampleStatement(logo)); err != nil {
				t.Fatalf("PDF with the logo: %v", err)
			}
		})
	}
	t.Run("KeptAsGiven", func(t *testing.T) {
		logo, _ := printed.NewLogo(pngData)
		if !bytes.Equal(logo.Data(), pngData) {
			t.Error("a PNG the PDF takes as it is was re-encoded")
		}
	})

	bad := []struct {
		name string
		data []byte
		want string
	}{
		{"Empty", nil, "empty"},
		{"GIF", encode(t, "gif", testImage(8, 8)), "not a PNG or JPEG"},
		{"Text", []byte("<svg xmlns='http://www.w3.org/2000/svg'></svg>"), "not a PNG or JPEG"},
		{"Truncated", pngData[:len(pngData)/2], "cannot be read"},
		{"TooLarge", append(append([]byte{}, pngData...), make([]byte, printed.MaxLogoSize)...), "at most 1 MiB"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			logo, err := printed.NewLogo(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewLogo = %v, %v; want an error saying %q", logo, err, tt.want)
			}
		})
	}
}
