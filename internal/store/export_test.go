package store

import "context"

// Exec runs query directly, for tests that need a state the service
// methods do not offer, such as a withdrawn signature.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.gorm.WithContext(ctx).Exec(query, args...).Error
}
