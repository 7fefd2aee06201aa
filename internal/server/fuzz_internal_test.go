package server

import (
	"bytes"
	"encoding/csv"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/html"

	"github.com/signon-coalition/signon/internal/signon"
)

// FuzzSignatureRequest feeds the API's sign endpoint bodies through the
// decoding and validation it applies before anything is stored: a body
// is refused with 400 or 413, or read into a request whose signature is
// refused field by field, or accepted within every limit.
func FuzzSignatureRequest(f *testing.F) {
	for _, s := range []string{
		`{"organization":"Casa de la Raza","signer_name":"Ana","email":"ana@example.org","country":"US","region":"US-TX","authorized":true}`,
		`{"signer_type":"individual","signer_name":"Ana","email":"Ana@Example.org","country":"MX","region":"MX-JAL","language":"es"}`,
		`{"organization":"Casa\u0000","signer_name":"Ana","email":"ana@example.org","country":"US","region":"US-NY"}`,
		`{"organization":"Casa","signer_name":"Ana","email":"ana@example.org","fax":"x"}`,
		`{"organization":"Casa","unknown":1}`,
		`{"organization":"Casa"} {}`,
		`{"organization":"Casa"}}`,
		`{"organization":"\xff\xfe","signer_name":"Ana","email":"a@b.co","country":"CA","region":"CA-QC","website":"javascript:alert(1)//x.org"}`,
		`[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	e := echo.New()
	st := &signon.Statement{ID: 1, Version: 2, Language: "en", AllowIndividuals: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/statements/s/signatures", bytes.NewReader(body))
		req.Header.Set(echo.HeaderContentType, "application/json; charset=utf-8")
		c := e.NewContext(req, httptest.NewRecorder())
		r, err := decode[signatureRequest](c, 1024)
		if err != nil {
			var he *echo.HTTPError
			if !errors.As(err, &he) || he.Code != http.StatusBadRequest && he.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("decode(%q): %v", body, err)
			}
			return
		}
		if len(body) > 1024 {
			t.Fatalf("decode accepted %d bytes over a limit of 1024", len(body))
		}
		sig, err := r.input().Validate(st)
		if err != nil {
			if signon.ErrorFields(err) == nil {
				t.Fatalf("Validate: %v is not a field problem", err)
			}
			return
		}
		for field, v := range map[string]string{"organization": sig.Organization, "signer_name": sig.SignerName,
			"signer_title": sig.SignerTitle, "email": sig.Email, "city": sig.City, "website": sig.Website} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || strings.TrimSpace(v) != v {
				t.Fatalf("%s %q accepted", field, v)
			}
		}
		if !signon.ValidEmail(sig.Email) || sig.SignerName == "" || sig.OrgKey == "" || !signon.ValidLanguage(sig.Language) {
			t.Fatalf("signature accepted: %+v", sig)
		}
		if w := strings.ToLower(sig.Website); w != "" && !strings.HasPrefix(w, "https://") && !strings.HasPrefix(w, "http://") {
			t.Fatalf("website %q accepted", sig.Website)
		}
	})
}

// unsafeURL reports whether a link's address, an attribute's value as
// the HTML parser decoded it, would run script or carry a document of its
// own, read as a browser's URL parser reads it: control
// characters and spaces around it are dropped, and tabs and line breaks
// anywhere. Another control character inside the scheme ("java\x01script:")
// makes it no scheme at all.
func unsafeURL(v string) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.ToLower(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:", "livescript:"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	return false
}

// FuzzMarkdown renders statement bodies as the statement page does and
// checks the HTML a browser would build from the result: no script, no
// element that could run or frame one, no event attribute, no style and
// no link or image to a script or data URL.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# Carta\n\nUn **texto** con [enlace](https://example.org) y <script>alert(1)</script>.",
		"[x](javascript:alert(1)) [y](JaVaScRiPt&#58;alert(1)) [z](java\tscript:alert(1))",
		"![i](data:image/svg+xml;base64,PHN2Zz4=) <img src=x onerror=alert(1)>",
		"<a href=\"vbscript:msgbox\">x</a>\n\n<iframe src=https://x.example></iframe>",
		"| a | b |\n|---|---|\n| <b onclick=x>c</b> | ~~d~~ |\n\nwww.example.org/?q=<x>",
		"[a](<javascript:alert(1)>) [b]: javascript:x\n\n[b]\n\n<style>*{}</style>",
		"`<script>` ```\n<script>\n```",
	} {
		f.Add(s)
	}
	md := newMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := md.HTML(src)
		if err != nil {
			t.Fatalf("HTML: %v", err)
		}
		if strings.Contains(strings.ToLower(string(out)), "<script") {
			t.Fatalf("script in %q", out)
		}
		doc, err := html.Parse(strings.NewReader(string(out)))
		if err != nil {
			t.Fatalf("parse %q: %v", out, err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "base", "meta", "link", "svg", "math":
					t.Fatalf("<%s> in %q", n.Data, out)
				}
				for _, a := range n.Attr {
					key := strings.ToLower(a.Key)
					switch {
					case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc", key == "formaction":
						t.Fatalf("attribute %s on <%s> in %q", a.Key, n.Data, out)
					case (key == "href" || key == "src" || key == "action" || key == "cite" || key == "poster") && unsafeURL(a.Val):
						t.Fatalf("%s=%q on <%s> in %q", a.Key, a.Val, n.Data, out)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	})
}

// FuzzImportExportCells takes a signature file through the import and
// out through the CSV export's cells: no cell a spreadsheet reads back
// starts as a formula, and each reads back as the export wrote it.
func FuzzImportExportCells(f *testing.F) {
	for _, s := range []string{
		"organization,signer_name,email,city\n=HYPERLINK(\"http://x.example\"),Ana,ana@example.org,@SUM(A1)\n",
		"organization;signer_name;email;signer_title\n+Casa;-Ana;a@b.co;\"\t=1+1\"\n",
		"organization,signer_name,email,website\n\" =cmd\",\"\r=1\",x@y.org,-x.org\n",
	} {
		f.Add([]byte(s))
	}
	st := &signon.Statement{ID: 1, Version: 1, Language: "en"}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := signon.ParseSignatureCSV(data, st)
		if err != nil {
			return
		}
		for _, row := range rows {
			if row.Value == nil {
				continue
			}
			exp := newExportSignature(row.Value, "en")
			cells := exp.record(nil)
			for i, v := range cells {
				cells[i] = inertCell(v)
			}
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			w.UseCRLF = true
			if err := w.Write(cells); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			back, err := csv.NewReader(&b).Read()
			if err != nil {
				t.Fatalf("reading back %q: %v", b.String(), err)
			}
			for i, v := range back {
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					t.Fatalf("row %d: cell %q reads as a formula", row.Number, v)
				}
				// encoding/csv reads a quoted \r\n as \n, as a spreadsheet does.
				if want := strings.ReplaceAll(cells[i], "\r\n", "\n"); v != want {
					t.Fatalf("row %d: cell %q reads back as %q", row.Number, cells[i], v)
				}
			}
		}
	})
}
