package backoffice

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

func TestSecurityHeadersAndLoginRedirect(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	resp, _ := b.get("/")
	if got := location(t, resp); got != "/dang-nhap" {
		t.Errorf("anonymous / redirects to %q, want /dang-nhap", got)
	}
	resp, doc := b.get("/dang-nhap")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login page: status %d", resp.StatusCode)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"Cache-Control":          "no-store",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if n := doc.Find("h1").Length(); n != 1 {
		t.Errorf("%d h1, want 1", n)
	}
	if got, _ := doc.Find("html").Attr("lang"); got != "vi" {
		t.Errorf("lang = %q, want vi", got)
	}
	for _, id := range []string{"username", "password"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("input %s has no label", id)
		}
	}
	if doc.Find("main#main").Length() != 1 || doc.Find("header").Length() == 0 {
		t.Error("landmarks missing")
	}
	// No inline script or style anywhere.
	if doc.Find("script:not([src]), style, [style]").Length() != 0 {
		t.Error("inline script or style on the login page")
	}
}

func TestLoginLogoutAndBadPassword(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	resp, doc := b.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {"sai-mat-khau-123"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad password: status %d, want 401", resp.StatusCode)
	}
	if got := errorSummary(doc); !strings.Contains(got, "Tên đăng nhập hoặc mật khẩu không đúng") {
		t.Errorf("error summary %q, want the Vietnamese bad-credentials message", got)
	}
	if got, _ := doc.Find("#username").Attr("value"); got != "tacgia" {
		t.Errorf("username not kept: %q", got)
	}

	resp, doc = b.postForm("/dang-nhap", url.Values{"username": {""}, "password": {""}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("empty form: status %d", resp.StatusCode)
	}
	if href, _ := doc.Find(".error-summary a").First().Attr("href"); href != "#username" {
		t.Errorf("first error links to %q, want #username", href)
	}
	if got, _ := doc.Find("#username").Attr("aria-describedby"); !strings.Contains(got, "err-username") {
		t.Errorf("username aria-describedby = %q", got)
	}

	resp, _ = b.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {testPassword}, "next": {"/noi-dung"}})
	if got := location(t, resp); got != "/noi-dung" {
		t.Errorf("login redirects to %q, want /noi-dung", got)
	}
	resp, doc = b.get("/")
	if resp.StatusCode != http.StatusOK || text(doc, "h1") != "Việc cần làm" {
		t.Fatalf("dashboard: %d %q", resp.StatusCode, text(doc, "h1"))
	}
	resp, _ = b.postForm("/dang-xuat", url.Values{})
	if got := location(t, resp); got != "/dang-nhap" {
		t.Errorf("logout redirects to %q", got)
	}
	resp, _ = b.get("/")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout / answers %d, want 303 to the login page", resp.StatusCode)
	}
}

func TestLockoutMessage(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	var doc *goquery.Document
	var resp *http.Response
	for i := 0; i < 6; i++ {
		resp, doc = b.postForm("/dang-nhap", url.Values{"username": {"bientap"}, "password": {"khong-dung-dau-123"}})
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("locked: status %d, want 403", resp.StatusCode)
	}
	if got := errorSummary(doc); !strings.Contains(got, "tạm khoá") {
		t.Errorf("error %q, want the Vietnamese lockout message", got)
	}
	// Even the right password is refused while locked.
	resp, doc = b.postForm("/dang-nhap", url.Values{"username": {"bientap"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(errorSummary(doc), "tạm khoá") {
		t.Errorf("right password while locked: %d %q", resp.StatusCode, errorSummary(doc))
	}
}

func TestCSRFRefused(t *testing.T) {
	f := newFixture(t)
	// Login without a token, or with a forged one: 403, no session.
	for name, form := range map[string]url.Values{
		"missing": {"username": {"tacgia"}, "password": {testPassword}},
		"forged":  {"username": {"tacgia"}, "password": {testPassword}, "csrf_token": {"Zm9yZ2VkLXRva2Vu"}},
	} {
		b := f.browser()
		b.token("/dang-nhap") // the anonymous cookie exists; only the field is wrong
		resp, doc := b.postRaw("/dang-nhap", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("login, %s token: status %d, want 403", name, resp.StatusCode)
		}
		if !strings.Contains(text(doc, "main"), "tải lại trang") {
			t.Errorf("login, %s token: page says %q", name, text(doc, "main"))
		}
		if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("login, %s token: a session was started", name)
		}
	}

	// A logged-in author: changing the password or saving a draft without
	// the session's token changes nothing.
	b := f.login("tacgia")
	before := f.revisionCount()
	for name, tok := range map[string]string{"missing": "", "forged": "Zm9yZ2VkLXRva2Vu"} {
		form := url.Values{"old_password": {testPassword}, "new_password": {"mat-khau-moi-2027"}, "new_password2": {"mat-khau-moi-2027"}}
		if tok != "" {
			form.Set("csrf_token", tok)
		}
		if resp, _ := b.postRaw("/mat-khau", form); resp.StatusCode != http.StatusForbidden {
			t.Errorf("password change, %s token: status %d, want 403", name, resp.StatusCode)
		}
		art := article("Bài giả mạo")
		art.Set("csrf_token", tok)
		if resp, _ := b.postMultipart("/noi-dung/moi?kind=article", art); resp.StatusCode != http.StatusForbidden {
			t.Errorf("save, %s token: status %d, want 403", name, resp.StatusCode)
		}
	}
	if got := f.revisionCount(); got != before {
		t.Errorf("revisions %d -> %d after refused posts", before, got)
	}
	if _, err := f.accounts.Login(context.Background(), "tacgia", testPassword); err != nil {
		t.Errorf("old password no longer works: %v", err)
	}
}

// writeArticle has author save and submit a new article; it returns the
// revision's editor path.
func writeArticle(t *testing.T, b *browser, title string, files ...file) string {
	t.Helper()
	form := article(title)
	form.Set("op", "submit")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form, files...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d, errors %q", resp.StatusCode, errorSummary(doc))
	}
	return location(t, resp)
}

func TestAuthorSubmitsApproverApproves(t *testing.T) {
	f := newFixture(t)
	author := f.login("tacgia")
	revPath := writeArticle(t, author, "Khai mạc Lễ hội Biển Nha Trang 2027",
		file{"files", "Kế hoạch tổ chức lễ hội.pdf", pdfData})

	// The author sees the revision, submitted, with no approve form.
	resp, doc := author.get(revPath)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("editor: %d", resp.StatusCode)
	}
	if n := doc.Find(`form[action$="/approve"]`).Length(); n != 0 {
		t.Errorf("author sees %d approve forms", n)
	}
	if got := doc.Find("td[lang=vi]").First().Text(); !strings.Contains(got, "Kế hoạch tổ chức lễ hội.pdf") {
		t.Errorf("attachment shown as %q, want the Vietnamese file name", got)
	}
	// ... and cannot approve by posting anyway.
	resp, _ = author.postForm(revPath+"/approve", url.Values{"when": {"now"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("author approve: status %d, want 403", resp.StatusCode)
	}
	if rows, _ := f.store.ListOutbox(context.Background(), "", 10); len(rows) != 0 {
		t.Fatalf("outbox has %d rows after the author's refused approval", len(rows))
	}

	// The approver sees it waiting, and approves it with a royalty.
	approver := f.login("duyet")
	_, doc = approver.get("/")
	if doc.Find(`section[aria-labelledby="d-approval"] a[href="`+revPath+`"], section[aria-labelledby="d-review"] a[href="`+revPath+`"]`).Length() == 0 {
		t.Errorf("approver's dashboard does not list %s", revPath)
	}
	_, doc = approver.get(revPath)
	if doc.Find(`form[action="`+revPath+`/approve"]`).Length() != 1 {
		t.Fatal("approver has no approve form")
	}
	resp, doc = approver.postForm(revPath+"/approve", url.Values{"when": {"now"},
		"c_0_name": {"Phóng viên Lê Thị Hoa"}, "c_0_role": {"author"}, "c_0_points": {"12,5"}, "c_0_amount": {"1.250.000"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %q", resp.StatusCode, errorSummary(doc))
	}
	itemPath := location(t, resp)
	rows, err := f.store.ListOutbox(context.Background(), "", 10)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox: %v, %d rows, want 1", err, len(rows))
	}
	if "/noi-dung/"+rows[0].ContentID != itemPath {
		t.Errorf("redirected to %s, outbox row is for %s", itemPath, rows[0].ContentID)
	}
	_, doc = approver.get(itemPath)
	if got := text(doc, ".status.pending"); got != "Đang gửi" {
		t.Errorf("push status %q, want Đang gửi", got)
	}

	// The royalties CSV of this month holds the contributor.
	month := time.Now().In(vnZone).Format("2006-01")
	raw := approver.getRaw("/nhuan-but.csv?period=month&month=" + month)
	if raw.resp.StatusCode != http.StatusOK || !strings.HasPrefix(raw.resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", raw.resp.StatusCode, raw.resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(raw.resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV Content-Disposition %q", raw.resp.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw.body), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, raw.body)
	}
	var found bool
	for _, rec := range records {
		if strings.Contains(strings.Join(rec, "|"), "Phóng viên Lê Thị Hoa") && strings.Contains(strings.Join(rec, "|"), "1250000") {
			found = true
		}
	}
	if !found {
		t.Errorf("CSV lacks the contributor with 1250000 đồng:\n%s", raw.body)
	}
	_, doc = approver.get("/nhuan-but?period=month&month=" + month)
	if doc.Find("table tbody tr").Length() == 0 || !strings.Contains(doc.Find("table").Text(), "Phóng viên Lê Thị Hoa") {
		t.Error("royalties page lacks the contributor")
	}
	// The author is no royalties reader.
	if resp, _ := author.get("/nhuan-but"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("author royalties: %d, want 403", resp.StatusCode)
	}
}

func TestRefusedPushIsExplained(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.Approve(ctx, storeArticle("ngay-hoi-du-lich", "Ngày hội du lịch")); err != nil {
		t.Fatal(err)
	}
	rows, _ := f.store.ListOutbox(ctx, "", 10)
	if err := f.store.Refuse(ctx, rows[0].ID, store.Refusal{Code: "AlreadyExists", Reason: "SLUG_TAKEN",
		Description: "slug taken", MessageVI: "Đường dẫn đã được dùng."}); err != nil {
		t.Fatal(err)
	}
	b := f.login("bientap")
	_, doc := b.get("/chua-gui")
	row := doc.Find("tbody tr").First()
	if !strings.Contains(row.Text(), "ngay-hoi-du-lich") || !strings.Contains(row.Find(".status.refused").Text(), "Bị từ chối") {
		t.Errorf("not-delivered row: %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if got := row.Find(".refusal").Text(); !strings.Contains(got, "Đổi đường dẫn") || !strings.Contains(got, "SLUG_TAKEN") {
		t.Errorf("refusal explained as %q", strings.Join(strings.Fields(got), " "))
	}
	// In English, the explanation is English.
	_, doc = b.get("/noi-dung/ngay-hoi-du-lich?lang=en")
	if got := doc.Find(".refusal").Text(); !strings.Contains(got, "Change the slug") {
		t.Errorf("English explanation %q", strings.Join(strings.Fields(got), " "))
	}
}

func TestAuthorCannotEditAnothersDraft(t *testing.T) {
	f := newFixture(t)
	owner := f.login("tacgia")
	resp, _ := owner.postMultipart("/noi-dung/moi?kind=article", article("Bản nháp của Hoa"))
	revPath := location(t, resp)
	other := f.login("tacgia2")
	_, doc := other.get(revPath)
	if doc.Find(`fieldset[disabled]`).Length() == 0 {
		t.Error("another author's draft is editable")
	}
	form := article("Đã bị sửa trộm")
	resp, doc = other.postMultipart(revPath, form)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("edit another's draft: status %d, want 403", resp.StatusCode)
	}
	if !strings.Contains(text(doc, "main"), "tác giả") {
		t.Errorf("refusal says %q", text(doc, "main"))
	}
	for _, action := range []string{"submit", "discard"} {
		if resp, _ := other.postForm(revPath+"/"+action, url.Values{}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s another's draft: status %d, want 403", action, resp.StatusCode)
		}
	}
	_, doc = owner.get(revPath)
	if got, _ := doc.Find("#vi_title").Attr("value"); got != "Bản nháp của Hoa" {
		t.Errorf("title is now %q", got)
	}
}

func TestDisabledAccountCannotLogIn(t *testing.T) {
	f := newFixture(t)
	admin := f.login("quantri")
	author := f.login("tacgia")
	resp, doc := admin.postForm("/quan-tri/tai-khoan/"+itoa(f.ids["tacgia"]), url.Values{"op": {"disable"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d %q", resp.StatusCode, errorSummary(doc))
	}
	// The open session ends with the account.
	if resp, _ := author.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled account's session still works: %d", resp.StatusCode)
	}
	b := f.browser()
	resp, doc = b.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("disabled login: status %d, want 403", resp.StatusCode)
	}
	if got := errorSummary(doc); !strings.Contains(got, "vô hiệu hoá") {
		t.Errorf("disabled login says %q", got)
	}
	// Only administrators manage accounts.
	if resp, _ := f.login("duyet").get("/quan-tri/tai-khoan"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approver on the accounts page: %d, want 403", resp.StatusCode)
	}
	_, doc = admin.get("/quan-tri/nhat-ky")
	if !strings.Contains(doc.Find("tbody").Text(), "Vô hiệu hoá tài khoản") {
		t.Error("audit log lacks the disabling")
	}
}

func TestUploadsRefusedClearly(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	big := append(append([]byte{}, pdfData...), make([]byte, testUploadLimit)...)
	for _, tc := range []struct {
		name string
		f    file
		want string
	}{
		{"oversized", file{"files", "Báo cáo năm.pdf", big}, "quá lớn"},
		{"png named pdf", file{"files", "Quyết định.pdf", pngData}, "có đuôi .pdf nhưng nội dung lại là ảnh PNG"},
		{"svg", file{"files", "logo.svg", svgData}, "không nhận SVG"},
		{"svg named png", file{"files", "logo.png", svgData}, "không nhận SVG"},
	} {
		before := f.revisionCount()
		resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có tệp"), tc.f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
		}
		if got := errorSummary(doc); !strings.Contains(got, tc.want) {
			t.Errorf("%s: errors %q, want %q", tc.name, got, tc.want)
		}
		if href, _ := doc.Find(".error-summary a").First().Attr("href"); href != "#files" {
			t.Errorf("%s: error links to %q, want #files", tc.name, href)
		}
		if got, _ := doc.Find("#files").Attr("aria-describedby"); !strings.Contains(got, "err-files") {
			t.Errorf("%s: #files aria-describedby %q", tc.name, got)
		}
		if got, _ := doc.Find("#vi_title").Attr("value"); got != "Bài có tệp" {
			t.Errorf("%s: the form came back without its title (%q)", tc.name, got)
		}
		if got := f.revisionCount(); got != before {
			t.Errorf("%s: a revision was stored", tc.name)
		}
	}
	// A PNG named as one is fine.
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có ảnh"), file{"files", "Ảnh đêm hội.png", pngData})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("png: %d %q", resp.StatusCode, errorSummary(doc))
	}
}

func TestPreviewStoresNothing(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	form := article("Xem trước bài viết")
	form.Set("op", "preview")
	form.Set("en_title", "Preview of an article")
	form.Set("en_body", "Hello <script>alert(1)</script> *world*")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if got := doc.Find(`fieldset[lang="vi"] .preview strong`).Text(); got != "chính" {
		t.Errorf("vi preview strong = %q", got)
	}
	if doc.Find(".preview script").Length() != 0 {
		t.Error("the preview carries a script")
	}
	if got, _ := doc.Find("#vi_slug").Attr("value"); got != "xem-truoc-bai-viet" {
		t.Errorf("slug made from the title = %q", got)
	}
	if f.revisionCount() != 0 {
		t.Error("preview stored a revision")
	}
}

func TestEditorRejectsBadDetails(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=legal", url.Values{"category": {"legal"}, "vi_title": {"Quyết định về quy chế"},
		"legal_issued": {"31/12/2025"}, "op": {"save"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, id := range []string{"legal_number", "legal_issued"} {
		if doc.Find(`.error-summary a[href="#`+id+`"]`).Length() != 1 {
			t.Errorf("no summary link to #%s: %q", id, errorSummary(doc))
		}
		if got, _ := doc.Find("#" + id).Attr("aria-invalid"); got != "true" {
			t.Errorf("#%s not marked invalid", id)
		}
	}
	if !strings.HasPrefix(text(doc, "title"), "Lỗi:") {
		t.Errorf("title %q does not say there is an error", text(doc, "title"))
	}
	// Every kind's editor renders with its fields.
	for _, k := range kinds {
		resp, doc := b.get("/noi-dung/moi?kind=" + k.Name)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s editor: %d", k.Name, resp.StatusCode)
			continue
		}
		doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			if id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0 {
				t.Errorf("%s editor: a field (id %q, name %q) has no label", k.Name, id, s.AttrOr("name", ""))
			}
		})
	}
}

func TestLanguageSwitch(t *testing.T) {
	f := newFixture(t)
	b := f.browser()
	_, doc := b.get("/dang-nhap?lang=en")
	if got, _ := doc.Find("html").Attr("lang"); got != "en" || text(doc, "h1") != "Log in" {
		t.Errorf("?lang=en: lang %q h1 %q", got, text(doc, "h1"))
	}
	_, doc = b.get("/dang-nhap")
	if text(doc, "h1") != "Log in" {
		t.Errorf("the cookie did not keep English: %q", text(doc, "h1"))
	}
	if doc.Find(`a[hreflang="vi"]`).Length() != 1 {
		t.Error("no link back to Vietnamese")
	}
	_, doc = b.get("/dang-nhap?lang=vi")
	if text(doc, "h1") != "Đăng nhập" {
		t.Errorf("?lang=vi: %q", text(doc, "h1"))
	}
	// Errors follow the language.
	b.get("/dang-nhap?lang=en")
	_, doc = b.postForm("/dang-nhap", url.Values{"username": {"tacgia"}, "password": {"not-the-password-1"}})
	if got := errorSummary(doc); !strings.Contains(got, "wrong username or password") {
		t.Errorf("English error %q", got)
	}
}

func TestCataloguesMatch(t *testing.T) {
	c, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for id := range c["vi"] {
		if _, ok := c["en"][id]; !ok && !strings.HasSuffix(id, ".other") {
			t.Errorf("en lacks %q", id)
		}
	}
	for id := range c["en"] {
		if _, ok := c["vi"][id]; !ok && !strings.HasSuffix(id, ".one") {
			t.Errorf("vi lacks %q", id)
		}
	}
}

func TestReturnEditDiffAndRestore(t *testing.T) {
	f := newFixture(t)
	author := f.login("tacgia")
	revPath := writeArticle(t, author, "Hội thảo du lịch biển")

	editor := f.login("bientap")
	resp, doc := editor.postForm(revPath+"/return", url.Values{"comment": {""}})
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`.error-summary a[href="#comment"]`).Length() != 1 {
		t.Errorf("return without comment: %d %q", resp.StatusCode, errorSummary(doc))
	}
	resp, _ = editor.postForm(revPath+"/return", url.Values{"comment": {"Bổ sung thời gian và địa điểm."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	_, doc = author.get("/")
	if doc.Find(`section[aria-labelledby="d-returned"] a[href="`+revPath+`"]`).Length() != 1 {
		t.Error("the returned revision is not on the author's dashboard")
	}
	_, doc = author.get(revPath)
	if !strings.Contains(text(doc, ".notice[role=note]"), "Bổ sung thời gian") {
		t.Errorf("the comment is not shown: %q", text(doc, ".notice[role=note]"))
	}
	form := article("Hội thảo du lịch biển")
	form.Set("vi_body", "## Diễn biến\n\nNội dung **chính** của bài.\n\nThời gian: 8 giờ, ngày 5/12.")
	form.Set("op", "submit")
	resp, doc = author.postMultipart(revPath, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %q", resp.StatusCode, errorSummary(doc))
	}
	approver := f.login("duyet")
	resp, _ = approver.postForm(revPath+"/approve", url.Values{"when": {"now"}})
	itemPath := location(t, resp)

	// A new revision of the approved item, from its page.
	_, doc = author.get(itemPath + "/sua")
	if got, _ := doc.Find("form[enctype]").Attr("action"); got != itemPath+"/sua" {
		t.Fatalf("edit form posts to %q", got)
	}
	form.Set("vi_title", "Hội thảo phát triển du lịch biển")
	form.Set("op", "save")
	resp, doc = author.postMultipart(itemPath+"/sua", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new revision: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = author.get(itemPath + "/phien-ban")
	if n := doc.Find(`tr:not(.snapshot) input[name="from"]`).Length(); n != 2 {
		t.Fatalf("%d revisions listed, want 2", n)
	}
	// The returned revision was saved twice: both saves are listed.
	if n := doc.Find(`tr.snapshot input[name="from"]`).Length(); n != 2 {
		t.Errorf("%d saves listed, want 2", n)
	}
	del := doc.Find("table.diff tr.del").Text()
	ins := doc.Find("table.diff tr.ins").Text()
	if !strings.Contains(del, "Hội thảo du lịch biển") || !strings.Contains(ins, "Hội thảo phát triển du lịch biển") {
		t.Errorf("diff: removed %q, added %q", del, ins)
	}
	// Not colour alone: the markers are text.
	if !strings.Contains(doc.Find("table.diff tr.ins .op").First().Text(), "+") || doc.Find("table.diff ins").Length() == 0 {
		t.Error("added lines carry no text marker")
	}
	from, _ := doc.Find(`input[name="from"]:checked`).Attr("value")
	to, _ := doc.Find(`input[name="to"]:checked`).Attr("value")
	_, doc = author.get(itemPath + "/phien-ban?view=split&from=" + from + "&to=" + to)
	if doc.Find("table.diff.split td.del del").Length() == 0 || doc.Find("table.diff.split td.ins ins").Length() == 0 {
		t.Error("side-by-side view lacks marked cells")
	}

	// Restoring the approved revision makes a new draft of the author's.
	restore := doc.Find(`form[action="` + revPath + `/restore"]`)
	if restore.Length() != 1 {
		t.Fatalf("no restore button for %s", revPath)
	}
	resp, _ = author.postForm(revPath+"/restore", url.Values{})
	newRev := location(t, resp)
	if newRev == revPath {
		t.Fatal("restore did not make a new revision")
	}
	_, doc = author.get(newRev)
	if got, _ := doc.Find("#vi_title").Attr("value"); got != "Hội thảo du lịch biển" {
		t.Errorf("restored title %q", got)
	}
}

func TestOrganisationScheduledAndDataset(t *testing.T) {
	f := newFixture(t)
	author := f.login("tacgia")
	_, doc := author.get("/noi-dung/moi?kind=organisation")
	if n := doc.Find(`#officials tr`).Length(); n != 3 {
		t.Errorf("%d blank official rows, want 3 for browsers without JavaScript", n)
	}
	form := url.Values{"category": {"organisation"}, "vi_title": {"Ủy ban nhân dân phường Nha Trang"}, "op": {"submit"},
		"org_address": {"01 Trần Phú"}, "org_email": {"ubnd@nhatrang.gov.vn"},
		"official_0_name": {"Nguyễn Văn A"}, "official_0_position": {"Chủ tịch"},
		"official_1_name": {""}, "official_1_position": {""},
		"official_2_name": {""}, "official_2_position": {"Phó Chủ tịch"}}
	resp, doc := author.postMultipart("/noi-dung/moi?kind=organisation", form)
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`.error-summary a[href="#official_1_name"]`).Length() != 1 {
		t.Errorf("row without a name: %d %q", resp.StatusCode, errorSummary(doc))
	}
	form.Del("official_2_position")
	resp, doc = author.postMultipart("/noi-dung/moi?kind=organisation", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("organisation: %d %q", resp.StatusCode, errorSummary(doc))
	}
	revPath := location(t, resp)
	_, doc = author.get(revPath)
	if got, _ := doc.Find("#official_0_name").Attr("value"); got != "Nguyễn Văn A" {
		t.Errorf("official 0 = %q", got)
	}
	if _, disabled := doc.Find(`form fieldset.bare`).Attr("disabled"); !disabled {
		t.Error("the submitted revision is editable by its author")
	}
	if n := doc.Find(`#officials tr`).Length(); n != 1 {
		t.Errorf("%d official rows, want 1 and no blank rows on a read-only form", n)
	}

	approver := f.login("duyet")
	resp, doc = approver.postForm(revPath+"/approve", url.Values{"when": {"scheduled"}, "publish_at": {"2020-01-01T08:00"}})
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`.error-summary a[href="#publish_at"]`).Length() != 1 {
		t.Errorf("past schedule: %d %q", resp.StatusCode, errorSummary(doc))
	}
	when := time.Now().Add(48 * time.Hour).In(vnZone)
	resp, doc = approver.postForm(revPath+"/approve", url.Values{"when": {"scheduled"}, "publish_at": {when.Format("2006-01-02T15:04")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d %q", resp.StatusCode, errorSummary(doc))
	}
	rows, _ := f.store.ListOutbox(context.Background(), "", 10)
	if len(rows) != 1 || rows[0].PublishAt == nil || rows[0].PublishAt.In(vnZone).Format("2006-01-02T15:04") != when.Format("2006-01-02T15:04") {
		t.Fatalf("outbox rows %+v, want one due at %s Viet Nam time", rows, when)
	}
	_, doc = approver.get("/")
	if doc.Find(`section[aria-labelledby="d-scheduled"] a[href="`+revPath+`"]`).Length() != 1 {
		t.Error("the scheduled revision is not on the dashboard")
	}

	// A dataset's data file must be CSV.
	ds := url.Values{"category": {"statistics"}, "vi_title": {"Lượt khách du lịch 2026"}, "data_format": {"CSV"}, "op": {"save"}}
	resp, doc = author.postMultipart("/noi-dung/moi?kind=dataset", ds, file{"data_file", "số liệu.pdf", pdfData})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(errorSummary(doc), "phải là tệp CSV") {
		t.Errorf("pdf as data file: %d %q", resp.StatusCode, errorSummary(doc))
	}
	resp, doc = author.postMultipart("/noi-dung/moi?kind=dataset", ds, file{"data_file", "số liệu.csv", []byte("thang,luot\n1,120000\n")})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dataset: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = author.get(location(t, resp))
	if !strings.Contains(doc.Find("td").Text(), "tệp dữ liệu") {
		t.Error("the CSV is not marked as the data file")
	}
}

func TestLegacyEncodingNoticeAndKeepAsTyped(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	legacy := "Th«ng b¸o vÒ viÖc x©y dùng c¶ng" // TCVN3 read as Windows-1252
	form := article(legacy)
	form.Set("vi_slug", "thong-bao-cang")
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", form)
	revPath := location(t, resp)
	_, doc = b.get(revPath)
	if got, _ := doc.Find("#vi_title").Attr("value"); got != "Thông báo về việc xây dựng cảng" {
		t.Errorf("title after saving = %q, want converted", got)
	}
	notice := doc.Find(`section[aria-labelledby="notices-title"]`)
	if !strings.Contains(notice.Text(), legacy) || !strings.Contains(notice.Text(), "TCVN3") {
		t.Errorf("notice: %q", strings.Join(strings.Fields(notice.Text()), " "))
	}
	box := notice.Find(`input[type=checkbox][name=keep]`)
	if v, _ := box.Attr("value"); v != "texts[vi].title" {
		t.Fatalf("keep checkbox value %q", v)
	}
	if id, _ := box.Attr("id"); doc.Find(`label[for="`+id+`"]`).Text() != "Giữ nguyên như đã gõ" {
		t.Error("keep checkbox label")
	}
	// Keep as typed: the converted title in the form goes back to what was typed.
	form.Set("vi_title", "Thông báo về việc xây dựng cảng")
	form.Set("keep", "texts[vi].title")
	resp, doc = b.postMultipart(revPath, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("keep: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = b.get(revPath)
	if got, _ := doc.Find("#vi_title").Attr("value"); got != legacy {
		t.Errorf("kept title = %q, want %q", got, legacy)
	}
}
