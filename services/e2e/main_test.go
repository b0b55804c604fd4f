package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/federation"
)

// fed is the federation every test of this package drives.
var fed *federation.Federation

// binDir holds the binaries the federations of the tests run.
var binDir string

// tenants are the two sub-portals of the tests; the demo catalogue's
// tenants run beside them (demoTenants) for the checks of every page type.
var tenants = []federation.Tenant{
	{ID: "so-a", Kind: "department", NameVI: "Sở A", NameEN: "Department A"},
	{ID: "phuong-b", Kind: "ward", NameVI: "Phường B", NameEN: "Ward B"},
}

// demoTenants reads the demo catalogue (tenants/demo/tenants.json), seeded
// with its content and on ports picked at start, so that the browser checks
// find every page type of tests/browser/pages.json.
func demoTenants() ([]federation.Tenant, error) {
	b, err := os.ReadFile("../../tenants/demo/tenants.json")
	if err != nil {
		return nil, err
	}
	var ts []federation.Tenant
	if err := json.Unmarshal(b, &ts); err != nil {
		return nil, fmt.Errorf("tenants/demo/tenants.json: %w", err)
	}
	for i := range ts {
		ts[i].Port, ts[i].Demo = 0, true
	}
	return ts, nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if testing.Short() {
		fmt.Println("e2e: skipped in -short mode")
		return 0
	}
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin := os.Getenv("PORTALHUB_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "bin")
		if err := buildBinaries(bin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	var out io.Writer = io.Discard
	if os.Getenv("E2E_VERBOSE") != "" {
		out = os.Stderr
	}
	demo, err := demoTenants()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	rulesFile, err := filepath.Abs("../../deploy/rules/khanhhoa.toml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	fed, err = federation.Start(ctx, federation.Options{
		VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true, // always a private cluster: fixed database names
		Tenants: append(tenants, demo...), Output: out,
		// The deployment's Article 11 rules, as make run gives them: the
		// compliance watch runs, and the console's compliance pages have
		// something to show (TestConsolePagesInBrowser).
		Env: []string{"HUB_COMPLIANCE_RULES=" + rulesFile},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start federation:", err)
		return 1
	}
	defer fed.Stop()
	binDir = bin
	return m.Run()
}

// buildBinaries builds the binaries the federation runs once, from the workspace.
func buildBinaries(dir string) error {
	root, err := filepath.Abs("../..")
	if err != nil {
		return err
	}
	return federation.BuildBinaries(root, dir)
}

// hubConn dials the aggregator over TLS (the federation's CA), closed when
// the test ends, and returns a context carrying token (if any) and md.
func hubConn(t *testing.T, token string, md ...string) (*grpc.ClientConn, context.Context) {
	t.Helper()
	pem, err := os.ReadFile(fed.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	conn, err := grpc.NewClient(fed.HubAddr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	pairs := append([]string{}, md...)
	if token != "" {
		pairs = append(pairs, "authorization", "Bearer "+token)
	}
	return conn, metadata.AppendToOutgoingContext(ctx, pairs...)
}

// ingestClient dials the aggregator with a tenant's credential.
func ingestClient(t *testing.T, token string, md ...string) (pb.IngestServiceClient, context.Context) {
	t.Helper()
	conn, ctx := hubConn(t, token, md...)
	return pb.NewIngestServiceClient(conn), ctx
}

// get fetches a portal page without following redirects.
func get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(fed.Gateway + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}
