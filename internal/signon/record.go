package signon

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/gowebpki/jcs"
)

// Record is the published record of a statement: its final text and the
// organizations that signed it, as one JSON document in a canonical form
// (RFC 8785, the JSON Canonicalization Scheme). The same record always has
// the same bytes, so the SHA-256 fixed at publication lets anyone who
// downloads it later check that nothing was changed since.
type Record struct {
	Slug        string
	Kind        Kind
	Title       string
	Summary     string
	Body        string // Markdown, as signed
	AddressedTo string
	Occasion    string
	Language    string
	Version     int
	PublishedAt time.Time
	URL         string
	Signatories []RecordSignatory // in the record's order; see NewRecord
	// Deliveries are the times the statement reached its addressees,
	// oldest first. A record without any has exactly the bytes records
	// had before deliveries were kept, so digests fixed then still match.
	Deliveries []RecordDelivery
	// Sealed is the digest the record should have now: the one fixed at
	// publication, or at the last delivery recorded since. Not part of
	// the canonical bytes.
	Sealed string
}

// RecordDelivery is one delivery as the record shows it: how, when,
// where, to whom (never their email), and what was delivered.
type RecordDelivery struct {
	Method            DeliveryMethod
	DeliveredAt       time.Time
	Place             string
	Note              string
	StatementVersion  int
	SignatoriesSHA256 string
	Organizations     int
	Individuals       int
	Recipients        []RecordRecipient
}

// RecordRecipient is who a delivery reached, as named then.
type RecordRecipient struct {
	Name   string
	Title  string
	Office string
}

// RecordSignatory is one signature as the record shows it: only what the
// public list shows, never the email, the status or how it arrived.
type RecordSignatory struct {
	Organization  string
	SignerName    string
	SignerTitle   string
	SignerType    SignerType
	City          string
	Country       string
	Region        string
	Website       string
	VersionSigned int
	Lead          bool // one of the statement's lead signers
}

// NewRecord builds the record of st, which must be published, from its
// signatures. Only approved signatures are public, so any other is left
// out here too, whatever the caller passed. The order is fixed (country,
// region, organization key, then id) and compared byte by byte, not by a
// database's collation, so both databases give the same bytes.
func NewRecord(st *Statement, signatures []*Signature) (*Record, error) {
	if st.Status != StatusPublished || st.PublishedAt == nil {
		return nil, KeyedError(ENOTFOUND, "versions.error.record_not_published", "This statement has no published record yet.")
	}
	return &Record{
		Slug: st.Slug, Kind: st.Kind, Title: st.Title, Summary: st.Summary, Body: st.Body,
		AddressedTo: st.AddressedTo, Occasion: st.Occasion, Language: st.Language,
		Version: st.Version, PublishedAt: st.PublishedAt.UTC().Truncate(time.Second), URL: st.RecordURL,
		Signatories: RecordSignatories(signatures), Sealed: st.RecordSHA256,
	}, nil
}

// RecordSignatories is the approved signatures as a record lists them,
// in the record's order. A delivery names the same list by its digest.
func RecordSignatories(signatures []*Signature) []RecordSignatory {
	approved := make([]*Signature, 0, len(signatures))
	for _, sig := range signatures {
		if sig.Status == SignatureApproved {
			approved = append(approved, sig)
		}
	}
	slices.SortFunc(approved, func(a, b *Signature) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.OrgKey, b.OrgKey), cmp.Compare(a.ID, b.ID))
	})
	out := make([]RecordSignatory, len(approved))
	for i, sig := range approved {
		out[i] = RecordSignatory{
			Organization: sig.Organization, SignerName: sig.SignerName, SignerTitle: sig.SignerTitle,
			SignerType: sig.SignerType, City: sig.City, Country: sig.Country, Region: sig.Region,
			Website: sig.Website, VersionSigned: sig.StatementVersion, Lead: sig.Lead,
		}
	}
	return out
}

// SignatoriesDigest is the SHA-256 of the list's canonical JSON: the
// record's "signatories" member exactly, so a delivery's digest can be
// checked against the published record.
func SignatoriesDigest(list []RecordSignatory) (string, error) {
	out := make([]recordSignatoryJSON, len(list))
	for i, s := range list {
		out[i] = recordSignatoryJSON(s)
	}
	b, err := Canonicalize(out)
	if err != nil {
		return "", err
	}
	return RecordDigest(b), nil
}

// AddDeliveries puts the statement's deliveries in the record, and takes
// as sealed the digest of the last one that fixed one.
func (r *Record) AddDeliveries(list []*Delivery) {
	for _, d := range list {
		rd := RecordDelivery{
			Method: d.Method, DeliveredAt: d.DeliveredAt.UTC().Truncate(time.Second), Place: d.Place, Note: d.Note,
			StatementVersion: d.StatementVersion, SignatoriesSHA256: d.SignatoriesSHA256,
			Organizations: d.Organizations, Individuals: d.Individuals,
			Recipients: make([]RecordRecipient, len(d.Recipients)),
		}
		for i, rc := range d.Recipients {
			rd.Recipients[i] = RecordRecipient{Name: rc.Name, Title: rc.Title, Office: rc.Office}
		}
		r.Deliveries = append(r.Deliveries, rd)
		if d.RecordSHA256 != "" {
			r.Sealed = d.RecordSHA256
		}
	}
}

// recordJSON and recordSignatoryJSON name the record's members. Their
// order here does not matter: canonicalization sorts them.
type recordJSON struct {
	Slug        string                `json:"slug"`
	Kind        Kind                  `json:"kind"`
	Title       string                `json:"title"`
	Summary     string                `json:"summary"`
	Body        string                `json:"body"`
	AddressedTo string                `json:"addressed_to"`
	Occasion    string                `json:"occasion"`
	Language    string                `json:"language"`
	Version     int                   `json:"version"`
	PublishedAt string                `json:"published_at"`
	URL         string                `json:"url"`
	Signatories []recordSignatoryJSON `json:"signatories"`
	Deliveries  []recordDeliveryJSON  `json:"deliveries,omitempty"`
}

type recordDeliveryJSON struct {
	Method            DeliveryMethod        `json:"method"`
	DeliveredAt       string                `json:"delivered_at"`
	Place             string                `json:"place"`
	Note              string                `json:"note"`
	StatementVersion  int                   `json:"statement_version"`
	SignatoriesSHA256 string                `json:"signatories_sha256"`
	Organizations     int                   `json:"organizations"`
	Individuals       int                   `json:"individuals"`
	Recipients        []recordRecipientJSON `json:"recipients"`
}

type recordRecipientJSON struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Office string `json:"office"`
}

type recordSignatoryJSON struct {
	Organization  string     `json:"organization"`
	SignerName    string     `json:"signer_name"`
	SignerTitle   string     `json:"signer_title"`
	SignerType    SignerType `json:"signer_type"`
	City          string     `json:"city"`
	Country       string     `json:"country"`
	Region        string     `json:"region"`
	Website       string     `json:"website"`
	VersionSigned int        `json:"version_signed"`
	// Lead is left out when false, so a record without lead signers,
	// such as every one published before they existed, keeps its bytes
	// and its digest.
	Lead bool `json:"lead,omitempty"`
}

// Canonical returns the record as RFC 8785 canonical JSON: members sorted
// by name, no whitespace, strings escaped only where JSON requires it
// (so "<", ">" and "&" stay as they are) and every number an integer.
// These bytes are what the digest is taken of.
func (r *Record) Canonical() ([]byte, error) {
	out := recordJSON{
		Slug: r.Slug, Kind: r.Kind, Title: r.Title, Summary: r.Summary, Body: r.Body,
		AddressedTo: r.AddressedTo, Occasion: r.Occasion, Language: r.Language, Version: r.Version,
		PublishedAt: r.PublishedAt.UTC().Format(time.RFC3339), URL: r.URL,
		Signatories: make([]recordSignatoryJSON, len(r.Signatories)),
	}
	for i, s := range r.Signatories {
		out.Signatories[i] = recordSignatoryJSON(s)
	}
	for _, d := range r.Deliveries {
		dj := recordDeliveryJSON{
			Method: d.Method, DeliveredAt: d.DeliveredAt.UTC().Format(time.RFC3339), Place: d.Place, Note: d.Note,
			StatementVersion: d.StatementVersion, SignatoriesSHA256: d.SignatoriesSHA256,
			Organizations: d.Organizations, Individuals: d.Individuals,
			Recipients: make([]recordRecipientJSON, len(d.Recipients)),
		}
		for i, rc := range d.Recipients {
			dj.Recipients[i] = recordRecipientJSON(rc)
		}
		out.Deliveries = append(out.Deliveries, dj)
	}
	return Canonicalize(out)
}

// Canonicalize encodes v as JSON in RFC 8785 canonical form. It is
// encoding/json's output passed through the JCS transform, which sorts
// members by their UTF-16 code units and rewrites strings and numbers the
// one way the scheme allows.
func Canonicalize(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	out, err := jcs.Transform(b)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return out, nil
}

// RecordDigest is the SHA-256 of a record's canonical bytes, in hex: the
// form `sha256sum` prints, so a reader can compare it by eye.
func RecordDigest(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}
