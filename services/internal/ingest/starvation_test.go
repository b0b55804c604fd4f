package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"
	"github.com/portalhub/portalhub/services/testenv"
)

// gauge reads a gauge of the hub's registry (0 when it has no such series).
func (h *hub) gauge(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := h.metrics.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || l.GetName() == labels[i] && l.GetValue() == labels[i+1]
				}
				if !found {
					continue series
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// stalledUpload opens an upload as tenant, sends hdr and the given chunks,
// and then sends nothing more (without closing its side). The hub's answer
// arrives on the returned channel.
func stalledUpload(t *testing.T, ctx context.Context, h *hub, hdr *pb.BlobHeader, chunks ...[]byte) <-chan error {
	t.Helper()
	stream, err := h.client.UploadBlob(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Header{Header: hdr}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if err := stream.Send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Chunk{Chunk: c}}); err != nil {
			t.Fatal(err)
		}
	}
	answer := make(chan error, 1)
	go func() { answer <- stream.(grpc.ClientStream).RecvMsg(new(pb.UploadBlobResponse)) }()
	return answer
}

// wantIdle waits for the hub to end a stream that went idle.
func wantIdle(t *testing.T, what string, answer <-chan error) {
	t.Helper()
	select {
	case err := <-answer:
		if status.Code(err) != codes.DeadlineExceeded || !strings.Contains(status.Convert(err).Message(), "idle") {
			t.Errorf("%s: %v, want DEADLINE_EXCEEDED from the hub saying the stream was idle", what, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: the hub did not end the idle stream", what)
	}
}

// B12: a stream that stops sending is ended, with a status that says so,
// whether it stalls after the header, in the middle of a file, or before
// the first item of a bulk publish.
func TestIdleStreamsAreEnded(t *testing.T) {
	h := startHub(t, func(_ *Config, g *GRPCConfig) { g.IdleTimeout = 200 * time.Millisecond })
	ctx, cancel := context.WithTimeout(h.as("so-gd"), 20*time.Second)
	defer cancel()
	pdf := filecases.PDF()
	hdr := &pb.BlobHeader{Sha256: shaHex(pdf), Size: uint64(len(pdf)), MediaType: "application/pdf", Filename: "a.pdf"}

	wantIdle(t, "header only", stalledUpload(t, ctx, h, hdr))
	wantIdle(t, "half a file", stalledUpload(t, ctx, h, hdr, pdf[:10]))

	bulk, err := h.client.PublishBulk(ctx)
	if err != nil {
		t.Fatal(err)
	}
	answer := make(chan error, 1)
	go func() { _, err := bulk.Recv(); answer <- err }()
	wantIdle(t, "bulk publish", answer)

	if n := h.count(t, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("blobs = %d, want 0", n)
	}
	// A stream that keeps sending is not idle, however long it lasts in all.
	if _, err := upload(h, "so-gd", "a.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
}

// B12: one tenant holding many upload streams that send only a header
// cannot keep another tenant from uploading: it gets only its share of the
// upload slots (the rest of its streams are told to wait their turn), and a
// header reserves no memory.
func TestOneTenantCannotStarveUploads(t *testing.T) {
	h := startHub(t, func(_ *Config, g *GRPCConfig) { g.IdleTimeout = time.Hour })
	ctx, cancel := context.WithTimeout(h.as("so-gd"), time.Minute)
	defer cancel()

	const streams = 8 // as many as the hub has slots
	var answers []<-chan error
	for i := range streams {
		data := []byte(fmt.Sprintf("%%PDF-1.4 tệp %d", i))
		hdr := &pb.BlobHeader{Sha256: shaHex(data), Size: contentrules.MaxFileSize, MediaType: "application/pdf", Filename: "a.pdf"}
		answers = append(answers, stalledUpload(t, ctx, h, hdr))
	}
	// The hub holds as many of them as a tenant may; it answers the others.
	exhausted, merged := 0, mergeErrors(answers)
	for range streams - defaultUploadsPerTenant {
		select {
		case err := <-merged:
			if status.Code(err) != codes.ResourceExhausted {
				t.Fatalf("so-gd's stream: %v, want RESOURCE_EXHAUSTED", err)
			}
			exhausted++
		case <-ctx.Done():
			t.Fatalf("so-gd got %d answers, want %d RESOURCE_EXHAUSTED", exhausted, streams-defaultUploadsPerTenant)
		}
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if n := h.gauge(t, "portalhub_ingest_uploads_in_progress", "tenant", "so-gd"); n != defaultUploadsPerTenant {
			return fmt.Errorf("so-gd holds %v upload slots, want %d", n, defaultUploadsPerTenant)
		}
		return nil
	})
	if b := h.gauge(t, "portalhub_ingest_upload_bytes"); b != 0 {
		t.Errorf("headers declaring 32 MiB each reserved %v bytes, want 0", b)
	}

	// Another tenant uploads at once.
	pdf := filecases.PDF()
	got, err := upload(h, "xa-b", "Quyết định.pdf", "application/pdf", pdf)
	if err != nil || got.MediaType != "application/pdf" {
		t.Fatalf("xa-b's upload while so-gd holds its streams = %v, %v", got, err)
	}
	if b := h.gauge(t, "portalhub_ingest_upload_bytes"); b != 0 {
		t.Errorf("%v bytes still reserved after xa-b's upload, want 0", b)
	}
}

// Bytes are reserved as chunks arrive, from a budget: an upload that would
// exceed it is told to come back later, and frees what it held.
func TestUploadMemoryBudget(t *testing.T) {
	h := startHub(t, func(c *Config, _ *GRPCConfig) { c.UploadMemory = MaxChunk })
	big := append(filecases.PDF(), make([]byte, MaxChunk)...)
	_, err := upload(h, "so-gd", "lon.pdf", "application/pdf", big)
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("upload over the memory budget: %v, want RESOURCE_EXHAUSTED", err)
	}
	if b := h.gauge(t, "portalhub_ingest_upload_bytes"); b != 0 {
		t.Errorf("%v bytes still reserved, want 0", b)
	}
	if _, err := upload(h, "so-gd", "nho.pdf", "application/pdf", filecases.PDF()); err != nil {
		t.Fatalf("upload within the budget: %v", err)
	}
}

// mergeErrors returns a channel that yields the answers of cs as they come.
func mergeErrors(cs []<-chan error) <-chan error {
	out := make(chan error, len(cs))
	for _, c := range cs {
		go func() { out <- <-c }()
	}
	return out
}
