package signon

import (
	"fmt"
	"testing"
)

// BenchmarkRecordCanonical measures building and canonicalizing the
// record of a statement with 3,000 signatories, the work done at
// publication and at each request for the record.
func BenchmarkRecordCanonical(b *testing.B) {
	st := recordStatement()
	sigs := make([]*Signature, 3000)
	for i := range sigs {
		sigs[i] = recordSignature(int64(i+1), fmt.Sprintf("Organización %d", i), "US", "US-TX", SignatureApproved, 1+i%2)
	}
	b.ReportAllocs()
	for b.Loop() {
		rec, err := NewRecord(st, sigs)
		if err != nil {
			b.Fatal(err)
		}
		out, err := rec.Canonical()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
}
