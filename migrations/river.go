package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// RiverVersion is the version of River's own schema that migration 00005
// brings. A River upgrade that adds a schema version gets a new Go
// migration here with the next number, migrating to the new version.
const RiverVersion = 8

// River returns migration 00005: the tables of River, the job queue that
// delivers email and runs Signon's periodic work, for dialect "postgres"
// or "sqlite". River's own migrator writes them, so the project's
// migrations stay the one way the schema changes and River's record of
// its versions (river_migration) agrees.
//
// On PostgreSQL each of River's versions commits on its own, not in one
// transaction of goose's: a later version uses an enum value an earlier
// one adds, which one transaction cannot do. River records each version
// as it commits, so a run stopped halfway resumes where it stopped. On
// SQLite, whose one connection goose holds while it migrates, the whole
// schema goes in goose's transaction.
func River(dialect string) (*goose.Migration, error) {
	opts := func(target int) *rivermigrate.MigrateOpts { return &rivermigrate.MigrateOpts{TargetVersion: target} }
	switch dialect {
	case "postgres":
		run := func(dir rivermigrate.Direction, target int) *goose.GoFunc {
			return &goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error {
				m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
				if err == nil {
					_, err = m.Migrate(ctx, dir, opts(target))
				}
				return riverErr(dir, err)
			}}
		}
		return goose.NewGoMigration(5, run(rivermigrate.DirectionUp, RiverVersion), run(rivermigrate.DirectionDown, -1)), nil
	case "sqlite":
		run := func(dir rivermigrate.Direction, target int) *goose.GoFunc {
			return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
				m, err := rivermigrate.New(riversqlite.New(nil), nil)
				if err == nil {
					_, err = m.MigrateTx(ctx, tx, dir, opts(target))
				}
				return riverErr(dir, err)
			}}
		}
		return goose.NewGoMigration(5, run(rivermigrate.DirectionUp, RiverVersion), run(rivermigrate.DirectionDown, -1)), nil
	}
	return nil, fmt.Errorf("migrations: no River schema for dialect %q", dialect)
}

func riverErr(dir rivermigrate.Direction, err error) error {
	if err != nil {
		return fmt.Errorf("migrations: river %s: %w", dir, err)
	}
	return nil
}
