package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

func errMemberExists() error {
	return &signon.Error{
		Code:    signon.ECONFLICT,
		Key:     "error.member_exists",
		Message: "A member with this name is already on the roster.",
		Fields:  signon.Problems{"name": {Code: signon.ProblemTaken}},
	}
}

// CreateMember stores m; a member with the same organization key is an
// ECONFLICT on the name field.
func (db *DB) CreateMember(ctx context.Context, m *signon.Member) error {
	orig := *m
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return createMember(tx, m)
	})
	if err != nil {
		*m = orig
	}
	return err
}

func createMember(tx *gorm.DB, m *signon.Member) error {
	now := tx.NowFunc()
	m.CreatedAt, m.UpdatedAt = now, now
	if err := tx.Create(m).Error; err != nil {
		if violates(err, uniqueMemberOrg) {
			return errMemberExists()
		}
		return fmt.Errorf("store: create member: %w", err)
	}
	return nil
}

// MemberByID returns member id.
func (db *DB) MemberByID(ctx context.Context, id int64) (*signon.Member, error) {
	var m signon.Member
	if err := db.read.WithContext(ctx).Where("id = ?", id).Take(&m).Error; err != nil {
		return nil, notFound(err, "Member not found.")
	}
	dbTimes(&m.CreatedAt, &m.UpdatedAt)
	return &m, nil
}
