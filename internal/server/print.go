package server

// The final statement on paper: a print-ready page and a PDF of the same
// document, made from one printed.Statement so the two never disagree.
// Both exist once a statement has closed for signatures: before that,
// the list is still changing and a copy would be out of date by the time
// it was read.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"html/template"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
)

// printBatch is how many signatories are read at a time to print the
// whole list; the store allows no more in one page.
const printBatch = 500

var errNotPrintable = signon.KeyedError(signon.ENOTFOUND, "print.error.not_final",
	"A printable copy of this statement is available once it has closed for signatures.")

// printPage is the print-ready page.
type printPage struct {
	*page
	Doc        *printed.Statement
	BodyHTML   template.HTML
	RespondsTo *signon.Statement
	PDFURL     string
}

// handlePrint serves GET /s/:slug/print.
func (s *Server) handlePrint(c echo.Context) error {
	doc, parent, err := s.printedStatement(c)
	if err != nil {
		return err
	}
	body, err := s.md.HTML(doc.Body)
	if err != nil {
		return err
	}
	p := s.newPage(c, doc.Title)
	p.MetaDesc = doc.Summary
	// The statement's own page is the one to find and share.
	p.Canonical = s.canonicalURL("/s/" + doc.Slug)
	p.NoIndex = true
	pdf := "/s/" + doc.Slug + "/statement.pdf?lang=" + p.Lang()
	if q := textQuery(c); q != "" {
		pdf += "&" + q
	}
	return s.render(c, http.StatusOK, "statement_print", printPage{
		page: p, Doc: doc, BodyHTML: body, RespondsTo: parent, PDFURL: pdf,
	})
}

// handleStatementPDF serves GET /s/:slug/statement.pdf.
func (s *Server) handleStatementPDF(c echo.Context) error {
	doc, _, err := s.printedStatement(c)
	if err != nil {
		return err
	}
	file, err := s.pdfs.get(c, doc)
	if err != nil {
		return err
	}
	// The slug is letters, digits and hyphens: safe in the header as it is.
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+doc.Slug+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", file)
}

// pdfCacheSize is how many PDFs are kept: a few statements in the news,
// in each language.
const pdfCacheSize = 16

// pdfCache keeps the PDFs last made, by what they show. Typesetting a
// long list costs several times more than reading it from the database,
// and a statement in the news is downloaded by many people at once;
// since the key is the whole content, a new signature or a corrected
// name makes a new file, never a stale one.
type pdfCache struct {
	renders *workSlots // limits.go: typesetting is CPU work

	mu    sync.Mutex
	files map[[sha256.Size]byte][]byte
	order [][sha256.Size]byte // oldest first
}

func (pc *pdfCache) get(c echo.Context, doc *printed.Statement) ([]byte, error) {
	content, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(content)
	pc.mu.Lock()
	file, ok := pc.files[key]
	pc.mu.Unlock()
	if ok {
		return file, nil
	}
	release, err := pc.renders.take(c)
	if err != nil {
		return nil, err
	}
	// Into a buffer first, so a failure is an error page rather than half
	// a file.
	var buf bytes.Buffer
	err = printed.WritePDF(&buf, doc)
	release()
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.files == nil {
		pc.files = map[[sha256.Size]byte][]byte{}
	}
	if _, ok := pc.files[key]; !ok {
		if len(pc.order) == pdfCacheSize {
			delete(pc.files, pc.order[0])
			pc.order = pc.order[1:]
		}
		pc.files[key] = buf.Bytes()
		pc.order = append(pc.order, key)
	}
	return buf.Bytes(), nil
}

// handleLogo serves GET /static/logo.
//
// handleLogo serves the coalition's logo for the letterhead.
func (s *Server) handleLogo(c echo.Context) error {
	logo := s.cfg.Logo
	if logo == nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, logo.ContentType(), logo.Data())
}

// printedStatement gathers the statement at :slug for printing, in the
// reader's language: its text in that language where it has one (or the
// one ?text= picks), the words around it, and every approved signatory
// by place. parent is the public statement it responds to, if any.
func (s *Server) printedStatement(c echo.Context) (doc *printed.Statement, parent *signon.Statement, err error) {
	ctx := c.Request().Context()
	st, err := s.publicStatement(ctx, c.Param("slug"), false)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	effective := st.EffectiveStatus(now)
	if effective != signon.StatusPublished && effective != signon.StatusClosed {
		return nil, nil, errNotPrintable
	}
	t := s.translator(c)

	translations, err := s.db.Translations(ctx, st.ID)
	if err != nil {
		return nil, nil, err
	}
	want := t.lang
	if chosen := chosenText(c); chosen != "" {
		want = chosen
	}
	shown := st.WithText(st.TextIn(want, translations))

	doc = &printed.Statement{
		Statement: shown,
		Coalition: s.cfg.Coalition,
		Logo:      s.cfg.Logo,
		// Absolute, for paper; never the request's Host, which would
		// also make every forged Host a new file in the PDF cache.
		URL: s.absoluteURL("/s/" + st.Slug),
		Words: printed.Words{
			Kind:           kindName(t, st.Kind),
			AddressedTo:    t.T("print.addressed_to"),
			Occasion:       t.T("print.occasion"),
			RespondsTo:     t.T("print.responds_to"),
			Signatories:    t.T("print.signatories"),
			Lead:           t.T("lead.print.title"),
			OtherCountries: t.T("print.other_countries"),
			Continued:      t.T("print.continued"),
			Page:           t.T("print.page", "Page", "{page}", "Pages", "{pages}"),
		},
	}
	if effective == signon.StatusPublished {
		if st.PublishedAt != nil {
			doc.Words.Dated = t.T("print.published_on", "Date", formatDate(st.PublishedAt.In(s.cfg.Location), t.lang))
		}
	} else {
		closed := st.ClosedAt
		if closed == nil {
			closed = st.ClosesAt // closed by its deadline, before any job noticed
		}
		if closed != nil {
			doc.Words.Dated = t.T("print.closed_on", "Date", formatDate(closed.In(s.cfg.Location), t.lang))
		}
		doc.Words.Note = t.T("print.not_published")
	}

	if err := s.addDeliveryWords(ctx, t, doc); err != nil {
		return nil, nil, err
	}
	if st.RespondsToID != nil {
		p, err := s.db.StatementByID(ctx, *st.RespondsToID)
		switch {
		case signon.ErrorCode(err) == signon.ENOTFOUND:
		case err != nil:
			return nil, nil, err
		case p.Public(now):
			parent = p
			doc.RespondsTo = p.Title
		}
	}

	stats, err := s.db.SignatureStats(ctx, st.ID)
	if err != nil {
		return nil, nil, err
	}
	public := st.SignatoriesPublic(now)
	doc.Words.Headline = headline(t, st, stats, public)
	switch {
	case !public:
		doc.Words.NoSignatories = t.T("print.signatories_hidden")
	case stats.Total == 0:
		doc.Words.NoSignatories = t.T("print.no_signatories")
	default:
		sigs, err := s.allSignatories(ctx, st.ID)
		if err != nil {
			return nil, nil, err
		}
		doc.Sections = printed.Sections(sigs, t.lang)
		for _, sig := range sigs {
			if sig.Lead {
				doc.Lead = append(doc.Lead, printed.NewSignatory(sig))
			}
		}
	}
	return doc, parent, nil
}

// allSignatories reads every approved signature of a statement, ordered
// by country, region and name.
func (s *Server) allSignatories(ctx context.Context, id int64) ([]*signon.Signature, error) {
	var all []*signon.Signature
	for page := 1; ; page++ {
		list, total, err := s.db.Signatures(ctx, signon.SignatureFilter{
			StatementID: id, ByRegion: true, Page: page, PerPage: printBatch,
		})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if len(list) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// kindName is the kind of statement as a heading names it.
func kindName(t *translator, k signon.Kind) string {
	switch k {
	case signon.KindLetter:
		return t.T("print.kind.letter")
	case signon.KindResponse:
		return t.T("print.kind.response")
	}
	return t.T("print.kind.statement")
}
