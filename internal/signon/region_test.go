package signon

import (
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

func TestRegionCounts(t *testing.T) {
	tests := []struct {
		country string
		want    int
	}{
		{"US", 57}, // 50 states, DC and 6 territories
		{"MX", 32},
		{"CA", 13},
		{"GT", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			if got := len(RegionsOf(tt.country)); got != tt.want {
				t.Errorf("len(RegionsOf(%q)) = %d, want %d", tt.country, got, tt.want)
			}
		})
	}
}

func TestRegionsOfSortedAndNilWithoutCatalog(t *testing.T) {
	coll := collate.New(language.English)
	for _, country := range []string{"US", "MX", "CA"} {
		t.Run(country, func(t *testing.T) {
			rs := RegionsOf(country)
			for i := 1; i < len(rs); i++ {
				if coll.CompareString(rs[i-1].NameEN, rs[i].NameEN) > 0 {
					t.Errorf("%q sorted before %q", rs[i-1].NameEN, rs[i].NameEN)
				}
			}
		})
	}
	t.Run("GT", func(t *testing.T) {
		if rs := RegionsOf("GT"); rs != nil {
			t.Errorf("RegionsOf(GT) = %v, want nil", rs)
		}
	})
	t.Run("copy", func(t *testing.T) {
		RegionsOf("US")[0].NameEN = "changed"
		if RegionsOf("US")[0].NameEN == "changed" {
			t.Error("RegionsOf returned the catalog's own slice")
		}
	})
}

func TestRegionCatalogWellFormed(t *testing.T) {
	seen := make(map[string]bool)
	for _, r := range regions {
		t.Run(r.Code, func(t *testing.T) {
			if !strings.HasPrefix(r.Code, r.Country+"-") {
				t.Errorf("code %q does not start with %q", r.Code, r.Country+"-")
			}
			if seen[r.Code] {
				t.Errorf("duplicate code %q", r.Code)
			}
			seen[r.Code] = true
			if r.NameEN == "" || r.NameES == "" {
				t.Errorf("missing name: %+v", r)
			}
			if _, ok := LookupCountry(r.Country); !ok {
				t.Errorf("country %q is not in the country list", r.Country)
			}
		})
	}
}

func TestLookupRegion(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		code   string
		nameEN string
	}{
		{"US-TX", true, "US-TX", "Texas"},
		{"us-tx", true, "US-TX", "Texas"},
		{"Mx-Cmx", true, "MX-CMX", "Mexico City"},
		{"ca-on", true, "CA-ON", "Ontario"},
		{"US-XX", false, "", ""},
		{"", false, "", ""},
		{"TX", false, "", ""},
		{"MX-DIF", false, "", ""}, // replaced by MX-CMX
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, ok := LookupRegion(tt.in)
			if ok != tt.ok {
				t.Fatalf("LookupRegion(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if r.Code != tt.code || r.NameEN != tt.nameEN {
				t.Errorf("LookupRegion(%q) = %q %q, want %q %q", tt.in, r.Code, r.NameEN, tt.code, tt.nameEN)
			}
		})
	}
}

func TestRegionRequired(t *testing.T) {
	tests := []struct {
		country string
		want    bool
	}{
		{"US", true},
		{"MX", true},
		{"CA", true},
		{"GT", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			if got := RegionRequired(tt.country); got != tt.want {
				t.Errorf("RegionRequired(%q) = %v, want %v", tt.country, got, tt.want)
			}
		})
	}
}

func TestRegionNames(t *testing.T) {
	tests := []struct {
		code, lang, want string
	}{
		{"MX-MIC", "es", "Michoacán"},
		{"MX-NLE", "es", "Nuevo León"},
		{"MX-CMX", "es", "Ciudad de México"},
		{"MX-MEX", "en", "State of Mexico"},
		{"CA-BC", "es", "Columbia Británica"},
		{"CA-BC", "en", "British Columbia"},
		{"US-NM", "es", "Nuevo México"},
		{"US-WV", "es", "Virginia Occidental"},
		{"US-VI", "es", "Islas Vírgenes de los Estados Unidos"},
		{"US-NC", "", "North Carolina"},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.lang, func(t *testing.T) {
			r, ok := LookupRegion(tt.code)
			if !ok {
				t.Fatalf("LookupRegion(%q) not found", tt.code)
			}
			if got := r.Name(tt.lang); got != tt.want {
				t.Errorf("Name(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

func TestCountries(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		t.Run(lang, func(t *testing.T) {
			cs := Countries(lang)
			if len(cs) != 249 {
				t.Fatalf("len(Countries(%q)) = %d, want 249", lang, len(cs))
			}
			for i, want := range []string{"US", "MX", "CA"} {
				if cs[i].Code != want {
					t.Errorf("Countries(%q)[%d] = %s, want %s", lang, i, cs[i].Code, want)
				}
			}
			seen := make(map[string]bool)
			coll := collate.New(language.Make(lang))
			for i, c := range cs {
				if seen[c.Code] {
					t.Errorf("duplicate country %s", c.Code)
				}
				seen[c.Code] = true
				if c.NameEN == c.Code || c.NameES == c.Code {
					t.Errorf("no display name for %s", c.Code)
				}
				if i > 3 && coll.CompareString(cs[i-1].Name(lang), c.Name(lang)) > 0 {
					t.Errorf("%q sorted before %q", cs[i-1].Name(lang), c.Name(lang))
				}
			}
		})
	}
	t.Run("accented names sort with their base letter", func(t *testing.T) {
		cs := Countries("en")
		pos := make(map[string]int)
		for i, c := range cs {
			pos[c.Code] = i
		}
		// Åland Islands belongs between Afghanistan and Albania.
		if !(pos["AF"] < pos["AX"] && pos["AX"] < pos["AL"]) {
			t.Errorf("Åland Islands at %d, want between Afghanistan (%d) and Albania (%d)", pos["AX"], pos["AF"], pos["AL"])
		}
	})
}

func TestLookupCountry(t *testing.T) {
	tests := []struct {
		in           string
		ok           bool
		code, en, es string
	}{
		{"gt", true, "GT", "Guatemala", "Guatemala"},
		{"DE", true, "DE", "Germany", "Alemania"},
		{"mx", true, "MX", "Mexico", "México"},
		{"ZZ", false, "", "", ""},
		{"", false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, ok := LookupCountry(tt.in)
			if ok != tt.ok {
				t.Fatalf("LookupCountry(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if c.Code != tt.code || c.NameEN != tt.en || c.NameES != tt.es {
				t.Errorf("LookupCountry(%q) = %+v, want %s %q %q", tt.in, c, tt.code, tt.en, tt.es)
			}
		})
	}
}

func TestParseRegion(t *testing.T) {
	for _, tt := range []struct{ country, cell, want string }{
		{"", "TX", "US-TX"},
		{"us", "tx", "US-TX"},
		{"US", " US-TX ", "US-TX"},
		{"", "us-nm", "us-nm"}, // a full code, upper-cased by validation
		{"", " new  MEXICO ", "US-NM"},
		{"", "Nuevo México", "US-NM"}, // the Spanish name
		{"US", "Nuevo Mexico", "US-NM"},
		{"MX", "Nuevo León", "MX-NLE"},
		{"mx", "nuevo-leon", "MX-NLE"},
		{"MX", "cmx", "MX-CMX"},
		{"CA", "Columbia Británica", "CA-BC"},
		{"CA", "ontario", "CA-ON"},
		{"MX", "Texas", "Texas"}, // not a state of Mexico: left for validation to refuse
		{"GT", "Escuintla", "Escuintla"},
		{"", "Narnia", "Narnia"},
		{"MX", "  ", ""},
	} {
		if got := ParseRegion(tt.country, tt.cell); got != tt.want {
			t.Errorf("ParseRegion(%q, %q) = %q, want %q", tt.country, tt.cell, got, tt.want)
		}
	}
}

func TestParseCountry(t *testing.T) {
	for _, tt := range []struct{ cell, want string }{
		{"MX", "MX"},
		{" mx ", "mx"}, // a code, upper-cased by validation
		{"Mexico", "MX"},
		{"México", "MX"},
		{"estados unidos", "US"},
		{"United States", "US"},
		{"CANADÁ", "CA"},
		{"Guatemala", "GT"},
		{"Narnia", "Narnia"},
		{"", ""},
	} {
		if got := ParseCountry(tt.cell); got != tt.want {
			t.Errorf("ParseCountry(%q) = %q, want %q", tt.cell, got, tt.want)
		}
	}
}
