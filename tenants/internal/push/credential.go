package push

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// A CredentialFile is the hub credential kept in a file (SUBPORTAL_HUB_TOKEN_FILE):
// it is read again when the file changes (its size, modification time or,
// through a symbolic link swapped by a secret store, the file itself), checked
// at each call to the hub, or when Reload is called (SIGHUP), so a new
// credential takes effect without a restart. A file that cannot be read, or
// is empty, keeps the credential read before, and the error is reported to
// onError.
type CredentialFile struct {
	path    string
	onError func(error)

	mu    sync.Mutex
	token string
	seen  os.FileInfo // what the token was read from
}

// OpenCredentialFile reads the credential of path (it must be there);
// onError, if not nil, hears of a changed file that cannot be used.
func OpenCredentialFile(path string, onError func(error)) (*CredentialFile, error) {
	c := &CredentialFile{path: path, onError: onError}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads the file again; on error the credential read before stays.
func (c *CredentialFile) Reload() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readLocked()
}

func (c *CredentialFile) readLocked() error {
	info, err := os.Stat(c.path)
	if err != nil {
		return fmt.Errorf("read hub credential %s: %w", c.path, err)
	}
	b, err := os.ReadFile(c.path)
	if err != nil {
		return fmt.Errorf("read hub credential %s: %w", c.path, err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return fmt.Errorf("hub credential %s is empty: put the token hubctl credentials issue printed in it", c.path)
	}
	c.token, c.seen = token, info
	return nil
}

// current returns the credential, read again first if the file changed.
func (c *CredentialFile) current() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, err := os.Stat(c.path); err == nil && changed(c.seen, info) {
		if err := c.readLocked(); err != nil && c.onError != nil {
			c.onError(err)
		}
	}
	return c.token
}

func changed(before, now os.FileInfo) bool {
	return before == nil || !os.SameFile(before, now) || before.Size() != now.Size() || !before.ModTime().Equal(now.ModTime()) ||
		time.Since(now.ModTime()) < 2*time.Second // a write within the clock's resolution may keep size and time
}
