package devtls

import (
	"crypto/tls"
	"fmt"
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
	if err == nil {
		err = requireSAN(r.certPath, c)
	}
	if err != nil {
		if r.cert != nil {
			return r.cert, nil // keep serving the last good pair
		}
		return nil, err
	}
	r.cert, r.modTime = &c, mod
	return r.cert, nil
}

// requireSAN refuses a server certificate that names no host in its
// subject alternative names: clients match the name they dial only
// there (the subject's common name is ignored), so every one of them
// would refuse it.
func requireSAN(path string, c tls.Certificate) error {
	leaf := c.Leaf
	if leaf == nil {
		return fmt.Errorf("%s: no certificate", path)
	}
	if len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 {
		return fmt.Errorf("%s names no host in its subject alternative names (subject %q), so every client would refuse it: "+
			"make one with the host sub-portals dial as a SAN, e.g. openssl req -x509 ... -addext \"subjectAltName=DNS:hub.example.gov.vn\" "+
			"(docs/OPERATIONS.md, the aggregator's certificate)", path, leaf.Subject.String())
	}
	return nil
}
