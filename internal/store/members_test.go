package store_test

import (
	"context"
	"slices"
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

// member validates in and fails t when it is not a valid member.
func member(t testing.TB, in signon.MemberInput) *signon.Member {
	t.Helper()
	m, err := in.Validate()
	if err != nil {
		t.Fatalf("Validate(%+v) = %v", in, err)
	}
	return m
}

func TestMemberService_UpdateMember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			casa := createMember(t, db, "CASA de Maryland")
			raza := createMember(t, db, "La Raza Centro Legal")

			changed := member(t, signon.MemberInput{Name: "CASA", ContactName: "Ana Pérez", Country: "MX", Region: "Chihuahua",
				City: "Juárez", Website: "casa.example.org", Email: "Ana@Example.org", Language: "es"})
			changed.ID = casa.ID
			if err := db.UpdateMember(ctx, changed); err != nil {
				t.Fatal(err)
			}
			got, err := db.MemberByID(ctx, casa.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "CASA" || got.OrgKey != "casa" || got.ContactName != "Ana Pérez" || got.Region != "MX-CHH" ||
				got.City != "Juárez" || got.Website != "https://casa.example.org" || got.Email != "ana@example.org" ||
				got.Language != "es" || !got.CreatedAt.Equal(casa.CreatedAt) || got.UpdatedAt.Before(casa.UpdatedAt) {
				t.Errorf("after UpdateMember, MemberByID = %+v", got)
			}

			// Taking another member's name is a conflict on the name field.
			taken := member(t, signon.MemberInput{Name: "la raza centro legal, inc.", Country: "US", Region: "CA"})
			taken.ID = casa.ID
			err = db.UpdateMember(ctx, taken)
			wantCode(t, err, signon.ECONFLICT)
			if _, ok := signon.ErrorFields(err)["name"]; !ok {
				t.Errorf("UpdateMember(taken name) = %v, want a problem at name", err)
			}
			if got, _ := db.MemberByID(ctx, raza.ID); got.Name != "La Raza Centro Legal" {
				t.Errorf("the other member changed: %+v", got)
			}
			unknown := member(t, signon.MemberInput{Name: "Nobody", Region: "TX"})
			unknown.ID = raza.ID + 100
			wantCode(t, db.UpdateMember(ctx, unknown), signon.ENOTFOUND)
		})
	}
}

func TestMemberService_DeleteMember(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			m := createMember(t, db, "Casa Latina")
			sig := newSignature(st.ID, "Casa Latina", "US-TX")
			sig.MemberID = &m.ID
			if err := db.CreateSignature(ctx, sig, nil); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteMember(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			wantCode(t, func() error { _, err := db.MemberByID(ctx, m.ID); return err }(), signon.ENOTFOUND)
			// The signature stays, unlinked.
			list, _, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
			if err != nil || len(list) != 1 || list[0].MemberID != nil {
				t.Errorf("signatures after DeleteMember = %v, %v; want the one, without member", list, err)
			}
			wantCode(t, db.DeleteMember(ctx, m.ID), signon.ENOTFOUND)
		})
	}
}

func TestMemberService_Members(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			for _, in := range []signon.MemberInput{
				{Name: "Casa Latina", ContactName: "José Pérez", Region: "TX", City: "El Paso"},
				{Name: "Árbol de Vida", Region: "US-TX", Email: "vida@example.org"},
				{Name: "Border Network", Country: "US", Region: "New Mexico"},
				{Name: "Red Migrante", Country: "MX", Region: "Nuevo León"},
				{Name: "Migrant Rights Guatemala", Country: "GT"},
			} {
				if err := db.CreateMember(ctx, member(t, in)); err != nil {
					t.Fatal(err)
				}
			}
			names := func(f signon.MemberFilter) []string {
				t.Helper()
				list, err := db.Members(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, m := range list {
					out = append(out, m.Name)
				}
				return out
			}
			for _, tc := range []struct {
				f    signon.MemberFilter
				want []string
			}{
				// By organization key: accents fold, so Árbol comes first.
				{signon.MemberFilter{}, []string{"Árbol de Vida", "Border Network", "Casa Latina", "Migrant Rights Guatemala", "Red Migrante"}},
				{signon.MemberFilter{Region: "US-TX"}, []string{"Árbol de Vida", "Casa Latina"}},
				{signon.MemberFilter{Region: "mx-nle"}, []string{"Red Migrante"}},
				{signon.MemberFilter{Region: "GT"}, []string{"Migrant Rights Guatemala"}},
				{signon.MemberFilter{Query: "arbol"}, []string{"Árbol de Vida"}},
				{signon.MemberFilter{Query: "MIGRA"}, []string{"Migrant Rights Guatemala", "Red Migrante"}},
				{signon.MemberFilter{Query: "perez"}, []string{"Casa Latina"}},   // the contact
				{signon.MemberFilter{Query: "vida@"}, []string{"Árbol de Vida"}}, // the email
				{signon.MemberFilter{Query: "el paso"}, []string{"Casa Latina"}}, // the city
				{signon.MemberFilter{Region: "US-NM", Query: "casa"}, nil},       // both filters
			} {
				if got := names(tc.f); !slices.Equal(got, tc.want) {
					t.Errorf("Members(%+v) = %q, want %q", tc.f, got, tc.want)
				}
			}
			byKey, err := db.MembersByOrgKey(ctx, []string{signon.OrganizationKey("CASA LATINA, Inc."), "nobody"})
			if err != nil || len(byKey) != 1 || byKey["casalatina"] == nil || byKey["casalatina"].Region != "US-TX" {
				t.Errorf("MembersByOrgKey = %v, %v; want Casa Latina alone", byKey, err)
			}
		})
	}
}

func TestMemberService_ImportMembers(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			createMember(t, db, "Casa Latina")
			list := []*signon.Member{
				member(t, signon.MemberInput{Name: "Uno", Region: "TX"}),
				member(t, signon.MemberInput{Name: "Dos", Region: "TX"}),
				member(t, signon.MemberInput{Name: "Casa Latina Inc", Region: "TX"}),
			}
			// One of them is a member already: nothing is added.
			wantCode(t, db.ImportMembers(ctx, list, a.ID), signon.ECONFLICT)
			if all, _ := db.Members(ctx, signon.MemberFilter{}); len(all) != 1 {
				t.Fatalf("after a refused import, %d members, want 1", len(all))
			}
			for _, m := range list {
				if m.ID != 0 {
					t.Errorf("refused import left id %d on %s", m.ID, m.Name)
				}
			}
			if err := db.ImportMembers(ctx, list[:2], a.ID); err != nil {
				t.Fatal(err)
			}
			all, err := db.Members(ctx, signon.MemberFilter{})
			if err != nil || len(all) != 3 {
				t.Fatalf("after import, members = %d, %v; want 3", len(all), err)
			}
			for _, m := range list[:2] {
				if got, err := db.MemberByID(ctx, m.ID); err != nil || got.Name != m.Name || got.CreatedAt.IsZero() {
					t.Errorf("imported %s: MemberByID = %+v, %v", m.Name, got, err)
				}
			}
		})
	}
}
