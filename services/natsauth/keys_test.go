package natsauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsureSeedsKeepsExisting(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	if err := EnsureSeeds(dir); err != nil {
		t.Fatal(err)
	}
	first := map[Role]string{}
	for _, r := range Roles {
		pub, err := PublicKey(SeedFile(dir, r))
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		first[r] = pub
	}
	if err := os.Remove(SeedFile(dir, Gateway)); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSeeds(dir); err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles {
		pub, err := PublicKey(SeedFile(dir, r))
		if err != nil {
			t.Fatal(err)
		}
		if changed := pub != first[r]; changed != (r == Gateway) {
			t.Errorf("%s: key changed %v, want only the removed gateway key made again", r, changed)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(Roles) {
		t.Errorf("%d files in %s, want one seed per role and nothing left over", len(entries), dir)
	}
}

func TestPublicKeyRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	const secret = "SUNOTAVALIDSEEDBUTSECRETANYWAY"
	bad := filepath.Join(dir, "bad.nk")
	if err := os.WriteFile(bad, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := PublicKey(bad)
	if err == nil {
		t.Fatal("PublicKey of a file holding no seed succeeded")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q quotes the file's content", err)
	}
	if _, err := Options(Gateway, "", ""); err == nil {
		t.Error("Options without a seed file succeeded")
	}
}

func TestPermissionsConfineEachRole(t *testing.T) {
	for _, r := range Roles {
		p := r.Permissions()
		if len(p.Publish) == 0 || len(p.Subscribe) == 0 {
			t.Errorf("%s: %+v, want explicit allow lists (an empty one allows everything)", r, p)
		}
		if len(p.Subscribe) != 1 || p.Subscribe[0] != r.InboxPrefix()+".>" {
			t.Errorf("%s subscribes to %v, want only its inbox %s.>", r, p.Subscribe, r.InboxPrefix())
		}
	}
	if p := Role("intruder").Permissions(); len(p.Publish) != 0 || len(p.Subscribe) != 0 {
		t.Errorf("unknown role: %+v, want nothing allowed", p)
	}
}
