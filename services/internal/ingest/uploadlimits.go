package ingest

import (
	"context"
	"sync"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Defaults of the upload limits (Config).
const (
	defaultUploads          = 8
	defaultUploadsPerTenant = 2
	defaultUploadMemory     = 128 << 20
)

// uploadSlots bounds the uploads in progress: at most total at once, and at
// most perTenant of them for one tenant, so that no tenant can hold them
// all and starve the others.
type uploadSlots struct {
	mu        sync.Mutex
	total     int
	perTenant int
	used      int
	byTenant  map[string]int
	freed     chan struct{} // closed, and replaced, whenever a slot is freed
}

func newUploadSlots(total, perTenant int) *uploadSlots {
	if total <= 0 {
		total = defaultUploads
	}
	if perTenant <= 0 {
		perTenant = defaultUploadsPerTenant
	}
	// A tenant's share leaves room for the others.
	perTenant = max(1, min(perTenant, total-1))
	return &uploadSlots{total: total, perTenant: perTenant, byTenant: map[string]int{}, freed: make(chan struct{})}
}

// acquire takes a slot for tenant and returns its release. A tenant that
// holds its share already is answered RESOURCE_EXHAUSTED at once (its
// sub-portal retries later); otherwise acquire waits for a slot other
// tenants hold, until ctx ends.
func (s *uploadSlots) acquire(ctx context.Context, tenant string) (release func(), err error) {
	for {
		s.mu.Lock()
		if s.byTenant[tenant] >= s.perTenant {
			s.mu.Unlock()
			return nil, status.Errorf(codes.ResourceExhausted,
				"this tenant has %d uploads in progress already, the most it may; send the next file when one is done", s.perTenant)
		}
		if s.used < s.total {
			s.used++
			s.byTenant[tenant]++
			s.mu.Unlock()
			return func() { s.release(tenant) }, nil
		}
		freed := s.freed
		s.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
}

func (s *uploadSlots) release(tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used--
	if s.byTenant[tenant]--; s.byTenant[tenant] == 0 {
		delete(s.byTenant, tenant)
	}
	close(s.freed)
	s.freed = make(chan struct{})
}

// uploadMemory is the budget of bytes the uploads in progress may hold. An
// upload reserves memory as its chunks arrive (never what its header
// declares), and gives it back when it ends.
type uploadMemory struct {
	mu    sync.Mutex
	limit int64
	used  int64
}

func newUploadMemory(limit int64) *uploadMemory {
	if limit <= 0 {
		limit = defaultUploadMemory
	}
	return &uploadMemory{limit: limit}
}

// reserve takes n bytes of the budget, or answers RESOURCE_EXHAUSTED when
// they are not left: waiting could deadlock uploads that each hold part of
// it, and the sub-portal retries later.
func (m *uploadMemory) reserve(n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.used+n > m.limit {
		return status.Errorf(codes.ResourceExhausted,
			"the hub is receiving too many files at once (%d MiB in memory); try again shortly", m.limit>>20)
	}
	m.used += n
	return nil
}

func (m *uploadMemory) release(n int64) {
	m.mu.Lock()
	m.used -= n
	m.mu.Unlock()
}

// uploadBuffer holds a file as its chunks arrive, growing (up to the
// declared size) only when a chunk needs room, and reserving each growth
// from the memory budget.
type uploadBuffer struct {
	mem      *uploadMemory
	declared int
	data     []byte
	reserved int64
	onChange func(delta int64) // the metrics' view of reserved bytes
}

// write appends chunk, which the caller has checked fits the declared size.
func (b *uploadBuffer) write(chunk []byte) error {
	need := len(b.data) + len(chunk)
	if need > cap(b.data) {
		grown := min(b.declared, max(need, 2*cap(b.data), 64<<10))
		more := int64(grown - cap(b.data))
		if err := b.mem.reserve(more); err != nil {
			return err
		}
		b.reserved += more
		b.onChange(more)
		data := make([]byte, len(b.data), grown)
		copy(data, b.data)
		b.data = data
	}
	b.data = append(b.data, chunk...)
	return nil
}

// free gives the buffer's memory back to the budget.
func (b *uploadBuffer) free() {
	b.mem.release(b.reserved)
	b.onChange(-b.reserved)
	b.reserved, b.data = 0, nil
}
