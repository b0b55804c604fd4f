package natsauth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nkeys"
)

// SeedFile is where the seed of r's NKey is kept in dir, e.g.
// var/nats/keys/gateway.nk.
func SeedFile(dir string, r Role) string { return filepath.Join(dir, string(r)+".nk") }

// EnsureSeeds creates in dir (mode 0700) an NKey seed file (mode 0600) for
// every role that has none yet, and keeps the existing ones.
func EnsureSeeds(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, r := range Roles {
		if err := ensureSeed(SeedFile(dir, r)); err != nil {
			return fmt.Errorf("NKey of NATS user %s: %w", r, err)
		}
	}
	return nil
}

// ensureSeed writes a new user seed to path unless a file is there. The seed
// is written under another name first and linked into place, so that a
// reader never sees half a seed and two writers never replace each other's.
func ensureSeed(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	kp, err := nkeys.CreateUser()
	if err != nil {
		return err
	}
	defer kp.Wipe()
	seed, err := kp.Seed()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".seed-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(seed, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// PublicKey reads the NKey seed in seedFile and returns its public key (the
// U… string a NATS server configuration names the user by).
func PublicKey(seedFile string) (string, error) {
	b, err := os.ReadFile(seedFile)
	if err != nil {
		return "", err
	}
	defer clear(b)
	kp, err := nkeys.ParseDecoratedNKey(b)
	if err != nil {
		// The error never quotes the file's content.
		return "", fmt.Errorf("%s holds no NKey seed: %w", seedFile, err)
	}
	defer kp.Wipe()
	pub, err := kp.PublicKey()
	if err != nil {
		return "", err
	}
	if !nkeys.IsValidPublicUserKey(pub) {
		return "", fmt.Errorf("%s holds an NKey seed of another kind than a user's (it must start with SU)", seedFile)
	}
	return pub, nil
}

// TenantKeys returns the public keys of the tenants' users whose keys are
// in dir, by tenant: each tenant's seed (tenant-<id>.nk, made by
// EnsureTenantSeed, as on a development machine) or only its public key
// (tenant-<id>.pub, as the hub's NATS servers need). A file of a tenant
// whose name is not a tenant id is an error, not skipped.
func TenantKeys(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	keys := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, tenantPrefix) || e.IsDir() {
			continue
		}
		base, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		if ext != ".nk" && ext != ".pub" {
			continue
		}
		tenant, ok := Role(base).TenantID()
		if !ok {
			return nil, fmt.Errorf("%s: %q is not a tenant id", filepath.Join(dir, name), strings.TrimPrefix(base, tenantPrefix))
		}
		var pub string
		if ext == ".nk" {
			pub, err = PublicKey(filepath.Join(dir, name))
		} else {
			pub, err = readPublicKey(filepath.Join(dir, name))
		}
		if err != nil {
			return nil, err
		}
		if held, ok := keys[tenant]; ok && held != pub {
			return nil, fmt.Errorf("%s: tenant %s has two different keys in %s (its .nk and .pub)", dir, tenant, dir)
		}
		keys[tenant] = pub
	}
	return keys, nil
}

// EnsureTenantSeed creates in dir (mode 0700) the NKey seed of tenant's
// user, tenant-<id>.nk (mode 0600), unless there is one, and beside it its
// public key, tenant-<id>.pub, and returns that key.
func EnsureTenantSeed(dir, tenant string) (string, error) {
	r := Tenant(tenant)
	if _, ok := r.TenantID(); !ok {
		return "", fmt.Errorf("%q is not a tenant id", tenant)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	seed := SeedFile(dir, r)
	if err := ensureSeed(seed); err != nil {
		return "", fmt.Errorf("NKey of NATS user %s: %w", r, err)
	}
	pub, err := PublicKey(seed)
	if err != nil {
		return "", err
	}
	return pub, os.WriteFile(filepath.Join(dir, string(r)+".pub"), []byte(pub+"\n"), 0o644)
}

// readPublicKey reads a user's public key from a .pub file.
func readPublicKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	pub := strings.TrimSpace(string(b))
	if !nkeys.IsValidPublicUserKey(pub) {
		return "", fmt.Errorf("%s holds no public key of a NATS user (one line starting with U)", path)
	}
	return pub, nil
}
