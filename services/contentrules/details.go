package contentrules

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Limits of the kinds' details (see content.proto).
const (
	MaxLegalRelations    = 50
	MaxScheduleEntries   = 200
	MaxChartValueColumns = 6
	MaxQuestion          = 10_000
	MaxShortCode         = 100 // issuer_code, target_number, chart unit
	MaxKeywords          = 50
)

var (
	issuerCodeRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	scheduleTimeRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// details checks the details of the item's kind, once kindAndDetails has
// found that they belong to it.
func (c *checker) details(it *pb.ContentItem) {
	switch d := it.GetDetails().(type) {
	case *pb.ContentItem_LegalDocument:
		c.legalDocument("item.legal_document", d.LegalDocument)
	case *pb.ContentItem_PublicService:
		p, ps := "item.public_service", d.PublicService
		c.url(p+".url", ps.GetUrl(), true, true)
		if l := ps.GetLevel(); l != 0 && l != 1 && l != 2 {
			c.format(p+".level", "mức độ dịch vụ công trực tuyến", "1 (partial) or 2 (full)", "1 (một phần) hoặc 2 (toàn trình)")
		}
		if h := ps.GetHandlingLevel(); h != "" && h != "province" && h != "commune" {
			c.format(p+".handling_level", "cấp thực hiện", `"province" or "commune"`, `"province" (cấp tỉnh) hoặc "commune" (cấp xã)`)
		}
	case *pb.ContentItem_ProcurementNotice:
		p, pn := "item.procurement_notice", d.ProcurementNotice
		if t := pn.GetNoticeType(); t != "" && t != "project" && t != "investment" && t != "procurement" {
			c.format(p+".notice_type", "loại thông báo", `"project", "investment" or "procurement"`, `"project", "investment" hoặc "procurement"`)
		}
		if pn.GetValueVnd() < 0 {
			c.format(p+".value_vnd", "giá trị", "zero or more", "không được âm")
		}
		opens, closes := pn.GetOpensAt(), pn.GetClosesAt()
		if opens != nil && opens.CheckValid() != nil {
			c.format(p+".opens_at", "thời điểm mở", "a valid timestamp", "không phải thời điểm hợp lệ")
		}
		if closes != nil && closes.CheckValid() != nil {
			c.format(p+".closes_at", "thời điểm đóng", "a valid timestamp", "không phải thời điểm hợp lệ")
		}
		if opens.IsValid() && closes.IsValid() && !closes.AsTime().After(opens.AsTime()) {
			c.format(p+".closes_at", "thời điểm đóng", "after opens_at", "phải sau thời điểm mở")
		}
	case *pb.ContentItem_Dataset:
		c.dataset("item.dataset", d.Dataset, it.GetAttachments())
	case *pb.ContentItem_OrganisationUnit:
		c.organisationUnit("item.organisation_unit", d.OrganisationUnit, it.GetAttachments())
	case *pb.ContentItem_DirectoryEntry:
		p, de := "item.directory_entry", d.DirectoryEntry
		c.url(p+".url", de.GetUrl(), true, false)
		c.email(p+".email", de.GetEmail())
	case *pb.ContentItem_ExternalLink:
		p, el := "item.external_link", d.ExternalLink
		c.url(p+".url", el.GetUrl(), true, false)
		c.enum(p+".scope", el.GetScope())
	case *pb.ContentItem_WorkSchedule:
		c.workSchedule("item.work_schedule", d.WorkSchedule)
	case *pb.ContentItem_QuestionAnswer:
		p, qa := "item.question_answer", d.QuestionAnswer
		if qa.GetQuestion() == "" {
			c.required(p+".question", "nội dung câu hỏi")
		}
		asked := c.date(p+".asked_on", "ngày hỏi", qa.GetAskedOn())
		answered := c.date(p+".answered_on", "ngày trả lời", qa.GetAnsweredOn())
		if !asked.IsZero() && !answered.IsZero() && answered.Before(asked) {
			c.format(p+".answered_on", "ngày trả lời", "on or after asked_on", "không được trước ngày hỏi")
		}
	}
}

func (c *checker) legalDocument(p string, ld *pb.LegalDocument) {
	if cons := ld.GetConsultation(); cons != nil {
		c.consultation(p+".consultation", cons)
	}
	if d := ld.GetDraft(); d != nil {
		c.ref(p+".draft", "dự thảo đã lấy ý kiến", d)
	}
	// A draft out for comment has no number yet.
	if ld.GetNumber() == "" && ld.GetConsultation() == nil {
		c.required(p+".number", "số, ký hiệu văn bản")
	}
	if ld.GetDocumentType() == "" {
		c.required(p+".document_type", "loại văn bản")
	}
	if ld.GetIssuer() == "" {
		c.required(p+".issuer", "cơ quan ban hành")
	}
	if code := ld.GetIssuerCode(); code != "" && !issuerCodeRE.MatchString(code) {
		c.format(p+".issuer_code", "mã cơ quan ban hành", "[a-z0-9-], starting with a letter or digit", "chỉ gồm a-z, 0-9 và dấu gạch ngang")
	}
	issued := c.date(p+".issued_on", "ngày ban hành", ld.GetIssuedOn())
	effective := c.date(p+".effective_on", "ngày có hiệu lực", ld.GetEffectiveOn())
	expires := c.date(p+".expires_on", "ngày hết hiệu lực", ld.GetExpiresOn())
	if !issued.IsZero() && !effective.IsZero() && effective.Before(issued) {
		c.format(p+".effective_on", "ngày có hiệu lực", "on or after issued_on", "không được trước ngày ban hành")
	}
	if from := firstSet(effective, issued); !from.IsZero() && !expires.IsZero() && !expires.After(from) {
		c.format(p+".expires_on", "ngày hết hiệu lực", "after the date the document takes effect", "phải sau ngày văn bản có hiệu lực")
	}
	c.enum(p+".validity", ld.GetValidity())
	if n := len(ld.GetRelations()); n > MaxLegalRelations {
		c.add(p+".relations", ReasonTooMany, fmt.Sprintf("%d relations, limit %d", n, MaxLegalRelations),
			fmt.Sprintf("Có %d văn bản liên quan, vượt quá giới hạn %d", n, MaxLegalRelations))
	}
	for i, r := range ld.GetRelations() {
		rp := fmt.Sprintf("%s.relations[%d]", p, i)
		if r.GetType() == pb.LegalRelationType_LEGAL_RELATION_TYPE_UNSPECIFIED {
			c.required(rp+".type", "loại quan hệ (thay thế, thay thế một phần, sửa đổi)")
		} else {
			c.enum(rp+".type", r.GetType())
		}
		switch t := r.GetTarget(); {
		case t.GetTenant() != "" || t.GetContentId() != "":
			c.ref(rp+".target", "văn bản liên quan", t)
		case r.GetTargetNumber() == "":
			c.required(rp+".target", "văn bản liên quan (trên cổng) hoặc số, ký hiệu của văn bản đó")
		}
	}
}

// consultation checks a draft's consultation (issue 9 point 8): both days
// given, the closing one not before the opening one, the summary an item's
// content id.
func (c *checker) consultation(p string, cons *pb.Consultation) {
	opens := c.date(p+".opens_on", "ngày bắt đầu lấy ý kiến", cons.GetOpensOn())
	closes := c.date(p+".closes_on", "ngày kết thúc lấy ý kiến", cons.GetClosesOn())
	if cons.GetOpensOn() == "" {
		c.required(p+".opens_on", "ngày bắt đầu lấy ý kiến")
	}
	if cons.GetClosesOn() == "" {
		c.required(p+".closes_on", "ngày kết thúc lấy ý kiến")
	}
	if !opens.IsZero() && !closes.IsZero() && closes.Before(opens) {
		c.format(p+".closes_on", "ngày kết thúc lấy ý kiến", "on or after opens_on", "không được trước ngày bắt đầu lấy ý kiến")
	}
	if id := cons.GetReportContentId(); id != "" && (!contentIDRE.MatchString(id) || len(id) > MaxContentID) {
		c.format(p+".report_content_id", "mã nội dung của báo cáo tổng hợp ý kiến", "a content id ([a-z0-9-], 1..100)", "chỉ gồm a-z, 0-9 và dấu gạch ngang")
	}
}

func (c *checker) dataset(p string, ds *pb.Dataset, atts []*pb.Attachment) {
	c.attached(p+".data_sha256", "tệp dữ liệu", ds.GetDataSha256(), atts)
	if n := len(ds.GetKeywords()); n > MaxKeywords {
		c.add(p+".keywords", ReasonTooMany, fmt.Sprintf("%d keywords, limit %d", n, MaxKeywords),
			fmt.Sprintf("Có %d từ khoá, vượt quá giới hạn %d", n, MaxKeywords))
	}
	for i, k := range ds.GetKeywords() {
		if strings.TrimSpace(k) == "" {
			c.required(fmt.Sprintf("%s.keywords[%d]", p, i), "từ khoá (để trống)")
		}
	}
	if t := ds.GetTemporal(); t != "" && !validTemporal(t) {
		c.format(p+".temporal", "khoảng thời gian của dữ liệu", `an ISO 8601 year, month or date, or an interval of two ("2026-01/2026-10")`,
			`phải là năm, tháng hoặc ngày theo ISO 8601, hoặc hai mốc cách nhau bởi dấu "/" (ví dụ 2026, 2026-10, 2026-01/2026-10), mốc đầu không sau mốc cuối`)
	}
	ch := ds.GetChart()
	if ch == nil {
		return
	}
	if ds.GetDataSha256() == "" {
		c.required(p+".data_sha256", "tệp dữ liệu (CSV) để vẽ biểu đồ")
	}
	if t := ch.GetType(); t != "bar" && t != "line" {
		c.format(p+".chart.type", "kiểu biểu đồ", `"bar" or "line"`, `"bar" (cột) hoặc "line" (đường)`)
	}
	if ch.GetLabelColumn() == "" {
		c.required(p+".chart.label_column", "cột nhãn của biểu đồ")
	}
	switch n := len(ch.GetValueColumns()); {
	case n == 0:
		c.required(p+".chart.value_columns", "cột số liệu của biểu đồ")
	case n > MaxChartValueColumns:
		c.add(p+".chart.value_columns", ReasonTooMany, fmt.Sprintf("%d value columns, limit %d", n, MaxChartValueColumns),
			fmt.Sprintf("Có %d cột số liệu, vượt quá giới hạn %d", n, MaxChartValueColumns))
	}
	seen := map[string]bool{}
	for i, col := range ch.GetValueColumns() {
		vp := fmt.Sprintf("%s.chart.value_columns[%d]", p, i)
		key := columnKey(col)
		switch {
		case key == "":
			c.required(vp, "tên cột số liệu")
		case key == columnKey(ch.GetLabelColumn()):
			c.add(vp, ReasonInvalidFormat, fmt.Sprintf("column %q is the label column", col),
				fmt.Sprintf("Cột “%s” đã là cột nhãn, không vẽ được làm cột số liệu", col))
		case seen[key]:
			c.add(vp, ReasonInvalidFormat, fmt.Sprintf("column %q is listed twice", col),
				fmt.Sprintf("Cột số liệu “%s” được chọn hai lần", col))
		}
		seen[key] = true
	}
}

// validTemporal reports whether s is an ISO 8601 year, month or date
// ("2026", "2026-10", "2026-10-31"), or an interval of two of them whose
// start is not after its end ("2026-01/2026-10").
func validTemporal(s string) bool {
	from, to, interval := strings.Cut(s, "/")
	a, ok := temporalStart(from)
	if !ok || !interval {
		return ok
	}
	b, ok := temporalStart(to)
	return ok && !b.Before(a)
}

func temporalStart(s string) (time.Time, bool) {
	for _, layout := range []string{"2006", "2006-01", time.DateOnly} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func (c *checker) organisationUnit(p string, ou *pb.OrganisationUnit, atts []*pb.Attachment) {
	c.email(p+".email", ou.GetEmail())
	c.url(p+".website", ou.GetWebsite(), false, false)
	if ref := ou.GetParent(); ref.GetTenant() != "" || ref.GetContentId() != "" {
		c.ref(p+".parent", "đơn vị cấp trên", ref)
	}
	c.attached(p+".chart_sha256", "sơ đồ tổ chức", ou.GetChartSha256(), atts)
	if n := len(ou.GetOfficials()); n > MaxOfficials {
		c.add(p+".officials", ReasonTooMany, fmt.Sprintf("%d officials, limit %d", n, MaxOfficials),
			fmt.Sprintf("Có %d cán bộ, vượt quá giới hạn %d", n, MaxOfficials))
	}
	for i, o := range ou.GetOfficials() {
		op := fmt.Sprintf("%s.officials[%d]", p, i)
		if o.GetName() == "" {
			c.required(op+".name", "họ tên cán bộ")
		}
		c.email(op+".email", o.GetEmail())
	}
}

func (c *checker) workSchedule(p string, ws *pb.WorkSchedule) {
	var monday time.Time
	if ws.GetWeekOf() == "" {
		c.required(p+".week_of", "tuần (ngày thứ Hai)")
	} else if monday = c.date(p+".week_of", "tuần (ngày thứ Hai)", ws.GetWeekOf()); !monday.IsZero() && monday.Weekday() != time.Monday {
		c.format(p+".week_of", "tuần", "the Monday of the week", "phải là ngày thứ Hai đầu tuần")
		monday = time.Time{}
	}
	if n := len(ws.GetEntries()); n > MaxScheduleEntries {
		c.add(p+".entries", ReasonTooMany, fmt.Sprintf("%d entries, limit %d", n, MaxScheduleEntries),
			fmt.Sprintf("Có %d mục lịch, vượt quá giới hạn %d", n, MaxScheduleEntries))
	}
	for i, e := range ws.GetEntries() {
		ep := fmt.Sprintf("%s.entries[%d]", p, i)
		if e.GetDate() == "" {
			c.required(ep+".date", "ngày")
		} else if d := c.date(ep+".date", "ngày", e.GetDate()); !d.IsZero() && !monday.IsZero() &&
			(d.Before(monday) || !d.Before(monday.AddDate(0, 0, 7))) {
			c.format(ep+".date", "ngày", "a day of the week week_of begins", "phải là một ngày trong tuần của lịch")
		}
		if t := e.GetTime(); t != "" && !scheduleTimeRE.MatchString(t) {
			c.format(ep+".time", "giờ", `"HH:MM" (24-hour)`, `phải có dạng "HH:MM" (24 giờ)`)
		}
		if e.GetActivity() == "" {
			c.required(ep+".activity", "nội dung công việc")
		}
	}
}

// ref checks the shape of a reference to another item.
func (c *checker) ref(field, labelVI string, r *pb.ContentRef) {
	if !tenantRE.MatchString(r.GetTenant()) {
		c.format(field+".tenant", "mã đơn vị của "+labelVI, "a tenant id ([a-z0-9-], 1..63)", "chỉ gồm a-z, 0-9 và dấu gạch ngang")
	}
	if id := r.GetContentId(); !contentIDRE.MatchString(id) || len(id) > MaxContentID {
		c.format(field+".content_id", "mã nội dung của "+labelVI, "a content id ([a-z0-9-], 1..100)", "chỉ gồm a-z, 0-9 và dấu gạch ngang")
	}
}

// attached checks a SHA-256 that names one of the item's attachments.
func (c *checker) attached(field, labelVI, sha string, atts []*pb.Attachment) {
	switch {
	case sha == "":
	case !sha256RE.MatchString(sha):
		c.format(field, "mã SHA-256 của "+labelVI, "64 lower-case hex digits", "phải gồm 64 chữ số thập lục phân viết thường")
	case !hasAttachment(atts, sha):
		c.add(field, ReasonDetailsMismatch, "the file must also be listed in attachments",
			capitalise(labelVI)+" phải có trong danh sách tệp đính kèm")
	}
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
