package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// countsOf is what the rollup says of statement id: the counts by
// (country, region), as SignatureStats gives them, and the total of
// SignatureCounts.
func countsOf(t *testing.T, db *store.DB, id int64) (map[[2]string]int, *signon.Stats) {
	t.Helper()
	ctx := context.Background()
	stats, err := db.SignatureStats(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]int{}
	inRegions := map[string]int{}
	for _, r := range stats.ByRegion {
		got[[2]string{r.Country, r.Region}] = r.Count
		inRegions[r.Country] += r.Count
	}
	sum := 0
	for _, c := range stats.ByCountry {
		sum += c.Count
		if n := c.Count - inRegions[c.Country]; n > 0 {
			got[[2]string{c.Country, ""}] = n
		}
	}
	if sum != stats.Total {
		t.Errorf("statement %d: ByCountry adds up to %d, Total is %d", id, sum, stats.Total)
	}
	totals, err := db.SignatureCounts(ctx, []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if totals[id] != stats.Total {
		t.Errorf("statement %d: SignatureCounts = %d, SignatureStats.Total = %d", id, totals[id], stats.Total)
	}
	v, err := db.CountsVersion(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v != stats.Version {
		t.Errorf("statement %d: CountsVersion = %d, SignatureStats.Version = %d", id, v, stats.Version)
	}
	return got, stats
}

// checkCounts compares the rollup of statement id with a GROUP BY over
// its signatures, and its version with the last one seen (in last),
// which must grow whenever the counts changed.
func checkCounts(t *testing.T, db *store.DB, id int64, last map[int64]*signon.Stats, step string) {
	t.Helper()
	want, err := db.CountedByScan(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	got, stats := countsOf(t, db, id)
	if !maps.Equal(got, want) {
		t.Fatalf("%s: statement %d counts from the rollup\n%v\nwant (GROUP BY)\n%v", step, id, got, want)
	}
	if prev := last[id]; prev != nil {
		if stats.Version < prev.Version {
			t.Fatalf("%s: statement %d version went back from %d to %d", step, id, prev.Version, stats.Version)
		}
		if stats.Version == prev.Version && (stats.Total != prev.Total || len(stats.ByRegion) != len(prev.ByRegion)) {
			t.Fatalf("%s: statement %d counts changed, version stayed %d", step, id, stats.Version)
		}
	}
	last[id] = stats
}

// TestSignatureCounts_Rollup runs a random sequence of everything that
// changes signatures, through the store's methods and, for a deletion,
// directly, folding now and then, and after every step compares the
// rollup with a GROUP BY over the signatures.
func TestSignatureCounts_Rollup(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			seed := uint64(time.Now().UnixNano())
			t.Logf("seed %d", seed)
			rnd := rand.New(rand.NewPCG(seed, 1))
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			a := createAccount(t, db, "")
			open := func(slug string, approval signon.Approval) *signon.Statement {
				st := newStatement(slug)
				st.Approval = approval
				if err := db.CreateStatement(ctx, st, a.ID); err != nil {
					t.Fatal(err)
				}
				return transition(t, db, st, reviewNow, signon.ActionOpen)
			}
			statements := []*signon.Statement{open("none", signon.ApprovalNone), open("all", signon.ApprovalAll)}
			places := []string{"US-TX", "US-CA", "MX-CHH", "CA-ON", "GT", "SV"}
			orgs := make([]string, 12)
			for i := range orgs {
				orgs[i] = fmt.Sprintf("Organización %c", 'A'+i)
			}
			newSig := func(st *signon.Statement) *signon.Signature {
				return newSignature(st.ID, orgs[rnd.IntN(len(orgs))], places[rnd.IntN(len(places))])
			}
			ids := map[int64][]int64{} // the signatures of each statement
			var confirms []string      // confirm link hashes
			last := map[int64]*signon.Stats{}
			// expected reports errors the rules give a random step:
			// a second standing signature, a move not allowed, a
			// signature gone, a link used.
			expected := func(err error) bool {
				var bulk *signon.BulkError
				switch {
				case err == nil, errors.As(err, &bulk):
					return true
				}
				switch signon.ErrorCode(err) {
				case signon.ECONFLICT, signon.ENOTFOUND, signon.EINVALID:
					return true
				}
				return errors.Is(err, signon.ErrInvalidLink)
			}
			pick := func(st *signon.Statement) int64 {
				if len(ids[st.ID]) == 0 {
					return 0
				}
				return ids[st.ID][rnd.IntN(len(ids[st.ID]))]
			}
			steps := 250
			if testing.Short() {
				steps = 60
			}
			for i := range steps {
				st := statements[rnd.IntN(len(statements))]
				var err error
				var step string
				switch k := rnd.IntN(11); k {
				case 0, 1, 2: // sign, in any status a new signature can have
					step = "create"
					sig := newSig(st)
					sig.Status = []signon.SignatureStatus{signon.SignatureUnconfirmed, signon.SignaturePending, signon.SignatureApproved}[rnd.IntN(3)]
					var tokens []*signon.SignatureToken
					hash := fmt.Sprintf("confirm-%d", i)
					if sig.Status == signon.SignatureUnconfirmed {
						tokens = append(tokens, signon.NewSignatureToken(hash, signon.TokenConfirm, reviewNow))
					}
					if err = db.CreateSignature(ctx, sig, tokens); err == nil {
						ids[st.ID] = append(ids[st.ID], sig.ID)
						if len(tokens) > 0 {
							confirms = append(confirms, hash)
						}
					}
				case 3: // confirm
					step = "confirm"
					if len(confirms) > 0 {
						_, err = db.ConfirmSignature(ctx, confirms[rnd.IntN(len(confirms))], reviewNow)
					}
				case 4: // approve, reject or withdraw one
					to := []signon.SignatureStatus{signon.SignatureApproved, signon.SignatureRejected, signon.SignatureWithdrawn}[rnd.IntN(3)]
					step = "set " + string(to)
					err = db.SetSignatureStatus(ctx, st.ID, pick(st), to, reviewNow, a.ID)
				case 5: // decide several
					to := []signon.SignatureStatus{signon.SignatureApproved, signon.SignatureRejected}[rnd.IntN(2)]
					step = "decide " + string(to)
					err = db.DecideSignatures(ctx, st.ID, []int64{pick(st), pick(st), pick(st)}, to, "", reviewNow, a.ID)
				case 6: // correct the place or the name, as a coordinator or the signer
					step = "update"
					id := pick(st)
					if id == 0 {
						break
					}
					sig, err := db.SignatureByID(ctx, st.ID, id)
					if signon.ErrorCode(err) == signon.ENOTFOUND { // deleted
						break
					} else if err != nil {
						t.Fatal(err)
					}
					edit := signon.EditOf(sig)
					place := newSig(st)
					edit.Country, edit.Region = place.Country, place.Region
					if rnd.IntN(3) == 0 {
						edit.Organization = orgs[rnd.IntN(len(orgs))]
					}
					if rnd.IntN(4) == 0 {
						edit.City = fmt.Sprintf("City %d", i)
					}
					by := a.ID
					if rnd.IntN(2) == 0 {
						by = 0
					}
					_, err = db.UpdateSignature(ctx, st.ID, id, edit, by)
				case 7: // merge two
					step = "merge"
					keep, merged := pick(st), pick(st)
					if keep != merged {
						err = db.MergeSignatures(ctx, st.ID, keep, merged, rnd.IntN(2) == 0, a.ID)
					}
				case 8: // import, or add by hand
					step = "import"
					var sigs []*signon.Signature
					for range 1 + rnd.IntN(3) {
						sigs = append(sigs, newSig(st))
					}
					if rnd.IntN(2) == 0 {
						err = db.ImportSignatures(ctx, st.ID, sigs, a.ID)
					} else {
						step = "add"
						err = db.AddSignature(ctx, sigs[0], a.ID)
						sigs = sigs[:1]
					}
					if err == nil {
						for _, s := range sigs {
							ids[st.ID] = append(ids[st.ID], s.ID)
						}
					}
				case 9: // erase one outright
					step = "delete"
					err = db.Exec(ctx, "DELETE FROM signatures WHERE id = ?", pick(st))
				case 10:
					step = "fold"
					_, err = db.FoldSignatureCounts(ctx)
				}
				if !expected(err) {
					t.Fatalf("step %d (%s): %v", i, step, err)
				}
				for _, s := range statements {
					checkCounts(t, db, s.ID, last, fmt.Sprintf("step %d (%s)", i, step))
				}
			}
			if _, err := db.FoldSignatureCounts(ctx); err != nil {
				t.Fatal(err)
			}
			if n, err := db.PendingCountDeltas(ctx); err != nil || n != 0 {
				t.Errorf("after folding, %d deltas pending (%v), want 0", n, err)
			}
			for _, s := range statements {
				checkCounts(t, db, s.ID, last, "final fold")
			}
		})
	}
}

// TestSignatureCounts_Version: the version moves with what the public
// sees of the signatories, and only with that.
func TestSignatureCounts_Version(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, st, a := reviewFixture(t, dialect)
			version := func() int64 {
				t.Helper()
				v, err := db.CountsVersion(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if v := version(); v != 0 {
				t.Fatalf("version of a statement without signatures = %d, want 0", v)
			}
			approved := createSignature(t, db, st.ID, "Casa", "US-TX", signon.SignatureApproved)
			pending := createSignature(t, db, st.ID, "Fuerza", "US-TX", signon.SignaturePending)
			steps := []struct {
				name  string
				do    func() error
				moves bool
			}{
				{"fold", func() error { _, err := db.FoldSignatureCounts(ctx); return err }, false},
				{"correct the city of a pending signature", func() error {
					e := signon.EditOf(pending)
					e.City = "Austin"
					_, err := db.UpdateSignature(ctx, st.ID, pending.ID, e, a.ID)
					return err
				}, false},
				{"correct the city of an approved signature", func() error {
					e := signon.EditOf(approved)
					e.City = "Austin"
					_, err := db.UpdateSignature(ctx, st.ID, approved.ID, e, a.ID)
					return err
				}, true},
				{"approve", func() error {
					return db.SetSignatureStatus(ctx, st.ID, pending.ID, signon.SignatureApproved, reviewNow, a.ID)
				}, true},
				{"fold again", func() error { _, err := db.FoldSignatureCounts(ctx); return err }, false},
				{"withdraw", func() error {
					return db.SetSignatureStatus(ctx, st.ID, approved.ID, signon.SignatureWithdrawn, reviewNow, 0)
				}, true},
			}
			v := version()
			for _, s := range steps {
				if err := s.do(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				next := version()
				if moved := next != v; moved != s.moves || next < v {
					t.Errorf("%s: version %d → %d, want moved = %v", s.name, v, next, s.moves)
				}
				v = next
			}
		})
	}
}

// TestSignatureCounts_Concurrent signs from many goroutines through two
// stores on one database while both fold, as two instances do, and
// checks that the counts are exact at the end.
func TestSignatureCounts_Concurrent(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, url := storetest.OpenURL(t, dialect)
			other, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			a := createAccount(t, db, "")
			st := createStatement(t, db, a.ID, "letter")
			foldCtx, stop := context.WithCancel(ctx)
			var folders sync.WaitGroup
			for _, d := range []*store.DB{db, other} {
				folders.Go(func() {
					for foldCtx.Err() == nil {
						if _, err := d.FoldSignatureCounts(foldCtx); err != nil && foldCtx.Err() == nil {
							t.Error(err)
						}
						time.Sleep(time.Millisecond)
					}
				})
			}
			const signers, each = 8, 25
			var wg sync.WaitGroup
			for g := range signers {
				d := []*store.DB{db, other}[g%2]
				wg.Go(func() {
					for i := range each {
						sig := newSignature(st.ID, fmt.Sprintf("Org %d-%d", g, i), benchRegions[(g*each+i)%len(benchRegions)])
						if err := d.CreateSignature(ctx, sig, nil); err != nil {
							t.Error(err)
							return
						}
						if i%5 == 0 {
							if err := d.SetSignatureStatus(ctx, st.ID, sig.ID, signon.SignatureWithdrawn, reviewNow, 0); err != nil {
								t.Error(err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			stop()
			folders.Wait()
			checkCounts(t, db, st.ID, map[int64]*signon.Stats{}, "before the last fold")
			if _, err := other.FoldSignatureCounts(ctx); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, db, st.ID, map[int64]*signon.Stats{}, "after the last fold")
			if _, stats := countsOf(t, db, st.ID); stats.Total != signers*each*4/5 {
				t.Errorf("Total = %d, want %d", stats.Total, signers*each*4/5)
			}
		})
	}
}
