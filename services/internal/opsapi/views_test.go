package opsapi

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// viewMethods call the console's views (views.go), the category codes,
// best bets and personal-data keys (data.go) with a valid request, for
// TestRefusals and TestEveryMethodHasAnAction.
var viewMethods = map[string]func(ctx context.Context, c pb.OpsServiceClient) error{
	"ListItems": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListItems(ctx, &pb.ListItemsRequest{TenantId: "tenant-a"})
		return err
	},
	"GetItem": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.GetItem(ctx, &pb.GetItemRequest{TenantId: "tenant-a", ContentId: "noi-bat"})
		return err
	},
	"ListTakedowns": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListTakedowns(ctx, &pb.ListTakedownsRequest{})
		return err
	},
	"ListRefusals": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListRefusals(ctx, &pb.ListRefusalsRequest{TenantId: "tenant-a"})
		return err
	},
	"Coverage": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.Coverage(ctx, &pb.CoverageRequest{})
		return err
	},
	"Backlog": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.Backlog(ctx, &pb.BacklogRequest{})
		return err
	},
	"ListOverdueQuestions": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListOverdueQuestions(ctx, &pb.ListOverdueQuestionsRequest{})
		return err
	},
	"ListCategoryCodes": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListCategoryCodes(ctx, &pb.ListCategoryCodesRequest{})
		return err
	},
	"ListBestBets": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListBestBets(ctx, &pb.ListBestBetsRequest{})
		return err
	},
	"AddBestBet": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AddBestBet(ctx, &pb.AddBestBetRequest{Query: "tin tức", TenantId: "tenant-a", ContentId: "noi-bat"})
		return err
	},
	"RemoveBestBet": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, _ = c.AddBestBet(ctx, &pb.AddBestBetRequest{Query: "lễ hội", TenantId: "tenant-a", ContentId: "noi-bat"})
		_, err := c.RemoveBestBet(ctx, &pb.RemoveBestBetRequest{Query: "lễ hội", TenantId: "tenant-a", ContentId: "noi-bat"})
		return err
	},
	"RewrapPersonalData": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.RewrapPersonalData(ctx, &pb.RewrapPersonalDataRequest{})
		return err
	},
	"ReshredPersonalData": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ReshredPersonalData(ctx, &pb.ReshredPersonalDataRequest{SubmissionIds: []string{"khong-co"}})
		return err
	},
}

func init() { maps.Copy(methods, viewMethods) }

// fakeConsumers is a NATS consumers' backlog.
type fakeConsumers struct {
	mu sync.Mutex
	cs []backlog.Consumer
}

func (f *fakeConsumers) Consumers(context.Context) ([]backlog.Consumer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cs, nil
}

// TestViewsThroughTheAPI: what the console shows of items, takedowns,
// refusals, coverage, backlogs, overdue questions and categories comes
// through the API as the console shows it, paged where it is a list.
func TestViewsThroughTheAPI(t *testing.T) {
	rules, err := compliance.Load("../../../deploy/rules/khanhhoa.toml")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, rules)
	ctx, viewer := context.Background(), as(f.tokens[opsaccounts.Viewer])
	op := as(f.tokens[opsaccounts.Operator])

	// Items, paged by content id: "noi-bat" then "tin".
	l, err := f.client.ListItems(viewer, &pb.ListItemsRequest{TenantId: "tenant-a", PageSize: 1})
	if err != nil || len(l.GetItems()) != 1 || l.GetItems()[0].GetContentId() != "noi-bat" || l.GetNextPageToken() == "" {
		t.Fatalf("first page: %v %v", l, err)
	}
	l, err = f.client.ListItems(viewer, &pb.ListItemsRequest{TenantId: "tenant-a", PageSize: 1, PageToken: l.GetNextPageToken()})
	if err != nil || len(l.GetItems()) != 1 || l.GetItems()[0].GetContentId() != "tin" || l.GetItems()[0].GetVersion() != 3 {
		t.Fatalf("second page: %v %v", l, err)
	}
	// A filter over 1 KiB is refused up front, without being echoed (review1 F7).
	long := strings.Repeat("tin tức ", 130)
	if _, err := f.client.ListItems(viewer, &pb.ListItemsRequest{TenantId: "tenant-a", Query: long}); status.Code(err) != codes.InvalidArgument ||
		strings.Contains(err.Error(), "tin tức tin") {
		t.Errorf("a query over 1 KiB: %v, want INVALID_ARGUMENT without the query", err)
	}
	if _, err := f.client.AddBestBet(op, &pb.AddBestBetRequest{Query: long, TenantId: "tenant-a", ContentId: "tin"}); status.Code(err) != codes.InvalidArgument ||
		strings.Contains(err.Error(), "tin tức tin") {
		t.Errorf("a best bet query over 1 KiB: %v, want INVALID_ARGUMENT without the query", err)
	}
	if _, err := f.client.ListItems(viewer, &pb.ListItemsRequest{TenantId: "tenant-a", PageToken: "rubbish"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a bad page token: %v, want INVALID_ARGUMENT", err)
	}
	if _, err := f.client.ListItems(viewer, &pb.ListItemsRequest{TenantId: "khong-co"}); status.Code(err) != codes.NotFound {
		t.Errorf("an unknown tenant's items: %v, want NOT_FOUND", err)
	}

	// A takedown shows in the item's history, the takedowns and the item.
	if _, err := f.client.TakeDownItem(op, &pb.TakeDownItemRequest{TenantId: "tenant-a", ContentId: "tin", Reason: "Chưa kiểm chứng"}); err != nil {
		t.Fatal(err)
	}
	it, err := f.client.GetItem(viewer, &pb.GetItemRequest{TenantId: "tenant-a", ContentId: "tin"})
	if err != nil || it.GetItem().GetTakedownReason() != "Chưa kiểm chứng" || len(it.GetHistory()) == 0 ||
		it.GetHistory()[0].GetAction() != "item.takedown" || it.GetHistory()[0].GetActor() != "ops:ops-operator" {
		t.Errorf("item: %v %v", it, err)
	}
	// The Vietnamese message names what was not found, not a tenant or a
	// credential.
	if _, err := f.client.GetItem(viewer, &pb.GetItemRequest{TenantId: "tenant-a", ContentId: "khong-co"}); status.Code(err) != codes.NotFound ||
		!strings.Contains(vietnamese(err), "khong-co") || strings.Contains(vietnamese(err), "đơn vị hoặc thông tin xác thực") {
		t.Errorf("an unknown item: %v (%q), want NOT_FOUND naming it", err, vietnamese(err))
	}
	if down, err := f.client.ListTakedowns(viewer, &pb.ListTakedownsRequest{}); err != nil || len(down.GetItems()) != 1 || down.GetItems()[0].GetContentId() != "tin" {
		t.Errorf("takedowns: %v %v", down, err)
	}

	// Refusals, by tenant.
	if err := f.store.RecordRefusal(ctx, "tenant-a", "hong", 2, []contentrules.Violation{{Field: "title", Reason: "LEGACY_ENCODING",
		Description: "legacy-encoded text", MessageVI: "Mã cũ"}}); err != nil {
		t.Fatal(err)
	}
	r, err := f.client.ListRefusals(viewer, &pb.ListRefusalsRequest{TenantId: "tenant-a"})
	if err != nil || len(r.GetRefusals()) != 1 || r.GetRefusals()[0].GetReason() != "LEGACY_ENCODING" || r.GetRefusals()[0].GetField() != "title" {
		t.Errorf("refusals: %v %v", r, err)
	}

	// Coverage: tenant-a has articles only, so every other required kind
	// is missing.
	cov, err := f.client.Coverage(viewer, &pb.CoverageRequest{})
	if err != nil || len(cov.GetTenants()) != 1 {
		t.Fatalf("coverage: %v %v", cov, err)
	}
	tc := cov.GetTenants()[0]
	if len(cov.GetRequiredKinds()) == 0 || len(tc.GetMissing()) == 0 || strings.Contains(strings.Join(tc.GetMissing(), ","), "article") {
		t.Errorf("coverage of tenant-a: required %v, missing %v", cov.GetRequiredKinds(), tc.GetMissing())
	}

	// Backlogs: the outbox holds the takedown's event; the consumers'.
	f.consumers.mu.Lock()
	f.consumers.cs = []backlog.Consumer{{Stream: "HUB_CONTENT", Name: "gw-1", Pending: 42, AckPending: 3}}
	f.consumers.mu.Unlock()
	b, err := f.client.Backlog(viewer, &pb.BacklogRequest{})
	if err != nil || b.GetOutboxPending() == 0 || b.GetOutboxOldest() == nil || len(b.GetConsumers()) != 1 ||
		b.GetConsumers()[0].GetPending() != 42 || b.GetConsumers()[0].GetAckPending() != 3 || b.GetConsumersError() != "" {
		t.Errorf("backlog: %v %v", b, err)
	}

	// Overdue questions: due yesterday and unanswered.
	yesterday := time.Now().In(time.FixedZone("GMT+7", 7*3600)).AddDate(0, 0, -1).Format(time.DateOnly)
	if _, err := f.pool.Exec(ctx, `INSERT INTO feedback (id, tracking_code, request_id, tenant_id, topic,
			question, lang, contact, has_email, has_phone, consent_version, status, due_on)
			VALUES ($1, 'AAAAAAAAAAAA', $1, 'tenant-a', 'procedure', 'Câu hỏi', 'vi', '\x00', true, false, 'x', 'received', $2)`,
		strings.Repeat("a", 32), yesterday); err != nil {
		t.Fatal(err)
	}
	q, err := f.client.ListOverdueQuestions(viewer, &pb.ListOverdueQuestionsRequest{})
	if err != nil || len(q.GetQuestions()) != 1 || q.GetQuestions()[0].GetDueOn() != yesterday || q.GetQuestions()[0].GetTenantId() != "tenant-a" {
		t.Errorf("overdue: %v %v", q, err)
	}

	// The category codes, with their Article 8 item.
	cs, err := f.client.ListCategoryCodes(viewer, &pb.ListCategoryCodesRequest{})
	if err != nil || len(cs.GetCategories()) == 0 {
		t.Fatalf("categories: %v %v", cs, err)
	}
	var news *pb.Category
	for _, c := range cs.GetCategories() {
		if c.GetCode() == "news" {
			news = c
		}
	}
	if news == nil || news.GetNames()["vi"] == "" || len(news.GetKinds()) == 0 {
		t.Errorf("the news category: %v", news)
	}

	// The reads are in the audit log under the viewer.
	if got := auditOf(t, f, "^ops.call$"); !strings.Contains(got, "ops:ops-viewer ops.call") {
		t.Errorf("reads not recorded under the viewer: %q", got)
	}
}

// TestBestBetsAndPersonalDataThroughTheAPI: best bets and the personal-data
// keys are changed as the calling ops account, which the audit log records.
func TestBestBetsAndPersonalDataThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	op, admin := as(f.tokens[opsaccounts.Operator]), as(f.tokens[opsaccounts.Administrator])
	viewer := as(f.tokens[opsaccounts.Viewer])

	b, err := f.client.AddBestBet(op, &pb.AddBestBetRequest{Query: "Tin Tức", TenantId: "tenant-a", ContentId: "noi-bat", Position: 2})
	if err != nil || b.GetBestBet().GetQuery() != "tin tuc" || b.GetBestBet().GetCreatedBy() != "ops:ops-operator" {
		t.Fatalf("add: %v %v", b, err)
	}
	if _, err := f.client.AddBestBet(op, &pb.AddBestBetRequest{Query: "x", TenantId: "tenant-a", ContentId: "khong-co"}); status.Code(err) != codes.NotFound {
		t.Errorf("a best bet on an unknown item: %v, want NOT_FOUND", err)
	}
	l, err := f.client.ListBestBets(viewer, &pb.ListBestBetsRequest{Query: "tin tuc"})
	if err != nil || len(l.GetBestBets()) != 1 || l.GetBestBets()[0].GetPosition() != 2 {
		t.Errorf("list: %v %v", l, err)
	}
	if _, err := f.client.RemoveBestBet(op, &pb.RemoveBestBetRequest{Query: "tin tức", TenantId: "tenant-a", ContentId: "noi-bat"}); err != nil {
		t.Errorf("remove: %v", err)
	}
	if got, want := auditOf(t, f, "^search.bestbet"), "ops:ops-operator search.bestbet_added,ops:ops-operator search.bestbet_removed"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}

	// Rewrap under the aggregator's keyring (nothing to move yet), and a
	// shred log's ids destroyed again.
	rw, err := f.client.RewrapPersonalData(admin, &pb.RewrapPersonalDataRequest{})
	if err != nil || rw.GetKeyId() != "pd-test" || rw.GetMoved() != 0 {
		t.Errorf("rewrap: %v %v", rw, err)
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO personal_data_keys (submission_id, kek_id, wrapped_key, delete_after)
		VALUES ('sub-1', 'pd-test', '\x00', now() + interval '1 year')`); err != nil {
		t.Fatal(err)
	}
	rs, err := f.client.ReshredPersonalData(admin, &pb.ReshredPersonalDataRequest{SubmissionIds: []string{"sub-1", "sub-2"}})
	if err != nil || rs.GetDestroyed() != 1 {
		t.Errorf("reshred: %v %v", rs, err)
	}
	if _, err := f.client.ReshredPersonalData(admin, &pb.ReshredPersonalDataRequest{SubmissionIds: []string{"a b"}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a malformed id: %v", err)
	}
	if got, want := auditOf(t, f, "^personal_data"), "ops:ops-administrator personal_data.rewrap,ops:ops-administrator personal_data.reshred"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}

// TestReshredRecordsWhatADyingCallDestroyed: a reshred whose second batch
// fails has destroyed the first batch's keys for good, so the audit log
// records it with the count before the call fails.
func TestReshredRecordsWhatADyingCallDestroyed(t *testing.T) {
	f := newFixture(t, nil)
	ctx, admin := context.Background(), as(f.tokens[opsaccounts.Administrator])
	if _, err := f.pool.Exec(ctx, `INSERT INTO personal_data_keys (submission_id, kek_id, wrapped_key, delete_after)
		VALUES ('sub-first', 'pd-test', '\x00', now() + interval '1 year'), ('sub-second', 'pd-test', '\x00', now() + interval '1 year');
		CREATE FUNCTION refuse_second() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'the second batch fails'; END $$;
		CREATE TRIGGER refuse_second BEFORE DELETE ON personal_data_keys
			FOR EACH ROW WHEN (OLD.submission_id = 'sub-second') EXECUTE FUNCTION refuse_second()`); err != nil {
		t.Fatal(err)
	}
	ids := []string{"sub-first"}
	for i := len(ids); i < 1000; i++ {
		ids = append(ids, fmt.Sprintf("khong-co-%d", i))
	}
	ids = append(ids, "sub-second")
	if _, err := f.client.ReshredPersonalData(admin, &pb.ReshredPersonalDataRequest{SubmissionIds: ids}); err == nil {
		t.Fatal("the reshred succeeded although its second batch failed")
	}
	var left int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_keys WHERE submission_id = 'sub-first'`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("the first batch's key is still there (%d, %v): the test proves nothing", left, err)
	}
	var destroyed *int64
	if err := f.pool.QueryRow(ctx, `SELECT max((detail->>'destroyed')::bigint) FROM audit_log WHERE action = 'personal_data.reshred'`).Scan(&destroyed); err != nil {
		t.Fatal(err)
	}
	if destroyed == nil || *destroyed != 1 {
		t.Errorf("audit of the failed reshred: destroyed %v, want 1", destroyed)
	}
}
