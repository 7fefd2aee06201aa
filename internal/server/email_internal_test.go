package server

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/web"
)

// Every kind of email renders, in English and in Spanish, a subject, a
// plain-text part and an HTML part: every message it uses translated,
// the recipient's data escaped in HTML and left as typed in the text.
func TestComposeEmail_EveryKind(t *testing.T) {
	t.Parallel()
	emails, err := parseEmailTemplates(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := newBundle(web.FS)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{Coalition: "Red <Migrante>", BaseURL: "https://sign.example.org"}, emails: emails, bundle: bundle}

	const org = `Casa "La Raza" <b>& Co</b>`
	member := &signon.Member{Name: org, ContactName: "Ana López", Language: "es"}
	data := map[string]any{
		signon.EmailConfirm: signerEmail{Statement: "Carta a los líderes", Organization: org,
			ConfirmLink: "https://sign.example.org/confirm/TOKEN1", ManageLink: "https://sign.example.org/my/TOKEN2", Status: signon.SignatureUnconfirmed},
		signon.EmailSignatureManaged: signerEmail{Statement: "Carta a los líderes", Organization: org,
			ManageLink: "https://sign.example.org/my/TOKEN2", Status: signon.SignaturePending},
		signon.EmailInvite:   invitationEmail{Member: member, Greeting: org, Title: "Carta", Link: "https://sign.example.org/i/TOKEN3", Deadline: "1 de diciembre de 2026"},
		signon.EmailReminder: invitationEmail{Member: member, Greeting: org, Title: "Carta", Link: "https://sign.example.org/i/TOKEN3"},
		signon.EmailDelivery: deliveryEmailData{Message: "Estimados líderes: " + org, Paragraphs: []string{"Estimados líderes:", org},
			Link: "https://sign.example.org/s/carta", Attachment: "carta.pdf"},
		signon.EmailAccountInvite: inviteEmail{Link: "https://sign.example.org/invite/TOKEN4", Inviter: org, Role: signon.RoleCoordinator, Expires: "3 de diciembre"},
	}
	kinds, err := fs.Glob(web.FS, "templates/email/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != len(data) {
		t.Fatalf("%d email templates, %d kinds with test data: add the new kind here", len(kinds), len(data))
	}
	msgID := regexp.MustCompile(`\.T "([^"]+)"`)
	for _, file := range kinds {
		kind := strings.TrimSuffix(strings.TrimPrefix(file, "templates/email/"), ".txt")
		d, ok := data[kind]
		if !ok {
			t.Errorf("no test data for the email %q", kind)
			continue
		}
		var ids []string
		for _, f := range []string{file, "templates/email/" + kind + ".html"} {
			b, err := fs.ReadFile(web.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgID.FindAllStringSubmatch(string(b), -1) {
				ids = append(ids, m[1])
			}
		}
		subjects := map[string]string{}
		for _, lang := range signon.Languages {
			e, err := s.composeEmail(kind, lang, "ana@example.org", d)
			if err != nil {
				t.Errorf("%s %s: %v", kind, lang, err)
				continue
			}
			subjects[lang] = e.Subject
			if e.Subject == "" || strings.ContainsAny(e.Subject, "\r\n") || e.Language != lang || e.Kind != kind {
				t.Errorf("%s %s: subject %q, language %s, kind %s", kind, lang, e.Subject, e.Language, e.Kind)
			}
			for _, id := range ids {
				if strings.Contains(e.Subject+e.TextBody+e.HTMLBody, id) {
					t.Errorf("%s %s: message %q is not translated", kind, lang, id)
				}
			}
			if !strings.Contains(e.HTMLBody, `lang="`+lang+`"`) {
				t.Errorf("%s %s: the HTML part does not say its language", kind, lang)
			}
			if strings.Contains(e.HTMLBody, "<b>& Co</b>") || strings.Contains(e.HTMLBody, "<Migrante>") {
				t.Errorf("%s %s: the HTML part does not escape what people typed:\n%s", kind, lang, e.HTMLBody)
			}
			if strings.Contains(e.TextBody, "&lt;") || strings.Contains(e.TextBody, "&amp;") || strings.Contains(e.TextBody, "&#34;") {
				t.Errorf("%s %s: the text part has HTML entities:\n%s", kind, lang, e.TextBody)
			}
			for _, token := range []string{"TOKEN1", "TOKEN2", "TOKEN3", "TOKEN4"} {
				if strings.Contains(e.HTMLBody, token) != strings.Contains(e.TextBody, token) {
					t.Errorf("%s %s: link with %s in only one of the parts", kind, lang, token)
				}
			}
			if !strings.Contains(e.TextBody, "https://sign.example.org/") {
				t.Errorf("%s %s: no link to the site in the text:\n%s", kind, lang, e.TextBody)
			}
		}
		// A delivery's subject is the coordinator's, in the letter's
		// language, whatever the language of the template.
		if subjects["en"] == subjects["es"] && kind != signon.EmailDelivery {
			t.Errorf("%s: the same subject in both languages: %q", kind, subjects["en"])
		}
	}
}
