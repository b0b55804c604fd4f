package ingest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestUploadSlots(t *testing.T) {
	s := newUploadSlots(3, 2)
	ctx := context.Background()
	a1, err := s.acquire(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.acquire(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	// a holds its share: told at once, even with a slot free.
	if _, err := s.acquire(ctx, "a"); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("a's third slot: %v, want RESOURCE_EXHAUSTED", err)
	}
	b1, err := s.acquire(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	// All slots taken: c waits until its context ends...
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.acquire(short, "c"); status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("c with every slot taken: %v, want DEADLINE_EXCEEDED", err)
	}
	// ... or until a slot is freed.
	got := make(chan error, 1)
	go func() {
		_, err := s.acquire(ctx, "c")
		got <- err
	}()
	a1()
	if err := <-got; err != nil {
		t.Fatalf("c after a slot was freed: %v", err)
	}
	b1()
	if s.used != 2 || s.byTenant["a"] != 1 || s.byTenant["c"] != 1 || s.byTenant["b"] != 0 {
		t.Errorf("used %d, by tenant %v", s.used, s.byTenant)
	}
}

func TestUploadSlotsShareLeavesRoom(t *testing.T) {
	for _, tc := range []struct{ total, perTenant, want int }{
		{0, 0, defaultUploadsPerTenant},
		{8, 8, 7},
		{2, 5, 1},
		{1, 1, 1},
	} {
		if got := newUploadSlots(tc.total, tc.perTenant).perTenant; got != tc.want {
			t.Errorf("newUploadSlots(%d, %d).perTenant = %d, want %d", tc.total, tc.perTenant, got, tc.want)
		}
	}
}

func TestUploadBufferReservesAsChunksArrive(t *testing.T) {
	mem := newUploadMemory(1 << 20)
	var reported int64
	b := &uploadBuffer{mem: mem, declared: 1 << 20, onChange: func(d int64) { reported += d }}
	if mem.used != 0 {
		t.Fatalf("reserved %d before any chunk", mem.used)
	}
	if err := b.write(make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if mem.used != 64<<10 || reported != mem.used {
		t.Errorf("after 1000 bytes: reserved %d (reported %d), want 64 KiB", mem.used, reported)
	}
	if err := b.write(make([]byte, 100<<10)); err != nil {
		t.Fatal(err)
	}
	if mem.used != int64(cap(b.data)) || len(b.data) != 1000+100<<10 {
		t.Errorf("reserved %d for a buffer of capacity %d", mem.used, cap(b.data))
	}
	// Another upload cannot take more than what is left.
	if err := mem.reserve(1 << 20); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("over the budget: %v, want RESOURCE_EXHAUSTED", err)
	}
	b.free()
	if mem.used != 0 || reported != 0 {
		t.Errorf("after free: reserved %d, reported %d", mem.used, reported)
	}
}
