package hubread_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

func counts(vs []hubread.FacetValue) map[string]int {
	out := map[string]int{}
	for _, v := range vs {
		out[v.Value] = v.Count
	}
	return out
}

func TestServiceCatalogue(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	for _, s := range []struct {
		tenant, id, name, agency, field string
		level                           int32
		handling                        string
	}{
		{"sotp", "khai-sinh", "Đăng ký khai sinh", "UBND cấp xã", "Hộ tịch", 2, "commune"},
		{"sotp", "ket-hon", "Đăng ký kết hôn", "UBND cấp xã", "Hộ tịch", 2, "commune"},
		{"sotp", "ly-lich", "Cấp phiếu lý lịch tư pháp", "Sở Tư pháp", "Lý lịch tư pháp", 2, "province"},
		{"sokhcn", "an-toan-buc-xa", "Cấp giấy phép an toàn bức xạ", "Sở Khoa học và Công nghệ", "An toàn bức xạ", 1, "province"},
		{"sokhcn", "dang-ky-de-tai", "Đăng ký đề tài khoa học", "Sở Khoa học và Công nghệ", "Khoa học", 1, "province"},
	} {
		it := item(s.id, time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC), tr("vi", s.id, s.name))
		it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services"
		it.Details = &pb.ContentItem_PublicService{PublicService: &pb.PublicService{Code: "1.00" + s.id, Level: s.level,
			Agency: s.agency, Field: s.field, HandlingLevel: s.handling, Url: "https://dichvucong.gov.vn/p/" + s.id}}
		putItem(t, db, s.tenant, "published", it)
	}
	all, err := store.Services(ctx, hubread.ServiceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sv := range all.Rows {
		text, _ := sv.In("vi")
		names = append(names, text.Title)
	}
	// Vietnamese order: "Cấp" before "Đăng" (đ after d).
	if want := []string{"Cấp giấy phép an toàn bức xạ", "Cấp phiếu lý lịch tư pháp", "Đăng ký đề tài khoa học",
		"Đăng ký kết hôn", "Đăng ký khai sinh"}; !slices.Equal(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
	// Level 2 and the agency Sở Tư pháp: each facet counted without its own.
	c, err := store.Services(ctx, hubread.ServiceQuery{Level: 2, Agency: "Sở Tư pháp"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Total != 1 || len(c.Rows) != 1 || c.Rows[0].ContentID != "ly-lich" || c.Rows[0].Level != 2 {
		t.Errorf("level 2 of Sở Tư pháp: %d %+v", c.Total, c.Rows)
	}
	if got := counts(c.Agencies); got["UBND cấp xã"] != 2 || got["Sở Tư pháp"] != 1 || len(got) != 2 {
		t.Errorf("agencies at level 2: %v", got)
	}
	if got := counts(c.Levels); got["2"] != 1 || got["1"] != 0 {
		t.Errorf("levels of Sở Tư pháp: %v", got)
	}
	if got := counts(c.Fields); got["Lý lịch tư pháp"] != 1 || len(got) != 1 {
		t.Errorf("fields: %v", got)
	}
	// Pages of two, by name.
	q := hubread.ServiceQuery{Limit: 2}
	var paged []string
	for {
		p, err := store.Services(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, sv := range p.Rows {
			paged = append(paged, sv.ContentID)
		}
		if p.Next == nil {
			break
		}
		q.Cursor = p.Next
	}
	if want := []string{"an-toan-buc-xa", "ly-lich", "dang-ky-de-tai", "ket-hon", "khai-sinh"}; !slices.Equal(paged, want) {
		t.Errorf("pages %v, want %v", paged, want)
	}
	if k, err := store.Services(ctx, hubread.ServiceQuery{Keyword: "khai sinh"}); err != nil || len(k.Rows) != 1 {
		t.Errorf("keyword: %+v, %v", k.Rows, err)
	}
}

func notice(id string, typ string, closes time.Time) *pb.ContentItem {
	it := item(id, time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC), tr("vi", id, "Thông báo "+id))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, "procurement"
	n := &pb.ProcurementNotice{NoticeType: typ}
	if !closes.IsZero() {
		n.ClosesAt = timestamppb.New(closes)
	}
	it.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: n}
	return it
}

func TestNoticesOpenFirst(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC)
	putItem(t, db, "vp", "published", notice("closed-long-ago", "procurement", now.AddDate(0, -2, 0)))
	putItem(t, db, "vp", "published", notice("closed-yesterday", "procurement", now.AddDate(0, 0, -1)))
	putItem(t, db, "vp", "published", notice("closes-now", "investment", now))
	putItem(t, db, "vp", "published", notice("closes-next-week", "procurement", now.AddDate(0, 0, 7)))
	putItem(t, db, "sotp", "published", notice("closes-tomorrow", "project", now.AddDate(0, 0, 1)))
	putItem(t, db, "sotp", "published", notice("no-deadline", "project", time.Time{}))

	l, err := store.Notices(ctx, hubread.NoticeQuery{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range l.Rows {
		s := n.ContentID
		if n.Closed {
			s += " (closed)"
		}
		got = append(got, s)
	}
	want := []string{"closes-tomorrow", "closes-next-week", "no-deadline",
		"closes-now (closed)", "closed-yesterday (closed)", "closed-long-ago (closed)"}
	if !slices.Equal(got, want) {
		t.Errorf("notices:\n got %v\nwant %v", got, want)
	}
	if !l.NextClosing.Equal(now.AddDate(0, 0, 1)) {
		t.Errorf("next closing %v, want tomorrow", l.NextClosing)
	}
	f, err := store.Notices(ctx, hubread.NoticeQuery{Now: now, Status: "open", Type: "procurement"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 1 || f.Rows[0].ContentID != "closes-next-week" {
		t.Errorf("open procurement: %+v", f.Rows)
	}
	if got := counts(f.Statuses); got["open"] != 1 || got["closed"] != 2 {
		t.Errorf("statuses of procurement notices: %v", got)
	}
	if got := counts(f.Types); got["procurement"] != 1 || got["project"] != 2 || got["investment"] != 0 {
		t.Errorf("types of open notices: %v", got)
	}
	// Pages of two in the same order.
	q := hubread.NoticeQuery{Now: now, Limit: 2}
	var paged []string
	for {
		p, err := store.Notices(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Rows {
			paged = append(paged, n.ContentID)
		}
		if p.Next == nil {
			break
		}
		c, err := hubread.ParseCursor(p.Next.String(), hubread.NoticeKeyFields)
		if err != nil {
			t.Fatal(err)
		}
		q.Cursor = &c
	}
	if len(paged) != len(want) {
		t.Errorf("pages %v", paged)
	}
}

func TestQuestionsByTopic(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	for i, q := range []struct{ id, topic string }{{"q1", "Hộ tịch"}, {"q2", "Đất đai"}, {"q3", "Hộ tịch"}} {
		it := item(q.id, time.Date(2026, 1, 1+i, 8, 0, 0, 0, time.UTC), tr("vi", q.id, "Câu hỏi "+q.id))
		it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER, "feedback"
		it.Details = &pb.ContentItem_QuestionAnswer{QuestionAnswer: &pb.QuestionAnswer{Question: "Hỏi " + q.id, Topic: q.topic,
			AskedOn: "2026-01-01", AnsweredOn: "2026-01-05", AnsweredBy: "Sở Tư pháp"}}
		putItem(t, db, "sotp", "published", it)
	}
	l, err := store.Questions(ctx, hubread.QuestionQuery{Topic: "Hộ tịch"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rows) != 2 || l.Rows[0].ContentID != "q3" || l.Rows[0].Question != "Hỏi q3" || l.Rows[0].AnsweredBy != "Sở Tư pháp" {
		t.Errorf("questions on Hộ tịch: %+v", l.Rows)
	}
	if got := counts(l.Topics); got["Hộ tịch"] != 2 || got["Đất đai"] != 1 {
		t.Errorf("topics: %v", got)
	}
}

func TestCurrentSchedules(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	for _, w := range []struct{ tenant, id, week string }{
		{"vp", "tuan-48", "2026-11-23"}, {"vp", "tuan-49", "2026-11-30"}, {"vp", "tuan-50", "2026-12-07"},
		{"sotp", "tuan-47", "2026-11-16"},
	} {
		it := item(w.id, time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), tr("vi", w.id, "Lịch công tác "+w.id))
		it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, "leadership"
		it.Details = &pb.ContentItem_WorkSchedule{WorkSchedule: &pb.WorkSchedule{WeekOf: w.week,
			Entries: []*pb.ScheduleEntry{{Date: w.week, Time: "08:00", Leader: "Chủ tịch", Activity: "Họp " + w.id}}}}
		putItem(t, db, w.tenant, "published", it)
	}
	ss, err := store.CurrentSchedules(ctx, "", time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		got = append(got, s.Tenant+"/"+s.ContentID)
	}
	// The province's first, then the others; next week's is not yet current.
	if want := []string{"vp/tuan-49", "sotp/tuan-47"}; !slices.Equal(got, want) {
		t.Errorf("current schedules %v, want %v", got, want)
	}
	// Each with its engagements, for the section's table.
	if len(ss) > 0 && (len(ss[0].Week.GetEntries()) != 1 || ss[0].Week.GetEntries()[0].GetActivity() != "Họp tuan-49") {
		t.Errorf("schedule %s has entries %v", ss[0].ContentID, ss[0].Week.GetEntries())
	}
}

func TestAdverts(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC)
	if as, err := store.Adverts(ctx, now); err != nil || len(as) != 0 {
		t.Fatalf("adverts by default: %v, %v; want none", as, err)
	}
	exec(t, db, `INSERT INTO advertisements (advertiser, label, url, starts_at, ends_at) VALUES
		('Công ty A', 'Du lịch biển Nha Trang', 'https://a.example.vn', $1, $2),
		('Công ty B', 'Hết hạn', 'https://b.example.vn', $3, $1),
		('Công ty C', 'Đã gỡ', 'https://c.example.vn', $1, $2)`, now.Add(-time.Hour), now.Add(time.Hour), now.Add(-2*time.Hour))
	exec(t, db, `UPDATE advertisements SET ends_at = starts_at + interval '1 second' WHERE advertiser = 'Công ty C'`) // ended
	if as, _ := store.Adverts(ctx, now); len(as) != 0 {
		t.Errorf("adverts while the slot is off: %+v", as)
	}
	exec(t, db, `UPDATE portal_settings SET adverts_enabled = true`)
	as, err := store.Adverts(ctx, now)
	if err != nil || len(as) != 1 || as[0].Advertiser != "Công ty A" {
		t.Errorf("adverts: %+v, %v", as, err)
	}
	if as, _ := store.Adverts(ctx, now.Add(-3*time.Hour)); len(as) != 3 || as[2].Advertiser != "Công ty B" {
		t.Errorf("adverts still to come: %+v, want all three, B (the earliest start) last", as)
	}
	if as, _ := store.Adverts(ctx, now.Add(time.Hour)); len(as) != 0 {
		t.Errorf("adverts after their period: %+v", as)
	}
}
