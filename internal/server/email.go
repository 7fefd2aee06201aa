package server

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"

	"github.com/signon-coalition/signon/internal/signon"
)

// emailTemplates holds, for each kind of email, its subject and
// plain-text part (templates/email/KIND.txt, text/template, defining
// "subject" and "text") and its HTML part (templates/email/KIND.html,
// html/template, defining "html", inside templates/email/layout.html).
type emailTemplates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

func parseEmailTemplates(fsys fs.FS) (emailTemplates, error) {
	t := emailTemplates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	files, err := fs.Glob(fsys, "templates/email/*.txt")
	if err != nil {
		return t, err
	}
	for _, f := range files {
		kind := strings.TrimSuffix(path.Base(f), ".txt")
		txt, err := texttemplate.New(kind).ParseFS(fsys, f)
		if err != nil {
			return t, fmt.Errorf("parse %s: %w", f, err)
		}
		html, err := htmltemplate.New(kind).ParseFS(fsys, "templates/email/layout.html", "templates/email/"+kind+".html")
		if err != nil {
			return t, fmt.Errorf("parse email %s: %w", kind, err)
		}
		t.text[kind], t.html[kind] = txt, html
	}
	return t, nil
}

// emailData is what every email template gets: the translator of the
// recipient's language, the coalition, and the kind's own data as D.
// Links in D are whole addresses made by signon.Site, which knows only
// the configured address: nothing of the request that causes an email
// can change where its links lead.
type emailData struct {
	*translator
	Lang      string
	Coalition string
	D         any
}

// composeEmail renders the email of kind to address to in lang, with
// data as .D.
func (s *Server) composeEmail(kind, lang, to string, data any) (*signon.Email, error) {
	txt, ok := s.emails.text[kind]
	if !ok {
		return nil, fmt.Errorf("no email template %q", kind)
	}
	if !signon.ValidLanguage(lang) {
		lang = signon.Languages[0]
	}
	d := emailData{translator: newTranslator(s.bundle, lang), Lang: lang, Coalition: s.cfg.Coalition, D: data}
	var subject, text, html bytes.Buffer
	if err := txt.ExecuteTemplate(&subject, "subject", d); err != nil {
		return nil, fmt.Errorf("email %s subject: %w", kind, err)
	}
	if err := txt.ExecuteTemplate(&text, "text", d); err != nil {
		return nil, fmt.Errorf("email %s text: %w", kind, err)
	}
	if err := s.emails.html[kind].ExecuteTemplate(&html, "layout", d); err != nil {
		return nil, fmt.Errorf("email %s html: %w", kind, err)
	}
	return &signon.Email{
		Kind:      kind,
		ToAddress: to,
		Language:  lang,
		Subject:   strings.Join(strings.Fields(subject.String()), " "),
		TextBody:  strings.TrimSpace(text.String()) + "\n",
		HTMLBody:  html.String(),
	}, nil
}
