package printed

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/signon-coalition/signon/internal/signon"
)

// FuzzMarkdown lays out statement bodies as the PDF does: whatever the
// text, the PDF is written, and the only links it carries are to web
// pages and email addresses, as on the web page.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Carta\n\nUn **texto** con [enlace](https://example.org) y <script>alert(1)</script>.\n\n1. uno\n2. dos\n   - a",
		"[x](javascript:alert(1)) [y]( JAVASCRIPT:x) <vbscript:x> ![i](data:text/html,x) <ana@example.org> www.example.org",
		"| a | b |\n|---|---|\n| *c* | ~~d~~ |\n\n> cita\n\n---\n\n```\ncode\n```",
		"&#0; &amp; \\* \x00 \u2028 \U0001F600 ‮",
		"######## \n***\n* * *\n\t\tcode",
	} {
		f.Add(s)
	}
	published := time.Date(2026, 11, 3, 18, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return // a letter, not a book: the layout's time grows with the text
		}
		source := []byte(src)
		d := &doc{}
		err := ast.Walk(markdownParser.Parse(text.NewReader(source)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			switch n.(type) {
			case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
			default:
				return ast.WalkContinue, nil
			}
			if !entering {
				return ast.WalkContinue, nil
			}
			for _, s := range d.inlines(n, source, style{}) {
				lower := strings.ToLower(s.link)
				if s.link != "" && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "mailto:") {
					t.Fatalf("link to %q from %q", s.link, src)
				}
			}
			return ast.WalkSkipChildren, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The first line also names the statement and a signatory, whose
		// names the PDF prints too.
		name, _, _ := strings.Cut(src, "\n")
		sig := &signon.Signature{SignerType: signon.SignerOrganization, Organization: name, SignerName: name,
			City: name, Country: "US", Region: "US-TX", Status: signon.SignatureApproved}
		st := &Statement{
			Statement: &signon.Statement{Slug: "s", Kind: signon.KindLetter, Language: "es", Title: "Carta " + name,
				Body: src, Status: signon.StatusPublished, PublishedAt: &published},
			Coalition: "Red", URL: "https://sign.example.org/s/s", Words: Words{Page: "{page}/{pages}"},
			Sections: Sections([]*signon.Signature{sig}, "es"),
		}
		if err := WritePDF(io.Discard, st); err != nil {
			t.Fatalf("WritePDF of %q: %v", src, err)
		}
	})
}
