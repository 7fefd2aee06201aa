package signon

import "time"

// StatementVersion is the text of a statement as it stood at one version:
// what the organizations that signed that version put their names to.
// Version 1 is written when the statement is created, each later one when
// the text changes after someone has signed the one before (see Revise).
type StatementVersion struct {
	StatementID int64
	Version     int
	Title       string
	Summary     string
	Body        string // Markdown
	AddressedTo string
	Occasion    string
	CreatedAt   time.Time
	CreatedBy   *int64 // nil when Signon itself wrote it, or the account is gone
}

// CurrentVersion is the statement's text as the version it now stands at.
func (s *Statement) CurrentVersion() *StatementVersion {
	return &StatementVersion{
		StatementID: s.ID, Version: s.Version,
		Title: s.Title, Summary: s.Summary, Body: s.Body, AddressedTo: s.AddressedTo, Occasion: s.Occasion,
	}
}

// SameText reports whether s says what v says. The language, the policy
// and the deadline are not part of the text anyone signs.
func (v *StatementVersion) SameText(s *Statement) bool {
	return v.Title == s.Title && v.Summary == s.Summary && v.Body == s.Body &&
		v.AddressedTo == s.AddressedTo && v.Occasion == s.Occasion
}

// Revision is what saving an edited statement does to its versions.
type Revision int

const (
	// RevisionNone: the text is unchanged; only the policy or the
	// deadline changed, if anything.
	RevisionNone Revision = iota
	// RevisionInPlace: nobody has signed the current version, so it is
	// corrected where it stands.
	RevisionInPlace
	// RevisionNew: someone signed the current version; the new text
	// becomes the next version and they stay recorded as signing theirs.
	RevisionNew
)

// Revise decides what saving next over cur does to the statement's
// versions. signed is the number of signatures that record cur's version,
// whatever their status.
//
// Every signature counts, withdrawn and rejected ones too: each row says
// "this organization signed version V", and correcting V in place would
// make that untrue. A rejection can be reversed and a withdrawal is part
// of the record of who signed what, so neither may end up pointing at
// words its signer never saw. A stray test signature costs one more
// version in the history, which is cheap and visible.
func Revise(cur, next *Statement, signed int) Revision {
	if cur.CurrentVersion().SameText(next) {
		return RevisionNone
	}
	if signed > 0 {
		return RevisionNew
	}
	return RevisionInPlace
}
