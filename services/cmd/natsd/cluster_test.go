package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestParseConfigCluster(t *testing.T) {
	if _, err := parseConfig([]string{"-cluster", "127.0.0.1:6222"}); err == nil {
		t.Error("-cluster without -name: no error, want one (JetStream needs each node named)")
	}
	cfg, err := parseConfig([]string{"-name", "nats-1", "-cluster", "127.0.0.1:6222", "-routes", "nats-route://127.0.0.1:6222,nats-route://127.0.0.1:6223"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "nats-1" || cfg.Cluster != "127.0.0.1:6222" || !strings.Contains(cfg.Routes, "6223") {
		t.Errorf("parseConfig = %+v", cfg)
	}
}

// TestCluster runs three natsd nodes routed to each other, as make cluster
// does: the content stream is created with three replicas, and a message is
// still acknowledged, and every earlier one kept, once the stream's leader
// is stopped.
func TestCluster(t *testing.T) {
	keys := t.TempDir()
	if err := natsauth.EnsureSeeds(keys); err != nil {
		t.Fatal(err)
	}
	var routes []string
	var clusterAddrs []string
	for range 3 {
		a := freeAddr(t)
		clusterAddrs = append(clusterAddrs, a)
		routes = append(routes, "nats-route://"+a)
	}
	urls := make([]string, 3)
	stops := make([]func(), 3)
	for i := range 3 {
		cfg := config{Addr: "127.0.0.1:0", Store: t.TempDir(), Keys: keys, AddrFile: filepath.Join(t.TempDir(), "url"),
			Name: fmt.Sprintf("nats-%d", i+1), Cluster: clusterAddrs[i], Routes: strings.Join(routes, ",")}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, cfg, zerolog.Nop()) }()
		var once bool
		stops[i] = func() {
			if once {
				return
			}
			once = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run %s: %v", cfg.Name, err)
			}
		}
		t.Cleanup(stops[i])
		testenv.WaitFor(t, 20*time.Second, func() error {
			u, err := readURL(cfg.AddrFile)
			urls[i] = u
			return err
		})
	}
	all := strings.Join(urls, ",")
	ops := jetStream(t, all, keys, natsauth.Ops)
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := events.EnsureContentStream(ctx, ops, 3)
		return err
	})
	agg := jetStream(t, all, keys, natsauth.Aggregator)
	publish := func(id string) error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, err := agg.Publish(ctx, events.ContentSubject("so-gd", id), []byte(id))
		return err
	}
	testenv.WaitFor(t, 30*time.Second, func() error { return publish("truoc") })

	s, err := ops.Stream(t.Context(), events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
		t.Fatalf("stream %s: %d replicas, cluster %+v; want 3 (a leader and two followers)", events.ContentStream, info.Config.Replicas, info.Cluster)
	}
	leader := info.Cluster.Leader
	var n int
	if _, err := fmt.Sscanf(leader, "nats-%d", &n); err != nil || n < 1 || n > 3 {
		t.Fatalf("leader %q is none of nats-1..3", leader)
	}
	stops[n-1]()

	testenv.WaitFor(t, 30*time.Second, func() error { return publish("sau") })
	testenv.WaitFor(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		info, err := s.Info(ctx)
		if err != nil {
			return err
		}
		if info.Cluster.Leader == leader || info.Cluster.Leader == "" {
			return fmt.Errorf("leader %q", info.Cluster.Leader)
		}
		if info.State.Msgs != 2 {
			return fmt.Errorf("stream holds %d messages after its leader %s stopped, want 2", info.State.Msgs, leader)
		}
		return nil
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func readURL(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}
