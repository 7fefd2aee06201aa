package store

import (
	"context"

	"github.com/signon-coalition/signon/internal/signon"
)

// CountedByScan counts statement id's approved signatures by country and
// region with a GROUP BY over the signatures themselves: what the rollup
// must always equal.
func (db *DB) CountedByScan(ctx context.Context, id int64) (map[[2]string]int, error) {
	var rows []countRow
	err := db.read.WithContext(ctx).Model(&signon.Signature{}).
		Select("country, region, count(*) AS n").
		Where("statement_id = ? AND status = ?", id, signon.SignatureApproved).
		Group("country, region").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := map[[2]string]int{}
	for _, r := range rows {
		out[[2]string{r.Country, r.Region}] = r.N
	}
	return out, nil
}

// PendingCountDeltas is the number of deltas not yet folded.
func (db *DB) PendingCountDeltas(ctx context.Context) (int, error) {
	var n int
	err := db.read.WithContext(ctx).Raw("SELECT count(*) FROM signature_count_deltas").Scan(&n).Error
	return n, err
}
