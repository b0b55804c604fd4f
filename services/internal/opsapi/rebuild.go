package opsapi

import (
	"errors"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// ReasonReindexRunning: another rebuild of the search index holds the
// hub's lock (another aggregator's, or this one's at start).
const ReasonReindexRunning = "REINDEX_RUNNING"

// A rebuild is one rebuild of the search index that this aggregator runs
// for the admin API. It runs under the aggregator's lifetime, not a
// call's: a rebuild takes up to hours on a large hub, and a caller that
// goes away (Ctrl-C, a lost connection) stops following it, not the work.
type rebuild struct {
	by string    // the actor who started it, ops:<login>
	at time.Time // when

	mu          sync.Mutex
	done, total int
	over        bool
	err         error         // why it failed, once over
	wake        chan struct{} // closed at each change, then replaced
}

// set changes the rebuild's state under its lock and wakes its followers.
func (r *rebuild) set(change func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change()
	close(r.wake)
	r.wake = make(chan struct{})
}

// state is the rebuild's progress, and a channel closed at its next change.
func (r *rebuild) state() (done, total int, over bool, err error, next <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done, r.total, r.over, r.err, r.wake
}

// rebuildSlot holds the rebuild this aggregator runs, if any.
type rebuildSlot struct {
	mu  sync.Mutex
	cur *rebuild
}

// RebuildSearchIndex starts a rebuild of the search index, or follows the
// one this aggregator runs, and streams its progress until it is over.
func (s *Server) RebuildSearchIndex(_ *pb.RebuildSearchIndexRequest, stream grpc.ServerStreamingServer[pb.RebuildSearchIndexResponse]) error {
	ctx := stream.Context()
	actor := caller(ctx).Account.Actor()
	r, started := s.startRebuild(actor)
	if !started {
		// Following a rebuild someone else started is a read.
		if err := s.store.RecordAction(ctx, actor, "ops.call", map[string]string{"method": pb.OpsService_RebuildSearchIndex_FullMethodName}); err != nil {
			return s.fail(ctx, err)
		}
	}
	for {
		done, total, over, err, next := r.state()
		if over && err != nil {
			return s.rebuildFailed(err)
		}
		if err := stream.Send(&pb.RebuildSearchIndexResponse{StartedBy: r.by, StartedAt: timestamppb.New(r.at), Started: started,
			Done: int64(done), Total: int64(total), Finished: over}); err != nil {
			return err
		}
		if over {
			return nil
		}
		select {
		case <-next:
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
}

// startRebuild returns the rebuild this aggregator runs, or starts one as
// actor and reports that it did.
func (s *Server) startRebuild(actor string) (*rebuild, bool) {
	s.rebuilds.mu.Lock()
	defer s.rebuilds.mu.Unlock()
	if r := s.rebuilds.cur; r != nil {
		if _, _, over, _, _ := r.state(); !over {
			return r, false
		}
	}
	r := &rebuild{by: actor, at: s.now(), wake: make(chan struct{})}
	s.rebuilds.cur = r
	go s.runRebuild(r)
	return r, true
}

// runRebuild rebuilds the index for r and records the rebuild, under the
// account that started it, once the new index is in use.
func (s *Server) runRebuild(r *rebuild) {
	start := time.Now()
	log := s.log.With().Str("actor", r.by).Logger()
	log.Info().Msg("search index: rebuild started through the admin API")
	err := s.store.Reindex(s.life, func(done, total int) {
		r.set(func() { r.done, r.total = done, total })
	})
	took := time.Since(start).Round(time.Millisecond)
	if err == nil {
		_, total, _, _, _ := r.state()
		err = s.store.RecordAction(s.life, r.by, "search.reindex", map[string]any{"items": total, "seconds": int64(took.Seconds())})
	}
	if err != nil {
		log.Warn().Err(err).Dur("took", took).Msg("search index: rebuild failed; the index in use is unchanged")
	} else {
		log.Info().Dur("took", took).Msg("search index rebuilt")
	}
	r.set(func() { r.over, r.err = true, err })
}

// rebuildFailed is the status a follower of a failed rebuild gets.
func (s *Server) rebuildFailed(err error) error {
	switch {
	case errors.Is(err, hubstore.ErrReindexRunning):
		return refuse(codes.Aborted, ReasonReindexRunning, nil,
			"another rebuild of the search index is running (another aggregator's, or this one's at start): wait for it to end (its log says when)",
			"Một lần dựng lại chỉ mục tìm kiếm khác đang chạy (của aggregator khác, hoặc của aggregator này lúc khởi động): hãy đợi lần đó xong (nhật ký của nó báo).")
	case s.life.Err() != nil:
		return refuse(codes.Unavailable, "SHUTTING_DOWN", nil,
			"the aggregator is stopping: the rebuild was abandoned and the index in use is unchanged; run it again once the aggregator is back",
			"Aggregator đang dừng: lần dựng lại bị bỏ dở, chỉ mục đang dùng không đổi; hãy chạy lại khi aggregator hoạt động trở lại.")
	}
	return s.fail(s.life, err)
}
