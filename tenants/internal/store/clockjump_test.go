package store_test

import (
	"context"
	"testing"
	"time"

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
	claimed, err := s.Claim(ctx, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	var versions []uint64
	for _, c := range claimed {
		versions = append(versions, c.Item.GetVersion())
	}
	if len(versions) != 3 || versions[0] != 1 || versions[1] != 2 || versions[2] != 3 {
		t.Fatalf("claimed versions %v, want [1 2 3] in that order whatever their rows' times", versions)
	}

	// The relay died holding them, with the clock an hour ahead: their
	// lease ends an hour too late. Rows due further ahead than any lease
	// or delay the relay sets were dated by a clock that ran ahead: they
	// are offered again now, not in an hour.
	if _, err := s.Pool().Exec(ctx, `UPDATE outbox SET next_attempt_at = next_attempt_at + interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	again, err := s.Claim(ctx, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 3 {
		t.Fatalf("claimed %d rows after the clock came back, want the 3 whose lease a clock an hour ahead set", len(again))
	}
	// Their new leases are true ones: not offered again before they end.
	if rows, err := s.Claim(ctx, 10, lease); err != nil || len(rows) != 0 {
		t.Fatalf("claimed %d rows under a fresh lease (%v), want none", len(rows), err)
	}
}
