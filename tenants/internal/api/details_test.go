package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The API takes every typed detail of content.proto as protojson and keeps
// it as sent: organisation units with parent, chart and addresses,
// officials with fax and division, legal relations and issuer codes,
// public services' field, level, time and fee, datasets' DCAT fields and
// chart, work schedules and questions.
func TestTypedDetailsRoundTrip(t *testing.T) {
	srv, st := newServer(t)
	csv, err := st.PutBlob(t.Context(), "luot-khach.csv", []byte("Tháng,Khách quốc tế,Khách nội địa\n1,420,560\n2,455,595\n"))
	if err != nil {
		t.Fatal(err)
	}
	chart, err := st.PutBlob(t.Context(), "so-do-to-chuc.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id       string
		kind     pb.ContentKind
		category string
		details  proto.Message
		atts     []*pb.Attachment
	}{
		{"so-du-lich", pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, "organisation", &pb.OrganisationUnit{
			Address: "01 Trần Hưng Đạo, Nha Trang", AddressEn: "01 Tran Hung Dao Street, Nha Trang", AddressRu: "ул. Чан Хынг Дао, 1, Нячанг",
			Phone: "0258 3822 753", Fax: "0258 3822 754", Email: "sdl@khanhhoa.gov.vn", Website: "https://sdl.khanhhoa.gov.vn",
			Parent: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "ubnd-tinh-khanh-hoa"}, ChartSha256: chart.SHA256,
			Officials: []*pb.Official{{Name: "Nguyễn Thị Minh", Position: "Giám đốc", PositionEn: "Director", PositionRu: "Директор",
				Phone: "0258 3822 001", Fax: "0258 3822 754", Email: "minh.nt@example.gov.vn",
				Unit: "Ban Giám đốc", UnitEn: "Board of Directors", UnitRu: "Дирекция"}}},
			[]*pb.Attachment{{Sha256: chart.SHA256, Filename: "so-do-to-chuc.pdf"}}},
		{"qd-20-2026", pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal", &pb.LegalDocument{
			Number: "20/2026/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh",
			Signer: "Trần Văn Hùng", IssuedOn: "2026-10-01", EffectiveOn: "2026-10-15", Field: "Du lịch",
			Relations: []*pb.LegalRelation{
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES, Target: &pb.ContentRef{Tenant: "so-du-lich", ContentId: "qd-12-2020"}},
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART, TargetNumber: "07/2019/QĐ-UBND"},
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, Target: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "qd-41-2025"}, TargetNumber: "41/2025/QĐ-UBND"},
			}}, nil},
		{"cap-giay-phep-lu-hanh", pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services", &pb.PublicService{
			Code: "1.004628", Level: 2, Agency: "Sở Du lịch", Url: "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.004628",
			Field: "Lữ hành", HandlingLevel: "province", ProcessingTime: "10 ngày làm việc", Fee: "3.000.000 đồng/giấy phép"}, nil},
		{"luot-khach-theo-thang", pb.ContentKind_CONTENT_KIND_DATASET, "statistics", &pb.Dataset{
			Format: "CSV", Licence: "CC BY 4.0", UpdateFrequency: "hằng tháng", DataSha256: csv.SHA256,
			Keywords: []string{"du lịch", "lượt khách"}, Temporal: "2026-01/2026-02", Spatial: "Tỉnh Khánh Hòa",
			Chart: &pb.DatasetChart{Type: "line", LabelColumn: "Tháng", ValueColumns: []string{"Khách quốc tế", "Khách nội địa"}, Unit: "nghìn lượt"}},
			[]*pb.Attachment{{Sha256: csv.SHA256, Filename: "luot-khach.csv"}}},
		{"lich-cong-tac-tuan-49", pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, "leadership", &pb.WorkSchedule{WeekOf: "2026-11-30",
			Entries: []*pb.ScheduleEntry{{Date: "2026-11-30", Time: "07:30", Leader: "Chủ tịch UBND tỉnh", Activity: "Chào cờ đầu tuần",
				Location: "Hội trường UBND tỉnh", Participants: "Văn phòng UBND tỉnh chuẩn bị"}, {Date: "2026-12-02", Activity: "Làm việc tại cơ quan"}}}, nil},
		{"hoi-dap-khai-sinh", pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER, "feedback", &pb.QuestionAnswer{
			Question: "Đăng ký khai sinh trực tuyến ở đâu?", Topic: "Hộ tịch", AskedOn: "2026-11-02", AnsweredOn: "2026-11-05",
			AnsweredBy: "UBND phường Nha Trang"}, nil},
	} {
		t.Run(c.id, func(t *testing.T) {
			it := &pb.ContentItem{ContentId: c.id, Kind: c.kind, Category: c.category, Attachments: c.atts,
				Translations: []*pb.Translation{{Locale: "vi", Title: "Mục " + c.id, Slug: c.id, BodyHtml: "<p>Nội dung</p>"}}}
			if err := contentrules.SetDetails(it, c.details); err != nil {
				t.Fatal(err)
			}
			if resp, body := postItem(t, srv, it); resp.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", resp.StatusCode, body)
			}
			resp, body := call(t, srv, "GET", "/api/items/"+c.id, "")
			var got struct{ Item json.RawMessage }
			if err := json.Unmarshal(body, &got); resp.StatusCode != http.StatusOK || err != nil {
				t.Fatalf("get: %d %s", resp.StatusCode, body)
			}
			stored := &pb.ContentItem{}
			if err := protojson.Unmarshal(got.Item, stored); err != nil {
				t.Fatal(err)
			}
			if d := contentrules.Details(stored); !proto.Equal(d, c.details) {
				t.Errorf("stored details\n%v\nwant\n%v", d, c.details)
			}
		})
	}
}

// A dataset's chart must name columns its CSV has: the API refuses it with
// the missing column named, and stores nothing.
func TestChartColumnsCheckedAgainstTheCSV(t *testing.T) {
	srv, st := newServer(t)
	csv, err := st.PutBlob(t.Context(), "dan-so.csv", []byte("\ufeffPhường, xã;Dân số;Diện tích (km²)\nNha Trang;98000;12,5\n"))
	if err != nil {
		t.Fatal(err)
	}
	it := &pb.ContentItem{ContentId: "dan-so-theo-phuong", Kind: pb.ContentKind_CONTENT_KIND_DATASET, Category: "statistics",
		Translations: []*pb.Translation{{Locale: "vi", Title: "Dân số theo phường, xã", Slug: "dan-so", BodyHtml: "<p>Số liệu</p>"}},
		Attachments:  []*pb.Attachment{{Sha256: csv.SHA256, Filename: "dan-so.csv"}},
		Details: &pb.ContentItem_Dataset{Dataset: &pb.Dataset{Format: "CSV", DataSha256: csv.SHA256,
			Chart: &pb.DatasetChart{Type: "bar", LabelColumn: "Phường, xã", ValueColumns: []string{"Dân số", "Số hộ"}}}}}
	resp, body := postItem(t, srv, it)
	p := decodeProblem(t, resp, body)
	if resp.StatusCode != http.StatusBadRequest || p.Field != "dataset.chart.value_columns[1]" ||
		!strings.Contains(p.Detail, "“Số hộ”") || !strings.Contains(p.Detail, "Phường, xã, Dân số, Diện tích (km²)") {
		t.Errorf("chart of a missing column: %d %+v, want 400 naming the column and the file's columns", resp.StatusCode, p)
	}
	if resp, _ := call(t, srv, "GET", "/api/items/dan-so-theo-phuong", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the refused dataset was stored: GET %d", resp.StatusCode)
	}
	it.GetDataset().Chart.ValueColumns = []string{"dân số", "Diện tích (km²)"}
	if resp, body := postItem(t, srv, it); resp.StatusCode != http.StatusCreated {
		t.Errorf("chart of the file's columns: %d %s", resp.StatusCode, body)
	}
}

// postItem posts an item as the API takes it, with an author and approver.
func postItem(t *testing.T, srv *httptest.Server, it *pb.ContentItem) (*http.Response, []byte) {
	t.Helper()
	doc, err := protojson.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(doc, &fields); err != nil {
		t.Fatal(err)
	}
	fields["author"] = "Phóng viên Trần Văn An"
	delete(fields, "approver") // the token's account approves
	body, _ := json.Marshal(fields)
	return call(t, srv, "POST", "/api/items", string(body))
}
