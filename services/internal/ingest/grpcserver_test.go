package ingest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
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
