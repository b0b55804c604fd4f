package ingest

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// rawCodec sends []byte as they are, as a broken or hostile client would,
// and reads answers as protobuf.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	return proto.Unmarshal(data.Materialize(), v.(proto.Message))
}

// malformed is not the protobuf encoding of any message: a field whose
// length runs past the end.
var malformed = []byte{0x0a, 0xff, 0x01, 'x'}

// TestMalformedRequestIsInvalidArgument is a regression test of issue 6
// B18: bytes that are not the protobuf encoding of the request were answered
// INTERNAL; they are the caller's fault, INVALID_ARGUMENT with reason
// INVALID_FORMAT, on unary calls and streams alike.
func TestMalformedRequestIsInvalidArgument(t *testing.T) {
	h := startHub(t)
	err := h.conn.Invoke(h.as("so-gd"), "/portalhub.v1.IngestService/Publish", malformed, &pb.PublishResponse{},
		grpc.ForceCodecV2(rawCodec{}))
	wantRefusal(t, "malformed Publish", err, codes.InvalidArgument, contentrules.ReasonInvalidFormat)

	var upload *grpc.StreamDesc
	for i, sd := range pb.IngestService_ServiceDesc.Streams {
		if sd.StreamName == "UploadBlob" {
			upload = &pb.IngestService_ServiceDesc.Streams[i]
		}
	}
	stream, err := h.conn.NewStream(h.as("so-gd"), upload, "/portalhub.v1.IngestService/UploadBlob", grpc.ForceCodecV2(rawCodec{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(malformed); err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	stream.CloseSend()
	err = stream.RecvMsg(&pb.UploadBlobResponse{})
	wantRefusal(t, "malformed UploadBlob", err, codes.InvalidArgument, contentrules.ReasonInvalidFormat)

	// A well-formed call still works.
	if _, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: item("tin-1", 1, "Tin", "<p>a</p>")}); err != nil {
		t.Fatalf("well-formed Publish: %v", err)
	}
}

// TestNULInTextIsInvalidArgument: PostgreSQL cannot keep a NUL in text; a
// push holding one is refused as INVALID_ARGUMENT, never INTERNAL.
func TestNULInTextIsInvalidArgument(t *testing.T) {
	h := startHub(t)
	for name, it := range map[string]*pb.ContentItem{
		"title": item("tin-1", 1, "Tin\x00", "<p>a</p>"),
		"summary": func() *pb.ContentItem {
			it := item("tin-2", 1, "Tin", "<p>a</p>")
			it.Translations[0].Summary = "a\x00"
			return it
		}(),
		"approver": func() *pb.ContentItem {
			it := item("tin-3", 1, "Tin", "<p>a</p>")
			it.Approver.Name = "Lê\x00"
			return it
		}(),
	} {
		_, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("NUL in %s: %v, want INVALID_ARGUMENT", name, err)
		}
	}
	if n := h.count(t, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
}

// TestReflection: server reflection is off unless configured (development).
func TestReflection(t *testing.T) {
	list := func(h *hub) error {
		stream, err := reflectionpb.NewServerReflectionClient(h.conn).ServerReflectionInfo(h.as("so-gd"))
		if err != nil {
			return err
		}
		// A refused stream may end the send side first (io.EOF): the
		// status comes with Recv.
		stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
		_, err = stream.Recv()
		return err
	}
	if err := list(startHub(t)); status.Code(err) != codes.Unimplemented {
		t.Errorf("reflection by default: %v, want UNIMPLEMENTED", err)
	}
	if err := list(startHub(t, func(_ *Config, g *GRPCConfig) { g.Reflection = true })); err != nil {
		t.Errorf("reflection when configured: %v", err)
	}
}
