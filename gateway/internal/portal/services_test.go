package portal_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func serviceItem(id, title string, d *pb.PublicService) *pb.ContentItem {
	it := article(id, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		tr("vi", id, title, "", "<h2>Trình tự thực hiện</h2><ol><li>Nộp hồ sơ.</li><li>Nhận kết quả.</li></ol>"))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services"
	it.Details = &pb.ContentItem_PublicService{PublicService: d}
	return it
}

func servicesFixture(t *testing.T, e *env) {
	t.Helper()
	e.tenant(t, "so-du-lich", "department", "Sở Du lịch", "Department of Tourism", "Департамент туризма")
	e.tenant(t, "ubnd-cam-ranh", "commune", "UBND phường Cam Ranh", "", "")
	e.put(t, "so-du-lich", serviceItem("lu-hanh", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", &pb.PublicService{
		Code: "1.004623", Level: 2, Agency: "Sở Du lịch", Field: "Du lịch", HandlingLevel: "province",
		ProcessingTime: "10 ngày làm việc", Fee: "3.000.000 đồng/giấy phép", Url: "https://dichvucong.khanhhoa.gov.vn/lu-hanh"}))
	e.put(t, "so-du-lich", serviceItem("huong-dan-vien", "Cấp thẻ hướng dẫn viên du lịch", &pb.PublicService{
		Code: "1.001432", Level: 1, Agency: "Sở Du lịch", Field: "Du lịch", HandlingLevel: "province",
		ProcessingTime: "15 ngày", Fee: "650.000 đồng"}))
	e.put(t, "ubnd-cam-ranh", serviceItem("khai-sinh", "Đăng ký khai sinh", &pb.PublicService{
		Code: "1.001193", Level: 2, Agency: "UBND phường Cam Ranh", Field: "Hộ tịch", HandlingLevel: "commune",
		ProcessingTime: "Trong ngày", Fee: "Không"}))
}

func TestServicesCatalogue(t *testing.T) {
	e := newEnv(t)
	servicesFixture(t, e)
	names := func(doc *goquery.Document) []string { return texts(doc, "table.services tbody th[scope=row] a") }
	res, doc := e.get(t, "/vi/dich-vu-cong/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Vietnamese alphabetical order.
	if got, want := names(doc), []string{"Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "Cấp thẻ hướng dẫn viên du lịch",
		"Đăng ký khai sinh"}; !slices.Equal(got, want) {
		t.Errorf("services = %q, want %q", got, want)
	}
	want := []string{"Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện", "Mức độ", "Nơi thực hiện"}
	if got := texts(doc, "table.services thead th[scope=col]"); !slices.Equal(got, want) {
		t.Errorf("columns = %q", got)
	}
	// Where each is performed: its own address, else the national portal.
	if got := attr(doc, "table.services tbody tr:nth-child(1) a.perform", "href"); got != "https://dichvucong.khanhhoa.gov.vn/lu-hanh" {
		t.Errorf("own address = %q", got)
	}
	if got := attr(doc, "table.services tbody tr:nth-child(2) a.perform", "href"); got != "https://dichvucong.gov.vn" {
		t.Errorf("national portal = %q", got)
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"level=2", []string{"Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "Đăng ký khai sinh"}},
		{"level=2&field=Du lịch", []string{"Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa"}},
		{"agency=Sở Du lịch&handling=province", []string{"Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "Cấp thẻ hướng dẫn viên du lịch"}},
		{"handling=commune", []string{"Đăng ký khai sinh"}},
		{"q=huong dan", []string{"Cấp thẻ hướng dẫn viên du lịch"}},
	} {
		q, _ := url.ParseQuery(tc.query)
		_, doc := e.get(t, "/vi/dich-vu-cong/?"+q.Encode())
		if got := names(doc); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.query, got, tc.want)
		}
	}
	q := url.Values{"level": {"2"}, "field": {"Du lịch"}}
	_, doc = e.get(t, "/vi/dich-vu-cong/?"+q.Encode())
	if got, want := options(doc, "level"), []string{"Tất cả", "Toàn trình (1)*", "Một phần (1)"}; !slices.Equal(got, want) {
		t.Errorf("level options = %q, want %q", got, want)
	}
	if got, want := options(doc, "field"), []string{"Tất cả", "Du lịch (1)*", "Hộ tịch (1)"}; !slices.Equal(got, want) {
		t.Errorf("field options = %q, want %q", got, want)
	}
	// A sub-portal's catalogue.
	_, doc = e.get(t, "/vi/ubnd-cam-ranh/dich-vu-cong/")
	if got := names(doc); !slices.Equal(got, []string{"Đăng ký khai sinh"}) {
		t.Errorf("sub-portal's catalogue = %q", got)
	}
	for _, bad := range []string{"level=3", "handling=district", "page=xyz"} {
		res, doc := e.get(t, "/vi/dich-vu-cong/?"+bad)
		field, _, _ := strings.Cut(bad, "=")
		if res.StatusCode != http.StatusBadRequest || doc.Find(".error-summary a[href='#filter-"+field+"']").Length() != 1 {
			t.Errorf("%s: status %d, summary %q", bad, res.StatusCode, text(doc, ".error-summary"))
		}
		if len(names(doc)) != 3 {
			t.Errorf("%s: the list without the bad filter: %q", bad, names(doc))
		}
	}
}

func TestServicePage(t *testing.T) {
	e := newEnv(t)
	servicesFixture(t, e)
	_, doc := e.get(t, "/vi/so-du-lich/huong-dan-vien")
	facts := map[string]string{}
	doc.Find("table.details tr").Each(func(_ int, tr *goquery.Selection) {
		facts[strings.TrimSpace(tr.Find("th").Text())] = strings.TrimSpace(tr.Find("td").Text())
	})
	for k, want := range map[string]string{"Mã thủ tục": "1.001432", "Lĩnh vực": "Du lịch", "Cơ quan thực hiện": "Sở Du lịch",
		"Mức độ": "Một phần", "Cấp thực hiện": "Cấp tỉnh", "Thời hạn giải quyết": "15 ngày", "Phí, lệ phí": "650.000 đồng"} {
		if facts[k] != want {
			t.Errorf("%s = %q, want %q", k, facts[k], want)
		}
	}
	if got := texts(doc, ".body ol li"); !slices.Equal(got, []string{"Nộp hồ sơ.", "Nhận kết quả."}) {
		t.Errorf("steps = %q", got)
	}
	if got := attr(doc, "a.perform", "href"); got != "https://dichvucong.gov.vn" {
		t.Errorf("perform link = %q", got)
	}
	if got := text(doc, "a.perform"); got != "Thực hiện trên Cổng Dịch vụ công quốc gia" {
		t.Errorf("perform text = %q", got)
	}
	_, doc = e.get(t, "/en/so-du-lich/lu-hanh")
	if got := attr(doc, "a.perform", "href"); got != "https://dichvucong.khanhhoa.gov.vn/lu-hanh" {
		t.Errorf("own perform link = %q", got)
	}
	if got := text(doc, "a.perform"); got != "Apply online" {
		t.Errorf("English perform text = %q", got)
	}
}
