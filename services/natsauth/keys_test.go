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

func TestTenantKeys(t *testing.T) {
	dir := t.TempDir()
	pub, err := EnsureTenantSeed(dir, "so-du-lich")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := EnsureTenantSeed(dir, "so-du-lich"); err != nil || again != pub {
		t.Errorf("second EnsureTenantSeed: %s, %v; want the same key %s kept", again, err, pub)
	}
	// A hub's NATS server holds only the public key of another tenant.
	other := t.TempDir()
	pub2, err := EnsureTenantSeed(other, "xa-a")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tenant-xa-a.pub"), []byte(pub2+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := EnsureSeeds(dir); err != nil { // role seeds beside them are not tenants
		t.Fatal(err)
	}
	got, err := TenantKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["so-du-lich"] != pub || got["xa-a"] != pub2 {
		t.Errorf("TenantKeys = %v, want so-du-lich=%s and xa-a=%s", got, pub, pub2)
	}
	if _, err := EnsureTenantSeed(dir, "Bad.Tenant"); err == nil {
		t.Error("EnsureTenantSeed of a bad tenant id succeeded")
	}
	if err := os.WriteFile(filepath.Join(dir, "tenant-Bad.pub"), []byte(pub2+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := TenantKeys(dir); err == nil {
		t.Error("TenantKeys with a file of a bad tenant id succeeded")
	}
}

func TestTenantRole(t *testing.T) {
	for _, c := range []struct {
		role Role
		id   string
		ok   bool
	}{
		{Tenant("so-du-lich"), "so-du-lich", true},
		{Tenant("gateway"), "gateway", true},
		{Gateway, "", false},
		{Role("tenant-"), "", false},
		{Role("tenant-a.b"), "", false},
		{Role("tenant-*"), "", false},
	} {
		id, ok := c.role.TenantID()
		if ok != c.ok || (ok && id != c.id) {
			t.Errorf("%q.TenantID() = %q, %v; want %q, %v", c.role, id, ok, c.id, c.ok)
		}
		if p := c.role.Permissions(); !c.ok && c.role != Gateway && (len(p.Publish) != 0 || len(p.Subscribe) != 0) {
			t.Errorf("%q: %+v, want nothing allowed", c.role, p)
		}
	}
	p := Tenant("a").Permissions()
	for _, s := range append(p.Publish, p.Subscribe...) {
		if !strings.Contains(s, "inbox-a") && !strings.Contains(s, "_INBOX_tenant-a.") {
			t.Errorf("tenant a may use %s, want only subjects of its own inbox consumer and replies", s)
		}
	}
}
