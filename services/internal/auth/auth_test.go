package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
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
	// Failures are not cached.
	for range 2 {
		call(a, "/m", metadata.Pairs("authorization", "Bearer phk_secret_unknown"))
	}
	if f.lookups != 4 {
		t.Errorf("look-ups with unknown token = %d, want 4", f.lookups)
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
