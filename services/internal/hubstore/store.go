// Package hubstore is the hub's write side: it applies a tenant's push and its
// outbox event in one transaction, stores blobs, and manages tenants and
// their credentials (with an append-only audit log). Driver errors become the
// domain errors of errors.go here, at the boundary.
package hubstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// CategoryRefresh is how often the in-memory category list is reloaded.
const CategoryRefresh = time.Minute

// Store is the hub store. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool

	catMu        sync.RWMutex
	categoryList []*pb.Category
	categories   contentrules.Categories

	// skipIndex: see SkipSearchIndex.
	skipIndex atomic.Bool
	// batchFallbacks: see BatchFallbacks.
	batchFallbacks atomic.Int64
	// onOutbox, onOutboxRows: see OnOutbox, OnOutboxRows.
	onOutbox     atomic.Pointer[func()]
	onOutboxRows atomic.Pointer[func([]OutboxRow)]

	stop chan struct{}
	done chan struct{}

	// mergeHooks: see OnMerge.
	mergeMu    sync.RWMutex
	mergeHooks []MergeHook
}

// MergeHook moves what another store keeps of a merged unit from to its
// successor into, inside the merge's transaction, and says how many rows
// it moved (reported and audited under name).
type MergeHook struct {
	Name string
	Move func(ctx context.Context, tx pgx.Tx, from, into string) (int, error)
}

// OnMerge adds a hook MergeTenant runs in its transaction: the aggregator
// hands a merged unit's open questions (feedback.Store.MoveOpen) to its
// successor this way, since that store sits above this one.
func (s *Store) OnMerge(h MergeHook) {
	s.mergeMu.Lock()
	defer s.mergeMu.Unlock()
	s.mergeHooks = append(s.mergeHooks, h)
}

// OnOutbox sets the function Apply and ApplyBatch call once a transaction
// that applied a push (and so wrote its event into the outbox) committed:
// the outbox relay's Wake, so that the event leaves at commit without
// waiting for the notification's way through the database.
func (s *Store) OnOutbox(f func()) { s.onOutbox.Store(&f) }

// OutboxRow is an event row a committed transaction wrote into the outbox.
type OutboxRow struct {
	ID             int64
	Subject, MsgID string
	Payload        []byte
}

// OnOutboxRows sets the function Apply and ApplyBatch call, once a
// transaction that applied pushes committed, with the outbox rows it wrote
// that they know (those of pushes applied without their own checks, the
// common case; the OnOutbox function is called as well, for the others):
// the outbox relay's Hand, so that an event leaves without being read back
// from the table.
func (s *Store) OnOutboxRows(f func([]OutboxRow)) { s.onOutboxRows.Store(&f) }

// outboxCommitted calls the OnOutboxRows function with sent, if any rows
// and a function, and the OnOutbox function, if any.
func (s *Store) outboxCommitted(sent []OutboxRow) {
	if f := s.onOutboxRows.Load(); f != nil && len(sent) > 0 {
		(*f)(sent)
	}
	if f := s.onOutbox.Load(); f != nil {
		(*f)()
	}
}

// Open connects to the hub database at url, loads the category list and keeps
// it fresh until Close.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("hub database url: %w", ErrInvalidArgument)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, mapErr("open hub database", err)
	}
	s := &Store{pool: pool, stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.RefreshCategories(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	go s.refreshLoop()
	return s, nil
}

// SkipSearchIndex makes Apply store pushes without writing the search index,
// as the hub did before search: the reference make bench measures the
// index's cost to publishing against. Never for a hub that serves searches,
// whose index would then miss changes.
func (s *Store) SkipSearchIndex() { s.skipIndex.Store(true) }

// Pool returns the connection pool, for the outbox relay and readiness checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return mapErr("ping hub database", s.pool.Ping(ctx))
}

// Close stops the category refresh and closes the pool.
func (s *Store) Close() {
	close(s.stop)
	<-s.done
	s.pool.Close()
}

func (s *Store) refreshLoop() {
	defer close(s.done)
	t := time.NewTicker(CategoryRefresh)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			// A failed refresh keeps the previous list; the next tick retries.
			_ = s.RefreshCategories(ctx)
			cancel()
		}
	}
}

// RefreshCategories reloads the hub's category code list.
func (s *Store) RefreshCategories(ctx context.Context) error {
	cs, err := hubread.New(s.pool).Categories(ctx)
	if err != nil {
		return mapErr("load categories", err)
	}
	list := make([]*pb.Category, 0, len(cs))
	for _, c := range cs {
		list = append(list, c.Proto())
	}
	s.catMu.Lock()
	s.categoryList, s.categories = list, contentrules.CategoriesOf(list)
	s.catMu.Unlock()
	return nil
}

// Categories returns the hub's category list as the rules need it (as last
// loaded; the list is refreshed every CategoryRefresh). Callers must not
// change it.
func (s *Store) Categories() contentrules.Categories {
	s.catMu.RLock()
	defer s.catMu.RUnlock()
	return s.categories
}

// CategoryList returns the hub's category list in display order, with names
// and admitted kinds, as ListCategories answers it (as last loaded). Callers
// must not change it.
func (s *Store) CategoryList() []*pb.Category {
	s.catMu.RLock()
	defer s.catMu.RUnlock()
	return s.categoryList
}
