package personaldata

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Field names the piece of personal data a ciphertext holds; it is bound
// into the ciphertext, so the name cannot be opened as the phone number.
type Field string

// The fields of a submission's personal data.
const (
	FieldName    Field = "name"
	FieldEmail   Field = "email"
	FieldPhone   Field = "phone"
	FieldAddress Field = "address"
)

// sealVersion is the first byte of every ciphertext, so the format can change.
const sealVersion = 1

// ErrUndecryptable says a ciphertext does not open under the data key: it
// belongs to another record or field, or was altered.
var ErrUndecryptable = errors.New("personaldata: ciphertext does not open under this record's data key")

// DataKey is the data key of one submission, unwrapped, ready to seal and
// open that submission's personal data. Printing it shows the submission
// only.
type DataKey struct {
	submissionID string
	aead         cipher.AEAD
}

// newDataKey makes a random data key for submissionID, returning it and
// its raw bytes to wrap.
func newDataKey(submissionID string) (*DataKey, []byte, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, nil, err
	}
	k, err := dataKeyOf(submissionID, raw)
	return k, raw, err
}

// dataKeyOf is the data key of submissionID with the raw bytes key.
func dataKeyOf(submissionID string, key []byte) (*DataKey, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return &DataKey{submissionID: submissionID, aead: aead}, nil
}

// SubmissionID is the submission the key belongs to.
func (k *DataKey) SubmissionID() string { return k.submissionID }

// sealAD binds a ciphertext to its record and field.
func (k *DataKey) sealAD(field Field) []byte {
	return []byte("portalhub-personaldata-v1\x00" + k.submissionID + "\x00" + string(field))
}

// Seal encrypts the field's plaintext: a version byte, a random nonce, then
// the AES-256-GCM ciphertext and tag. An empty plaintext seals too (the
// field was left blank), so its absence is not visible either.
func (k *DataKey) Seal(field Field, plaintext []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	out := make([]byte, 1+n, 1+n+len(plaintext)+k.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, out[1:], plaintext, k.sealAD(field)), nil
}

// Open decrypts a ciphertext Seal made for this submission and field.
func (k *DataKey) Open(field Field, ciphertext []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(ciphertext) < 1+n+k.aead.Overhead() || ciphertext[0] != sealVersion {
		return nil, ErrUndecryptable
	}
	plain, err := k.aead.Open(nil, ciphertext[1:1+n], ciphertext[1+n:], k.sealAD(field))
	if err != nil {
		return nil, ErrUndecryptable
	}
	return plain, nil
}

// String shows the submission, never the key.
func (k DataKey) String() string {
	return fmt.Sprintf("personaldata.DataKey{submission: %s}", k.submissionID)
}

// Format makes every verb print String.
func (k DataKey) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }
