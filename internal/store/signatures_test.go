package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestSignatureService_CreateSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("OK", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				member := createMember(t, db, "Casa de la Raza")
				sig := newSignature(st.ID, "Casa de la Raza, Inc.", "US-TX")
				sig.MemberID = &member.ID
				sig.ConfirmedAt = ptr(t0)
				before := time.Now().UTC().Truncate(time.Microsecond)
				if err := db.CreateSignature(ctx, sig, nil); err != nil {
					t.Fatal(err)
				}
				if sig.ID == 0 {
					t.Fatal("ID = 0, want one assigned")
				}
				if sig.CreatedAt.Before(before) || sig.CreatedAt.Location() != time.UTC || !sig.UpdatedAt.Equal(sig.CreatedAt) {
					t.Errorf("CreatedAt, UpdatedAt = %v, %v; want now in UTC", sig.CreatedAt, sig.UpdatedAt)
				}
				if sig.ApprovedAt == nil || !sig.ApprovedAt.Equal(sig.CreatedAt) {
					t.Errorf("ApprovedAt = %v, want %v", sig.ApprovedAt, sig.CreatedAt)
				}
				if *sig.ConfirmedAt != stored(t0) || sig.RejectedAt != nil || sig.WithdrawnAt != nil {
					t.Errorf("ConfirmedAt, RejectedAt, WithdrawnAt = %v, %v, %v", sig.ConfirmedAt, sig.RejectedAt, sig.WithdrawnAt)
				}
				list, total, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID})
				if err != nil {
					t.Fatal(err)
				}
				if total != 1 || len(list) != 1 || !reflect.DeepEqual(list[0], sig) {
					t.Fatalf("Signatures() = %d, %+v; want\n%+v", total, list, sig)
				}
				events, err := db.StatementEvents(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				e := events[0]
				if e.Action != "signature.create" || *e.SignatureID != sig.ID || *e.StatementID != st.ID || e.AccountID != nil || e.Detail != "approved" {
					t.Errorf("event = %+v, want signature.create of %d with no account", e, sig.ID)
				}
			})

			t.Run("Pending", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignaturePending)
				if sig.ApprovedAt != nil {
					t.Errorf("ApprovedAt = %v, want nil while pending", sig.ApprovedAt)
				}
			})

			t.Run("ErrStatementNotFound", func(t *testing.T) {
				db := storetest.Open(t, dialect)
				sig := newSignature(404, "Casa", "US-TX")
				wantCode(t, db.CreateSignature(context.Background(), sig, nil), signon.ENOTFOUND)
				if sig.ID != 0 || !sig.CreatedAt.IsZero() || sig.ApprovedAt != nil {
					t.Errorf("failed create left %+v, want the signature as given", sig)
				}
			})

			t.Run("ErrAlreadySigned", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				other := createStatement(t, db, a.ID, "other")
				first := createSignature(t, db, st.ID, "Casa de la Raza, Inc.", "US-TX", signon.SignaturePending)

				dup := newSignature(st.ID, "casa  de la raza", "US-NM")
				err := db.CreateSignature(ctx, dup, nil)
				wantCode(t, err, signon.ECONFLICT)
				if key := signon.ErrorKey(err); key != "error.already_signed" {
					t.Errorf("key = %q, want error.already_signed", key)
				}
				// Another statement is another letter to sign.
				createSignature(t, db, other.ID, "Casa de la Raza", "US-TX", signon.SignatureApproved)

				// Once the first is withdrawn, the group may sign again.
				if err := db.Exec(ctx, "UPDATE signatures SET status = 'withdrawn' WHERE id = ?", first.ID); err != nil {
					t.Fatal(err)
				}
				if err := db.CreateSignature(ctx, newSignature(st.ID, "Casa de la Raza", "US-TX"), nil); err != nil {
					t.Fatalf("after withdrawal: %v", err)
				}
				wantCode(t, db.CreateSignature(ctx, newSignature(st.ID, "CASA DE LA RAZA", "US-TX"), nil), signon.ECONFLICT)
				_, total, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: allStatuses})
				if err != nil || total != 2 {
					t.Errorf("rows = %d, %v; want 2 (withdrawn and new)", total, err)
				}
			})

			t.Run("ConcurrentSameOrganization", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				const n = 10
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						errs[i] = db.CreateSignature(ctx, newSignature(st.ID, fmt.Sprintf("Casa Latina%s", []string{"", " Inc.", ", LLC"}[i%3]), "US-WA"), nil)
					})
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					switch signon.ErrorCode(err) {
					case "":
						ok++
					case signon.ECONFLICT:
					default:
						t.Errorf("CreateSignature() = %v, want nil or ECONFLICT", err)
					}
				}
				if ok != 1 {
					t.Errorf("%d signatures stored, want exactly 1", ok)
				}
				_, total, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: allStatuses})
				if err != nil || total != 1 {
					t.Errorf("rows = %d, %v; want 1", total, err)
				}
			})

			t.Run("ConcurrentOrganizations", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				const n = 50
				errs := make([]error, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						errs[i] = db.CreateSignature(ctx, newSignature(st.ID, fmt.Sprintf("Organization %d", i), "MX-CHH"), nil)
					})
				}
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("signature %d: %v", i, err)
					}
				}
				stats, err := db.SignatureStats(ctx, st.ID)
				if err != nil || stats.Total != n {
					t.Errorf("Total = %v, %v; want %d", stats, err, n)
				}
				events, err := db.StatementEvents(ctx, st.ID)
				if err != nil || len(events) != n+1 {
					t.Errorf("%d events, %v; want %d", len(events), err, n+1)
				}
			})
		})
	}
}

var allStatuses = []signon.SignatureStatus{
	signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn,
}

func TestSignatureService_Signatures(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			st := listFixture(t, db)
			person := newSignature(st.ID, "", "US-TX")
			person.SignerType, person.SignerName, person.OrgKey = signon.SignerIndividual, "Beatriz Gómez", "person:beatriz@example.org"
			if err := db.CreateSignature(ctx, person, nil); err != nil {
				t.Fatal(err)
			}

			tests := []struct {
				name      string
				f         signon.SignatureFilter
				want      []string
				wantTotal int
			}{
				{"ApprovedByName", signon.SignatureFilter{StatementID: st.ID},
					[]string{"Alpha Collective", "Beatriz Gómez", "Bravo Coalition", "Charlie Network", "delta Alliance", "echo Group"}, 6},
				{"Page2", signon.SignatureFilter{StatementID: st.ID, Page: 2, PerPage: 4},
					[]string{"delta Alliance", "echo Group"}, 6},
				{"PageBeyond", signon.SignatureFilter{StatementID: st.ID, Page: 3, PerPage: 4}, []string{}, 6},
				{"Region", signon.SignatureFilter{StatementID: st.ID, Region: "us-tx"},
					[]string{"Beatriz Gómez", "Charlie Network", "delta Alliance"}, 3},
				{"Country", signon.SignatureFilter{StatementID: st.ID, Country: "US"},
					[]string{"Beatriz Gómez", "Bravo Coalition", "Charlie Network", "delta Alliance"}, 4},
				{"OutsideRegions", signon.SignatureFilter{StatementID: st.ID, Country: "GT"}, []string{"echo Group"}, 1},
				{"Statuses", signon.SignatureFilter{StatementID: st.ID, Statuses: []signon.SignatureStatus{signon.SignaturePending, signon.SignatureUnconfirmed}},
					[]string{"Aaron Pending", "Abel Unconfirmed"}, 2},
				{"ByRegion", signon.SignatureFilter{StatementID: st.ID, ByRegion: true},
					[]string{"echo Group", "Alpha Collective", "Bravo Coalition", "Beatriz Gómez", "Charlie Network", "delta Alliance"}, 6},
				{"NoSuchStatement", signon.SignatureFilter{StatementID: 999}, []string{}, 0},
			}
			for _, tt := range tests {
				list, total, err := db.Signatures(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				names := []string{}
				for _, s := range list {
					names = append(names, s.Name())
				}
				if !reflect.DeepEqual(names, tt.want) || total != tt.wantTotal {
					t.Errorf("%s: %v (total %d), want %v (total %d)", tt.name, names, total, tt.want, tt.wantTotal)
				}
			}
		})
	}
}

func TestSignatureService_PerPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	a := createAccount(t, db, "")
	st := createStatement(t, db, a.ID, "letter")
	for i := range store.MaxPerPage + 1 {
		createSignature(t, db, st.ID, fmt.Sprintf("Org %04d", i), "US-TX", signon.SignatureApproved)
	}
	for _, tt := range []struct{ perPage, want int }{{0, store.DefaultPerPage}, {-1, store.DefaultPerPage}, {10_000, store.MaxPerPage}, {7, 7}} {
		list, total, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, PerPage: tt.perPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != tt.want || total != store.MaxPerPage+1 {
			t.Errorf("PerPage %d: %d rows (total %d), want %d (total %d)", tt.perPage, len(list), total, tt.want, store.MaxPerPage+1)
		}
	}
}

func TestSignatureService_SetSignatureStatus(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("Moves", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignaturePending)
				status := func() *signon.Signature {
					t.Helper()
					list, _, err := db.Signatures(ctx, signon.SignatureFilter{StatementID: st.ID, Statuses: allStatuses})
					if err != nil || len(list) != 1 {
						t.Fatalf("Signatures() = %v, %v", list, err)
					}
					return list[0]
				}
				steps := []struct {
					to   signon.SignatureStatus
					by   int64
					code string
				}{
					{signon.SignatureApproved, a.ID, ""},
					{signon.SignatureApproved, a.ID, ""}, // again: nothing to do
					{signon.SignatureRejected, a.ID, ""},
					{signon.SignatureApproved, a.ID, ""}, // reconsidered
					{signon.SignatureWithdrawn, 0, ""},   // by the signer
					{signon.SignatureApproved, a.ID, signon.ECONFLICT},
					{signon.SignaturePending, a.ID, signon.EINVALID},
				}
				for i, step := range steps {
					now := t0.Add(time.Duration(i) * time.Minute)
					err := db.SetSignatureStatus(ctx, st.ID, sig.ID, step.to, now, step.by)
					if got := signon.ErrorCode(err); got != step.code {
						t.Fatalf("step %d to %s: %v, want code %q", i, step.to, err, step.code)
					}
				}
				got := status()
				if got.Status != signon.SignatureWithdrawn || *got.WithdrawnAt != stored(t0.Add(4*time.Minute)) ||
					*got.ApprovedAt != stored(t0.Add(3*time.Minute)) || *got.RejectedAt != stored(t0.Add(2*time.Minute)) ||
					got.UpdatedAt.Before(sig.UpdatedAt) {
					t.Errorf("stored %+v", got)
				}
				events, err := db.StatementEvents(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				var actions []string
				for _, e := range events[:4] {
					actions = append(actions, e.Action)
					if *e.SignatureID != sig.ID {
						t.Errorf("event %s of signature %d, want %d", e.Action, *e.SignatureID, sig.ID)
					}
				}
				want := []string{"signature.withdraw", "signature.approve", "signature.reject", "signature.approve"}
				if !reflect.DeepEqual(actions, want) {
					t.Errorf("events = %v, want %v", actions, want)
				}
				if events[0].AccountID != nil || *events[1].AccountID != a.ID || events[2].Detail != "approved → rejected" {
					t.Errorf("events = %+v %+v %+v", events[0], events[1], events[2])
				}
			})

			t.Run("ErrAlreadySigned", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				rejected := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureRejected)
				createSignature(t, db, st.ID, "Casa Inc.", "US-TX", signon.SignatureApproved)
				err := db.SetSignatureStatus(ctx, st.ID, rejected.ID, signon.SignatureApproved, t0, a.ID)
				wantCode(t, err, signon.ECONFLICT)
				if !errors.Is(err, signon.ErrAlreadySigned) {
					t.Errorf("error = %v, want error.already_signed", err)
				}
			})

			t.Run("NotFound", func(t *testing.T) {
				ctx := context.Background()
				db := storetest.Open(t, dialect)
				a := createAccount(t, db, "")
				st := createStatement(t, db, a.ID, "letter")
				other := createStatement(t, db, a.ID, "other")
				sig := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignaturePending)
				// A signature is reached only through its own statement.
				wantCode(t, db.SetSignatureStatus(ctx, other.ID, sig.ID, signon.SignatureApproved, t0, a.ID), signon.ENOTFOUND)
				wantCode(t, db.SetSignatureStatus(ctx, st.ID, sig.ID+1, signon.SignatureApproved, t0, a.ID), signon.ENOTFOUND)
			})
		})
	}
}

func TestSignatureService_SignatureStats(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			empty := createStatement(t, db, a.ID, "empty")
			signatures := []struct {
				region string
				n      int
				status signon.SignatureStatus
			}{
				{"US-TX", 3, signon.SignatureApproved},
				{"US-CA", 3, signon.SignatureApproved},
				{"MX-CHH", 2, signon.SignatureApproved},
				{"CA-ON", 1, signon.SignatureApproved},
				{"GT", 2, signon.SignatureApproved},
				{"SV", 2, signon.SignatureApproved},
				{"US-NY", 4, signon.SignaturePending},
				{"US-TX", 2, signon.SignatureRejected},
			}
			i := 0
			for _, s := range signatures {
				for range s.n {
					i++
					createSignature(t, db, st.ID, fmt.Sprintf("Org %d", i), s.region, s.status)
				}
			}
			got, err := db.SignatureStats(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := &signon.Stats{
				Total: 13,
				ByRegion: []signon.RegionCount{
					{Region: "US-CA", Country: "US", Count: 3},
					{Region: "US-TX", Country: "US", Count: 3},
					{Region: "MX-CHH", Country: "MX", Count: 2},
					{Region: "CA-ON", Country: "CA", Count: 1},
				},
				ByCountry: []signon.CountryCount{
					{Country: "US", Count: 6},
					{Country: "GT", Count: 2},
					{Country: "MX", Count: 2},
					{Country: "SV", Count: 2},
					{Country: "CA", Count: 1},
				},
				Version: 13, // one change per approved signature
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("SignatureStats() =\n%+v\nwant\n%+v", got, want)
			}
			got, err = db.SignatureStats(ctx, empty.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != 0 || len(got.ByRegion) != 0 || len(got.ByCountry) != 0 {
				t.Errorf("SignatureStats(empty) = %+v, want zero", got)
			}
		})
	}
}

func TestSignatureService_SignatureCounts(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			one := createStatement(t, db, a.ID, "one")
			two := createStatement(t, db, a.ID, "two")
			none := createStatement(t, db, a.ID, "none")
			createSignature(t, db, one.ID, "A", "US-TX", signon.SignatureApproved)
			createSignature(t, db, one.ID, "B", "US-TX", signon.SignaturePending)
			for _, org := range []string{"A", "B", "C"} {
				createSignature(t, db, two.ID, org, "MX-CHH", signon.SignatureApproved)
			}
			got, err := db.SignatureCounts(ctx, []int64{one.ID, two.ID, none.ID})
			if err != nil {
				t.Fatal(err)
			}
			want := map[int64]int{one.ID: 1, two.ID: 3, none.ID: 0}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("SignatureCounts() = %v, want %v", got, want)
			}
			if got, err := db.SignatureCounts(ctx, nil); err != nil || len(got) != 0 {
				t.Errorf("SignatureCounts(nil) = %v, %v; want empty", got, err)
			}
		})
	}
}
