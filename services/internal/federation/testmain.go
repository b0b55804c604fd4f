package federation

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// RunTests is a test package's TestMain body for tests that drive a whole
// federation: it starts one with opts (VarDir, BinDir and Output filled in:
// a fresh folder under /var/tmp named after name, the binaries in
// PORTALHUB_BIN or built from the workspace at root, the children's logs
// on stderr when the variable verbose is set), hands it to setup, runs the
// tests (m is the package's *testing.M) and stops it. In -short mode
// (short) it runs nothing. It returns the exit code.
func RunTests(m interface{ Run() int }, short bool, name, root, verbose string, opts Options, setup func(f *Federation, varDir string)) int {
	if short {
		fmt.Printf("%s: skipped in -short mode\n", name)
		return 0
	}
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-"+name+"-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	opts.BinDir = os.Getenv("PORTALHUB_BIN")
	if opts.BinDir == "" {
		opts.BinDir = filepath.Join(dir, "bin")
		if err := BuildBinaries(root, opts.BinDir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	opts.Output = io.Discard
	if os.Getenv(verbose) != "" {
		opts.Output = os.Stderr
	}
	opts.VarDir = filepath.Join(dir, "var")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	f, err := Start(ctx, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: start the federation: %v\n", name, err)
		return 1
	}
	defer f.Stop()
	setup(f, opts.VarDir)
	return m.Run()
}
