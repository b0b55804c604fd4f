// Package devtls provides the development TLS set-up: a private ECDSA P-256
// certificate authority and a server certificate for localhost, 127.0.0.1
// and ::1, created once under a folder (var/tls) and reused while valid, and
// the TLS configurations of the server and of its clients.
package devtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names under the folder given to Ensure.
const (
	CAFile     = "ca.pem"
	CAKeyFile  = "ca-key.pem"
	CertFile   = "server.pem"
	KeyFile    = "server-key.pem"
	minimumTTL = 30 * 24 * time.Hour
	caTTL      = 10 * 365 * 24 * time.Hour
	serverTTL  = 397 * 24 * time.Hour
)

// Ensure returns the paths of the CA certificate, the server certificate and
// the server key under dir, creating them when they are missing, unreadable,
// do not match, or expire within 30 days. Keys are written with mode 0600.
func Ensure(dir string) (caPEMPath, certPath, keyPath string, err error) {
	caPEMPath = filepath.Join(dir, CAFile)
	caKeyPath := filepath.Join(dir, CAKeyFile)
	certPath = filepath.Join(dir, CertFile)
	keyPath = filepath.Join(dir, KeyFile)
	if valid(caPEMPath, certPath, keyPath) == nil {
		return caPEMPath, certPath, keyPath, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", "", fmt.Errorf("dev TLS folder: %w", err)
	}
	now := time.Now()

	caKey, caCert, err := loadCA(caPEMPath, caKeyPath)
	if err != nil {
		caKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return "", "", "", err
		}
		tmpl := &x509.Certificate{
			SerialNumber:          serial(),
			Subject:               pkix.Name{CommonName: "portalhub development CA", Organization: []string{"portalhub (development only)"}},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(caTTL),
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true,
			IsCA:                  true,
			MaxPathLenZero:        true,
		}
		caDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
		if err != nil {
			return "", "", "", fmt.Errorf("create dev CA: %w", err)
		}
		if caCert, err = x509.ParseCertificate(caDER); err != nil {
			return "", "", "", err
		}
		if err := writeKey(caKeyPath, caKey); err != nil {
			return "", "", "", err
		}
		if err := writePEM(caPEMPath, "CERTIFICATE", caDER, 0o644); err != nil {
			return "", "", "", err
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"portalhub (development only)"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(serverTTL),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if tmpl.NotAfter.After(caCert.NotAfter) {
		tmpl.NotAfter = caCert.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return "", "", "", fmt.Errorf("create dev server certificate: %w", err)
	}
	if err := writeKey(keyPath, key); err != nil {
		return "", "", "", err
	}
	if err := writePEM(certPath, "CERTIFICATE", der, 0o644); err != nil {
		return "", "", "", err
	}
	if err := valid(caPEMPath, certPath, keyPath); err != nil {
		return "", "", "", fmt.Errorf("dev TLS: new certificate does not verify: %w", err)
	}
	return caPEMPath, certPath, keyPath, nil
}

// valid checks that the server certificate and key match, chain to the CA
// for each dev name, and stay valid for more than 30 days (the CA too).
func valid(caPath, certPath, keyPath string) error {
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return err
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(caPath)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(caPEM)
	if block == nil {
		return errors.New("no CA certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(minimumTTL)
	if leaf.NotAfter.Before(deadline) || ca.NotAfter.Before(deadline) {
		return errors.New("expires within 30 days")
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			return err
		}
	}
	return nil
}

// loadCA reads an existing CA that stays valid for more than 30 days, so a
// renewed server certificate keeps the CA that clients already trust.
func loadCA(certPath, keyPath string) (*ecdsa.PrivateKey, *x509.Certificate, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, errors.New("bad CA files")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	if !cert.IsCA || cert.NotAfter.Before(time.Now().Add(minimumTTL)) || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, errors.New("CA unusable")
	}
	return key, cert, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n
}

func writeKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "EC PRIVATE KEY", der, 0o600)
}

// writePEM writes atomically, so a concurrent reader never sees half a file.
func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	return writeFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

// writeFile writes b to path atomically with mode.
func writeFile(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ServerTLS returns the server's TLS configuration (TLS 1.2 or newer) with
// the certificate and key at the given paths. The files are re-read when
// they change on disk, so a renewed certificate needs no restart.
func ServerTLS(certPath, keyPath string) (*tls.Config, error) {
	r := &reloader{certPath: certPath, keyPath: keyPath}
	if _, err := r.get(nil); err != nil {
		return nil, fmt.Errorf("server TLS: %w", err)
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: r.get,
		NextProtos:     []string{"h2"},
	}, nil
}

// ClientTLS returns a client TLS configuration (TLS 1.2 or newer) trusting
// only the CA certificate at caPath.
func ClientTLS(caPath string) (*tls.Config, error) {
	b, err := os.ReadFile(caPath)
	if err != nil {
		return nil, fmt.Errorf("client TLS: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("client TLS: no certificate in %s", caPath)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}, nil
}

// Issue writes a server certificate for names (host names or IP addresses),
// signed by the CA under dir (made by Ensure when missing), to certPath,
// followed by the CA (a full chain, as nginx and NATS send it), and its key
// to keyPath (mode 0600). The proxy's per-host certificates and the NATS
// nodes' are issued this way in development and tests; production's come
// from ACME or the province's CA.
func Issue(dir string, names []string, certPath, keyPath string) error {
	caPath, _, _, err := Ensure(dir)
	if err != nil {
		return err
	}
	caKey, caCert, err := loadCA(caPath, filepath.Join(dir, CAKeyFile))
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: names[0], Organization: []string{"portalhub (development only)"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(serverTTL),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if tmpl.NotAfter.After(caCert.NotAfter) {
		tmpl.NotAfter = caCert.NotAfter
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("issue a certificate for %v: %w", names, err)
	}
	if err := writeKey(keyPath, key); err != nil {
		return err
	}
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caCert.Raw})...)
	return writeFile(certPath, chain, 0o644)
}
