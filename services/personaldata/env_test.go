package personaldata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyringFromEnv(t *testing.T) {
	k1, k2 := randomKey(t), randomKey(t)
	file := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(file, []byte("# rotated 2026-11\nk1:"+k1+"\nk2:"+k2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantCurrent string
		wantErr     string
	}{
		{"list", map[string]string{EnvKeys: "k1:" + k1 + ",k2:" + k2, EnvCurrent: "k2"}, "k2", ""},
		{"file", map[string]string{EnvKeysFile: file, EnvCurrent: "k1"}, "k1", ""},
		{"missing", map[string]string{}, "", "set PERSONAL_DATA_KEYS=\"k1:$(openssl rand -base64 32)\""},
		{"both", map[string]string{EnvKeys: "k1:" + k1, EnvKeysFile: file}, "", "both set"},
		{"file missing", map[string]string{EnvKeysFile: file + ".gone"}, "", "PERSONAL_DATA_KEYS_FILE"},
		{"weak", map[string]string{EnvKeys: "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "",
			"PERSONAL_DATA_KEYS, PERSONAL_DATA_KEY_CURRENT: key \"k1\": too weak"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := KeyringFromEnv(func(name string) string { return tc.env[name] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err: got %v, want one saying %q", err, tc.wantErr)
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
