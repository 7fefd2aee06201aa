package server_test

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/web"
)

func TestHome(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		now := app.Clock.Now()
		deadline := now.Add(10 * 24 * time.Hour)

		open := app.openStatement(t, "summit-letter", func(s *signon.Statement) {
			s.Title = "Letter to the North American Leaders"
			s.ClosesAt = &deadline
		})
		pubSeed(t, app, open,
			pubSignature{Org: "Casa de la Raza", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Frontera Unida", Country: "US", Region: "US-AZ"},
			pubSignature{Org: "Pending Group", Country: "US", Region: "US-CA", Status: signon.SignaturePending})
		published := pubTransition(t, app, app.openStatement(t, "final-word", func(s *signon.Statement) {
			s.Title = "Our final word"
		}), signon.ActionClose, signon.ActionPublish)
		pubTransition(t, app, app.openStatement(t, "awaiting", func(s *signon.Statement) { s.Title = "Awaiting publication" }),
			signon.ActionClose)
		pubDraft(t, app, "secret-draft", func(s *signon.Statement) { s.Title = "Secret draft" })
		pubTransition(t, app, pubDraft(t, app, "later", func(s *signon.Statement) { s.Title = "Scheduled for later" }),
			signon.ActionSchedule)
		soon := now.Add(time.Hour)
		app.openStatement(t, "past-deadline", func(s *signon.Statement) {
			s.Title = "Deadline passed unnoticed"
			s.ClosesAt = &soon
		})
		app.Clock.Set(now.Add(2 * time.Hour))

		res := app.client(t).get("/")
		pubStatus(t, res, http.StatusOK)
		text := pubText(res.Body)
		pageHas(t, res.Body,
			`<a href="/s/summit-letter">Letter to the North American Leaders</a>`,
			`<a class="button" href="/s/summit-letter#sign">Read and sign`,
			`<a href="/s/final-word">Our final word</a>`,
			`<a href="/s/awaiting">Awaiting publication</a>`,
			`<a href="/s/past-deadline">Deadline passed unnoticed</a>`,
		)
		pageHas(t, text,
			"2 signatures", // approved only
			"Sign by November 11, 2026",
			"Published "+formatDate(*published.PublishedAt),
		)
		pageLacks(t, res.Body, "Secret draft", "secret-draft", "Scheduled for later", "/s/later")

		// Open first, then published, then closed; a passed deadline is closed.
		iOpen := strings.Index(res.Body, "/s/summit-letter")
		iPublished := strings.Index(res.Body, "/s/final-word")
		iClosed := strings.Index(res.Body, "/s/awaiting")
		iPast := strings.Index(res.Body, "/s/past-deadline")
		if !(iOpen < iPublished && iPublished < iClosed && iPublished < iPast) {
			t.Errorf("order open %d, published %d, closed %d/%d", iOpen, iPublished, iClosed, iPast)
		}

		es := app.client(t)
		es.lang = "es"
		res = es.get("/")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<html lang="es">`, "Leer y firmar", "Firma antes del 11 de noviembre de 2026", "2 firmas")
	})
}

// formatDate is how the English pages write a date.
func formatDate(t time.Time) string { return t.UTC().Format("January 2, 2006") }

func TestStatementPage_NotPublic(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		pubDraft(t, app, "draft-letter", func(s *signon.Statement) { s.Title = "Draft letter title" })
		pubTransition(t, app, pubDraft(t, app, "scheduled-letter"), signon.ActionSchedule)

		anon := app.client(t)
		for _, path := range []string{"/s/draft-letter", "/s/scheduled-letter", "/s/no-such-letter", "/s/" + strings.Repeat("a", 200)} {
			t.Run(path[:min(len(path), 30)], func(t *testing.T) {
				res := anon.get(path)
				pubStatus(t, res, http.StatusNotFound)
				pageHas(t, res.Body, "This statement does not exist or is not public.")
				pageLacks(t, res.Body, "Draft letter title")
			})
		}
		res := anon.postForm("/s/draft-letter/sign", pubSignValues())
		pubStatus(t, res, http.StatusNotFound)

		coord := app.coordinator(t)
		res = coord.get("/s/draft-letter")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Draft — not public.", "Draft letter title", `<meta name="robots" content="noindex">`)
		res = coord.get("/s/scheduled-letter")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Draft — not public.", "until it opens on")
	})
}

func TestStatementPage_Content(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		deadline := time.Date(2026, 12, 15, 23, 0, 0, 0, time.UTC)
		letter := app.openStatement(t, "nals-letter", func(s *signon.Statement) {
			s.Title = "Letter to the Leaders' Summit"
			s.Summary = "Migrant-led organizations ask for dignity."
			s.AddressedTo = "The leaders of Canada, Mexico and the United States"
			s.Occasion = "North American Leaders' Summit 2026"
			s.Body = "## Our demands\n\nWe **ask** for dignity."
			s.ClosesAt = &deadline
		})
		response := app.openStatement(t, "nals-response", func(s *signon.Statement) {
			s.Kind = signon.KindResponse
			s.Title = "Response after the Summit"
			s.RespondsToID = &letter.ID
		})
		pubDraft(t, app, "draft-response", func(s *signon.Statement) {
			s.Title = "Unpublished response"
			s.RespondsToID = &letter.ID
		})

		c := app.client(t)
		res := c.get("/s/nals-letter")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body,
			`<html lang="en">`,
			`<h1>Letter to the Leaders&#39; Summit</h1>`,
			"Migrant-led organizations ask for dignity.",
			"The leaders of Canada, Mexico and the United States",
			"North American Leaders&#39; Summit 2026",
			"<h2>Our demands</h2>", "<strong>ask</strong>",
			`<a href="/s/nals-response">Response after the Summit</a>`,
			`<form method="post" action="/s/nals-letter/sign"`,
			`<meta name="description" content="Migrant-led organizations ask for dignity.">`,
			`<link rel="canonical" href="http://signon.test/s/nals-letter">`,
		)
		text := pubText(res.Body)
		pageHas(t, text, "Letter Open for signatures", "Deadline to sign December 15, 2026 23:00 UTC", "No signatures yet.")
		pageLacks(t, res.Body, "Unpublished response")

		res = c.get("/s/nals-response")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, pubText(res.Body), "Response Open for signatures", "In response to Letter to the Leaders' Summit")
		pageHas(t, res.Body, `<a href="/s/nals-letter">Letter to the Leaders&#39; Summit</a>`)

		// In Spanish the page speaks Spanish and marks the English text as such.
		c.lang = "es"
		res = c.get("/s/nals-letter")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<html lang="es">`, `<h1 lang="en">`, `<div class="prose" lang="en">`, "Carta", "Abierta a firmas",
			"Firmar esta declaración", "Correo electrónico", "Estados Unidos", "Nuevo México")
		// States are in Spanish alphabetical order.
		if i, j := strings.Index(res.Body, ">Carolina del Norte<"), strings.Index(res.Body, ">Colorado<"); i < 0 || j < 0 || i > j {
			t.Errorf("Carolina del Norte at %d, Colorado at %d", i, j)
		}
		_ = response
	})
}

func TestStatementPage_Sanitizes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "hostile", func(s *signon.Statement) {
			s.Body = "Hello <script>alert(1)</script> and [x](javascript:alert(1)) and <img src=x onerror=alert(2)>."
		})
		pubSeed(t, app, st, pubSignature{Org: `<script>alert("org")</script> Collective`, Country: "US", Region: "US-NY",
			City: `<b>Bold</b> City`, Website: "https://collective.example.org/?a=1&b=<2>"})

		res := app.client(t).get("/s/hostile")
		pubStatus(t, res, http.StatusOK)
		pageLacks(t, res.Body, "<script>alert(1)</script>", "javascript:", "onerror", `<script>alert("org")</script>`, "<b>Bold</b>")
		pageHas(t, res.Body,
			"&lt;script&gt;alert(&#34;org&#34;)&lt;/script&gt; Collective",
			"&lt;b&gt;Bold&lt;/b&gt; City",
			`rel="nofollow ugc noopener"`,
		)
	})
}

func TestStatementPage_Signatories(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "by-state")
		var sigs []pubSignature
		for i := range 102 {
			sigs = append(sigs, pubSignature{Org: fmt.Sprintf("Texas Group %03d", i), Country: "US", Region: "US-TX", City: "Austin"})
		}
		sigs = append(sigs,
			pubSignature{Org: "Casa Latina", Country: "US", Region: "US-WA", City: "Seattle", Website: "https://casalatina.example.org"},
			pubSignature{Org: "Red Fronteriza", Country: "MX", Region: "MX-CHH", City: "Ciudad Juárez"},
			pubSignature{Org: "Voces de Guatemala", Country: "GT", City: "Quetzaltenango"},
			pubSignature{Org: "Withdrawn Group", Country: "US", Region: "US-NM", Status: signon.SignatureWithdrawn},
		)
		pubSeed(t, app, st, sigs...)

		c := app.client(t)
		res := c.get("/s/by-state")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body,
			`<p class="headline">105 organizations from 3 states in 3 countries</p>`,
			`<a href="/s/by-state?region=US-TX#signatories">Texas</a>`,
			`<a href="/s/by-state?region=MX-CHH#signatories">Chihuahua</a>`,
			`<a href="/s/by-state?country=GT#signatories">Guatemala</a>`,
			"Page 1 of 2", `<a href="/s/by-state?page=2#signatories" rel="next">`,
		)
		text := pubText(res.Body)
		pageHas(t, text, "Texas 102 Washington 1 Mexico Chihuahua (1) Other countries Guatemala (1)")
		pageLacks(t, res.Body, "Withdrawn Group", "@example.org", "New Mexico (")
		// Grouped by state, each with its count: Mexico's group comes
		// before the United States' (the store orders by country code).
		pageHas(t, text, "Chihuahua (1) Red Fronteriza · Ciudad Juárez", "Texas (102) Texas Group 000 · Austin")
		if n := strings.Count(res.Body, "Texas Group"); n != 100-2 {
			t.Errorf("page 1 lists %d Texas groups, want 98", n)
		}

		res = c.get("/s/by-state?page=2")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Page 2 of 2", `<a href="/s/by-state#signatories" rel="prev">`,
			`<a href="https://casalatina.example.org" rel="nofollow ugc noopener">Casa Latina</a>`)
		pageHas(t, pubText(res.Body), "Texas (102) Texas Group 098", "Washington (1) Casa Latina")
		pageLacks(t, res.Body, "Texas Group 097", "Red Fronteriza")

		res = c.get("/s/by-state?region=US-WA")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, pubText(res.Body), "Showing signatories from Washington. Show all", "Washington (1) Casa Latina")
		pageLacks(t, res.Body, "Texas Group", "Page 1 of")

		res = c.get("/s/by-state?country=GT")
		pageHas(t, pubText(res.Body), "Guatemala (1) Voces de Guatemala · Quetzaltenango")
		pageLacks(t, res.Body, "Texas Group")

		// An unknown region shows everything rather than failing.
		res = c.get("/s/by-state?region=US-ZZ&page=x")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "Page 1 of 2")

		c.lang = "es"
		res = c.get("/s/by-state?region=MX-CHH")
		pageHas(t, res.Body, `<p class="headline">105 organizaciones de 3 estados en 3 países</p>`)
		pageHas(t, pubText(res.Body), "Se muestran los firmantes de Chihuahua.", "Texas 102 Washington 1 México Chihuahua (1)")
	})
}

func TestStatementPage_Headline(t *testing.T) {
	tests := []struct {
		name        string
		individuals bool
		sigs        []pubSignature
		lang        string
		want        string
	}{
		{"None", false, nil, "en", "No signatures yet."},
		{"One", false, []pubSignature{{Org: "A", Country: "US", Region: "US-TX"}}, "en", "1 organization from 1 state"},
		{"States", false, []pubSignature{
			{Org: "A", Country: "US", Region: "US-TX"}, {Org: "B", Country: "US", Region: "US-TX"},
			{Org: "C", Country: "US", Region: "US-AZ"}, {Org: "D", Country: "US", Region: "US-IL"},
		}, "en", "4 organizations from 3 states"},
		{"StatesSpanish", false, []pubSignature{
			{Org: "A", Country: "US", Region: "US-TX"}, {Org: "B", Country: "US", Region: "US-AZ"},
		}, "es", "2 organizaciones de 2 estados"},
		{"OneSpanish", false, []pubSignature{{Org: "A", Country: "MX", Region: "MX-OAX"}}, "es", "1 organización de 1 estado"},
		{"Provinces", false, []pubSignature{
			{Org: "A", Country: "CA", Region: "CA-ON"}, {Org: "B", Country: "CA", Region: "CA-QC"},
		}, "en", "2 organizations from 2 provinces"},
		{"StatesAndProvinces", false, []pubSignature{
			{Org: "A", Country: "CA", Region: "CA-ON"}, {Org: "B", Country: "US", Region: "US-NY"},
		}, "en", "2 organizations from 2 states and provinces in 2 countries"},
		{"CountriesOnly", false, []pubSignature{{Org: "A", Country: "GT"}, {Org: "B", Country: "HN"}}, "en", "2 organizations from 2 countries"},
		{"OneCountryNoRegion", false, []pubSignature{{Org: "A", Country: "GT"}}, "en", "1 organization has signed."},
		{"Individuals", true, []pubSignature{
			{Org: "A", Country: "US", Region: "US-TX"}, {Name: "Rosa Díaz", Individual: true, Country: "US", Region: "US-TX"},
		}, "en", "2 signatories from 1 state"},
	}
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				slug := fmt.Sprintf("headline-%d", i)
				st := app.openStatement(t, slug, func(s *signon.Statement) { s.AllowIndividuals = tt.individuals })
				pubSeed(t, app, st, tt.sigs...)
				c := app.client(t)
				c.lang = tt.lang
				res := c.get("/s/" + slug)
				pubStatus(t, res, http.StatusOK)
				pageHas(t, res.Body, `<p class="headline">`+tt.want+`</p>`)
			})
		}
	})
}

func TestStatementPage_VisibleOnPublished(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "quiet", func(s *signon.Statement) { s.Visibility = signon.VisibleOnPublished })
		pubSeed(t, app, st,
			pubSignature{Org: "Hidden Until Published", Country: "US", Region: "US-TX"},
			pubSignature{Org: "Second Hidden", Country: "US", Region: "US-AZ"})

		c := app.client(t)
		for _, phase := range []signon.Action{"", signon.ActionClose} {
			if phase != "" {
				st = pubTransition(t, app, st, phase)
			}
			res := c.get("/s/quiet")
			pubStatus(t, res, http.StatusOK)
			pageHas(t, res.Body, `<p class="headline">2 organizations have signed.</p>`,
				"The list of signatories will appear when the statement is published.")
			pageLacks(t, res.Body, "Hidden Until Published", "Second Hidden", "?region=US-TX", "?region=US-AZ")
			pageLacks(t, pubText(res.Body), "Arizona (1)", "Texas (1)")
		}

		st = pubTransition(t, app, st, signon.ActionPublish)
		res := c.get("/s/quiet")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<p class="headline">2 organizations from 2 states</p>`, "Hidden Until Published", "Second Hidden")
		pageHas(t, pubText(res.Body),
			"Final statement, published on "+formatDate(*st.PublishedAt)+" with 2 signatories.",
			"Letter Final statement") // the kind and the state
		pageLacks(t, res.Body, `action="/s/quiet/sign`, "closed for signatures")
	})
}

func TestSign(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "sign-here")
		c := app.client(t)

		res := c.get("/s/sign-here")
		pubStatus(t, res, http.StatusOK)
		// The blank form: the United States chosen, no state yet, a honeypot.
		if got := pubSelected(t, res.Body, "country"); got != "US" {
			t.Errorf("country %q selected, want US", got)
		}
		if got := pubSelected(t, res.Body, "region"); got != "" {
			t.Errorf("region %q selected, want none", got)
		}
		pageHas(t, res.Body,
			`<optgroup label="Mexico" data-country="MX">`,
			`<option value="CA-ON">Ontario</option>`,
			`<input type="text" id="fax" name="fax" value="" tabindex="-1" autocomplete="off">`,
			"Leave this empty",
			"Never shown publicly.",
			`name="email" type="email"`,
		)
		pageLacks(t, res.Body, `name="signer_type"`) // organizations only

		res = c.postForm("/s/sign-here/sign", pubSignValues("organization", "  Casa de la Raza  ", "email", "ana@casadelaraza.example.org"))
		own := ownPage(t, res)
		list := pubSignatures(t, app, st)
		if len(list) != 1 {
			t.Fatalf("%d signatures stored, want 1", len(list))
		}
		got := list[0]
		if got.Organization != "Casa de la Raza" || got.Region != "US-TX" || got.Country != "US" || got.Status != signon.SignatureApproved ||
			got.Source != signon.SourceForm || got.Language != "en" || got.Email != "ana@casadelaraza.example.org" || got.SignerTitle != "Director" {
			t.Errorf("stored %+v", got)
		}

		// The thank-you is on the signer's own page, the only place its
		// private link is given: no email is sent.
		res = c.get(own)
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body,
			`id="signed" role="status"`,
			"Thank you — Casa de la Raza is now listed among the signatories.",
			"no email is sent with it",
			"http://signon.test"+strings.TrimSuffix(own, "?signed=1"),
		)
		if res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("own page Cache-Control %q, Referrer-Policy %q", res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
		}
		if n := len(signerEmails(t, app, st)); n != 0 {
			t.Errorf("%d emails queued, want none", n)
		}
		res = c.get("/s/sign-here")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, `<p class="headline">1 organization from 1 state</p>`)
		pageHas(t, pubText(res.Body), "Texas (1) Casa de la Raza · El Paso")
		pageLacks(t, res.Body, "ana@casadelaraza.example.org")
		// Without a name, the statement page still thanks.
		res = c.get("/s/sign-here?signed=approved")
		pageHas(t, res.Body, "Thank you — your signature is now listed.")

		// In Spanish, from Mexico, the signature keeps the page's language.
		es := app.client(t)
		es.lang = "es"
		res = es.postForm("/s/sign-here/sign", pubSignValues("organization", "Red Fronteriza", "country", "mx", "region", "mx-chh",
			"email", "contacto@redfronteriza.example.org", "website", "redfronteriza.example.org"))
		res = es.get(ownPage(t, res))
		pageHas(t, res.Body, "¡Gracias! Red Fronteriza ya aparece en la lista de firmantes.", "no se envía por correo")
		res = es.get("/s/sign-here")
		pageHas(t, res.Body, `<p class="headline">2 organizaciones de 2 estados en 2 países</p>`)
		for _, s := range pubSignatures(t, app, st) {
			if s.Organization == "Red Fronteriza" && (s.Language != "es" || s.Region != "MX-CHH" || s.Website != "https://redfronteriza.example.org") {
				t.Errorf("stored %+v", s)
			}
		}
	})
}

func TestSign_Pending(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "reviewed", func(s *signon.Statement) { s.Approval = signon.ApprovalAll })
		c := app.client(t)
		res := c.postForm("/s/reviewed/sign", pubSignValues())
		pubStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/s/reviewed?signed=pending#signed" {
			t.Errorf("Location %q", loc)
		}
		res = c.get("/s/reviewed?signed=pending")
		pageHas(t, res.Body, "It will appear in the list after a coordinator reviews it.", "No signatures yet.")
		pageLacks(t, res.Body, "Casa de la Raza")
		if list := pubSignatures(t, app, st); len(list) != 1 || list[0].Status != signon.SignaturePending {
			t.Errorf("stored %v", list)
		}
	})
}

func TestSign_Individuals(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "people-too", func(s *signon.Statement) { s.AllowIndividuals = true })
		c := app.client(t)
		res := c.get("/s/people-too")
		pageHas(t, res.Body, `id="signer_type-organization" name="signer_type" value="organization" checked`,
			`id="signer_type-individual" name="signer_type" value="individual">`)

		res = c.postForm("/s/people-too/sign", pubSignValues("signer_type", "individual", "organization", "", "signer_name", "Rosa Díaz"))
		pubStatus(t, res, http.StatusSeeOther)
		list := pubSignatures(t, app, st)
		if len(list) != 1 || list[0].SignerType != signon.SignerIndividual || list[0].Organization != "" {
			t.Fatalf("stored %v", list)
		}
		res = c.get("/s/people-too")
		pageHas(t, res.Body, `<p class="headline">1 signatory from 1 state</p>`, "Rosa Díaz")

		// An individual kind of signature is refused where only groups sign.
		only := app.openStatement(t, "groups-only")
		res = c.postForm("/s/groups-only/sign", pubSignValues("signer_type", "individual"))
		pubStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, res.Body, `<a href="#signer_type-organization">I am signing: Choose one of the options.</a>`)
		pubWantCount(t, app, only, 0)
	})
}

func TestSign_Invalid(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name    string
		values  url.Values
		lang    string
		field   string
		message string
	}{
		{"MissingOrganization", pubSignValues("organization", "  "), "en", "organization", "This field is required."},
		{"MissingName", pubSignValues("signer_name", ""), "en", "signer_name", "This field is required."},
		{"MissingEmail", pubSignValues("email", ""), "en", "email", "This field is required."},
		{"InvalidEmail", pubSignValues("email", "ana at example"), "en", "email", "Enter a valid email address, like name@example.org."},
		{"EmailWithName", pubSignValues("email", "Ana <ana@example.org>"), "en", "email", "Enter a valid email address, like name@example.org."},
		{"MissingRegion", pubSignValues("region", ""), "en", "region", "Choose a state or province."},
		{"UnknownRegion", pubSignValues("region", "US-ZZ"), "en", "region", "Choose a state or province of the selected country."},
		{"RegionOfAnotherCountry", pubSignValues("region", "MX-CHH"), "en", "region", "Choose a state or province of the selected country."},
		{"UnknownCountry", pubSignValues("country", "ZZ", "region", ""), "en", "country", "Choose a country from the list."},
		{"LongOrganization", pubSignValues("organization", long(201)), "en", "organization", "Use at most 200 characters."},
		{"LongName", pubSignValues("signer_name", long(121)), "en", "signer_name", "Use at most 120 characters."},
		{"LongTitle", pubSignValues("signer_title", long(121)), "en", "signer_title", "Use at most 120 characters."},
		{"LongCity", pubSignValues("city", long(101)), "en", "city", "Use at most 100 characters."},
		{"LongEmail", pubSignValues("email", long(250)+"@example.org"), "en", "email", "Use at most 254 characters."},
		{"LongWebsite", pubSignValues("website", "https://example.org/"+long(290)), "en", "website", "Use at most 300 characters."},
		{"InvalidWebsite", pubSignValues("website", "not a website"), "en", "website", "Enter a web address, like https://example.org."},
		{"SpanishMissing", pubSignValues("organization", ""), "es", "organization", "Este campo es obligatorio."},
		{"SpanishRegion", pubSignValues("region", "MX-CHH"), "es", "region", "Elige un estado o provincia del país seleccionado."},
	}
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "careful")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := app.client(t)
				c.lang = tt.lang
				// postForm adds a token to the values; each run needs its own.
				values := url.Values{}
				for k, v := range tt.values {
					values[k] = v
				}
				res := c.postForm("/s/careful/sign", values)
				pubStatus(t, res, http.StatusUnprocessableEntity)
				if got := pubFieldError(t, res.Body, tt.field); got != tt.message {
					t.Errorf("error under %s: %q, want %q", tt.field, got, tt.message)
				}
				summary := "Please correct the fields marked below."
				if tt.lang == "es" {
					summary = "Corrige los campos señalados abajo."
				}
				pageHas(t, res.Body, `role="alert"`, summary, `<a href="#`+tt.field+`">`)
				// Everything typed is still there.
				for _, name := range []string{"organization", "signer_name", "signer_title", "email", "city", "website"} {
					if got, want := pubInputValue(t, res.Body, name), tt.values.Get(name); got != want {
						t.Errorf("input %s = %q, want %q", name, got, want)
					}
				}
				wantCountry := strings.ToUpper(tt.values.Get("country"))
				if wantCountry == "ZZ" {
					// Not one of the form's countries: "another country",
					// with what was sent in its input to be corrected.
					wantCountry = "other"
					if got := pubInputValue(t, res.Body, "country_other"); got != "ZZ" {
						t.Errorf("input country_other = %q, want ZZ", got)
					}
				}
				if got := pubSelected(t, res.Body, "country"); got != wantCountry {
					t.Errorf("country %q selected, want %q", got, wantCountry)
				}
				wantRegion := tt.values.Get("region")
				if wantRegion == "US-ZZ" {
					wantRegion = ""
				}
				if got := pubSelected(t, res.Body, "region"); got != wantRegion {
					t.Errorf("region %q selected, want %q", got, wantRegion)
				}
			})
		}
		pubWantCount(t, app, st, 0)
	})
}

func TestSign_Duplicate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "once")
		c := app.client(t)
		res := c.postForm("/s/once/sign", pubSignValues("organization", "Casa de la Raza, Inc."))
		pubStatus(t, res, http.StatusSeeOther)
		res = c.postForm("/s/once/sign", pubSignValues("organization", "casa de la raza", "signer_name", "Luis Ortega", "email", "luis@example.org"))
		pubStatus(t, res, http.StatusConflict)
		pageHas(t, res.Body, "This organization has already signed this statement. Thank you!", `role="alert"`)
		if got := pubInputValue(t, res.Body, "signer_name"); got != "Luis Ortega" {
			t.Errorf("signer_name %q", got)
		}
		pubWantCount(t, app, st, 1)
	})
}

func TestSign_Honeypot(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "bots")
		c := app.client(t)
		res := c.postForm("/s/bots/sign", pubSignValues("fax", "+1 555 0100"))
		// As a new signature counted at once: to a private link, which
		// does not work.
		pubStatus(t, c.get(ownPage(t, res)), http.StatusNotFound)
		pubWantCount(t, app, st, 0)
		// Even invalid input looks accepted.
		res = c.postForm("/s/bots/sign", url.Values{"fax": {"x"}})
		pubStatus(t, res, http.StatusSeeOther)
		pubWantCount(t, app, st, 0)
	})
}

func TestSign_RateLimit(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect, func(c *server.Config) { c.SignLimit = 3 })
		st := app.openStatement(t, "limited")
		c := app.client(t)
		for i := range 3 {
			res := c.postForm("/s/limited/sign", pubSignValues("organization", fmt.Sprintf("Group %d", i)))
			pubStatus(t, res, http.StatusSeeOther)
		}
		res := c.postForm("/s/limited/sign", pubSignValues("organization", "Group Four", "city", "Houston"))
		pubStatus(t, res, http.StatusTooManyRequests)
		pageHas(t, res.Body, "Many signatures have come from your network in the last hour.", `role="alert"`)
		if got := pubInputValue(t, res.Body, "organization"); got != "Group Four" {
			t.Errorf("organization %q", got)
		}
		if got := pubInputValue(t, res.Body, "city"); got != "Houston" {
			t.Errorf("city %q", got)
		}
		if got := pubSelected(t, res.Body, "region"); got != "US-TX" {
			t.Errorf("region %q", got)
		}
		pubWantCount(t, app, st, 3)
	})
}

// TestSign_CrossSite: the sign form carries no token (its page is shared
// by every reader), so a post is taken only when the browser says it
// comes from Signon's own pages.
func TestSign_CrossSite(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		st := app.openStatement(t, "forged")
		tests := []struct {
			name    string
			headers map[string]string
			want    int
		}{
			{"CrossSite", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": app.URL}, http.StatusForbidden},
			{"SameSite", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
			{"ForeignOrigin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
			{"NullOrigin", map[string]string{"Origin": "null"}, http.StatusForbidden},
			{"ForeignReferer", map[string]string{"Referer": "https://evil.example/s/forged"}, http.StatusForbidden},
			{"NothingSaid", map[string]string{}, http.StatusForbidden},
			{"SameOrigin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
			{"OwnOrigin", map[string]string{"Origin": app.URL}, http.StatusSeeOther},
			{"PublicAddress", map[string]string{"Origin": "http://signon.test"}, http.StatusSeeOther},
			{"OwnReferer", map[string]string{"Referer": app.URL + "/s/forged"}, http.StatusSeeOther},
		}
		accepted := 0
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				values := pubSignValues("organization", "Group "+tt.name, "email", strings.ToLower(tt.name)+"@example.org")
				req, err := http.NewRequest(http.MethodPost, app.URL+"/s/forged/sign", strings.NewReader(values.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				res := app.client(t).do(req)
				pubStatus(t, res, tt.want)
				if tt.want == http.StatusForbidden {
					pageHas(t, res.Body, "This form has expired or is not allowed.")
				} else {
					accepted++
				}
			})
		}
		pubWantCount(t, app, st, accepted)
	})
}

func TestSign_Closed(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		app := newTestApp(t, dialect)
		deadline := app.Clock.Now().Add(24 * time.Hour)
		st := app.openStatement(t, "deadline", func(s *signon.Statement) { s.ClosesAt = &deadline })
		closed := pubTransition(t, app, app.openStatement(t, "closed-early"), signon.ActionClose)
		published := pubTransition(t, app, app.openStatement(t, "done"), signon.ActionClose, signon.ActionPublish)
		c := app.client(t)

		res := c.get("/s/deadline")
		pageHas(t, res.Body, `action="/s/deadline/sign"`)

		// Past the deadline nothing has recorded the closing, yet it is closed.
		app.Clock.Set(deadline.Add(time.Minute))
		res = c.get("/s/deadline")
		pubStatus(t, res, http.StatusOK)
		pageHas(t, res.Body, "This statement closed for signatures on November 2, 2026.", "Closed for signatures")
		pageLacks(t, res.Body, `action="/s/deadline/sign`)

		for _, s := range []*signon.Statement{st, closed} {
			res = c.postForm("/s/"+s.Slug+"/sign", pubSignValues())
			pubStatus(t, res, http.StatusConflict)
			pageHas(t, res.Body, "closed for signatures", `role="alert"`)
			pubWantCount(t, app, s, 0)
		}
		res = c.postForm("/s/done/sign", pubSignValues())
		pubStatus(t, res, http.StatusConflict)
		pageHas(t, res.Body, "This statement is closed for signatures.", `role="alert"`)
		pubWantCount(t, app, published, 0)

		c.lang = "es"
		res = c.get("/s/deadline")
		pageHas(t, res.Body, "Esta declaración se cerró a firmas el 2 de noviembre de 2026.")
	})
}

// TestPublicLocales checks what the general locale tests cannot see: the
// messages whose ids the public pages build at run time, and plural
// messages having every form each language needs (Spanish has a "many"
// form, for a million, and go-i18n fails without it).
func TestPublicLocales(t *testing.T) {
	forms := map[string][]string{"en": {"one", "other"}, "es": {"one", "many", "other"}}
	for _, lang := range signon.Languages {
		b, err := fs.ReadFile(web.FS, "locales/public."+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		var msgs map[string]any
		if err := toml.Unmarshal(b, &msgs); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		var built []string
		for _, k := range signon.Kinds {
			built = append(built, "public.kind."+string(k))
		}
		for _, st := range []signon.Status{signon.StatusDraft, signon.StatusOpen, signon.StatusClosed, signon.StatusPublished} {
			built = append(built, "public.status."+string(st))
		}
		for _, id := range built {
			if _, ok := msgs[id].(string); !ok {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
		plurals := 0
		for id, v := range msgs {
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			plurals++
			for _, form := range forms[lang] {
				if text, _ := m[form].(string); !strings.Contains(text, "{{.Count}}") {
					t.Errorf("%s: %q has no %q form with the count", lang, id, form)
				}
			}
		}
		if plurals < 8 {
			t.Errorf("%s: only %d plural messages found", lang, plurals)
		}
	}
}
