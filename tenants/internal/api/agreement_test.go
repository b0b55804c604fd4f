package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestBackOfficeAPIAndHubAgree runs one table of good and bad items through
// the three places that judge an item: the back office's check
// (editorial.Check, which the editor's form and the save of a draft call),
// the sub-portal API (POST /api/items, through its handler and store) and
// the hub's validation (contentrules.Prepare, as the ingest server calls it),
// all with the hub's category list (from the hub's own migrations; the
// sub-portal keeps the same list). Each must give the same verdict with the
// same reason codes, and the table says which.
func TestBackOfficeAPIAndHubAgree(t *testing.T) {
	srv, st := newServer(t)
	cats := contentrules.CategoriesOf(storetest.HubCategories(t))
	csv, err := st.PutBlob(t.Context(), "so-lieu.csv", []byte("thang,luot\n1,120000\n"))
	if err != nil {
		t.Fatal(err)
	}
	orgChart, err := st.PutBlob(t.Context(), "so-do-to-chuc.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}

	for i, c := range agreementCases(csv.SHA256, orgChart.SHA256) {
		if c.item.GetContentId() == "tin-le-hoi" {
			c.item.ContentId = fmt.Sprintf("tin-%d", i) // each case is an item of its own
		}
		t.Run(c.name, func(t *testing.T) {
			hub := hubVerdict(c.item, cats)
			backOffice := backOfficeVerdict(c.item, cats)
			apiVerdict := apiVerdict(t, srv, c.item)
			if !slices.Equal(hub, c.want) {
				t.Errorf("the hub says %v, the table %v", hub, c.want)
			}
			if backOfficeConverts[c.name] {
				if backOffice != nil {
					t.Errorf("the back office says %v, want the text converted and the item accepted", backOffice)
				}
			} else if !slices.Equal(backOffice, hub) {
				t.Errorf("the back office says %v, the hub %v", backOffice, hub)
			}
			if !slices.Equal(apiVerdict, hub) {
				t.Errorf("the API says %v, the hub %v", apiVerdict, hub)
			}
		})
	}
}

type agreementCase struct {
	name string
	item *pb.ContentItem
	want []string // the reason codes of the refusal; nil when the item is accepted
}

// agreementCases are valid items of each kind, then items each with one
// mistake. dataSHA is a CSV file the sub-portal holds, chartSHA a PDF.
func agreementCases(dataSHA, chartSHA string) []agreementCase {
	article := func(mutate ...func(*pb.ContentItem)) *pb.ContentItem {
		it := &pb.ContentItem{
			ContentId: "tin-le-hoi", Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
			State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
			Translations: []*pb.Translation{
				{Locale: "vi", Title: "Lễ hội biển Nha Trang", Slug: "le-hoi-bien", BodyHtml: "<p>Khai mạc</p>"},
				{Locale: "en", Title: "Nha Trang Sea Festival", Slug: "sea-festival", BodyHtml: "<p>Opening</p>"},
			},
			Authors:     []*pb.Person{{Name: "Phóng viên Trần Văn An"}},
			Approver:    &pb.Person{Name: "Ban biên tập"},
			PublishedAt: timestamppb.New(time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)),
		}
		for _, m := range mutate {
			m(it)
		}
		return it
	}
	of := func(kind pb.ContentKind, category string, details proto.Message) *pb.ContentItem {
		return article(func(it *pb.ContentItem) {
			it.Kind, it.Category = kind, category
			if err := contentrules.SetDetails(it, details); err != nil {
				panic(err)
			}
		})
	}
	sha := strings.Repeat("ab", 32)
	attachments := func(n int) []*pb.Attachment {
		var out []*pb.Attachment
		for i := range n {
			out = append(out, &pb.Attachment{Sha256: strings.Repeat(string(rune('a'+i%6)), 64), Filename: "tep.pdf"})
		}
		return out
	}
	legal := &pb.LegalDocument{Number: "15/2025/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuedOn: "2025-06-30"}
	// Items of the kinds' typed details, fully filled; mutate makes one mistake.
	legalFull := func(mutate ...func(*pb.LegalDocument)) *pb.ContentItem {
		d := &pb.LegalDocument{Number: "20/2026/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa",
			IssuerCode: "ubnd-tinh", Signer: "Trần Văn Hùng", IssuedOn: "2026-10-01", EffectiveOn: "2026-10-15", ExpiresOn: "2031-01-01",
			Field: "Du lịch", Relations: []*pb.LegalRelation{
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES, Target: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "qd-12-2020"}},
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART, TargetNumber: "07/2019/QĐ-UBND"},
				{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, Target: &pb.ContentRef{Tenant: "so-du-lich", ContentId: "qd-3-2024"}, TargetNumber: "03/2024/QĐ-UBND"},
			}}
		for _, m := range mutate {
			m(d)
		}
		return of(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal", d)
	}
	schedule := func(mutate ...func(*pb.WorkSchedule)) *pb.ContentItem {
		d := &pb.WorkSchedule{WeekOf: "2026-11-30", Entries: []*pb.ScheduleEntry{
			{Date: "2026-11-30", Time: "07:30", Leader: "Chủ tịch UBND tỉnh", Activity: "Chào cờ đầu tuần", Location: "Hội trường UBND tỉnh",
				Participants: "Văn phòng UBND tỉnh chuẩn bị"},
			{Date: "2026-12-06", Leader: "Phó Chủ tịch UBND tỉnh", Activity: "Kiểm tra công trình đường ven biển"}}}
		for _, m := range mutate {
			m(d)
		}
		return of(pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, "leadership", d)
	}
	question := func(mutate ...func(*pb.QuestionAnswer)) *pb.ContentItem {
		d := &pb.QuestionAnswer{Question: "Tôi muốn đăng ký khai sinh cho con trực tuyến thì làm thế nào?", Topic: "Hộ tịch",
			AskedOn: "2026-11-02", AnsweredOn: "2026-11-05", AnsweredBy: "UBND phường Nha Trang"}
		for _, m := range mutate {
			m(d)
		}
		return of(pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER, "feedback", d)
	}
	service := func(mutate ...func(*pb.PublicService)) *pb.ContentItem {
		d := &pb.PublicService{Code: "1.004628", Level: 2, Agency: "Sở Du lịch", Url: "https://dichvucong.gov.vn/p/1.004628",
			Field: "Lữ hành", HandlingLevel: "province", ProcessingTime: "10 ngày làm việc", Fee: "3.000.000 đồng/giấy phép"}
		for _, m := range mutate {
			m(d)
		}
		return of(pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services", d)
	}
	dataset := func(mutate ...func(*pb.Dataset)) *pb.ContentItem {
		d := &pb.Dataset{Format: "CSV", Licence: "CC BY 4.0", UpdateFrequency: "hằng tháng", DataSha256: dataSHA,
			Keywords: []string{"du lịch", "lượt khách"}, Temporal: "2026-01/2026-10", Spatial: "Tỉnh Khánh Hòa",
			Chart: &pb.DatasetChart{Type: "bar", LabelColumn: "thang", ValueColumns: []string{"luot"}, Unit: "lượt khách"}}
		for _, m := range mutate {
			m(d)
		}
		return article(func(it *pb.ContentItem) {
			it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_DATASET, "statistics"
			it.Details = &pb.ContentItem_Dataset{Dataset: d}
			it.Attachments = []*pb.Attachment{{Sha256: dataSHA, Filename: "so-lieu.csv"}}
		})
	}
	unit := func(mutate ...func(*pb.OrganisationUnit)) *pb.ContentItem {
		d := &pb.OrganisationUnit{Address: "01 Trần Phú", AddressEn: "01 Tran Phu Street", AddressRu: "ул. Чан Фу, 1",
			Phone: "0258 3822 000", Fax: "0258 3822 001", Email: "vanphong@khanhhoa.gov.vn", Website: "https://khanhhoa.gov.vn",
			Parent: &pb.ContentRef{Tenant: "vp-ubnd", ContentId: "ubnd-tinh-khanh-hoa"}, ChartSha256: chartSHA,
			Officials: []*pb.Official{{Name: "Phạm Thị Dung", Position: "Giám đốc", PositionEn: "Director", PositionRu: "Директор",
				Phone: "0258 3822 002", Fax: "0258 3822 001", Email: "dung.pt@khanhhoa.gov.vn",
				Unit: "Ban Giám đốc", UnitEn: "Board of Directors", UnitRu: "Дирекция"}}}
		for _, m := range mutate {
			m(d)
		}
		return article(func(it *pb.ContentItem) {
			it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, "organisation"
			it.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: d}
			it.Attachments = []*pb.Attachment{{Sha256: chartSHA, Filename: "so-do-to-chuc.pdf"}}
		})
	}

	return []agreementCase{
		{"article", article(), nil},
		{"page", of(pb.ContentKind_CONTENT_KIND_PAGE, "introduction", nil), nil},
		{"legal document", of(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal", legal), nil},
		{"public service", of(pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, "public-services",
			&pb.PublicService{Code: "1.001234", Level: 2, Url: "https://dichvucong.gov.vn/p/1.001234"}), nil},
		{"procurement notice", of(pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, "procurement",
			&pb.ProcurementNotice{NoticeType: "procurement", ValueVnd: 1_250_000_000}), nil},
		{"dataset", article(func(it *pb.ContentItem) {
			it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_DATASET, "statistics"
			it.Details = &pb.ContentItem_Dataset{Dataset: &pb.Dataset{Format: "CSV", DataSha256: dataSHA}}
			it.Attachments = []*pb.Attachment{{Sha256: dataSHA, Filename: "so-lieu.csv"}}
		}), nil},
		{"organisation unit", of(pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, "organisation",
			&pb.OrganisationUnit{Address: "01 Trần Phú", Email: "vanphong@khanhhoa.gov.vn",
				Officials: []*pb.Official{{Name: "Phạm Thị Dung", Position: "Giám đốc", Email: "dung.pt@khanhhoa.gov.vn"}}}), nil},
		{"directory entry", of(pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY, "directory",
			&pb.DirectoryEntry{Url: "https://sotc.khanhhoa.gov.vn", Agency: "Sở Tài chính"}), nil},
		{"external link", of(pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK, "links",
			&pb.ExternalLink{Url: "https://chinhphu.vn", Scope: pb.LinkScope_LINK_SCOPE_CENTRAL}), nil},
		{"work schedule", of(pb.ContentKind_CONTENT_KIND_WORK_SCHEDULE, "leadership",
			&pb.WorkSchedule{WeekOf: "2026-11-23", Entries: []*pb.ScheduleEntry{{Date: "2026-11-24", Time: "08:00",
				Leader: "Chủ tịch UBND tỉnh", Activity: "Họp thường kỳ"}}}), nil},
		{"question and answer", of(pb.ContentKind_CONTENT_KIND_QUESTION_ANSWER, "feedback",
			&pb.QuestionAnswer{Question: "Đăng ký khai sinh ở đâu?", AskedOn: "2026-11-02", AnsweredOn: "2026-11-05"}), nil},

		{"legal document with relations and an issuer code", legalFull(), nil},
		{"work schedule of a week", schedule(), nil},
		{"question with topic, dates and agency", question(), nil},
		{"public service with field, handling level, time and fee", service(), nil},
		{"dataset with DCAT fields and a chart", dataset(), nil},
		{"organisation unit with parent, chart, fax, website and addresses", unit(), nil},

		{"unknown category", article(func(it *pb.ContentItem) { it.Category = "the-thao" }),
			[]string{contentrules.ReasonUnknownCategory}},
		{"legal document under news", of(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "news", legal),
			[]string{contentrules.ReasonKindCategoryMismatch}},
		{"title too long", article(func(it *pb.ContentItem) { it.Translations[0].Title = strings.Repeat("ă", contentrules.MaxTitle+1) }),
			[]string{contentrules.ReasonTooLong}},
		{"bad slug", article(func(it *pb.ContentItem) { it.Translations[1].Slug = "sea_festival!" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"slug of a section, in another language", article(func(it *pb.ContentItem) { it.Translations[0].Slug = "legal-documents" }),
			[]string{contentrules.ReasonSlugReserved}},
		{"bad content id", article(func(it *pb.ContentItem) { it.ContentId = "-tin" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"no Vietnamese", article(func(it *pb.ContentItem) { it.Translations = it.Translations[1:] }),
			[]string{contentrules.ReasonMissingVietnamese}},
		{"unknown locale", article(func(it *pb.ContentItem) {
			it.Translations = append(it.Translations, &pb.Translation{Locale: "fr", Title: "Fête de la mer", Slug: "fete"})
		}), []string{contentrules.ReasonUnknownLocale}},
		{"withdrawn without reason", article(func(it *pb.ContentItem) {
			it.State, it.Unpublishing = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{Reason: "  "}
		}), []string{contentrules.ReasonMissingReason}},
		{"redirected to an item and a URL", article(func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "so-du-lich", ContentId: "tin-moi"},
				SuccessorUrl: "https://khanhhoa.gov.vn/vi/tin-moi"}
		}), []string{contentrules.ReasonInvalidSuccessor}},
		{"redirected to a malformed URL", article(func(it *pb.ContentItem) {
			it.State, it.Unpublishing = pb.PublicationState_PUBLICATION_STATE_REDIRECTED, &pb.Unpublishing{SuccessorUrl: "javascript:alert(1)"}
		}), []string{contentrules.ReasonInvalidSuccessor}},
		{"21 attachments", article(func(it *pb.ContentItem) { it.Attachments = attachments(contentrules.MaxAttachments + 1) }),
			[]string{contentrules.ReasonTooMany}},
		{"bad sha256", article(func(it *pb.ContentItem) {
			it.Attachments = []*pb.Attachment{{Sha256: strings.ToUpper(sha), Filename: "tep.pdf"}}
		}), []string{contentrules.ReasonInvalidFormat}},
		{"relation without a type", legalFull(func(d *pb.LegalDocument) { d.Relations[0].Type = 0 }),
			[]string{contentrules.ReasonRequired}},
		{"relation to nothing", legalFull(func(d *pb.LegalDocument) { d.Relations[1].TargetNumber = "" }),
			[]string{contentrules.ReasonRequired}},
		{"relation to a malformed item", legalFull(func(d *pb.LegalDocument) {
			d.Relations[0].Target = &pb.ContentRef{Tenant: "VP UBND", ContentId: "qd-12-2020"}
		}),
			[]string{contentrules.ReasonInvalidFormat}},
		{"issuer code with spaces", legalFull(func(d *pb.LegalDocument) { d.IssuerCode = "ubnd tinh" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"expiry before effect", legalFull(func(d *pb.LegalDocument) { d.ExpiresOn = "2026-10-01" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"schedule week not a Monday", schedule(func(d *pb.WorkSchedule) { d.WeekOf = "2026-12-01" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"schedule entry outside its week", schedule(func(d *pb.WorkSchedule) { d.Entries[1].Date = "2026-12-07" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"schedule entry at 7h30", schedule(func(d *pb.WorkSchedule) { d.Entries[0].Time = "7h30" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"schedule entry without a date", schedule(func(d *pb.WorkSchedule) { d.Entries[0].Date = "" }),
			[]string{contentrules.ReasonRequired}},
		{"schedule entry without an activity", schedule(func(d *pb.WorkSchedule) { d.Entries[1].Activity = "" }),
			[]string{contentrules.ReasonRequired}},
		{"question without the question", question(func(d *pb.QuestionAnswer) { d.Question = "" }),
			[]string{contentrules.ReasonRequired}},
		{"answered before asked", question(func(d *pb.QuestionAnswer) { d.AnsweredOn = "2026-11-01" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"service handled at district level", service(func(d *pb.PublicService) { d.HandlingLevel = "district" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"service at online level 4", service(func(d *pb.PublicService) { d.Level = 4 }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"chart of another type", dataset(func(d *pb.Dataset) { d.Chart.Type = "pie" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"chart drawing its label column", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = []string{"Thang"} }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"chart without value columns", dataset(func(d *pb.Dataset) { d.Chart.ValueColumns = nil }),
			[]string{contentrules.ReasonRequired}},
		{"dataset period in words", dataset(func(d *pb.Dataset) { d.Temporal = "10 tháng năm 2026" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"dataset with an empty keyword", dataset(func(d *pb.Dataset) { d.Keywords = []string{"du lịch", ""} }),
			[]string{contentrules.ReasonRequired}},
		{"unit website by FTP", unit(func(d *pb.OrganisationUnit) { d.Website = "ftp://khanhhoa.gov.vn" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"unit parent without its tenant", unit(func(d *pb.OrganisationUnit) { d.Parent.Tenant = "" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"unit chart not attached", unit(func(d *pb.OrganisationUnit) { d.ChartSha256 = dataSHA }),
			[]string{contentrules.ReasonDetailsMismatch}},
		{"official with a malformed e-mail", unit(func(d *pb.OrganisationUnit) { d.Officials[0].Email = "dung.pt@" }),
			[]string{contentrules.ReasonInvalidFormat}},
		{"details of another kind", article(func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_LegalDocument{LegalDocument: legal}
		}), []string{contentrules.ReasonDetailsMismatch}},
		{"broken Vietnamese title", article(func(it *pb.ContentItem) {
			it.Translations[0].Title = "Th«ng bao khan cÊp vÒ b·o sè 5 ¬ ¬¬ ¸¸"
		}),
			[]string{contentrules.ReasonLegacyEncoding}},
		// The back office converts legacy text as it is typed (the editor
		// sees a notice); the API and the hub, which convert nothing, refuse.
		{"title in TCVN3", article(func(it *pb.ContentItem) { it.Translations[0].Title = "Th«ng b¸o vÒ viÖc x©y dùng c¶ng" }),
			[]string{contentrules.ReasonLegacyEncoding}},
		{"summary as UTF-8 read as Windows-1252", article(func(it *pb.ContentItem) { it.Translations[0].Summary = "Quyáº¿t Ä‘á»‹nh sá»‘ 15" }),
			[]string{contentrules.ReasonLegacyEncoding}},
	}
}

// backOfficeConverts names the cases whose text the back office converts
// to Unicode (accepting the item) where the API and the hub refuse it.
var backOfficeConverts = map[string]bool{"title in TCVN3": true, "summary as UTF-8 read as Windows-1252": true}

// hubVerdict is what the hub's ingest server decides: Prepare on the item as
// the sub-portal pushes it (with its first version).
func hubVerdict(item *pb.ContentItem, cats contentrules.Categories) []string {
	pushed := proto.Clone(item).(*pb.ContentItem)
	pushed.Version = 1
	_, err := contentrules.Prepare(pushed, cats)
	return reasons(contentrules.ViolationsOf(err), func(v contentrules.Violation) string { return v.Reason })
}

// backOfficeVerdict is what the back office decides: editorial.Check on the
// item as the editor's change (what the form's check and the save call).
func backOfficeVerdict(item *pb.ContentItem, cats contentrules.Categories) []string {
	e := errs.As(editorial.Check(editorial.ChangeFromItem(item), nil, cats))
	if e == nil {
		return nil
	}
	return reasons(e.All(), func(v errs.Violation) string { return v.Reason })
}

// apiVerdict is what POST /api/items answers: 201 (nil), or the reasons of
// its problem document.
func apiVerdict(t *testing.T, srv *httptest.Server, item *pb.ContentItem) []string {
	t.Helper()
	resp, out := postItem(t, srv, item)
	if resp.StatusCode == http.StatusCreated {
		return nil
	}
	var p struct {
		Reason     string
		Violations []struct{ Reason string }
	}
	if err := json.Unmarshal(out, &p); err != nil || resp.StatusCode != http.StatusBadRequest || p.Reason == "" {
		t.Fatalf("the API answered %d %s; want 201, or 400 with the hub's reason", resp.StatusCode, out)
	}
	if len(p.Violations) == 0 {
		return []string{p.Reason}
	}
	return reasons(p.Violations, func(v struct{ Reason string }) string { return v.Reason })
}

// reasons returns the distinct reasons of vs, sorted; nil for none.
func reasons[V any](vs []V, reason func(V) string) []string {
	var out []string
	for _, v := range vs {
		if r := reason(v); !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}
