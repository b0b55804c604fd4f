// Package supervise starts portalhub's binaries as child processes and stops
// them cleanly: the development launcher (devstack), the end-to-end tests and
// the benchmark harness all run the federation through it. A child reports
// the addresses it bound in a ready file (lifecycle.WriteReadyFile), so every
// service can listen on port 0.
package supervise

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/portalhub/portalhub/services/lifecycle"
)

// Spec says how to start one process.
type Spec struct {
	// Name labels the process in logs, e.g. "aggregator" or "subportal so-du-lich".
	Name string
	// Path is the binary.
	Path string
	Args []string
	// Env is added to the parent's environment.
	Env []string
	// Output receives the child's stdout and stderr, each line prefixed with
	// Name; nil discards them.
	Output io.Writer
	// ReadyTimeout bounds the wait for the ready file (default 60s).
	ReadyTimeout time.Duration
	// Listens, for a program that writes no ready file (a third-party
	// tool such as Mailpit), names the addresses it was told to listen on:
	// it is ready once each accepts a TCP connection, and they become its
	// Addrs.
	Listens map[string]string
}

// Process is a running child.
type Process struct {
	Spec  Spec
	Addrs map[string]string // from its ready file

	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs the binary with PORTALHUB_READY_FILE set to a fresh file in dir
// and waits until the child writes it, exits, or the timeout passes.
func Start(ctx context.Context, dir string, spec Spec) (*Process, error) {
	if spec.ReadyTimeout == 0 {
		spec.ReadyTimeout = 60 * time.Second
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ready := filepath.Join(dir, fmt.Sprintf("%s.%d.ready", sanitize(spec.Name), time.Now().UnixNano()))
	cmd := exec.Command(spec.Path, spec.Args...)
	cmd.Env = append(append(os.Environ(), spec.Env...), "PORTALHUB_READY_FILE="+ready)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var wg sync.WaitGroup
	last := &lastLines{}
	var out io.Writer = last
	if spec.Output != nil {
		out = io.MultiWriter(spec.Output, last)
	}
	for _, pipe := range []func() (io.ReadCloser, error){cmd.StdoutPipe, cmd.StderrPipe} {
		r, err := pipe()
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			prefixLines(out, spec.Name, r)
		}()
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	p := &Process{Spec: spec, cmd: cmd, done: make(chan struct{})}
	go func() {
		wg.Wait()
		p.err = cmd.Wait()
		close(p.done)
	}()
	deadline := time.NewTimer(spec.ReadyTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if addrs, ok := isReady(ready, spec.Listens); ok {
			p.Addrs = addrs
			os.Remove(ready)
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited before it was ready: %v; its last output: %s", spec.Name, p.err, last)
		case <-deadline.C:
			p.Kill()
			return nil, fmt.Errorf("%s not ready after %s", spec.Name, spec.ReadyTimeout)
		case <-ctx.Done():
			p.Kill()
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// isReady returns the child's addresses once it is ready: from its ready
// file, or, with listens, once each of those accepts a connection.
func isReady(readyFile string, listens map[string]string) (map[string]string, bool) {
	if len(listens) == 0 {
		addrs, err := lifecycle.ReadReadyFile(readyFile)
		return addrs, err == nil
	}
	for _, addr := range listens {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return nil, false
		}
		c.Close()
	}
	return maps.Clone(listens), true
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is the exit error once Done is closed.
func (p *Process) Err() error { return p.err }

// Pid is the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop sends SIGTERM and waits up to timeout for a graceful exit, then kills.
func (p *Process) Stop(timeout time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		var exit *exec.ExitError
		if errors.As(p.err, &exit) && !exit.Success() {
			return fmt.Errorf("%s: %w", p.Spec.Name, p.err)
		}
		return nil
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("%s did not stop within %s; killed", p.Spec.Name, timeout)
	}
}

// Kill sends SIGKILL to the process group and waits for the exit.
func (p *Process) Kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

func prefixLines(w io.Writer, name string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fmt.Fprintf(w, "%-22s %s\n", name, sc.Text())
	}
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

// Run runs a one-off command to completion; its output goes to spec.Output.
func Run(ctx context.Context, spec Spec) error {
	cmd := exec.CommandContext(ctx, spec.Path, spec.Args...)
	cmd.Env = append(os.Environ(), spec.Env...)
	if spec.Output != nil {
		pr, pw := io.Pipe()
		cmd.Stdout, cmd.Stderr = pw, pw
		done := make(chan struct{})
		go func() {
			prefixLines(spec.Output, spec.Name, pr)
			close(done)
		}()
		err := cmd.Run()
		pw.Close()
		<-done
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		return nil
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", spec.Name, err)
	}
	return nil
}
