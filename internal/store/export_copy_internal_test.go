package store

import (
	"encoding/binary"
	"strings"
	"testing"
)

// copyStream is rows in COPY's binary format, one text field each.
func copyStream(rows ...string) []byte {
	b := []byte(copySignature)
	b = binary.BigEndian.AppendUint32(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 3) // a header extension…
	b = append(b, "ext"...)                 // …which is skipped
	for _, r := range rows {
		b = binary.BigEndian.AppendUint16(b, 1)
		b = binary.BigEndian.AppendUint32(b, uint32(len(r)))
		b = append(b, r...)
	}
	return binary.BigEndian.AppendUint16(b, 0xFFFF)
}

// TestCopyReader: the rows come out whole however the stream is cut.
func TestCopyReader(t *testing.T) {
	rows := []string{"a,b\r\n", "", `"x ""y""",z` + "\r\n", strings.Repeat("long,", 2000) + "\r\n"}
	stream := copyStream(rows...)
	for _, chunk := range []int{1, 2, 3, 7, 64, 4096, len(stream)} {
		var got []string
		r := copyReader{line: func(b []byte) error { got = append(got, string(b)); return nil }}
		for p := stream; len(p) > 0; {
			n := min(chunk, len(p))
			if _, err := r.Write(p[:n]); err != nil {
				t.Fatalf("chunks of %d: %v", chunk, err)
			}
			p = p[n:]
		}
		if err := r.end(); err != nil {
			t.Errorf("chunks of %d: %v", chunk, err)
		}
		if strings.Join(got, "|") != strings.Join(rows, "|") {
			t.Errorf("chunks of %d: rows %q", chunk, got)
		}
	}

	t.Run("CutShort", func(t *testing.T) {
		r := copyReader{line: func([]byte) error { return nil }}
		r.Write(stream[:len(stream)-5])
		if r.end() == nil {
			t.Error("a stream without its end passed")
		}
	})
	t.Run("NotCopy", func(t *testing.T) {
		r := copyReader{line: func([]byte) error { return nil }}
		if _, err := r.Write([]byte("organization,signer_name\r\nthis is text, not binary COPY\r\n")); err == nil {
			t.Error("text taken for binary COPY")
		}
	})
}
