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
	"github.com/portalhub/portalhub/services/pgcluster"
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

// clockTenant is the sub-portal whose clock jumps: its database runs on a
// PostgreSQL server of its own under libfaketime, whose offset clockFile
// holds ("+0", "+1h").
const clockTenant = "phuong-d"

var clockFile string

// setClock sets the offset of clockTenant's database clock.
func setClock(offset string) error {
	return os.WriteFile(clockFile, []byte(offset+"\n"), 0o644)
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
	clock, err := startClockServer(ctx, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the PostgreSQL server whose clock jumps:", err)
		return 1
	}
	defer func() {
		clock.Stop()
		pgcluster.Remove(clock.Dir())
		os.Remove(clockFile)
	}()
	for i := range tenants {
		if tenants[i].ID == clockTenant {
			tenants[i].DatabaseServer = clock.URL("postgres")
		}
	}
	fed, err = federation.Start(ctx, federation.Options{
		VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true, Cluster: true, Restart: true,
		Tenants: tenants, Output: out,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the clustered federation:", err)
		return 1
	}
	defer fed.Stop()
	return m.Run()
}

// startClockServer starts the PostgreSQL server of clockTenant's database
// under libfaketime, its clock true for now. The offset file lies where the
// postgres user can read it (dir is root's alone).
func startClockServer(ctx context.Context, dir string) (*pgcluster.Cluster, error) {
	f, err := os.CreateTemp("/var/tmp", "portalhub-chaos-clock-*")
	if err != nil {
		return nil, err
	}
	clockFile = f.Name()
	f.Close()
	if err := setClock("+0"); err != nil {
		return nil, err
	}
	if err := os.Chmod(clockFile, 0o644); err != nil {
		return nil, err
	}
	env, err := pgcluster.FakeTimeEnv(clockFile)
	if err != nil {
		return nil, err
	}
	return pgcluster.Start(ctx, pgcluster.Config{Dir: filepath.Join(dir, "pg-clock"), Ephemeral: true, SyncCommit: true, Env: env})
}

// buildBinaries builds the binaries the federation runs once, from the workspace.
func buildBinaries(dir string) error {
	root, err := filepath.Abs("../..")
	if err != nil {
		return err
	}
	return federation.BuildBinaries(root, dir)
}
