package store_test

import (
	"context"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// createMember puts the organization name on the roster, in Texas.
func createMember(t testing.TB, db *store.DB, name string) *signon.Member {
	t.Helper()
	m, err := signon.MemberInput{Name: name, Country: "US", Region: "US-TX", Email: "info@example.org"}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateMember(context.Background(), m); err != nil {
		t.Fatalf("CreateMember(%s) = %v", name, err)
	}
	return m
}

func TestMemberService_CreateMember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			m := createMember(t, db, "CASA de Maryland")
			got, err := db.MemberByID(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != m.Name || got.OrgKey != m.OrgKey || got.Region != "US-TX" || !got.CreatedAt.Equal(m.CreatedAt) {
				t.Errorf("MemberByID = %+v, want %+v", got, m)
			}
			// The same organization spelled otherwise is the same member.
			dup, _ := signon.MemberInput{Name: "Casa de Maryland, Inc.", Country: "US", Region: "US-MD"}.Validate()
			if err := db.CreateMember(ctx, dup); signon.ErrorCode(err) != signon.ECONFLICT {
				t.Errorf("CreateMember(duplicate) = %v, want ECONFLICT", err)
			}
			if _, err := db.MemberByID(ctx, m.ID+100); signon.ErrorCode(err) != signon.ENOTFOUND {
				t.Errorf("MemberByID(unknown) = %v, want ENOTFOUND", err)
			}
		})
	}
}
