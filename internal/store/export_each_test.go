package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

func TestSignatureService_EachSignature(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			st := listFixture(t, db)
			// Every optional column set, so the scan of each is checked.
			member := createMember(t, db, "Casa Ñandú")
			full := newSignature(st.ID, "Casa Ñandú", "US-NM")
			full.MemberID, full.ConfirmedAt, full.Status = &member.ID, ptr(t0), signon.SignatureRejected
			if err := db.CreateSignature(ctx, full, nil); err != nil {
				t.Fatal(err)
			}
			person := newSignature(st.ID, "", "US-TX")
			person.SignerType, person.SignerName, person.OrgKey = signon.SignerIndividual, "Beatriz Gómez", "person:beatriz@example.org"
			if err := db.CreateSignature(ctx, person, nil); err != nil {
				t.Fatal(err)
			}
			everyStatus := []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending,
				signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}

			tests := []struct {
				name string
				f    signon.SignatureFilter
				want []string
			}{
				{"ApprovedByName", signon.SignatureFilter{StatementID: st.ID},
					[]string{"Alpha Collective", "Beatriz Gómez", "Bravo Coalition", "Charlie Network", "delta Alliance", "echo Group"}},
				{"PageIgnored", signon.SignatureFilter{StatementID: st.ID, Page: 2, PerPage: 4},
					[]string{"Alpha Collective", "Beatriz Gómez", "Bravo Coalition", "Charlie Network", "delta Alliance", "echo Group"}},
				{"Region", signon.SignatureFilter{StatementID: st.ID, Region: "us-tx"},
					[]string{"Beatriz Gómez", "Charlie Network", "delta Alliance"}},
				{"Country", signon.SignatureFilter{StatementID: st.ID, Country: "US"},
					[]string{"Beatriz Gómez", "Bravo Coalition", "Charlie Network", "delta Alliance"}},
				{"ByRegion", signon.SignatureFilter{StatementID: st.ID, ByRegion: true},
					[]string{"echo Group", "Alpha Collective", "Bravo Coalition", "Beatriz Gómez", "Charlie Network", "delta Alliance"}},
				{"EveryStatusByRegion", signon.SignatureFilter{StatementID: st.ID, Statuses: everyStatus, ByRegion: true},
					[]string{"echo Group", "Alpha Collective", "Bravo Coalition", "Casa Ñandú", "Aaron Pending", "Abel Unconfirmed",
						"Beatriz Gómez", "Charlie Network", "delta Alliance", "Zulu Rejected"}},
				{"NoSuchStatement", signon.SignatureFilter{StatementID: 999}, []string{}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := []*signon.Signature{}
					err := db.EachSignature(ctx, tt.f, func(s *signon.Signature) error {
						got = append(got, s)
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					names := []string{}
					for _, s := range got {
						names = append(names, s.Name())
					}
					if !reflect.DeepEqual(names, tt.want) {
						t.Fatalf("EachSignature names = %q, want %q", names, tt.want)
					}
					// Whole signatures, as Signatures reads them: every
					// column scanned into its field, times in UTC.
					page := tt.f
					page.Page, page.PerPage = 1, store.MaxPerPage
					list, _, err := db.Signatures(ctx, page)
					if err != nil {
						t.Fatal(err)
					}
					if len(list) == 0 {
						list = []*signon.Signature{}
					}
					if !reflect.DeepEqual(got, list) {
						t.Errorf("EachSignature =\n%+v\nwant, as Signatures lists them,\n%+v", got, list)
					}
				})
			}

			t.Run("StopsAtError", func(t *testing.T) {
				stop := errors.New("stop")
				calls := 0
				err := db.EachSignature(ctx, signon.SignatureFilter{StatementID: st.ID}, func(*signon.Signature) error {
					calls++
					return stop
				})
				if !errors.Is(err, stop) || calls != 1 {
					t.Errorf("EachSignature = %v after %d calls, want the callback's error after 1", err, calls)
				}
			})

			t.Run("Canceled", func(t *testing.T) {
				canceled, cancel := context.WithCancel(ctx)
				cancel()
				calls := 0
				err := db.EachSignature(canceled, signon.SignatureFilter{StatementID: st.ID}, func(*signon.Signature) error {
					calls++
					return nil
				})
				if !errors.Is(err, context.Canceled) || calls != 0 {
					t.Errorf("EachSignature = %v after %d calls, want context.Canceled before any", err, calls)
				}
			})
		})
	}
}
