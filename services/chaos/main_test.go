package chaos

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/federation"
)

// fed is the clustered federation every test of this package drives.
var fed *federation.Federation

// tenants are the four sub-portals pushing during the faults.
var tenants = []federation.Tenant{
	{ID: "so-a", Kind: "department", NameVI: "Sở A", NameEN: "Department A"},
	{ID: "so-b", Kind: "department", NameVI: "Sở B", NameEN: "Department B"},
	{ID: "phuong-c", Kind: "ward", NameVI: "Phường C", NameEN: "Ward C"},
	{ID: "phuong-d", Kind: "ward", NameVI: "Phường D", NameEN: "Ward D"},
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if testing.Short() {
		fmt.Println("chaos: skipped in -short mode")
		return 0
	}
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-chaos-")
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
	if os.Getenv("CHAOS_VERBOSE") != "" {
		out = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	fed, err = federation.Start(ctx, federation.Options{
		VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true, Cluster: true, Restart: true, NATSTLS: true,
		Tenants: tenants, Output: out,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the clustered federation:", err)
		return 1
	}
	defer fed.Stop()
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
