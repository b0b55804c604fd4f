package accounts

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestHashFormatAndVerify(t *testing.T) {
	// The production parameters, once, so the format is the real one.
	h, err := hashPassword(goodPassword, defaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=65536,t=3,p=2$"; !strings.HasPrefix(h, want) {
		t.Errorf("hash %q does not start with %q", h, want)
	}
	if parts := strings.Split(h, "$"); len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Errorf("hash %q: want a 16-byte salt and a 32-byte key, unpadded base64", h)
	}
	h2, _ := hashPassword(goodPassword, defaultParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}

	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"same", goodPassword, true},
		{"decomposed (NFD) is the same password", norm.NFD.String(goodPassword), true},
		{"other", goodPassword + "!", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := verifyPassword(tc.password, h)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("verify = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseHashRefusesMalformed(t *testing.T) {
	good, _ := hashPassword("abcdefghijkl", testParams)
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plaintext",
		"$argon2i$" + strings.Join(parts[2:], "$"),
		"$argon2id$v=16$" + strings.Join(parts[3:], "$"),
		"$argon2id$v=19$m=999999999,t=3,p=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=65536,t=0,p=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=65536,t=3,x=2$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$" + parts[3] + "$!!$" + parts[5],
		"$argon2id$v=19$" + parts[3] + "$" + parts[4],
	} {
		if _, err := verifyPassword("abcdefghijkl", bad); !errors.Is(err, errMalformedHash) {
			t.Errorf("verify against %q: %v, want errMalformedHash", bad, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		username, password string
		ok                 bool
	}{
		{"nguyen.a", goodPassword, true},
		{"nguyen.a", "Hoa sen nở", true},              // 10 characters with diacritics
		{"nguyen.a", "Hoa sen n", false},              // 9
		{"nguyen.a", norm.NFD.String("ơơơơơ"), false}, // 10 code points decomposed, 5 characters
		{"nguyen.a", "", false},
		{"nguyen.van.a", "Nguyen.Van.A", false}, // the username
		{"nguyen.a", "1234567890", false},
		{"nguyen.a", "MatKhau@123", false},
		{"nguyen.a", "Password123", false},
		{"nguyen.a", "aaaaaaaaaaaa", false},
		{"nguyen.a", strings.Repeat("x", 1100) + "y25", false}, // too long
	} {
		err := CheckPassword(tc.username, tc.password)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok %v", tc.username, tc.password, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckPassword(%q): %v is not ErrWeakPassword", tc.password, err)
		}
	}
}
