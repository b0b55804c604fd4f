package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Profiles (issue 11 point 6): the measured processes run with
// PORTALHUB_PPROF, which serves pprof on their ops listener; a part takes a
// CPU profile of a process over its load and the process's allocation
// profile after it, writes both into BENCH_PROFILES (./var/bench) and
// prints their top entries.

// cpuProfile is a CPU profile being taken.
type cpuProfile struct {
	path string
	done chan error
}

// startCPUProfile starts taking a CPU profile of the process whose ops
// listener is opsURL over seconds, into dir/name-cpu.pprof.
func startCPUProfile(ctx context.Context, opsURL, dir, name string, seconds int) *cpuProfile {
	p := &cpuProfile{path: filepath.Join(dir, name+"-cpu.pprof"), done: make(chan error, 1)}
	go func() {
		p.done <- fetchProfile(ctx, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", opsURL, seconds), p.path)
	}()
	return p
}

// wait waits for the profile and returns its file.
func (p *cpuProfile) wait() (string, error) { return p.path, <-p.done }

// allocsProfile writes the process's allocation profile (every allocation
// since it started, sampled) into dir/name-allocs.pprof.
func allocsProfile(ctx context.Context, opsURL, dir, name string) (string, error) {
	path := filepath.Join(dir, name+"-allocs.pprof")
	return path, fetchProfile(ctx, opsURL+"/debug/pprof/allocs", path)
}

func fetchProfile(ctx context.Context, url, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("profile %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("profile %s: %s: %s (is PORTALHUB_PPROF set?)", url, resp.Status, strings.TrimSpace(string(b)))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// printTop prints the n top entries of a profile (go tool pprof -top),
// by flat CPU time, or for an allocation profile by bytes allocated.
func printTop(path string, n int) {
	args := []string{"tool", "pprof", "-top", fmt.Sprintf("-nodecount=%d", n)}
	if strings.HasSuffix(path, "-allocs.pprof") {
		args = append(args, "-sample_index=alloc_space")
	}
	out, err := exec.Command("go", append(args, path)...).CombinedOutput()
	if err != nil {
		fmt.Printf("  (go tool pprof %s: %v)\n", path, err)
		return
	}
	fmt.Printf("  %s:\n", path)
	// Skip pprof's header lines up to the column titles.
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for i, l := range lines {
		if strings.Contains(l, "flat%") {
			lines = lines[i:]
			break
		}
	}
	for _, l := range lines {
		fmt.Println("    " + l)
	}
}
