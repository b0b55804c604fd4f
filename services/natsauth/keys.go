package natsauth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
