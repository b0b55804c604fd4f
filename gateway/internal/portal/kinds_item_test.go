package portal_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// seedKinds adds the province's organisation (a People's Committee with a
// department of another tenant below it, and a division below that), a
// dataset with its CSV file and chart, a week's work schedule, a question
// and a standing page with headings.
func seedKinds(t *testing.T, e *env) {
	t.Helper()
	e.tenant(t, "ubnd", "province", "UBND tỉnh Khánh Hòa", "Khanh Hoa Provincial People's Committee", "Народный комитет провинции Кханьхоа")
	e.tenant(t, "sokhcn", "department", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "")
	png := e.blob(t, []byte("\x89PNG\r\n\x1a\n sơ đồ"), "image/png")

	ubnd := kindItem("ubnd-tinh", "organisation", pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT,
		tr("vi", "uy-ban-nhan-dan-tinh", "Ủy ban nhân dân tỉnh", "", "<p>Cơ quan hành chính nhà nước ở địa phương.</p>"),
		tr("en", "peoples-committee", "Provincial People's Committee", "", "<p>The local state administration.</p>"))
	ubnd.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{Address: "01 Trần Phú, Nha Trang"}}
	e.put(t, "ubnd", ubnd)

	so := kindItem("so-khcn", "organisation", pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT,
		tr("vi", "so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "", "<h2>Chức năng</h2><p>Tham mưu.</p><h2>Nhiệm vụ</h2><p>Quản lý.</p>"),
		tr("en", "department-of-science", "Department of Science and Technology", "", "<h2>Functions</h2><p>Advises.</p>"))
	so.Attachments = []*pb.Attachment{{Sha256: png, Filename: "so-do.png", MediaType: "image/png", Title: "Sơ đồ: Giám đốc, hai Phó Giám đốc, bốn phòng"}}
	so.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{
		Address: "04 Phan Chu Trinh, Nha Trang", AddressEn: "04 Phan Chu Trinh Street, Nha Trang", Phone: "0258 3822 000",
		Fax: "0258 3822 001", Email: "sokhcn@khanhhoa.gov.vn", Website: "https://sokhcn.khanhhoa.gov.vn",
		Parent: &pb.ContentRef{Tenant: "ubnd", ContentId: "ubnd-tinh"}, ChartSha256: png,
		Officials: []*pb.Official{{Name: "Lê Văn B", Position: "Giám đốc", PositionEn: "Director", Unit: "Ban Giám đốc",
			Phone: "0258 3822 002", Fax: "0258 3822 003", Email: "lvb@khanhhoa.gov.vn"}}}}
	e.put(t, "sokhcn", so)

	phong := kindItem("phong-qlkh", "organisation", pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT,
		tr("vi", "phong-quan-ly-khoa-hoc", "Phòng Quản lý khoa học", "", ""))
	phong.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{
		Parent: &pb.ContentRef{Tenant: "sokhcn", ContentId: "so-khcn"}}}
	e.put(t, "sokhcn", phong)

	csv := e.blob(t, []byte("Năm;Lượt khách;Doanh thu\n2023;7.100.000;28.500\n2024;9.050.000;36.200,5\n2025;10.200.000;41.000\n"), "text/csv")
	ds := kindItem("khach-du-lich", "statistics", pb.ContentKind_CONTENT_KIND_DATASET,
		tr("vi", "luot-khach-du-lich", "Lượt khách du lịch", "Theo năm", ""),
		tr("en", "tourist-arrivals", "Tourist arrivals", "By year", ""))
	ds.Attachments = []*pb.Attachment{{Sha256: csv, Filename: "khach.csv", MediaType: "text/csv"}}
	ds.Details = &pb.ContentItem_Dataset{Dataset: &pb.Dataset{Format: "CSV", Licence: "CC BY 4.0", DataSha256: csv,
		Temporal: "2023/2025", Spatial: "Tỉnh Khánh Hòa", Keywords: []string{"du lịch", "khách"},
		Chart: &pb.DatasetChart{Type: "bar", LabelColumn: "Năm", ValueColumns: []string{"Lượt khách"}, Unit: "lượt"}}}
	e.put(t, "sokhcn", ds)

	week := kindItem("lich-tuan-27", "leadership", pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE,
		tr("vi", "lich-cong-tac-tuan-27", "Lịch công tác tuần 27", "", ""))
	week.Details = &pb.ContentItem_WorkSchedule{WorkSchedule: &pb.WorkSchedule{WeekOf: "2025-06-30", Entries: []*pb.ScheduleEntry{
		{Date: "2025-07-01", Time: "14:00", Leader: "Chủ tịch UBND tỉnh", Activity: "Họp giao ban", Location: "Phòng họp số 1"},
		{Date: "2025-07-01", Time: "08:00", Leader: "Phó Chủ tịch", Activity: "Làm việc với Sở Khoa học", Participants: "Văn phòng chuẩn bị"},
		{Date: "2025-07-05", Leader: "Chủ tịch UBND tỉnh", Activity: "Dự lễ hội"},
	}}}
	e.put(t, "ubnd", week)

	q := kindItem("hoi-dap-1", "feedback", pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER,
		tr("vi", "dang-ky-khai-sinh", "Đăng ký khai sinh", "", "<p>Ông/bà nộp hồ sơ tại UBND cấp xã.</p>"))
	q.Details = &pb.ContentItem_QuestionAnswer{QuestionAnswer: &pb.QuestionAnswer{Question: "Tôi đăng ký khai sinh cho con ở đâu?",
		Topic: "Hộ tịch", AskedOn: "2025-06-20", AnsweredOn: "2025-06-25", AnsweredBy: "Sở Tư pháp"}}
	e.put(t, "ubnd", q)

	intro := kindItem("vi-tri", "introduction", pb.ContentKind_CONTENT_KIND_PAGE,
		tr("vi", "gioi-thieu-chung", "Giới thiệu chung", "", "<h2>Vị trí địa lý</h2><p>Ven biển.</p><h3>Khí hậu</h3><p>Nắng.</p><h2>Vị trí địa lý</h2><p>Lặp.</p>"))
	e.put(t, "ubnd", intro)
}

func kindItem(id, category string, kind pb.ContentKind, trs ...*pb.Translation) *pb.ContentItem {
	it := article(id, 1, t0, trs...)
	it.Category, it.Kind = category, kind
	return it
}

// row is the text of the details table's cell labelled label.
func row(doc *goquery.Document, label string) string {
	return text(doc, `table.details tr:has(th:contains("`+label+`")) td`)
}

func TestKindItemPages(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) {
		c.Now = func() time.Time { return t0 } // Tuesday 1 July 2025
	})
	seedKinds(t, e)

	t.Run("organisation unit", func(t *testing.T) {
		res, doc := e.get(t, "/en/sokhcn/department-of-science")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "en")
		for label, want := range map[string]string{"Address": "04 Phan Chu Trinh Street, Nha Trang", "Fax": "0258 3822 001",
			"Email": "sokhcn@khanhhoa.gov.vn", "Website": "https://sokhcn.khanhhoa.gov.vn"} {
			if got := row(doc, label); got != want {
				t.Errorf("%s = %q, want %q", label, got, want)
			}
		}
		if got := attr(doc, `table.details a[href^="mailto:"]`, "href"); got != "mailto:sokhcn@khanhhoa.gov.vn" {
			t.Errorf("e-mail link = %q", got)
		}
		img := doc.Find("figure.org-chart img")
		if alt, _ := img.Attr("alt"); alt != "Sơ đồ: Giám đốc, hai Phó Giám đốc, bốn phòng" {
			t.Errorf("chart alt = %q", alt)
		}
		if src, _ := img.Attr("src"); !strings.HasPrefix(src, "/files/sokhcn/so-khcn/") {
			t.Errorf("chart src = %q", src)
		}
		if got := texts(doc, "table.officials tbody tr > *"); strings.Join(got, "|") != "Lê Văn B|Director|Ban Giám đốc|0258 3822 002|0258 3822 003|lvb@khanhhoa.gov.vn" {
			t.Errorf("officials = %v", got)
		}
		if got := attr(doc, `table.officials td[lang="vi"]`, "lang"); got != "vi" {
			t.Error("the untranslated division is not marked Vietnamese")
		}
		if doc.Find(`table.officials thead th[scope="col"]`).Length() != 6 {
			t.Error("the officials' table has no six column headers")
		}
		if got := attr(doc, ".org-family dd a", "href"); got != "/en/ubnd/peoples-committee" {
			t.Errorf("parent link = %q", got)
		}
		if got := texts(doc, ".org-family li a"); len(got) != 1 || got[0] != "Phòng Quản lý khoa học" {
			t.Errorf("children = %v", got)
		}
		if got := attr(doc, ".org-family li a", "lang"); got != "vi" {
			t.Errorf("untranslated child lang = %q", got)
		}
	})

	t.Run("dataset", func(t *testing.T) {
		res, doc := e.get(t, "/vi/sokhcn/luot-khach-du-lich")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "vi")
		if got := texts(doc, "table.data-table thead th"); strings.Join(got, "|") != "Năm|Lượt khách|Doanh thu" {
			t.Errorf("header = %v", got)
		}
		if got := texts(doc, "table.data-table tbody th[scope=row]"); strings.Join(got, "|") != "2023|2024|2025" {
			t.Errorf("row headers = %v", got)
		}
		if doc.Find("table.data-table tbody td.num").Length() != 6 {
			t.Error("figures not marked numeric")
		}
		svg := doc.Find("figure.chart-figure svg[role=img]")
		if svg.Length() != 1 || svg.Find("rect[fill]").Length() < 3 {
			t.Fatalf("no bar chart drawn: %d svg", svg.Length())
		}
		if got := text(doc, "svg title"); got != "Biểu đồ: Lượt khách du lịch" {
			t.Errorf("chart title = %q", got)
		}
		alt := text(doc, "figure.chart-figure figcaption")
		if !strings.Contains(alt, "3 mốc, từ 2023 đến 2025") || !strings.Contains(alt, "thấp nhất 7.100.000 lượt (2023), cao nhất 10.200.000 lượt (2025)") {
			t.Errorf("text alternative = %q", alt)
		}
		if got := attr(doc, ".downloads a[download]", "href"); !strings.HasPrefix(got, "/files/sokhcn/khach-du-lich/") {
			t.Errorf("CSV link = %q", got)
		}
		if got := attr(doc, `.downloads a[type="application/ld+json"]`, "href"); got != "/api/v1/catalog/sokhcn/khach-du-lich" {
			t.Errorf("DCAT link = %q", got)
		}
		if got := row(doc, "Thời kỳ"); got != "2023/2025" {
			t.Errorf("period = %q", got)
		}
		_, doc = e.get(t, "/en/sokhcn/tourist-arrivals")
		if got := texts(doc, "table.data-table tbody tr:nth-child(2) td"); strings.Join(got, "|") != "9.050.000|36.200,5" {
			t.Errorf("cells = %v, want as published", got)
		}
		if alt := text(doc, "figure.chart-figure figcaption"); !strings.Contains(alt, "highest 10,200,000 lượt (2025)") {
			t.Errorf("English text alternative = %q", alt)
		}
	})

	t.Run("work schedule", func(t *testing.T) {
		res, doc := e.get(t, "/vi/ubnd/lich-cong-tac-tuan-27")
		wantStatus(t, res, 200)
		days := texts(doc, "table.schedule-table tr.day th")
		if want := "Thứ Hai, 30/06/2025|Thứ Ba, 01/07/2025|Thứ Tư, 02/07/2025|Thứ Năm, 03/07/2025|Thứ Sáu, 04/07/2025|Thứ Bảy, 05/07/2025"; strings.Join(days, "|") != want {
			t.Errorf("days = %v", days)
		}
		tuesday := doc.Find("table.schedule-table tbody").Eq(1)
		if got := texts(goquery.NewDocumentFromNode(tuesday.Nodes[0]), "tr td:first-child"); strings.Join(got, "|") != "08:00|14:00" {
			t.Errorf("Tuesday's times = %v, want by time", got)
		}
		if got := text(doc, "table.schedule-table tbody:last-of-type tr:nth-child(2) td"); got != "Cả ngày" {
			t.Errorf("an engagement without time = %q", got)
		}
		if got := attr(doc, ".week-nav a[rel=prev]", "href"); got != "/vi/ubnd/hoat-dong-lanh-dao/?week=2025-06-23" {
			t.Errorf("previous week = %q", got)
		}
		if got := attr(doc, ".week-nav a[rel=next]", "href"); got != "/vi/ubnd/hoat-dong-lanh-dao/?week=2025-07-07" {
			t.Errorf("next week = %q", got)
		}
	})

	t.Run("question", func(t *testing.T) {
		res, doc := e.get(t, "/en/ubnd/dang-ky-khai-sinh")
		wantStatus(t, res, 200)
		if got := text(doc, ".question blockquote"); got != "Tôi đăng ký khai sinh cho con ở đâu?" {
			t.Errorf("question = %q", got)
		}
		for label, want := range map[string]string{"Topic": "Hộ tịch", "Asked on": "20 June 2025", "Answered by": "Sở Tư pháp"} {
			if got := row(doc, label); got != want {
				t.Errorf("%s = %q, want %q", label, got, want)
			}
		}
	})

	t.Run("standing page", func(t *testing.T) {
		_, doc := e.get(t, "/vi/ubnd/gioi-thieu-chung")
		links := doc.Find("nav.toc a")
		var hrefs []string
		links.Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); hrefs = append(hrefs, h) })
		if want := "#muc-vi-tri-dia-ly|#muc-khi-hau|#muc-vi-tri-dia-ly-2"; strings.Join(hrefs, "|") != want {
			t.Errorf("contents = %v, want %s", hrefs, want)
		}
		for _, h := range hrefs {
			if doc.Find(".body "+h).Length() != 1 {
				t.Errorf("no heading %s in the body", h)
			}
		}
		if got := texts(doc, "nav.toc > ol > li > ul > li"); len(got) != 1 || got[0] != "Khí hậu" {
			t.Errorf("sub-entries = %v, want the h3 below its h2", got)
		}
		// A unit's page is no standing page.
		_, doc = e.get(t, "/vi/sokhcn/so-khoa-hoc-va-cong-nghe")
		if doc.Find("nav.toc").Length() != 0 {
			t.Error("a unit's page has a table of contents")
		}
	})
}
