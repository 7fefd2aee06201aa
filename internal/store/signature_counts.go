package store

// The public counts of a statement's signatures come from a rollup
// (migrations 00009): triggers on signatures append a delta row for each
// change the public sees, in the transaction of the change, and
// FoldSignatureCounts adds the deltas into signature_counts about once a
// second. A read sums the statement's rows of both tables, a few dozen
// rows however many have signed, so it is exact at once and never reads
// the signatures themselves; no signer waits for a counter row another
// holds, since nothing but the folder updates signature_counts.

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// foldLock is the PostgreSQL advisory lock key held by the instance
// folding the deltas, so several instances take turns instead of
// waiting on each other's rows.
const foldLock int64 = 0x7369676e636e74

// countsOf is the rollup of the statements in ids as one snapshot sees
// it: the folded counts and the deltas not yet folded, each delta one
// change.
const countsOf = `
SELECT statement_id, country, region, n, changes FROM signature_counts WHERE statement_id IN ?
UNION ALL
SELECT statement_id, country, region, n, 1 FROM signature_count_deltas WHERE statement_id IN ?`

type countRow struct {
	StatementID int64
	Country     string
	Region      string
	N           int
	Changes     int64
}

// SignatureStats counts a statement's approved signatures by region and
// by country, from the rollup. Its Version is CountsVersion's, read in
// the same statement, so a cache can key the counts it holds by it.
func (db *DB) SignatureStats(ctx context.Context, statementID int64) (*signon.Stats, error) {
	var rows []countRow
	err := db.read.WithContext(ctx).
		Raw(`SELECT country, region, CAST(sum(n) AS bigint) AS n, CAST(sum(changes) AS bigint) AS changes FROM (`+countsOf+`) c GROUP BY country, region`,
			[]int64{statementID}, []int64{statementID}).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: signature stats of statement %d: %w", statementID, err)
	}
	stats := &signon.Stats{ByRegion: []signon.RegionCount{}, ByCountry: []signon.CountryCount{}}
	byCountry := map[string]int{}
	for _, r := range rows {
		stats.Version += r.Changes
		if r.N <= 0 { // every signature of the place gone, or only corrected
			continue
		}
		stats.Total += r.N
		byCountry[r.Country] += r.N
		if r.Region != "" {
			stats.ByRegion = append(stats.ByRegion, signon.RegionCount{Region: r.Region, Country: r.Country, Count: r.N})
		}
	}
	for c, n := range byCountry {
		stats.ByCountry = append(stats.ByCountry, signon.CountryCount{Country: c, Count: n})
	}
	slices.SortFunc(stats.ByRegion, func(a, b signon.RegionCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Region, b.Region))
	})
	slices.SortFunc(stats.ByCountry, func(a, b signon.CountryCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Country, b.Country))
	})
	return stats, nil
}

// SignatureCounts returns the number of approved signatures of each
// statement in ids, zero included, from the rollup.
func (db *DB) SignatureCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	counts := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return counts, nil
	}
	for _, id := range ids {
		counts[id] = 0
	}
	var rows []countRow
	err := db.read.WithContext(ctx).
		Raw(`SELECT statement_id, CAST(sum(n) AS bigint) AS n FROM (`+countsOf+`) c GROUP BY statement_id`, ids, ids).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: count signatures: %w", err)
	}
	for _, r := range rows {
		counts[r.StatementID] = r.N
	}
	return counts, nil
}

// CountsVersion returns a number that grows with every committed change
// of what the public sees of statement id's signatures: a signature
// approved, withdrawn, rejected, moved to another place, or a public
// field of an approved one corrected. It is the number of such changes
// ever made, so it never repeats a value for different counts, whatever
// order concurrent changes commit in; it is cheap enough to ask on every
// request, for an ETag or a page cache's key.
func (db *DB) CountsVersion(ctx context.Context, id int64) (int64, error) {
	var v int64
	err := db.read.WithContext(ctx).
		Raw(`SELECT CAST(coalesce(sum(changes), 0) AS bigint) FROM (`+countsOf+`) c`, []int64{id}, []int64{id}).
		Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("store: counts version of statement %d: %w", id, err)
	}
	return v, nil
}

// FoldSignatureCounts adds the pending deltas into signature_counts and
// deletes them, in one transaction, so a read sees each change exactly
// once, before or after. It returns the number of count rows it changed.
// Reads are exact without it; it keeps the deltas a read sums few. On
// PostgreSQL an instance that finds another folding returns 0 at once.
func (db *DB) FoldSignatureCounts(ctx context.Context) (int, error) {
	var pending bool
	err := db.read.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM signature_count_deltas)`).Scan(&pending).Error
	if err != nil || !pending {
		// Taking SQLite's one writer every second for nothing would make
		// a signer wait.
		return 0, wrapFold(err)
	}
	var folded int64
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			var locked bool
			if err := tx.Raw(`SELECT pg_try_advisory_xact_lock(?)`, foldLock).Scan(&locked).Error; err != nil || !locked {
				return err
			}
			// Deltas committed after this statement began stay for the
			// next fold; the rows are updated in key order, so a fold
			// never deadlocks with another (if the lock were bypassed).
			res := tx.Exec(`
WITH d AS (DELETE FROM signature_count_deltas RETURNING statement_id, country, region, n)
INSERT INTO signature_counts (statement_id, country, region, n, changes)
SELECT statement_id, country, region, sum(n), count(*) FROM d
GROUP BY statement_id, country, region ORDER BY statement_id, country, region
ON CONFLICT (statement_id, country, region) DO UPDATE
SET n = signature_counts.n + EXCLUDED.n, changes = signature_counts.changes + EXCLUDED.changes`)
			folded = res.RowsAffected
			return res.Error
		}
		// SQLite's write transaction holds its one writer: no delta can
		// be added between the two statements.
		res := tx.Exec(`
INSERT INTO signature_counts (statement_id, country, region, n, changes)
SELECT statement_id, country, region, sum(n), count(*) FROM signature_count_deltas WHERE true
GROUP BY statement_id, country, region
ON CONFLICT (statement_id, country, region) DO UPDATE
SET n = signature_counts.n + excluded.n, changes = signature_counts.changes + excluded.changes`)
		if res.Error != nil {
			return res.Error
		}
		folded = res.RowsAffected
		return tx.Exec(`DELETE FROM signature_count_deltas`).Error
	})
	return int(folded), wrapFold(err)
}

func wrapFold(err error) error {
	if err != nil {
		return fmt.Errorf("store: fold signature counts: %w", err)
	}
	return nil
}

// FoldSignatureCountsEvery folds the counts' deltas every interval until
// ctx ends, logging what fails and trying again at the next tick: a
// fold that fails loses nothing, and reads stay exact meanwhile.
func (db *DB) FoldSignatureCountsEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.FoldSignatureCounts(ctx); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "folding signature counts", slog.Any("error", err))
			}
		}
	}
}
