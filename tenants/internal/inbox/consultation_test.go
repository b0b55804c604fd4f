package inbox_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/inbox"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// TestCommentKeepsItsDraft: a comment on a draft (issue 9 point 8) is
// stored with the draft's content id, a question without one, and the
// inbox lists the comments on one draft.
func TestCommentKeepsItsDraft(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	for _, ev := range []*pb.FeedbackEvent{
		{Id: "c1", Tenant: tourism, Topic: "consultation", Question: "Góp ý Điều 5", Lang: "vi", SubmittedAt: timestamppb.Now(),
			HasEmail: true, ConsultationId: "du-thao-quy-che"},
		{Id: "c2", Tenant: tourism, Topic: "consultation", Question: "Góp ý Điều 7", Lang: "en", SubmittedAt: timestamppb.Now(),
			HasPhone: true, ConsultationId: "du-thao-khac"},
		{Id: "q1", Tenant: tourism, Topic: "procedure", Question: "Câu hỏi", Lang: "vi", SubmittedAt: timestamppb.Now(), HasEmail: true},
	} {
		if _, err := inbox.Store(ctx, st.Pool(), ev); err != nil {
			t.Fatal(err)
		}
	}
	in := inbox.Inbox{Pool: st.Pool()}
	for id, want := range map[string]string{"c1": "du-thao-quy-che", "q1": ""} {
		q, err := in.Get(ctx, id)
		if err != nil || q.ConsultationID != want {
			t.Errorf("%s: consultation %q (%v), want %q", id, q.ConsultationID, err, want)
		}
	}
	got, err := in.Comments(ctx, "du-thao-quy-che")
	if err != nil || len(got) != 1 || got[0].ID != "c1" {
		t.Errorf("comments on du-thao-quy-che: %+v (%v), want c1 alone", got, err)
	}
}
