package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// ListName reads the list_name the database folded for signature id,
// for tests that compare it with the search's own fold.
func (db *DB) ListName(ctx context.Context, id int64) (string, error) {
	var name string
	err := db.read.WithContext(ctx).Raw("SELECT list_name FROM signatures WHERE id = ?", id).Row().Scan(&name)
	return name, err
}

// FoldForSearch is foldForSearch, for the tests of list_name.
var FoldForSearch = foldForSearch

// SignaturePlans explains the two queries Signatures runs for f: the
// count and the page. On PostgreSQL, sequential scans and sorts are
// priced out first, so the plan shows whether an index can serve the
// query at all, whatever a small test table's statistics would make the
// planner prefer; benchmarks measure the choice at full size.
func (db *DB) SignaturePlans(ctx context.Context, f signon.SignatureFilter, page int) (count, list string, err error) {
	dry := db.read.WithContext(ctx).Session(&gorm.Session{DryRun: true})
	var n int64
	countStmt := signatureScope(dry.Model(&signon.Signature{}), f).Count(&n).Statement
	var rows []*signon.Signature
	pageStmt := db.signaturePage(ctx, f, page, 100).Session(&gorm.Session{DryRun: true}).Find(&rows).Statement

	explain := "EXPLAIN QUERY PLAN "
	if db.dialect == Postgres {
		explain = "EXPLAIN "
	}
	err = db.read.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off",
				"SET LOCAL enable_sort = off", "SET LOCAL enable_incremental_sort = off"} {
				if err := tx.Exec(set).Error; err != nil {
					return err
				}
			}
		}
		plan := func(stmt *gorm.Statement) (string, error) {
			r, err := tx.Raw(explain+stmt.SQL.String(), stmt.Vars...).Rows()
			if err != nil {
				return "", fmt.Errorf("explain %s: %w", stmt.SQL.String(), err)
			}
			defer r.Close()
			cols, err := r.Columns()
			if err != nil {
				return "", err
			}
			var lines []string
			for r.Next() {
				// The plan's text is the last column in both databases.
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := r.Scan(ptrs...); err != nil {
					return "", err
				}
				lines = append(lines, fmt.Sprintf("%s", vals[len(vals)-1]))
			}
			return strings.Join(lines, "\n"), r.Err()
		}
		if count, err = plan(countStmt); err != nil {
			return err
		}
		list, err = plan(pageStmt)
		return err
	})
	return count, list, err
}
