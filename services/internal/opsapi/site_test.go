package opsapi

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// siteMethods call the site's methods (site.go), and RefreshToken, with a
// valid request, for
// TestRefusals and TestEveryMethodHasAnAction (methods, server_test.go).
// A call that needs a row first makes it as the same caller; when that is
// refused, it asks about row 1, which the interceptor must refuse before
// looking it up.
var siteMethods = map[string]func(ctx context.Context, c pb.OpsServiceClient) error{
	"ListMaintenanceWindows": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListMaintenanceWindows(ctx, &pb.ListMaintenanceWindowsRequest{History: true})
		return err
	},
	"ScheduleMaintenance": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ScheduleMaintenance(ctx, window(24*time.Hour))
		return err
	},
	"CancelMaintenance": func(ctx context.Context, c pb.OpsServiceClient) error {
		w, err := c.ScheduleMaintenance(ctx, window(24*time.Hour))
		id := w.GetWindow().GetId()
		if err != nil {
			id = 1
		}
		_, err = c.CancelMaintenance(ctx, &pb.CancelMaintenanceRequest{Id: id})
		return err
	},
	"StatsReport": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.StatsReport(ctx, &pb.StatsReportRequest{By: "page"})
		return err
	},
	"ListFeatured": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListFeatured(ctx, &pb.ListFeaturedRequest{})
		return err
	},
	"FeatureItem": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.FeatureItem(ctx, &pb.FeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat", Position: 1})
		return err
	},
	"UnfeatureItem": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, _ = c.FeatureItem(ctx, &pb.FeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat"})
		_, err := c.UnfeatureItem(ctx, &pb.UnfeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat"})
		return err
	},
	"ListAdverts": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListAdverts(ctx, &pb.ListAdvertsRequest{Ended: true})
		return err
	},
	"AddAdvert": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AddAdvert(ctx, &pb.AddAdvertRequest{Advert: advert()})
		return err
	},
	"EndAdvert": func(ctx context.Context, c pb.OpsServiceClient) error {
		a, err := c.AddAdvert(ctx, &pb.AddAdvertRequest{Advert: advert()})
		id := a.GetAdvert().GetId()
		if err != nil {
			id = 1
		}
		_, err = c.EndAdvert(ctx, &pb.EndAdvertRequest{Id: id})
		return err
	},
	// RefreshToken ends the token it is called with: it refreshes a token
	// of its own, logged in as the caller.
	"RefreshToken": func(ctx context.Context, c pb.OpsServiceClient) error {
		who, err := c.Whoami(ctx, &pb.WhoamiRequest{})
		if err != nil {
			_, err = c.RefreshToken(ctx, &pb.RefreshTokenRequest{})
			return err
		}
		l, err := c.Login(context.Background(), &pb.LoginRequest{Login: who.GetAccount().GetLogin(), Password: password})
		if err != nil {
			return err
		}
		_, err = c.RefreshToken(as(l.GetToken()), &pb.RefreshTokenRequest{})
		return err
	},
	"SetAdvertsEnabled": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.SetAdvertsEnabled(ctx, &pb.SetAdvertsEnabledRequest{Enabled: false})
		return err
	},
}

func init() { maps.Copy(methods, siteMethods) }

// window is a valid window starting in `in`, two hours long.
func window(in time.Duration) *pb.ScheduleMaintenanceRequest {
	start := time.Now().Add(in)
	return &pb.ScheduleMaintenanceRequest{StartsAt: timestamppb.New(start), EndsAt: timestamppb.New(start.Add(2 * time.Hour)),
		MessageVi: "Cổng bảo trì nâng cấp", MessageEn: "Portal upgrade", MessageRu: "Обновление портала"}
}

func advert() *pb.Advert {
	return &pb.Advert{Advertiser: "Công ty A", Label: "Khu du lịch B", Url: "https://b.example",
		StartsAt: timestamppb.New(time.Now().Add(-time.Hour)), EndsAt: timestamppb.New(time.Now().Add(24 * time.Hour))}
}

// auditOf is the audit log's "actor action" entries whose action matches
// the regular expression re, in order.
func auditOf(t *testing.T, f *fixture, re string) string {
	t.Helper()
	var got *string
	if err := f.pool.QueryRow(context.Background(), `SELECT string_agg(actor || ' ' || action, ',' ORDER BY seq) FROM audit_log WHERE action ~ $1`, re).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got == nil {
		return ""
	}
	return *got
}

func TestMaintenanceThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	op, viewer := as(f.tokens[opsaccounts.Operator]), as(f.tokens[opsaccounts.Viewer])
	s, err := f.client.ScheduleMaintenance(op, window(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w := s.GetWindow()
	if w.GetState() != "scheduled" || w.GetStartsAt().AsTime().Sub(w.GetAnnounceFrom().AsTime()) != 48*time.Hour ||
		w.GetCreatedBy() != "ops:ops-operator" || w.GetMessageRu() != "Обновление портала" {
		t.Errorf("scheduled %v", w)
	}
	// The store's refusals reach the caller with their words, in both languages.
	bad := window(2 * time.Hour)
	bad.EndsAt = timestamppb.New(bad.GetStartsAt().AsTime().Add(-time.Hour))
	_, err = f.client.ScheduleMaintenance(op, bad)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "the end must come after the start") ||
		!strings.Contains(vietnamese(err), "kết thúc phải sau") {
		t.Errorf("end before start: %v (%q)", err, vietnamese(err))
	}
	noRU := window(time.Hour)
	noRU.MessageRu = " "
	if _, err := f.client.ScheduleMaintenance(op, noRU); status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "Russian") {
		t.Errorf("no Russian message: %v", err)
	}
	if _, err := f.client.ScheduleMaintenance(op, &pb.ScheduleMaintenanceRequest{StartsAt: &timestamppb.Timestamp{Seconds: -1 << 62}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a timestamp out of range: %v", err)
	}
	now, err := f.client.ScheduleMaintenance(op, window(-time.Minute))
	if err != nil || now.GetWindow().GetState() != "ongoing" {
		t.Fatalf("a window under way: %v %v", now, err)
	}
	l, err := f.client.ListMaintenanceWindows(viewer, &pb.ListMaintenanceWindowsRequest{})
	if err != nil || len(l.GetWindows()) != 2 || l.GetWindows()[0].GetId() != now.GetWindow().GetId() {
		t.Errorf("list: %v %v", l, err)
	}
	c, err := f.client.CancelMaintenance(op, &pb.CancelMaintenanceRequest{Id: w.GetId()})
	if err != nil || c.GetWindow().GetState() != "cancelled" || c.GetWindow().GetCancelledBy() != "ops:ops-operator" {
		t.Errorf("cancel: %v %v", c, err)
	}
	if _, err := f.client.CancelMaintenance(op, &pb.CancelMaintenanceRequest{Id: w.GetId()}); status.Code(err) != codes.InvalidArgument ||
		!strings.Contains(err.Error(), "already cancelled") {
		t.Errorf("cancel twice: %v", err)
	}
	if _, err := f.client.CancelMaintenance(op, &pb.CancelMaintenanceRequest{Id: 999}); status.Code(err) != codes.NotFound {
		t.Errorf("cancel unknown: %v", err)
	}
	if _, err := f.client.ListMaintenanceWindows(viewer, &pb.ListMaintenanceWindowsRequest{Limit: 10001}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("limit 10001: %v", err)
	}
	if got, want := auditOf(t, f, "^maintenance"), "ops:ops-operator maintenance.scheduled,ops:ops-operator maintenance.scheduled,ops:ops-operator maintenance.cancelled"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
	if got := auditOf(t, f, "^ops.call$"); !strings.Contains(got, "ops:ops-viewer ops.call") {
		t.Errorf("the viewer's list is not in the audit log: %q", got)
	}
}

func TestStatsThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if _, err := f.pool.Exec(ctx, `INSERT INTO page_views (day, tenant_id, lang, path, views, bot_views) VALUES
		('2026-11-30', '', 'vi', '/vi/', 7, 1), ('2026-11-30', 'tenant-a', 'en', '/en/tenant-a/', 3, 9), ('2026-11-20', 'tenant-a', 'vi', '/vi/tenant-a/', 5, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO compliance_updates (tenant_id, content_id, version, applied_at, new_item, published_at) VALUES
		('tenant-a', 'tin', 1, '2026-11-30T08:00:00+07', true, '2026-11-30T08:00:00+07'), ('tenant-a', 'tin', 2, '2026-11-30T09:00:00+07', false, '2026-11-30T08:00:00+07')`); err != nil {
		t.Fatal(err)
	}
	v := as(f.tokens[opsaccounts.Viewer])
	// Only to: the 7 days up to it, so 20 November is out.
	r, err := f.client.StatsReport(v, &pb.StatsReportRequest{To: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetFrom() != "2026-11-24" || len(r.GetViews()) != 2 || r.GetViews()[1].GetTenantId() != "tenant-a" || r.GetViews()[1].GetBotViews() != 9 {
		t.Errorf("views %v", r)
	}
	p, err := f.client.StatsReport(v, &pb.StatsReportRequest{From: "2026-11-01", To: "2026-11-30", Provincial: true, By: "page"})
	if err != nil || len(p.GetPages()) != 1 || p.GetPages()[0].GetPath() != "/vi/" || len(p.GetViews()) != 0 {
		t.Errorf("the provincial portal's pages: %v %v", p, err)
	}
	a, err := f.client.StatsReport(v, &pb.StatsReportRequest{From: "2026-11-30", To: "2026-11-30", TenantId: "tenant-a", By: "activity"})
	if err != nil || len(a.GetActivity()) != 1 || a.GetActivity()[0].GetUpdates() != 2 || a.GetActivity()[0].GetNewItems() != 1 {
		t.Errorf("activity: %v %v", a, err)
	}
	for _, req := range []*pb.StatsReportRequest{
		{By: "week"},
		{From: "2026-12-01", To: "2026-11-01"},
		{From: "hôm qua"},
		{Provincial: true, TenantId: "tenant-a"},
		{By: "page", Limit: -1},
	} {
		if _, err := f.client.StatsReport(v, req); status.Code(err) != codes.InvalidArgument || vietnamese(err) == "" {
			t.Errorf("%v: %v, want INVALID_ARGUMENT with a Vietnamese message", req, err)
		}
	}
}

func TestFeaturedThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	op := as(f.tokens[opsaccounts.Operator])
	end := time.Now().Add(48 * time.Hour).Truncate(time.Microsecond)
	it, err := f.client.FeatureItem(op, &pb.FeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat", Position: 2, EndsAt: timestamppb.New(end)})
	if err != nil || it.GetItem().GetPosition() != 2 || !it.GetItem().GetEndsAt().AsTime().Equal(end) || it.GetItem().GetCreatedBy() != "ops:ops-operator" {
		t.Fatalf("feature: %v %v", it, err)
	}
	if _, err := f.client.FeatureItem(op, &pb.FeatureItemRequest{TenantId: "tenant-a", ContentId: "khong-co"}); status.Code(err) != codes.NotFound {
		t.Errorf("an unknown item: %v", err)
	}
	if _, err := f.client.FeatureItem(op, &pb.FeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat", Position: 1001}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("position 1001: %v", err)
	}
	if _, err := f.client.FeatureItem(op, &pb.FeatureItemRequest{ContentId: "noi-bat"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("no tenant: %v", err)
	}
	l, err := f.client.ListFeatured(as(f.tokens[opsaccounts.Viewer]), &pb.ListFeaturedRequest{})
	if err != nil || len(l.GetItems()) != 1 || l.GetItems()[0].GetContentId() != "noi-bat" {
		t.Errorf("list: %v %v", l, err)
	}
	if _, err := f.client.UnfeatureItem(op, &pb.UnfeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.UnfeatureItem(op, &pb.UnfeatureItemRequest{TenantId: "tenant-a", ContentId: "noi-bat"}); status.Code(err) != codes.NotFound {
		t.Errorf("unfeature twice: %v", err)
	}
	if got, want := auditOf(t, f, "^featured"), "ops:ops-operator featured.added,ops:ops-operator featured.removed"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}

func TestAdvertsThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	admin := as(f.tokens[opsaccounts.Administrator])
	a, err := f.client.AddAdvert(admin, &pb.AddAdvertRequest{Advert: advert()})
	if err != nil || a.GetEnabled() || a.GetAdvert().GetId() == 0 || a.GetAdvert().GetCreatedBy() != "ops:ops-administrator" {
		t.Fatalf("add: %v %v (the slot is off by default)", a, err)
	}
	js := advert()
	js.Url = "javascript:alert(1)"
	if _, err := f.client.AddAdvert(admin, &pb.AddAdvertRequest{Advert: js}); status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "http or https") {
		t.Errorf("a javascript: link: %v", err)
	}
	if on, err := f.client.SetAdvertsEnabled(admin, &pb.SetAdvertsEnabledRequest{Enabled: true}); err != nil || !on.GetEnabled() {
		t.Fatalf("enable: %v %v", on, err)
	}
	v := as(f.tokens[opsaccounts.Viewer])
	l, err := f.client.ListAdverts(v, &pb.ListAdvertsRequest{})
	if err != nil || !l.GetEnabled() || len(l.GetCurrent()) != 1 || l.GetCurrent()[0].GetLabel() != "Khu du lịch B" {
		t.Fatalf("list: %v %v", l, err)
	}
	if _, err := f.client.EndAdvert(admin, &pb.EndAdvertRequest{Id: a.GetAdvert().GetId()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.EndAdvert(admin, &pb.EndAdvertRequest{Id: a.GetAdvert().GetId()}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("end twice: %v", err)
	}
	if _, err := f.client.EndAdvert(admin, &pb.EndAdvertRequest{Id: 999}); status.Code(err) != codes.NotFound {
		t.Errorf("end unknown: %v", err)
	}
	l, err = f.client.ListAdverts(v, &pb.ListAdvertsRequest{})
	if err != nil || len(l.GetCurrent()) != 0 || len(l.GetEnded()) != 0 {
		t.Errorf("current after the end: %v %v", l, err)
	}
	l, err = f.client.ListAdverts(v, &pb.ListAdvertsRequest{Ended: true})
	if err != nil || len(l.GetEnded()) != 1 {
		t.Errorf("with the ended: %v %v", l, err)
	}
	if got, want := auditOf(t, f, "^advert"), "ops:ops-administrator advert.add,ops:ops-administrator adverts.enabled,ops:ops-administrator advert.end"; got != want {
		t.Errorf("audit %q, want %q", got, want)
	}
}

func TestRefreshTokenThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	old := f.tokens[opsaccounts.Viewer]
	r, err := f.client.RefreshToken(as(old), &pb.RefreshTokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetToken() == old || !r.GetExpiresAt().AsTime().After(time.Now().Add(50*time.Minute)) || r.GetLoginAt() == nil {
		t.Errorf("refreshed: %v", r)
	}
	if _, err := f.client.Whoami(as(old), &pb.WhoamiRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("the old token: %v, want UNAUTHENTICATED", err)
	}
	if w, err := f.client.Whoami(as(r.GetToken()), &pb.WhoamiRequest{}); err != nil || w.GetAccount().GetLogin() != "ops-viewer" {
		t.Errorf("the new token: %v %v", w, err)
	}
	if _, err := f.client.RefreshToken(as(old), &pb.RefreshTokenRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("refreshing the old token again: %v", err)
	}
	if got := auditOf(t, f, "^ops.token_refresh$"); got != "ops:ops-viewer ops.token_refresh" {
		t.Errorf("audit %q", got)
	}
}
