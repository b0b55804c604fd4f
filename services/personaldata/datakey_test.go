package personaldata

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpen(t *testing.T) {
	a, _, err := newDataKey("sub-a")
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"", "Nguyễn Văn An", "an.nguyen@example.vn"} {
		ct, err := a.Seal(FieldName, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) > 0 && bytes.Contains(ct, []byte(plain)) {
			t.Errorf("ciphertext holds the plaintext %q", plain)
		}
		got, err := a.Open(FieldName, ct)
		if err != nil || string(got) != plain {
			t.Errorf("open: got %q, %v, want %q", got, err, plain)
		}
	}
}

// A ciphertext opens only in its own record and field: copying a contact
// detail onto another submission's row, or the phone into the name, does
// not decrypt, even where the two records share a data key.
func TestCiphertextsCannotBeSwapped(t *testing.T) {
	a, rawA, err := newDataKey("sub-a")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := newDataKey("sub-b")
	if err != nil {
		t.Fatal(err)
	}
	// The same key bytes under another submission id: only the associated
	// data tells the records apart.
	sameKeyOtherRecord, err := dataKeyOf("sub-b", rawA)
	if err != nil {
		t.Fatal(err)
	}
	phone, err := a.Seal(FieldPhone, []byte("0905 123 456"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(phone)
	tampered[len(tampered)-1] ^= 1
	for _, tc := range []struct {
		name  string
		key   *DataKey
		field Field
		ct    []byte
	}{
		{"other record's key", b, FieldPhone, phone},
		{"other record, same key bytes", sameKeyOtherRecord, FieldPhone, phone},
		{"other field", a, FieldName, phone},
		{"altered", a, FieldPhone, tampered},
		{"truncated", a, FieldPhone, phone[:10]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := tc.key.Open(tc.field, tc.ct); !errors.Is(err, ErrUndecryptable) {
				t.Errorf("open: got %q, %v, want ErrUndecryptable", got, err)
			}
		})
	}
	if got, err := a.Open(FieldPhone, phone); err != nil || string(got) != "0905 123 456" {
		t.Errorf("own record: got %q, %v", got, err)
	}
}
