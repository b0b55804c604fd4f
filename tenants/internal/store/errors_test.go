package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// TestDatabaseDownIsUnavailable calls every exported method of Store over a
// database nobody answers for: each error is errs.Unavailable, never a
// driver's error.
func TestDatabaseDownIsUnavailable(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/none?sslmode=disable&connect_timeout=2", testenv.FreePort(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := store.New(pool)
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	withdraw := store.UnpublishInput{ContentID: "tin", State: pb.PublicationState_PUBLICATION_STATE_WITHDRAWN,
		Unpublishing: &pb.Unpublishing{Reason: "Hết hiệu lực"}, Approver: &pb.Person{Name: "Ban biên tập"}}
	calls := map[string]func() error{
		"Approve":          func() error { _, err := s.Approve(ctx, storetest.Article("tin", "Tin")); return err },
		"ApproveIfChanged": func() error { _, _, err := s.ApproveIfChanged(ctx, storetest.Article("tin", "Tin")); return err },
		"Unpublish":        func() error { _, err := s.Unpublish(ctx, withdraw); return err },
		"CheckApproval":    func() error { _, err := s.CheckApproval(ctx, storetest.Article("tin", "Tin")); return err },
		"HubTakedownOf":    func() error { _, err := s.HubTakedownOf(ctx, "tin"); return err },
		"HubTakedowns":     func() error { _, err := s.HubTakedowns(ctx, 10); return err },
		"DueVersion":       func() error { _, _, err := s.DueVersion(ctx, "tin"); return err },
		"Get":              func() error { _, err := s.Get(ctx, "tin"); return err },
		"List":             func() error { _, err := s.List(ctx, 10); return err },
		"Versions":         func() error { _, err := s.Versions(ctx, "tin"); return err },
		"LatestVersions":   func() error { _, err := s.LatestVersions(ctx); return err },
		"PutBlob":          func() error { _, err := s.PutBlob(ctx, "a.pdf", pdf); return err },
		"PutBlobAs":        func() error { _, err := s.PutBlobAs(ctx, "tacgia", "a.pdf", pdf); return err },
		"BlobsToUpload":    func() error { _, err := s.BlobsToUpload(ctx, []string{"ab"}); return err },
		"GetBlob":          func() error { _, err := s.GetBlob(ctx, "ab"); return err },
		"FileHead":         func() error { _, err := s.FileHead(ctx, "ab"); return err },
		"Titles":           func() error { _, err := s.Titles(ctx, "LEGAL_DOCUMENT", 10); return err },
		"ConfirmBlob":      func() error { return s.ConfirmBlob(ctx, "ab") },
		"UnconfirmBlobs":   func() error { return s.UnconfirmBlobs(ctx, []string{"ab"}) },
		"ListOutbox":       func() error { _, err := s.ListOutbox(ctx, "", 10); return err },
		"NotDelivered":     func() error { _, err := s.NotDelivered(ctx, 10); return err },
		"Claim":            func() error { _, err := s.Claim(ctx, 10, time.Minute); return err },
		"MarkDelivered":    func() error { return s.MarkDelivered(ctx, 1, "APPLIED") },
		"Retry":            func() error { return s.Retry(ctx, 1, time.Second, "x") },
		"Refuse":           func() error { return s.Refuse(ctx, 1, store.Refusal{Code: "InvalidArgument"}) },
		"OutboxCounts":     func() error { _, err := s.OutboxCounts(ctx); return err },
		"Requeue":          func() error { _, err := s.Requeue(ctx, "tin", time.Now()); return err },
		"OldestPendingAge": func() error { _, err := s.OldestPendingAge(ctx); return err },
		"RequeueRefused":   func() error { _, err := s.RequeueRefused(ctx, "op", nil, []string{"X"}); return err },
		"NoteHubVersion":   func() error { return s.NoteHubVersion(ctx, "tin", 2) },
		"ImportTransferred": func() error {
			_, err := s.ImportTransferred(ctx, &pb.ItemTransfer{Item: &pb.ContentItem{ContentId: "tin", Version: 1}})
			return err
		},
		"Now":  func() error { _, err := s.Now(ctx); return err },
		"Ping": func() error { return s.Ping(ctx) },
		"SaveCategories": func() error {
			return s.SaveCategories(ctx, []*pb.Category{{Code: "news", Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_ARTICLE}}})
		},
		"Categories": func() error { _, err := s.Categories(ctx); return err },
	}
	// ApproveTx and UnpublishTx run in the caller's transaction, which
	// cannot begin without a database; Pool and OnOutbox have no error.
	skip := []string{"ApproveTx", "UnpublishTx", "Pool", "OnOutbox"}
	typ := reflect.TypeOf(s)
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if _, ok := calls[name]; !ok && !slices.Contains(skip, name) {
			t.Errorf("Store.%s is not called here: add it", name)
		}
	}
	for name, call := range calls {
		if err := call(); errs.KindOf(err) != errs.Unavailable {
			t.Errorf("%s: err = %v (kind %v), want errs.Unavailable", name, err, errs.KindOf(err))
		}
	}
}
