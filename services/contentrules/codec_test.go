package contentrules

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
)

// corrupt marshals item and then replaces each placeholder (which must be
// unique in the encoding) with bytes of the same length that are not UTF-8,
// so length prefixes stay right.
func corrupt(t *testing.T, m proto.Message, placeholders ...string) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range placeholders {
		bad := []byte(ph)
		bad[1], bad[2] = 0xff, 0xc3 // 0xff never occurs in UTF-8; 0xc3 then lacks its continuation
		if bytes.Count(b, []byte(ph)) != 1 {
			t.Fatalf("placeholder %q not unique in encoding", ph)
		}
		b = bytes.Replace(b, []byte(ph), bad, 1)
	}
	return b
}

func TestCodecRepairsInvalidUTF8(t *testing.T) {
	it := article()
	it.Translations[0].Title = "TITLEPLACEHOLDER"
	it.Authors = append(it.Authors, &pb.Person{Name: "AUTHORPLACEHOLDER"})
	it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "NUMBERPLACEHOLDER", DocumentType: "QĐ", Issuer: "UBND"}}
	wire := corrupt(t, &pb.PublishRequest{Item: it}, "TITLEPLACEHOLDER", "AUTHORPLACEHOLDER", "NUMBERPLACEHOLDER")

	if err := proto.Unmarshal(wire, &pb.PublishRequest{}); err == nil {
		t.Fatal("proto.Unmarshal accepted invalid UTF-8; the test no longer tests the codec")
	}
	var req pb.PublishRequest
	if err := Codec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(wire)}, &req); err != nil {
		t.Fatalf("Codec().Unmarshal: %v", err)
	}
	// strings.ToValidUTF8 replaces a run of bad bytes with one U+FFFD.
	if got, want := req.GetItem().GetTranslations()[0].GetTitle(), "T\uFFFDLEPLACEHOLDER"; got != want {
		t.Errorf("title: got %q, want %q", got, want)
	}
	_, err := Prepare(req.GetItem(), testCategories)
	vs := ViolationsOf(err)
	for _, field := range []string{"item.translations[vi].title", "item.authors[1].name", "item.legal_document.number"} {
		if !hasViolation(vs, field, ReasonInvalidUTF8) {
			t.Errorf("violations %+v: want INVALID_UTF8 on %s", vs, field)
		}
	}
	if len(vs) != 3 {
		t.Errorf("got %d violations, want 3: %+v", len(vs), vs)
	}
}

// TestCodecMarksUndecodable: bytes that are not the encoding of the message
// leave it empty and marked, and Undecodable answers it INVALID_ARGUMENT with
// the decoder's error (grpc-go would answer INTERNAL for a codec error).
func TestCodecMarksUndecodable(t *testing.T) {
	wire, err := proto.Marshal(&pb.PublishRequest{Item: article()})
	if err != nil {
		t.Fatal(err)
	}
	truncated := wire[:len(wire)-3]
	want := proto.Unmarshal(truncated, &pb.PublishRequest{})
	if want == nil {
		t.Fatal("proto.Unmarshal accepted truncated input; the test no longer tests the codec")
	}
	var req pb.PublishRequest
	if err := Codec().Unmarshal(mem.BufferSlice{mem.SliceBuffer(truncated)}, &req); err != nil {
		t.Fatalf("Codec().Unmarshal: %v, want the message marked instead", err)
	}
	if req.GetItem() != nil {
		t.Errorf("an undecodable message kept %v", req.GetItem())
	}
	err = Undecodable(&req)
	if status.Code(err) != codes.InvalidArgument || ReasonOf(err) != ReasonInvalidFormat || !strings.Contains(err.Error(), want.Error()) {
		t.Errorf("Undecodable = %v, want INVALID_ARGUMENT %s saying %q", err, ReasonInvalidFormat, want)
	}
	if err := Undecodable(&pb.PublishRequest{Item: article()}); err != nil {
		t.Errorf("Undecodable of a decoded message = %v", err)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	in := &pb.PublishRequest{Item: article()}
	out, err := Codec().Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back pb.PublishRequest
	if err := Codec().Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(in, &back) {
		t.Errorf("round trip: got %v, want %v", &back, in)
	}
	if got := Codec().Name(); got != "proto" {
		t.Errorf("Name: got %q, want %q", got, "proto")
	}
}

// rawCodec sends pre-encoded bytes, as a client with a broken encoder would.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }
func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*v.(*[]byte))}, nil
}
func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

type prepareServer struct {
	pb.UnimplementedIngestServiceServer
}

func (prepareServer) Publish(_ context.Context, req *pb.PublishRequest) (*pb.PublishResponse, error) {
	if _, err := Prepare(req.GetItem(), testCategories); err != nil {
		return nil, err
	}
	return &pb.PublishResponse{}, nil
}

// TestCodecOverGRPC sends invalid UTF-8 to a real gRPC server: without the
// codec the call fails with INTERNAL; with it, Prepare answers INVALID_UTF8.
func TestCodecOverGRPC(t *testing.T) {
	it := article()
	it.Translations[0].Summary = "SUMMARYPLACEHOLDER"
	wire := corrupt(t, &pb.PublishRequest{Item: it}, "SUMMARYPLACEHOLDER")

	for _, tt := range []struct {
		name       string
		opts       []grpc.ServerOption
		wantCode   codes.Code
		wantReason string
	}{
		{"standard codec", nil, codes.Internal, ""},
		{"contentrules codec", []grpc.ServerOption{grpc.ForceServerCodecV2(Codec())}, codes.InvalidArgument, ReasonInvalidUTF8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lis := bufconn.Listen(1 << 20)
			srv := grpc.NewServer(tt.opts...)
			pb.RegisterIngestServiceServer(srv, prepareServer{})
			go srv.Serve(lis)
			defer srv.Stop()
			conn, err := grpc.NewClient("passthrough:///bufnet",
				grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
				grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var reply []byte
			err = conn.Invoke(context.Background(), pb.IngestService_Publish_FullMethodName, &wire, &reply, grpc.ForceCodecV2(rawCodec{}))
			if got := status.Code(err); got != tt.wantCode {
				t.Fatalf("code: got %v (%v), want %v", got, err, tt.wantCode)
			}
			if got := ReasonOf(err); got != tt.wantReason {
				t.Errorf("reason: got %q, want %q", got, tt.wantReason)
			}
			if tt.wantReason != "" && !hasViolation(ViolationsOf(err), "item.translations[vi].summary", ReasonInvalidUTF8) {
				t.Errorf("violations %+v: want INVALID_UTF8 on item.translations[vi].summary", ViolationsOf(err))
			}
		})
	}
}
