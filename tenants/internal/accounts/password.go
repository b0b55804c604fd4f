package accounts

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

// hashParams is the cost of an argon2id hash.
type hashParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// defaultMemoryKiB is the memory cost of a new hash: 64 MiB.
const defaultMemoryKiB = 64 * 1024

var (
	// defaultParams: 64 MiB, 3 passes, 2 lanes.
	defaultParams = hashParams{memory: defaultMemoryKiB, time: 3, threads: 2}
	// testParams keeps test suites fast; never used outside test binaries.
	testParams = hashParams{memory: 64, time: 1, threads: 1}
)

const (
	saltLen = 16
	keyLen  = 32

	minPasswordRunes = 10
	maxPasswordBytes = 1024 // bounds the hashing work one request can ask for
)

var b64 = base64.RawStdEncoding

// prepare normalises a password to NFC before hashing or comparing, so that
// Vietnamese typed as composed or decomposed characters is the same password.
func prepare(password string) []byte { return []byte(norm.NFC.String(password)) }

// hashPassword returns password's argon2id hash in PHC string format:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash> (unpadded standard base64).
func hashPassword(password string, p hashParams) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey(prepare(password), salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errMalformedHash is a stored hash this package cannot read.
var errMalformedHash = errors.New("malformed argon2id hash")

// parseHash reads a PHC argon2id string.
func parseHash(encoded string) (p hashParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errMalformedHash
	}
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, nil, nil, errMalformedHash
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, errMalformedHash
			}
			p.threads = uint8(n)
		default:
			return p, nil, nil, errMalformedHash
		}
	}
	// Refuse absurd costs, so a corrupted row cannot exhaust the server.
	if p.memory < 8*uint32(p.threads) || p.memory > 1<<22 || p.time < 1 || p.time > 64 || p.threads < 1 {
		return p, nil, nil, errMalformedHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errMalformedHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, errMalformedHash
	}
	return p, salt, key, nil
}

// verifyPassword reports whether password matches the encoded hash,
// comparing in constant time.
func verifyPassword(password, encoded string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(prepare(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// burnPassword does the work of verifying password against a hash with
// parameters p, for an unknown username, so it takes as long as a real one.
func burnPassword(password string, p hashParams) {
	salt := make([]byte, saltLen)
	got := argon2.IDKey(prepare(password), salt, p.time, p.memory, p.threads, keyLen)
	subtle.ConstantTimeCompare(got, make([]byte, keyLen))
}

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

// CheckPassword applies the password policy: at least 10 characters, at most
// 1024 bytes, not the username, not one character repeated, not a very
// common password. Its errors are InvalidArgument with Vietnamese messages
// and errors.Is(err, ErrWeakPassword).
func CheckPassword(username, password string) error {
	pw := norm.NFC.String(password)
	switch {
	case utf8.RuneCountInString(pw) < minPasswordRunes:
		return wrap(ErrWeakPassword, "the password must be at least 10 characters",
			"Mật khẩu phải có ít nhất 10 ký tự.")
	case len(pw) > maxPasswordBytes:
		return wrap(ErrWeakPassword, "the password is too long",
			"Mật khẩu quá dài (tối đa 1024 byte).")
	case !utf8.ValidString(pw):
		return wrap(ErrWeakPassword, "the password is not valid UTF-8",
			"Mật khẩu chứa ký tự không hợp lệ.")
	}
	lower := strings.ToLower(pw)
	switch {
	case username != "" && lower == strings.ToLower(username):
		return wrap(ErrWeakPassword, "the password must not be the username",
			"Mật khẩu không được trùng với tên đăng nhập.")
	case strings.Count(lower, string([]rune(lower)[:1])) == utf8.RuneCountInString(lower):
		return wrap(ErrWeakPassword, "the password must not repeat one character",
			"Mật khẩu không được chỉ gồm một ký tự lặp lại.")
	case commonPasswords[lower]:
		return wrap(ErrWeakPassword, "the password is too common",
			"Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
	}
	return nil
}
