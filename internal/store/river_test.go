package store_test

import (
	"context"
	"testing"

	"github.com/riverqueue/river/rivermigrate"

	"github.com/signon-coalition/signon/internal/store/storetest"
)

// River's own migrator finds its schema complete after the project's
// migrations: an upgrade of River that brings a new schema version fails
// here until a migration brings it too.
func TestMigrate_RiverSchemaCurrent(t *testing.T) {
	t.Parallel()
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			db := storetest.Open(t, dialect)
			m, err := rivermigrate.New(db.RiverDriver(), nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := m.Validate(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.OK {
				t.Errorf("River's schema is not current: %v", res.Messages)
			}
		})
	}
}
