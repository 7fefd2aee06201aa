package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
)

// changeLog reads every change of statement statementID (0 for all)
// after cursor, limit at a time, and returns them as "kind #signature"
// with the cursor to go on from.
func changeLog(t *testing.T, db *store.DB, statementID int64, after signon.ChangeCursor, limit int) ([]string, signon.ChangeCursor) {
	t.Helper()
	var out []string
	for {
		list, next, err := db.ChangesSince(context.Background(), statementID, after, limit)
		if err != nil {
			t.Fatalf("ChangesSince(%d, %v) = %v", statementID, after, err)
		}
		if len(list) > limit {
			t.Fatalf("ChangesSince(limit %d) = %d changes", limit, len(list))
		}
		for _, c := range list {
			s := string(c.Kind)
			if c.SignatureID != nil {
				s += fmt.Sprintf(" #%d", *c.SignatureID)
			}
			if statementID == 0 {
				s += fmt.Sprintf(" of %d", c.StatementID)
			}
			if c.At.IsZero() {
				t.Errorf("change %d (%s) has no time", c.ID, c.Kind)
			}
			out = append(out, s)
		}
		if len(list) == 0 {
			if next != after {
				t.Fatalf("ChangesSince(%v) with no changes moved the cursor to %v", after, next)
			}
			return out, after
		}
		if next != list[len(list)-1].Cursor {
			t.Fatalf("ChangesSince cursor %v, want the last change's %v", next, list[len(list)-1].Cursor)
		}
		after = next
	}
}

// TestChangeService_WritePaths checks that every method that changes a
// signature's status or a statement's lifecycle leaves its change, read
// in order with any page size.
func TestChangeService_WritePaths(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			st := openStatement(t, db, "letter", func(s *signon.Statement) { s.RequireConfirmation = true })
			other := openStatement(t, db, "other")
			a := createAccount(t, db, "")
			var want []string
			expect := func(sig *signon.Signature, kinds ...string) {
				for _, k := range kinds {
					if sig != nil {
						k += fmt.Sprintf(" #%d", sig.ID)
					}
					want = append(want, k)
				}
			}

			// The form, with confirmation by email.
			unconfirmed, confirm, _ := createUnconfirmed(t, db, st.ID, "Casa de la Raza")
			expect(unconfirmed, "signature.created")
			if _, err := db.ConfirmSignature(ctx, confirm, t0); err != nil {
				t.Fatal(err)
			}
			expect(unconfirmed, "signature.confirmed", "signature.approved")
			// The API or a form without confirmation, approved at once.
			approved := createSignature(t, db, st.ID, "Frontera Unida", "US-TX", signon.SignatureApproved)
			expect(approved, "signature.created", "signature.approved")
			// Review: approve, reject.
			pending := createSignature(t, db, st.ID, "Red de Apoyo", "MX-CHH", signon.SignaturePending)
			rejected := createSignature(t, db, st.ID, "Spam Inc", "US-CA", signon.SignaturePending)
			expect(pending, "signature.created")
			expect(rejected, "signature.created")
			if err := db.DecideSignatures(ctx, st.ID, []int64{pending.ID}, signon.SignatureApproved, "", t0, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(pending, "signature.approved")
			if err := db.DecideSignatures(ctx, st.ID, []int64{rejected.ID}, signon.SignatureRejected, "spam", t0, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(rejected, "signature.rejected")
			// A correction by a coordinator.
			edit := signon.EditOf(signatureOf(t, db, st, approved.ID))
			edit.City = "Las Cruces"
			edit.Region = "US-NM"
			if _, err := db.UpdateSignature(ctx, st.ID, approved.ID, edit, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(approved, "signature.updated")
			// A duplicate merged into the signature it repeats.
			dup := createSignature(t, db, st.ID, "Casa la Raza", "US-TX", signon.SignaturePending)
			expect(dup, "signature.created")
			// The same organization key is refused, so the duplicate is
			// spelled differently.
			if err := db.MergeSignatures(ctx, st.ID, unconfirmed.ID, dup.ID, false, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(dup, "signature.rejected")
			// Withdrawn by its signer.
			if err := db.SetSignatureStatus(ctx, st.ID, pending.ID, signon.SignatureWithdrawn, t0, 0); err != nil {
				t.Fatal(err)
			}
			expect(pending, "signature.withdrawn")
			// Added by hand and imported.
			manual := newSignature(st.ID, "Comité Hermanos", "US-AZ")
			if err := db.AddSignature(ctx, manual, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(manual, "signature.created", "signature.approved")
			imported := []*signon.Signature{newSignature(st.ID, "Alianza Norte", "US-IL"), newSignature(st.ID, "Unión Sur", "MX-OAX")}
			if err := db.ImportSignatures(ctx, st.ID, imported, a.ID); err != nil {
				t.Fatal(err)
			}
			expect(imported[0], "signature.created", "signature.approved")
			expect(imported[1], "signature.created", "signature.approved")
			// Another statement's signature is in the log of all.
			elsewhere := createSignature(t, db, other.ID, "Otra Voz", "US-TX", signon.SignatureApproved)

			// The lifecycle: closed, delivered, published, delivered.
			st = transition(t, db, st, t0.Add(time.Hour), signon.ActionClose)
			expect(nil, "statement.closed")
			d := &signon.Delivery{StatementID: st.ID, Method: signon.DeliveryInPerson, DeliveredAt: t0.Add(2 * time.Hour),
				Recipients: []signon.DeliveryRecipient{{Name: "Claudia Sheinbaum"}}}
			if err := db.CreateDelivery(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			expect(nil, "statement.delivered")
			transition(t, db, st, t0.Add(3*time.Hour), signon.ActionPublish)
			expect(nil, "statement.published")
			// Erasing personal data is no change the log names.
			if _, err := db.EraseSignature(ctx, st.ID, approved.ID, "The signer asked.", t0.Add(4*time.Hour), a.ID); err != nil {
				t.Fatal(err)
			}

			for _, limit := range []int{1, 3, 100} {
				got, _ := changeLog(t, db, st.ID, signon.ChangeCursor{}, limit)
				if !slices.Equal(got, want) {
					t.Errorf("changes by %d:\n got %s\nwant %s", limit, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
				}
			}
			all, end := changeLog(t, db, 0, signon.ChangeCursor{}, 4)
			if len(all) != len(want)+2 || !slices.Contains(all, fmt.Sprintf("signature.created #%d of %d", elsewhere.ID, other.ID)) {
				t.Errorf("changes of all statements = %q, want %d with the other statement's", all, len(want)+2)
			}
			// From the end, only what comes after.
			createSignature(t, db, other.ID, "Nueva Voz", "US-TX", signon.SignaturePending)
			if got, _ := changeLog(t, db, 0, end, 10); len(got) != 1 || !strings.HasPrefix(got[0], "signature.created") {
				t.Errorf("changes after the end = %q, want the one new signature", got)
			}
		})
	}
}

// TestChangeService_LateCommit checks on PostgreSQL that a change whose
// transaction took its id first but commits last is not passed over: a
// reader sees neither change while the first transaction is open, then
// both, in order.
func TestChangeService_LateCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, url := storetest.OpenURL(t, store.Postgres)
	early := openStatement(t, db, "early")
	late := openStatement(t, db, "late")
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()

	a, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Rollback()
	closeIn := func(q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}, id int64) {
		t.Helper()
		if _, err := q.ExecContext(ctx, `UPDATE statements SET status = 'closed', closed_at = now(), updated_at = now() WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	closeIn(a, early.ID) // takes the lower id, and stays open
	closeIn(raw, late.ID)

	if got, _ := changeLog(t, db, 0, signon.ChangeCursor{}, 10); len(got) != 0 {
		t.Fatalf("changes while the first transaction is open = %q, want none", got)
	}
	if got, _ := changeLog(t, db, late.ID, signon.ChangeCursor{}, 10); len(got) != 0 {
		t.Fatalf("changes of the committed statement while an older transaction is open = %q, want none", got)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	list, _, err := db.ChangesSince(ctx, 0, signon.ChangeCursor{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].StatementID != early.ID || list[1].StatementID != late.ID {
		t.Fatalf("changes after both commits = %+v, want the early statement's, then the late one's", list)
	}
	if list[0].ID >= list[1].ID {
		t.Errorf("ids %d, %d: want the early change's lower, as this test means to show", list[0].ID, list[1].ID)
	}
}

func TestChangeCursor(t *testing.T) {
	t.Parallel()
	for _, c := range []signon.ChangeCursor{{XID: 0, ID: 1}, {XID: 757, ID: 42}, {XID: 1 << 40, ID: 1 << 50}} {
		got, err := signon.ParseChangeCursor(c.String())
		if err != nil || got != c {
			t.Errorf("ParseChangeCursor(%q) = %v, %v; want %v", c.String(), got, err, c)
		}
	}
	if c, err := signon.ParseChangeCursor(""); err != nil || !c.IsZero() {
		t.Errorf(`ParseChangeCursor("") = %v, %v; want the beginning`, c, err)
	}
	for _, s := range []string{"x", "!!!", "MTIz", "MS4w", "LTEuMg", "MS4tMg", "KzguMQ", strings.Repeat("MTEx", 20)} {
		if _, err := signon.ParseChangeCursor(s); err != signon.ErrInvalidCursor {
			t.Errorf("ParseChangeCursor(%q) = %v, want ErrInvalidCursor", s, err)
		}
	}
}
