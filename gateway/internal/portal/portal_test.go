package portal_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

var t0 = time.Date(2025, 7, 1, 1, 30, 0, 0, time.UTC) // 08:30 in Nha Trang

// seed creates two tenants and items in every state.
func seed(t testing.TB, e *env) (pdfSHA string) {
	e.tenant(t, "sotttt", "department", "Sở Thông tin và Truyền thông", "Department of Information and Communications", "Департамент информации и связи")
	e.tenant(t, "nhatrang", "ward", "Phường Nha Trang", "", "")
	pdf := []byte("%PDF-1.7 quyết định số 15")
	pdfSHA = e.blob(t, pdf, "application/pdf")
	other := e.blob(t, []byte("unlisted"), "text/plain")
	_ = other

	festival := article("le-hoi", 3, t0,
		tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang", "Tóm tắt <script>alert(1)</script>", "<p>Nội dung <strong>đậm</strong></p>"),
		tr("en", "sea-festival", "Nha Trang Sea Festival", "Summary", "<p>Body <strong>bold</strong></p>"))
	festival.Attachments = []*pb.Attachment{{Sha256: pdfSHA, Filename: "Quyết định số 15.pdf", MediaType: "application/pdf", Title: "Toàn văn"}}
	e.put(t, "sotttt", festival)
	e.exec(t, `INSERT INTO slug_history (tenant_id, locale, slug, content_id) VALUES ('sotttt', 'vi', 'le-hoi-cu', 'le-hoi')`)

	legal := article("qd-15", 1, t0.Add(time.Hour), tr("vi", "quyet-dinh-15", "Quyết định 15/2025/QĐ-UBND", "", "<p>Văn bản</p>"))
	legal.Kind, legal.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	legal.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "15/2025/QĐ-UBND",
		DocumentType: "Quyết định", Issuer: "UBND tỉnh Khánh Hòa", IssuedOn: "2025-06-30", Validity: pb.LegalValidity_LEGAL_VALIDITY_IN_FORCE}}
	e.put(t, "sotttt", legal)

	org := article("ban-giam-doc", 1, t0.Add(2*time.Hour), tr("vi", "ban-giam-doc", "Ban Giám đốc", "", ""))
	org.Kind, org.Category = pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, "organisation"
	org.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: &pb.OrganisationUnit{Address: "01 Trần Phú",
		Officials: []*pb.Official{{Name: "Phạm Văn A", Position: "Giám đốc", PositionEn: "Director", Email: "a@khanhhoa.gov.vn"}}}}
	e.put(t, "sotttt", org)

	proc := article("goi-thau-1", 1, t0.Add(3*time.Hour), tr("vi", "goi-thau-1", "Gói thầu số 1", "", ""))
	proc.Kind, proc.Category = pb.ContentKind_CONTENT_KIND_PROCUREMENT_NOTICE, "procurement"
	proc.Details = &pb.ContentItem_ProcurementNotice{ProcurementNotice: &pb.ProcurementNotice{NoticeType: "procurement",
		ValueVnd: 1250000000, ClosesAt: timestamppb.New(t0.Add(240 * time.Hour))}}
	e.put(t, "sotttt", proc)

	withdrawn := article("thong-bao-cu", 2, t0, tr("vi", "thong-bao-cu", "Thông báo cũ", "", "<p>Cũ</p>"))
	withdrawn.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
	withdrawn.Unpublishing = &pb.Unpublishing{Reason: "Đã có thông báo thay thế."}
	e.put(t, "sotttt", withdrawn)

	gone := article("bai-xoa", 2, t0, tr("vi", "bai-xoa", "Bài đã xóa", "", ""))
	gone.State = pb.PublicationState_PUBLICATION_STATE_GONE
	e.put(t, "sotttt", gone)

	moved := article("bai-chuyen", 2, t0, tr("vi", "bai-chuyen", "Bài đã chuyển", "", ""))
	moved.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	moved.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "nhatrang", ContentId: "tin-phuong"}}
	e.put(t, "sotttt", moved)

	away := article("bai-ngoai", 2, t0, tr("vi", "bai-ngoai", "Bài chuyển ra ngoài", "", ""))
	away.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	away.Unpublishing = &pb.Unpublishing{SuccessorUrl: "https://dichvucong.gov.vn/p/home"}
	e.put(t, "sotttt", away)

	ward := article("tin-phuong", 1, t0.Add(5*time.Hour), tr("vi", "tin-phuong", "Tin phường", "", ""),
		tr("ru", "novosti", "Новости квартала", "", ""))
	e.put(t, "nhatrang", ward)

	down := article("vi-pham", 1, t0, tr("vi", "vi-pham", "Bài vi phạm", "", ""))
	down.Attachments = []*pb.Attachment{{Sha256: pdfSHA, Filename: "x.pdf", MediaType: "application/pdf"}}
	e.put(t, "nhatrang", down)
	e.exec(t, `UPDATE items SET takedown_reason = 'Thông tin sai sự thật', taken_down_at = now() WHERE content_id = 'vi-pham'`)
	return pdfSHA
}

func wantStatus(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", res.Request.URL.Path, res.StatusCode, want)
	}
}

func oneH1(t *testing.T, doc *goquery.Document) string {
	t.Helper()
	if n := doc.Find("h1").Length(); n != 1 {
		t.Errorf("%d <h1> elements, want 1", n)
	}
	return text(doc, "h1")
}

// checkLayout asserts what every page has: lang, landmarks, skip link, the
// language switcher, the stylesheet and the security headers.
func checkLayout(t *testing.T, res *http.Response, doc *goquery.Document, lang string) {
	t.Helper()
	if got := attr(doc, "html", "lang"); got != lang {
		t.Errorf("html lang = %q, want %q", got, lang)
	}
	for _, sel := range []string{"header", "nav.languages", "main#main", "footer", `a.skip-link[href="#main"]`, `link[rel=stylesheet]`} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("no %s", sel)
		}
	}
	if got := len(texts(doc, "nav.languages a[hreflang]")); got != 3 {
		t.Errorf("language switcher has %d links, want 3", got)
	}
	if doc.Find("script").Length() != 0 {
		t.Error("page has a script element")
	}
	for h, want := range map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if res.Header.Get("Permissions-Policy") == "" {
		t.Error("no Permissions-Policy")
	}
}

func TestPages(t *testing.T) {
	e := newEnv(t)
	sha := seed(t, e)

	t.Run("provincial home", func(t *testing.T) {
		for lang, name := range map[string]string{"vi": "Cổng thông tin điện tử tỉnh Khánh Hòa",
			"en": "Khanh Hoa Provincial Portal", "ru": "Портал провинции Кханьхоа"} {
			res, doc := e.get(t, "/"+lang+"/")
			wantStatus(t, res, 200)
			checkLayout(t, res, doc, lang)
			if got := oneH1(t, doc); got != name {
				t.Errorf("%s h1 = %q, want %q", lang, got, name)
			}
			if got := attr(doc, `link[rel=alternate][hreflang=ru]`, "href"); got != e.srv.URL+"/ru/" {
				t.Errorf("ru alternate = %q", got)
			}
		}
		_, doc := e.get(t, "/en/")
		titles := texts(doc, ".subportals-newest h3 a")
		if len(titles) == 0 || titles[0] != "Tin phường" {
			t.Errorf("latest = %v, want the ward's item first", titles)
		}
		if got := attr(doc, `.subportals-newest h3 a:contains("Tin phường")`, "lang"); got != "vi" {
			t.Errorf("untranslated title lang = %q, want vi", got)
		}
		if all := texts(doc, homeItems); !contains(all, "Nha Trang Sea Festival") || contains(all, "Thông báo cũ") || contains(all, "Bài vi phạm") {
			t.Errorf("latest = %v: want the English title, no withdrawn or taken-down items", titles)
		}
		if got := attr(doc, `.subportals-newest .meta a[href="/en/sotttt/"]`, "href"); got == "" {
			t.Error("no link to the sub-portal")
		}
		if got := text(doc, ".portals .count"); got != "2 sub-portals" {
			t.Errorf("portal count = %q", got)
		}
	})

	t.Run("sub-portal home", func(t *testing.T) {
		res, doc := e.get(t, "/ru/sotttt/")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "ru")
		if got := oneH1(t, doc); got != "Департамент информации и связи" {
			t.Errorf("h1 = %q", got)
		}
		if got := text(doc, "main > p.count"); got != "4 материала" {
			t.Errorf("count = %q, want 4 материала", got)
		}
		if got := texts(doc, ".categories h2"); !contains(got, "Новости и события (1 материал)") {
			t.Errorf("categories = %v", got)
		}
		if got := attr(doc, `link[rel=alternate][hreflang=en]`, "href"); got != e.srv.URL+"/en/sotttt/" {
			t.Errorf("en alternate = %q", got)
		}
		if got := attr(doc, ".brand-name a", "href"); got != "/ru/sotttt/" {
			t.Errorf("sub-portal nav = %q", got)
		}
	})

	t.Run("item", func(t *testing.T) {
		res, doc := e.get(t, "/vi/sotttt/le-hoi-bien")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "vi")
		if got := oneH1(t, doc); got != "Lễ hội biển Nha Trang" {
			t.Errorf("h1 = %q", got)
		}
		if got := text(doc, ".body strong"); got != "đậm" {
			t.Errorf("body HTML not rendered: strong = %q", got)
		}
		if got := text(doc, ".summary"); got != "Tóm tắt <script>alert(1)</script>" {
			t.Errorf("summary = %q, want the escaped text", got)
		}
		if got := texts(doc, ".credits dt"); strings.Join(got, "|") != "Người viết|Biên tập|Duyệt" {
			t.Errorf("credits = %v", got)
		}
		if got := texts(doc, ".credits dd"); strings.Join(got, "|") != "Nguyễn Thị Viết|Lê Văn Biên|Trần Văn Duyệt" {
			t.Errorf("credits = %v", got)
		}
		if got := text(doc, ".item-header time"); got != "08:30, 01/07/2025 (GMT+7)" {
			t.Errorf("publish time = %q", got)
		}
		if got := attr(doc, ".item-header time", "datetime"); got != "2025-07-01T08:30:00+07:00" {
			t.Errorf("datetime = %q", got)
		}
		link := doc.Find(".attachments a").First()
		if href, _ := link.Attr("href"); !strings.HasPrefix(href, "/files/sotttt/le-hoi/") || link.Text() != "Quyết định số 15.pdf" {
			t.Errorf("attachment link %q %q", href, link.Text())
		}
		if got := attr(doc, `link[rel=alternate][hreflang=en]`, "href"); got != e.srv.URL+"/en/sotttt/sea-festival" {
			t.Errorf("en alternate = %q", got)
		}
		if doc.Find(`link[rel=alternate][hreflang=ru]`).Length() != 0 {
			t.Error("hreflang ru advertised for an item without a Russian translation")
		}
		if got := attr(doc, `nav.languages a[hreflang=ru]`, "href"); got != "/ru/sotttt/le-hoi-bien" {
			t.Errorf("switcher ru = %q", got)
		}
		if doc.Find(".notice").Length() != 0 {
			t.Error("notice on a published, translated item")
		}

		res, doc = e.get(t, "/en/sotttt/sea-festival")
		wantStatus(t, res, 200)
		if got := oneH1(t, doc); got != "Nha Trang Sea Festival" {
			t.Errorf("en h1 = %q", got)
		}
		if got := texts(doc, ".credits dt"); strings.Join(got, "|") != "Author|Editor|Approved by" {
			t.Errorf("en credits = %v", got)
		}
	})

	t.Run("fallback to Vietnamese", func(t *testing.T) {
		res, doc := e.get(t, "/ru/sotttt/le-hoi-bien")
		wantStatus(t, res, 200)
		checkLayout(t, res, doc, "ru")
		if got := text(doc, ".notice-fallback"); got != "Этот материал ещё не переведён; показана версия на вьетнамском языке." {
			t.Errorf("fallback notice = %q", got)
		}
		if got := attr(doc, "h1", "lang"); got != "vi" {
			t.Errorf("h1 lang = %q, want vi", got)
		}
		if got := attr(doc, ".item-content", "lang"); got != "vi" {
			t.Errorf("content lang = %q, want vi", got)
		}
	})

	t.Run("kind details", func(t *testing.T) {
		_, doc := e.get(t, "/en/sotttt/quyet-dinh-15")
		rows := map[string]string{}
		doc.Find("table.details tr").Each(func(_ int, s *goquery.Selection) {
			rows[strings.TrimSpace(s.Find("th").Text())] = strings.TrimSpace(s.Find("td").Text())
		})
		for k, v := range map[string]string{"Document number": "15/2025/QĐ-UBND", "Document type": "Quyết định", "Issued by": "UBND tỉnh Khánh Hòa",
			"Issued on": "30 June 2025", "Validity": "In force"} {
			if rows[k] != v {
				t.Errorf("legal row %q = %q, want %q (rows %v)", k, rows[k], v, rows)
			}
		}
		if got := attr(doc, `table.details tr:contains("Issued by") td`, "lang"); got != "vi" {
			t.Errorf("tenant text lang = %q, want vi", got)
		}
		_, doc = e.get(t, "/en/sotttt/ban-giam-doc")
		if got := texts(doc, "table.officials tbody tr > *"); strings.Join(got[:3], "|") != "Phạm Văn A|Director|" {
			t.Errorf("officials = %v", got)
		}
		_, doc = e.get(t, "/vi/sotttt/goi-thau-1")
		if got := text(doc, `table.details tr:contains("Giá trị") td`); got != "1.250.000.000 đồng" {
			t.Errorf("value = %q", got)
		}
		if got := text(doc, `table.details tr:contains("Đóng thầu") td`); got != "08:30, 11/07/2025 (GMT+7)" {
			t.Errorf("closes = %q", got)
		}
	})

	t.Run("withdrawn", func(t *testing.T) {
		res, doc := e.get(t, "/en/sotttt/thong-bao-cu")
		wantStatus(t, res, 200)
		if got := text(doc, ".notice-withdrawn h2"); got != "This content has been withdrawn" {
			t.Errorf("notice = %q", got)
		}
		if got := text(doc, ".notice-withdrawn .reason"); got != "Đã có thông báo thay thế." {
			t.Errorf("reason = %q", got)
		}
	})

	t.Run("redirects", func(t *testing.T) {
		for _, tt := range []struct{ path, want string }{
			{"/vi/sotttt/le-hoi-cu", "/vi/sotttt/le-hoi-bien"},    // old slug
			{"/en/sotttt/le-hoi-cu", "/en/sotttt/sea-festival"},   // old slug, other locale
			{"/en/sotttt/le-hoi-bien", "/en/sotttt/sea-festival"}, // another locale's slug
			{"/vi/sotttt/sea-festival", "/vi/sotttt/le-hoi-bien"},
			{"/ru/sotttt/bai-chuyen", "/ru/nhatrang/novosti"}, // redirected to another tenant's item
			{"/vi/sotttt/bai-chuyen", "/vi/nhatrang/tin-phuong"},
			{"/vi/sotttt/bai-ngoai", "https://dichvucong.gov.vn/p/home"},
		} {
			res, _ := e.get(t, tt.path)
			if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != tt.want {
				t.Errorf("%s: %d %q, want 301 %q", tt.path, res.StatusCode, res.Header.Get("Location"), tt.want)
			}
		}
	})

	t.Run("gone and taken down", func(t *testing.T) {
		res, doc := e.get(t, "/vi/sotttt/bai-xoa")
		wantStatus(t, res, http.StatusGone)
		checkLayout(t, res, doc, "vi")
		if got := oneH1(t, doc); got != "Nội dung không còn" {
			t.Errorf("410 h1 = %q", got)
		}
		res, doc = e.get(t, "/en/nhatrang/vi-pham")
		wantStatus(t, res, http.StatusUnavailableForLegalReasons)
		if got := oneH1(t, doc); got != "Content temporarily taken down" {
			t.Errorf("451 h1 = %q", got)
		}
		if got := text(doc, ".reason"); got != "Thông tin sai sự thật" {
			t.Errorf("451 reason = %q", got)
		}
	})

	t.Run("not found", func(t *testing.T) {
		for path, want := range map[string]string{
			"/vi/sotttt/khong-co": "Không tìm thấy trang",
			"/en/khong-co/":       "Page not found",
			"/ru/sotttt/x/y/z":    "Страница не найдена",
			"/de/":                "Không tìm thấy trang",
			// Segments that cannot name anything: the store is not asked
			// (PostgreSQL refuses NUL and broken UTF-8), still a 404 page.
			"/vi/%00/":       "Không tìm thấy trang",
			"/en/sotttt/%00": "Page not found",
			"/en/sotttt/%ff": "Page not found",
			"/vi/%ff/x":      "Không tìm thấy trang",
			"/vi/sotttt/" + strings.Repeat("%C3%A1", 200): "Không tìm thấy trang",
			"/files/sotttt/%00/" + sha:                    "Không tìm thấy trang",
			"/files/%ff/le-hoi/" + sha:                    "Không tìm thấy trang",
		} {
			res, doc := e.get(t, path)
			wantStatus(t, res, http.StatusNotFound)
			if got := oneH1(t, doc); got != want {
				t.Errorf("%s: h1 = %q, want %q", path, got, want)
			}
		}
	})

	t.Run("language negotiation", func(t *testing.T) {
		for accept, want := range map[string]string{"ru-RU,ru;q=0.9": "/ru/", "en-GB": "/en/", "": "/vi/", "fr": "/vi/"} {
			res, _ := e.get(t, "/", "Accept-Language", accept)
			if res.StatusCode != http.StatusFound || res.Header.Get("Location") != want {
				t.Errorf("Accept-Language %q: %d %q, want 302 %q", accept, res.StatusCode, res.Header.Get("Location"), want)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary = %q", res.Header.Get("Vary"))
			}
		}
	})

	t.Run("stylesheet", func(t *testing.T) {
		_, doc := e.get(t, "/vi/")
		href := attr(doc, `link[rel=stylesheet]`, "href")
		res, err := client.Get(e.srv.URL + href)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
			t.Errorf("%s: %d %q %q", href, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
		}
	})

	t.Run("readyz", func(t *testing.T) {
		ops := httptest.NewServer(e.portal.OpsHandler())
		defer ops.Close()
		res, err := client.Get(ops.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), "content_stream_last_sequence") {
			t.Errorf("readyz: %d %s", res.StatusCode, b)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
