// Package ingest is the aggregator's IngestService: it authenticates nothing
// itself (the auth interceptors put the tenant in the context), prepares each
// push with contentrules (validation, NFC, sanitising, hash) and applies it
// with the hub store, which writes the item and its event in one
// transaction. It also receives blobs, answers resync listings and hands
// out the hub's category list.
package ingest

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"golang.org/x/sync/semaphore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// Config is what a Server needs.
type Config struct {
	Store *hubstore.Store
	Log   zerolog.Logger
	// Registerer receives the server's metrics; nil registers none.
	Registerer prometheus.Registerer
	// MaxConcurrentUploads bounds the uploads in progress at once; 0 means 8.
	MaxConcurrentUploads int
	// MaxUploadsPerTenant bounds one tenant's share of them (at most
	// MaxConcurrentUploads-1, so that no tenant can hold them all); 0 means 2.
	MaxUploadsPerTenant int
	// UploadMemory bounds the bytes the uploads in progress hold, reserved
	// as chunks arrive; 0 means 128 MiB.
	UploadMemory int64
}

// Server implements pb.IngestServiceServer.
type Server struct {
	pb.UnimplementedIngestServiceServer

	store   *hubstore.Store
	log     zerolog.Logger
	metrics *metrics
	slots   *uploadSlots
	memory  *uploadMemory
}

// NewServer returns the IngestService.
func NewServer(cfg Config) *Server {
	if cfg.Registerer != nil && cfg.Store != nil {
		cfg.Registerer.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portalhub_ingest_bulk_fallbacks_total",
			Help: "PublishBulk batches whose transaction failed as a whole and whose pushes were applied again one by one.",
		}, func() float64 { return float64(cfg.Store.BatchFallbacks()) }))
	}
	return &Server{
		store:   cfg.Store,
		log:     cfg.Log,
		metrics: newMetrics(cfg.Registerer),
		slots:   newUploadSlots(cfg.MaxConcurrentUploads, cfg.MaxUploadsPerTenant),
		memory:  newUploadMemory(cfg.UploadMemory),
	}
}

func tenantOf(ctx context.Context) (string, error) {
	t := auth.Tenant(ctx)
	if t == "" {
		// The interceptors guarantee a tenant; reaching here means the
		// server was wired without them.
		return "", contentrules.Refuse(contentrules.ReasonUnauthenticated, "", "no authenticated tenant", "Chưa xác thực đơn vị")
	}
	return t, nil
}

// Publish applies one item.
func (s *Server) Publish(ctx context.Context, req *pb.PublishRequest) (*pb.PublishResponse, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.publish(ctx, tenant, req.GetItem())
}

// Bulk pushes: PublishBulk applies the pushes it has received and not yet
// answered together (ApplyBatch: one transaction for up to bulkBatch of
// them), answering each in order. It never waits for more pushes to come:
// a client that sends one and waits for its answer gets batches of one;
// one that streams gets batches as large as what arrived while the previous
// batch was applied. bulkHeld bounds the bytes of the pushes received and
// not yet answered, so that a fast client cannot make the hub hold more.
const (
	bulkBatch      = 256
	bulkBatchBytes = 8 << 20
	bulkHeld       = 16 << 20
)

// received is one request of a PublishBulk stream, or the error that ended
// the stream (io.EOF when the client closed it).
type received struct {
	item *pb.ContentItem
	size int64
	err  error
}

// PublishBulk answers each request of the stream in order, with its result
// or its error, applying the requests received so far in one transaction.
func (s *Server) PublishBulk(stream pb.IngestService_PublishBulkServer) error {
	ctx := stream.Context()
	tenant, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	held := semaphore.NewWeighted(bulkHeld)
	in := make(chan received, bulkBatch)
	// The receiver ends with the stream: Recv fails once the call is over.
	go func() {
		for {
			req, err := stream.Recv()
			if err != nil {
				select {
				case in <- received{err: err}:
				case <-ctx.Done():
				}
				return
			}
			size := min(int64(proto.Size(req)), bulkHeld)
			if held.Acquire(ctx, size) != nil {
				return
			}
			select {
			case in <- received{item: req.GetItem(), size: size}:
			case <-ctx.Done():
				return
			}
		}
	}()
	// Batches are gathered and prepared (validated, sanitised, hashed) in
	// their own goroutine while the previous one is applied: the two use
	// the two cores, and the database works while Go prepares.
	ready := make(chan *bulkRun, 1)
	go func() {
		defer close(ready)
		for {
			var first received
			select {
			case first = <-in:
			case <-ctx.Done():
				return
			}
			run := &bulkRun{start: time.Now()}
			if first.err != nil {
				run.end = first.err
			} else {
				run.items, run.size = []*pb.ContentItem{first.item}, first.size
			}
		more:
			for run.end == nil && len(run.items) < bulkBatch && run.size < bulkBatchBytes {
				select {
				case r := <-in:
					if r.err != nil {
						run.end = r.err
						break more
					}
					run.items, run.size = append(run.items, r.item), run.size+r.size
				default:
					break more
				}
			}
			s.prepareRun(tenant, run)
			select {
			case ready <- run:
			case <-ctx.Done():
				return
			}
			if run.end != nil {
				return
			}
		}
	}()
	for {
		var run *bulkRun
		select {
		case run = <-ready:
		case <-ctx.Done():
			return ctx.Err()
		}
		if run == nil {
			return ctx.Err()
		}
		for _, out := range s.applyRun(ctx, tenant, run) {
			if err := stream.Send(out); err != nil {
				return err
			}
		}
		held.Release(run.size)
		if run.end != nil {
			return streamEnd(run.end)
		}
	}
}

// bulkRun is a batch of a PublishBulk stream's pushes: received, then
// prepared, then applied.
type bulkRun struct {
	items []*pb.ContentItem
	size  int64
	start time.Time
	// ps[i] is items[i] prepared, or nil when errs[i] refused it.
	ps   []*contentrules.Prepared
	errs []error
	// end is the error that ended the stream after these pushes (io.EOF
	// when the client closed it).
	end error
}

// prepareRun prepares run's pushes, on two goroutines at once.
func (s *Server) prepareRun(tenant string, run *bulkRun) {
	n := len(run.items)
	run.ps, run.errs = make([]*contentrules.Prepared, n), make([]error, n)
	var wg sync.WaitGroup
	half := n / 2
	for _, part := range [][2]int{{0, half}, {half, n}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := part[0]; i < part[1]; i++ {
				run.ps[i], run.errs[i] = s.prepare(tenant, run.items[i])
			}
		}()
	}
	wg.Wait()
}

// streamEnd is what PublishBulk returns when its stream ended with err.
func streamEnd(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// applyRun applies a prepared run's pushes that passed together and
// answers each as publish would, in order.
func (s *Server) applyRun(ctx context.Context, tenant string, run *bulkRun) []*pb.PublishBulkResponse {
	var ps []*contentrules.Prepared
	var at []int
	for i, p := range run.ps {
		if p != nil {
			ps, at = append(ps, p), append(at, i)
		}
	}
	errs := run.errs
	resps := make([]*pb.PublishResponse, len(run.items))
	var results []hubstore.Result
	if len(ps) > 0 {
		results = s.store.ApplyBatch(ctx, tenant, ps)
	}
	for k, r := range results {
		resps[at[k]] = r.Resp
		if r.Err != nil {
			errs[at[k]] = grpcError(r.Err)
		}
	}
	out := make([]*pb.PublishBulkResponse, len(run.items))
	for i, item := range run.items {
		s.finish(ctx, tenant, item, run.start, resps[i], errs[i])
		out[i] = &pb.PublishBulkResponse{ContentId: item.GetContentId(), Version: item.GetVersion()}
		if errs[i] != nil {
			out[i].Error = status.Convert(errs[i]).Proto()
		} else {
			out[i].Result = resps[i]
		}
	}
	return out
}

func (s *Server) publish(ctx context.Context, tenant string, item *pb.ContentItem) (*pb.PublishResponse, error) {
	start := time.Now()
	resp, err := s.prepareAndApply(ctx, tenant, item)
	s.finish(ctx, tenant, item, start, resp, err)
	return resp, err
}

// finish counts, logs and (when refused) records one push's answer.
func (s *Server) finish(ctx context.Context, tenant string, item *pb.ContentItem, start time.Time, resp *pb.PublishResponse, err error) {
	outcome := outcomeOf(resp, err)
	s.metrics.observe(tenant, outcome, time.Since(start))
	ev := s.log.Info()
	if err != nil && status.Code(err) == codes.Internal {
		ev = s.log.Error().Err(err)
	}
	ev.Str("tenant", tenant).Str("content_id", item.GetContentId()).Uint64("version", item.GetVersion()).
		Str("outcome", outcome).Dur("took", time.Since(start))
	if err != nil {
		ev.Str("code", status.Code(err).String())
	}
	if resp != nil && len(resp.Sanitized) > 0 {
		ev.Int("sanitized_fields", len(resp.Sanitized))
	}
	ev.Msg("publish")
	if vs := refusedFor(err); len(vs) > 0 {
		// Kept for the ops console; failing to keep it changes nothing
		// for the tenant.
		if rerr := s.store.RecordRefusal(ctx, tenant, item.GetContentId(), item.GetVersion(), vs); rerr != nil {
			s.log.Warn().Err(rerr).Str("tenant", tenant).Msg("could not record a refused push")
		}
	}
}

// refusedFor is what a refused push's error says was wrong with it, one
// violation per field; nothing for errors that are no refusal of the push
// itself (the hub unavailable, a cancelled call, a server fault).
func refusedFor(err error) []contentrules.Violation {
	if err == nil {
		return nil
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled, codes.DeadlineExceeded, codes.Internal, codes.Unauthenticated:
		return nil
	}
	if vs := contentrules.ViolationsOf(err); len(vs) > 0 {
		return vs
	}
	if r := contentrules.ReasonOf(err); r != "" {
		return []contentrules.Violation{{Reason: r, Description: status.Convert(err).Message()}}
	}
	return nil
}

func (s *Server) prepareAndApply(ctx context.Context, tenant string, item *pb.ContentItem) (*pb.PublishResponse, error) {
	p, err := s.prepare(tenant, item)
	if err != nil {
		return nil, err
	}
	resp, err := s.store.Apply(ctx, tenant, p)
	if err != nil {
		return nil, grpcError(err)
	}
	return resp, nil
}

// prepare checks and normalises one push (contentrules.Prepare) for tenant.
func (s *Server) prepare(tenant string, item *pb.ContentItem) (*contentrules.Prepared, error) {
	p, err := contentrules.Prepare(item, s.store.Categories())
	if err != nil {
		return nil, err
	}
	if p.RedirectsToItself(tenant) {
		return nil, contentrules.Refuse(contentrules.ReasonInvalidSuccessor, "item.unpublishing.successor",
			"an item cannot redirect to itself", "Mục nội dung không thể chuyển hướng đến chính nó")
	}
	return p, nil
}

// grpcError maps the store's errors to status errors. Refusals already are.
func grpcError(err error) error {
	var r *hubstore.Refusal
	switch {
	case errors.As(err, &r):
		return r.GRPCStatus().Err()
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "call cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case errors.Is(err, hubstore.ErrUnavailable):
		return contentrules.Refuse(contentrules.ReasonUnavailable, "", "the hub store is unavailable; try again",
			"Cơ sở dữ liệu của cổng tỉnh tạm thời không truy cập được; hãy thử lại sau")
	case errors.Is(err, hubstore.ErrInvalidArgument):
		// A check constraint refused a value validation let through.
		return contentrules.Refuse(contentrules.ReasonInvalidFormat, "", err.Error(), "Cổng tỉnh không nhận một giá trị của lời gọi")
	case errors.Is(err, hubstore.ErrConflict):
		// A concurrent change won: UNAVAILABLE is what sub-portals retry.
		return contentrules.Refuse(contentrules.ReasonUnavailable, "", "concurrent change; try again",
			"Nội dung vừa được thay đổi đồng thời; hãy thử lại")
	default:
		return status.Error(codes.Internal, "internal error")
	}
}

// outcomeOf is the metrics and log label of a publish.
func outcomeOf(resp *pb.PublishResponse, err error) string {
	if err != nil {
		return errOutcome(err)
	}
	switch resp.GetOutcome() {
	case pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED:
		return "APPLIED"
	case pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED:
		return "UNCHANGED"
	case pb.PublishOutcome_PUBLISH_OUTCOME_STALE:
		return "STALE"
	}
	return "UNKNOWN"
}

// errOutcome is the metrics and log label of a refused or failed call: its
// reason code when it has one, else its gRPC code.
func errOutcome(err error) string {
	if r := contentrules.ReasonOf(err); r != "" {
		return r
	}
	return status.Code(err).String()
}

// ListVersions pages through the calling tenant's items.
func (s *Server) ListVersions(ctx context.Context, req *pb.ListVersionsRequest) (*pb.ListVersionsResponse, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if n := req.GetPageSize(); n < 0 || n > hubstore.MaxPageSize {
		return nil, contentrules.Refuse(contentrules.ReasonInvalidFormat, "page_size",
			"page_size must be between 0 and 1000", "page_size phải từ 0 đến 1000")
	}
	items, next, err := s.store.ListVersions(ctx, tenant, int(req.GetPageSize()), req.GetPageToken())
	if errors.Is(err, hubstore.ErrInvalidArgument) {
		return nil, contentrules.Refuse(contentrules.ReasonInvalidFormat, "page_token",
			"page_token is not one this server gave", "page_token không hợp lệ")
	}
	if err != nil {
		s.log.Error().Err(err).Str("tenant", tenant).Msg("list versions")
		return nil, grpcError(err)
	}
	return &pb.ListVersionsResponse{Items: items, NextPageToken: next}, nil
}

// ListCategories answers the hub's category code list, as the store last
// loaded it (the list Publish checks against).
func (s *Server) ListCategories(ctx context.Context, _ *pb.ListCategoriesRequest) (*pb.ListCategoriesResponse, error) {
	if _, err := tenantOf(ctx); err != nil {
		return nil, err
	}
	return &pb.ListCategoriesResponse{Categories: s.store.CategoryList()}, nil
}
