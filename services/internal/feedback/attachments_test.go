package feedback_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/feedback"
)

var (
	pdfFile = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	pngFile = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 17)...)
)

// TestAttachments: a question's files are stored sealed (neither their
// names nor their content in the clear), listed on the routing event by
// type and size only, given to the responsible tenant and no other, and
// gone with the submission's personal data; a file of another type is
// refused and nothing is stored.
func TestAttachments(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q := form("request-files-00001")
	q.Files = []feedbackrules.File{{Name: "CCCD-Nguyen-Thi-Hoa.png", Data: pngFile}, {Name: "don-de-nghi.pdf", Data: pdfFile}}
	r, err := f.store.Submit(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	pool := f.hub.Pool()
	var name, data []byte
	if err := pool.QueryRow(ctx, `SELECT name, data FROM feedback_attachments WHERE feedback_id = $1 AND position = 0`, r.ID).Scan(&name, &data); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(name, []byte("Nguyen")) || bytes.Contains(data, []byte("IHDR")) {
		t.Error("an attachment is stored in the clear")
	}
	var payload []byte
	if err := pool.QueryRow(ctx, `SELECT payload FROM outbox WHERE msg_id = $1`, "feedback/"+r.ID+"/submitted").Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || len(ev.GetAttachments()) != 2 || ev.GetAttachments()[1].GetMediaType() != "application/pdf" ||
		ev.GetAttachments()[0].GetSize() != int64(len(pngFile)) {
		t.Errorf("event's attachments %v (%v)", ev.GetAttachments(), err)
	}
	if bytes.Contains(payload, []byte("Nguyen")) || bytes.Contains(payload, []byte("%PDF")) {
		t.Error("the event carries a file's name or content")
	}

	got, mt, err := f.store.Attachment(ctx, tourism, r.ID, 1)
	if err != nil || got.Name != "don-de-nghi.pdf" || !bytes.Equal(got.Data, pdfFile) || mt != "application/pdf" {
		t.Errorf("Attachment = %q %q %v", got.Name, mt, err)
	}
	if _, _, err := f.store.Attachment(ctx, commune, r.ID, 1); !errors.Is(err, feedback.ErrPermission) {
		t.Errorf("another tenant: %v, want ErrPermission", err)
	}
	if _, _, err := f.store.Attachment(ctx, tourism, r.ID, 2); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("no third file: %v, want ErrNotFound", err)
	}
	if _, err := f.keys.Destroy(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Attachment(ctx, tourism, r.ID, 0); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("after deletion: %v, want ErrNotFound", err)
	}

	bad := form("request-files-00002")
	bad.Files = []feedbackrules.File{{Name: "anh.jpg", Data: pdfFile}}
	var inv *feedback.InvalidError
	if _, err := f.store.Submit(ctx, bad); !errors.As(err, &inv) || inv.Problems[0].Field != "attachments" {
		t.Errorf("a PDF named .jpg: %v, want the attachments refused", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM feedback`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d submissions (%v), want 1", n, err)
	}
}
