package feedback_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// A merged unit's open questions go to its successor with its items, as
// forwards naming the merge; its closed ones stay where they were answered.
func TestMergeMovesOpenQuestions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.hub.OnMerge(hubstore.MergeHook{Name: "questions", Move: f.store.MoveOpen})
	open, err := f.store.Submit(ctx, form("request-0000000001"))
	if err != nil {
		t.Fatal(err)
	}
	closed, err := f.store.Submit(ctx, form("request-0000000002"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Close(ctx, tourism, closed.ID, "Trùng với câu hỏi trước"); err != nil {
		t.Fatal(err)
	}
	rep, err := f.hub.MergeTenant(ctx, "test", tourism, commune, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Others["questions"] != 1 {
		t.Errorf("merge report: %v questions moved, want 1", rep.Others)
	}
	st, err := f.store.StatusOf(ctx, open.Code)
	if want := fmt.Sprintf(feedback.MergeReason, commune); err != nil || st.Tenant != commune || st.Status != "forwarded" || st.ForwardReason != want {
		t.Errorf("open question after the merge: %+v %v", st, err)
	}
	if st, err := f.store.StatusOf(ctx, closed.Code); err != nil || st.Tenant != tourism || st.Status != "closed" {
		t.Errorf("closed question after the merge: %+v %v", st, err)
	}
	var payload []byte
	if err := f.hub.Pool().QueryRow(ctx, `SELECT payload FROM outbox WHERE subject = $1 AND msg_id = $2`,
		events.InboxSubject(commune, "feedback", open.ID), "feedback/"+open.ID+"/forward/1").Scan(&payload); err != nil {
		t.Fatalf("no routing event to the successor: %v", err)
	}
	var ev pb.FeedbackEvent
	if err := proto.Unmarshal(payload, &ev); err != nil || ev.GetTenant() != commune || ev.GetQuestion() == "" {
		t.Errorf("moved question's event %v %v", &ev, err)
	}
	if _, _, _, err := f.store.Contact(ctx, commune, open.ID); err != nil {
		t.Errorf("the successor reads the contact details: %v", err)
	}
}
