package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type hub struct {
	store   *hubstore.Store
	conn    *grpc.ClientConn
	client  pb.IngestServiceClient
	health  healthpb.HealthClient
	tokens  map[string]string // tenant -> token
	metrics *prometheus.Registry
}

// startHub runs the aggregator's gRPC server over TLS on 127.0.0.1:0 with a
// fresh database holding tenants so-gd and xa-b; configure may change the
// servers' configurations.
func startHub(t *testing.T, configure ...func(*Config, *GRPCConfig)) *hub {
	t.Helper()
	ctx := context.Background()
	store, err := hubstore.Open(ctx, testenv.Postgres(t, "ingest", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	h := &hub{store: store, tokens: map[string]string{}}
	for _, id := range []string{"so-gd", "xa-b"} {
		if err := store.AddTenant(ctx, "test", hubstore.Tenant{ID: id, Kind: "department", NameVI: id}); err != nil {
			t.Fatal(err)
		}
		_, tok, err := store.IssueCredential(ctx, "test", id, "test")
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[id] = tok
	}

	ca, cert, key, err := devtls.Ensure(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	srvTLS, err := devtls.ServerTLS(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	log := zerolog.New(zerolog.NewTestWriter(t))
	h.metrics = prometheus.NewRegistry()
	cfg := Config{Store: store, Log: log, Registerer: h.metrics}
	gcfg := GRPCConfig{TLS: srvTLS, Auth: auth.New(store, log, 0), Log: log}
	for _, c := range configure {
		c(&cfg, &gcfg)
	}
	gcfg.Ingest = NewServer(cfg)
	srv, hs := NewGRPCServer(gcfg)
	SetServing(hs, true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)

	cliTLS, err := devtls.ClientTLS(ca)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(cliTLS)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h.conn = conn
	h.client = pb.NewIngestServiceClient(conn)
	h.health = healthpb.NewHealthClient(conn)
	return h
}

func (h *hub) as(tenant string, kv ...string) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	_ = cancel // released when the test process ends; calls are short
	return metadata.AppendToOutgoingContext(ctx, append([]string{"authorization", "Bearer " + h.tokens[tenant]}, kv...)...)
}

func (h *hub) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := h.store.Pool().QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func item(id string, version uint64, title, body string) *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: id, Version: version,
		Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{
			{Locale: "vi", Title: title, Slug: id, BodyHtml: body},
		},
		Approver:    &pb.Person{Name: "Lê Văn Cường"},
		PublishedAt: timestamppb.New(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)),
	}
}

func wantRefusal(t *testing.T, what string, err error, code codes.Code, reason string) {
	t.Helper()
	if status.Code(err) != code || contentrules.ReasonOf(err) != reason {
		t.Fatalf("%s: err = %v (reason %q), want %v %s", what, err, contentrules.ReasonOf(err), code, reason)
	}
}

func TestHealthWithoutCredential(t *testing.T) {
	h := startHub(t)
	resp, err := h.health.Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health = %v, %v", resp, err)
	}
}

func TestUnauthenticated(t *testing.T) {
	h := startHub(t)
	_, err := h.client.Publish(context.Background(), &pb.PublishRequest{Item: item("a", 1, "A", "")})
	wantRefusal(t, "no credential", err, codes.Unauthenticated, contentrules.ReasonUnauthenticated)
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer phk_nope")
	_, err = h.client.ListVersions(ctx, &pb.ListVersionsRequest{})
	wantRefusal(t, "unknown credential", err, codes.Unauthenticated, contentrules.ReasonUnauthenticated)
	if n := h.count(t, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
}

func TestPublishVersions(t *testing.T) {
	h := startHub(t)
	it := item("le-hoi", 1, "Lễ hội", `<p>Chào<script>alert(1)</script></p>`)
	got, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it})
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED || got.CurrentVersion != 1 || len(got.ContentHash) != 64 {
		t.Fatalf("first publish = %v", got)
	}
	if len(got.Sanitized) != 1 || got.Sanitized[0].Field != "item.translations[vi].body_html" {
		t.Errorf("sanitized = %v, want one removal in the vi body", got.Sanitized)
	}

	again, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it})
	if err != nil || again.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED || again.ContentHash != got.ContentHash {
		t.Fatalf("identical publish = %v, %v; want UNCHANGED with the same hash", again, err)
	}

	_, err = h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: item("le-hoi", 1, "Lễ hội khác", "")})
	wantRefusal(t, "conflicting publish", err, codes.AlreadyExists, contentrules.ReasonVersionConflict)
	if !strings.Contains(status.Convert(err).Message(), got.ContentHash) {
		t.Errorf("conflict message %q does not name the held hash", status.Convert(err).Message())
	}
	if n := h.count(t, `SELECT count(*) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`); n != 1 {
		t.Errorf("outbox rows = %d, want 1", n)
	}

	// Validation refusals travel with their details.
	bad := item("Bad ID", 0, "", "")
	_, err = h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: bad})
	if status.Code(err) != codes.InvalidArgument || len(contentrules.ViolationsOf(err)) < 3 {
		t.Errorf("invalid item: %v, want INVALID_ARGUMENT with several violations", err)
	}

	vs, err := h.client.ListVersions(h.as("so-gd"), &pb.ListVersionsRequest{})
	if err != nil || len(vs.Items) != 1 || vs.Items[0].Version != 1 || vs.Items[0].ContentHash != got.ContentHash {
		t.Errorf("ListVersions = %v, %v", vs, err)
	}
}

// TestRedirectRefusals tells a malformed redirect (INVALID_ARGUMENT) from
// one whose successor the hub does not hold (FAILED_PRECONDITION): each has
// its own reason, and the code comes from the reason.
func TestRedirectRefusals(t *testing.T) {
	h := startHub(t)
	if _, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: item("cu", 1, "Cũ", "")}); err != nil {
		t.Fatal(err)
	}
	redirect := func(u *pb.Unpublishing) *pb.ContentItem {
		it := item("cu", 2, "Cũ", "")
		it.State, it.Unpublishing = pb.PublicationState_PUBLICATION_STATE_REDIRECTED, u
		return it
	}
	tests := []struct {
		name   string
		u      *pb.Unpublishing
		code   codes.Code
		reason string
	}{
		{"to a missing item", &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "xa-b", ContentId: "chua-co"}},
			codes.FailedPrecondition, contentrules.ReasonSuccessorNotFound},
		{"to a malformed URL", &pb.Unpublishing{SuccessorUrl: "ftp://example.gov.vn/x"},
			codes.InvalidArgument, contentrules.ReasonInvalidSuccessor},
		{"to itself", &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "so-gd", ContentId: "cu"}},
			codes.InvalidArgument, contentrules.ReasonInvalidSuccessor},
	}
	for _, tt := range tests {
		_, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: redirect(tt.u)})
		wantRefusal(t, tt.name, err, tt.code, tt.reason)
	}
}

func TestListCategories(t *testing.T) {
	h := startHub(t)
	_, err := h.client.ListCategories(context.Background(), &pb.ListCategoriesRequest{})
	wantRefusal(t, "no credential", err, codes.Unauthenticated, contentrules.ReasonUnauthenticated)

	resp, err := h.client.ListCategories(h.as("so-gd"), &pb.ListCategoriesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*pb.Category{}
	for _, c := range resp.GetCategories() {
		byCode[c.GetCode()] = c
	}
	legal := byCode["legal"]
	if len(resp.GetCategories()) < 15 || legal.GetNames()["vi"] != "Văn bản pháp luật" || legal.GetNames()["en"] != "Legal documents" ||
		len(legal.GetKinds()) != 1 || legal.GetKinds()[0] != pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT {
		t.Fatalf("categories = %v", resp.GetCategories())
	}

	// The hub refuses what the list says a category does not admit.
	doc := item("qd-15", 1, "Quyết định 15", "")
	doc.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
	doc.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "15/2025/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh"}}
	_, err = h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: doc})
	wantRefusal(t, "legal document under news", err, codes.InvalidArgument, contentrules.ReasonKindCategoryMismatch)
	doc.Category = "legal"
	if _, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: doc}); err != nil {
		t.Fatalf("legal document under legal: %v", err)
	}

	// The list names each section's slugs, and the hub refuses an item
	// that takes one (the gateway would answer it with the section).
	if got := legal.GetSlugs(); got["vi"] != "van-ban-phap-luat" || got["en"] != "legal-documents" || got["ru"] != "pravovye-dokumenty" {
		t.Errorf("legal's slugs = %v", got)
	}
	shadowed := item("tin-van-ban", 1, "Tin văn bản", "")
	shadowed.Translations[0].Slug = "legal-documents"
	_, err = h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: shadowed})
	wantRefusal(t, "an item under a section's slug", err, codes.InvalidArgument, contentrules.ReasonSlugReserved)
}

func TestTenantMismatch(t *testing.T) {
	h := startHub(t)
	_, err := h.client.Publish(h.as("so-gd", auth.TenantHeader, "xa-b"), &pb.PublishRequest{Item: item("x", 1, "X", "")})
	wantRefusal(t, "tenant mismatch", err, codes.PermissionDenied, contentrules.ReasonTenantMismatch)
	if n := h.count(t, `SELECT count(*) FROM items`) + h.count(t, `SELECT count(*) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`); n != 0 {
		t.Errorf("rows written = %d, want 0", n)
	}
	// Naming one's own tenant is fine.
	if _, err := h.client.Publish(h.as("so-gd", auth.TenantHeader, "so-gd"), &pb.PublishRequest{Item: item("x", 1, "X", "")}); err != nil {
		t.Fatal(err)
	}
	// Tenant xa-b sees none of so-gd's items.
	vs, err := h.client.ListVersions(h.as("xa-b"), &pb.ListVersionsRequest{})
	if err != nil || len(vs.Items) != 0 {
		t.Errorf("xa-b ListVersions = %v, %v", vs, err)
	}
}

func TestTenantInactive(t *testing.T) {
	h := startHub(t)
	if err := h.store.SetTenantStatus(context.Background(), "test", "xa-b", hubstore.StatusSuspended); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.Publish(h.as("xa-b"), &pb.PublishRequest{Item: item("x", 1, "X", "")})
	wantRefusal(t, "suspended tenant", err, codes.PermissionDenied, contentrules.ReasonTenantInactive)
}

func TestPublishBulk(t *testing.T) {
	h := startHub(t)
	stream, err := h.client.PublishBulk(h.as("so-gd"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []*pb.ContentItem{item("a", 1, "A", ""), item("b", 0, "B", ""), item("a", 1, "A", ""), item("a", 1, "A2", "")}
	for _, it := range reqs {
		if err := stream.Send(&pb.PublishBulkRequest{Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	stream.CloseSend()
	var got []string
	for _, r := range bulkAnswers(t, stream) {
		got = append(got, r.ContentId+":"+bulkAnswer(r))
	}
	want := []string{
		"a:PUBLISH_OUTCOME_APPLIED",
		"b:InvalidArgument/VERSION_ZERO",
		"a:PUBLISH_OUTCOME_UNCHANGED",
		"a:AlreadyExists/VERSION_CONFLICT",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("bulk answers\n got %v\nwant %v", got, want)
	}
}

// uploadHeader sends hdr, then data in chunks, and closes the stream.
func uploadHeader(h *hub, tenant string, hdr *pb.BlobHeader, data []byte) (*pb.UploadBlobResponse, error) {
	stream, err := h.client.UploadBlob(h.as(tenant))
	if err != nil {
		return nil, err
	}
	send := func(r *pb.UploadBlobRequest) error {
		if err := stream.Send(r); err != nil && err != io.EOF {
			return err
		}
		return nil
	}
	if err := send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Header{Header: hdr}}); err != nil {
		return nil, err
	}
	for off := 0; off < len(data); off += MaxChunk {
		end := min(off+MaxChunk, len(data))
		if err := send(&pb.UploadBlobRequest{Part: &pb.UploadBlobRequest_Chunk{Chunk: data[off:end]}}); err != nil {
			return nil, err
		}
	}
	return stream.CloseAndRecv()
}

// upload sends data named filename, claiming mediaType, with its true hash
// and size.
func upload(h *hub, tenant, filename, mediaType string, data []byte) (*pb.UploadBlobResponse, error) {
	return uploadHeader(h, tenant, &pb.BlobHeader{Sha256: shaHex(data), Size: uint64(len(data)), MediaType: mediaType, Filename: filename}, data)
}

func shaHex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestUploadBlob(t *testing.T) {
	h := startHub(t)
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("báo cáo ", 300000)) // > 2 chunks
	got, err := upload(h, "so-gd", "Báo cáo.pdf", "application/pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	if got.AlreadyPresent || got.MediaType != "application/pdf" || got.Size != uint64(len(pdf)) || got.Sha256 != shaHex(pdf) {
		t.Fatalf("upload = %v", got)
	}
	var stored []byte
	if err := h.store.Pool().QueryRow(context.Background(), `SELECT data FROM blobs`).Scan(&stored); err != nil || string(stored) != string(pdf) {
		t.Fatalf("stored bytes differ (%d bytes, %v)", len(stored), err)
	}

	again, err := upload(h, "so-gd", "Bản sao.pdf", "application/pdf", pdf)
	if err != nil || !again.AlreadyPresent || again.MediaType != "application/pdf" {
		t.Fatalf("second upload = %v, %v; want already present", again, err)
	}
	// Held already, but named or declared as something else: the same
	// verdict as if the bytes were sent again.
	_, err = upload(h, "so-gd", "Báo cáo.docx", contentrules.MediaDOCX, pdf)
	wantRefusal(t, "held file under another extension", err, codes.InvalidArgument, contentrules.ReasonFileTypeMismatch)
	_, err = upload(h, "so-gd", "Báo cáo.pdf", "image/png", pdf)
	wantRefusal(t, "held file declared as another type", err, codes.InvalidArgument, contentrules.ReasonFileTypeMismatch)

	other := []byte("Mã,Tên\n1,Khánh Hòa\n")
	hdr := func(sha string, size uint64, filename string) *pb.BlobHeader {
		return &pb.BlobHeader{Sha256: sha, Size: size, MediaType: "text/csv", Filename: filename}
	}
	_, err = uploadHeader(h, "so-gd", hdr(shaHex(pdf[:10]), uint64(len(other)), "a.csv"), other)
	wantRefusal(t, "wrong sha256", err, codes.InvalidArgument, contentrules.ReasonBlobMismatch)
	_, err = uploadHeader(h, "so-gd", hdr(shaHex(other), uint64(len(other))+1, "a.csv"), other)
	wantRefusal(t, "wrong size", err, codes.InvalidArgument, contentrules.ReasonBlobMismatch)
	_, err = uploadHeader(h, "so-gd", hdr(shaHex(other), uint64(len(other)), ""), other)
	wantRefusal(t, "no filename", err, codes.InvalidArgument, contentrules.ReasonRequired)
	csv, err := upload(h, "so-gd", "Danh sách.csv", "text/csv", other)
	if err != nil || csv.MediaType != contentrules.MediaCSV {
		t.Fatalf("csv upload = %v, %v", csv, err)
	}
	_, err = uploadHeader(h, "so-gd", &pb.BlobHeader{Sha256: shaHex(nil), Size: 33 << 20, MediaType: "application/pdf", Filename: "a.pdf"}, nil)
	wantRefusal(t, "too large", err, codes.InvalidArgument, contentrules.ReasonTooLarge)

	if n := h.count(t, `SELECT count(*) FROM blobs`); n != 2 {
		t.Errorf("blobs = %d, want 2 (pdf, csv)", n)
	}

	// An item can now refer to the file; one that refers to a missing file cannot.
	it := item("bao-cao", 1, "Báo cáo", "")
	it.Attachments = []*pb.Attachment{{Sha256: shaHex(pdf), Filename: "bao-cao.pdf", MediaType: "application/pdf"}}
	if _, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it}); err != nil {
		t.Fatal(err)
	}
	it = item("thieu", 1, "Thiếu", "")
	it.Attachments = []*pb.Attachment{{Sha256: shaHex([]byte("never")), Filename: "x.pdf", MediaType: "application/pdf"}}
	_, err = h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it})
	wantRefusal(t, "missing blob", err, codes.FailedPrecondition, contentrules.ReasonBlobMissing)
}

// The shared table of files gets the same verdict from UploadBlob as from
// the policy itself, and from the sub-portal's back office and API (their
// tests run the same table).
func TestUploadBlobFileCases(t *testing.T) {
	h := startHub(t)
	for _, c := range filecases.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			got, err := upload(h, "so-gd", c.Filename, c.Claimed, c.Data)
			if c.Reason == "" {
				if err != nil || got.MediaType != c.Want {
					t.Fatalf("UploadBlob(%q) = %v, %v; want %q", c.Filename, got, err, c.Want)
				}
				return
			}
			wantRefusal(t, c.Filename, err, codes.InvalidArgument, c.Reason)
			if vs := contentrules.ViolationsOf(err); len(vs) != 1 || vs[0].MessageVI == "" {
				t.Errorf("violations = %+v, want one with a Vietnamese message", vs)
			}
		})
	}
}

// B15: a Windows program declared as a PDF is refused by the hub, whether
// its name hides the extension behind a right-to-left override or carries
// ".exe.pdf"; whatever the name, the claimed type must be the content's,
// and an item cannot attach a held file under another extension or type.
func TestUploadBlobFileTypesThroughGRPC(t *testing.T) {
	h := startHub(t)
	exe := filecases.WindowsExe()
	for _, tc := range []struct {
		filename, reason string
	}{
		{"\u202efdp.exe", contentrules.ReasonInvalidFormat},
		{"hoa-don\u202efdp.exe", contentrules.ReasonInvalidFormat},
		{"hoa-don\u2066.pdf", contentrules.ReasonInvalidFormat},
		{"report.exe.pdf", contentrules.ReasonFileTypeRefused},
		{"report.pdf", contentrules.ReasonFileTypeRefused},
		{"report.exe", contentrules.ReasonFileTypeRefused},
	} {
		_, err := upload(h, "so-gd", tc.filename, "application/pdf", exe)
		wantRefusal(t, tc.filename, err, codes.InvalidArgument, tc.reason)
	}
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	_, err := upload(h, "so-gd", "app.pdf", "application/pdf", wasm)
	wantRefusal(t, "wasm", err, codes.InvalidArgument, contentrules.ReasonFileTypeRefused)
	zip := []byte("PK\x05\x06" + strings.Repeat("\x00", 18)) // an empty ZIP archive
	_, err = upload(h, "so-gd", "tai-lieu.zip", "application/zip", zip)
	wantRefusal(t, "zip", err, codes.InvalidArgument, contentrules.ReasonFileTypeRefused)
	// The name and the content agree, the claim lies.
	pdf := filecases.PDF()
	_, err = upload(h, "so-gd", "bao-cao.pdf", "image/png", pdf)
	wantRefusal(t, "claim lies", err, codes.InvalidArgument, contentrules.ReasonFileTypeMismatch)
	if n := h.count(t, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("blobs = %d, want 0", n)
	}

	// A held PDF cannot be attached as something else.
	if _, err := upload(h, "so-gd", "bao-cao.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		att    *pb.Attachment
		reason string
	}{
		{&pb.Attachment{Sha256: shaHex(pdf), Filename: "hoa-don\u202efdp.exe", MediaType: "application/pdf"}, contentrules.ReasonInvalidFormat},
		{&pb.Attachment{Sha256: shaHex(pdf), Filename: "setup.exe", MediaType: "application/pdf"}, contentrules.ReasonFileTypeRefused},
		{&pb.Attachment{Sha256: shaHex(pdf), Filename: "bao-cao.docx", MediaType: contentrules.MediaDOCX}, contentrules.ReasonFileTypeMismatch},
		{&pb.Attachment{Sha256: shaHex(pdf), Filename: "bao-cao.pdf", MediaType: "application/x-msdownload"}, contentrules.ReasonFileTypeMismatch},
	} {
		it := item("bao-cao", 1, "Báo cáo", "")
		it.Attachments = []*pb.Attachment{tc.att}
		_, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: it})
		wantRefusal(t, "attach as "+tc.att.Filename, err, codes.InvalidArgument, tc.reason)
	}
	if n := h.count(t, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
}

func TestOversizedMessage(t *testing.T) {
	h := startHub(t)
	big := item("to", 1, "To", "<p>"+strings.Repeat("a", 5<<20)+"</p>")
	_, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: big})
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("5 MiB message: %v, want RESOURCE_EXHAUSTED", err)
	}
	if n := h.count(t, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
}

// uploadHeaderOnly opens an upload with hdr and sends no bytes: what a
// tenant probing for another's file would do.
func uploadHeaderOnly(h *hub, tenant string, hdr *pb.BlobHeader) (*pb.UploadBlobResponse, error) {
	return uploadHeader(h, tenant, hdr, nil)
}

// B14: a blob belongs to the tenants that uploaded it. Another tenant can
// neither attach it knowing its hash nor learn from UploadBlob that it is
// held; it gets exactly the answers it would for a file nobody stored, and
// becomes an owner by sending the bytes, which are not stored twice.
func TestBlobsBelongToTheirTenants(t *testing.T) {
	h := startHub(t)
	pdf := filecases.PDF()
	absent := append([]byte{}, pdf...)
	absent = append(absent, "% never uploaded\n"...)
	if _, err := upload(h, "so-gd", "Quyết định.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	header := func(data []byte) *pb.BlobHeader {
		return &pb.BlobHeader{Sha256: shaHex(data), Size: uint64(len(pdf)), MediaType: "application/pdf", Filename: "a.pdf"}
	}
	answer := func(err error) string {
		st := status.Convert(err)
		return st.Code().String() + " " + contentrules.ReasonOf(err) + " " + strings.ReplaceAll(st.Message(), shaHex(absent), shaHex(pdf))
	}

	// The owner is told its file is held, without sending it again.
	got, err := uploadHeaderOnly(h, "so-gd", header(pdf))
	if err != nil || !got.AlreadyPresent {
		t.Fatalf("owner's header-only upload = %v, %v; want already present", got, err)
	}
	// Another tenant learns nothing: the same answer as for an absent file.
	got, errHeld := uploadHeaderOnly(h, "xa-b", header(pdf))
	_, errAbsent := uploadHeaderOnly(h, "xa-b", header(absent))
	if errHeld == nil || answer(errHeld) != answer(errAbsent) {
		t.Fatalf("another tenant's header-only upload = %v, %v; want the answer for an absent file (%v)", got, errHeld, errAbsent)
	}

	// Nor can it attach the file: BLOB_MISSING, as for an absent one.
	publish := func(data []byte) error {
		it := item("trich-dan", 1, "Trích dẫn", "")
		it.Attachments = []*pb.Attachment{{Sha256: shaHex(data), Filename: "Quyết định.pdf", MediaType: "application/pdf"}}
		_, err := h.client.Publish(h.as("xa-b"), &pb.PublishRequest{Item: it})
		return err
	}
	errHeld, errAbsent = publish(pdf), publish(absent)
	wantRefusal(t, "attach another tenant's file", errHeld, codes.FailedPrecondition, contentrules.ReasonBlobMissing)
	if answer(errHeld) != answer(errAbsent) {
		t.Errorf("attach another tenant's file: %v; want the answer for an absent file (%v)", errHeld, errAbsent)
	}

	// Sending the bytes proves it holds them: it becomes an owner, the file
	// is not stored twice, and it may attach it.
	got, err = upload(h, "xa-b", "Quyết định.pdf", "application/pdf", pdf)
	if err != nil || got.AlreadyPresent || got.MediaType != "application/pdf" {
		t.Fatalf("another tenant's full upload = %v, %v; want stored, not already present", got, err)
	}
	if n := h.count(t, `SELECT count(*) FROM blobs`); n != 1 {
		t.Errorf("blobs = %d, want 1", n)
	}
	if err := publish(pdf); err != nil {
		t.Fatalf("attach after uploading: %v", err)
	}
	if got, err := uploadHeaderOnly(h, "xa-b", header(pdf)); err != nil || !got.AlreadyPresent {
		t.Errorf("new owner's header-only upload = %v, %v; want already present", got, err)
	}
}

// Vietnamese text in a legacy encoding is refused at the hub, whatever
// pushed it, with LEGACY_ENCODING naming the field (issue 10 point 6);
// nothing is stored.
func TestLegacyEncodingRefused(t *testing.T) {
	h := startHub(t)
	for _, tt := range []struct{ name, title, body, field string }{
		{"TCVN3 title", "Th«ng b¸o vÒ viÖc x©y dùng c¶ng", "<p>Nội dung</p>", "item.translations[vi].title"},
		{"UTF-8 read as Windows-1252 in the body", "Thông báo", "<p>Quyáº¿t Ä‘á»‹nh sá»‘ 15</p>", "item.translations[vi].body_html"},
	} {
		_, err := h.client.Publish(h.as("so-gd"), &pb.PublishRequest{Item: item("thong-bao", 1, tt.title, tt.body)})
		wantRefusal(t, tt.name, err, codes.InvalidArgument, contentrules.ReasonLegacyEncoding)
		if vs := contentrules.ViolationsOf(err); len(vs) != 1 || vs[0].Field != tt.field || vs[0].MessageVI == "" {
			t.Errorf("%s: violations %+v, want one at %s with a Vietnamese message", tt.name, vs, tt.field)
		}
	}
	if n := h.count(t, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
}

// TestRefusedPushesAreKept: each refused push is kept for the ops console,
// once per item, version, reason and field; accepted pushes are not.
func TestRefusedPushesAreKept(t *testing.T) {
	h := startHub(t)
	ctx := h.as("so-gd")
	if _, err := h.client.Publish(ctx, &pb.PublishRequest{Item: item("le-hoi", 1, "Lễ hội", "")}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := h.client.Publish(ctx, &pb.PublishRequest{Item: item("le-hoi", 1, "Lễ hội khác", "")})
		wantRefusal(t, "conflicting publish", err, codes.AlreadyExists, contentrules.ReasonVersionConflict)
	}
	_, err := h.client.Publish(ctx, &pb.PublishRequest{Item: item("Bad ID", 0, "", "")})
	violations := len(contentrules.ViolationsOf(err))
	if violations < 2 {
		t.Fatalf("invalid item: %v", err)
	}
	if n := h.count(t, `SELECT count(*) FROM refused_pushes WHERE content_id = 'le-hoi' AND reason = 'VERSION_CONFLICT' AND times = 2 AND version = 1`); n != 1 {
		t.Errorf("conflict rows = %d, want one refused twice", n)
	}
	if n := h.count(t, `SELECT count(*) FROM refused_pushes WHERE content_id = 'Bad ID' AND tenant_id = 'so-gd'`); n != violations {
		t.Errorf("invalid item rows = %d, want one per violation (%d)", n, violations)
	}
	if n := h.count(t, `SELECT count(*) FROM refused_pushes`); n != violations+1 {
		t.Errorf("refused rows = %d, want %d (nothing for the accepted push)", n, violations+1)
	}
}
