package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/signon"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/internal/store/storetest"
	"github.com/signon-coalition/signon/migrations"
)

// t0 is a moment in a zone other than UTC, with nanoseconds, so tests
// see the store convert and truncate it.
var t0 = time.Date(2025, 11, 20, 9, 30, 15, 123456789, time.FixedZone("CST", -6*60*60))

// stored is t as the store keeps it.
func stored(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func TestOpen(t *testing.T) {
	t.Parallel()
	t.Run("UnknownScheme", func(t *testing.T) {
		for _, url := range []string{"mysql://root@localhost/signon", "signon.db", "", "sqlite:", "file:signon.db"} {
			db, err := store.Open(context.Background(), url)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) = nil error, want one", url)
			}
			if !strings.Contains(err.Error(), "sqlite:") {
				t.Errorf("Open(%q) = %q, want it to name the accepted forms", url, err)
			}
		}
	})

	t.Run("RedactsPassword", func(t *testing.T) {
		_, err := store.Open(context.Background(), "mysql://root:hunter2@localhost/signon")
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open() = %v, want an error without the password", err)
		}
	})

	t.Run("SQLite", func(t *testing.T) {
		db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := db.Dialect(); got != store.SQLite {
			t.Errorf("Dialect() = %q, want %q", got, store.SQLite)
		}
		if err := db.Ping(context.Background()); err != nil {
			t.Errorf("Ping() = %v", err)
		}
	})
}

func TestDB_Migrate(t *testing.T) {
	t.Parallel()
	t.Run("PendingBeforeMigrate", func(t *testing.T) {
		ctx := context.Background()
		db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// Every migration is pending, however many have been added since:
		// the SQL files and River's Go migration.
		files, err := fs.Glob(migrations.FS, "sqlite/*.sql")
		if err != nil || len(files) == 0 {
			t.Fatalf("sqlite migrations: %v, %d files", err, len(files))
		}
		want := fmt.Sprintf("%d migration(s) pending", len(files)+1)
		err = db.SchemaCurrent(ctx)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("SchemaCurrent() before Migrate = %v, want %q", err, want)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.SchemaCurrent(ctx); err != nil {
			t.Errorf("SchemaCurrent() after Migrate = %v, want nil", err)
		}
	})

	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := storetest.Open(t, dialect)
			if got := db.Dialect(); got != dialect {
				t.Errorf("Dialect() = %q, want %q", got, dialect)
			}
			if err := db.SchemaCurrent(ctx); err != nil {
				t.Fatalf("SchemaCurrent() after Migrate = %v, want nil", err)
			}
			a := createAccount(t, db, "ana@example.org")
			if err := db.Migrate(ctx); err != nil {
				t.Fatalf("second Migrate() = %v, want nil", err)
			}
			if err := db.SchemaCurrent(ctx); err != nil {
				t.Errorf("SchemaCurrent() after second Migrate = %v", err)
			}
			if n, err := db.CountAccounts(ctx); err != nil || n != 1 {
				t.Errorf("CountAccounts() after second Migrate = %d, %v; want 1 (account %d kept)", n, err, a.ID)
			}
		})
	}
}

// wantCode fails t unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := signon.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

var accountSeq atomic.Int64

func createAccount(t testing.TB, db *store.DB, email string) *signon.Account {
	t.Helper()
	if email == "" {
		email = fmt.Sprintf("coordinator%d@example.org", accountSeq.Add(1))
	}
	a := &signon.Account{Email: email, Name: "Ana López", Role: signon.RoleCoordinator, PasswordHash: "$argon2id$not-a-real-hash"}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		t.Fatalf("CreateAccount(%s) = %v", email, err)
	}
	return a
}

// newStatement is a valid draft letter with slug.
func newStatement(slug string) *signon.Statement {
	return &signon.Statement{
		Slug:        slug,
		Kind:        signon.KindLetter,
		Title:       "Letter to the North American Leaders",
		Summary:     "Migrant-led organizations ask for safe passage.",
		Body:        "We, the undersigned organizations…",
		AddressedTo: "The leaders of Canada, Mexico and the United States",
		Occasion:    "North American Leaders' Summit",
		Language:    "en",
		Approval:    signon.ApprovalNone,
		Visibility:  signon.VisibleWhileOpen,
	}
}

func createStatement(t testing.TB, db *store.DB, by int64, slug string) *signon.Statement {
	t.Helper()
	s := newStatement(slug)
	if err := db.CreateStatement(context.Background(), s, by); err != nil {
		t.Fatalf("CreateStatement(%s) = %v", slug, err)
	}
	return s
}

// newSignature is an approved signature of statementID from org in region
// (a region code such as "US-TX", or a bare country code outside US, MX, CA).
func newSignature(statementID int64, org, region string) *signon.Signature {
	country, _, _ := strings.Cut(region, "-")
	if len(region) == 2 {
		region = ""
	}
	return &signon.Signature{
		StatementID:      statementID,
		SignerType:       signon.SignerOrganization,
		Organization:     org,
		OrgKey:           signon.OrganizationKey(org),
		SignerName:       "María Pérez",
		SignerTitle:      "Directora",
		Email:            "maria@example.org",
		City:             "El Paso",
		Country:          country,
		Region:           region,
		Website:          "https://example.org",
		Language:         "es",
		Status:           signon.SignatureApproved,
		Source:           signon.SourceForm,
		StatementVersion: 1,
	}
}

func createSignature(t testing.TB, db *store.DB, statementID int64, org, region string, status signon.SignatureStatus) *signon.Signature {
	t.Helper()
	sig := newSignature(statementID, org, region)
	sig.Status = status
	if err := db.CreateSignature(context.Background(), sig, nil); err != nil {
		t.Fatalf("CreateSignature(%s) = %v", org, err)
	}
	return sig
}

// listFixture stores a letter with signatures of every status from several
// regions and countries, in no order, and another letter with one of its
// own that no listing of the first may show, for the tests of listing and
// streaming.
func listFixture(t testing.TB, db *store.DB) *signon.Statement {
	t.Helper()
	a := createAccount(t, db, "")
	st := createStatement(t, db, a.ID, "letter")
	other := createStatement(t, db, a.ID, "other")
	createSignature(t, db, st.ID, "delta Alliance", "US-TX", signon.SignatureApproved)
	createSignature(t, db, st.ID, "Alpha Collective", "MX-CHH", signon.SignatureApproved)
	createSignature(t, db, st.ID, "Charlie Network", "US-TX", signon.SignatureApproved)
	createSignature(t, db, st.ID, "Bravo Coalition", "US-CA", signon.SignatureApproved)
	createSignature(t, db, st.ID, "echo Group", "GT", signon.SignatureApproved)
	createSignature(t, db, st.ID, "Aaron Pending", "US-TX", signon.SignaturePending)
	createSignature(t, db, st.ID, "Abel Unconfirmed", "US-TX", signon.SignatureUnconfirmed)
	createSignature(t, db, st.ID, "Zulu Rejected", "US-TX", signon.SignatureRejected)
	createSignature(t, db, other.ID, "Other Letter Org", "US-TX", signon.SignatureApproved)
	return st
}
