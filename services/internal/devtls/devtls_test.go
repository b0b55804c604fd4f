package devtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEnsureCreatesOnceAndServes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	ca, cert, key, err := Ensure(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{key, filepath.Join(dir, CAKeyFile)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", p, fi.Mode().Perm())
		}
	}
	before, _ := os.ReadFile(cert)

	// A second call reuses the files.
	if _, _, _, err := Ensure(dir); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(cert)
	if string(before) != string(after) {
		t.Error("Ensure replaced a valid certificate")
	}

	// A broken server certificate is replaced, keeping the CA.
	caBefore, _ := os.ReadFile(ca)
	if err := os.WriteFile(cert, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := Ensure(dir); err != nil {
		t.Fatal(err)
	}
	caAfter, _ := os.ReadFile(ca)
	if string(caBefore) != string(caAfter) {
		t.Error("Ensure replaced a valid CA")
	}

	srvCfg, err := ServerTLS(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	cliCfg, err := ClientTLS(ca)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "[::1]", "localhost"} {
		network := "tcp"
		addr := "127.0.0.1:0"
		if host == "[::1]" {
			addr = "[::1]:0"
		}
		ln, err := tls.Listen(network, addr, srvCfg)
		if err != nil {
			t.Logf("listen %s: %v (skipped)", addr, err)
			continue
		}
		go func() {
			c, err := ln.Accept()
			if err == nil {
				c.Write([]byte("ok"))
				c.Close()
			}
		}()
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		c, err := tls.Dial("tcp", net.JoinHostPort(trim(host), port), cliCfg)
		if err != nil {
			t.Errorf("dial %s: %v", host, err)
			ln.Close()
			continue
		}
		b, _ := io.ReadAll(c)
		if string(b) != "ok" {
			t.Errorf("read %q", b)
		}
		c.Close()
		ln.Close()
	}
}

func trim(h string) string {
	if len(h) > 2 && h[0] == '[' {
		return h[1 : len(h)-1]
	}
	return h
}

func TestClientRejectsOtherCA(t *testing.T) {
	ca1, _, _, err := Ensure(filepath.Join(t.TempDir(), "a"))
	if err != nil {
		t.Fatal(err)
	}
	_, cert2, key2, err := Ensure(filepath.Join(t.TempDir(), "b"))
	if err != nil {
		t.Fatal(err)
	}
	srvCfg, err := ServerTLS(cert2, key2)
	if err != nil {
		t.Fatal(err)
	}
	cliCfg, err := ClientTLS(ca1)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srvCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	c, err := tls.Dial("tcp", ln.Addr().String(), cliCfg)
	if err == nil {
		c.Close()
		t.Fatal("client trusted a server certificate from another CA")
	}
}

// A certificate without a subject alternative name is refused at start,
// saying why and how to make one (issue 10 point 13: the aggregator took it
// and every client refused it).
func TestServerTLSRefusesACertificateWithoutSAN(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hub.example.gov.vn"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ServerTLS(certPath, keyPath)
	if err == nil || !strings.Contains(err.Error(), "subject alternative names") || !strings.Contains(err.Error(), "subjectAltName=DNS:") {
		t.Fatalf("ServerTLS of a certificate without SAN: %v; want refused, with how to make one", err)
	}
}

// TestIssueSignsForTheNamesGiven: a certificate Issue writes verifies for
// its names (host names and addresses) against the CA Ensure made, for no
// other name, and its key is readable by its owner only.
func TestIssueSignsForTheNamesGiven(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "site.pem"), filepath.Join(dir, "site.key")
	if err := Issue(dir, []string{"sodulich.localhost", "127.0.0.1"}, cert, key); err != nil {
		t.Fatal(err)
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(pair.Certificate) != 2 {
		t.Errorf("chain of %d certificates, want the leaf and the CA", len(pair.Certificate))
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, CAFile))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	for _, name := range []string{"sodulich.localhost", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"localhost", "sokhcn.localhost", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err == nil {
			t.Errorf("verifies for %s, which it was not issued for", name)
		}
	}
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}
