package contentrules

import (
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

const sha = "9f86d081884c7d659a2feb1d5c9a8d6fd97a0f4f2c3e4e1d8d8f3a1a3d3e0c4b"

// testCategories admits every kind under "news", so that the valid items of
// each kind below share one category, and only legal documents under
// "legal".
var testCategories = Categories{
	"news": {Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_ARTICLE, pb.ContentKind_CONTENT_KIND_PAGE, pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT,
		pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, pb.ContentKind_CONTENT_KIND_DATASET,
		pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY, pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK},
		Slugs: map[string]string{"vi": "tin-tuc-su-kien", "en": "news", "ru": "novosti"}},
	"legal": {Kinds: []pb.ContentKind{pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT},
		Slugs: map[string]string{"vi": "van-ban-phap-luat", "en": "legal-documents", "ru": "pravovye-dokumenty"}},
}

// article returns a valid ARTICLE item; tests change one thing at a time.
func article() *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: "tin-2025-001",
		Version:   3,
		Kind:      pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category:  "news",
		Translations: []*pb.Translation{
			{Locale: "vi", Title: "Khánh Hòa đón khách quốc tế", Summary: "Tóm tắt", BodyHtml: "<p>Nội dung</p>", Slug: "khanh-hoa-don-khach"},
			{Locale: "en", Title: "Khanh Hoa welcomes visitors", BodyHtml: "<p>Body</p>", Slug: "khanh-hoa-welcomes-visitors"},
		},
		Authors:     []*pb.Person{{Name: "Nguyễn Văn An"}},
		Editor:      &pb.Person{Name: "Trần Thị Bình", Account: "binh.tt"},
		Approver:    &pb.Person{Name: "Lê Văn Cường"},
		PublishedAt: timestamppb.New(mustTime("2025-07-01T08:00:00Z")),
		Attachments: []*pb.Attachment{{Sha256: sha, Filename: "bao-cao.pdf", MediaType: "application/pdf", Title: "Báo cáo"}},
		State:       pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
	}
}

func withKind(kind pb.ContentKind, set func(*pb.ContentItem)) *pb.ContentItem {
	it := article()
	it.Kind = kind
	set(it)
	return it
}

func TestPrepareValidKinds(t *testing.T) {
	tests := []struct {
		name string
		item *pb.ContentItem
	}{
		{"article", article()},
		{"page", withKind(pb.ContentKind_CONTENT_KIND_PAGE, func(*pb.ContentItem) {})},
		{"legal document", withKind(pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{
				Number: "15/2025/QĐ-UBND", DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa",
				IssuedOn: "2025-03-01", EffectiveOn: "2025-03-15", Validity: pb.LegalValidity_LEGAL_VALIDITY_IN_FORCE,
			}}
		})},
		{"public service", withKind(pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_PublicService{PublicService: &pb.PublicService{Code: "1.001234", Level: 2, Url: "https://dichvucong.gov.vn/p/1.001234"}}
		})},
		{"procurement notice", withKind(pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: &pb.ProcurementNotice{NoticeType: "procurement", ValueVnd: 1_000_000}}
		})},
		{"dataset", withKind(pb.ContentKind_CONTENT_KIND_DATASET, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_Dataset{Dataset: &pb.Dataset{Format: "CSV", DataSha256: sha}}
		})},
		{"organisation unit", withKind(pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{
				Email: "vanphong@khanhhoa.gov.vn", Officials: []*pb.Official{{Name: "Phạm Thị Dung", Position: "Giám đốc", Email: "dung.pt@khanhhoa.gov.vn"}},
			}}
		})},
		{"directory entry", withKind(pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_DirectoryEntry{DirectoryEntry: &pb.DirectoryEntry{Url: "https://sotc.khanhhoa.gov.vn", Email: "sotc@khanhhoa.gov.vn"}}
		})},
		{"external link", withKind(pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK, func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_ExternalLink{ExternalLink: &pb.ExternalLink{Url: "http://chinhphu.vn", Scope: pb.LinkScope_LINK_SCOPE_CENTRAL}}
		})},
		{"withdrawn", withKind(pb.ContentKind_CONTENT_KIND_ARTICLE, func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
			it.Unpublishing = &pb.Unpublishing{Reason: "Thông tin đã cũ"}
		})},
		{"redirected to an item", withKind(pb.ContentKind_CONTENT_KIND_ARTICLE, func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "so-tttt", ContentId: "tin-moi"}}
		})},
		{"redirected to a URL", withKind(pb.ContentKind_CONTENT_KIND_ARTICLE, func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{SuccessorUrl: "https://khanhhoa.gov.vn/vi/tin-moi"}
		})},
		{"title of 300 characters", withTitle(strings.Repeat("a", 300))},
		{"NFD title composing to 300 characters", withTitle(norm.NFD.String(strings.Repeat("ế", 300)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Prepare(tt.item, testCategories)
			if err != nil {
				t.Fatalf("Prepare: got error %v (violations %+v), want none", err, ViolationsOf(err))
			}
			if p.Item.GetContentId() != tt.item.GetContentId() {
				t.Errorf("content_id: got %q, want %q", p.Item.GetContentId(), tt.item.GetContentId())
			}
		})
	}
}

func withTitle(title string) *pb.ContentItem {
	it := article()
	it.Translations[0].Title = title
	return it
}

func TestPrepareRefuses(t *testing.T) {
	tests := []struct {
		name          string
		change        func(*pb.ContentItem)
		field, reason string
	}{
		{"version 0", func(it *pb.ContentItem) { it.Version = 0 }, "item.version", ReasonVersionZero},
		{"unknown locale", func(it *pb.ContentItem) { it.Translations[1].Locale = "fr" }, "item.translations[1].locale", ReasonUnknownLocale},
		{"unknown category", func(it *pb.ContentItem) { it.Category = "sport" }, "item.category", ReasonUnknownCategory},
		{"empty category", func(it *pb.ContentItem) { it.Category = "" }, "item.category", ReasonRequired},
		{"kind the category does not admit", func(it *pb.ContentItem) { it.Category = "legal" }, "item.category", ReasonKindCategoryMismatch},
		{"title of 301 characters", func(it *pb.ContentItem) { it.Translations[0].Title = strings.Repeat("ế", 301) }, "item.translations[vi].title", ReasonTooLong},
		{"empty title", func(it *pb.ContentItem) { it.Translations[1].Title = "" }, "item.translations[en].title", ReasonRequired},
		{"summary of 1001 characters", func(it *pb.ContentItem) { it.Translations[0].Summary = strings.Repeat("x", 1001) }, "item.translations[vi].summary", ReasonTooLong},
		{"oversized body", func(it *pb.ContentItem) {
			it.Translations[0].BodyHtml = "<p>" + strings.Repeat("x", MaxBodyHTMLBytes) + "</p>"
		}, "item.translations[vi].body_html", ReasonTooLarge},
		{"bad slug", func(it *pb.ContentItem) { it.Translations[0].Slug = "Khánh Hòa" }, "item.translations[vi].slug", ReasonInvalidFormat},
		{"missing slug", func(it *pb.ContentItem) { it.Translations[1].Slug = "" }, "item.translations[en].slug", ReasonRequired},
		{"missing vi", func(it *pb.ContentItem) { it.Translations = it.Translations[1:] }, "item.translations", ReasonMissingVietnamese},
		{"duplicate locale", func(it *pb.ContentItem) { it.Translations[1].Locale = "vi" }, "item.translations[vi].locale", ReasonDuplicateLocale},
		{"bad content_id", func(it *pb.ContentItem) { it.ContentId = "-Tin" }, "item.content_id", ReasonInvalidFormat},
		{"long content_id", func(it *pb.ContentItem) { it.ContentId = strings.Repeat("a", 101) }, "item.content_id", ReasonTooLong},
		{"unspecified kind", func(it *pb.ContentItem) { it.Kind = pb.ContentKind_CONTENT_KIND_UNSPECIFIED }, "item.kind", ReasonUnknownKind},
		{"undefined kind", func(it *pb.ContentItem) { it.Kind = 99 }, "item.kind", ReasonUnknownKind},
		{"details mismatch", func(it *pb.ContentItem) {
			it.Details = &pb.ContentItem_ExternalLink{ExternalLink: &pb.ExternalLink{Url: "https://chinhphu.vn"}}
		}, "item.external_link", ReasonDetailsMismatch},
		{"legal document without details", func(it *pb.ContentItem) { it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT }, "item.legal_document", ReasonDetailsMismatch},
		{"legal document without number", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
			it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{DocumentType: "Quyết định", Issuer: "UBND"}}
		}, "item.legal_document.number", ReasonRequired},
		{"legal document bad date", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
			it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "1", DocumentType: "QĐ", Issuer: "UBND", IssuedOn: "2025-02-30"}}
		}, "item.legal_document.issued_on", ReasonInvalidFormat},
		{"public service over http", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_PUBLIC_SERVICE
			it.Details = &pb.ContentItem_PublicService{PublicService: &pb.PublicService{Url: "http://dichvucong.gov.vn"}}
		}, "item.public_service.url", ReasonInvalidFormat},
		{"external link to javascript", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK
			it.Details = &pb.ContentItem_ExternalLink{ExternalLink: &pb.ExternalLink{Url: "javascript:alert(1)"}}
		}, "item.external_link.url", ReasonInvalidFormat},
		{"directory entry without url", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY
			it.Details = &pb.ContentItem_DirectoryEntry{DirectoryEntry: &pb.DirectoryEntry{Agency: "Sở"}}
		}, "item.directory_entry.url", ReasonRequired},
		{"dataset file not attached", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_DATASET
			it.Details = &pb.ContentItem_Dataset{Dataset: &pb.Dataset{DataSha256: strings.Repeat("0", 64)}}
		}, "item.dataset.data_sha256", ReasonDetailsMismatch},
		{"bad official e-mail", func(it *pb.ContentItem) {
			it.Kind = pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT
			it.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{Officials: []*pb.Official{{Name: "A"}, {Name: "B", Email: "b@"}}}}
		}, "item.organisation_unit.officials[1].email", ReasonInvalidFormat},
		{"no approver", func(it *pb.ContentItem) { it.Approver = nil }, "item.approver", ReasonRequired},
		{"approver without name", func(it *pb.ContentItem) { it.Approver = &pb.Person{Account: "x"} }, "item.approver.name", ReasonRequired},
		{"21 authors", func(it *pb.ContentItem) {
			for range 20 {
				it.Authors = append(it.Authors, &pb.Person{Name: "Tác giả"})
			}
		}, "item.authors", ReasonTooMany},
		{"21 attachments", func(it *pb.ContentItem) {
			for range 20 {
				it.Attachments = append(it.Attachments, proto.Clone(it.Attachments[0]).(*pb.Attachment))
			}
		}, "item.attachments", ReasonTooMany},
		{"upper-case sha256", func(it *pb.ContentItem) {
			it.Attachments = append(it.Attachments, &pb.Attachment{Sha256: strings.ToUpper(sha), Filename: "a.pdf"}, &pb.Attachment{Sha256: "abc", Filename: "b.pdf"})
			it.Attachments[1].Sha256 = sha
		}, "item.attachments[2].sha256", ReasonInvalidFormat},
		{"filename with a path", func(it *pb.ContentItem) { it.Attachments[0].Filename = "../etc/passwd" }, "item.attachments[0].filename", ReasonInvalidFormat},
		{"filename with a right-to-left override", func(it *pb.ContentItem) { it.Attachments[0].Filename = "hoa-don\u202efdp.exe" }, "item.attachments[0].filename", ReasonInvalidFormat},
		{"filename with a line break", func(it *pb.ContentItem) { it.Attachments[0].Filename = "bao\ncao.pdf" }, "item.attachments[0].filename", ReasonInvalidFormat},
		{"filename of 256 characters", func(it *pb.ContentItem) { it.Attachments[0].Filename = strings.Repeat("a", 256) }, "item.attachments[0].filename", ReasonTooLong},
		{"unspecified state", func(it *pb.ContentItem) { it.State = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED }, "item.state", ReasonUnknownState},
		{"withdrawn without reason", func(it *pb.ContentItem) { it.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN }, "item.unpublishing.reason", ReasonMissingReason},
		{"withdrawn with a blank reason", func(it *pb.ContentItem) {
			it.State, it.Unpublishing = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{Reason: " \t "}
		}, "item.unpublishing.reason", ReasonMissingReason},
		{"redirect with both successors", func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "so-tttt", ContentId: "x"}, SuccessorUrl: "https://example.gov.vn"}
		}, "item.unpublishing", ReasonInvalidSuccessor},
		{"redirect with no successor", func(it *pb.ContentItem) { it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED }, "item.unpublishing", ReasonInvalidSuccessor},
		{"redirect to a relative URL", func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{SuccessorUrl: "/vi/tin"}
		}, "item.unpublishing.successor_url", ReasonInvalidSuccessor},
		{"redirect to a bad tenant", func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
			it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "Sở", ContentId: "x"}}
		}, "item.unpublishing.successor.tenant", ReasonInvalidSuccessor},
		{"no published_at", func(it *pb.ContentItem) { it.PublishedAt = nil }, "item.published_at", ReasonRequired},
		{"other string over 2000", func(it *pb.ContentItem) { it.Attachments[0].MediaType = "a/" + strings.Repeat("b", 1999) }, "item.attachments[0].media_type", ReasonTooLong},
		{"replacement character", func(it *pb.ContentItem) { it.Translations[1].Summary = "bad \uFFFD text" }, "item.translations[en].summary", ReasonInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := article()
			tt.change(it)
			p, err := Prepare(it, testCategories)
			if err == nil {
				t.Fatalf("Prepare: got %v, nil error; want %s on %s", p, tt.reason, tt.field)
			}
			if got := status.Code(err); got != codes.InvalidArgument {
				t.Errorf("code: got %v, want InvalidArgument", got)
			}
			vs := ViolationsOf(err)
			if !hasViolation(vs, tt.field, tt.reason) {
				t.Errorf("violations: got %+v, want one with field %q reason %q", vs, tt.field, tt.reason)
			}
			for _, v := range vs {
				if v.Description == "" || v.MessageVI == "" {
					t.Errorf("violation %+v: want both an English and a Vietnamese text", v)
				}
			}
		})
	}
}

func hasViolation(vs []Violation, field, reason string) bool {
	for _, v := range vs {
		if v.Field == field && v.Reason == reason {
			return true
		}
	}
	return false
}

func TestPrepareCollectsAllViolations(t *testing.T) {
	it := article()
	it.Version = 0
	it.Category = "sport"
	it.Translations[0].Title = ""
	it.Attachments[0].Sha256 = "XYZ"
	_, err := Prepare(it, testCategories)
	want := []struct{ field, reason string }{
		{"item.version", ReasonVersionZero},
		{"item.category", ReasonUnknownCategory},
		{"item.translations[vi].title", ReasonRequired},
		{"item.attachments[0].sha256", ReasonInvalidFormat},
	}
	vs := ViolationsOf(err)
	if len(vs) != len(want) {
		t.Fatalf("got %d violations %+v, want %d", len(vs), vs, len(want))
	}
	for _, w := range want {
		if !hasViolation(vs, w.field, w.reason) {
			t.Errorf("violations %+v: missing %s %s", vs, w.field, w.reason)
		}
	}
	if got := ReasonOf(err); got != ReasonVersionZero {
		t.Errorf("ReasonOf: got %q, want %q", got, ReasonVersionZero)
	}
}

func TestTooLongMessageVI(t *testing.T) {
	it := article()
	it.Translations[0].Title = strings.Repeat("a", 301)
	_, err := Prepare(it, testCategories)
	vs := ViolationsOf(err)
	if len(vs) != 1 || vs[0].MessageVI != "Tiêu đề dài quá 300 ký tự" {
		t.Errorf("got %+v, want one violation with MessageVI %q", vs, "Tiêu đề dài quá 300 ký tự")
	}
}

func TestPrepareNormalisesNFC(t *testing.T) {
	it := article()
	nfdTitle := norm.NFD.String("Khánh Hòa – Tiếng Việt")
	it.Translations[0].Title = nfdTitle
	it.Approver.Name = norm.NFD.String("Lê Văn Cường")
	it.Translations[0].BodyHtml = norm.NFD.String("<p>Điều chỉnh</p>")
	p, err := Prepare(it, testCategories)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Item.Translations[0].Title, "Khánh Hòa – Tiếng Việt"; got != want || !norm.NFC.IsNormalString(got) {
		t.Errorf("title: got %q, want NFC %q", got, want)
	}
	if got, want := p.Item.Approver.Name, "Lê Văn Cường"; got != want {
		t.Errorf("approver: got %q, want %q", got, want)
	}
	if got, want := p.Item.Translations[0].BodyHtml, "<p>Điều chỉnh</p>"; got != want {
		t.Errorf("body: got %q, want %q", got, want)
	}
	if it.Translations[0].Title != nfdTitle {
		t.Errorf("Prepare changed its input")
	}
}

func TestPrepareSortsTranslations(t *testing.T) {
	it := article()
	it.Translations = append(it.Translations, &pb.Translation{Locale: "ru", Title: "Кханьхоа", Slug: "khanhhoa"})
	it.Translations[0], it.Translations[2] = it.Translations[2], it.Translations[0]
	p, err := Prepare(it, testCategories)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range p.Item.Translations {
		got = append(got, tr.Locale)
	}
	if strings.Join(got, ",") != "vi,en,ru" {
		t.Errorf("order: got %v, want [vi en ru]", got)
	}
}

func TestHash(t *testing.T) {
	base := mustPrepare(t, article())

	reordered := article()
	reordered.Translations[0], reordered.Translations[1] = reordered.Translations[1], reordered.Translations[0]
	if got := mustPrepare(t, reordered).Hash; got != base.Hash {
		t.Errorf("hash after reordering translations: got %s, want %s", HashHex(got), HashHex(base.Hash))
	}

	withUnknown := article()
	withUnknown.ProtoReflect().SetUnknown(protowire.AppendString(protowire.AppendTag(nil, 99, protowire.BytesType), "future"))
	withUnknown.Translations[0].ProtoReflect().SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 42, protowire.VarintType), 7))
	if got := mustPrepare(t, withUnknown).Hash; got != base.Hash {
		t.Errorf("hash with unknown fields: got %s, want %s", HashHex(got), HashHex(base.Hash))
	}

	nfd := article()
	nfd.Translations[0].Title = norm.NFD.String(nfd.Translations[0].Title)
	if got := mustPrepare(t, nfd).Hash; got != base.Hash {
		t.Errorf("hash of NFD input: got %s, want %s", HashHex(got), HashHex(base.Hash))
	}

	again := mustPrepare(t, base.Item)
	if again.Hash != base.Hash {
		t.Errorf("hash of a prepared item prepared again: got %s, want %s", HashHex(again.Hash), HashHex(base.Hash))
	}

	changes := map[string]func(*pb.ContentItem){
		"version":     func(it *pb.ContentItem) { it.Version++ },
		"title":       func(it *pb.ContentItem) { it.Translations[1].Title += "!" },
		"body":        func(it *pb.ContentItem) { it.Translations[0].BodyHtml += "<p>x</p>" },
		"approver":    func(it *pb.ContentItem) { it.Approver.Name = "Người khác" },
		"attachment":  func(it *pb.ContentItem) { it.Attachments[0].Title = "Khác" },
		"publishedAt": func(it *pb.ContentItem) { it.PublishedAt.Seconds++ },
		"state": func(it *pb.ContentItem) {
			it.State = pb.PublicationState_PUBLICATION_STATE_GONE
		},
	}
	for name, change := range changes {
		it := article()
		change(it)
		if got := mustPrepare(t, it).Hash; got == base.Hash {
			t.Errorf("changing %s: hash unchanged %s", name, HashHex(got))
		}
	}
	if got := HashHex(base.Hash); len(got) != 64 || strings.ToLower(got) != got {
		t.Errorf("HashHex: got %q, want 64 lower-case hex digits", got)
	}
}

func mustPrepare(t *testing.T, it *pb.ContentItem) *Prepared {
	t.Helper()
	p, err := Prepare(it, testCategories)
	if err != nil {
		t.Fatalf("Prepare: %v (%+v)", err, ViolationsOf(err))
	}
	return p
}

func TestRedirectsToItself(t *testing.T) {
	it := article()
	it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "so-tttt", ContentId: it.ContentId}}
	p := mustPrepare(t, it)
	if !p.RedirectsToItself("so-tttt") {
		t.Errorf("RedirectsToItself(own tenant): got false, want true")
	}
	if p.RedirectsToItself("so-yte") {
		t.Errorf("RedirectsToItself(other tenant): got true, want false")
	}
}
