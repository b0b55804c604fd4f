package personaldata

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// KeySize is the size of every key here, key-encryption and data keys alike:
// 32 bytes, for AES-256.
const KeySize = 32

// minDistinctBytes is the fewest different byte values a key-encryption key
// may hold. 32 random bytes hold about 30; a key of zeros, of one repeated
// character or of a short repeated pattern holds far fewer. The chance that
// a key from `openssl rand -base64 32` is refused is below 1 in 10^20.
const minDistinctBytes = 16

// keyIDPattern is what a key id may look like: short, and safe to print in
// logs and to store beside every data key.
var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// ErrUnknownKEK says a data key is wrapped by a key-encryption key that the
// keyring does not hold (it was retired, or the environment lacks it).
var ErrUnknownKEK = errors.New("personaldata: data key wrapped by a key-encryption key not in the keyring")

// kek is one key-encryption key, ready to wrap.
type kek struct {
	id   string
	aead cipher.AEAD
}

// Keyring is the key-encryption keys of the hub, by id; one of them is
// current and wraps every new data key, the others only unwrap older ones
// until Store.Rewrap has moved those to the current key. Printing a Keyring
// shows its key ids, never a key.
type Keyring struct {
	keys    map[string]*kek
	current *kek
}

// NewKeyring builds a keyring of the raw keys by id, with current the id of
// the one that wraps new data keys. It refuses a missing or weak key.
func NewKeyring(keys map[string][]byte, current string) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("no key-encryption key given")
	}
	r := &Keyring{keys: make(map[string]*kek, len(keys))}
	for id, secret := range keys {
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("key id %q: want 1 to 32 letters, digits, '.', '_' or '-'", id)
		}
		if err := checkStrength(secret); err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		aead, err := newGCM(secret)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		r.keys[id] = &kek{id: id, aead: aead}
	}
	r.current = r.keys[current]
	if r.current == nil {
		return nil, fmt.Errorf("current key %q is not among the keys (%s)", current, strings.Join(r.IDs(), ", "))
	}
	return r, nil
}

// checkStrength refuses a key of the wrong size or one that cannot have come
// from a random generator.
func checkStrength(secret []byte) error {
	if len(secret) != KeySize {
		return fmt.Errorf("%d bytes, want %d (generate one with: openssl rand -base64 32)", len(secret), KeySize)
	}
	var seen [256]bool
	distinct := 0
	for _, b := range secret {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
	}
	if distinct < minDistinctBytes {
		return fmt.Errorf("too weak: only %d different byte values, not random (generate one with: openssl rand -base64 32)", distinct)
	}
	return nil
}

// ParseKeyring reads a keyring from the environment's form: list holds
// "id:base64" entries separated by commas or new lines (blank lines and
// lines starting with # are skipped, as in a key file), current names the
// one that wraps new data keys; it may be empty when there is only one key.
func ParseKeyring(list, current string) (*Keyring, error) {
	keys := map[string][]byte{}
	var ids []string
	for _, line := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '\n' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, encoded, ok := strings.Cut(line, ":")
		id = strings.TrimSpace(id)
		if !ok {
			return nil, fmt.Errorf("entry %d: want id:base64", len(ids)+1)
		}
		if _, dup := keys[id]; dup {
			return nil, fmt.Errorf("key id %q given twice", id)
		}
		secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
		if err != nil {
			return nil, fmt.Errorf("key %q: not base64 (generate one with: openssl rand -base64 32)", id)
		}
		keys[id] = secret
		ids = append(ids, id)
	}
	if current == "" && len(ids) == 1 {
		current = ids[0]
	}
	if current == "" && len(ids) > 1 {
		return nil, fmt.Errorf("%d keys given and none named current", len(ids))
	}
	return NewKeyring(keys, current)
}

// CurrentID is the id of the key that wraps new data keys.
func (r *Keyring) CurrentID() string { return r.current.id }

// IDs lists the ids of the keyring's keys, sorted.
func (r Keyring) IDs() []string {
	ids := make([]string, 0, len(r.keys))
	for id := range r.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// String shows the key ids and which is current, never a key.
func (r Keyring) String() string {
	return fmt.Sprintf("personaldata.Keyring{current: %s, keys: [%s]}", r.current.id, strings.Join(r.IDs(), " "))
}

// Format makes every verb (%v, %+v, %#v, %x, %s ...) print String, so no
// format can reach the keys.
func (r Keyring) Format(f fmt.State, _ rune) { fmt.Fprint(f, r.String()) }

// wrapAD is the associated data a wrapped data key is bound to: the key
// that wraps it and its submission, so a wrapped key copied onto another
// submission's row does not unwrap.
func wrapAD(kekID, submissionID string) []byte {
	return []byte("portalhub-personaldata-key-v1\x00" + kekID + "\x00" + submissionID)
}

// wrap seals a data key of submissionID under the current key, returning
// that key's id and the wrapped key (nonce, then ciphertext and tag).
func (r *Keyring) wrap(dataKey []byte, submissionID string) (kekID string, wrapped []byte, err error) {
	nonce := make([]byte, r.current.aead.NonceSize(), r.current.aead.NonceSize()+len(dataKey)+r.current.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	return r.current.id, r.current.aead.Seal(nonce, nonce, dataKey, wrapAD(r.current.id, submissionID)), nil
}

// unwrap opens a data key of submissionID wrapped by the key kekID.
func (r *Keyring) unwrap(kekID string, wrapped []byte, submissionID string) ([]byte, error) {
	k := r.keys[kekID]
	if k == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKEK, kekID)
	}
	n := k.aead.NonceSize()
	if len(wrapped) < n {
		return nil, errors.New("personaldata: wrapped data key too short")
	}
	key, err := k.aead.Open(nil, wrapped[:n], wrapped[n:], wrapAD(kekID, submissionID))
	if err != nil {
		return nil, fmt.Errorf("personaldata: unwrap the data key of %q with %q: %w", submissionID, kekID, err)
	}
	return key, nil
}

// newGCM is AES-256-GCM under key.
func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
