// Package demo fills a Signon database with sample data: an open letter
// and a published response, each signed by about forty fictional
// organizations across the United States, Mexico and Canada. It lets a
// coalition see what Signon looks like before entering its own statements.
//
// Everything it adds says it is sample data: each organization's name
// starts with "Sample", and every title, summary and body states it.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

// The addresses of the sample statements. Seed looks them up to tell
// whether it has run before.
const (
	LetterSlug   = "sample-letter-north-american-leaders-summit"
	ResponseSlug = "sample-response-north-american-leaders-summit"
)

// Store is what seeding needs of the database; *store.DB provides it.
type Store interface {
	StatementBySlug(ctx context.Context, slug string) (*signon.Statement, error)
	CreateStatement(ctx context.Context, s *signon.Statement, by int64) error
	TransitionStatement(ctx context.Context, id int64, action signon.Action, at *time.Time, now time.Time, by int64) (*signon.Statement, error)
	CreateSignature(ctx context.Context, s *signon.Signature, tokens []*signon.SignatureToken, emails ...*signon.Email) error
	SaveTranslation(ctx context.Context, statementID int64, text *signon.StatementText, by int64) error
	CreateMember(ctx context.Context, m *signon.Member) error
}

// noAccount is the "by" of changes Signon makes on its own rather than a
// coordinator; the store records it as no account.
const noAccount int64 = 0

// Seed adds the sample statements and their signatures, with the letter
// opened a week before now and the response published five days before
// now. It is idempotent: a statement whose slug exists is left as it is,
// so running it at every start changes nothing after the first.
func Seed(ctx context.Context, db Store, now time.Time) error {
	now = now.UTC().Truncate(time.Minute)
	if err := seedRoster(ctx, db); err != nil {
		return err
	}
	letter, err := seed(ctx, db, sampleLetter(now), now)
	if err != nil {
		return err
	}
	_, err = seed(ctx, db, sampleResponse(now, letter.ID), now)
	return err
}

// sample is one statement to seed: what a coordinator would enter, the
// lifecycle steps a coordinator would take, and who signs.
type sample struct {
	input       signon.StatementInput
	translation *signon.StatementText // the Spanish text (spanish.go)
	steps       []step
	signatories []signatory
}

type step struct {
	action signon.Action
	at     time.Time
}

// seed creates the sample statement unless its slug exists, signs it and
// takes it through its steps. A statement still in draft is one an
// earlier run left half-done (signatures are added while it is a draft),
// so seed finishes it: signatures already there are skipped.
func seed(ctx context.Context, db Store, sm sample, now time.Time) (*signon.Statement, error) {
	slug := sm.input.Slug
	st, err := db.StatementBySlug(ctx, slug)
	switch {
	case err == nil && st.Status != signon.StatusDraft:
		return st, nil
	case err == nil:
	case signon.ErrorCode(err) == signon.ENOTFOUND:
		st = &signon.Statement{}
		if err := sm.input.Apply(st, now); err != nil {
			return nil, fmt.Errorf("sample statement %s: %w", slug, err)
		}
		if err := db.CreateStatement(ctx, st, noAccount); err != nil {
			return nil, fmt.Errorf("sample statement %s: %w", slug, err)
		}
	default:
		return nil, fmt.Errorf("sample statement %s: %w", slug, err)
	}

	for _, who := range sm.signatories {
		// Through Validate, so the sample passes the rules real signers
		// meet (regions, emails, lengths).
		sig, err := who.input().Validate(st)
		if err != nil {
			return nil, fmt.Errorf("sample signature %q: %w", who.org, err)
		}
		sig.Status, sig.Source = signon.SignatureApproved, signon.SourceManual
		err = db.CreateSignature(ctx, sig, nil)
		if err != nil && !errors.Is(err, signon.ErrAlreadySigned) {
			return nil, fmt.Errorf("sample signature %q: %w", who.org, err)
		}
	}

	// Before the steps: a published statement's texts are final.
	if sm.translation != nil {
		if err := db.SaveTranslation(ctx, st.ID, sm.translation, noAccount); err != nil {
			return nil, fmt.Errorf("sample statement %s: translation: %w", slug, err)
		}
	}

	for _, s := range sm.steps {
		if st, err = db.TransitionStatement(ctx, st.ID, s.action, nil, s.at, noAccount); err != nil {
			return nil, fmt.Errorf("sample statement %s: %s: %w", slug, s.action, err)
		}
	}
	return st, nil
}

func sampleLetter(now time.Time) sample {
	deadline := now.Add(30 * 24 * time.Hour)
	return sample{
		input: signon.StatementInput{
			Slug:        LetterSlug,
			Kind:        string(signon.KindLetter),
			Title:       "Sample: Letter to the North American Leaders' Summit",
			Summary:     "SAMPLE DATA. A fictional letter from the fictional Sample Migrant Justice Network, added by Signon's demo mode to show how a sign-on letter works. It is not a real letter and its signatories are not real organizations.",
			Body:        letterBody,
			AddressedTo: "The President of Mexico, the Prime Minister of Canada and the President of the United States",
			Occasion:    "North American Leaders' Summit",
			Language:    "en",
			Approval:    string(signon.ApprovalNone),
			Visibility:  string(signon.VisibleWhileOpen),
			ClosesAt:    &deadline,
		},
		translation: spanishLetter(),
		steps:       []step{{signon.ActionOpen, now.Add(-7 * 24 * time.Hour)}},
		signatories: signatories,
	}
}

func sampleResponse(now time.Time, letterID int64) sample {
	// The deadline passed before publication: publishing a statement whose
	// deadline has passed closes it as of the deadline.
	deadline := now.Add(-6 * 24 * time.Hour)
	var signed []signatory
	for i, s := range signatories {
		if i%10 != 9 { // a few groups signed only the letter
			signed = append(signed, s)
		}
	}
	return sample{
		input: signon.StatementInput{
			Slug:         ResponseSlug,
			Kind:         string(signon.KindResponse),
			Title:        "Sample: Response to the North American Leaders' Summit",
			Summary:      "SAMPLE DATA. A fictional response statement by the fictional Sample Migrant Justice Network after the summit, added by Signon's demo mode to show how a published statement and its signatories look.",
			Body:         responseBody,
			AddressedTo:  "The leaders of Mexico, Canada and the United States, and the public",
			Occasion:     "North American Leaders' Summit",
			Language:     "en",
			RespondsToID: &letterID,
			Approval:     string(signon.ApprovalNone),
			Visibility:   string(signon.VisibleWhileOpen),
			ClosesAt:     &deadline,
		},
		translation: spanishResponse(),
		steps: []step{
			{signon.ActionOpen, now.Add(-20 * 24 * time.Hour)},
			{signon.ActionPublish, now.Add(-5 * 24 * time.Hour)},
		},
		signatories: signed,
	}
}

const letterBody = `> **This is sample data.** The Sample Migrant Justice Network and every
> organization that signs this letter are fictional. Signon adds this letter
> when it starts with ` + "`--demo`" + `, to show how a sign-on letter looks and
> how organizations sign it.

To the President of Mexico, the Prime Minister of Canada and the President of
the United States:

As you meet at the North American Leaders' Summit, we write as migrant-led
organizations, worker centers, shelters and legal clinics from across our
three countries. Our members pick the crops, build the homes, care for the
children and elders, and clean the hospitals that the whole region depends
on. We ask that the people who move within and across North America be at
the center of your agenda, not at its margins.

Every year, families are separated at borders, workers on temporary visas
are tied to a single employer who can send them home for speaking up, and
people seeking protection wait for months in unsafe conditions. These are
not the results of migration; they are the results of policies that each of
your governments can change.

We ask you to:

1. **Protect the right to seek asylum** at every border, and end policies
   that return people to danger.
2. **Open regular, safe pathways** for work and family reunification, so
   that no one has to risk their life to reach a job or a loved one.
3. **Guarantee labor rights** for temporary and seasonal workers, including
   the freedom to change employers and to organize.
4. **End family detention** and invest in community-based alternatives run
   with the organizations that already support newcomers.
5. **Consult migrant-led organizations** before commitments are made, and
   report publicly on what each government does to keep them.

We are ready to work with your governments. We will also be watching what
comes out of this summit, and we will tell our communities what we see.

Sincerely,

The Sample Migrant Justice Network and the undersigned organizations
(sample data).
`

const responseBody = `> **This is sample data.** This response, the Sample Migrant Justice
> Network and every signatory are fictional. Signon adds it when it starts
> with ` + "`--demo`" + `, to show how a published response statement looks.

Before the North American Leaders' Summit, organizations from across our
three countries signed a letter asking the leaders to put migrants at the
center of their agenda. This is our response to what came out of the
meeting.

We welcome the leaders' recognition that migration is a shared regional
responsibility, and their stated commitment to expand regular pathways for
work. A commitment on paper is a beginning. Workers on temporary visas still
cannot change employers, and nothing in the joint declaration protects them
when they report abuse.

We are concerned that the summit said far more about enforcement than about
protection. The right to seek asylum was mentioned once; the conditions
people face while they wait were not mentioned at all. Family detention
continues.

We will hold each government to its word. In the coming months our members
will:

- document how the new work pathways are used, and by whom;
- ask each government for a public report before the next summit;
- keep supporting the families who cannot wait for policy to change.

Signed by the Sample Migrant Justice Network and the undersigned
organizations (sample data).
`

// signatory is a fictional organization that signs the sample statements.
// seedRoster puts two thirds of the sample signatories on the roster,
// and a few sample members who have signed nothing, so a statement's
// members page shows who has signed and who has not. A member already on
// the roster is left as it is.
func seedRoster(ctx context.Context, db Store) error {
	var roster []signatory
	for i, s := range signatories {
		if i%3 != 2 {
			roster = append(roster, s)
		}
	}
	for _, s := range append(roster, unsignedMembers...) {
		in := s.input()
		m, err := signon.MemberInput{Name: s.org, ContactName: s.name, Email: in.Email, City: s.city,
			Country: in.Country, Region: s.region, Language: s.lang}.Validate()
		if err == nil {
			err = db.CreateMember(ctx, m)
		}
		if err != nil && signon.ErrorCode(err) != signon.ECONFLICT {
			return fmt.Errorf("sample member %q: %w", s.org, err)
		}
	}
	return nil
}

// unsignedMembers are sample members who have not signed the letter yet.
var unsignedMembers = []signatory{
	{"Sample Tenant Union of San Antonio", "Irene Ejemplo", "Organizer", "San Antonio", "US-TX", "es"},
	{"Sample Mixteco Community Network", "Juan Ejemplo", "Coordinator", "Oxnard", "US-CA", "es"},
	{"Sample Refugee Welcome Committee of Atlanta", "Ruth Sample", "Chair", "Atlanta", "US-GA", "en"},
	{"Sample Asylum Seekers Legal Clinic", "Omar Sample", "Attorney", "Chicago", "US-IL", "en"},
	{"Sample Casa del Migrante de Tijuana", "Paula Ejemplo", "Directora", "Tijuana", "MX-BCN", "es"},
	{"Sample Domestic Workers Collective of Miami", "Carmen Ejemplo", "Organizer", "Miami", "US-FL", "es"},
}

type signatory struct {
	org, name, title, city, region, lang string
}

func (s signatory) input() signon.SignatureInput {
	return signon.SignatureInput{
		SignerType:   string(signon.SignerOrganization),
		Organization: s.org,
		SignerName:   s.name,
		SignerTitle:  s.title,
		// example.org is reserved for examples: no mail can reach anyone.
		Email:    "sample-signatory-" + signon.OrganizationKey(s.org) + "@example.org",
		City:     s.city,
		Country:  s.region[:2],
		Region:   s.region,
		Language: s.lang,
	}
}

// signatories are fictional: the organizations all begin with "Sample",
// and the people's surnames are Sample or Ejemplo.
var signatories = []signatory{
	{"Sample Workers' Center of Tucson", "Rosa Ejemplo", "Director", "Tucson", "US-AZ", "es"},
	{"Sample Immigrant Families Alliance of Phoenix", "Daniel Sample", "Organizer", "Phoenix", "US-AZ", "en"},
	{"Sample Farmworker Union of the Central Valley", "Lucía Ejemplo", "President", "Fresno", "US-CA", "es"},
	{"Sample Day Laborer Network of Los Angeles", "Marco Ejemplo", "Coordinator", "Los Angeles", "US-CA", "es"},
	{"Sample Bay Area Migrant Rights Coalition", "Grace Sample", "Executive Director", "Oakland", "US-CA", "en"},
	{"Sample Border Communities Project of El Paso", "Alma Ejemplo", "Co-director", "El Paso", "US-TX", "es"},
	{"Sample Houston Immigrant Youth Collective", "Kevin Sample", "Youth Organizer", "Houston", "US-TX", "en"},
	{"Sample Rio Grande Valley Promotoras", "Teresa Ejemplo", "Coordinator", "McAllen", "US-TX", "es"},
	{"Sample New Mexico Dream Team", "Andrés Ejemplo", "Organizer", "Albuquerque", "US-NM", "en"},
	{"Sample Colorado Migrant Workers Association", "Sara Sample", "Director", "Denver", "US-CO", "en"},
	{"Sample Chicago Comunidades Unidas", "Jorge Ejemplo", "Executive Director", "Chicago", "US-IL", "es"},
	{"Sample Coalición de Inmigrantes de Milwaukee", "Carmen Ejemplo", "Coordinator", "Milwaukee", "US-WI", "es"},
	{"Sample Minnesota Workers' Solidarity Center", "Abdi Sample", "Organizer", "Minneapolis", "US-MN", "en"},
	{"Sample Iowa Meatpacking Workers Alliance", "Elena Ejemplo", "Spokesperson", "Des Moines", "US-IA", "es"},
	{"Sample Nebraska Immigrant Legal Clinic", "Paul Sample", "Staff Attorney", "Omaha", "US-NE", "en"},
	{"Sample Georgia Latino Families Network", "Mónica Ejemplo", "Director", "Atlanta", "US-GA", "es"},
	{"Sample Florida Farmworker Association", "José Ejemplo", "Coordinator", "Immokalee", "US-FL", "es"},
	{"Sample Miami Haitian Women's Collective", "Nadège Sample", "Founder", "Miami", "US-FL", "en"},
	{"Sample North Carolina Poultry Workers Center", "Ricardo Ejemplo", "Organizer", "Durham", "US-NC", "es"},
	{"Sample New York Domestic Workers Circle", "Priya Sample", "Co-director", "New York", "US-NY", "en"},
	{"Sample Queens Street Vendors Project", "Fernando Ejemplo", "Organizer", "New York", "US-NY", "es"},
	{"Sample New Jersey Immigrant Justice Alliance", "Hannah Sample", "Policy Director", "Newark", "US-NJ", "en"},
	{"Sample Philadelphia Sanctuary Network", "Gloria Ejemplo", "Coordinator", "Philadelphia", "US-PA", "es"},
	{"Sample Boston Brazilian Workers Center", "Thiago Sample", "Director", "Boston", "US-MA", "en"},
	{"Sample Washington Farm Justice Project", "Rafael Ejemplo", "President", "Yakima", "US-WA", "es"},
	{"Sample Oregon Rural Organizing Collective", "Emily Sample", "Organizer", "Salem", "US-OR", "en"},
	{"Sample Nevada Hospitality Workers Circle", "Guadalupe Ejemplo", "Shop Steward", "Las Vegas", "US-NV", "es"},
	{"Sample Utah Refugee and Migrant Council", "Amina Sample", "Director", "Salt Lake City", "US-UT", "en"},
	{"Sample Tennessee Immigrant Rights Project", "Luis Ejemplo", "Coordinator", "Nashville", "US-TN", "es"},
	{"Sample Louisiana Reconstruction Workers Center", "Marisol Ejemplo", "Organizer", "New Orleans", "US-LA", "es"},
	{"Sample Maryland Central American Solidarity Committee", "Óscar Ejemplo", "Chair", "Silver Spring", "US-MD", "es"},
	{"Sample DC Migrant Legal Aid", "Rachel Sample", "Managing Attorney", "Washington", "US-DC", "en"},
	{"Sample Michigan Arab and Latino Workers Alliance", "Yusuf Sample", "Co-director", "Detroit", "US-MI", "en"},
	{"Sample Ohio Immigrant Worker Project", "Beatriz Ejemplo", "Director", "Columbus", "US-OH", "es"},
	{"Sample Casa del Migrante de Ciudad Juárez", "Inés Ejemplo", "Coordinadora", "Ciudad Juárez", "MX-CHH", "es"},
	{"Sample Red de Defensoras de Tijuana", "Patricia Ejemplo", "Coordinadora", "Tijuana", "MX-BCN", "es"},
	{"Sample Albergue Migrante de Tapachula", "Miguel Ejemplo", "Director", "Tapachula", "MX-CHP", "es"},
	{"Sample Colectivo de Retornados de la Ciudad de México", "Adriana Ejemplo", "Vocera", "Ciudad de México", "MX-CMX", "es"},
	{"Sample Migrant Workers Solidarity Network of Ontario", "Jerome Sample", "Organizer", "Leamington", "CA-ON", "en"},
	{"Sample Centre des travailleurs immigrants de Montréal", "Sophie Sample", "Coordinatrice", "Montréal", "CA-QC", "en"},
	{"Sample Temporary Foreign Workers Alliance of BC", "Maricel Sample", "Organizer", "Vancouver", "CA-BC", "en"},
	{"Sample Alberta Caregivers Association", "Joy Sample", "President", "Calgary", "CA-AB", "en"},
}
