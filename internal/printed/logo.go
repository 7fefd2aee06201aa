package printed

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"net/http"

	"codeberg.org/go-pdf/fpdf"
)

// MaxLogoSize is the largest logo accepted: a letterhead needs a few
// centimetres of image, and every print page and PDF carries it.
const MaxLogoSize = 1 << 20

// Logo is the coalition's logo for the letterhead, a PNG or JPEG image
// checked once at start-up so a PDF never fails on it later.
type Logo struct {
	data          []byte
	contentType   string // image/png or image/jpeg
	width, height int    // in pixels
}

// NewLogo checks that data is a PNG or JPEG image of at most MaxLogoSize
// bytes that can be put in a PDF. A PNG that the PDF library cannot embed
// as it is (interlaced, or 16 bits per channel) is re-encoded, which any
// image editor would also do.
func NewLogo(data []byte) (*Logo, error) {
	if len(data) == 0 {
		return nil, errors.New("the file is empty")
	}
	if len(data) > MaxLogoSize {
		return nil, fmt.Errorf("the file is %d bytes; a logo may be at most 1 MiB", len(data))
	}
	l := &Logo{data: data, contentType: http.DetectContentType(data)}
	var img image.Image
	var err error
	switch l.contentType {
	case "image/png":
		img, err = png.Decode(bytes.NewReader(data))
	case "image/jpeg":
		img, err = jpeg.Decode(bytes.NewReader(data))
	default:
		return nil, errors.New("the file is not a PNG or JPEG image")
	}
	if err != nil {
		return nil, fmt.Errorf("the image cannot be read: %w", err)
	}
	b := img.Bounds()
	l.width, l.height = b.Dx(), b.Dy()
	if l.width == 0 || l.height == 0 {
		return nil, errors.New("the image has no pixels")
	}
	if err := l.embeddable(); err != nil {
		if l.contentType != "image/png" {
			return nil, fmt.Errorf("the image cannot be put in a PDF: %w", err)
		}
		rgba := image.NewNRGBA(b)
		draw.Draw(rgba, b, img, b.Min, draw.Src)
		var buf bytes.Buffer
		if err := png.Encode(&buf, rgba); err != nil {
			return nil, err
		}
		l.data = buf.Bytes()
		if err := l.embeddable(); err != nil {
			return nil, fmt.Errorf("the image cannot be put in a PDF: %w", err)
		}
	}
	return l, nil
}

// embeddable tries the image in a throwaway PDF.
func (l *Logo) embeddable() error {
	pdf := fpdf.New("P", "mm", "Letter", "")
	pdf.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: l.imageType()}, bytes.NewReader(l.data))
	return pdf.Error()
}

func (l *Logo) imageType() string {
	if l.contentType == "image/png" {
		return "PNG"
	}
	return "JPG"
}

// Data is the image file.
func (l *Logo) Data() []byte { return l.data }

// ContentType is image/png or image/jpeg.
func (l *Logo) ContentType() string { return l.contentType }

// Width and Height are the image's size in pixels, which the print page
// gives the browser so the letterhead does not jump as it loads.
func (l *Logo) Width() int  { return l.width }
func (l *Logo) Height() int { return l.height }
