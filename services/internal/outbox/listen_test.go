package outbox

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestWakesOnNotify publishes with a sweep of an hour: only NOTIFY can wake
// the relay after its first pass.
func TestWakesOnNotify(t *testing.T) {
	f := newFixture(t)
	r := f.relay(t, Config{Sweep: time.Hour})
	run(t, r)
	for i := range 3 {
		insert(t, f.pool, newEvent("dac-khu-van-don", fmt.Sprintf("tin-%d", i), 1))
		waitFor(t, 10*time.Second, streamHas(f.stream, uint64(i+1)))
	}
	waitFor(t, 10*time.Second, pendingIs(r, 0))
}

// TestListenerReconnects kills the listening connection: the relay must
// listen again and still be woken by NOTIFY.
func TestListenerReconnects(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.relay(t, Config{Sweep: time.Hour})
	run(t, r)

	listener := func() (int32, error) {
		var pid int32
		err := f.pool.QueryRow(ctx, `
			SELECT pid FROM pg_stat_activity
			WHERE application_name = $1 AND datname = current_database()
				AND state = 'idle' AND query = 'LISTEN `+Channel+`'`, listenerAppName).Scan(&pid)
		return pid, err
	}
	var old int32
	waitFor(t, 10*time.Second, func() (err error) {
		old, err = listener()
		return err
	})
	if _, err := f.pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, old); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() error {
		pid, err := listener()
		if err != nil {
			return err
		}
		if pid == old {
			return errors.New("the killed listener is still there")
		}
		return nil
	})
	for i := range 3 {
		insert(t, f.pool, newEvent("dac-khu-van-don", fmt.Sprintf("tin-%d", i), 1))
		waitFor(t, 10*time.Second, streamHas(f.stream, uint64(i+1)))
	}
}
