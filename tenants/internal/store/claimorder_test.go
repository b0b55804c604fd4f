package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// claimed names the rows of a claim as "id/version", in the claim's order.
func claimed(t *testing.T, s *store.Store, lease time.Duration) ([]string, []store.Claimed) {
	t.Helper()
	rows, err := s.Claim(context.Background(), 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rows {
		names = append(names, fmt.Sprintf("%s/%d", r.Item.GetContentId(), r.Item.GetVersion()))
	}
	return names, rows
}

// TestClaimHoldsAVersionWhileAnEarlierOneIsPending: a version is not
// offered while an earlier version of its item is pending (due, retried
// later, or leased by a relay sending it), so a retry is never overtaken by
// its successor, which the hub would keep while answering the retry STALE
// (make chaos found versions answered STALE). Other items are not held up,
// and the successor comes with the claim after its predecessor's delivery.
func TestClaimHoldsAVersionWhileAnEarlierOneIsPending(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	in := storetest.Article("ban-tin", "Bản tin")
	for i := range 3 {
		in.Translations[0].Summary = fmt.Sprintf("Bản %d", i+1)
		if _, err := s.Approve(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Approve(ctx, storetest.Article("tin-khac", "Tin khác")); err != nil {
		t.Fatal(err)
	}

	names, rows := claimed(t, s, time.Minute)
	if want := []string{"ban-tin/1", "tin-khac/1"}; !slices.Equal(names, want) {
		t.Fatalf("first claim = %v, want %v: versions 2 and 3 wait for version 1", names, want)
	}
	// Version 1 is leased (a relay is sending it): 2 and 3 still wait.
	if names, _ := claimed(t, s, time.Minute); len(names) != 0 {
		t.Fatalf("claim while version 1 is leased = %v, want nothing", names)
	}
	// The hub was unavailable: version 1 is retried later. Its successors
	// must not go before it.
	if err := s.Retry(ctx, rows[0].ID, time.Minute, "hub unavailable"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDelivered(ctx, rows[1].ID, "APPLIED"); err != nil {
		t.Fatal(err)
	}
	if names, _ := claimed(t, s, time.Minute); len(names) != 0 {
		t.Fatalf("claim while version 1 waits for its retry = %v, want nothing", names)
	}
	// Its retry falls due; once delivered, version 2 is offered, then 3.
	if err := s.Retry(ctx, rows[0].ID, 0, "hub unavailable"); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		names, rows := claimed(t, s, time.Minute)
		if want := []string{fmt.Sprintf("ban-tin/%d", v)}; !slices.Equal(names, want) {
			t.Fatalf("claim = %v, want %v", names, want)
		}
		if err := s.MarkDelivered(ctx, rows[0].ID, "APPLIED"); err != nil {
			t.Fatal(err)
		}
	}

	// A refused version does not hold its successor: a new approval is
	// how a refusal is fixed.
	in.Translations[0].Summary = "Bản 4"
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	names, rows = claimed(t, s, time.Minute)
	if want := []string{"ban-tin/4"}; !slices.Equal(names, want) {
		t.Fatalf("claim = %v, want %v", names, want)
	}
	if err := s.Refuse(ctx, rows[0].ID, store.Refusal{Code: "InvalidArgument", Reason: "UNKNOWN_CATEGORY"}); err != nil {
		t.Fatal(err)
	}
	in.Translations[0].Summary = "Bản 5"
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	if names, _ := claimed(t, s, time.Minute); !slices.Equal(names, []string{"ban-tin/5"}) {
		t.Fatalf("claim after a refused version = %v, want [ban-tin/5]", names)
	}
}

// TestClaimLetsAnApprovalOvertakeAScheduledVersion: a version approved for
// a later time does not hold back one approved to go at once (the
// editorial workflow's embargo rule: a later approval overtakes it).
func TestClaimLetsAnApprovalOvertakeAScheduledVersion(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	at := time.Now().Add(3 * time.Hour)
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := s.ApproveTx(ctx, tx, storetest.Article("hen-gio", "Hẹn giờ"), store.ApproveOptions{PublishAt: &at}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, storetest.Article("hen-gio", "Đăng ngay")); err != nil {
		t.Fatal(err)
	}
	if names, _ := claimed(t, s, time.Minute); !slices.Equal(names, []string{"hen-gio/2"}) {
		t.Fatalf("claim = %v, want [hen-gio/2]: the scheduled version 1 is not due", names)
	}
}

// TestClaimLetsASuccessorOvertakeAVersionThatKeepsFailing: a version whose
// delivery failed HoldAttempts times (an upload that times out on every
// attempt, a file the hub cannot take) no longer holds its successors back:
// a correction or a withdrawal approved after it must not wait forever.
func TestClaimLetsASuccessorOvertakeAVersionThatKeepsFailing(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	in := storetest.Article("tep-lon", "Tệp lớn")
	for i := range 2 {
		in.Translations[0].Summary = fmt.Sprintf("Bản %d", i+1)
		if _, err := s.Approve(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	first := func() int64 {
		names, rows := claimed(t, s, time.Minute)
		if want := []string{"tep-lon/1"}; !slices.Equal(names, want) {
			t.Fatalf("claim = %v, want %v", names, want)
		}
		return rows[0].ID
	}
	id := first()
	// Fail it until it has been tried once less than the bound: it still
	// holds version 2.
	for range store.HoldAttempts - 2 {
		if err := s.Retry(ctx, id, 0, "upload: deadline exceeded"); err != nil {
			t.Fatal(err)
		}
		first()
	}
	if err := s.Retry(ctx, id, time.Minute, "upload: deadline exceeded"); err != nil {
		t.Fatal(err)
	}
	if names, _ := claimed(t, s, time.Minute); len(names) != 0 {
		t.Fatalf("claim after %d attempts = %v, want nothing: version 1 still holds version 2", store.HoldAttempts-1, names)
	}
	if err := s.Retry(ctx, id, 0, "upload: deadline exceeded"); err != nil {
		t.Fatal(err)
	}
	first() // attempt HoldAttempts
	if err := s.Retry(ctx, id, time.Minute, "upload: deadline exceeded"); err != nil {
		t.Fatal(err)
	}
	if names, _ := claimed(t, s, time.Minute); !slices.Equal(names, []string{"tep-lon/2"}) {
		t.Fatalf("claim after %d failed attempts of version 1 = %v, want [tep-lon/2]", store.HoldAttempts, names)
	}
}

// TestClaimTakesBackALeaseWhoseSessionEnded: a row leased by a relay whose
// database session is gone (its process was killed mid-send: make chaos
// kills a sub-portal) is offered again at once, not at the end of its
// lease; since the item's next versions wait for it, a dead lease would
// hold them back for minutes.
func TestClaimTakesBackALeaseWhoseSessionEnded(t *testing.T) {
	ctx := context.Background()
	s, url := storetest.New(t)
	in := storetest.Article("ban-tin", "Bản tin")
	for i := range 2 {
		in.Translations[0].Summary = fmt.Sprintf("Bản %d", i+1)
		if _, err := s.Approve(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// Another relay claims version 1 (the same lease as ours: a lease
	// longer than the claimer's own counts as dated by a clock that ran
	// ahead), then dies.
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	other := store.New(pool)
	rows, err := other.Claim(ctx, 10, time.Minute)
	if err != nil || len(rows) != 1 || rows[0].Item.GetVersion() != 1 {
		pool.Close()
		t.Fatalf("the other relay's claim = %v, %v; want version 1", rows, err)
	}
	// While it lives, its lease holds.
	if names, _ := claimed(t, s, time.Minute); len(names) != 0 {
		t.Fatalf("claim while the other relay holds version 1 = %v, want nothing", names)
	}
	pool.Close()
	testenv.WaitFor(t, 10*time.Second, func() error {
		names, rows := claimed(t, s, time.Minute)
		if !slices.Equal(names, []string{"ban-tin/1"}) {
			return fmt.Errorf("claim after the other relay died = %v, want [ban-tin/1]", names)
		}
		if err := s.MarkDelivered(ctx, rows[0].ID, "APPLIED"); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	if names, _ := claimed(t, s, time.Minute); !slices.Equal(names, []string{"ban-tin/2"}) {
		t.Fatalf("claim after version 1's delivery = %v, want [ban-tin/2]", names)
	}
}
