package signon_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
)

func TestMemberInput_Validate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      signon.MemberInput
		region  string
		problem map[string]string // field → problem code
	}{
		{in: signon.MemberInput{Name: "Casa", Region: "TX"}, region: "US-TX"},
		{in: signon.MemberInput{Name: "Casa", Region: "us-tx"}, region: "US-TX"},
		{in: signon.MemberInput{Name: "Casa", Region: " new  MEXICO "}, region: "US-NM"},
		{in: signon.MemberInput{Name: "Casa", Region: "Nuevo Mexico"}, region: "US-NM"}, // the Spanish name, unaccented
		{in: signon.MemberInput{Name: "Casa", Country: "mx", Region: "Nuevo León"}, region: "MX-NLE"},
		{in: signon.MemberInput{Name: "Casa", Country: "MX", Region: "cmx"}, region: "MX-CMX"},
		{in: signon.MemberInput{Name: "Casa", Country: "CA", Region: "Columbia Británica"}, region: "CA-BC"},
		{in: signon.MemberInput{Name: "Casa", Country: "GT"}, region: ""},
		{in: signon.MemberInput{Name: "Casa", Country: "MX", Region: "TX"}, problem: map[string]string{"region": signon.ProblemUnknownRegion}},
		{in: signon.MemberInput{Name: "Casa", Region: "Narnia"}, problem: map[string]string{"region": signon.ProblemUnknownRegion}},
		{in: signon.MemberInput{Name: "Casa"}, problem: map[string]string{"region": signon.ProblemRegionRequired}},
		{in: signon.MemberInput{Name: "Casa", Region: "TX", ContactName: strings.Repeat("a", 121), Email: "x", Language: "fr"},
			problem: map[string]string{"contact_name": signon.ProblemTooLong, "email": signon.ProblemInvalidEmail, "language": signon.ProblemInvalidChoice}},
		{in: signon.MemberInput{Name: "...", Region: "TX"}, problem: map[string]string{"name": signon.ProblemRequired}},
	} {
		m, err := tc.in.Validate()
		if tc.problem == nil {
			if err != nil || m.Region != tc.region {
				t.Errorf("Validate(%+v) = %+v, %v; want region %q", tc.in, m, err, tc.region)
			}
			continue
		}
		fields := signon.ErrorFields(err)
		if len(fields) != len(tc.problem) {
			t.Errorf("Validate(%+v) problems = %v, want %v", tc.in, fields, tc.problem)
		}
		for field, code := range tc.problem {
			if fields[field].Code != code {
				t.Errorf("Validate(%+v) problem at %s = %q, want %q", tc.in, field, fields[field].Code, code)
			}
		}
	}
}

func TestParseMemberCSV(t *testing.T) {
	t.Parallel()
	data := "\uFEFFName;Contact name;State;Country\r\n" +
		"Red Fronteriza;Luis;tx;\r\n" +
		";;;\r\n" +
		"Red Migrante;Ana;Nuevo León;México\r\n" +
		"RED FRONTERIZA, Inc.;;NM;\r\n" +
		"Centro;;Narnia;US;notes\r\n" +
		"Casa;;CO;;;\r\n"
	rows, err := signon.ParseMemberCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		place := ""
		if r.Value != nil {
			place = r.Value.Country + " " + r.Value.Region
		}
		got = append(got, fmt.Sprintf("%d %q %s %v", r.Number, r.Input.Name, place, r.Problems))
	}
	want := []string{
		`2 "Red Fronteriza" US US-TX map[]`,
		`4 "Red Migrante" MX MX-NLE map[]`,
		`5 "RED FRONTERIZA, Inc."  map[name:{duplicate_row 2}]`,
		`6 "Centro"  map[region:{unknown_region 0} row:{extra_cells 4}]`,
		`7 "Casa" US US-CO map[]`, // empty cells beyond the header are no problem
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if signon.ImportValid(rows) {
		t.Error("ImportValid = true for rows with problems")
	}
	if ok, _ := signon.ParseMemberCSV([]byte("name,state\nCasa,TX\n")); !signon.ImportValid(ok) {
		t.Errorf("ImportValid = false for %v", ok[0].Problems)
	}
}

func TestMemberStanding_MayRemind(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	member := &signon.Member{Name: "Casa", Email: "a@example.org"}
	for _, tc := range []struct {
		name string
		m    signon.MemberStanding
		want bool
	}{
		{"NeverWritten", signon.MemberStanding{Member: member}, true},
		{"WrittenADayAgo", signon.MemberStanding{Member: member, LastInvited: at(24 * time.Hour)}, true},
		{"WrittenWithinADay", signon.MemberStanding{Member: member, LastInvited: at(24*time.Hour - time.Second)}, false},
		{"Signed", signon.MemberStanding{Member: member, Signature: &signon.Signature{}}, false},
		{"NoAddress", signon.MemberStanding{Member: &signon.Member{Name: "Casa"}}, false},
	} {
		if got := tc.m.MayRemind(now); got != tc.want {
			t.Errorf("%s: MayRemind = %v, want %v", tc.name, got, tc.want)
		}
	}
}
