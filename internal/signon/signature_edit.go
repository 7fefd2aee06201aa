package signon

import "encoding/json"

// SignatureEdit is what a coordinator or the signer may correct in a
// signature: its public fields. The email, the status and where it came
// from are not corrections.
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
