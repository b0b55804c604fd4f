package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// fakeStore knows tokens by their SHA-256 and counts look-ups.
type fakeStore struct {
	creds   map[[32]byte][2]string
	lookups int
	fail    error
}

func (f *fakeStore) AuthenticateSHA256(_ context.Context, sum [32]byte) (string, string, error) {
	f.lookups++
	if f.fail != nil {
		return "", "", f.fail
	}
	c, ok := f.creds[sum]
	if !ok {
		return "", "", hubstore.ErrNotFound
	}
	return c[0], c[1], nil
}

func newFake() *fakeStore {
	return &fakeStore{creds: map[[32]byte][2]string{
		sha256.Sum256([]byte("phk_good")):      {"so-gd", hubstore.StatusActive},
		sha256.Sum256([]byte("phk_suspended")): {"xa-a", hubstore.StatusSuspended},
	}}
}

func call(a *Authenticator, method string, md metadata.MD) (string, error) {
	ctx := metadata.NewIncomingContext(context.Background(), md)
	var got string
	_, err := a.Unary()(ctx, nil, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, _ any) (any, error) {
		got = Tenant(ctx)
		return nil, nil
	})
	return got, err
}

func TestUnary(t *testing.T) {
	const method = "/portalhub.v1.IngestService/Publish"
	tests := []struct {
		name       string
		md         metadata.MD
		wantTenant string
		wantCode   codes.Code
		wantReason string
	}{
		{"good", metadata.Pairs("authorization", "Bearer phk_good"), "so-gd", codes.OK, ""},
		{"lower-case scheme", metadata.Pairs("authorization", "bearer phk_good"), "so-gd", codes.OK, ""},
		{"matching tenant", metadata.Pairs("authorization", "Bearer phk_good", TenantHeader, "so-gd"), "so-gd", codes.OK, ""},
		{"missing", metadata.MD{}, "", codes.Unauthenticated, contentrules.ReasonUnauthenticated},
		{"not bearer", metadata.Pairs("authorization", "Basic abc"), "", codes.Unauthenticated, contentrules.ReasonUnauthenticated},
		{"unknown", metadata.Pairs("authorization", "Bearer phk_bad"), "", codes.Unauthenticated, contentrules.ReasonUnauthenticated},
		{"other tenant", metadata.Pairs("authorization", "Bearer phk_good", TenantHeader, "xa-a"), "", codes.PermissionDenied, contentrules.ReasonTenantMismatch},
		{"suspended", metadata.Pairs("authorization", "Bearer phk_suspended"), "", codes.PermissionDenied, contentrules.ReasonTenantInactive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := New(newFake(), zerolog.Nop(), 0)
			got, err := call(a, method, tt.md)
			if status.Code(err) != tt.wantCode || contentrules.ReasonOf(err) != tt.wantReason {
				t.Fatalf("err = %v (reason %q), want %v %q", err, contentrules.ReasonOf(err), tt.wantCode, tt.wantReason)
			}
			if got != tt.wantTenant {
				t.Errorf("tenant = %q, want %q", got, tt.wantTenant)
			}
		})
	}
}

func TestExempt(t *testing.T) {
	a := New(newFake(), zerolog.Nop(), 0)
	if _, err := call(a, "/grpc.health.v1.Health/Check", metadata.MD{}); err != nil {
		t.Errorf("health check without credential: %v", err)
	}
}

func TestCacheAndNoTokenInLogs(t *testing.T) {
	var logs bytes.Buffer
	f := newFake()
	a := New(f, zerolog.New(&logs), time.Minute)
	now := time.Unix(1000, 0)
	a.now = func() time.Time { return now }
	md := metadata.Pairs("authorization", "Bearer phk_good")
	for range 3 {
		if _, err := call(a, "/m", md); err != nil {
			t.Fatal(err)
		}
	}
	if f.lookups != 1 {
		t.Errorf("look-ups = %d, want 1 (cached)", f.lookups)
	}
	now = now.Add(2 * time.Minute)
	if _, err := call(a, "/m", md); err != nil {
		t.Fatal(err)
	}
	if f.lookups != 2 {
		t.Errorf("look-ups after expiry = %d, want 2", f.lookups)
	}
	// An unknown credential is looked up once, then refused from the
	// negative cache.
	for range 2 {
		call(a, "/m", metadata.Pairs("authorization", "Bearer phk_secret_unknown"))
	}
	if f.lookups != 3 {
		t.Errorf("look-ups with unknown token = %d, want 3", f.lookups)
	}
	if bytes.Contains(logs.Bytes(), []byte("phk_")) {
		t.Errorf("logs hold a token: %s", logs.String())
	}
	// A store failure is UNAVAILABLE, not UNAUTHENTICATED.
	f.fail = errors.New("down")
	if _, err := call(a, "/m", metadata.Pairs("authorization", "Bearer phk_other")); status.Code(err) != codes.Unavailable {
		t.Errorf("store down: %v, want UNAVAILABLE", err)
	}
}

type fakeServerStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (f *fakeServerStream) Context() context.Context { return f.ctx }

func TestStream(t *testing.T) {
	a := New(newFake(), zerolog.Nop(), 0)
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer phk_good"))
	var got string
	err := a.Stream()(nil, &fakeServerStream{ctx: ctx}, &grpc.StreamServerInfo{FullMethod: "/portalhub.v1.IngestService/UploadBlob"},
		func(_ any, ss grpc.ServerStream) error { got = Tenant(ss.Context()); return nil })
	if err != nil || got != "so-gd" {
		t.Fatalf("stream: tenant %q, err %v", got, err)
	}
	err = a.Stream()(nil, &fakeServerStream{ctx: context.Background()}, &grpc.StreamServerInfo{FullMethod: "/x"},
		func(any, grpc.ServerStream) error { return nil })
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("stream without credential: %v", err)
	}
}

// callFrom is call from the peer at addr ("10.0.0.1:40000").
func callFrom(a *Authenticator, addr, token string) (string, error) {
	ip, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	ctx := peer.NewContext(metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer "+token)),
		&peer.Peer{Addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: p}})
	var got string
	_, err := a.Unary()(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/portalhub.v1.IngestService/Publish"},
		func(ctx context.Context, _ any) (any, error) { got = Tenant(ctx); return nil, nil })
	return got, err
}

// TestNegativeCacheAndRevocation: a flood of one bad token reaches the
// store once per NegativeTTL; a credential revoked in the store is refused
// once its good entry expires, and from then on without a look-up.
func TestNegativeCacheAndRevocation(t *testing.T) {
	f := newFake()
	a := NewWithOptions(f, zerolog.Nop(), Options{TTL: 5 * time.Second, NegativeTTL: 2 * time.Second})
	now := time.Unix(1000, 0)
	a.now = func() time.Time { return now }

	for range 1000 {
		if _, err := callFrom(a, "10.0.0.1:4000", "phk_flood"); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("bad token: %v, want UNAUTHENTICATED", err)
		}
	}
	if f.lookups != 1 {
		t.Errorf("1000 calls with one bad token: %d look-ups, want 1", f.lookups)
	}
	now = now.Add(3 * time.Second)
	callFrom(a, "10.0.0.1:4000", "phk_flood")
	if f.lookups != 2 {
		t.Errorf("after the negative TTL: %d look-ups, want 2", f.lookups)
	}

	// A good credential, cached, then revoked in the store.
	f.lookups = 0
	if got, err := callFrom(a, "10.0.0.2:4000", "phk_good"); err != nil || got != "so-gd" {
		t.Fatalf("good: %q %v", got, err)
	}
	delete(f.creds, sha256.Sum256([]byte("phk_good")))
	now = now.Add(6 * time.Second) // the good entry expires
	for range 10 {
		if _, err := callFrom(a, "10.0.0.2:4000", "phk_good"); status.Code(err) != codes.Unauthenticated {
			t.Fatalf("revoked: %v, want UNAUTHENTICATED", err)
		}
	}
	if f.lookups != 2 {
		t.Errorf("revoked credential: %d look-ups, want 2 (one good, one revoked, then the negative cache)", f.lookups)
	}
	// The revoked look-up removed the good entry: once the negative one
	// expires too, the store is asked again and still says no.
	now = now.Add(3 * time.Second)
	if _, err := callFrom(a, "10.0.0.2:4000", "phk_good"); status.Code(err) != codes.Unauthenticated || f.lookups != 3 {
		t.Errorf("revoked after both TTLs: %v, %d look-ups; want UNAUTHENTICATED after a third", err, f.lookups)
	}
}

// TestPeerBudget: distinct bad tokens from one address reach the store only
// within its budget, then are refused as RATE_LIMITED without a look-up;
// another address is not affected, a good credential already known still
// passes from the limited one, and the budget refills with time.
func TestPeerBudget(t *testing.T) {
	f := newFake()
	a := NewWithOptions(f, zerolog.Nop(), Options{FailureRate: 1, FailureBurst: 5})
	now := time.Unix(1000, 0)
	a.now = func() time.Time { return now }
	if _, err := callFrom(a, "10.0.0.1:4000", "phk_good"); err != nil { // known good before the flood
		t.Fatal(err)
	}
	f.lookups = 0
	limited := 0
	for i := range 200 {
		_, err := callFrom(a, "10.0.0.1:"+strconv.Itoa(4000+i%7), "phk_bad_"+strconv.Itoa(i))
		switch contentrules.ReasonOf(err) {
		case contentrules.ReasonRateLimited:
			limited++
			if status.Code(err) != codes.ResourceExhausted {
				t.Fatalf("rate limited: code %v", status.Code(err))
			}
		case contentrules.ReasonUnauthenticated:
		default:
			t.Fatalf("bad token %d: %v", i, err)
		}
	}
	if f.lookups != 5 || limited != 195 {
		t.Errorf("200 distinct bad tokens from one address: %d look-ups, %d rate limited; want 5 and 195", f.lookups, limited)
	}
	if got, err := callFrom(a, "10.0.0.1:5000", "phk_good"); err != nil || got != "so-gd" {
		t.Errorf("a known good credential from the limited address: %q %v", got, err)
	}
	if _, err := callFrom(a, "10.0.0.9:4000", "phk_bad_other"); contentrules.ReasonOf(err) != contentrules.ReasonUnauthenticated || f.lookups != 6 {
		t.Errorf("another address: %v (%d look-ups), want its own look-up", err, f.lookups)
	}
	now = now.Add(2 * time.Second)
	if _, err := callFrom(a, "10.0.0.1:4000", "phk_bad_later"); contentrules.ReasonOf(err) != contentrules.ReasonUnauthenticated || f.lookups != 7 {
		t.Errorf("after the budget refills: %v (%d look-ups), want a look-up", err, f.lookups)
	}
	// A good credential not cached yet costs nothing of the budget: after
	// its look-up the peer still has the token the refill gave.
	now = now.Add(time.Second)
	f.creds[sha256.Sum256([]byte("phk_new"))] = [2]string{"xa-b", hubstore.StatusActive}
	if got, err := callFrom(a, "10.0.0.1:4000", "phk_new"); err != nil || got != "xa-b" {
		t.Fatalf("new good credential: %q %v", got, err)
	}
	if _, err := callFrom(a, "10.0.0.1:4000", "phk_bad_last"); contentrules.ReasonOf(err) != contentrules.ReasonUnauthenticated {
		t.Errorf("a bad one after a good look-up: %v, want UNAUTHENTICATED (budget left)", err)
	}
}
