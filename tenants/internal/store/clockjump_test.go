package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// TestOutboxAfterClockJump: a sub-portal's clock (its database's now())
// that jumps an hour ahead and back neither reorders its versions nor
// stalls its relay. The jump is played by writing what such a clock
// leaves behind: rows created an hour "later" than the next ones, and
// leases and retries that end an hour too late.
func TestOutboxAfterClockJump(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	in := storetest.Article("dong-ho", "Đồng hồ nhảy")
	for i := range 3 {
		in.Translations[0].Summary = "Bản " + string(rune('1'+i))
		if _, err := s.Approve(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// Versions 1 and 2 were written while the clock ran an hour ahead,
	// version 3 after it came back.
	if _, err := s.Pool().Exec(ctx, `UPDATE outbox SET created_at = created_at + interval '1 hour' WHERE version < 3`); err != nil {
		t.Fatal(err)
	}
	const lease = time.Minute
	claim := func(what string, want ...uint64) []store.Claimed {
		t.Helper()
		rows, err := s.Claim(ctx, 10, lease)
		if err != nil {
			t.Fatal(err)
		}
		var versions []uint64
		for _, c := range rows {
			versions = append(versions, c.Item.GetVersion())
		}
		if !slices.Equal(versions, want) {
			t.Fatalf("%s: claimed versions %v, want %v", what, versions, want)
		}
		return rows
	}
	// Version 1 first, whatever the rows' times: versions 2 and 3 wait for
	// it (an item's versions go one at a time, in order).
	claim("first claim", 1)

	// The relay died holding it, with the clock an hour ahead: its lease
	// ends an hour too late, and the others' first attempts are dated an
	// hour ahead. Rows due further ahead than any lease or delay the relay
	// sets were dated by a clock that ran ahead: they are offered again
	// now, not in an hour.
	if _, err := s.Pool().Exec(ctx, `UPDATE outbox SET next_attempt_at = next_attempt_at + interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	rows := claim("after the clock came back", 1)
	// Its new lease is a true one: not offered again before it ends.
	claim("under a fresh lease")
	// Delivered, it lets version 2 go at once, then 3, although their
	// first attempts were dated an hour ahead.
	for v := uint64(2); v <= 3; v++ {
		if err := s.MarkDelivered(ctx, rows[0].ID, "APPLIED"); err != nil {
			t.Fatal(err)
		}
		rows = claim("after the delivery of its predecessor", v)
	}
}
