package signon

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// recordFromJSON reads a record back from its canonical bytes.
func recordFromJSON(t *testing.T, b []byte) *Record {
	t.Helper()
	var in recordJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	published, err := time.Parse(time.RFC3339, in.PublishedAt)
	if err != nil {
		t.Fatalf("published_at %q: %v", in.PublishedAt, err)
	}
	r := &Record{
		Slug: in.Slug, Kind: in.Kind, Title: in.Title, Summary: in.Summary, Body: in.Body,
		AddressedTo: in.AddressedTo, Occasion: in.Occasion, Language: in.Language, Version: in.Version,
		PublishedAt: published, URL: in.URL, Signatories: make([]RecordSignatory, len(in.Signatories)),
	}
	for i, s := range in.Signatories {
		r.Signatories[i] = RecordSignatory(s)
	}
	return r
}

func FuzzRecordCanonical(f *testing.F) {
	f.Add("carta-abierta", "Carta abierta", "Un **texto** <b>&amp;</b>\n\n- uno", "Casa de la Raza, Inc.", "Ana \"la\" Pérez", "MX-JAL", 3, int64(1793700000), "\u2028\U0001F600\x7f")
	f.Add("", "", "", "", "", "", 0, int64(0), "")
	f.Add("s", "\xff\xfe", "\u0000\u001f", "e\u0301", "ﬁ", "US-TX", -1, int64(-62135596800), "\xed\xa0\x80")
	f.Fuzz(func(t *testing.T, slug, title, body, org, name, region string, version int, unix int64, extra string) {
		// Years outside 0000–9999 have no RFC 3339 form.
		published := time.Unix(unix%253402300799, 0).UTC()
		if published.Year() < 0 {
			published = time.Unix(0, 0).UTC()
		}
		r := &Record{
			Slug: slug, Kind: KindLetter, Title: title, Summary: extra, Body: body, AddressedTo: name,
			Occasion: extra, Language: "es", Version: version, PublishedAt: published, URL: "https://x.example/" + slug,
			Signatories: []RecordSignatory{
				{Organization: org, SignerName: name, SignerType: SignerOrganization, Country: "MX", Region: region, VersionSigned: version},
				{Organization: extra, SignerName: title, SignerType: SignerIndividual, City: body, Website: extra},
			},
		}
		first, err := r.Canonical()
		if err != nil {
			t.Fatalf("Canonical: %v", err)
		}
		again, err := recordFromJSON(t, first).Canonical()
		if err != nil {
			t.Fatalf("Canonical of the record read back: %v", err)
		}
		if !bytes.Equal(first, again) || RecordDigest(first) != RecordDigest(again) {
			t.Fatalf("canonical bytes changed on a round trip:\n%s\n%s", first, again)
		}
		// The canonical form is its own canonical form.
		if b, err := Canonicalize(json.RawMessage(first)); err != nil || !bytes.Equal(b, first) {
			t.Fatalf("canonicalizing canonical bytes: %v\n%s\n%s", err, first, b)
		}
	})
}
