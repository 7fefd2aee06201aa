package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

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
	normalizeMember(&m)
	return &m, nil
}

// UpdateMember saves every field of m but its times; taking the name of
// another member is an ECONFLICT on the name field.
func (db *DB) UpdateMember(ctx context.Context, m *signon.Member) error {
	now := dbTime(db.gorm.NowFunc())
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&signon.Member{}).Where("id = ?", m.ID).Updates(map[string]any{
			"name": m.Name, "org_key": m.OrgKey, "contact_name": m.ContactName, "country": m.Country,
			"region": m.Region, "city": m.City, "website": m.Website, "email": m.Email,
			"language": m.Language, "updated_at": now,
		})
		switch {
		case res.Error != nil && violates(res.Error, uniqueMemberOrg):
			return errMemberExists()
		case res.Error != nil:
			return fmt.Errorf("store: update member %d: %w", m.ID, res.Error)
		case res.RowsAffected == 0:
			return signon.Errorf(signon.ENOTFOUND, "Member not found.")
		}
		return nil
	})
	if err == nil {
		m.UpdatedAt = now
	}
	return err
}

// DeleteMember removes member id and its invitations. Its signatures
// stay, unlinked: SQLite has no foreign key on signatures.member_id to
// do it (migration 00006), so the store clears it on both databases.
func (db *DB) DeleteMember(ctx context.Context, id int64) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&signon.Signature{}).Where("member_id = ?", id).Update("member_id", nil).Error; err != nil {
			return fmt.Errorf("store: unlink signatures of member %d: %w", id, err)
		}
		res := tx.Where("id = ?", id).Delete(&signon.Member{})
		if res.Error != nil {
			return fmt.Errorf("store: delete member %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return signon.Errorf(signon.ENOTFOUND, "Member not found.")
		}
		return nil
	})
}

// Members lists the roster in the order of the organization keys, which
// fold case and accents alike on both databases. A coalition's roster
// is hundreds of organizations, not millions: the search reads the
// region's members whole and matches them here, with the folding of the
// signature search.
func (db *DB) Members(ctx context.Context, f signon.MemberFilter) ([]*signon.Member, error) {
	q := db.read.WithContext(ctx).Order("org_key, id")
	switch {
	case len(f.Region) == 2:
		q = q.Where("country = ? AND region = ''", strings.ToUpper(f.Region))
	case f.Region != "":
		q = q.Where("region = ?", strings.ToUpper(f.Region))
	}
	var list []*signon.Member
	if err := q.Find(&list).Error; err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	query := foldForSearch(f.Query)
	if query != "" {
		list = slices.DeleteFunc(list, func(m *signon.Member) bool {
			for _, s := range []string{m.Name, m.ContactName, m.City, m.Email} {
				if strings.Contains(foldForSearch(s), query) {
					return false
				}
			}
			return true
		})
	}
	for _, m := range list {
		normalizeMember(m)
	}
	return list, nil
}

// MembersByOrgKey returns the members whose organization key is among
// keys, by key.
func (db *DB) MembersByOrgKey(ctx context.Context, keys []string) (map[string]*signon.Member, error) {
	return membersByOrgKey(db.read.WithContext(ctx), keys)
}

func membersByOrgKey(tx *gorm.DB, keys []string) (map[string]*signon.Member, error) {
	out := make(map[string]*signon.Member)
	for chunk := range slices.Chunk(keys, inChunk) {
		var list []*signon.Member
		if err := tx.Where("org_key IN ?", chunk).Find(&list).Error; err != nil {
			return nil, fmt.Errorf("store: members by key: %w", err)
		}
		for _, m := range list {
			normalizeMember(m)
			out[m.OrgKey] = m
		}
	}
	return out, nil
}

// memberIDByOrgKey links a signature to the member it names, for the
// roster and the review list. The link says who signed, not that the
// signer may be trusted as the member: anyone can type a name, and only
// an invitation's link gives a member's treatment.
func memberIDByOrgKey(tx *gorm.DB, key string) (*int64, error) {
	if key == "" {
		return nil, nil
	}
	var ids []int64
	if err := tx.Model(&signon.Member{}).Where("org_key = ?", key).Limit(1).Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("store: member of key %q: %w", key, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return &ids[0], nil
}

// ImportMembers adds every member of list in one transaction: if one of
// them is already on the roster, none is added and the error is the
// ECONFLICT of CreateMember. by is the account importing, for the trail.
func (db *DB) ImportMembers(ctx context.Context, list []*signon.Member, by int64) error {
	if len(list) == 0 {
		return nil
	}
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := tx.NowFunc()
		for _, m := range list {
			m.ID, m.CreatedAt, m.UpdatedAt = 0, now, now
		}
		if err := tx.CreateInBatches(list, 500).Error; err != nil {
			if violates(err, uniqueMemberOrg) {
				return errMemberExists()
			}
			return fmt.Errorf("store: import members: %w", err)
		}
		return createEvent(tx, &signon.Event{AccountID: accountRef(by), Action: "member.import", Detail: strconv.Itoa(len(list))})
	})
	if err != nil {
		for _, m := range list {
			m.ID = 0
		}
	}
	return err
}

func normalizeMember(m *signon.Member) {
	dbTimes(&m.CreatedAt, &m.UpdatedAt)
}
