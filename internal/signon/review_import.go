package signon

import "github.com/signon-coalition/signon/internal/csvin"

// SignatureColumns are the columns of a signature import, in the order a
// template file lists them. The header row names them; order does not
// matter, and the optional ones may be left out.
var SignatureColumns = []string{"organization", "signer_name", "signer_title", "email", "city", "country", "region", "website"}

// SignatureImportRow is a row of a signature import.
type SignatureImportRow = ImportRow[SignatureInput, Signature]

// ParseSignatureCSV reads a CSV file of signatures of st, each row an
// organization's, validated like the sign form; country and region are
// read by ParseCountry and ParseRegion. A file that cannot be read as
// rows is a *csvin.Error.
func ParseSignatureCSV(data []byte, st *Statement) ([]*SignatureImportRow, error) {
	return importFile[SignatureInput, Signature]{
		columns:   SignatureColumns,
		required:  []string{"organization", "signer_name", "email"},
		orgColumn: "organization",
		input: func(r csvin.Row) SignatureInput {
			country := ParseCountry(r.Get("country"))
			return SignatureInput{
				SignerType:   string(SignerOrganization),
				Organization: r.Get("organization"),
				SignerName:   r.Get("signer_name"),
				SignerTitle:  r.Get("signer_title"),
				Email:        r.Get("email"),
				City:         r.Get("city"),
				Country:      country,
				Region:       ParseRegion(country, r.Get("region")),
				Website:      r.Get("website"),
			}
		},
		validate: func(in SignatureInput) (*Signature, string, error) {
			sig, err := in.Validate(st)
			if err != nil {
				return nil, "", err
			}
			return sig, sig.OrgKey, nil
		},
	}.parse(data)
}
