package signon

import (
	"context"
	"strings"
	"time"
)

// The coordinators' blocklist: emails, email domains and organizations
// whose signatures must never be public without a coordinator's look.
// One list serves the whole installation. A blocklisted signature is
// flagged FlagBlocklisted and always waits for review; its signer is
// answered as any signature awaiting review is, so the list is never
// revealed to those on it.

// Audit actions of the blocklist. Its events name no statement: the
// list is the installation's.
const (
	EventBlockAdd    = "blocklist.add"
	EventBlockRemove = "blocklist.remove"
)

// BlockKind says what a blocklist entry matches.
type BlockKind string

const (
	BlockEmail        BlockKind = "email"        // one address, ignoring case
	BlockDomain       BlockKind = "domain"       // an email domain and the domains under it
	BlockOrganization BlockKind = "organization" // an organization, by OrganizationKey
)

// BlockKinds lists the kinds in the order the page offers them.
var BlockKinds = []BlockKind{BlockEmail, BlockDomain, BlockOrganization}

// MaxBlockValue bounds an entry's text.
const MaxBlockValue = 254

// ProblemBlockDomain: a domain entry that is no domain.
const ProblemBlockDomain = "block_domain"

// BlockEntry is one line of the blocklist.
type BlockEntry struct {
	ID        int64
	Kind      BlockKind
	Value     string // as the coordinator typed it, tidied
	MatchKey  string // what signatures are compared by (BlockProbe)
	Note      string
	CreatedBy *int64
	CreatedAt time.Time
}

// TableName is the entry's table.
func (BlockEntry) TableName() string { return "blocklist_entries" }

// MaxBlockNote bounds an entry's note.
const MaxBlockNote = 300

// BlockInput is a new blocklist entry as a coordinator types it.
type BlockInput struct {
	Kind  string
	Value string
	Note  string
}

// Validate checks in and returns the entry it describes.
func (in BlockInput) Validate() (*BlockEntry, error) {
	p := Problems{}
	kind := BlockKind(in.Kind)
	value := collapseSpace(in.Value)
	note := collapseSpace(in.Note)
	optionalText(p, "note", note, MaxBlockNote)
	var key string
	switch kind {
	case BlockEmail:
		requireText(p, "value", value, MaxEmail)
		if _, ok := p["value"]; !ok && !ValidEmail(value) {
			p.Add("value", ProblemInvalidEmail, 0)
		}
		key = strings.ToLower(value)
	case BlockDomain:
		value = strings.TrimPrefix(strings.ToLower(value), "@")
		if strings.Contains(value, "://") {
			value = WebsiteDomain(value)
		}
		value = strings.TrimSuffix(value, ".")
		requireText(p, "value", value, MaxBlockValue)
		if _, ok := p["value"]; !ok && (!strings.Contains(value, ".") || strings.ContainsAny(value, " @/:")) {
			p.Add("value", ProblemBlockDomain, 0)
		}
		key = value
	case BlockOrganization:
		requireText(p, "value", value, MaxOrganization)
		key = OrganizationKey(value)
		if _, ok := p["value"]; !ok && key == "" {
			p.Add("value", ProblemRequired, 0)
		}
	default:
		p.Add("kind", ProblemInvalidChoice, 0)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &BlockEntry{Kind: kind, Value: value, MatchKey: key, Note: note}, nil
}

// BlockProbe is what of a signature the blocklist is compared with.
type BlockProbe struct {
	Email   string   // lower case
	Domains []string // the email's domain and each domain it is under
	OrgKey  string   // "" for a person without an organization
}

// BlockProbeOf is sig's probe.
func BlockProbeOf(sig *Signature) BlockProbe {
	pr := BlockProbe{Email: strings.ToLower(strings.TrimSpace(sig.Email))}
	for d := EmailDomain(sig.Email); strings.Contains(d, "."); {
		pr.Domains = append(pr.Domains, d)
		_, d, _ = strings.Cut(d, ".")
	}
	if sig.Organization != "" {
		pr.OrgKey = OrganizationKey(sig.Organization)
	}
	return pr
}

// BlocklistService keeps the blocklist.
type BlocklistService interface {
	// Blocklist lists every entry, by kind then value.
	Blocklist(ctx context.Context) ([]*BlockEntry, error)
	// AddBlockEntry adds e, recording who did it; an entry of the same
	// kind and key is an ECONFLICT with field "value" ProblemTaken.
	AddBlockEntry(ctx context.Context, e *BlockEntry, by int64) error
	// RemoveBlockEntry removes entry id, recording who did it.
	RemoveBlockEntry(ctx context.Context, id, by int64) error
	// BlocklistEvents lists the latest limit changes of the list,
	// newest first.
	BlocklistEvents(ctx context.Context, limit int) ([]*Event, error)
	// Blocked reports whether any entry matches pr.
	Blocked(ctx context.Context, pr BlockProbe) (bool, error)
	// SignatureFlags computes sig's flags (the function SignatureFlags)
	// against the blocklist: the one way every signature, signed,
	// corrected, added by hand or imported, gets its flags.
	SignatureFlags(ctx context.Context, sig *Signature) (Flags, error)
}
