package portal_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// Set stops the clock at at; from then on only Advance moves it.
func (c *testClock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = at
}

// newClockedEnv is an env whose portal's clock (Config.Now) is the page
// cache's, stopped at at.
func newClockedEnv(t *testing.T, at time.Time) *env {
	t.Helper()
	var e *env
	e = newEnvWith(t, func(c *portal.Config) { c.Now = func() time.Time { return e.clock.Now() } })
	e.clock.Set(at)
	return e
}

var vietnam = time.FixedZone("ICT", 7*3600)

// legalFixtureDay is "today" in the register's tests: 15 June 2026, 10:00
// in Vietnam.
var legalFixtureDay = time.Date(2026, 6, 15, 10, 0, 0, 0, vietnam)

// legalItem is a published legal document with a Vietnamese translation.
func legalItem(id, title string, d *pb.LegalDocument) *pb.ContentItem {
	it := article(id, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), tr("vi", id, title, "Tóm tắt "+title, "<p>Nội dung.</p>"))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: d}
	return it
}

func rel(typ pb.LegalRelationType, tenant, id, number string) *pb.LegalRelation {
	r := &pb.LegalRelation{Type: typ, TargetNumber: number}
	if id != "" {
		r.Target = &pb.ContentRef{Tenant: tenant, ContentId: id}
	}
	return r
}

// legalFixture: five documents of so-tu-phap and one of so-du-lich, each
// with a different validity on legalFixtureDay.
func legalFixture(t *testing.T, e *env) {
	t.Helper()
	e.tenant(t, "so-tu-phap", "department", "Sở Tư pháp", "Department of Justice", "Департамент юстиции")
	e.tenant(t, "so-du-lich", "department", "Sở Du lịch", "Department of Tourism", "Департамент туризма")
	pdf := e.blob(t, []byte(strings.Repeat("x", 2048)), "application/pdf")
	d1 := legalItem("qd-01-2020", "Quyết định về phí tham quan", &pb.LegalDocument{Number: "01/2020/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh", Field: "Tài chính",
		Signer: "Nguyễn Văn An", IssuedOn: "2020-01-10", EffectiveOn: "2020-01-20"})
	d2 := legalItem("nq-05-2024", "Nghị quyết về học phí", &pb.LegalDocument{Number: "05/2024/NQ-HĐND",
		DocumentType: "Nghị quyết", Issuer: "HĐND tỉnh Khánh Hòa", IssuerCode: "hdnd-tinh", Field: "Giáo dục",
		Signer: "Trần Thị Bình", IssuedOn: "2024-03-01", EffectiveOn: "2024-03-15", ExpiresOn: "2026-12-31"})
	d3 := legalItem("qd-12-2025", "Quyết định thay thế về phí tham quan", &pb.LegalDocument{Number: "12/2025/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh", Field: "Tài chính",
		Signer: "Nguyễn Văn An", IssuedOn: "2025-05-01", EffectiveOn: "2025-05-15",
		Relations: []*pb.LegalRelation{rel(pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES, "so-tu-phap", "qd-01-2020", "01/2020/QĐ-UBND")}})
	d3.Attachments = []*pb.Attachment{{Sha256: pdf, Filename: "qd-12-2025.pdf", MediaType: "application/pdf", Title: "Toàn văn"}}
	d4 := legalItem("qd-20-2026", "Quyết định sửa đổi học phí", &pb.LegalDocument{Number: "20/2026/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh", Field: "Giáo dục",
		Signer: "Lê Văn Cường", IssuedOn: "2026-05-01", EffectiveOn: "2026-05-10",
		Relations: []*pb.LegalRelation{
			rel(pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART, "so-tu-phap", "nq-05-2024", "05/2024/NQ-HĐND"),
			rel(pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, "", "", "99/2019/QĐ-UBND")}})
	d5 := legalItem("qd-30-2026", "Quyết định về du lịch biển", &pb.LegalDocument{Number: "30/2026/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuerCode: "ubnd-tinh", Field: "Du lịch",
		Signer: "Lê Văn Cường", IssuedOn: "2026-06-01", EffectiveOn: "2026-07-01"})
	d6 := legalItem("kh-07-2026", "Kế hoạch lễ hội biển", &pb.LegalDocument{Number: "07/2026/KH-SDL",
		DocumentType: "Kế hoạch", Issuer: "Sở Du lịch", IssuerCode: "so-ban-nganh", Field: "Du lịch",
		Signer: "Phạm Thu Hà", IssuedOn: "2026-02-01"})
	d6.Translations = append(d6.Translations, tr("en", "sea-festival-plan", "Sea festival plan", "", ""))
	for _, it := range []*pb.ContentItem{d1, d2, d3, d4, d5} {
		e.put(t, "so-tu-phap", it)
	}
	e.put(t, "so-du-lich", d6)
}

// registerRows are the register's rows: number, date, abstract, issuer,
// validity.
func registerRows(doc *goquery.Document) [][]string {
	var rows [][]string
	doc.Find("table.register tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Children().Each(func(_ int, c *goquery.Selection) {
			row = append(row, strings.Join(strings.Fields(c.Children().First().Text()), " "))
			if c.Children().Length() == 0 {
				row[len(row)-1] = strings.Join(strings.Fields(c.Text()), " ")
			}
		})
		rows = append(rows, row)
	})
	return rows
}

func numbers(doc *goquery.Document) []string { return texts(doc, "table.register tbody td.doc-number") }

// options are a select's options as "label (count)", the selected marked *.
func options(doc *goquery.Document, name string) []string {
	var out []string
	doc.Find("select[name=" + name + "] option").Each(func(_ int, o *goquery.Selection) {
		s := strings.Join(strings.Fields(o.Text()), " ")
		if _, ok := o.Attr("selected"); ok {
			s += "*"
		}
		out = append(out, s)
	})
	return out
}

const registerPath = "/vi/van-ban-phap-luat/"

func TestLegalRegisterColumnsAndValidity(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	res, doc := e.get(t, registerPath)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := texts(doc, "h1"); !slices.Equal(got, []string{"Văn bản pháp luật"}) {
		t.Errorf("h1 = %q", got)
	}
	want := []string{"Số ký hiệu", "Ngày ban hành", "Trích yếu", "Cơ quan ban hành", "Hiệu lực"}
	if got := texts(doc, "table.register thead th[scope=col]"); !slices.Equal(got, want) {
		t.Errorf("columns = %q, want %q", got, want)
	}
	wantRows := [][]string{
		{"30/2026/QĐ-UBND", "01/06/2026", "Quyết định về du lịch biển", "UBND tỉnh Khánh Hòa", "Chưa có hiệu lực"},
		{"20/2026/QĐ-UBND", "01/05/2026", "Quyết định sửa đổi học phí", "UBND tỉnh Khánh Hòa", "Còn hiệu lực"},
		{"07/2026/KH-SDL", "01/02/2026", "Kế hoạch lễ hội biển", "Sở Du lịch", "Còn hiệu lực"},
		{"12/2025/QĐ-UBND", "01/05/2025", "Quyết định thay thế về phí tham quan", "UBND tỉnh Khánh Hòa", "Còn hiệu lực"},
		{"05/2024/NQ-HĐND", "01/03/2024", "Nghị quyết về học phí", "HĐND tỉnh Khánh Hòa", "Hết hiệu lực một phần"},
		{"01/2020/QĐ-UBND", "10/01/2020", "Quyết định về phí tham quan", "UBND tỉnh Khánh Hòa", "Hết hiệu lực"},
	}
	got := registerRows(doc)
	if len(got) != len(wantRows) {
		t.Fatalf("rows = %q", got)
	}
	for i := range wantRows {
		if !slices.Equal(got[i], wantRows[i]) {
			t.Errorf("row %d = %q, want %q", i, got[i], wantRows[i])
		}
	}
	if n := doc.Find("table.register tbody th[scope=row] a[href='/vi/so-tu-phap/qd-30-2026']").Length(); n != 1 {
		t.Errorf("the abstract links to the document's page: %d links", n)
	}
	if got := attr(doc, "table.register thead th[aria-sort]", "aria-sort"); got != "descending" {
		t.Errorf("aria-sort = %q", got)
	}
	if got := text(doc, ".result-count"); got != "6 văn bản" {
		t.Errorf("count = %q", got)
	}
	// Every control of the GET form is labelled.
	doc.Find("form.finder-form input, form.finder-form select").Each(func(_ int, c *goquery.Selection) {
		id, _ := c.Attr("id")
		if id == "" || doc.Find("label[for="+id+"]").Length() != 1 {
			t.Errorf("control %s has no label", id)
		}
	})
	if got := attr(doc, "form.finder-form", "method"); got != "get" {
		t.Errorf("form method = %q", got)
	}

	// A day later than the document's entry into force: in force.
	e.clock.Set(time.Date(2026, 7, 1, 0, 0, 1, 0, vietnam))
	_, doc = e.get(t, registerPath+"?number=30%2F2026")
	if got := registerRows(doc); len(got) != 1 || got[0][4] != "Còn hiệu lực" {
		t.Errorf("on 1 July: %q", got)
	}
}

func TestLegalRegisterFilters(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"type=Quyết định&field=Tài chính", []string{"12/2025/QĐ-UBND", "01/2020/QĐ-UBND"}},
		{"issuer=ubnd-tinh&field=Giáo dục", []string{"20/2026/QĐ-UBND"}},
		{"validity=expired", []string{"01/2020/QĐ-UBND"}},
		{"validity=partly_in_force", []string{"05/2024/NQ-HĐND"}},
		{"validity=not_yet_in_force", []string{"30/2026/QĐ-UBND"}},
		{"validity=in_force&type=Quyết định", []string{"20/2026/QĐ-UBND", "12/2025/QĐ-UBND"}},
		{"q=hoc phi", []string{"20/2026/QĐ-UBND", "05/2024/NQ-HĐND"}},
		{"number=qđ-ubnd&signer=nguyen van", []string{"12/2025/QĐ-UBND", "01/2020/QĐ-UBND"}},
		{"from=2025-01-01&to=2026-05-01", []string{"20/2026/QĐ-UBND", "07/2026/KH-SDL", "12/2025/QĐ-UBND"}},
		{"year=2026&field=Du lịch", []string{"30/2026/QĐ-UBND", "07/2026/KH-SDL"}},
		{"sort=issued-asc&year=2026", []string{"07/2026/KH-SDL", "20/2026/QĐ-UBND", "30/2026/QĐ-UBND"}},
		{"sort=effective-asc&field=Du lịch", []string{"07/2026/KH-SDL", "30/2026/QĐ-UBND"}},
		{"q=không có", nil},
	} {
		q, _ := url.ParseQuery(tc.query)
		res, doc := e.get(t, registerPath+"?"+q.Encode())
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tc.query, res.StatusCode)
		}
		if got := numbers(doc); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.query, got, tc.want)
		}
		// The form shows the filters chosen.
		for k := range q {
			if doc.Find("form.finder-form [name="+k+"]").Length() != 1 {
				t.Errorf("%s: no control %s", tc.query, k)
			}
		}
	}

	// The counts beside each filter apply the other filters, not its own.
	q := url.Values{"type": {"Quyết định"}, "field": {"Giáo dục"}}
	_, doc := e.get(t, registerPath+"?"+q.Encode())
	if got, want := options(doc, "type"), []string{"Tất cả", "Nghị quyết (1)", "Quyết định (1)*"}; !slices.Equal(got, want) {
		t.Errorf("type options = %q, want %q", got, want)
	}
	if got, want := options(doc, "field"), []string{"Tất cả", "Du lịch (1)", "Giáo dục (1)*", "Tài chính (2)"}; !slices.Equal(got, want) {
		t.Errorf("field options = %q, want %q", got, want)
	}
	if got, want := options(doc, "validity"), []string{"Tất cả", "Còn hiệu lực (1)", "Hết hiệu lực một phần (0)",
		"Chưa có hiệu lực (0)", "Hết hiệu lực (0)"}; !slices.Equal(got, want) {
		t.Errorf("validity options = %q, want %q", got, want)
	}
	if got, want := options(doc, "issuer"), []string{"Tất cả", "Ủy ban nhân dân tỉnh (1)"}; !slices.Equal(got, want) {
		t.Errorf("issuer options = %q, want %q", got, want)
	}
	if got := text(doc, ".result-count"); got != "1 văn bản" {
		t.Errorf("count = %q", got)
	}
	// The column header sorts the other way, keeping the filters.
	href := attr(doc, "table.register thead th[aria-sort] a", "href")
	if u, _ := url.Parse(href); u.Query().Get("sort") != "issued-asc" || u.Query().Get("type") != "Quyết định" || u.Query().Get("field") != "Giáo dục" {
		t.Errorf("sort link = %s", href)
	}

	// A sub-portal's register holds its own documents only.
	_, doc = e.get(t, "/vi/so-du-lich/van-ban-phap-luat/")
	if got := numbers(doc); !slices.Equal(got, []string{"07/2026/KH-SDL"}) {
		t.Errorf("so-du-lich's register = %q", got)
	}
	// In English: the code list's names, the document's words marked Vietnamese.
	_, doc = e.get(t, "/en/legal-documents/?field=Du+l%E1%BB%8Bch")
	if got := texts(doc, "table.register tbody tr td:nth-child(4)"); !slices.Equal(got, []string{"Provincial People's Committee", "Provincial departments and agencies"}) {
		t.Errorf("English issuers = %q", got)
	}
	if got := attr(doc, "table.register tbody th a[href='/en/so-du-lich/sea-festival-plan']", "lang"); got != "" {
		t.Errorf("translated title marked lang=%q", got)
	}
	if got := attr(doc, "table.register tbody th a[href='/en/so-tu-phap/qd-30-2026']", "lang"); got != "vi" {
		t.Errorf("untranslated title lang=%q, want vi", got)
	}
}

func TestLegalRegisterBadFilters(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	for _, tc := range []struct{ query, field string }{
		{"validity=sometimes", "validity"},
		{"issuer=UBND%20T%E1%BB%88NH", "issuer"},
		{"from=2026-13-01", "from"},
		{"from=2026-06-01&to=2026-01-01", "to"},
		{"year=20x6", "year"},
		{"sort=random", "sort"},
		{"page=not-a-cursor", "page"},
		{"page=" + url.QueryEscape(`WyJhIiwiMSIsIjIiLCIzIl0`), "page"}, // a cursor of another list
		{"number=" + strings.Repeat("9", 201), "number"},
		{"q=%00", "q"},
		{"q=%ff", "q"},
	} {
		res, doc := e.get(t, registerPath+"?"+tc.query)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.query, res.StatusCode)
		}
		if doc.Find(".error-summary a[href='#filter-"+tc.field+"']").Length() != 1 {
			t.Errorf("%s: no summary link to its field", tc.query)
		}
		if tc.field != "page" {
			if got := attr(doc, "#filter-"+tc.field, "aria-invalid"); got != "true" {
				t.Errorf("%s: field not marked invalid", tc.query)
			}
			if doc.Find("#filter-"+tc.field+"-error").Length() != 1 {
				t.Errorf("%s: no message beside the field", tc.query)
			}
		}
		// Never an empty list: the documents without the bad filter.
		if len(numbers(doc)) == 0 {
			t.Errorf("%s: empty list", tc.query)
		}
	}
	// A bad text is shown back to be corrected, unless it holds what a
	// page may not (a control character); a bad date is not (a date
	// control holds only dates).
	_, doc := e.get(t, registerPath+"?signer=%00x&number="+strings.Repeat("9", 201)+"&from=2026-13-01")
	if got, ok := doc.Find("#filter-signer").Attr("value"); !ok || got != "" {
		t.Errorf("the signer with a NUL shown back as %q", got)
	}
	if got, _ := doc.Find("#filter-number").Attr("value"); got != strings.Repeat("9", 201) {
		t.Errorf("the long number shown back as %q", got)
	}
	if got, ok := doc.Find("#filter-from").Attr("value"); !ok || got != "" {
		t.Errorf("the bad date is the date control's value %q", got)
	}
	// In Russian, in Russian.
	_, doc = e.get(t, "/ru/pravovye-dokumenty/?from=abc")
	if got := text(doc, "#filter-from-error"); !strings.Contains(got, "год-месяц-день") {
		t.Errorf("Russian message = %q", got)
	}
}

func TestLegalRegisterPages(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	e.tenant(t, "so-tu-phap", "department", "Sở Tư pháp", "", "")
	// 45 documents, some issued on the same day (the key's tie-breakers).
	for i := range 45 {
		e.put(t, "so-tu-phap", legalItem(fmt.Sprintf("cv-%02d", i), fmt.Sprintf("Công văn số %d", i), &pb.LegalDocument{
			Number: fmt.Sprintf("%d/UBND-TH", i), DocumentType: "Công văn", IssuerCode: "ubnd-tinh",
			IssuedOn: time.Date(2026, 1, 1+i/2, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}))
	}
	path := registerPath + "?type=C%C3%B4ng+v%C4%83n"
	var seen []string
	var pages []string
	for {
		res, doc := e.get(t, path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		n := numbers(doc)
		seen = append(seen, n...)
		pages = append(pages, path)
		if len(pages) == 1 && (doc.Find("a[rel=prev]").Length() != 0 || doc.Find("a[rel=first]").Length() != 0) {
			t.Error("the first page leads back")
		}
		next := attr(doc, "a[rel=next]", "href")
		if next == "" {
			if len(n) != 5 {
				t.Errorf("last page has %d rows", len(n))
			}
			break
		}
		if len(n) != 20 {
			t.Errorf("page %d has %d rows", len(pages), len(n))
		}
		if !strings.Contains(next, "type=C%C3%B4ng+v%C4%83n") {
			t.Errorf("next link drops the filter: %s", next)
		}
		path = next
		if len(pages) > 5 {
			t.Fatal("no end")
		}
	}
	if len(seen) != 45 || len(pages) != 3 {
		t.Fatalf("%d documents on %d pages", len(seen), len(pages))
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 45 {
		t.Error("a document shown twice")
	}
	// Back from the last page: the second page again.
	_, last := e.get(t, pages[2])
	prev := attr(last, "a[rel=prev]", "href")
	_, back := e.get(t, prev)
	_, second := e.get(t, pages[1])
	if !slices.Equal(numbers(back), numbers(second)) {
		t.Errorf("prev of the last page = %q, want %q", numbers(back), numbers(second))
	}
	if attr(last, "a[rel=first]", "href") != registerPath+"?type=C%C3%B4ng+v%C4%83n" {
		t.Errorf("first-page link = %q", attr(last, "a[rel=first]", "href"))
	}
	// A page past the end (the list shrank since the link was made): a
	// 200 that says so and leads to the first page, not "nothing matches".
	past := base64.RawURLEncoding.EncodeToString([]byte(`["a","0001-01-01","",""]`))
	res, doc := e.get(t, registerPath+"?type=C%C3%B4ng+v%C4%83n&page="+past)
	if res.StatusCode != http.StatusOK || len(numbers(doc)) != 0 {
		t.Fatalf("past the end: %d, %q", res.StatusCode, numbers(doc))
	}
	if !strings.Contains(text(doc, ".empty-results"), "sau trang cuối") ||
		attr(doc, ".empty-results a", "href") != registerPath+"?type=C%C3%B4ng+v%C4%83n" {
		t.Errorf("past the end: %q → %q", text(doc, ".empty-results"), attr(doc, ".empty-results a", "href"))
	}
}

func TestLegalDocumentPage(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	facts := func(doc *goquery.Document) map[string]string {
		m := map[string]string{}
		doc.Find("table.details tr").Each(func(_ int, tr *goquery.Selection) {
			m[strings.TrimSpace(tr.Find("th").Text())] = strings.Join(strings.Fields(tr.Find("td").Text()), " ")
		})
		return m
	}
	relations := func(doc *goquery.Document) []string {
		var out []string
		doc.Find("section.relations tbody tr").Each(func(_ int, tr *goquery.Selection) {
			href, _ := tr.Find("a").Attr("href")
			out = append(out, strings.Join(strings.Fields(tr.Find("th").Text()), " ")+" | "+
				strings.TrimSpace(tr.Find("td").First().Text())+" | "+href)
		})
		return out
	}

	res, doc := e.get(t, "/vi/so-tu-phap/qd-12-2025")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	f := facts(doc)
	for k, want := range map[string]string{"Số ký hiệu": "12/2025/QĐ-UBND", "Loại văn bản": "Quyết định",
		"Cơ quan ban hành": "UBND tỉnh Khánh Hòa", "Lĩnh vực": "Tài chính", "Người ký": "Nguyễn Văn An",
		"Ngày ban hành": "01/05/2025", "Ngày có hiệu lực": "15/05/2025"} {
		if f[k] != want {
			t.Errorf("%s = %q, want %q", k, f[k], want)
		}
	}
	if _, ok := f["Ngày hết hiệu lực"]; ok {
		t.Error("an expiry date row without a date")
	}
	if got := text(doc, "table.details .validity"); got != "Còn hiệu lực" {
		t.Errorf("validity = %q", got)
	}
	if got := relations(doc); !slices.Equal(got, []string{"Thay thế | 01/2020/QĐ-UBND | /vi/so-tu-phap/qd-01-2020"}) {
		t.Errorf("relations of the replacing document = %q", got)
	}
	if got := text(doc, ".attachments li"); got != "qd-12-2025.pdf – Toàn văn (application/pdf, 2,0 KB)" {
		t.Errorf("attachment = %q", got)
	}

	// The other way: the replaced document names what replaced it, and
	// is expired.
	_, doc = e.get(t, "/vi/so-tu-phap/qd-01-2020")
	if got := relations(doc); !slices.Equal(got, []string{"Bị thay thế bởi | 12/2025/QĐ-UBND | /vi/so-tu-phap/qd-12-2025"}) {
		t.Errorf("relations of the replaced document = %q", got)
	}
	if got := text(doc, "table.details .validity"); got != "Hết hiệu lực" {
		t.Errorf("validity = %q", got)
	}
	_, doc = e.get(t, "/vi/so-tu-phap/qd-20-2026")
	if got := relations(doc); !slices.Equal(got, []string{
		"Thay thế một phần | 05/2024/NQ-HĐND | /vi/so-tu-phap/nq-05-2024",
		"Sửa đổi, bổ sung | 99/2019/QĐ-UBND | "}) {
		t.Errorf("relations of the amending document = %q", got)
	}
	_, doc = e.get(t, "/en/so-tu-phap/nq-05-2024")
	if got := relations(doc); !slices.Equal(got, []string{"Replaced in part by | 20/2026/QĐ-UBND | /en/so-tu-phap/qd-20-2026"}) {
		t.Errorf("English relations of the partly replaced document = %q", got)
	}
	if got := text(doc, "table.details .validity"); got != "Partly expired" {
		t.Errorf("English validity = %q", got)
	}
	if got := attr(doc, "table.details td[lang=vi]", "lang"); got != "vi" {
		t.Error("the document's Vietnamese words are not marked")
	}
}

// A legal document's page is dropped from the cache on the day its
// validity changes, whatever the events.
func TestLegalDocumentPageExpiresWithItsValidity(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	_, doc := e.get(t, "/vi/so-tu-phap/qd-30-2026")
	if got := text(doc, "table.details .validity"); got != "Chưa có hiệu lực" {
		t.Fatalf("before: %q", got)
	}
	e.clock.Set(time.Date(2026, 6, 30, 23, 59, 0, 0, vietnam))
	_, doc = e.get(t, "/vi/so-tu-phap/qd-30-2026")
	if got := text(doc, "table.details .validity"); got != "Chưa có hiệu lực" {
		t.Errorf("the day before: %q", got)
	}
	e.clock.Set(time.Date(2026, 7, 1, 0, 0, 1, 0, vietnam))
	_, doc = e.get(t, "/vi/so-tu-phap/qd-30-2026")
	if got := text(doc, "table.details .validity"); got != "Còn hiệu lực" {
		t.Errorf("on the day it takes effect: %q", got)
	}
	// A document published later that replaces it: its page says so.
	it := legalItem("qd-40-2026", "Quyết định mới về du lịch biển", &pb.LegalDocument{Number: "40/2026/QĐ-UBND",
		DocumentType: "Quyết định", IssuerCode: "ubnd-tinh", IssuedOn: "2026-07-01",
		Relations: []*pb.LegalRelation{rel(pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES, "so-tu-phap", "qd-30-2026", "")}})
	e.put(t, "so-du-lich", it)
	seq := e.consumer.LastSequence()
	e.publish(t, "so-du-lich", it, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	e.waitSeq(t, seq)
	_, doc = e.get(t, "/vi/so-tu-phap/qd-30-2026")
	if got := text(doc, "table.details .validity"); got != "Hết hiệu lực" {
		t.Errorf("once replaced: %q", got)
	}
	if got := text(doc, "section.relations tbody th"); got != "Bị thay thế bởi" {
		t.Errorf("relation = %q", got)
	}
}

// An uncached page of the register with two filters asks the store twice:
// the facets with the total, then the page (issue 7 point 8).
func TestLegalRegisterQueries(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	e.get(t, registerPath) // the frame's registry is loaded once, not per page
	e.queries.take()
	res, doc := e.get(t, registerPath+"?type=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh&year=2026")
	if res.StatusCode != http.StatusOK || len(numbers(doc)) != 2 {
		t.Fatalf("status %d, rows %q", res.StatusCode, numbers(doc))
	}
	if q := e.queries.take(); len(q) != 2 {
		t.Errorf("%d queries, want 2: %v", len(q), q)
	}
}

// A sub-portal's register on its own host name: its documents, its links
// (form, pages, documents) on that host.
func TestLegalRegisterOnItsOwnHost(t *testing.T) {
	e := newClockedEnv(t, legalFixtureDay)
	legalFixture(t, e)
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sotuphap.localhost', 'so-tu-phap', true)`)
	e.tenantsChanged(t)
	u, _ := url.Parse(e.srv.URL)
	own := "sotuphap.localhost:" + u.Port()
	res, doc := e.get(t, "/vi/van-ban-phap-luat/?type=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh", "Host", own)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := numbers(doc); !slices.Equal(got, []string{"30/2026/QĐ-UBND", "20/2026/QĐ-UBND", "12/2025/QĐ-UBND", "01/2020/QĐ-UBND"}) {
		t.Errorf("the register on its host = %q", got)
	}
	if got := attr(doc, "form.finder-form", "action"); got != "/vi/van-ban-phap-luat/" {
		t.Errorf("form action = %q", got)
	}
	if got := attr(doc, "table.register tbody th a", "href"); got != "/vi/qd-30-2026" {
		t.Errorf("document link = %q", got)
	}
	// Its provincial path answers 301 to its host, filters kept.
	res, _ = e.get(t, "/vi/so-tu-phap/van-ban-phap-luat/?type=Quy%E1%BA%BFt+%C4%91%E1%BB%8Bnh")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(loc, "http://"+own+"/vi/van-ban-phap-luat/?") {
		t.Errorf("provincial path: %d %q", res.StatusCode, loc)
	}
}

// The register's page is dropped from the cache at midnight in Vietnam:
// the validities it shows are those of the day.
func TestLegalRegisterExpiresAtMidnight(t *testing.T) {
	e := newClockedEnv(t, time.Date(2026, 6, 30, 23, 59, 30, 0, vietnam))
	legalFixture(t, e)
	path := registerPath + "?number=30%2F2026"
	_, doc := e.get(t, path)
	if got := registerRows(doc); len(got) != 1 || got[0][4] != "Chưa có hiệu lực" {
		t.Fatalf("on 30 June: %q", got)
	}
	e.clock.Advance(31 * time.Second) // 1 July 00:00:01, well within the cache's MaxAge
	_, doc = e.get(t, path)
	if got := registerRows(doc); len(got) != 1 || got[0][4] != "Còn hiệu lực" {
		t.Errorf("on 1 July: %q", got)
	}
}
