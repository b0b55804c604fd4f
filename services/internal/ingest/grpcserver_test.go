package ingest

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/net/http2"
	"google.golang.org/grpc"

	"github.com/portalhub/portalhub/services/internal/auth"
)

type fakeStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (f fakeStream) Context() context.Context { return f.ctx }

// The server caps every call's deadline: min(client deadline, cap), for
// unary calls and streams, whether or not the client set one.
func TestDeadlineCap(t *testing.T) {
	const limit = 2 * time.Second
	for _, tt := range []struct {
		name   string
		client time.Duration // 0: no client deadline
		want   time.Duration
	}{
		{"none", 0, limit},
		{"later than the cap", time.Hour, limit},
		{"earlier than the cap", 500 * time.Millisecond, 500 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parent := context.Background()
			if tt.client > 0 {
				var cancel context.CancelFunc
				parent, cancel = context.WithTimeout(parent, tt.client)
				defer cancel()
			}
			check := func(ctx context.Context) {
				t.Helper()
				dl, ok := ctx.Deadline()
				if !ok {
					t.Fatal("handler ran without a deadline")
				}
				if left := time.Until(dl); left > tt.want || left < tt.want-time.Second {
					t.Errorf("deadline in %v, want about %v", left, tt.want)
				}
			}
			_, err := deadlineUnary(limit)(parent, nil, &grpc.UnaryServerInfo{}, func(ctx context.Context, _ any) (any, error) {
				check(ctx)
				return nil, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = deadlineStream(limit, time.Hour)(nil, fakeStream{ctx: parent}, &grpc.StreamServerInfo{}, func(_ any, ss grpc.ServerStream) error {
				check(ss.Context())
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The server tells every client, in its HTTP/2 SETTINGS, that a connection
// carries at most MaxConcurrentStreams calls at once (issue 6 B12): one
// sub-portal cannot open streams without bound on one connection.
func TestMaxConcurrentStreamsAdvertised(t *testing.T) {
	log := zerolog.Nop()
	srv, _ := NewGRPCServer(GRPCConfig{Auth: auth.New(nil, log, 0), Ingest: &Server{}, Log: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second)) // a bound on a hung server, not a measurement
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no SETTINGS from the server: %v", err)
		}
		if sf, ok := f.(*http2.SettingsFrame); ok && !sf.IsAck() {
			if v, ok := sf.Value(http2.SettingMaxConcurrentStreams); !ok || v != MaxConcurrentStreams {
				t.Errorf("SETTINGS_MAX_CONCURRENT_STREAMS = %d (sent: %v), want %d", v, ok, MaxConcurrentStreams)
			}
			return
		}
	}
}
