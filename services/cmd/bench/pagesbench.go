package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/pgcluster"
)

// The pages benchmark (issue 7 point 8): the search part's database when
// both run (one corpus), else a private hub database seeded with the search
// benchmark's generated corpus (searchseed.go: the same items, tenants and
// write path), measured by the gateway's pagebench
// (gateway/cmd/pagebench, built into PORTALHUB_BIN), which renders the
// portal's pages in process: uncached item, section and legal register
// pages beside primary-key fetches of the same rows, and the gateway's
// memory with 10,000 cached pages.

// pagesSettings are the pages benchmark's settings.
type pagesSettings struct {
	Items, Tenants, Samples, Cached, Workers int
}

func runPages(ctx context.Context, bin string, s pagesSettings) error {
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-pages-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cluster, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Ephemeral: true, Timeout: 2 * time.Minute})
	if err != nil {
		return err
	}
	defer os.RemoveAll(cluster.Dir())
	defer cluster.Stop()
	url := cluster.URL("postgres")
	if err := hubschema.Migrate(ctx, url); err != nil {
		return err
	}
	hub, err := hubstore.Open(ctx, url)
	if err != nil {
		return err
	}
	defer hub.Close()
	hub.SkipSearchIndex() // pages do not read it
	if err := addTenants(ctx, hub, s.Tenants); err != nil {
		return err
	}
	gen, err := newTextGen(".")
	if err != nil {
		return err
	}
	fmt.Printf("pages: seeding %d items over %d tenants (%d workers)...\n", s.Items, s.Tenants, s.Workers)
	start := time.Now()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := seedCorpus(ctx, hub, pool, gen, s.Items, s.Tenants, s.Workers, time.Now()); err != nil {
		return err
	}
	fmt.Printf("pages: seeded in %s\n", time.Since(start).Round(time.Second))
	return runPagebench(ctx, bin, url, s)
}

// runPagebench runs the gateway's pagebench on the hub database at url.
func runPagebench(ctx context.Context, bin, url string, s pagesSettings) error {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "pagebench"))
	cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "PAGEBENCH_SAMPLES="+strconv.Itoa(s.Samples),
		"PAGEBENCH_CACHED="+strconv.Itoa(s.Cached))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pagebench: %w", err)
	}
	return nil
}
