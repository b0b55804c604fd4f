// Package password is the project's one password scheme: argon2id hashes in
// PHC string format, verified in constant time, the password policy, and a
// gate that bounds the memory hashing takes at once. The sub-portal's back
// office accounts (tenants/internal/accounts) and the hub's ops accounts
// (services/opsaccounts) both use it.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params is the cost of an argon2id hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultMemoryKiB is the memory cost of a new hash: 64 MiB.
const DefaultMemoryKiB = 64 * 1024

var (
	// Default: 64 MiB, 3 passes, 2 lanes.
	Default = Params{Memory: DefaultMemoryKiB, Time: 3, Threads: 2}
	// Cheap keeps test suites fast; only for test binaries (testing.Testing).
	Cheap = Params{Memory: 64, Time: 1, Threads: 1}
)

const (
	saltLen = 16
	keyLen  = 32

	// MinRunes is the shortest password the policy accepts, in characters.
	MinRunes = 10
	// MaxBytes bounds the hashing work one request can ask for.
	MaxBytes = 1024
)

var b64 = base64.RawStdEncoding

// prepare normalises a password to NFC before hashing or comparing, so that
// Vietnamese typed as composed or decomposed characters is the same password.
func prepare(password string) []byte { return []byte(norm.NFC.String(password)) }

// Hash returns password's argon2id hash in PHC string format:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash> (unpadded standard base64).
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey(prepare(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed is a stored hash this package cannot read.
var ErrMalformed = errors.New("malformed argon2id hash")

// parse reads a PHC argon2id string.
func parse(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformed
	}
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, nil, nil, ErrMalformed
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, ErrMalformed
			}
			p.Threads = uint8(n)
		default:
			return p, nil, nil, ErrMalformed
		}
	}
	// Refuse absurd costs, so a corrupted row cannot exhaust the server.
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<22 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		return p, nil, nil, ErrMalformed
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformed
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// CostOf is the parameters of an encoded hash, or fallback when it does
// not parse (a missing or corrupted hash): what checking a password
// against it costs.
func CostOf(encoded string, fallback Params) Params {
	if p, _, _, err := parse(encoded); err == nil {
		return p
	}
	return fallback
}

// Verify reports whether password matches the encoded hash, comparing in
// constant time. An unreadable hash is ErrMalformed.
func Verify(password, encoded string) (bool, error) {
	p, salt, key, err := parse(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(prepare(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Burn does the work of verifying password against a hash with parameters
// p and answers nothing: for an unknown account, or a password over
// MaxBytes (truncated to it), so that such attempts cost what a wrong
// password costs.
func Burn(password string, p Params) {
	if len(password) > MaxBytes {
		password = password[:MaxBytes]
	}
	salt := make([]byte, saltLen)
	got := argon2.IDKey(prepare(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	subtle.ConstantTimeCompare(got, make([]byte, keyLen))
}

// Weakness is why the policy refuses a password, in English and Vietnamese.
type Weakness struct {
	English, Vietnamese string
}

func (w *Weakness) Error() string { return w.English }

// commonPasswords are refused whatever their length; compared lower-case.
// Mostly the top of public breach lists at 10 characters or more, plus
// Vietnamese favourites.
var commonPasswords = map[string]bool{
	"1234567890": true, "0123456789": true, "12345678910": true, "123456789a": true,
	"a123456789": true, "1234567890a": true, "123456789@": true, "1234567890@": true,
	"1111111111": true, "0000000000": true, "9876543210": true, "1q2w3e4r5t": true,
	"1qaz2wsx3edc": true, "qwertyuiop": true, "qwerty1234": true, "qwerty12345": true,
	"qwerty123456": true, "asdfghjkl1": true, "password12": true, "password123": true,
	"password1234": true, "password@123": true, "p@ssw0rd123": true, "passw0rd123": true,
	"iloveyou12": true, "iloveyou123": true, "abc1234567": true, "abcd123456": true,
	"abc123456789": true, "admin12345": true, "admin@1234": true, "administrator": true,
	"welcome123": true, "changeme123": true, "letmein123": true, "matkhau123": true,
	"matkhau@123": true, "matkhau1234": true, "anhyeuem123": true, "anhyeuem1234": true,
	"emyeuanh123": true, "vietnam123": true, "vietnam1234": true, "hanoi12345": true,
	"saigon1234": true, "12345678@abc": true, "abc@123456": true, "zaq12wsxcde3": true,
}

// Check applies the password policy: at least 10 characters, at most 1024
// bytes, not the username, not one character repeated, not a very common
// password. It answers nil or the *Weakness.
func Check(username, password string) *Weakness {
	pw := norm.NFC.String(password)
	switch {
	case utf8.RuneCountInString(pw) < MinRunes:
		return &Weakness{"the password must be at least 10 characters", "Mật khẩu phải có ít nhất 10 ký tự."}
	case len(pw) > MaxBytes:
		return &Weakness{"the password is too long", "Mật khẩu quá dài (tối đa 1024 byte)."}
	case !utf8.ValidString(pw):
		return &Weakness{"the password is not valid UTF-8", "Mật khẩu chứa ký tự không hợp lệ."}
	}
	lower := strings.ToLower(pw)
	switch {
	case username != "" && lower == strings.ToLower(username):
		return &Weakness{"the password must not be the username", "Mật khẩu không được trùng với tên đăng nhập."}
	case strings.Count(lower, string([]rune(lower)[:1])) == utf8.RuneCountInString(lower):
		return &Weakness{"the password must not repeat one character", "Mật khẩu không được chỉ gồm một ký tự lặp lại."}
	case commonPasswords[lower]:
		return &Weakness{"the password is too common", "Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác."}
	}
	return nil
}
