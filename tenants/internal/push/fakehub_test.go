package push_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// fakeHub is an IngestService that records what it receives, holds the
// newest version of each item, and fails calls with queued errors.
type fakeHub struct {
	pb.UnimplementedIngestServiceServer

	mu       sync.Mutex
	failures []error // returned by the next Publish calls, in order
	refuse   map[string]error
	calls    []string // "publish <id> <version>" and "upload <sha>"
	held     map[string]uint64
	blobs    map[string][]byte
	metadata []metadata.MD
	// onPublish, when set, runs at the start of each Publish call.
	onPublish func()
}

func newFakeHub() *fakeHub {
	return &fakeHub{refuse: map[string]error{}, held: map[string]uint64{}, blobs: map[string][]byte{}}
}

// failNextBulk makes the next push PublishBulk receives fail with code.
func (h *fakeHub) failNextBulk(code codes.Code) { h.failNext(1, code) }

// failNext makes the next n Publish calls fail with code.
func (h *fakeHub) failNext(n int, code codes.Code) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for range n {
		h.failures = append(h.failures, status.Error(code, "hub is down"))
	}
}

func (h *fakeHub) Publish(ctx context.Context, req *pb.PublishRequest) (*pb.PublishResponse, error) {
	if h.onPublish != nil {
		h.onPublish()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	md, _ := metadata.FromIncomingContext(ctx)
	h.metadata = append(h.metadata, md)
	item := req.GetItem()
	h.calls = append(h.calls, "publish "+item.GetContentId())
	return h.apply(item)
}

// PublishBulk answers each request in order as Publish would, recording
// "bulk <id>" calls.
func (h *fakeHub) PublishBulk(stream grpc.BidiStreamingServer[pb.PublishBulkRequest, pb.PublishBulkResponse]) error {
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		item := req.GetItem()
		h.mu.Lock()
		h.calls = append(h.calls, "bulk "+item.GetContentId())
		resp, err := h.apply(item)
		h.mu.Unlock()
		out := &pb.PublishBulkResponse{ContentId: item.GetContentId(), Version: item.GetVersion(), Result: resp}
		if err != nil {
			out.Error = status.Convert(err).Proto()
		}
		if err := stream.Send(out); err != nil {
			return err
		}
	}
}

// apply is Publish's answer to item; h.mu is held.
func (h *fakeHub) apply(item *pb.ContentItem) (*pb.PublishResponse, error) {
	if len(h.failures) > 0 {
		err := h.failures[0]
		h.failures = h.failures[1:]
		return nil, err
	}
	if err := h.refuse[item.GetContentId()]; err != nil {
		return nil, err
	}
	for _, a := range item.GetAttachments() {
		if _, ok := h.blobs[a.GetSha256()]; !ok {
			return nil, status.Error(codes.FailedPrecondition, "blob missing")
		}
	}
	held := h.held[item.GetContentId()]
	switch {
	case item.GetVersion() > held:
		h.held[item.GetContentId()] = item.GetVersion()
		return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED, CurrentVersion: item.GetVersion()}, nil
	case item.GetVersion() == held:
		return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED, CurrentVersion: held}, nil
	default:
		return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_STALE, CurrentVersion: held}, nil
	}
}

func (h *fakeHub) UploadBlob(stream grpc.ClientStreamingServer[pb.UploadBlobRequest, pb.UploadBlobResponse]) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	hdr := first.GetHeader()
	if hdr == nil {
		return status.Error(codes.InvalidArgument, "header first")
	}
	var buf bytes.Buffer
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		buf.Write(req.GetChunk())
	}
	sum := sha256.Sum256(buf.Bytes())
	if hex.EncodeToString(sum[:]) != hdr.GetSha256() || uint64(buf.Len()) != hdr.GetSize() {
		return status.Error(codes.InvalidArgument, "blob mismatch")
	}
	// The hub's file policy needs the file's name.
	mt, err := contentrules.DetectFile(hdr.GetFilename(), buf.Bytes())
	if err == nil {
		err = contentrules.CheckClaim(hdr.GetFilename(), mt, hdr.GetMediaType())
	}
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, "upload "+hdr.GetSha256())
	_, had := h.blobs[hdr.GetSha256()]
	h.blobs[hdr.GetSha256()] = buf.Bytes()
	return stream.SendAndClose(&pb.UploadBlobResponse{Sha256: hdr.GetSha256(), Size: hdr.GetSize(), MediaType: hdr.GetMediaType(), AlreadyPresent: had})
}

func (h *fakeHub) ListVersions(ctx context.Context, req *pb.ListVersionsRequest) (*pb.ListVersionsResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	resp := &pb.ListVersionsResponse{}
	for id, v := range h.held {
		resp.Items = append(resp.Items, &pb.ItemVersion{ContentId: id, Version: v, State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED})
	}
	return resp, nil
}

func (h *fakeHub) Calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

func (h *fakeHub) Held(id string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held[id]
}

// serve runs h on a loopback port and returns its address.
func serve(t *testing.T, h *fakeHub) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pb.RegisterIngestServiceServer(srv, h)
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	return ln.Addr().String()
}
