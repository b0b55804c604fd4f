package store_test

import (
	"context"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

func TestApproveTxCommitsWithTheCallerAndSchedules(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)

	// Rolled back by the caller: nothing stays.
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApproveTx(ctx, tx, storetest.Article("hen-gio", "Bài hẹn giờ"), store.ApproveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"items", "item_versions", "outbox", "audit_log"} {
		if got := count(t, s, `SELECT count(*) FROM `+table); got != 0 {
			t.Errorf("%s has %d rows after rollback, want 0", table, got)
		}
	}

	// Committed with a due time in the future: the relay does not claim it.
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	tx, err = s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.ApproveTx(ctx, tx, storetest.Article("hen-gio", "Bài hẹn giờ"), store.ApproveOptions{PublishAt: &at, Actor: "truongban"})
	if err != nil || v != 1 {
		t.Fatalf("ApproveTx = %d, %v; want 1", v, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	it, err := s.Get(ctx, "hen-gio")
	if err != nil {
		t.Fatal(err)
	}
	if it.Push == nil || it.Push.PublishAt == nil || !it.Push.PublishAt.Equal(at) {
		t.Errorf("push = %+v, want publish_at %v", it.Push, at)
	}
	if got := it.Doc.GetPublishedAt().AsTime(); !got.Equal(at) {
		t.Errorf("published_at = %v, want the scheduled time %v", got, at)
	}
	if got := count(t, s, `SELECT count(*) FROM audit_log WHERE actor = 'truongban' AND action = 'approve'`); got != 1 {
		t.Errorf("audit rows by the actor = %d, want 1", got)
	}
	claimed, err := s.Claim(ctx, 10, time.Minute)
	if err != nil || len(claimed) != 0 {
		t.Errorf("Claim before the due time = %v, %v; want nothing", claimed, err)
	}
	if nd, err := s.NotDelivered(ctx, 10); err != nil || len(nd) != 0 {
		t.Errorf("NotDelivered before the due time = %v, %v; want nothing", nd, err)
	}

	// Unpublishing in a transaction names the editor.
	tx, err = s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err = s.UnpublishTx(ctx, tx, store.UnpublishInput{ContentID: "hen-gio", State: pb.PublicationState_PUBLICATION_STATE_GONE,
		Approver: &pb.Person{Name: "Trưởng ban"}, Editor: &pb.Person{Name: "Biên tập viên"}}, store.ApproveOptions{})
	if err != nil || v != 2 {
		t.Fatalf("UnpublishTx = %d, %v; want 2", v, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	it, _ = s.Get(ctx, "hen-gio")
	if it.Doc.GetEditor().GetName() != "Biên tập viên" || it.Doc.GetState() != pb.PublicationState_PUBLICATION_STATE_GONE {
		t.Errorf("after UnpublishTx: %v", it.Doc)
	}
	if nd, err := s.NotDelivered(ctx, 10); err != nil || len(nd) != 1 || nd[0].Version != 2 {
		t.Errorf("NotDelivered = %v, %v; want version 2", nd, err)
	}
}
