package portal_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

// seedScanned adds directory entries of two agencies and links of every
// scope.
func seedScanned(t *testing.T, e *env) {
	t.Helper()
	for _, d := range []struct{ id, title, agency, url, email string }{
		{"dm-so", "Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "https://sokhcn.khanhhoa.gov.vn", "sokhcn@khanhhoa.gov.vn"},
		{"dm-ubnd", "Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh", "https://khanhhoa.gov.vn", "vp@khanhhoa.gov.vn"},
		{"dm-ban", "Ban Quản lý Khu kinh tế", "Sở, ban, ngành", "https://kkt.khanhhoa.gov.vn", ""},
	} {
		it := kindItem(d.id, "directory", pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY, tr("vi", d.id, d.title, "", ""))
		it.Details = &pb.ContentItem_DirectoryEntry{DirectoryEntry: &pb.DirectoryEntry{Url: d.url, Agency: d.agency, Email: d.email, Phone: "0258 1"}}
		tenant := "ubnd"
		if d.id == "dm-so" {
			tenant = "sokhcn"
		}
		e.put(t, tenant, it)
	}
	for _, l := range []struct {
		id, title, url string
		scope          pb.LinkScope
	}{
		{"lk-cp", "Cổng Thông tin điện tử Chính phủ", "https://chinhphu.vn", pb.LinkScope_LINK_SCOPE_CENTRAL},
		{"lk-dvc", "Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn", pb.LinkScope_LINK_SCOPE_CENTRAL},
		{"lk-dl", "Cổng thông tin tỉnh Đắk Lắk", "https://daklak.gov.vn", pb.LinkScope_LINK_SCOPE_LOCAL},
	} {
		it := kindItem(l.id, "links", pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK, tr("vi", l.id, l.title, "", ""))
		it.Details = &pb.ContentItem_ExternalLink{ExternalLink: &pb.ExternalLink{Url: l.url, Scope: l.scope}}
		e.put(t, "ubnd", it)
	}
}

func TestKindSections(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) {
		c.Now = func() time.Time { return t0 } // Tuesday 1 July 2025
	})
	e.exec(t, `UPDATE portal_settings SET adverts_enabled = true`) // hubctl adverts enable
	seedKinds(t, e)
	seedScanned(t, e)
	report := kindItem("bao-cao-6-thang", "statistics", pb.ContentKind_CONTENT_KIND_ARTICLE,
		tr("vi", "bao-cao-du-lich-6-thang", "Báo cáo du lịch 6 tháng", "", "<p>Số liệu.</p>"))
	e.put(t, "sokhcn", report)

	t.Run("organisation tree", func(t *testing.T) {
		res, doc := e.get(t, "/en/organisation/")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "en")
		if got := oneH1(t, doc); got != "Organisation" && got == "" {
			t.Errorf("h1 = %q", got)
		}
		root := doc.Find("ul.org-tree > li")
		if root.Length() != 1 || strings.TrimSpace(root.Children().First().Text()) != "Provincial People's Committee" {
			t.Fatalf("roots = %v", texts(doc, "ul.org-tree > li > a"))
		}
		if got := texts(doc, "ul.org-tree > li > ul > li > a"); len(got) != 1 || got[0] != "Department of Science and Technology" {
			t.Errorf("below the committee = %v", got)
		}
		if got := attr(doc, "ul.org-tree > li > ul > li > ul > li > a", "href"); got != "/en/sokhcn/phong-quan-ly-khoa-hoc" {
			t.Errorf("third level = %q", got)
		}
		// A sub-portal's own units, with the unit they belong to.
		_, doc = e.get(t, "/vi/sokhcn/co-cau-to-chuc/")
		if got := texts(doc, "ul.org-tree > li > a"); len(got) != 1 || got[0] != "Sở Khoa học và Công nghệ" {
			t.Errorf("sub-portal roots = %v", got)
		}
		if got := texts(doc, "ul.org-tree > li > ul > li > a"); len(got) != 1 || got[0] != "Phòng Quản lý khoa học" {
			t.Errorf("sub-portal's second level = %v", got)
		}
		if got := text(doc, "ul.org-tree > li > .meta"); got != "(trực thuộc Ủy ban nhân dân tỉnh)" {
			t.Errorf("belongs to = %q", got)
		}
	})

	t.Run("directory", func(t *testing.T) {
		res, doc := e.get(t, "/vi/danh-ba/")
		wantStatus(t, res, 200)
		if got := texts(doc, "table.link-table caption"); strings.Join(got, "|") != "UBND tỉnh Khánh Hòa|Sở Khoa học và Công nghệ" {
			t.Errorf("groups = %v, want by sub-portal, the province first", got)
		}
		if got := texts(doc, "table.link-table:first-of-type tbody th a"); strings.Join(got, "|") != "Ban Quản lý Khu kinh tế|Văn phòng UBND tỉnh" {
			t.Errorf("first group = %v", got)
		}
		if got := texts(doc, `table.link-table a[href^="https://"]`); len(got) == 0 || got[0] != "kkt.khanhhoa.gov.vn" {
			t.Errorf("websites = %v, want without the scheme", got)
		}
		if got := text(doc, "table.link-table:first-of-type tbody th .meta"); got != "Sở, ban, ngành" {
			t.Errorf("agency = %q", got)
		}
		if got := attr(doc, `table.link-table a[href^="mailto:"]`, "href"); got != "mailto:vp@khanhhoa.gov.vn" {
			t.Errorf("e-mail = %q", got)
		}
		if doc.Find(`table.link-table thead th[scope=col]`).Length() != 8 {
			t.Error("the tables' columns have no headers")
		}
	})

	t.Run("links", func(t *testing.T) {
		res, doc := e.get(t, "/en/links/")
		wantStatus(t, res, 200)
		if got := texts(doc, "table.link-table caption"); strings.Join(got, "|") != "Central government|Local government|The province's sub-portals" {
			t.Errorf("groups = %v", got)
		}
		if got := texts(doc, "table.link-table:first-of-type tbody th a"); strings.Join(got, "|") != "Cổng Dịch vụ công quốc gia|Cổng Thông tin điện tử Chính phủ" {
			t.Errorf("central = %v", got)
		}
		if got := attr(doc, `a:contains("Chính phủ")`, "href"); got != "https://chinhphu.vn" {
			t.Errorf("the Government portal's link = %q", got)
		}
		portals := texts(doc, "table.link-table:last-of-type tbody th a")
		if !contains(portals, "Department of Science and Technology") || !contains(portals, "Khanh Hoa Provincial People's Committee") {
			t.Errorf("sub-portals = %v", portals)
		}
	})

	t.Run("statistics", func(t *testing.T) {
		res, doc := e.get(t, "/vi/du-lieu-thong-ke/")
		wantStatus(t, res, 200)
		if got := text(doc, "table.dataset-list tbody th a"); got != "Lượt khách du lịch" {
			t.Errorf("dataset = %q", got)
		}
		if got := texts(doc, "#reports-heading + ol.items h3"); len(got) != 1 || got[0] != "Báo cáo du lịch 6 tháng" {
			t.Errorf("articles of the section = %v", got)
		}
		if got := attr(doc, `table.dataset-list a[type="application/ld+json"]`, "href"); got != "/api/v1/catalog/sokhcn/khach-du-lich" {
			t.Errorf("DCAT = %q", got)
		}
		if got := attr(doc, "table.dataset-list a[download]", "href"); !strings.HasPrefix(got, "/files/sokhcn/khach-du-lich/") {
			t.Errorf("CSV = %q", got)
		}
	})

	t.Run("questions by topic", func(t *testing.T) {
		res, doc := e.get(t, "/vi/hoi-dap-gop-y/")
		wantStatus(t, res, 200)
		if got := text(doc, "ol.questions .question-text"); got != "Tôi đăng ký khai sinh cho con ở đâu?" {
			t.Errorf("question = %q", got)
		}
		if got := texts(doc, ".facet li"); strings.Join(got, "|") != "Hộ tịch (1)" {
			t.Errorf("topics = %v", got)
		}
		_, doc = e.get(t, "/vi/hoi-dap-gop-y/?topic=H%E1%BB%99+t%E1%BB%8Bch")
		if doc.Find("ol.questions li").Length() != 1 || attr(doc, ".facet li.chosen a", "aria-current") != "true" {
			t.Error("the chosen topic's questions are not listed")
		}
		res, doc = e.get(t, "/vi/hoi-dap-gop-y/?topic=Kh%C3%B4ng+c%C3%B3")
		wantStatus(t, res, http.StatusBadRequest)
		if text(doc, "#problem p") == "" || doc.Find("ol.questions").Length() != 0 {
			t.Error("an unknown topic is no inline error")
		}
		// A topic PostgreSQL cannot hold is unknown too, not a 500.
		for _, q := range []string{"%00", "a%00b", "%FF%FE"} {
			res, _ = e.get(t, "/vi/hoi-dap-gop-y/?topic="+q)
			wantStatus(t, res, http.StatusBadRequest)
		}
	})

	t.Run("leadership: this week's schedule", func(t *testing.T) {
		res, doc := e.get(t, "/vi/hoat-dong-lanh-dao/")
		wantStatus(t, res, 200)
		if got := text(doc, ".schedule h2 a"); got != "Lịch công tác tuần 27" {
			t.Errorf("schedule = %q", got)
		}
		if doc.Find("table.schedule-table tr.day").Length() != 6 || doc.Find(".schedule .notice").Length() != 0 {
			t.Error("this week's schedule is not shown by day")
		}
		if got := attr(doc, ".week-nav a[rel=prev]", "href"); got != "/vi/hoat-dong-lanh-dao/?week=2025-06-23" {
			t.Errorf("previous week = %q", got)
		}
		if got := texts(doc, ".leadership-news ol.items h3"); !contains(got, "Lịch công tác tuần 27") {
			t.Errorf("activities = %v", got)
		}
		// The week before: the latest published then (none).
		res, doc = e.get(t, "/vi/hoat-dong-lanh-dao/?week=2025-06-23")
		wantStatus(t, res, 200)
		if doc.Find("table.schedule-table").Length() != 0 || text(doc, ".schedule p") != "Chưa có lịch công tác của tuần này." {
			t.Errorf("an unpublished week shows %q", text(doc, ".schedule"))
		}
		if got := attr(doc, ".week-nav a[rel=next]", "href"); got != "/vi/hoat-dong-lanh-dao/?week=2025-06-30" {
			t.Errorf("next week = %q", got)
		}
		// The week after: this week's schedule, marked as the latest, and
		// no link further on (a week still to come links to none).
		_, doc = e.get(t, "/vi/ubnd/hoat-dong-lanh-dao/?week=2025-07-07")
		if doc.Find(".schedule .notice").Length() != 1 {
			t.Error("a later week shows an earlier schedule without saying so")
		}
		if doc.Find(".week-nav a[rel=next]").Length() != 0 {
			t.Error("a link two weeks ahead")
		}
		res, doc = e.get(t, "/vi/hoat-dong-lanh-dao/?week=2025-07-02")
		wantStatus(t, res, http.StatusBadRequest)
		if !strings.Contains(text(doc, "#problem p"), "thứ Hai") {
			t.Errorf("a Wednesday's problem = %q", text(doc, "#problem"))
		}
	})

	t.Run("standing pages and adverts", func(t *testing.T) {
		_, doc := e.get(t, "/en/introduction/")
		if got := text(doc, "ul.standing-pages h2 a"); got != "Giới thiệu chung" {
			t.Errorf("introduction = %q", got)
		}
		_, doc = e.get(t, "/vi/tin-noi-bat/")
		if doc.Find("aside.adverts").Length() != 0 {
			t.Error("an advertising slot without advertisements")
		}
		e.exec(t, `INSERT INTO advertisements (advertiser, label, url, starts_at, ends_at) VALUES
			('Công ty A', 'Khu du lịch B giảm giá', 'https://b.example', $1, $2)`, t0.Add(-time.Hour), t0.Add(time.Hour))
		e.tenantsChanged(t) // the registry's refresh
		e.cache.Clear()
		_, doc = e.get(t, "/vi/tin-noi-bat/")
		if got := text(doc, "aside.adverts .advert-label"); got != "Quảng cáo" {
			t.Errorf("advert label = %q", got)
		}
		if got := attr(doc, "aside.adverts a", "rel"); got != "sponsored noopener" {
			t.Errorf("advert rel = %q", got)
		}
	})
}

// The advertising slot is off until the hub's operators turn it on
// (portal_settings); the advertisements come with the registry, never with
// a page's queries.
func TestAdvertsOffByDefault(t *testing.T) {
	e := newEnv(t)
	seedKinds(t, e)
	e.exec(t, `INSERT INTO advertisements (advertiser, label, url, image_url, starts_at, ends_at) VALUES
		('Công ty A', 'Khu du lịch B', 'https://b.example', 'https://b.example/a.png', now() - interval '1 hour', now() + interval '1 hour')`)
	e.tenantsChanged(t)
	_, doc := e.get(t, "/vi/tin-noi-bat/")
	if doc.Find("aside.adverts").Length() != 0 {
		t.Error("advertising shown though the slot is off")
	}
	e.exec(t, `UPDATE portal_settings SET adverts_enabled = true`)
	e.tenantsChanged(t) // the registry's refresh marks the pages with the slot out of date
	e.clock.Advance(2 * time.Second)
	testenv.WaitFor(t, 5*time.Second, func() error {
		e.queries.take()
		_, doc = e.get(t, "/vi/tin-noi-bat/")
		for _, q := range e.queries.take() {
			if strings.Contains(q.sql, "advertisements") {
				t.Fatal("a page asked the store for advertisements")
			}
		}
		if doc.Find("aside.adverts li").Length() != 1 {
			return errors.New("no advertisement once the slot is on")
		}
		return nil
	})
	if got := attr(doc, "aside.adverts img", "src"); got != "https://b.example/a.png" {
		t.Errorf("advert image %q", got)
	}
}

// The leadership section of this week is dropped from the cache when the
// week ends: next Monday it shows that week (whose schedule is not
// published), without any event.
func TestScheduleWeekExpires(t *testing.T) {
	e := newClockedEnv(t, t0.Add(5*24*time.Hour+15*time.Hour+27*time.Minute)) // Sunday 6 July 2025, 23:57 in Vietnam
	seedKinds(t, e)
	_, doc := e.get(t, "/vi/hoat-dong-lanh-dao/")
	if got := text(doc, ".schedule .meta"); got != "Tuần từ 30/06/2025 đến 06/07/2025" {
		t.Fatalf("week = %q", got)
	}
	e.queries.take()
	e.clock.Advance(2 * time.Minute) // 23:59
	e.get(t, "/vi/hoat-dong-lanh-dao/")
	if n := len(e.queries.take()); n != 0 {
		t.Errorf("%d queries within the week, want the cached page", n)
	}
	e.clock.Advance(2 * time.Minute) // Monday 7 July, 00:01: within the cache's age, past the week
	_, doc = e.get(t, "/vi/hoat-dong-lanh-dao/")
	if doc.Find(".schedule .notice").Length() != 1 {
		t.Errorf("after the week's end: %q, want last week's schedule marked as the latest", text(doc, ".schedule"))
	}
}

// An advertisement leaves the highlights page when its period ends, with
// no event to announce it.
func TestAdvertExpires(t *testing.T) {
	var e *env
	e = newEnvWith(t, func(c *portal.Config) { c.Now = func() time.Time { return e.clock.Now() } })
	e.clock.Set(t0)
	e.exec(t, `UPDATE portal_settings SET adverts_enabled = true`)
	e.exec(t, `INSERT INTO advertisements (advertiser, label, url, starts_at, ends_at) VALUES
		('Công ty A', 'Khu du lịch B', 'https://b.example', $1, $2)`, t0.Add(-time.Hour), t0.Add(2*time.Minute))
	e.tenantsChanged(t)
	_, doc := e.get(t, "/vi/tin-noi-bat/")
	if doc.Find("aside.adverts li").Length() != 1 {
		t.Fatal("no advertisement in its period")
	}
	e.clock.Advance(3 * time.Minute) // within the cache's age, past the advertisement's end
	_, doc = e.get(t, "/vi/tin-noi-bat/")
	if doc.Find("aside.adverts").Length() != 0 {
		t.Error("an advertisement shown after its period")
	}
}
