package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/signon-coalition/signon/internal/signon"
)

// MemberStandings lists every member of the roster, in the order of
// Members, with its standing signature of statement statementID and the
// time of its last invitation or reminder about it.
func (db *DB) MemberStandings(ctx context.Context, statementID int64) ([]*signon.MemberStanding, error) {
	return memberStandings(db.read.WithContext(ctx), statementID)
}

// memberStandings reads the standings in tx. Three plain queries joined
// here, rather than one with subqueries: the roster is small, and both
// databases then read dates the same way.
func memberStandings(tx *gorm.DB, statementID int64) ([]*signon.MemberStanding, error) {
	var members []*signon.Member
	if err := tx.Order("org_key, id").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("store: list members: %w", err)
	}
	// Only the signatures that can be a member's: linked to one, or in
	// the name of one. A statement with many thousands of signatories
	// and a roster of a hundred reads a hundred rows, not thousands.
	var sigs []*signon.Signature
	err := tx.Where("statement_id = ? AND status IN ?", statementID, standingStatuses).
		Where("member_id IS NOT NULL OR org_key IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&signon.Member{}).Select("org_key")).
		Order("id").Find(&sigs).Error
	if err != nil {
		return nil, fmt.Errorf("store: signatures of statement %d: %w", statementID, err)
	}
	byMember, byKey := map[int64]*signon.Signature{}, map[string]*signon.Signature{}
	for _, s := range sigs {
		normalizeSignature(s)
		if s.MemberID != nil {
			byMember[*s.MemberID] = s
		}
		byKey[s.OrgKey] = s
	}
	var invs []signon.Invitation
	if err := tx.Select("member_id", "created_at").Where("statement_id = ?", statementID).Find(&invs).Error; err != nil {
		return nil, fmt.Errorf("store: invitations of statement %d: %w", statementID, err)
	}
	last := map[int64]time.Time{}
	for _, inv := range invs {
		dbTimes(&inv.CreatedAt)
		if inv.CreatedAt.After(last[inv.MemberID]) {
			last[inv.MemberID] = inv.CreatedAt
		}
	}
	lead, err := leadKeys(tx, statementID)
	if err != nil {
		return nil, err
	}
	out := make([]*signon.MemberStanding, len(members))
	for i, m := range members {
		normalizeMember(m)
		ms := &signon.MemberStanding{Member: m, Signature: byMember[m.ID], Lead: lead[m.OrgKey]}
		if ms.Signature == nil {
			ms.Signature = byKey[m.OrgKey]
		}
		if t, ok := last[m.ID]; ok {
			ms.LastInvited = &t
		}
		out[i] = ms
	}
	return out, nil
}

// SendInvitations invites the members ids to sign statement statementID.
// See sendInvitations.
func (db *DB) SendInvitations(ctx context.Context, statementID int64, ids []int64, now time.Time, by int64, compose signon.ComposeInvitation) (signon.InvitationResult, error) {
	return db.sendInvitations(ctx, statementID, signon.InvitationInvite, ids, now, by, compose)
}

// SendReminders reminds every member of the roster who may be reminded at
// now. See sendInvitations.
func (db *DB) SendReminders(ctx context.Context, statementID int64, now time.Time, by int64, compose signon.ComposeInvitation) (signon.InvitationResult, error) {
	return db.sendInvitations(ctx, statementID, signon.InvitationReminder, nil, now, by, compose)
}

// sendInvitations writes, in one transaction, an invitation of kind and
// its email (made by compose with a fresh token) for each member of ids
// (every member when ids is nil) that MayRemind at now, and one event
// with their number. The others are skipped: the rule that no member
// hears about a statement twice within signon.ReminderInterval is kept
// here, under the statement's lock, so two coordinators sending at the
// same moment cannot both write to one member. Without a member to
// write to, nothing is stored.
func (db *DB) sendInvitations(ctx context.Context, statementID int64, kind string, ids []int64, now time.Time, by int64, compose signon.ComposeInvitation) (signon.InvitationResult, error) {
	var res signon.InvitationResult
	now = dbTime(now)
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res = signon.InvitationResult{}
		st, err := db.lockStatement(tx, statementID)
		if err != nil {
			return err
		}
		// Before it opens, only its lead signers may be invited: they
		// are its founding signers (signon.TakesFoundingSignatures).
		founding := st.TakesFoundingSignatures(now)
		if !st.AcceptsSignatures(now) && !founding {
			return signon.KeyedError(signon.ECONFLICT, "roster.error.not_open", "Invitations go out only while the statement is open.")
		}
		standings, err := memberStandings(tx, statementID)
		if err != nil {
			return err
		}
		if founding {
			standings = slices.DeleteFunc(standings, func(m *signon.MemberStanding) bool { return !m.Lead })
			if len(standings) == 0 {
				return signon.KeyedError(signon.ECONFLICT, "lead.error.no_founding", "Before the statement opens, invitations go only to its lead signers; mark some first.")
			}
		}
		var (
			invs   []*signon.Invitation
			emails []*signon.Email
		)
		for _, m := range standings {
			if ids != nil && !slices.Contains(ids, m.ID) {
				continue
			}
			if !m.MayRemind(now) {
				res.Skipped++
				continue
			}
			token, hash, err := newInvitationToken()
			if err != nil {
				return err
			}
			e, err := compose(m.Member, kind, token)
			if err != nil {
				return err
			}
			e.StatementID, e.MemberID = &statementID, &m.ID
			invs = append(invs, &signon.Invitation{
				StatementID: statementID, MemberID: m.ID, Kind: kind, TokenHash: hash, CreatedBy: accountRef(by), CreatedAt: now,
			})
			emails = append(emails, e)
		}
		if len(invs) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(invs, 500).Error; err != nil {
			return fmt.Errorf("store: create invitations: %w", err)
		}
		if err := db.queueEmails(tx, emails...); err != nil {
			return err
		}
		res.Sent = len(invs)
		return createEvent(tx, &signon.Event{
			StatementID: &statementID, AccountID: accountRef(by), Action: "invitation." + kind, Detail: strconv.Itoa(res.Sent),
		})
	})
	if err != nil {
		return signon.InvitationResult{}, err
	}
	return res, nil
}

// InvitationByToken returns the invitation whose link carries token.
func (db *DB) InvitationByToken(ctx context.Context, token string) (*signon.Invitation, error) {
	var inv signon.Invitation
	if err := db.read.WithContext(ctx).Where("token_hash = ?", invitationTokenHash(token)).Take(&inv).Error; err != nil {
		return nil, notFound(err, "Invitation not found.")
	}
	dbTimes(&inv.CreatedAt)
	return &inv, nil
}

// newInvitationToken makes the random token of an invitation's link, 32
// bytes written URL-safe, and the hash the store keeps of it: someone
// reading the database cannot sign as a member.
func newInvitationToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("store: invitation token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, invitationTokenHash(token), nil
}

func invitationTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MemberSignature returns m's standing signature of statement
// statementID, found as MemberStandings finds it (by member id or
// organization key), or nil when it has not signed.
func (db *DB) MemberSignature(ctx context.Context, statementID int64, m *signon.Member) (*signon.Signature, error) {
	var list []*signon.Signature
	err := db.read.WithContext(ctx).
		Where("statement_id = ? AND status IN ? AND (member_id = ? OR org_key = ?)", statementID, standingStatuses, m.ID, m.OrgKey).
		Order("id").Limit(1).Find(&list).Error
	if err != nil {
		return nil, fmt.Errorf("store: signature of member %d: %w", m.ID, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	normalizeSignature(list[0])
	return list[0], nil
}
