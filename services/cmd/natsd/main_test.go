package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestParseConfig(t *testing.T) {
	t.Setenv("NATSD_STORE", "/srv/nats")
	t.Setenv("NATSD_HTTP", "127.0.0.1:8222")
	t.Setenv("PORTALHUB_READY_FILE", "/run/natsd.ready")
	cfg, err := parseConfig([]string{"-http", ""})
	if err != nil {
		t.Fatal(err)
	}
	want := config{Addr: "127.0.0.1:0", Store: "/srv/nats", HTTP: "", ReadyFile: "/run/natsd.ready"}
	if cfg != want {
		t.Errorf("parseConfig = %+v, want %+v: flags over environment over defaults", cfg, want)
	}
}

// TestRestart runs natsd twice on one store: the second run must come back
// on the first one's port with the first one's streams and users.
func TestRestart(t *testing.T) {
	cfg := config{
		Addr:      "127.0.0.1:0",
		Store:     t.TempDir(),
		AddrFile:  filepath.Join(t.TempDir(), "nats.url"),
		HTTP:      "127.0.0.1:0",
		ReadyFile: filepath.Join(t.TempDir(), "natsd.ready"),
	}
	var first, second string
	keys := filepath.Join(cfg.Store, "keys")
	serve(t, cfg, func(url, monitor string) {
		first = url
		if _, err := events.EnsureContentStream(t.Context(), jetStream(t, url, keys, natsauth.Ops), 1); err != nil {
			t.Fatal(err)
		}
		if _, err := jetStream(t, url, keys, natsauth.Aggregator).Publish(t.Context(), events.ContentSubject("so-gd", "le-hoi"), []byte("1")); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get("http://" + monitor + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz: %s, want 200 OK", resp.Status)
		}
	})
	serve(t, cfg, func(url, _ string) {
		second = url
		s, err := jetStream(t, url, keys, natsauth.Ops).Stream(t.Context(), events.ContentStream)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.CachedInfo().State.Msgs; got != 1 {
			t.Errorf("stream %s holds %d messages after restart, want 1", events.ContentStream, got)
		}
	})
	if first != second {
		t.Errorf("restarted at %s, want the previous run's %s", second, first)
	}
}

// serve runs natsd with cfg, calls use with its client URL and monitoring
// address once it is ready, then stops it.
func serve(t *testing.T, cfg config, use func(url, monitor string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, zerolog.Nop()) }()
	var url string
	testenv.WaitFor(t, 10*time.Second, func() error {
		b, err := os.ReadFile(cfg.AddrFile)
		url = strings.TrimSpace(string(b))
		return err
	})
	addrs, err := lifecycle.ReadReadyFile(cfg.ReadyFile)
	if err != nil {
		t.Fatal(err)
	}
	if addrs["nats"] != url {
		t.Errorf("ready file: nats %q, want the client URL %q", addrs["nats"], url)
	}
	use(url, addrs["http"])
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := os.Stat(cfg.AddrFile); !os.IsNotExist(err) {
		t.Errorf("address file after shutdown: %v, want it gone", err)
	}
}

// jetStream connects as r with its seed under keys.
func jetStream(t *testing.T, url, keys string, r natsauth.Role) jetstream.JetStream {
	t.Helper()
	nc, err := natsauth.Connect(url, r, natsauth.SeedFile(keys, r), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// serveAsync runs natsd with cfg until the test ends and calls ready with
// its client URL once it serves.
func serveAsync(t *testing.T, cfg config, ready func(url string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, zerolog.Nop()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	var url string
	testenv.WaitFor(t, 10*time.Second, func() error {
		b, err := os.ReadFile(cfg.AddrFile)
		url = strings.TrimSpace(string(b))
		return err
	})
	ready(url)
}
