package signon

import "testing"

func TestRevise(t *testing.T) {
	cur := Statement{
		ID: 3, Version: 2, Status: StatusOpen, Language: "en", Approval: ApprovalNone,
		Title: "Letter", Summary: "Short.", Body: "We ask.", AddressedTo: "The leaders", Occasion: "The summit",
	}
	edit := func(f func(*Statement)) *Statement {
		next := cur
		f(&next)
		return &next
	}
	tests := []struct {
		name   string
		next   *Statement
		signed int
		want   Revision
	}{
		{"Unchanged", edit(func(*Statement) {}), 0, RevisionNone},
		{"UnchangedSigned", edit(func(*Statement) {}), 12, RevisionNone},
		{"PolicyOnlySigned", edit(func(s *Statement) {
			s.Approval, s.AllowIndividuals, s.Language, s.Slug = ApprovalAll, true, "es", "moved"
		}), 12, RevisionNone},
		{"TitleUnsigned", edit(func(s *Statement) { s.Title = "Letter, corrected" }), 0, RevisionInPlace},
		{"TitleSigned", edit(func(s *Statement) { s.Title = "Letter, corrected" }), 1, RevisionNew},
		{"SummarySigned", edit(func(s *Statement) { s.Summary = "" }), 3, RevisionNew},
		{"BodySigned", edit(func(s *Statement) { s.Body = "We demand." }), 3, RevisionNew},
		{"BodyUnsigned", edit(func(s *Statement) { s.Body = "We demand." }), 0, RevisionInPlace},
		{"AddressedToSigned", edit(func(s *Statement) { s.AddressedTo = "The presidents" }), 3, RevisionNew},
		{"OccasionSigned", edit(func(s *Statement) { s.Occasion = "The 2026 summit" }), 3, RevisionNew},
		{"OccasionUnsigned", edit(func(s *Statement) { s.Occasion = "" }), 0, RevisionInPlace},
		{"DraftSigned", edit(func(s *Statement) { s.Status, s.Body = StatusDraft, "We demand." }), 1, RevisionNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Revise(&cur, tt.next, tt.signed); got != tt.want {
				t.Errorf("Revise(signed %d) = %d, want %d", tt.signed, got, tt.want)
			}
		})
	}
}

func TestStatement_CurrentVersion(t *testing.T) {
	s := &Statement{ID: 9, Version: 4, Title: "T", Summary: "S", Body: "B", AddressedTo: "A", Occasion: "O", Language: "es"}
	want := StatementVersion{StatementID: 9, Version: 4, Title: "T", Summary: "S", Body: "B", AddressedTo: "A", Occasion: "O"}
	if got := s.CurrentVersion(); *got != want {
		t.Errorf("CurrentVersion() = %+v, want %+v", *got, want)
	}
	if !want.SameText(s) {
		t.Error("SameText(s) = false for s's own text")
	}
	s.Occasion = "Other"
	if want.SameText(s) {
		t.Error("SameText(s) = true after the occasion changed")
	}
}
