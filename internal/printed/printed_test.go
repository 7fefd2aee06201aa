package printed_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/signon-coalition/signon/internal/printed"
	"github.com/signon-coalition/signon/internal/signon"
)

func org(name, country, region, city string) *signon.Signature {
	return &signon.Signature{SignerType: signon.SignerOrganization, Organization: name, SignerName: "Signer of " + name,
		Email: "private@example.org", Country: country, Region: region, City: city,
		Status: signon.SignatureApproved, Source: signon.SourceImport}
}

// shape is a section as the tests compare it: its name and each group
// as "Name:count".
type shape struct {
	Country, Name string
	Groups        []string
}

func shapes(secs []printed.Section) []shape {
	out := []shape{}
	for _, s := range secs {
		sh := shape{Country: s.Country, Name: s.Name}
		for _, g := range s.Groups {
			sh.Groups = append(sh.Groups, g.Name+":"+strconv.Itoa(g.Count()))
		}
		out = append(out, sh)
	}
	return out
}

func TestSections(t *testing.T) {
	// As the store lists them: by country code, region, then name.
	sigs := []*signon.Signature{
		org("Alianza Canadiense", "CA", "CA-ON", "Toronto"),
		org("Vecinos sin Fronteras", "DE", "", "Berlin"),
		org("Casa Guatemala", "GT", "", ""),
		org("Red Chihuahua", "MX", "MX-CHH", "Ciudad Juárez"),
		org("Colectivo Frontera", "MX", "MX-CHH", "Chihuahua"),
		org("Unión de Jalisco", "MX", "MX-JAL", "Guadalajara"),
		org("Carolina Workers", "US", "US-NC", "Durham"),
		org("Border Network", "US", "US-TX", "El Paso"),
		org("Casa de la Raza", "US", "US-TX", "El Paso"),
		org("Mano a Mano", "US", "US-NM", "Albuquerque"),
	}
	tests := []struct {
		lang string
		want []shape
	}{
		{"en", []shape{
			{"US", "United States", []string{"New Mexico:1", "North Carolina:1", "Texas:2"}},
			{"MX", "Mexico", []string{"Chihuahua:2", "Jalisco:1"}},
			{"CA", "Canada", []string{"Ontario:1"}},
			{"", "", []string{"Germany:1", "Guatemala:1"}},
		}},
		// Spanish names sort as Spanish readers expect: "Carolina del
		// Norte" before "Nuevo México", "Alemania" before "Guatemala".
		{"es", []shape{
			{"US", "Estados Unidos", []string{"Carolina del Norte:1", "Nuevo México:1", "Texas:2"}},
			{"MX", "México", []string{"Chihuahua:2", "Jalisco:1"}},
			{"CA", "Canadá", []string{"Ontario:1"}},
			{"", "", []string{"Alemania:1", "Guatemala:1"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			secs := printed.Sections(sigs, tt.lang)
			if got := shapes(secs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sections\n got %v\nwant %v", got, tt.want)
			}
			// Within a group, the order given is kept.
			texas := secs[0].Groups[2].Signatories
			want := []printed.Signatory{{Name: "Border Network", Detail: "El Paso"}, {Name: "Casa de la Raza", Detail: "El Paso"}}
			if !reflect.DeepEqual(texas, want) {
				t.Errorf("Texas = %v, want %v", texas, want)
			}
			doc := &printed.Statement{Sections: secs, Words: printed.Words{OtherCountries: "Other"}}
			if doc.Count() != len(sigs) || !doc.Sectioned() || doc.SectionName(secs[3]) != "Other" || doc.SectionName(secs[1]) != secs[1].Name {
				t.Errorf("Count %d, Sectioned %v, names %q %q", doc.Count(), doc.Sectioned(), doc.SectionName(secs[3]), doc.SectionName(secs[1]))
			}
		})
	}

	t.Run("OneCountry", func(t *testing.T) {
		secs := printed.Sections(sigs[6:], "en")
		doc := &printed.Statement{Sections: secs}
		if len(secs) != 1 || doc.Sectioned() || secs[0].Count() != 4 {
			t.Errorf("sections %v: want one, not sectioned, of 4", shapes(secs))
		}
	})
	t.Run("None", func(t *testing.T) {
		if secs := printed.Sections(nil, "en"); len(secs) != 0 {
			t.Errorf("sections of nothing = %v", shapes(secs))
		}
	})
}

func TestNewSignatory(t *testing.T) {
	tests := []struct {
		name string
		sig  signon.Signature
		want printed.Signatory
	}{
		{"Organization", signon.Signature{SignerType: signon.SignerOrganization, Organization: "Casa de la Raza", SignerName: "Ana Torres", City: "El Paso"},
			printed.Signatory{Name: "Casa de la Raza", Detail: "El Paso"}},
		{"OrganizationNoCity", signon.Signature{SignerType: signon.SignerOrganization, Organization: "Casa de la Raza", SignerName: "Ana Torres"},
			printed.Signatory{Name: "Casa de la Raza"}},
		{"IndividualWithOrganization", signon.Signature{SignerType: signon.SignerIndividual, Organization: "Universidad de Sonora", SignerName: "María Pérez", City: "Hermosillo"},
			printed.Signatory{Name: "María Pérez", Detail: "Universidad de Sonora, Hermosillo"}},
		{"IndividualAlone", signon.Signature{SignerType: signon.SignerIndividual, SignerName: "María Pérez"},
			printed.Signatory{Name: "María Pérez"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Private fields are set so a leak would show.
			sig := tt.sig
			sig.Email, sig.Status, sig.Source, sig.SignerTitle = "ana@example.org", signon.SignatureApproved, signon.SourceForm, "Director"
			if got := printed.NewSignatory(&sig); got != tt.want {
				t.Errorf("NewSignatory = %+v, want %+v", got, tt.want)
			}
		})
	}
}
