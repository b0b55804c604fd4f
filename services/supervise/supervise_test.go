package supervise

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// script writes a shell script that reports an address, then waits for TERM.
func script(t *testing.T, body string) string {
	path := filepath.Join(t.TempDir(), "child.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStartReadsReadyFileAndStops(t *testing.T) {
	bin := script(t, `echo hello
trap 'echo bye; exit 0' TERM
printf '{"http":"127.0.0.1:1234"}' > "$PORTALHUB_READY_FILE.tmp" && mv "$PORTALHUB_READY_FILE.tmp" "$PORTALHUB_READY_FILE"
while true; do sleep 0.05; done
`)
	var out syncBuffer
	p, err := Start(context.Background(), t.TempDir(), Spec{Name: "child", Path: bin, Output: &out})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Addrs["http"], "127.0.0.1:1234"; got != want {
		t.Errorf("addr: got %q, want %q", got, want)
	}
	if err := p.Stop(5 * time.Second); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !strings.Contains(out.String(), "child") || !strings.Contains(out.String(), "hello") {
		t.Errorf("output not prefixed: %q", out.String())
	}
}

func TestStartReportsEarlyExit(t *testing.T) {
	bin := script(t, "echo 'listen: address already in use' >&2\nexit 3\n")
	_, err := Start(context.Background(), t.TempDir(), Spec{Name: "broken", Path: bin})
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Errorf("got %v, want an early-exit error", err)
	}
	// Its output is discarded (no Spec.Output), but the error says why.
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("got %v, want the child's last output in it", err)
	}
}

func TestKill(t *testing.T) {
	bin := script(t, `trap '' TERM
printf '{}' > "$PORTALHUB_READY_FILE"
while true; do sleep 0.05; done
`)
	p, err := Start(context.Background(), t.TempDir(), Spec{Name: "stubborn", Path: bin})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(200 * time.Millisecond); err == nil {
		t.Errorf("stop of a process ignoring TERM: got nil, want a killed error")
	}
	select {
	case <-p.Done():
	default:
		t.Errorf("process still running after Stop")
	}
}

func TestStartWaitsForListensWithoutReadyFile(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// The child writes no ready file: it is ready when its address answers.
	bin := script(t, "while true; do sleep 0.05; done\n")
	p, err := Start(context.Background(), t.TempDir(), Spec{Name: "tool", Path: bin, Listens: map[string]string{"smtp": ln.Addr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if got, want := p.Addrs["smtp"], ln.Addr().String(); got != want {
		t.Errorf("addr: got %q, want %q", got, want)
	}

	// A child that exits while its address does not answer was never ready.
	free := ln.Addr().String()
	ln.Close()
	_, err = Start(context.Background(), t.TempDir(), Spec{Name: "broken", Path: script(t, "exit 3\n"), Listens: map[string]string{"smtp": free}})
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Errorf("got %v, want an early-exit error", err)
	}
}

// A kept child that dies is started again, told to listen where the first
// one did (Rebind); Stop ends it for good.
func TestKeepRestartsOnTheSameAddress(t *testing.T) {
	// The trap is set before the ready file is written: Stop may come as
	// soon as the child is ready (CI's loaded run stopped one in between).
	bin := script(t, `trap 'exit 0' TERM
addr=${CHILD_ADDR:-127.0.0.1:$$}
printf '{"http":"%s"}' "$addr" > "$PORTALHUB_READY_FILE.tmp" && mv "$PORTALHUB_READY_FILE.tmp" "$PORTALHUB_READY_FILE"
while true; do sleep 0.05; done
`)
	var mu sync.Mutex
	var logged []string
	r := Restart{Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Steady: time.Minute,
		Rebind: map[string]string{"http": "CHILD_ADDR"},
		Logf: func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(format, args...))
		}}
	k, err := Keep(context.Background(), t.TempDir(), Spec{Name: "child", Path: bin}, r)
	if err != nil {
		t.Fatal(err)
	}
	first := k.Process()
	addr := first.Addrs["http"]
	for round := 1; round <= 3; round++ {
		k.Process().Kill()
		deadline := time.Now().Add(10 * time.Second)
		for k.Restarts() < round {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: not restarted; log %q", round, logged)
			}
			time.Sleep(10 * time.Millisecond)
		}
		p := k.Process()
		if p == first || p.Addrs["http"] != addr {
			t.Errorf("round %d: restarted child listens on %q, want %q", round, p.Addrs["http"], addr)
		}
	}
	last := k.Process()
	if err := k.Stop(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-last.Done():
	default:
		t.Error("Stop left the child running")
	}
	time.Sleep(100 * time.Millisecond)
	if n := k.Restarts(); n != 3 {
		t.Errorf("restarts after Stop: %d, want 3", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 6 || !strings.Contains(logged[0], "child exited") || !strings.Contains(logged[1], "restarted (restart 1)") {
		t.Errorf("log %q, want an exit and a restart line per round", logged)
	}
}
