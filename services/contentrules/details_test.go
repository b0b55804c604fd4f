package contentrules

import (
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// everyKind admits every kind of content.proto under "news".
var everyKind = func() Categories {
	var kinds []pb.ContentKind
	for k := range detailsField {
		kinds = append(kinds, k)
	}
	return Categories{"news": {Kinds: kinds}}
}()

func schedule() *pb.ContentItem {
	return withKind(pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, func(it *pb.ContentItem) {
		it.Details = &pb.ContentItem_WorkSchedule{WorkSchedule: &pb.WorkSchedule{WeekOf: "2026-11-30", Entries: []*pb.ScheduleEntry{
			{Date: "2026-11-30", Time: "07:30", Leader: "Chủ tịch UBND tỉnh", Activity: "Chào cờ đầu tuần", Location: "Hội trường UBND tỉnh"},
			{Date: "2026-12-06", Leader: "Phó Chủ tịch UBND tỉnh", Activity: "Kiểm tra công trình đường ven biển"},
		}}}
	})
}

func question() *pb.ContentItem {
	return withKind(pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER, func(it *pb.ContentItem) {
		it.Details = &pb.ContentItem_QuestionAnswer{QuestionAnswer: &pb.QuestionAnswer{
			Question: "Tôi muốn đăng ký khai sinh cho con trực tuyến thì làm thế nào?", Topic: "Hộ tịch",
			AskedOn: "2026-11-02", AnsweredOn: "2026-11-05", AnsweredBy: "Sở Tư pháp"}}
	})
}

func legal(set func(*pb.LegalDocument)) *pb.ContentItem {
	return withKind(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, func(it *pb.ContentItem) {
		d := &pb.LegalDocument{Number: "15/2025/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa",
			IssuerCode: "ubnd-tinh", IssuedOn: "2025-03-01", EffectiveOn: "2025-03-15", ExpiresOn: "2030-01-01",
			Relations: []*pb.LegalRelation{
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES, Target: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "qd-12-2020"}},
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, TargetNumber: "07/2019/QĐ-UBND"},
			}}
		set(d)
		it.Details = &pb.ContentItem_LegalDocument{LegalDocument: d}
	})
}

func dataset(set func(*pb.Dataset)) *pb.ContentItem {
	return withKind(pb.ContentKind_CONTENT_KIND_DATASET, func(it *pb.ContentItem) {
		d := &pb.Dataset{Format: "CSV", DataSha256: sha, Keywords: []string{"du lịch"},
			Chart: &pb.DatasetChart{Type: "bar", LabelColumn: "Tháng", ValueColumns: []string{"Khách quốc tế", "Khách nội địa"}, Unit: "lượt khách"}}
		set(d)
		it.Details = &pb.ContentItem_Dataset{Dataset: d}
	})
}

func unit(set func(*pb.OrganisationUnit)) *pb.ContentItem {
	return withKind(pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, func(it *pb.ContentItem) {
		d := &pb.OrganisationUnit{Website: "https://sodulich.khanhhoa.gov.vn", ChartSha256: sha,
			Parent: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "ubnd-tinh"}}
		set(d)
		it.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: d}
	})
}

func TestPrepareValidDetails(t *testing.T) {
	for name, it := range map[string]*pb.ContentItem{
		"work schedule":                  schedule(),
		"question and answer":            question(),
		"legal document with relations":  legal(func(*pb.LegalDocument) {}),
		"dataset with a chart":           dataset(func(*pb.Dataset) {}),
		"organisation unit with parent":  unit(func(*pb.OrganisationUnit) {}),
		"question of 10,000 characters":  withQuestion(strings.Repeat("ơ", MaxQuestion)),
		"schedule entry without a time":  schedule(),
		"legal document effective today": legal(func(d *pb.LegalDocument) { d.EffectiveOn = d.IssuedOn }),
		"dataset of a year":              dataset(func(d *pb.Dataset) { d.Temporal = "2025" }),
		"draft out for comment, no number": legal(func(d *pb.LegalDocument) {
			d.Number = ""
			d.Consultation = &pb.Consultation{OpensOn: "2026-12-01", ClosesOn: "2026-12-01", ReportContentId: "bao-cao-gop-y"}
		}),
		"adopted document naming its draft": legal(func(d *pb.LegalDocument) {
			d.Draft = &pb.ContentRef{Tenant: "so-tu-phap", ContentId: "du-thao-quy-che"}
		}),
		"dataset of months": dataset(func(d *pb.Dataset) { d.Temporal = "2026-01/2026-10" }),
		"dataset of days":   dataset(func(d *pb.Dataset) { d.Temporal = "2026-01-01/2026-01-01" }),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Prepare(it, everyKind); err != nil {
				t.Fatalf("Prepare: %v (violations %+v), want none", err, ViolationsOf(err))
			}
		})
	}
}

func withQuestion(q string) *pb.ContentItem {
	it := question()
	it.GetQuestionAnswer().Question = q
	return it
}

func TestPrepareRefusesDetails(t *testing.T) {
	tests := []struct {
		name          string
		item          *pb.ContentItem
		field, reason string
	}{
		{"schedule without details", withKind(pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, func(*pb.ContentItem) {}),
			"item.work_schedule", ReasonDetailsMismatch},
		{"schedule without a week", func() *pb.ContentItem { it := schedule(); it.GetWorkSchedule().WeekOf = ""; return it }(),
			"item.work_schedule.week_of", ReasonRequired},
		{"schedule week not a Monday", func() *pb.ContentItem { it := schedule(); it.GetWorkSchedule().WeekOf = "2026-12-01"; return it }(),
			"item.work_schedule.week_of", ReasonInvalidFormat},
		{"schedule entry outside its week", func() *pb.ContentItem {
			it := schedule()
			it.GetWorkSchedule().Entries[1].Date = "2026-12-07"
			return it
		}(), "item.work_schedule.entries[1].date", ReasonInvalidFormat},
		{"schedule entry with a bad time", func() *pb.ContentItem { it := schedule(); it.GetWorkSchedule().Entries[0].Time = "7h30"; return it }(),
			"item.work_schedule.entries[0].time", ReasonInvalidFormat},
		{"schedule entry without an activity", func() *pb.ContentItem {
			it := schedule()
			it.GetWorkSchedule().Entries[0].Activity = ""
			return it
		}(), "item.work_schedule.entries[0].activity", ReasonRequired},
		{"schedule of 201 entries", func() *pb.ContentItem {
			it := schedule()
			ws := it.GetWorkSchedule()
			for len(ws.Entries) <= MaxScheduleEntries {
				ws.Entries = append(ws.Entries, &pb.ScheduleEntry{Date: "2026-12-01", Activity: "Họp"})
			}
			return it
		}(), "item.work_schedule.entries", ReasonTooMany},
		{"question and answer without a question", withQuestion(""), "item.question_answer.question", ReasonRequired},
		{"question of 10,001 characters", withQuestion(strings.Repeat("ơ", MaxQuestion+1)), "item.question_answer.question", ReasonTooLong},
		{"answered before asked", func() *pb.ContentItem { it := question(); it.GetQuestionAnswer().AnsweredOn = "2026-11-01"; return it }(),
			"item.question_answer.answered_on", ReasonInvalidFormat},
		{"relation without a type", legal(func(d *pb.LegalDocument) { d.Relations[0].Type = 0 }),
			"item.legal_document.relations[0].type", ReasonRequired},
		{"relation of an undefined type", legal(func(d *pb.LegalDocument) { d.Relations[0].Type = 9 }),
			"item.legal_document.relations[0].type", ReasonInvalidFormat},
		{"relation to nothing", legal(func(d *pb.LegalDocument) { d.Relations[1].TargetNumber = "" }),
			"item.legal_document.relations[1].target", ReasonRequired},
		{"relation to a malformed item", legal(func(d *pb.LegalDocument) { d.Relations[0].Target.ContentId = "Văn bản" }),
			"item.legal_document.relations[0].target.content_id", ReasonInvalidFormat},
		{"51 relations", legal(func(d *pb.LegalDocument) {
			for len(d.Relations) <= MaxLegalRelations {
				d.Relations = append(d.Relations, &pb.LegalRelation{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, TargetNumber: "1/2020/QĐ-UBND"})
			}
		}), "item.legal_document.relations", ReasonTooMany},
		{"document without a number", legal(func(d *pb.LegalDocument) { d.Number = "" }),
			"item.legal_document.number", ReasonRequired},
		{"consultation without a closing day", legal(func(d *pb.LegalDocument) { d.Consultation = &pb.Consultation{OpensOn: "2026-12-01"} }),
			"item.legal_document.consultation.closes_on", ReasonRequired},
		{"consultation closing before it opens", legal(func(d *pb.LegalDocument) {
			d.Consultation = &pb.Consultation{OpensOn: "2026-12-01", ClosesOn: "2026-11-30"}
		}), "item.legal_document.consultation.closes_on", ReasonInvalidFormat},
		{"consultation with a malformed summary", legal(func(d *pb.LegalDocument) {
			d.Consultation = &pb.Consultation{OpensOn: "2026-12-01", ClosesOn: "2026-12-30", ReportContentId: "Báo cáo"}
		}), "item.legal_document.consultation.report_content_id", ReasonInvalidFormat},
		{"draft that is no item", legal(func(d *pb.LegalDocument) { d.Draft = &pb.ContentRef{Tenant: "so-tu-phap"} }),
			"item.legal_document.draft.content_id", ReasonInvalidFormat},
		{"bad issuer code", legal(func(d *pb.LegalDocument) { d.IssuerCode = "UBND tỉnh" }),
			"item.legal_document.issuer_code", ReasonInvalidFormat},
		{"effective before issued", legal(func(d *pb.LegalDocument) { d.EffectiveOn = "2025-02-28" }),
			"item.legal_document.effective_on", ReasonInvalidFormat},
		{"expires when it takes effect", legal(func(d *pb.LegalDocument) { d.ExpiresOn = d.EffectiveOn }),
			"item.legal_document.expires_on", ReasonInvalidFormat},
		{"chart of another type", dataset(func(d *pb.Dataset) { d.Chart.Type = "pie" }), "item.dataset.chart.type", ReasonInvalidFormat},
		{"chart without values", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = nil }), "item.dataset.chart.value_columns", ReasonRequired},
		{"chart of 7 series", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = strings.Split("a b c d e f g", " ") }),
			"item.dataset.chart.value_columns", ReasonTooMany},
		{"chart without labels", dataset(func(d *pb.Dataset) { d.Chart.LabelColumn = "" }), "item.dataset.chart.label_column", ReasonRequired},
		{"chart without data", dataset(func(d *pb.Dataset) { d.DataSha256 = "" }), "item.dataset.data_sha256", ReasonRequired},
		{"chart drawing a column twice", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = []string{"Khách quốc tế", " khách QUỐC TẾ"} }),
			"item.dataset.chart.value_columns[1]", ReasonInvalidFormat},
		{"chart drawing its label column", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = []string{"Tháng"} }),
			"item.dataset.chart.value_columns[0]", ReasonInvalidFormat},
		{"dataset period not ISO 8601", dataset(func(d *pb.Dataset) { d.Temporal = "10 tháng năm 2026" }), "item.dataset.temporal", ReasonInvalidFormat},
		{"dataset period ending before it starts", dataset(func(d *pb.Dataset) { d.Temporal = "2026-10/2026-01" }), "item.dataset.temporal", ReasonInvalidFormat},
		{"dataset period with a bad month", dataset(func(d *pb.Dataset) { d.Temporal = "2026-13" }), "item.dataset.temporal", ReasonInvalidFormat},
		{"dataset with an empty keyword", dataset(func(d *pb.Dataset) { d.Keywords = []string{"du lịch", " "} }), "item.dataset.keywords[1]", ReasonRequired},
		{"dataset of 51 keywords", dataset(func(d *pb.Dataset) {
			d.Keywords = strings.Split(strings.Repeat("k ", MaxKeywords+1), " ")[:MaxKeywords+1]
		}),
			"item.dataset.keywords", ReasonTooMany},
		{"unit website not http", unit(func(d *pb.OrganisationUnit) { d.Website = "ftp://sodulich.khanhhoa.gov.vn" }),
			"item.organisation_unit.website", ReasonInvalidFormat},
		{"unit parent without a tenant", unit(func(d *pb.OrganisationUnit) { d.Parent.Tenant = "" }),
			"item.organisation_unit.parent.tenant", ReasonInvalidFormat},
		{"unit chart not attached", unit(func(d *pb.OrganisationUnit) { d.ChartSha256 = strings.Repeat("1", 64) }),
			"item.organisation_unit.chart_sha256", ReasonDetailsMismatch},
		{"service handled at an unknown level", withKind(pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_PublicService{PublicService: &pb.PublicService{Url: "https://dichvucong.gov.vn", HandlingLevel: "huyện"}}
		}), "item.public_service.handling_level", ReasonInvalidFormat},
		{"notice closing before it opens", withKind(pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: &pb.ProcurementNotice{
				OpensAt: timestamppb.New(mustTime("2026-12-01T08:00:00Z")), ClosesAt: timestamppb.New(mustTime("2026-11-01T08:00:00Z"))}}
		}), "item.procurement_notice.closes_at", ReasonInvalidFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Prepare(tt.item, everyKind)
			if err == nil {
				t.Fatalf("Prepare accepted it; want %s on %s", tt.reason, tt.field)
			}
			vs := ViolationsOf(err)
			if !hasViolation(vs, tt.field, tt.reason) {
				t.Errorf("violations: got %+v, want one with field %q reason %q", vs, tt.field, tt.reason)
			}
			for _, v := range vs {
				if v.Description == "" || v.MessageVI == "" || strings.Contains(v.MessageVI, "item.") {
					t.Errorf("violation %+v: want an English and a Vietnamese text without field paths", v)
				}
			}
		})
	}
}
