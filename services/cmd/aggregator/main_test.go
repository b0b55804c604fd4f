package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestAggregator runs the whole process in-process: a push over TLS reaches
// JetStream through the outbox, and the process stops cleanly.
func TestAggregator(t *testing.T) {
	dbURL := testenv.Postgres(t, "hub", hubschema.Migrate)
	bus := testenv.NATS(t)
	dir := t.TempDir()
	s := settings{
		GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", OpsAddr: "127.0.0.1:0",
		DatabaseURL: dbURL, NATSURL: bus.URL, NATSNKeyFile: bus.SeedFile(natsauth.Aggregator),
		TLSDir:          filepath.Join(dir, "tls"),
		ReadyFile:       filepath.Join(dir, "ready.json"),
		ShutdownTimeout: 5 * time.Second, StartTimeout: 30 * time.Second,
		Console: consoleSettings{Addr: "127.0.0.1:0"},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, s, zerolog.New(zerolog.NewTestWriter(t))) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not return after cancel")
		}
	}()

	var addrs map[string]string
	testenv.WaitFor(t, 30*time.Second, func() error {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v", err)
		default:
		}
		var err error
		addrs, err = lifecycle.ReadReadyFile(s.ReadyFile)
		return err
	})
	resp, err := http.Get("http://" + addrs["http"] + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()

	store, err := hubstore.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.AddTenant(context.Background(), "test", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở GD"}); err != nil {
		t.Fatal(err)
	}
	_, token, err := store.IssueCredential(context.Background(), "test", "so-gd", "")
	if err != nil {
		t.Fatal(err)
	}

	cliTLS, err := devtls.ClientTLS(filepath.Join(s.TLSDir, devtls.CAFile))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(addrs["grpc"], grpc.WithTransportCredentials(credentials.NewTLS(cliTLS)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hc, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{Service: pb.IngestService_ServiceDesc.ServiceName})
	if err != nil || hc.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v %v", hc, err)
	}

	checkOpsListener(t, addrs, cliTLS, store, token)

	callCtx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
	item := &pb.ContentItem{
		ContentId: "le-hoi", Version: 1, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Title: "Lễ hội", Slug: "le-hoi"}},
		Approver:     &pb.Person{Name: "Lê Văn Cường"}, PublishedAt: timestamppb.Now(),
	}
	got, err := pb.NewIngestServiceClient(conn).Publish(callCtx, &pb.PublishRequest{Item: item})
	if err != nil || got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
		t.Fatalf("publish: %v %v", got, err)
	}

	js, _ := jetstream.New(bus.Connect(t, natsauth.Ops))
	testenv.WaitFor(t, 20*time.Second, func() error {
		stream, err := js.Stream(context.Background(), events.ContentStream)
		if err != nil {
			return err
		}
		msg, err := stream.GetLastMsgForSubject(context.Background(), events.ContentSubject("so-gd", "le-hoi"))
		if err != nil {
			return err
		}
		var ev pb.ContentEvent
		if err := proto.Unmarshal(msg.Data, &ev); err != nil {
			return err
		}
		if ev.Version != 1 || ev.ContentHash != got.ContentHash {
			return fmt.Errorf("event %v", &ev)
		}
		if id := msg.Header.Get(jetstream.MsgIDHeader); id != events.ContentMsgID("so-gd", "le-hoi", 1, got.ContentHash) {
			return errors.New("msg id " + id)
		}
		return nil
	})
	checkConsole(t, addrs["console"], store, js)
}

// checkOpsListener: the OpsService answers on its own TLS listener, not on
// the ingest port; an ops account logs in there, a tenant's credential is
// refused.
func checkOpsListener(t *testing.T, addrs map[string]string, cliTLS *tls.Config, store *hubstore.Store, tenantToken string) {
	t.Helper()
	ctx := context.Background()
	if addrs["ops"] == "" || addrs["ops"] == addrs["grpc"] {
		t.Fatalf("ready file %v: want an ops address of its own", addrs)
	}
	if _, err := opsaccounts.New(store.Pool()).Create(ctx, opsaccounts.NewAccount{Login: "admin", Role: opsaccounts.Administrator,
		Password: "Vịnh Vân Phong 2026"}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		addr string
		want codes.Code
	}{{addrs["ops"], codes.OK}, {addrs["grpc"], codes.Unimplemented}} {
		conn, err := grpc.NewClient(tc.addr, grpc.WithTransportCredentials(credentials.NewTLS(cliTLS)))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		c := pb.NewOpsServiceClient(conn)
		login, err := c.Login(ctx, &pb.LoginRequest{Login: "admin", Password: "Vịnh Vân Phong 2026"})
		if status.Code(err) != tc.want {
			t.Fatalf("Login on %s: %v, want %s", tc.addr, err, tc.want)
		}
		if err != nil {
			continue
		}
		who, err := c.Whoami(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+login.GetToken()), &pb.WhoamiRequest{})
		if err != nil || who.GetAccount().GetRole() != "administrator" {
			t.Errorf("whoami: %v %v", who, err)
		}
		_, err = c.ListTenants(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tenantToken), &pb.ListTenantsRequest{})
		if status.Code(err) != codes.PermissionDenied {
			t.Errorf("tenant credential on the ops listener: %v, want PERMISSION_DENIED", err)
		}
	}
}

func TestRunNeedsDatabase(t *testing.T) {
	if err := run(context.Background(), settings{}, zerolog.Nop()); err == nil {
		t.Fatal("run without DATABASE_URL succeeded")
	}
}

// A malformed DATABASE_URL is refused at once, saying so (issue 10 point
// 13: it was retried for a minute).
func TestRunRefusesAMalformedDatabaseURL(t *testing.T) {
	err := run(context.Background(), settings{DatabaseURL: "postgres://postgres@127.0.0.1:notaport/hub", NATSNKeyFile: "x"}, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is malformed") {
		t.Fatalf("run with a malformed DATABASE_URL: %v, want it named", err)
	}
}

// NATS that does not answer is named as such, with what to do, rather
// than "context deadline exceeded" (issue 10 point 13).
func TestStreamReadySaysNATSDoesNotAnswer(t *testing.T) {
	nc, err := nats.Connect("nats://127.0.0.1:1", nats.RetryOnFailedConnect(true), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	err = streamReady(context.Background(), nc, js)
	if err == nil || !strings.Contains(err.Error(), "NATS does not answer") || !strings.Contains(err.Error(), "NATS_URL") {
		t.Fatalf("streamReady without NATS: %v", err)
	}
}

func TestRunNeedsNATSKey(t *testing.T) {
	err := run(context.Background(), settings{DatabaseURL: "postgres://127.0.0.1:1/hub"}, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "NATS_NKEY_FILE") {
		t.Fatalf("run without NATS_NKEY_FILE: %v, want it asked for", err)
	}
}
