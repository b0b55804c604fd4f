package portal_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func noticeItem(id, title, typ string, closes time.Time) *pb.ContentItem {
	it := article(id, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), tr("vi", id, title, "", "<p>Hồ sơ mời thầu.</p>"))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, "procurement"
	n := &pb.ProcurementNotice{NoticeType: typ, Investor: "Ban Quản lý dự án tỉnh", ValueVnd: 1250000000, Location: "Nha Trang"}
	if !closes.IsZero() {
		n.ClosesAt = timestamppb.New(closes)
	}
	it.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: n}
	return it
}

func TestNotices(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, vietnam)
	e := newClockedEnv(t, now)
	e.tenant(t, "so-kh-dt", "department", "Sở Kế hoạch và Đầu tư", "", "")
	e.put(t, "so-kh-dt", noticeItem("goi-thau-1", "Gói thầu xây dựng cầu", "procurement", now.Add(72*time.Hour)))
	e.put(t, "so-kh-dt", noticeItem("goi-thau-2", "Gói thầu nạo vét sông", "procurement", now.Add(2*time.Hour)))
	e.put(t, "so-kh-dt", noticeItem("du-an-3", "Dự án khu du lịch", "investment", now.Add(-48*time.Hour)))
	e.put(t, "so-kh-dt", noticeItem("du-an-4", "Dự án cảng cá", "project", now.Add(-2*time.Hour)))
	titles := func(doc *goquery.Document) []string { return texts(doc, "table.notices tbody th a") }

	res, doc := e.get(t, "/vi/du-an-dau-thau/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Open first, the next to close first; then closed, latest closed first.
	if got, want := titles(doc), []string{"Gói thầu nạo vét sông", "Gói thầu xây dựng cầu", "Dự án cảng cá", "Dự án khu du lịch"}; !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
	if got := texts(doc, "tr.notice-closed .status"); !slices.Equal(got, []string{"Đã đóng", "Đã đóng"}) {
		t.Errorf("closed marks = %q", got)
	}
	if got := attr(doc, "table.notices tbody tr:first-child time", "datetime"); got != now.Add(2*time.Hour).Format(time.RFC3339) {
		t.Errorf("deadline = %q", got)
	}
	if got := text(doc, "table.notices tbody tr:first-child time"); got != "12:00, 15/06/2026 (GMT+7)" {
		t.Errorf("deadline shown = %q", got)
	}
	_, doc = e.get(t, "/vi/du-an-dau-thau/?status=open")
	if got := titles(doc); !slices.Equal(got, []string{"Gói thầu nạo vét sông", "Gói thầu xây dựng cầu"}) {
		t.Errorf("open = %q", got)
	}
	if got, want := options(doc, "type"), []string{"Tất cả", "Đấu thầu (2)", "Đầu tư (0)", "Dự án (0)"}; !slices.Equal(got, want) {
		t.Errorf("type options = %q, want %q", got, want)
	}
	if got, want := options(doc, "status"), []string{"Tất cả", "Đang mở (2)*", "Đã đóng (2)"}; !slices.Equal(got, want) {
		t.Errorf("status options = %q, want %q", got, want)
	}
	res, doc = e.get(t, "/vi/du-an-dau-thau/?status=soon")
	if res.StatusCode != http.StatusBadRequest || attr(doc, "#filter-status", "aria-invalid") != "true" || len(titles(doc)) != 4 {
		t.Errorf("bad status: %d, %q", res.StatusCode, titles(doc))
	}

	// The notice's own page: open, then closed once its deadline passed.
	_, doc = e.get(t, "/vi/so-kh-dt/goi-thau-2")
	if got := text(doc, ".notice-status .status"); got != "Đang mở" {
		t.Errorf("status = %q", got)
	}
	_, doc = e.get(t, "/vi/so-kh-dt/du-an-4")
	if got := text(doc, ".notice-status .status"); got != "Đã đóng" {
		t.Errorf("closed status = %q", got)
	}
}

// Pages that show whether a notice is open are dropped when it closes.
func TestNoticesExpireWhenANoticeCloses(t *testing.T) {
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, vietnam)
	e := newClockedEnv(t, now)
	e.tenant(t, "so-kh-dt", "department", "Sở Kế hoạch và Đầu tư", "", "")
	// Closing well within the cache's MaxAge (5 minutes), so only the
	// expiry can drop the pages in time.
	e.put(t, "so-kh-dt", noticeItem("goi-thau-2", "Gói thầu nạo vét sông", "procurement", now.Add(2*time.Minute)))
	_, doc := e.get(t, "/vi/du-an-dau-thau/")
	if got := texts(doc, "tr.notice-open .status"); len(got) != 1 {
		t.Fatalf("open: %q", got)
	}
	_, doc = e.get(t, "/vi/so-kh-dt/goi-thau-2")
	if got := text(doc, ".notice-status .status"); got != "Đang mở" {
		t.Fatalf("item open: %q", got)
	}
	e.clock.Advance(2*time.Minute + time.Second)
	_, doc = e.get(t, "/vi/du-an-dau-thau/")
	if got := texts(doc, "tr.notice-closed .status"); len(got) != 1 {
		t.Errorf("list after the deadline: %q", texts(doc, "table.notices tbody tr"))
	}
	_, doc = e.get(t, "/vi/so-kh-dt/goi-thau-2")
	if got := text(doc, ".notice-status .status"); got != "Đã đóng" {
		t.Errorf("item after the deadline: %q", got)
	}
}
