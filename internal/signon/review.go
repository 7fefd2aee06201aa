package signon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Review is what coordinators do with the signatures of a statement
// before it is published: approve or reject them (one at a time or many
// at once), correct what a signer mistyped, fold a duplicate into the
// signature it repeats, and add the signatures of groups that signed by
// email, phone or a spreadsheet.

// MaxRejectionReason is the longest reason a rejection may carry.
const MaxRejectionReason = 500

// ReasonMerged is the rejection reason of a signature merged into another.
const ReasonMerged = "merged"

// ProblemAlreadySigned: the organization has a standing signature.
const ProblemAlreadySigned = "already_signed"

// signatureMoves lists, for each status a coordinator or signer may set,
// the statuses it may be reached from. A withdrawal is the signer's and
// final; a rejection can be reconsidered.
var signatureMoves = map[SignatureStatus][]SignatureStatus{
	SignatureApproved:  {SignatureUnconfirmed, SignaturePending, SignatureRejected},
	SignatureRejected:  {SignatureUnconfirmed, SignaturePending, SignatureApproved},
	SignatureWithdrawn: {SignatureUnconfirmed, SignaturePending, SignatureApproved},
}

// CanMove reports whether a signature may go from one status to another:
// approved or rejected by a coordinator, or withdrawn by its signer.
func CanMove(from, to SignatureStatus) bool {
	return slices.Contains(signatureMoves[to], from)
}

// CanDecide reports whether a coordinator may move a signature from one
// status to another: approving or rejecting what awaits a decision, and
// reconsidering a decision. A withdrawal is the signer's and final.
func CanDecide(from, to SignatureStatus) bool {
	return (to == SignatureApproved || to == SignatureRejected) && CanMove(from, to)
}

// CheckDecision validates a coordinator's decision: to is approved or
// rejected, and a rejection's reason fits. It returns the reason as it is
// stored, spaces collapsed; an approval carries none.
func CheckDecision(to SignatureStatus, reason string) (string, error) {
	if to != SignatureApproved && to != SignatureRejected {
		return "", KeyedError(EINVALID, "coordinate.error.signature_status", "Choose to approve or reject the signature.")
	}
	if to == SignatureApproved {
		return "", nil
	}
	reason = collapseSpace(reason)
	p := Problems{}
	optionalText(p, "reason", reason, MaxRejectionReason)
	return reason, p.Err()
}

// Bulk problem codes: why one signature of a decision on many could not
// be moved.
const (
	BulkNotFound   = "not_found"      // not a signature of the statement
	BulkAlready    = "already"        // already in the status asked for
	BulkNotAllowed = "not_allowed"    // its status cannot move there (withdrawn)
	BulkDuplicate  = "already_signed" // approving it would make a second standing signature
)

// BulkProblem is one signature a decision on many could not move.
type BulkProblem struct {
	SignatureID int64
	Name        string // empty when the signature was not found
	Status      SignatureStatus
	Code        string
}

// BulkError refuses a decision on many signatures, none of which was
// changed, and says what stood in the way of each signature that did.
type BulkError struct {
	Problems []BulkProblem
}

func (e *BulkError) Error() string {
	return fmt.Sprintf("signon: %d signature(s) could not be moved; nothing was changed", len(e.Problems))
}

// Unwrap makes a BulkError an ECONFLICT for ErrorCode and friends.
func (e *BulkError) Unwrap() error {
	return KeyedError(ECONFLICT, "review.error.bulk", "Some of the selected signatures cannot be changed; nothing was changed.")
}

// OneDecision reads the refusal of a decision on one signature
// (DecideSignatures with one id) as that signature's own: none when it
// had the status asked for already, so a button pressed twice is not an
// error; not found when it is not the statement's; ErrAlreadySigned
// when another signature of its organization stands.
func OneDecision(err error) error {
	var bulk *BulkError
	if !errors.As(err, &bulk) || len(bulk.Problems) != 1 {
		return err
	}
	switch bulk.Problems[0].Code {
	case BulkAlready:
		return nil
	case BulkNotFound:
		return Errorf(ENOTFOUND, "Signature not found.")
	case BulkDuplicate:
		return ErrAlreadySigned
	}
	return err
}

// SignatureEdit is what a coordinator (or, later, the signer) may
// correct in a signature: its public fields. The email, the status and
// where it came from are not corrections.
type SignatureEdit struct {
	Organization string
	SignerName   string
	SignerTitle  string
	City         string
	Country      string
	Region       string
	Website      string
}

// EditOf is the edit that leaves sig as it is: the form's first values.
func EditOf(sig *Signature) SignatureEdit {
	return SignatureEdit{
		Organization: sig.Organization, SignerName: sig.SignerName, SignerTitle: sig.SignerTitle,
		City: sig.City, Country: sig.Country, Region: sig.Region, Website: sig.Website,
	}
}

// FieldChange is one field an edit changed, as the audit trail records it.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Apply validates e as the sign form validates a signature of st and
// changes sig to it, returning what changed in the order of the form.
// The organization key follows the organization. Nothing changes on
// error.
func (e SignatureEdit) Apply(st *Statement, sig *Signature) ([]FieldChange, error) {
	v, err := SignatureInput{
		SignerType: string(sig.SignerType), Organization: e.Organization, SignerName: e.SignerName,
		SignerTitle: e.SignerTitle, Email: sig.Email, City: e.City, Country: e.Country,
		Region: e.Region, Website: e.Website, Language: sig.Language,
	}.Validate(st)
	if err != nil {
		return nil, err
	}
	var changes []FieldChange
	for _, f := range []struct {
		name string
		to   string
		from *string
	}{
		{"organization", v.Organization, &sig.Organization},
		{"signer_name", v.SignerName, &sig.SignerName},
		{"signer_title", v.SignerTitle, &sig.SignerTitle},
		{"city", v.City, &sig.City},
		{"country", v.Country, &sig.Country},
		{"region", v.Region, &sig.Region},
		{"website", v.Website, &sig.Website},
	} {
		if *f.from != f.to {
			changes = append(changes, FieldChange{Field: f.name, From: *f.from, To: f.to})
			*f.from = f.to
		}
	}
	sig.OrgKey = v.OrgKey
	return changes, nil
}

// EncodeChanges is the detail of a signature.update event.
func EncodeChanges(changes []FieldChange) string {
	b, _ := json.Marshal(changes) // plain strings always encode
	return string(b)
}

// DecodeChanges reads the detail of a signature.update event.
func DecodeChanges(detail string) ([]FieldChange, bool) {
	var changes []FieldChange
	if err := json.Unmarshal([]byte(detail), &changes); err != nil {
		return nil, false
	}
	return changes, true
}

// Merge is the detail of a signature.merge event: which signature was
// kept, which was folded into it, and the kept one's empty fields filled
// from the other.
type Merge struct {
	Kept       int64    `json:"kept"`
	KeptName   string   `json:"kept_name"`
	Merged     int64    `json:"merged"`
	MergedName string   `json:"merged_name"`
	Filled     []string `json:"filled,omitempty"`
}

// CheckMerge refuses a merge that makes no sense: a signature merged into
// itself, one already merged, a withdrawn one, or keeping a signature
// that no longer stands.
func CheckMerge(keep, other *Signature) error {
	switch {
	case keep.ID == other.ID:
		return KeyedError(EINVALID, "review.error.merge_same", "Choose two different signatures to merge.")
	case keep.MergedIntoID != nil || other.MergedIntoID != nil:
		return KeyedError(ECONFLICT, "review.error.merge_merged", "One of these signatures has already been merged.")
	case !keep.Status.Active():
		return KeyedError(ECONFLICT, "review.error.merge_keep", "The signature to keep must be approved or awaiting a decision.")
	case other.Status == SignatureWithdrawn:
		return KeyedError(ECONFLICT, "review.error.merge_withdrawn", "A withdrawn signature cannot be merged.")
	}
	return nil
}

// FillFrom copies into keep the signer title, city and website it lacks
// and other has, and the member it lacks, returning the fields filled.
func FillFrom(keep, other *Signature) []string {
	var filled []string
	for _, f := range []struct {
		name     string
		to, from *string
	}{
		{"signer_title", &keep.SignerTitle, &other.SignerTitle},
		{"city", &keep.City, &other.City},
		{"website", &keep.Website, &other.Website},
	} {
		if *f.to == "" && *f.from != "" {
			*f.to = *f.from
			filled = append(filled, f.name)
		}
	}
	if keep.MemberID == nil && other.MemberID != nil {
		id := *other.MemberID
		keep.MemberID = &id
	}
	return filled
}

// ReviewService is the store's side of review.
type ReviewService interface {
	// SignatureByID returns signature id of the statement.
	SignatureByID(ctx context.Context, statementID, id int64) (*Signature, error)
	// SignatureNames returns the name of each of the statement's
	// signatures in ids that exists.
	SignatureNames(ctx context.Context, statementID int64, ids []int64) (map[int64]string, error)
	// StandingSignatures returns, by organization key, the standing
	// (unconfirmed, pending or approved) signatures of the statement
	// among keys.
	StandingSignatures(ctx context.Context, statementID int64, keys []string) (map[string]*Signature, error)
	// DecideSignatures approves or rejects (with reason) every signature
	// of ids in one transaction: all of them or, with a *BulkError saying
	// why, none.
	DecideSignatures(ctx context.Context, statementID int64, ids []int64, to SignatureStatus, reason string, now time.Time, by int64) error
	// UpdateSignature corrects the public fields of a signature; by is
	// the coordinator, or 0 for the signer through a private link.
	UpdateSignature(ctx context.Context, statementID, signatureID int64, edit SignatureEdit, by int64) (*Signature, error)
	// MergeSignatures folds signature mergedID into keepID.
	MergeSignatures(ctx context.Context, statementID, keepID, mergedID int64, fill bool, by int64) error
	// AddSignature stores a signature a coordinator vouches for.
	AddSignature(ctx context.Context, sig *Signature, by int64) error
	// ImportSignatures stores every one of sigs, or none.
	ImportSignatures(ctx context.Context, statementID int64, sigs []*Signature, by int64) error
}
