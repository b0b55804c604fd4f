package pgwake

import (
	"context"
	"testing"
	"time"
)

func TestBackoffDelay(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name    string
		b       Backoff
		n       int
		ceiling time.Duration // the delay before jitter
	}{
		{"first failure", Backoff{Base: 100 * ms, Cap: time.Second}, 1, 100 * ms},
		{"n below 1 counts as 1", Backoff{Base: 100 * ms, Cap: time.Second}, 0, 100 * ms},
		{"doubles", Backoff{Base: 100 * ms, Cap: time.Second}, 3, 400 * ms},
		{"capped", Backoff{Base: 100 * ms, Cap: time.Second}, 5, time.Second},
		{"no overflow after many failures", Backoff{Base: 100 * ms, Cap: time.Second}, 1000, time.Second},
		{"base above cap", Backoff{Base: 5 * time.Second, Cap: time.Second}, 1, time.Second},
		{"zero value is the default", Backoff{}, 1, DefaultBackoff.Base},
		{"default cap", Backoff{}, 1000, DefaultBackoff.Cap},
		{"base alone keeps the default cap", Backoff{Base: 10 * ms}, 1000, DefaultBackoff.Cap},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 200 {
				got := tc.b.Delay(tc.n)
				if got < tc.ceiling/2 || got > tc.ceiling {
					t.Fatalf("Delay(%d) = %v, want between %v and %v", tc.n, got, tc.ceiling/2, tc.ceiling)
				}
				seen[got] = true
			}
			if len(seen) < 2 {
				t.Errorf("Delay(%d) gave %d distinct values in 200 draws, want jitter", tc.n, len(seen))
			}
		})
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on a cancelled context = true, want false")
	}
	if !Sleep(context.Background(), 0) {
		t.Error("Sleep(0) = false, want true")
	}
}
