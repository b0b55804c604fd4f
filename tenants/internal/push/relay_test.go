package push_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// startRelay runs a relay from s to the fake hub until the test ends.
func startRelay(t *testing.T, s *store.Store, h *fakeHub) *push.Relay {
	t.Helper()
	conn, err := push.Dial(push.DialConfig{Addr: serve(t, h), Token: "secret-token", Tenant: "so-gddt", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	r := push.New(s, pb.NewIngestServiceClient(conn), zerolog.New(zerolog.NewTestWriter(t)), push.Config{
		Backoff: pgwake.Backoff{Base: 10 * time.Millisecond, Cap: 80 * time.Millisecond}, Sweep: 50 * time.Millisecond,
		Registerer: prometheus.NewRegistry(),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return r
}

func outboxRow(t *testing.T, s *store.Store, id string, version uint64) store.OutboxRow {
	t.Helper()
	rows, err := s.ListOutbox(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ContentID == id && r.Version == version {
			return r
		}
	}
	t.Fatalf("no outbox row for %s/%d", id, version)
	return store.OutboxRow{}
}

func waitStatus(t *testing.T, s *store.Store, id string, version uint64, want string) store.OutboxRow {
	t.Helper()
	var row store.OutboxRow
	testenv.WaitFor(t, 10*time.Second, func() error {
		row = outboxRow(t, s, id, version)
		if row.Status != want {
			return fmt.Errorf("%s/%d is %s (last error %q), want %s", id, version, row.Status, row.LastError, want)
		}
		return nil
	})
	return row
}

func approve(t *testing.T, s *store.Store, in store.ChangeInput) uint64 {
	t.Helper()
	v, err := s.Approve(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRelayDeliversWithCredentialAndTenant(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	startRelay(t, s, h)

	v1 := approve(t, s, storetest.Article("tin-1", "Tin thứ nhất"))
	row := waitStatus(t, s, "tin-1", v1, store.StatusDelivered)
	if row.HubOutcome != "APPLIED" || row.DeliveredAt == nil {
		t.Errorf("row = %+v, want APPLIED with a delivery time", row)
	}
	v2 := approve(t, s, storetest.Article("tin-1", "Tin thứ nhất (sửa)"))
	waitStatus(t, s, "tin-1", v2, store.StatusDelivered)
	if got := h.Held("tin-1"); got != v2 {
		t.Errorf("hub holds v%d, want v%d", got, v2)
	}
	h.mu.Lock()
	md := h.metadata[0]
	h.mu.Unlock()
	if got := md.Get("authorization"); !slices.Equal(got, []string{"Bearer secret-token"}) {
		t.Errorf("authorization = %q", got)
	}
	if got := md.Get("x-portalhub-tenant"); !slices.Equal(got, []string{"so-gddt"}) {
		t.Errorf("x-portalhub-tenant = %q", got)
	}
}

func TestRelayRetriesWhileHubIsDown(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	h.failNext(4, codes.Unavailable)
	h.failNext(1, codes.DeadlineExceeded)
	h.failNext(1, codes.ResourceExhausted)
	startRelay(t, s, h)

	v := approve(t, s, storetest.Article("tin-cho", "Tin chờ cổng tỉnh"))
	row := waitStatus(t, s, "tin-cho", v, store.StatusDelivered)
	if row.Attempts != 7 {
		t.Errorf("attempts = %d, want 7 (6 failures, then delivered)", row.Attempts)
	}
	if n := len(h.Calls()); n != 7 {
		t.Errorf("publish calls = %d, want 7", n)
	}
}

func TestRelayKeepsAcceptingWhileHubIsDownForLong(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	h.failNext(1000, codes.Unavailable)
	startRelay(t, s, h)

	var versions []uint64
	for i := range 5 {
		versions = append(versions, approve(t, s, storetest.Article(fmt.Sprintf("tin-%d", i), "Tin")))
	}
	testenv.WaitFor(t, 5*time.Second, func() error {
		if r := outboxRow(t, s, "tin-0", 1); r.Attempts < 3 || r.Status != store.StatusPending {
			return fmt.Errorf("row = %+v, want pending after several attempts", r)
		}
		return nil
	})
	h.mu.Lock()
	h.failures = nil // the hub is back
	h.mu.Unlock()
	for i, v := range versions {
		waitStatus(t, s, fmt.Sprintf("tin-%d", i), v, store.StatusDelivered)
	}
}

func TestRelayParksRefusalAndKeepsFlowing(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	st, _ := status.New(codes.InvalidArgument, "invalid content item: item.category: unknown category").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
			Field: "item.category", Reason: "UNKNOWN_CATEGORY", Description: "category not in the hub's list",
			LocalizedMessage: &errdetails.LocalizedMessage{Locale: "vi", Message: "Chuyên mục không có trong danh mục của cổng tỉnh."},
		}}},
		&errdetails.LocalizedMessage{Locale: "vi", Message: "Chuyên mục không có trong danh mục của cổng tỉnh."},
	)
	h.refuse["sai-chuyen-muc"] = st.Err()
	startRelay(t, s, h)

	bad := approve(t, s, storetest.Article("sai-chuyen-muc", "Sai chuyên mục"))
	good := approve(t, s, storetest.Article("dung", "Đúng"))
	waitStatus(t, s, "dung", good, store.StatusDelivered)
	row := waitStatus(t, s, "sai-chuyen-muc", bad, store.StatusRefused)
	if row.Refusal == nil || row.Refusal.Code != "InvalidArgument" || row.Refusal.Reason != "UNKNOWN_CATEGORY" ||
		row.Refusal.MessageVI != "Chuyên mục không có trong danh mục của cổng tỉnh." ||
		!strings.Contains(row.Refusal.Description, "item.category") {
		t.Errorf("refusal = %+v", row.Refusal)
	}
	refused, _ := s.ListOutbox(context.Background(), store.StatusRefused, 10)
	if len(refused) != 1 {
		t.Errorf("refused rows = %d, want 1", len(refused))
	}
	// Refused rows are not retried.
	n := len(h.Calls())
	approve(t, s, storetest.Article("dung-2", "Đúng nữa"))
	waitStatus(t, s, "dung-2", 1, store.StatusDelivered)
	for _, c := range h.Calls()[n:] {
		if c == "publish sai-chuyen-muc" {
			t.Errorf("refused row was retried: %v", h.Calls())
		}
	}
}

func TestRelayUploadsAttachmentsBeforePublish(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	h := newFakeHub()
	startRelay(t, s, h)

	b, err := s.PutBlob(ctx, "Kế hoạch.pdf", []byte("%PDF-1.4\nkế hoạch năm 2025\n"))
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Article("ke-hoach", "Kế hoạch")
	in.Attachments = []*pb.Attachment{{Sha256: b.SHA256, Title: "Kế hoạch"}}
	v := approve(t, s, in)
	waitStatus(t, s, "ke-hoach", v, store.StatusDelivered)
	if got, want := h.Calls(), []string{"upload " + b.SHA256, "publish ke-hoach"}; !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	// A confirmed file is not uploaded again.
	in.Translations[0].Title = "Kế hoạch (sửa)"
	v2 := approve(t, s, in)
	waitStatus(t, s, "ke-hoach", v2, store.StatusDelivered)
	if got := h.Calls(); len(got) != 3 || got[2] != "publish ke-hoach" {
		t.Errorf("calls = %v, want no second upload", got)
	}
}

func TestResyncReenqueuesWhatTheHubLacks(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	first := newFakeHub()
	for _, id := range []string{"a", "b", "c"} {
		approve(t, s, storetest.Article(id, "Bài "+id))
	}
	// Deliver everything to a first hub, then stop its relay.
	conn, err := push.Dial(push.DialConfig{Addr: serve(t, first), Token: "t", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := push.New(s, pb.NewIngestServiceClient(conn), zerolog.Nop(), push.Config{})
	r.Drain(ctx)
	for _, id := range []string{"a", "b", "c"} {
		waitStatus(t, s, id, 1, store.StatusDelivered)
	}

	// The hub lost "b" and "c" (restored from an old backup); it holds "a".
	// A relay started against it resyncs and delivers them again.
	second := newFakeHub()
	second.held["a"] = 1
	startRelay(t, s, second)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if second.Held("b") != 1 || second.Held("c") != 1 {
			return fmt.Errorf("hub holds b=%d c=%d, want 1 and 1", second.Held("b"), second.Held("c"))
		}
		return nil
	})
	for _, c := range second.Calls() {
		if c == "publish a" {
			t.Errorf("resync re-sent an item the hub holds: %v", second.Calls())
		}
	}
}

// TestRelayHoldsRowsWhileTheTenantIsRefused: a tenant the hub suspended,
// a credential it refuses or a tenant id that is not the credential's
// keeps rows pending, not parked, and they flow once an operator fixes it.
func TestRelayHoldsRowsWhileTheTenantIsRefused(t *testing.T) {
	for _, reason := range []string{contentrules.ReasonTenantInactive, contentrules.ReasonTenantMismatch, contentrules.ReasonUnauthenticated} {
		t.Run(reason, func(t *testing.T) {
			s, _ := storetest.New(t)
			h := newFakeHub()
			h.mu.Lock()
			for range 3 {
				h.failures = append(h.failures, contentrules.Refuse(reason, "", "refused", "Bị từ chối"))
			}
			h.mu.Unlock()
			startRelay(t, s, h)

			v := approve(t, s, storetest.Article("tin-tam-dung", "Tin khi cổng tạm dừng"))
			// Fixed after three refusals: the row was held, not parked, and flows.
			row := waitStatus(t, s, "tin-tam-dung", v, store.StatusDelivered)
			if row.Attempts != 4 {
				t.Errorf("attempts = %d, want 4 (3 refused, then delivered)", row.Attempts)
			}
		})
	}
}

// TestRelayShowsTheHubLink: a link that fails for a reason an operator must
// fix fails the relay's readiness check, says what and how, and the oldest
// pending push's age shows; once fixed, the link is OK again (issue 10
// point 13: /readyz stayed ready).
func TestRelayShowsTheHubLink(t *testing.T) {
	s, _ := storetest.New(t)
	h := newFakeHub()
	h.mu.Lock()
	for range 1000 {
		h.failures = append(h.failures, contentrules.Refuse(contentrules.ReasonTenantMismatch, "", "refused", "Bị từ chối"))
	}
	h.mu.Unlock()
	conn, err := push.Dial(push.DialConfig{Addr: serve(t, h), Token: "secret-token", Tenant: "so-gddt", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	reg := prometheus.NewRegistry()
	r := push.New(s, pb.NewIngestServiceClient(conn), zerolog.New(zerolog.NewTestWriter(t)), push.Config{
		Backoff: pgwake.Backoff{Base: 10 * time.Millisecond, Cap: 40 * time.Millisecond}, Sweep: 20 * time.Millisecond,
		Registerer: reg, Endpoint: push.Endpoint{Tenant: "so-gddt", HubAddr: "hub.example:9443"},
	})
	if err := r.CheckLink(context.Background()); err != nil || r.Link().State != push.LinkUnknown {
		t.Errorf("before any call: %v, %+v; want ready and unknown", err, r.Link())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	v := approve(t, s, storetest.Article("tin-sai-don-vi", "Tin với thông tin xác thực của đơn vị khác"))
	gauge := func(name string) (float64, error) {
		families, err := reg.Gather()
		if err != nil {
			return 0, err
		}
		for _, f := range families {
			if f.GetName() == name {
				return f.GetMetric()[0].GetGauge().GetValue(), nil
			}
		}
		return 0, fmt.Errorf("no metric %s", name)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		if err := r.CheckLink(context.Background()); err == nil || !strings.Contains(err.Error(), "set SUBPORTAL_TENANT") {
			return fmt.Errorf("readiness = %v, want the tenant mismatch and its fix", err)
		}
		if age, err := gauge("subportal_outbox_oldest_pending_age_seconds"); err != nil || age <= 0 {
			return fmt.Errorf("oldest pending age = %v, %v; want > 0", age, err)
		}
		return nil
	})
	if row := outboxRow(t, s, "tin-sai-don-vi", v); row.Status != store.StatusPending {
		t.Errorf("row is %s, want pending", row.Status)
	}
	h.mu.Lock()
	h.failures = nil
	h.mu.Unlock()
	waitStatus(t, s, "tin-sai-don-vi", v, store.StatusDelivered)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if r.Link().State != push.LinkOK || r.CheckLink(context.Background()) != nil {
			return fmt.Errorf("link = %+v, want ok", r.Link())
		}
		if age, err := gauge("subportal_outbox_oldest_pending_age_seconds"); err != nil || age != 0 {
			return fmt.Errorf("oldest pending age = %v, %v; want 0", age, err)
		}
		return nil
	})
}

// TestRelayKeepsAnItemsVersionsInOrder: while an earlier version of an item
// is pending (here leased by another relay, as by one killed while sending
// it), the relay does not send the item's next version, which the hub would
// keep while answering the earlier one STALE when it comes (make chaos:
// versions answered STALE after a retry); other items keep flowing, and
// the versions go in order once the earlier one is offered again.
func TestRelayKeepsAnItemsVersionsInOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	in := storetest.Article("ban-tin", "Bản tin")
	v1 := approve(t, s, in)
	in.Translations[0].Summary = "Bản sửa"
	v2 := approve(t, s, in)
	other := approve(t, s, storetest.Article("tin-khac", "Tin khác"))
	held, err := s.Claim(ctx, 1, time.Minute) // version 1, leased elsewhere
	if err != nil || len(held) != 1 || held[0].Item.GetVersion() != v1 {
		t.Fatalf("claim = %v, %v; want ban-tin v%d", held, err, v1)
	}
	h := newFakeHub()
	startRelay(t, s, h)

	waitStatus(t, s, "tin-khac", other, store.StatusDelivered)
	if row := outboxRow(t, s, "ban-tin", v2); row.Status != store.StatusPending || row.Attempts != 0 || h.Held("ban-tin") != 0 {
		t.Fatalf("ban-tin v%d is %s after %d attempts, hub holds v%d; want it pending, never sent, while v%d is",
			v2, row.Status, row.Attempts, h.Held("ban-tin"), v1)
	}
	// The lease ends (the relay holding it died): both go, in order.
	if err := s.Retry(ctx, held[0].ID, 0, "lease ended"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, s, "ban-tin", v2, store.StatusDelivered)
	if row := outboxRow(t, s, "ban-tin", v1); row.HubOutcome != "APPLIED" {
		t.Errorf("ban-tin v%d: hub answered %s, want APPLIED (sent before v%d)", v1, row.HubOutcome, v2)
	}
	if row := outboxRow(t, s, "ban-tin", v2); row.HubOutcome != "APPLIED" {
		t.Errorf("ban-tin v%d: hub answered %s, want APPLIED", v2, row.HubOutcome)
	}
}
