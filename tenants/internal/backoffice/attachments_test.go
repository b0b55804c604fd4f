package backoffice

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
)

// GetFeedbackAttachment answers as the hub does for this sub-portal's
// questions: q-files' first file is a PDF, q-shredded's are deleted.
func (h *fakeFeedbackHub) GetFeedbackAttachment(_ context.Context, in *pb.GetFeedbackAttachmentRequest, _ ...grpc.CallOption) (*pb.GetFeedbackAttachmentResponse, error) {
	if in.GetId() == "q-shredded" || in.GetIndex() != 0 {
		return nil, status.Error(codes.NotFound, "deleted")
	}
	return &pb.GetFeedbackAttachmentResponse{File: &pb.FeedbackFile{Filename: "CCCD-Nguyen-Thi-Hoa.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4 tệp")}}, nil
}

// TestQuestionAttachments: the question's page lists the files the hub
// routed with it, and staff download each from the hub as an attachment
// that the browser never renders in the back office's origin, under a
// name that is not the visitor's (it may hold personal data); a file that
// is not listed is 404, one deleted at the hub says so.
func TestQuestionAttachments(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Feedback = &fakeFeedbackHub{} })
	ctx := context.Background()
	for _, id := range []string{"q-files", "q-shredded"} {
		if _, err := inbox.Store(ctx, f.store.Pool(), &pb.FeedbackEvent{Id: id, Tenant: "so-du-lich", Topic: "procedure",
			Question: "Xin hỏi thủ tục, hồ sơ gửi kèm", Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: true,
			Attachments: []*pb.FeedbackFileInfo{{Index: 0, MediaType: "application/pdf", Size: 2048}, {Index: 1, MediaType: "image/png", Size: 10}}}); err != nil {
			t.Fatal(err)
		}
	}
	b := f.login("tacgia")
	_, doc := b.get("/hop-thu/q-files")
	if doc.Find(`a[href="/hop-thu/q-files/tep/0"]`).Length() != 1 || doc.Find(`a[href="/hop-thu/q-files/tep/1"]`).Length() != 1 ||
		!strings.Contains(text(doc, "main"), "2 KB") {
		t.Errorf("the question's files: %q", text(doc, "main"))
	}
	p := b.getRaw("/hop-thu/q-files/tep/0")
	h := p.resp.Header
	if p.resp.StatusCode != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") ||
		strings.Contains(h.Get("Content-Disposition"), "Nguyen") || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Cache-Control") != "no-store" {
		t.Errorf("download: %d %v", p.resp.StatusCode, h)
	}
	if res := b.getRaw("/hop-thu/q-files/tep/2"); res.resp.StatusCode != http.StatusNotFound {
		t.Errorf("a file not listed: %d, want 404", res.resp.StatusCode)
	}
	if res := b.getRaw("/hop-thu/q-shredded/tep/0"); res.resp.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted file: %d, want 404", res.resp.StatusCode)
	}
	if res := f.browser().getRaw("/hop-thu/q-files/tep/0"); res.resp.StatusCode == http.StatusOK {
		t.Error("a visitor who is not logged in downloads a file")
	}
}
