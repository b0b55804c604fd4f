package personaldata

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// randomKey is a fresh key in the environment's form.
func randomKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestParseKeyring(t *testing.T) {
	k1, k2 := randomKey(t), randomKey(t)
	zeros := base64.StdEncoding.EncodeToString(make([]byte, KeySize))
	pattern := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("abcd"), 8))
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	for _, tc := range []struct {
		name, list, current string
		wantCurrent         string
		wantErr             string
	}{
		{"two keys", "k1:" + k1 + ",k2:" + k2, "k2", "k2", ""},
		{"one key, current implied", "k1:" + k1, "", "k1", ""},
		{"key file lines", "# keys\nk1:" + k1 + "\n\nk2:" + k2 + "\n", "k1", "k1", ""},
		{"nothing", "", "", "", "no key-encryption key"},
		{"current missing", "k1:" + k1, "k9", "", `current key "k9" is not among the keys (k1)`},
		{"two keys, no current", "k1:" + k1 + ",k2:" + k2, "", "", "none named current"},
		{"zeros", "k1:" + zeros, "", "", "too weak"},
		{"repeated pattern", "k1:" + pattern, "", "", "too weak"},
		{"short", "k1:" + short, "", "", "16 bytes, want 32"},
		{"not base64", "k1:not*base64", "", "", "not base64"},
		{"no id", k1, "", "", "want id:base64"},
		{"bad id", "k 1:" + k1, "", "", "key id"},
		{"duplicate", "k1:" + k1 + ",k1:" + k2, "k1", "", "given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseKeyring(tc.list, tc.current)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err: got %v, want one saying %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), k1) || strings.Contains(err.Error(), k2) {
					t.Fatalf("err %q holds a key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.CurrentID(); got != tc.wantCurrent {
				t.Errorf("current: got %q, want %q", got, tc.wantCurrent)
			}
		})
	}
}

// No format verb prints a key-encryption key or a data key, in base64, hex
// or raw.
func TestKeysNeverPrinted(t *testing.T) {
	secret := make([]byte, KeySize)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	r, err := NewKeyring(map[string][]byte{"k1": secret}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	dk, raw, err := newDataKey("sub-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{r, *r, dk, *dk} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
			out := fmt.Sprintf(verb, v)
			for _, key := range [][]byte{secret, raw} {
				for _, form := range []string{base64.StdEncoding.EncodeToString(key), hex.EncodeToString(key),
					strings.ToUpper(hex.EncodeToString(key)), string(key), fmt.Sprint([]byte(key))} {
					if strings.Contains(out, form) {
						t.Errorf("Sprintf(%s, %T) = %q reveals a key", verb, v, out)
					}
				}
			}
			if strings.Contains(out, "aead") || strings.Contains(out, "0x") {
				t.Errorf("Sprintf(%s, %T) = %q shows the key's internals", verb, v, out)
			}
		}
	}
	if got, want := fmt.Sprint(r), "personaldata.Keyring{current: k1, keys: [k1]}"; got != want {
		t.Errorf("keyring: got %q, want %q", got, want)
	}
}
