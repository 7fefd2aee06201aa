package signon

import "github.com/signon-coalition/signon/internal/csvin"

// MemberColumns are the columns of a roster import; name is the one
// required.
var MemberColumns = []string{"name", "contact_name", "email", "city", "state", "country", "website", "language"}

// MemberImportRow is a row of a roster import.
type MemberImportRow = ImportRow[MemberInput, Member]

// ParseMemberCSV reads a CSV file of members, each row validated like the
// member form. A file that cannot be read as rows is a *csvin.Error.
// Whether a member is on the roster already is for the caller to check.
func ParseMemberCSV(data []byte) ([]*MemberImportRow, error) {
	return importFile[MemberInput, Member]{
		columns:   MemberColumns,
		required:  []string{"name"},
		orgColumn: "name",
		input: func(r csvin.Row) MemberInput {
			return MemberInput{
				Name: r.Get("name"), ContactName: r.Get("contact_name"), Email: r.Get("email"), City: r.Get("city"),
				Region: r.Get("state"), Country: r.Get("country"), Website: r.Get("website"), Language: r.Get("language"),
			}
		},
		validate: func(in MemberInput) (*Member, string, error) {
			m, err := in.Validate()
			if err != nil {
				return nil, "", err
			}
			return m, m.OrgKey, nil
		},
	}.parse(data)
}
