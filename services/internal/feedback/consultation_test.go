package feedback_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/feedback"
)

// publishDraft applies tenant's draft id, out for comment from opens to
// closes, at the hub.
func (f *fixture) publishDraft(t *testing.T, tenant, id, opens, closes string) {
	t.Helper()
	p, err := contentrules.Prepare(&pb.ContentItem{ContentId: id, Version: 1, Kind: pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT,
		Category: "legal", State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED, PublishedAt: timestamppb.New(f.now),
		Authors: []*pb.Person{{Name: "Lê Thị Hoa"}}, Approver: &pb.Person{Name: "Nguyễn Văn An"},
		Translations: []*pb.Translation{{Locale: "vi", Title: "Dự thảo quy chế " + id, Slug: id, BodyHtml: "<p>Dự thảo</p>"}},
		Details: &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{DocumentType: "Quyết định", Issuer: "UBND tỉnh",
			Consultation: &pb.Consultation{OpensOn: opens, ClosesOn: closes}}},
	}, f.hub.Categories())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.hub.Apply(context.Background(), tenant, p); err != nil {
		t.Fatal(err)
	}
}

func comment(requestID, tenant, draft string) feedbackrules.Form {
	c := form(requestID)
	c.Tenant, c.Topic = province, feedbackrules.TopicConsultation // the form's agency is ignored
	c.ConsultationTenant, c.ConsultationID = tenant, draft
	c.Question = "Đề nghị bổ sung quy định về thời hạn trả lời tại Điều 5 của dự thảo."
	return c
}

// TestCommentOnDraft: a comment on a draft open today is routed to the
// draft's tenant with the draft's content id on its event; one before the
// opening day or after the closing day, or on an item that is no draft, is
// refused and nothing is stored.
func TestCommentOnDraft(t *testing.T) {
	f := newFixture(t) // now: 30 Nov 2026, 16:00 in Vietnam
	ctx := context.Background()
	f.publishDraft(t, commune, "du-thao-mo", "2026-11-20", "2026-11-30")
	f.publishDraft(t, commune, "du-thao-sap-mo", "2026-12-01", "2026-12-31")
	f.publishDraft(t, commune, "du-thao-da-dong", "2026-11-01", "2026-11-29")

	r, err := f.store.Submit(ctx, comment("comment-00000000001", commune, "du-thao-mo"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Tenant != commune {
		t.Errorf("routed to %s, want the draft's tenant %s", r.Tenant, commune)
	}
	pool := f.hub.Pool()
	var cons, topic string
	if err := pool.QueryRow(ctx, `SELECT consultation_id, topic FROM feedback WHERE id = $1`, r.ID).Scan(&cons, &topic); err != nil {
		t.Fatal(err)
	}
	if cons != "du-thao-mo" || topic != feedbackrules.TopicConsultation {
		t.Errorf("stored consultation %q topic %q", cons, topic)
	}
	var payload []byte
	if err := pool.QueryRow(ctx, `SELECT payload FROM outbox WHERE subject = $1`, events.InboxSubject(commune, "feedback", r.ID)).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetConsultationId() != "du-thao-mo" || ev.GetTenant() != commune {
		t.Errorf("event %v (%v), want the draft's id on the commune's inbox", &ev, err)
	}

	for _, c := range []struct {
		name, tenant, draft string
		notOpen             bool
	}{
		{"not open yet", commune, "du-thao-sap-mo", true},
		{"closed", commune, "du-thao-da-dong", true},
		{"another tenant's id", tourism, "du-thao-mo", false},
		{"no such draft", commune, "khong-co", false},
	} {
		_, err := f.store.Submit(ctx, comment("comment-"+c.draft+"-"+c.tenant, c.tenant, c.draft))
		var inv *feedback.InvalidError
		switch {
		case c.notOpen && !errors.Is(err, feedback.ErrNotOpen):
			t.Errorf("%s: %v, want ErrNotOpen", c.name, err)
		case !c.notOpen && (!errors.As(err, &inv) || inv.Problems[0].Field != "consultation"):
			t.Errorf("%s: %v, want the consultation invalid", c.name, err)
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM feedback`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d submissions stored (%v), want only the comment on the open draft", n, err)
	}

	// On the closing day's last minute it is still open; a minute later not.
	f.now = time.Date(2026, 11, 30, 16, 59, 0, 0, time.UTC)
	if _, err := f.store.Submit(ctx, comment("comment-00000000002", commune, "du-thao-mo")); err != nil {
		t.Errorf("at 23:59 on the closing day: %v", err)
	}
	f.now = f.now.Add(time.Minute)
	if _, err := f.store.Submit(ctx, comment("comment-00000000003", commune, "du-thao-mo")); !errors.Is(err, feedback.ErrNotOpen) {
		t.Errorf("at 00:00 after the closing day: %v, want ErrNotOpen", err)
	}
}
