package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// value is the value of the input (or the text of the textarea, or the
// selected option of the select) with id.
func value(doc *goquery.Document, id string) string {
	s := doc.Find("#" + id)
	switch goquery.NodeName(s) {
	case "textarea":
		return s.Text()
	case "select":
		return s.Find("option[selected]").AttrOr("value", "")
	}
	return s.AttrOr("value", "")
}

// summaryLink is the text of the error summary's link to input id.
func summaryLink(doc *goquery.Document, id string) string {
	return strings.TrimSpace(doc.Find(`.error-summary a[href="#` + id + `"]`).Text())
}

// revision reads the revision a save redirected to.
func (f *fixture) revision(resp *http.Response) editorial.Revision {
	f.t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location(f.t, resp), "/ban-sua/"), 10, 64)
	if err != nil {
		f.t.Fatal(err)
	}
	rev, err := f.ed.Get(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return rev
}

func TestScheduleEditor(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	if _, doc := b.get("/noi-dung/moi"); doc.Find(`a[href="/noi-dung/moi?kind=schedule"]`).Length() != 1 ||
		doc.Find(`a[href="/noi-dung/moi?kind=question"]`).Length() != 1 {
		t.Error("the kind selector does not offer work schedules and questions")
	}
	_, doc := b.get("/noi-dung/moi?kind=schedule")
	if n := doc.Find("#entries tr").Length(); n != blankEntryRows {
		t.Errorf("%d blank entry rows, want %d", n, blankEntryRows)
	}
	if got := value(doc, "category"); got != "leadership" {
		t.Errorf("category %q, want leadership", got)
	}
	if w := value(doc, "sch_week"); len(w) != 10 {
		t.Errorf("week %q: want the next Monday", w)
	}
	if doc.Find(`button[name=op][value=rows]`).Length() != 1 {
		t.Error("no way to more rows without JavaScript")
	}

	form := url.Values{"category": {"leadership"}, "vi_title": {"Lịch công tác tuần 49 của lãnh đạo UBND tỉnh"},
		"vi_body": {"Lịch có thể thay đổi."}, "sch_week": {"2026-11-30"},
		"sch_0_date": {"2026-11-30"}, "sch_0_time": {"7h30"}, "sch_0_leader": {"Chủ tịch UBND tỉnh"}, "sch_0_activity": {"Chào cờ đầu tuần"},
		"sch_1_date": {""}, "sch_1_time": {""}, "sch_1_activity": {""},
		"sch_2_date": {"2026-12-07"}, "sch_2_time": {"14:00"}, "sch_2_activity": {"Họp Ban chỉ đạo"}, "sch_2_location": {"Phòng họp số 1"},
		"sch_3_date": {"2026-12-02"}, "sch_3_leader": {"Phó Chủ tịch Lê Văn Bình"}}

	// More rows: the typed rows (renumbered, the blank one dropped) and
	// more blank ones; nothing stored, no errors yet.
	form.Set("op", "rows")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=schedule", form)
	if resp.StatusCode != http.StatusOK || doc.Find(".error-summary").Length() != 0 {
		t.Fatalf("more rows: %d %q", resp.StatusCode, errorSummary(doc))
	}
	if n := doc.Find("#entries tr").Length(); n != 3+blankEntryRows+moreRows {
		t.Errorf("%d rows after more rows, want 3 typed + %d", n, blankEntryRows+moreRows)
	}
	if value(doc, "sch_1_activity") != "Họp Ban chỉ đạo" || value(doc, "sch_0_time") != "7h30" {
		t.Errorf("rows not kept as typed: %q %q", value(doc, "sch_1_activity"), value(doc, "sch_0_time"))
	}
	if f.revisionCount() != 0 {
		t.Error("more rows stored a revision")
	}

	// Mistakes: each at its input, named with its row, nothing lost.
	form.Set("op", "save")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=schedule", form)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad schedule: %d", resp.StatusCode)
	}
	for id, want := range map[string]string{
		"sch_0_time": "Lịch công tác – dòng 1: Giờ không đúng định dạng", "sch_1_date": "dòng 2: Ngày không đúng định dạng",
		"sch_2_activity": "dòng 3: Thiếu nội dung công việc",
	} {
		if got := summaryLink(doc, id); !strings.Contains(got, want) {
			t.Errorf("summary for #%s = %q, want %q", id, got, want)
		}
		if got, _ := doc.Find("#" + id).Attr("aria-invalid"); got != "true" {
			t.Errorf("#%s not marked invalid", id)
		}
	}
	if value(doc, "sch_0_time") != "7h30" || value(doc, "sch_1_location") != "Phòng họp số 1" || value(doc, "vi_body") != "Lịch có thể thay đổi." {
		t.Error("the typed schedule was not kept")
	}
	if f.revisionCount() != 0 {
		t.Error("a refused schedule was stored")
	}

	form.Set("sch_0_time", "07:30")
	form.Set("sch_2_date", "2026-12-04")
	form.Set("sch_3_activity", "Tiếp công dân định kỳ")
	form.Set("op", "preview")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=schedule", form)
	prev := doc.Find(`section[aria-labelledby="details-preview-title"]`)
	if resp.StatusCode != http.StatusOK || prev.Length() != 1 {
		t.Fatalf("preview: %d %q", resp.StatusCode, errorSummary(doc))
	}
	var days []string
	prev.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) { days = append(days, tr.Find("td").First().Text()) })
	if strings.Join(days, "|") != "Thứ Hai, 30/11/2026|Thứ Tư, 02/12/2026|Thứ Sáu, 04/12/2026" {
		t.Errorf("preview rows by day: %q", days)
	}

	form.Set("op", "save")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=schedule", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %q", resp.StatusCode, errorSummary(doc))
	}
	ws, _ := f.revision(resp).Change.Details.(*pb.WorkSchedule)
	if ws.GetWeekOf() != "2026-11-30" || len(ws.GetEntries()) != 3 || ws.GetEntries()[2].GetLeader() != "Phó Chủ tịch Lê Văn Bình" ||
		ws.GetEntries()[1].GetLocation() != "Phòng họp số 1" {
		t.Errorf("stored schedule %v", ws)
	}
}

func TestLegalEditorRelations(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := storetest.Article("qd-12-2020-quan-ly-du-lich", "Quyết định 12/2020 về quản lý du lịch")
	old.Kind, old.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	old.Details = &pb.LegalDocument{Number: "12/2020/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuedOn: "2020-05-04"}
	if _, err := f.store.Approve(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Approve(ctx, storeArticle("tin-du-lich", "Tin du lịch")); err != nil {
		t.Fatal(err)
	}
	b := f.login("tacgia")
	_, doc := b.get("/noi-dung/moi?kind=legal")
	if doc.Find(`#legal-targets option[value="qd-12-2020-quan-ly-du-lich"]`).Length() != 1 ||
		doc.Find(`#legal-targets option[value="tin-du-lich"]`).Length() != 0 {
		t.Error("the relation targets offer this sub-portal's legal documents, and only them")
	}
	if n := doc.Find("#issuer-codes option").Length(); n != len(issuers) {
		t.Errorf("%d issuer codes offered, want %d", n, len(issuers))
	}
	if doc.Find("#relations tr").Length() != blankRelationRows || doc.Find("#legal_validity").Length() != 0 {
		t.Error("want blank relation rows and no validity to type (the portal computes it)")
	}

	form := url.Values{"category": {"legal"}, "vi_title": {"Quyết định ban hành Quy chế quản lý hoạt động du lịch"}, "op": {"save"},
		"legal_number": {"20/2026/QĐ-UBND"}, "legal_type": {"Quyết định"}, "legal_issuer": {"Ủy ban nhân dân tỉnh Khánh Hòa"},
		"legal_issuer_code": {"ubnd-tinh"}, "legal_signer": {"Trần Văn Hùng"}, "legal_issued": {"2026-10-01"}, "legal_effective": {"2026-10-15"},
		"rel_0_type": {"LEGAL_RELATION_TYPE_REPLACES"}, "rel_0_target": {"qd-12-2020-quan-ly-du-lich"}, "rel_0_number": {"12/2020/QĐ-UBND"},
		"rel_1_type": {"LEGAL_RELATION_TYPE_AMENDS"}, "rel_1_target": {"vp-ubnd/qd-41-2025"}, "rel_1_number": {""},
		"rel_2_type": {"LEGAL_RELATION_TYPE_REPLACES_PART"}, "rel_2_target": {""}, "rel_2_number": {"07/2019/QĐ-UBND"},
		"rel_3_type": {"LEGAL_RELATION_TYPE_AMENDS"}, "rel_3_target": {"qd-khong-co"}, "rel_3_number": {""},
		"rel_4_type": {""}, "rel_4_target": {"tin-du-lich"}, "rel_4_number": {""},
		"rel_5_type": {"LEGAL_RELATION_TYPE_AMENDS"}, "rel_5_target": {"VP UBND/qd 41"}, "rel_5_number": {""},
		"rel_6_type": {"LEGAL_RELATION_TYPE_AMENDS"}, "rel_6_target": {""}, "rel_6_number": {""},
	}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=legal", form)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad relations: %d", resp.StatusCode)
	}
	for id, want := range map[string]string{
		"rel_4_type":   "Văn bản liên quan – dòng 5: Thiếu loại quan hệ",
		"rel_5_target": "dòng 6: Mã đơn vị của văn bản liên quan không đúng định dạng",
		"rel_6_target": "dòng 7: Thiếu văn bản liên quan",
	} {
		if got := summaryLink(doc, id); !strings.Contains(got, want) {
			t.Errorf("summary for #%s = %q, want %q", id, got, want)
		}
	}
	if value(doc, "rel_5_target") != "VP UBND/qd 41" || value(doc, "rel_1_target") != "vp-ubnd/qd-41-2025" || value(doc, "rel_2_type") != "LEGAL_RELATION_TYPE_REPLACES_PART" {
		t.Error("the typed relations were not kept")
	}

	// The hub's rules pass: this sub-portal's targets must exist and be
	// legal documents.
	for _, k := range []string{"rel_4_type", "rel_5_target", "rel_6_type"} {
		form.Del(k)
	}
	form.Set("rel_4_type", "LEGAL_RELATION_TYPE_AMENDS")
	form.Set("rel_5_target", "vp-ubnd/qd-41-2025")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=legal", form)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown targets: %d", resp.StatusCode)
	}
	if got := summaryLink(doc, "rel_3_target"); !strings.Contains(got, "dòng 4: Cổng này chưa có văn bản mã “qd-khong-co”") {
		t.Errorf("unknown own target: %q", got)
	}
	if got := summaryLink(doc, "rel_4_target"); !strings.Contains(got, "“tin-du-lich” của cổng này không phải văn bản pháp luật") {
		t.Errorf("target of another kind: %q", got)
	}
	if f.revisionCount() != 0 {
		t.Error("a refused document was stored")
	}

	form.Del("rel_3_type")
	form.Del("rel_3_target")
	form.Del("rel_4_type")
	form.Set("rel_4_target", "")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=legal", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %q", resp.StatusCode, errorSummary(doc))
	}
	rev := f.revision(resp)
	ld, _ := rev.Change.Details.(*pb.LegalDocument)
	rels := ld.GetRelations()
	if len(rels) != 4 || rels[0].GetTarget().GetTenant() != "so-du-lich" || rels[0].GetTarget().GetContentId() != "qd-12-2020-quan-ly-du-lich" ||
		rels[1].GetTarget().GetTenant() != "vp-ubnd" || rels[2].GetTarget() != nil || rels[2].GetTargetNumber() != "07/2019/QĐ-UBND" ||
		rels[2].GetType() != pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART || ld.GetIssuerCode() != "ubnd-tinh" {
		t.Errorf("stored relations %v, issuer code %q", rels, ld.GetIssuerCode())
	}
	// Shown again as typed: this sub-portal's target by its id alone.
	_, doc = b.get("/ban-sua/" + itoa(rev.ID))
	if value(doc, "rel_0_target") != "qd-12-2020-quan-ly-du-lich" || value(doc, "rel_1_target") != "vp-ubnd/qd-41-2025" {
		t.Errorf("targets shown %q, %q", value(doc, "rel_0_target"), value(doc, "rel_1_target"))
	}
}

func TestDatasetChartCheckedAgainstCSV(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	csv := []byte("Tháng,Khách quốc tế,Khách nội địa\n1,420,560\n2,455,595\n")
	form := url.Values{"category": {"statistics"}, "vi_title": {"Lượt khách du lịch theo tháng năm 2026"}, "op": {"save"},
		"data_format": {"CSV"}, "data_licence": {"CC BY 4.0"}, "data_keywords": {"du lịch, lượt khách,  , lưu trú"},
		"data_temporal": {"10 tháng 2026"}, "data_spatial": {"Tỉnh Khánh Hòa"},
		"chart_type": {"line"}, "chart_label": {"Tháng"}, "chart_values": {"Khách quốc tế\r\nKhách Nga\r\n"}, "chart_unit": {"nghìn lượt"}}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=dataset", form, file{"data_file", "luot-khach.csv", csv})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("chart of a missing column: %d", resp.StatusCode)
	}
	if got := summaryLink(doc, "chart_values"); !strings.Contains(got, "không có cột “Khách Nga” (các cột của tệp: Tháng, Khách quốc tế, Khách nội địa)") {
		t.Errorf("summary for the chart's columns = %q", got)
	}
	if value(doc, "chart_values") != "Khách quốc tế\nKhách Nga" || value(doc, "data_temporal") != "10 tháng 2026" {
		t.Errorf("typed chart not kept: %q %q", value(doc, "chart_values"), value(doc, "data_temporal"))
	}
	if f.revisionCount() != 0 {
		t.Error("a refused dataset was stored")
	}

	form.Set("chart_values", "Khách quốc tế\nKhách nội địa")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=dataset", form, file{"data_file", "luot-khach.csv", csv})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(summaryLink(doc, "data_temporal"), "Khoảng thời gian của dữ liệu không đúng định dạng") {
		t.Fatalf("bad period: %d %q", resp.StatusCode, errorSummary(doc))
	}
	form.Set("data_temporal", "2026-01/2026-02")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=dataset", form, file{"data_file", "luot-khach.csv", csv})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dataset: %d %q", resp.StatusCode, errorSummary(doc))
	}
	rev := f.revision(resp)
	ds, _ := rev.Change.Details.(*pb.Dataset)
	if strings.Join(ds.GetKeywords(), "|") != "du lịch|lượt khách|lưu trú" || ds.GetChart().GetType() != "line" ||
		strings.Join(ds.GetChart().GetValueColumns(), "|") != "Khách quốc tế|Khách nội địa" || ds.GetSpatial() != "Tỉnh Khánh Hòa" {
		t.Errorf("stored dataset %v", ds)
	}

	// The form names the file's columns; a later change of the chart is
	// checked against the file the item has.
	path := "/ban-sua/" + itoa(rev.ID)
	_, doc = b.get(path)
	if got := text(doc, "#csv-columns"); !strings.Contains(got, "“Tháng”, “Khách quốc tế”, “Khách nội địa”") {
		t.Errorf("columns hint %q", got)
	}
	form.Set("chart_label", "Năm")
	form.Set("data_sha256", ds.GetDataSha256())
	form.Set("att_0_sha256", ds.GetDataSha256())
	form.Set("att_0_filename", "luot-khach.csv")
	resp, doc = b.postMultipart(path, form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(summaryLink(doc, "chart_label"), "không có cột “Năm”") {
		t.Errorf("label column missing from the stored file: %d %q", resp.StatusCode, errorSummary(doc))
	}
}

func TestOrganisationUnitFields(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	form := url.Values{"category": {"organisation"}, "vi_title": {"Phòng Quản lý lữ hành"}, "op": {"save"},
		"org_address": {"01 Trần Hưng Đạo, Nha Trang"}, "org_address_en": {"01 Tran Hung Dao Street, Nha Trang"},
		"org_address_ru": {"ул. Чан Хынг Дао, 1, Нячанг"}, "org_phone": {"0258 3822 753"}, "org_fax": {"0258 3822 754"},
		"org_email": {"lu-hanh@example.gov.vn"}, "org_website": {"ftp://sodulich.example.gov.vn"}, "org_parent": {"phong-khong-co"},
		"official_0_name": {"Lê Thị Thu"}, "official_0_position": {"Trưởng phòng"}, "official_0_position_en": {"Head of Division"},
		"official_0_position_ru": {"Начальник отдела"}, "official_0_unit": {"Phòng Quản lý lữ hành"}, "official_0_unit_en": {"Travel Division"},
		"official_0_unit_ru": {"Отдел туроператоров"}, "official_0_phone": {"0258 3822 760"}, "official_0_fax": {"0258 3822 754"},
		"official_0_email": {"thu.lt@example.gov.vn"}}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=organisation", form, file{"org_chart_file", "so-do.txt", []byte("không phải ảnh")})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad unit: %d", resp.StatusCode)
	}
	if doc.Find(`.error-summary a[href="#org_chart_file"]`).Length() != 1 {
		t.Errorf("a text file as the chart: %q", errorSummary(doc))
	}
	resp, doc = b.postMultipart("/noi-dung/moi?kind=organisation", form, file{"org_chart_file", "so-do-to-chuc.pdf", pdfData})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad unit: %d", resp.StatusCode)
	}
	if !strings.Contains(summaryLink(doc, "org_website"), "URL") || !strings.Contains(summaryLink(doc, "org_parent"), "Cổng này chưa có đơn vị mã “phong-khong-co”") {
		t.Errorf("website and parent: %q", errorSummary(doc))
	}
	if value(doc, "official_0_unit_ru") != "Отдел туроператоров" || value(doc, "org_address_ru") != "ул. Чан Хынг Дао, 1, Нячанг" {
		t.Error("the typed unit was not kept")
	}

	form.Set("org_website", "https://sodulich.example.gov.vn")
	form.Set("org_parent", "vp-ubnd/ubnd-tinh-khanh-hoa")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=organisation", form, file{"org_chart_file", "so-do-to-chuc.pdf", pdfData})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("unit: %d %q", resp.StatusCode, errorSummary(doc))
	}
	rev := f.revision(resp)
	ou, _ := rev.Change.Details.(*pb.OrganisationUnit)
	o := ou.GetOfficials()[0]
	if ou.GetParent().GetTenant() != "vp-ubnd" || ou.GetFax() != "0258 3822 754" || ou.GetAddressEn() == "" || ou.GetChartSha256() == "" ||
		len(rev.Change.Attachments) != 1 || rev.Change.Attachments[0].GetSha256() != ou.GetChartSha256() ||
		o.GetFax() == "" || o.GetUnit() == "" || o.GetUnitEn() != "Travel Division" || o.GetUnitRu() == "" {
		t.Errorf("stored unit %v, attachments %v", ou, rev.Change.Attachments)
	}
	_, doc = b.get("/ban-sua/" + itoa(rev.ID))
	if value(doc, "org_parent") != "vp-ubnd/ubnd-tinh-khanh-hoa" {
		t.Errorf("parent shown %q", value(doc, "org_parent"))
	}
	if got := doc.Find(`#org_chart option[value="` + ou.GetChartSha256() + `"]`); got.Text() != "so-do-to-chuc.pdf" {
		t.Errorf("the chart is not offered among the attachments: %q", got.Text())
	}
}

func TestServiceAndQuestionFields(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	svc := url.Values{"category": {"public-services"}, "vi_title": {"Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa"}, "op": {"save"},
		"service_code": {"1.004628"}, "service_level": {"2"}, "service_agency": {"Sở Du lịch"},
		"service_url":   {"https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.004628"},
		"service_field": {"Lữ hành"}, "service_handling": {"district"}, "service_time": {"10 ngày làm việc"}, "service_fee": {"3.000.000 đồng/giấy phép"}}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=service", svc)
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`.error-summary a[href="#service_handling"]`).Length() != 1 {
		t.Errorf("a handling level not offered: %d %q", resp.StatusCode, errorSummary(doc))
	}
	svc.Set("service_handling", "province")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=service", svc)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("service: %d %q", resp.StatusCode, errorSummary(doc))
	}
	if ps, _ := f.revision(resp).Change.Details.(*pb.PublicService); ps.GetField() != "Lữ hành" || ps.GetHandlingLevel() != "province" ||
		ps.GetProcessingTime() != "10 ngày làm việc" || ps.GetFee() != "3.000.000 đồng/giấy phép" {
		t.Errorf("stored service %v", ps)
	}

	qa := url.Values{"category": {"feedback"}, "vi_title": {"Đăng ký khai sinh trực tuyến"}, "op": {"save"},
		"vi_body": {"Ông/bà đăng ký trên Cổng dịch vụ công quốc gia."}, "qa_question": {""}, "qa_topic": {"Hộ tịch"},
		"qa_asked": {"2026-11-05"}, "qa_answered": {"2026-11-02"}, "qa_answered_by": {"UBND phường Nha Trang"}}
	resp, doc = b.postMultipart("/noi-dung/moi?kind=question", qa)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(summaryLink(doc, "qa_question"), "Thiếu nội dung câu hỏi") ||
		!strings.Contains(summaryLink(doc, "qa_answered"), "Ngày trả lời") {
		t.Errorf("question: %d %q", resp.StatusCode, errorSummary(doc))
	}
	qa.Set("qa_question", "Tôi muốn đăng ký khai sinh cho con trực tuyến thì làm thế nào?")
	qa.Set("qa_answered", "2026-11-06")
	resp, doc = b.postMultipart("/noi-dung/moi?kind=question", qa)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("question: %d %q", resp.StatusCode, errorSummary(doc))
	}
	if q, _ := f.revision(resp).Change.Details.(*pb.QuestionAnswer); q.GetTopic() != "Hộ tịch" || q.GetAnsweredBy() == "" || q.GetAskedOn() != "2026-11-05" {
		t.Errorf("stored question %v", q)
	}
}

func TestPreviewShowsLegalDetails(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	form := url.Values{"category": {"legal"}, "vi_title": {"Nghị quyết về phí tham quan"}, "op": {"preview"},
		"legal_number": {"05/2099/NQ-HĐND"}, "legal_type": {"Nghị quyết"}, "legal_issuer": {"HĐND tỉnh Khánh Hòa"},
		"legal_issuer_code": {"hdnd-tinh"}, "legal_issued": {"2099-01-05"}, "legal_effective": {"2099-02-01"},
		"rel_0_type": {"LEGAL_RELATION_TYPE_REPLACES"}, "rel_0_target": {""}, "rel_0_number": {"12/2020/NQ-HĐND"}}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=legal", form)
	prev := doc.Find(`section[aria-labelledby="details-preview-title"]`)
	if resp.StatusCode != http.StatusOK || prev.Length() != 1 {
		t.Fatalf("preview: %d %q", resp.StatusCode, errorSummary(doc))
	}
	facts := map[string]string{}
	prev.Find("dt").Each(func(_ int, dt *goquery.Selection) { facts[dt.Text()] = dt.Next().Text() })
	if facts["Hiệu lực hôm nay (theo ngày)"] != "Chưa có hiệu lực" || facts["Mã cơ quan ban hành"] != "Hội đồng nhân dân tỉnh" {
		t.Errorf("preview facts %v", facts)
	}
	if got := prev.Find("tbody td").First().Text(); got != "Thay thế" {
		t.Errorf("relation shown as %q", got)
	}
	if f.revisionCount() != 0 {
		t.Error("preview stored a revision")
	}
}

// The issuer codes offered are the hub's code list.
func TestIssuersAreTheHubs(t *testing.T) {
	hub := storetest.HubIssuers(t)
	if len(hub) != len(issuers) {
		t.Fatalf("%d issuers, the hub has %d", len(issuers), len(hub))
	}
	for i, h := range hub {
		if got := issuers[i]; got.Code != h.Code || got.NameVI != h.NameVI || got.NameEN != h.NameEN {
			t.Errorf("issuer %d = %+v, the hub's %+v", i, got, h)
		}
	}
}
