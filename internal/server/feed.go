package server

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/signon-coalition/signon/internal/signon"
)

// feedEntries is how many final statements the feed carries: a reader
// polling it wants what is new, and the home page lists the rest.
const feedEntries = 50

// The Atom document (RFC 4287), only the elements Signon fills in.
// xml:lang is in the XML namespace, which encoding/xml writes as "xml:".
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
	Href     string `xml:"href,attr"`
}

type atomEntry struct {
	Lang      string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Summary   string     `xml:"summary,omitempty"`
	Links     []atomLink `xml:"link"`
}

// handleFeed serves GET /feed.atom.
//
// handleFeed is the Atom feed of final statements, newest first. Entry
// ids are the statements' addresses: stable as long as SIGNON_BASE_URL
// is, and without it (development) taken from the request.
func (s *Server) handleFeed(c echo.Context) error {
	list, err := s.db.Statements(c.Request().Context(), signon.StatementFilter{
		Statuses: []signon.Status{signon.StatusPublished}, Limit: feedEntries,
	})
	if err != nil {
		return err
	}
	t := s.translator(c)
	feed := atomFeed{
		Lang:   t.lang,
		ID:     s.absoluteURL("/feed.atom"),
		Title:  t.T("share.feed.title", "Coalition", s.cfg.Coalition),
		Author: atomPerson{Name: s.cfg.Coalition, URI: s.absoluteURL("/")},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.absoluteURL("/feed.atom")},
			{Rel: "alternate", Type: "text/html", Href: s.absoluteURL("/")},
		},
	}
	var newest time.Time
	for _, st := range list {
		// A published statement is frozen, so it was last changed when
		// it was published.
		at := st.UpdatedAt
		if st.PublishedAt != nil {
			at = *st.PublishedAt
		}
		if at.After(newest) {
			newest = at
		}
		page := s.absoluteURL("/s/" + st.Slug)
		feed.Entries = append(feed.Entries, atomEntry{
			Lang: st.Language, ID: page, Title: st.Title,
			Updated: atomTime(at), Published: atomTime(at), Summary: st.Summary,
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Hreflang: st.Language, Href: page}},
		})
	}
	if newest.IsZero() {
		newest = s.now()
	}
	feed.Updated = atomTime(newest)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
