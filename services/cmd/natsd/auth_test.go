package main

// The attacks on the bus that issue 6 B8 found, replayed against natsd as
// `make run` starts it: every identity may do only its part.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

const (
	aggregator = natsauth.Aggregator
	gateway    = natsauth.Gateway
	ops        = natsauth.Ops
)

type role = natsauth.Role

// client is a connection as one identity, with the asynchronous errors the
// server sent it (a refused publish is reported that way).
type client struct {
	nc   *nats.Conn
	errs chan error
}

// connectAs connects to the natsd at url as r.
func connectAs(t *testing.T, url, keys string, r role) *client {
	t.Helper()
	c := &client{errs: make(chan error, 16)}
	nc, err := natsauth.Connect(url, r, natsauth.SeedFile(keys, r), "", nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		select {
		case c.errs <- err:
		default:
		}
	}))
	if err != nil {
		t.Fatalf("connect as %s: %v", r, err)
	}
	t.Cleanup(nc.Close)
	c.nc = nc
	return c
}

// request sends msg as a request and returns the answer, or the
// permissions violation the server reported instead.
func (c *client) request(t *testing.T, msg *nats.Msg) (*nats.Msg, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	type answer struct {
		msg *nats.Msg
		err error
	}
	done := make(chan answer, 1)
	go func() {
		m, err := c.nc.RequestMsgWithContext(ctx, msg)
		done <- answer{m, err}
	}()
	select {
	case a := <-done:
		return a.msg, a.err
	case err := <-c.errs:
		return nil, err
	}
}

// mustBeRefused checks that NATS refuses r's publish of msg with a
// permissions violation.
func mustBeRefused(t *testing.T, c *client, r role, msg *nats.Msg) {
	t.Helper()
	answer, err := c.request(t, msg)
	if !errors.Is(err, nats.ErrPermissionViolation) {
		got := fmt.Sprint(err)
		if answer != nil {
			got = "answered " + string(answer.Data)
		}
		t.Errorf("%s publishing on %s: %s, want a permissions violation", r, msg.Subject, got)
	}
}

// natsd runs natsd for the test with the content stream provisioned, as
// `make run` does, and returns its URL and keys folder.
func natsd(t *testing.T) (url, keys string) {
	t.Helper()
	store := t.TempDir()
	cfg := config{Addr: "127.0.0.1:0", Store: store, AddrFile: filepath.Join(t.TempDir(), "nats.url")}
	done := make(chan struct{})
	serveAsync(t, cfg, func(u string) { url = u; close(done) })
	<-done
	keys = filepath.Join(store, "keys")
	js, err := jetstream.New(connectAs(t, url, keys, ops).nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := events.EnsureContentStream(t.Context(), js, 1); err != nil {
		t.Fatalf("provision the content stream as ops: %v", err)
	}
	return url, keys
}

// contentEvent is an event about tenant/content_id at version, as the
// aggregator's relay publishes it.
func contentEvent(t *testing.T, tenant, contentID string, version uint64, msgID string) *nats.Msg {
	t.Helper()
	b, err := proto.Marshal(&pb.ContentEvent{EventId: msgID, Tenant: tenant, ContentId: contentID, Version: version,
		Change: pb.ContentChange_CONTENT_CHANGE_WITHDRAWN})
	if err != nil {
		t.Fatal(err)
	}
	return &nats.Msg{Subject: events.ContentSubject(tenant, contentID), Data: b,
		Header: nats.Header{jetstream.MsgIDHeader: []string{msgID}}}
}

func TestAnonymousRefused(t *testing.T) {
	url, _ := natsd(t)
	nc, err := nats.Connect(url)
	if err == nil {
		nc.Close()
		t.Fatal("an anonymous client connected, want it refused")
	}
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("anonymous connect: %v, want an authorization violation", err)
	}
}

func TestUnknownKeyRefused(t *testing.T) {
	url, _ := natsd(t)
	// A well-formed key of a user the server does not know, with a gateway's
	// inbox.
	other := t.TempDir()
	if err := natsauth.EnsureSeeds(other); err != nil {
		t.Fatal(err)
	}
	nc, err := natsauth.Connect(url, gateway, natsauth.SeedFile(other, gateway), "")
	if err == nil {
		nc.Close()
		t.Fatal("a client with an unknown key connected, want it refused")
	}
	if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("connect with an unknown key: %v, want an authorization violation", err)
	}
}

func TestKeysPrivate(t *testing.T) {
	_, keys := natsd(t)
	for _, r := range natsauth.Roles {
		fi, err := os.Stat(natsauth.SeedFile(keys, r))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %o, want 600", fi.Name(), fi.Mode().Perm())
		}
	}
	fi, err := os.Stat(keys)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %o, want 700", keys, fi.Mode().Perm())
	}
}

func TestMonitoringOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "nats.example:8222"} {
		cfg := config{Addr: "127.0.0.1:0", Store: t.TempDir(), HTTP: addr}
		if err := run(t.Context(), cfg, zerolog.Nop()); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("-http %s: %v, want a refusal: monitoring on loopback only", addr, err)
		}
	}
}

// TestForgedEventRefused replays the attack: claim the next message id of an
// item with a fake event at version 2^64-1 so that JetStream drops the hub's
// real withdrawal as a duplicate.
func TestForgedEventRefused(t *testing.T) {
	url, keys := natsd(t)
	const msgID = "so-gd/le-hoi/2/0123456789abcdef"
	forged := contentEvent(t, "so-gd", "le-hoi", math.MaxUint64, msgID)
	mustBeRefused(t, connectAs(t, url, keys, gateway), gateway, forged)

	// The hub's own event with that id is stored, not dropped.
	c := connectAs(t, url, keys, aggregator)
	answer, err := c.request(t, contentEvent(t, "so-gd", "le-hoi", 2, msgID))
	if err != nil {
		t.Fatalf("the aggregator's publish: %v", err)
	}
	var ack jetstream.PubAck
	if err := json.Unmarshal(answer.Data, &ack); err != nil || ack.Stream != events.ContentStream || ack.Duplicate {
		t.Errorf("the aggregator's publish answered %s, want stored in %s and no duplicate", answer.Data, events.ContentStream)
	}
}

// streamAdmin is each stream administration request of the attack.
func streamAdmin(t *testing.T) []*nats.Msg {
	cfg, err := json.Marshal(jetstream.StreamConfig{Name: "EVIL", Subjects: []string{"hub.>"}})
	if err != nil {
		t.Fatal(err)
	}
	shrunk := events.ContentStreamConfig(1)
	shrunk.Duplicates = time.Second
	update, err := json.Marshal(shrunk)
	if err != nil {
		t.Fatal(err)
	}
	return []*nats.Msg{
		{Subject: "$JS.API.STREAM.CREATE.EVIL", Data: cfg},
		{Subject: "$JS.API.STREAM.UPDATE." + events.ContentStream, Data: update},
		{Subject: "$JS.API.STREAM.PURGE." + events.ContentStream},
		{Subject: "$JS.API.STREAM.DELETE." + events.ContentStream},
		{Subject: "$JS.API.STREAM.MSG.DELETE." + events.ContentStream, Data: []byte(`{"seq":1}`)},
	}
}

func TestStreamAdministrationOnlyForOps(t *testing.T) {
	url, keys := natsd(t)
	c := connectAs(t, url, keys, aggregator)
	if _, err := c.request(t, contentEvent(t, "so-gd", "le-hoi", 1, "so-gd/le-hoi/1/0123456789abcdef")); err != nil {
		t.Fatalf("the aggregator's publish: %v", err)
	}
	for _, r := range []role{gateway, aggregator} {
		for _, msg := range streamAdmin(t) {
			mustBeRefused(t, connectAs(t, url, keys, r), r, msg)
		}
	}
	js, err := jetstream.New(connectAs(t, url, keys, ops).nc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(t.Context(), events.ContentStream)
	if err != nil {
		t.Fatalf("the content stream after the attempts: %v", err)
	}
	if got := s.CachedInfo(); got.State.Msgs != 1 || got.Config.Duplicates != events.DuplicateWindow {
		t.Errorf("content stream holds %d messages with a %s duplicate window, want 1 and %s",
			got.State.Msgs, got.Config.Duplicates, events.DuplicateWindow)
	}
	if _, err := js.Stream(t.Context(), "EVIL"); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Errorf("stream EVIL: %v, want not found", err)
	}
}

// TestGatewayConsumes checks that the gateway can still do its part: its
// ordered consumer on the content stream receives what the aggregator's
// relay publishes (asynchronously, as the relay does).
func TestGatewayConsumes(t *testing.T) {
	url, keys := natsd(t)
	gw, err := jetstream.New(connectAs(t, url, keys, gateway).nc)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := gw.OrderedConsumer(t.Context(), events.ContentStream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.ContentSubjects}, DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		t.Fatalf("the gateway's ordered consumer: %v", err)
	}
	got := make(chan string, 1)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case got <- m.Headers().Get(jetstream.MsgIDHeader):
		default:
		}
	})
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	defer cc.Stop()

	agg, err := jetstream.New(connectAs(t, url, keys, aggregator).nc)
	if err != nil {
		t.Fatal(err)
	}
	const msgID = "so-gd/le-hoi/1/0123456789abcdef"
	f, err := agg.PublishMsgAsync(contentEvent(t, "so-gd", "le-hoi", 1, msgID))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Ok():
	case err := <-f.Err():
		t.Fatalf("the relay's publish: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the relay's publish was not acknowledged")
	}
	select {
	case id := <-got:
		if id != msgID {
			t.Errorf("the gateway received %q, want %q", id, msgID)
		}
	case <-time.After(10 * time.Second):
		t.Error("the gateway's consumer received nothing")
	}
}

// TestTenantUsersReloaded shows that a tenant issued after natsd started
// (its key written to the keys folder, as hubctl credentials issue
// --nats-keys does) connects once natsd got SIGHUP, and not before.
func TestTenantUsersReloaded(t *testing.T) {
	url, keys := natsd(t)
	const tenant = "so-du-lich"
	if _, err := natsauth.EnsureTenantSeed(keys, tenant); err != nil {
		t.Fatal(err)
	}
	r := natsauth.Tenant(tenant)
	connect := func() error {
		nc, err := natsauth.Connect(url, r, natsauth.SeedFile(keys, r), "", nats.NoReconnect())
		if err == nil {
			nc.Close()
		}
		return err
	}
	if err := connect(); !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("tenant before the reload: %v, want refused", err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 10*time.Second, connect)
	// The hub's users are still there.
	connectAs(t, url, keys, gateway)
}
