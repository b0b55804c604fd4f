package devtls

import (
	"crypto/tls"
	"os"
	"sync"
	"time"
)

// reloader serves a certificate pair, re-reading it when the files change.
type reloader struct {
	certPath, keyPath string

	mu      sync.Mutex
	cert    *tls.Certificate
	modTime time.Time
}

func (r *reloader) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var mod time.Time
	for _, p := range []string{r.certPath, r.keyPath} {
		if fi, err := os.Stat(p); err == nil && fi.ModTime().After(mod) {
			mod = fi.ModTime()
		}
	}
	if r.cert != nil && !mod.After(r.modTime) {
		return r.cert, nil
	}
	c, err := tls.LoadX509KeyPair(r.certPath, r.keyPath)
	if err != nil {
		if r.cert != nil {
			return r.cert, nil // keep serving the last good pair
		}
		return nil, err
	}
	r.cert, r.modTime = &c, mod
	return r.cert, nil
}
