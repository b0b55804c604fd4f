package demo

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	portalhubv1 "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"golang.org/x/text/unicode/norm"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// hubCategories returns the hub's categories (from its own migrations):
// the Article 8 kind of information of each code, and the rules' view.
func hubCategories(t *testing.T) (map[string]int, contentrules.Categories) {
	t.Helper()
	article8 := map[string]int{}
	for _, c := range storetest.HubCategoryRows(t) {
		article8[c.Code] = c.Article8
	}
	return article8, contentrules.CategoriesOf(storetest.HubCategories(t))
}

var (
	dateRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	tagRe       = regexp.MustCompile(`</?([a-zA-Z0-9]+)[^>]*>`)
	allowedTags = map[string]bool{"p": true, "h2": true, "h3": true, "ul": true, "li": true, "strong": true, "a": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true}
	// Items are dated no later than the demonstration's "today", Monday
	// 30 November 2026 (the schedules cover its week and the next).
	demoToday = time.Date(2026, 11, 30, 23, 59, 59, 0, time.FixedZone("ICT", 7*3600))
)

func TestTenants(t *testing.T) {
	ts, err := Tenants()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"vp-ubnd": "province", "so-du-lich": "department", "so-khcn": "department", "phuong-nha-trang": "ward"}
	if len(ts) != len(want) {
		t.Fatalf("got %d tenants, want %d", len(ts), len(want))
	}
	ports := map[int]bool{}
	for _, tn := range ts {
		if want[tn.ID] != tn.Kind {
			t.Errorf("tenant %q: kind %q, want %q", tn.ID, tn.Kind, want[tn.ID])
		}
		if tn.NameVI == "" || tn.NameEN == "" || tn.NameRU == "" {
			t.Errorf("tenant %q: a name is missing", tn.ID)
		}
		for _, s := range []string{tn.NameVI, tn.NameEN, tn.NameRU} {
			if !norm.NFC.IsNormalString(s) {
				t.Errorf("tenant %q: name %q is not NFC", tn.ID, s)
			}
		}
		if tn.Port < 1024 || ports[tn.Port] {
			t.Errorf("tenant %q: bad or duplicate port %d", tn.ID, tn.Port)
		}
		ports[tn.Port] = true
	}
	if _, err := Items("no-such-tenant"); err == nil {
		t.Error("Items of an unknown tenant: want an error")
	}
}

// Every embedded item file belongs to a known tenant and is named after its content_id.
func TestFilesParse(t *testing.T) {
	ts, _ := Tenants()
	known := map[string]bool{}
	for _, tn := range ts {
		known[tn.ID] = true
	}
	names, err := fs.Glob(files, "*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 24 {
		t.Errorf("got %d item files, want at least 24", len(names))
	}
	for _, name := range names {
		dir, file, _ := strings.Cut(name, "/")
		if !known[dir] {
			t.Errorf("%s: directory is not a tenant", name)
		}
		b, _ := files.ReadFile(name)
		if !utf8.Valid(b) || !norm.NFC.IsNormal(b) {
			t.Errorf("%s: not valid NFC UTF-8", name)
		}
		var raw map[string]any
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, ok := raw["version"]; ok {
			t.Errorf("%s: carries a version; the loader assigns it", name)
		}
		it := &portalhubv1.ContentItem{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(b, it); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if it.GetContentId()+".json" != file {
			t.Errorf("%s: content_id %q does not match the file name", name, it.GetContentId())
		}
	}
}

func TestItems(t *testing.T) {
	ts, err := Tenants()
	if err != nil {
		t.Fatal(err)
	}
	categories, rules := hubCategories(t)
	covered := map[int]bool{}
	locales := map[string]int{}
	total := 0
	for _, tn := range ts {
		items, err := Items(tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) < 5 {
			t.Errorf("%s: only %d items", tn.ID, len(items))
		}
		total += len(items)
		slugs := map[string]string{}
		for _, it := range items {
			where := tn.ID + "/" + it.GetContentId()
			checkItem(t, where, it)
			// The hub accepts it as the loader pushes it (version 1 and up).
			pushed := proto.Clone(it).(*portalhubv1.ContentItem)
			pushed.Version = 1
			if _, err := contentrules.Prepare(pushed, rules); err != nil {
				t.Errorf("%s: the hub would refuse it: %v", where, contentrules.ViolationsOf(err))
			}
			if a, ok := categories[it.GetCategory()]; ok {
				covered[a] = true
			}
			for _, tr := range it.GetTranslations() {
				locales[tr.GetLocale()]++
				key := tr.GetLocale() + "/" + tr.GetSlug()
				if other, dup := slugs[key]; dup {
					t.Errorf("%s: slug %s also used by %s", where, key, other)
				}
				slugs[key] = it.GetContentId()
			}
		}
	}
	if total < 24 {
		t.Errorf("got %d items, want at least 24", total)
	}
	for a := 1; a <= 12; a++ {
		if !covered[a] {
			t.Errorf("no item covers Article 8 kind of information %d", a)
		}
	}
	if locales["vi"] != total || locales["en"] < total/3 || locales["ru"] < total/4 {
		t.Errorf("translations per locale: %v", locales)
	}
}

func checkItem(t *testing.T, where string, it *portalhubv1.ContentItem) {
	t.Helper()
	if it.GetVersion() != 0 {
		t.Errorf("%s: version set", where)
	}
	if it.GetState() != portalhubv1.PublicationState_PUBLICATION_STATE_PUBLISHED {
		t.Errorf("%s: state %v", where, it.GetState())
	}
	if it.GetApprover().GetName() == "" {
		t.Errorf("%s: no approver", where)
	}
	if it.GetEditor().GetName() == "" || len(it.GetAuthors()) == 0 {
		t.Errorf("%s: no editor or author", where)
	}
	if it.GetPublishedAt() == nil || it.GetPublishedAt().AsTime().After(demoToday) {
		t.Errorf("%s: published_at missing or after %s", where, demoToday)
	}
	seen := map[string]bool{}
	for _, tr := range it.GetTranslations() {
		loc := tr.GetLocale()
		if loc != "vi" && loc != "en" && loc != "ru" || seen[loc] {
			t.Errorf("%s: bad or repeated locale %q", where, loc)
		}
		seen[loc] = true
		if tr.GetBodyHtml() == "" {
			t.Errorf("%s/%s: empty body", where, loc)
		}
		for _, m := range tagRe.FindAllStringSubmatch(tr.GetBodyHtml(), -1) {
			if !allowedTags[m[1]] {
				t.Errorf("%s/%s: tag <%s> outside the small HTML set", where, loc, m[1])
			}
		}
	}
	if !seen["vi"] {
		t.Errorf("%s: no Vietnamese translation", where)
	}
	checkNFC(t, where, it.ProtoReflect())
	checkDetails(t, where, it)
}

// checkNFC walks every string of the message.
func checkNFC(t *testing.T, where string, m protoreflect.Message) {
	t.Helper()
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				checkValue(t, where, fd, l.Get(i))
			}
		default:
			checkValue(t, where, fd, v)
		}
		return true
	})
}

func checkValue(t *testing.T, where string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	t.Helper()
	switch fd.Kind() {
	case protoreflect.StringKind:
		s := v.String()
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%s: field %s is not NFC", where, fd.Name())
		}
		if utf8.RuneCountInString(s) > 2000 && fd.Name() != "body_html" {
			t.Errorf("%s: field %s longer than 2,000 characters", where, fd.Name())
		}
	case protoreflect.MessageKind:
		checkNFC(t, where, v.Message())
	}
}

func checkDetails(t *testing.T, where string, it *portalhubv1.ContentItem) {
	t.Helper()
	var want protoreflect.Name
	switch it.GetKind() {
	case portalhubv1.ContentKind_CONTENT_KIND_ARTICLE, portalhubv1.ContentKind_CONTENT_KIND_PAGE:
		want = ""
	case portalhubv1.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT:
		want = "legal_document"
		d := it.GetLegalDocument()
		if c := d.GetConsultation(); c != nil {
			// A draft out for comment: no number, signer, dates or validity
			// yet; its consultation's days instead.
			if d.GetDocumentType() == "" || d.GetIssuer() == "" || !dateRe.MatchString(c.GetOpensOn()) || !dateRe.MatchString(c.GetClosesOn()) {
				t.Errorf("%s: draft incomplete", where)
			}
			break
		}
		if d.GetNumber() == "" || d.GetDocumentType() == "" || d.GetIssuer() == "" || d.GetSigner() == "" || d.GetField() == "" {
			t.Errorf("%s: legal document incomplete", where)
		}
		for _, s := range []string{d.GetIssuedOn(), d.GetEffectiveOn()} {
			if _, err := time.Parse("2006-01-02", s); !dateRe.MatchString(s) || err != nil {
				t.Errorf("%s: bad date %q", where, s)
			}
		}
		if d.GetValidity() == portalhubv1.LegalValidity_LEGAL_VALIDITY_UNSPECIFIED {
			t.Errorf("%s: validity unspecified", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_PUBLIC_SERVICE:
		want = "public_service"
		s := it.GetPublicService()
		if s.GetCode() == "" || s.GetAgency() == "" || (s.GetLevel() != 1 && s.GetLevel() != 2) || !isURL(s.GetUrl(), "https") {
			t.Errorf("%s: public service incomplete", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE:
		want = "procurement_notice"
		n := it.GetProcurementNotice()
		switch n.GetNoticeType() {
		case "project", "investment", "procurement":
		default:
			t.Errorf("%s: notice type %q", where, n.GetNoticeType())
		}
		if n.GetInvestor() == "" || n.GetValueVnd() <= 0 || n.GetOpensAt() == nil || n.GetClosesAt() == nil ||
			!n.GetClosesAt().AsTime().After(n.GetOpensAt().AsTime()) {
			t.Errorf("%s: procurement notice incomplete", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_DATASET:
		want = "dataset"
		if it.GetDataset().GetDataSha256() == "" {
			t.Errorf("%s: dataset without data file", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_ORGANISATION_UNIT:
		want = "organisation_unit"
		u := it.GetOrganisationUnit()
		if u.GetAddress() == "" || u.GetPhone() == "" || u.GetEmail() == "" || len(u.GetOfficials()) < 4 || len(u.GetOfficials()) > 200 {
			t.Errorf("%s: organisation unit incomplete", where)
		}
		for _, o := range u.GetOfficials() {
			if o.GetName() == "" || o.GetPosition() == "" || o.GetPhone() == "" || !strings.Contains(o.GetEmail(), "@") ||
				o.GetPositionEn() == "" || o.GetPositionRu() == "" {
				t.Errorf("%s: official %q incomplete", where, o.GetName())
			}
		}
	case portalhubv1.ContentKind_CONTENT_KIND_DIRECTORY_ENTRY:
		want = "directory_entry"
		d := it.GetDirectoryEntry()
		if !isURL(d.GetUrl(), "https") || d.GetAgency() == "" {
			t.Errorf("%s: directory entry incomplete", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_WORK_SCHEDULE:
		want = "work_schedule"
		ws := it.GetWorkSchedule()
		if monday, err := time.Parse(time.DateOnly, ws.GetWeekOf()); err != nil || monday.Weekday() != time.Monday || len(ws.GetEntries()) < 3 {
			t.Errorf("%s: work schedule without a Monday or with fewer than 3 entries", where)
		}
		for _, e := range ws.GetEntries() {
			if e.GetLeader() == "" || e.GetLocation() == "" {
				t.Errorf("%s: schedule entry of %s without leader or place", where, e.GetDate())
			}
		}
	case portalhubv1.ContentKind_CONTENT_KIND_QUESTION_ANSWER:
		want = "question_answer"
		q := it.GetQuestionAnswer()
		if q.GetQuestion() == "" || q.GetTopic() == "" || q.GetAnsweredBy() == "" || !dateRe.MatchString(q.GetAskedOn()) || !dateRe.MatchString(q.GetAnsweredOn()) {
			t.Errorf("%s: question incomplete", where)
		}
	case portalhubv1.ContentKind_CONTENT_KIND_EXTERNAL_LINK:
		want = "external_link"
		l := it.GetExternalLink()
		if !(isURL(l.GetUrl(), "https") || isURL(l.GetUrl(), "http")) || l.GetScope() == portalhubv1.LinkScope_LINK_SCOPE_UNSPECIFIED {
			t.Errorf("%s: external link incomplete", where)
		}
	default:
		t.Errorf("%s: kind %v", where, it.GetKind())
		return
	}
	od := it.ProtoReflect().Descriptor().Oneofs().ByName("details")
	var got protoreflect.Name
	if fd := it.ProtoReflect().WhichOneof(od); fd != nil {
		got = fd.Name()
	}
	if got != want {
		t.Errorf("%s: kind %v carries details %q, want %q", where, it.GetKind(), got, want)
	}
}

func isURL(s, scheme string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == scheme && u.Host != ""
}
