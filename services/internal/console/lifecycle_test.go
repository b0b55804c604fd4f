package console

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// upload posts a multipart form with one file, as a browser would.
func (b *browser) upload(path, field, name string, data []byte, form url.Values) (*http.Response, *goquery.Document) {
	b.f.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.f.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", b.f.srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// Rename, merge and retire on the console: administrators only, a form,
// then a confirmation restating the values, then the change through the
// admin API, audited under the account, with the API's report; refusals
// are shown in the page's language.
func TestLifecycleFromTheConsole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addTenant("xa-a", "commune", "Xã A")
	f.addTenant("xa-b", "commune", "Xã B")
	f.addTenant("xa-c", "commune", "Xã C")
	f.push("xa-a", article("tin-a", 1, "Tin của xã A"))
	op, admin := f.browser(), f.browser()
	op.login("vanhanh")
	admin.login("quantri")

	if _, doc := op.get("/don-vi/xa-a"); doc.Find(`a[href="/don-vi/xa-a/doi-ma"]`).Length() != 0 {
		t.Error("an operator is offered to rename")
	}
	for _, p := range []string{"/don-vi/xa-a/doi-ma", "/don-vi/xa-a/sap-nhap", "/don-vi/xa-a/ngung", "/chuyen-huong"} {
		if resp, _ := op.get(p); resp.StatusCode != http.StatusForbidden {
			t.Errorf("operator's GET %s: %d, want 403", p, resp.StatusCode)
		}
	}
	if resp, _ := op.post("/don-vi/xa-a/doi-ma", url.Values{"csrf_token": {op.csrf("/don-vi/xa-a")}, "new_id": {"xa-moi"}, "confirmed": {"yes"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("operator's rename: %d, want 403", resp.StatusCode)
	}
	_, doc := admin.get("/don-vi/xa-a")
	for _, p := range []string{"doi-ma", "sap-nhap", "ngung"} {
		if doc.Find(`a[href="/don-vi/xa-a/`+p+`"]`).Length() != 1 {
			t.Errorf("no link to %s on the tenant's page", p)
		}
	}

	// Rename: the form, a confirmation that changes nothing, then the change.
	token := admin.csrf("/don-vi/xa-a/doi-ma")
	if resp, doc := admin.post("/don-vi/xa-a/doi-ma", url.Values{"csrf_token": {token}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(text(doc, ".error-summary"), "mã mới") {
		t.Errorf("rename without a new id: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	resp, doc := admin.post("/don-vi/xa-a/doi-ma", url.Values{"csrf_token": {token}, "new_id": {"xa-moi"}})
	if resp.StatusCode != http.StatusOK || doc.Find(`input[name=confirmed][value=yes]`).Length() != 1 ||
		doc.Find(`input[name=new_id][value=xa-moi]`).Length() != 1 || doc.Find(`button.warn`).Length() != 1 {
		t.Fatalf("rename's confirmation: %d", resp.StatusCode)
	}
	if _, err := f.store.Tenant(ctx, "xa-a"); err != nil {
		t.Fatalf("the confirmation renamed: %v", err)
	}
	// The API's refusal (a taken id), in the page's language.
	resp, doc = admin.post("/don-vi/xa-a/doi-ma", url.Values{"csrf_token": {token}, "new_id": {"xa-b"}, "confirmed": {"yes"}})
	if resp.StatusCode != http.StatusConflict || text(doc, ".error-summary") == "" {
		t.Errorf("rename to a taken id: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	resp, doc = admin.post("/don-vi/xa-a/doi-ma", url.Values{"csrf_token": {token}, "new_id": {"xa-moi"}, "confirmed": {"yes"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "xa-moi") || !strings.Contains(text(doc, "pre"), "SUBPORTAL_TENANT=xa-moi") {
		t.Fatalf("rename: %d %q %q", resp.StatusCode, text(doc, ".notice"), text(doc, "pre"))
	}
	if _, err := f.store.Tenant(ctx, "xa-moi"); err != nil {
		t.Fatalf("after rename: %v", err)
	}
	if got := f.auditActions("xa-moi", "tenant.rename"); got != "ops:quantri tenant.rename" {
		t.Errorf("rename's audit: %q", got)
	}

	// Merge into xa-b: the report names the items moved.
	token = admin.csrf("/don-vi/xa-moi/sap-nhap")
	resp, doc = admin.post("/don-vi/xa-moi/sap-nhap", url.Values{"csrf_token": {token}, "into": {"xa-b"}, "dissolved_on": {"2026-07-01"}})
	if resp.StatusCode != http.StatusOK || doc.Find(`input[name=into][value=xa-b]`).Length() != 1 {
		t.Fatalf("merge's confirmation: %d", resp.StatusCode)
	}
	resp, doc = admin.post("/don-vi/xa-moi/sap-nhap", url.Values{"csrf_token": {token}, "into": {"khong-co"}, "confirmed": {"yes"}})
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("merge into an unknown unit: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
	resp, doc = admin.post("/don-vi/xa-moi/sap-nhap", url.Values{"csrf_token": {token}, "into": {"xa-b"}, "dissolved_on": {"2026-07-01"}, "confirmed": {"yes"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "1 mục") {
		t.Fatalf("merge: %d %q", resp.StatusCode, text(doc, ".notice"))
	}
	if tn, _ := f.store.Tenant(ctx, "xa-moi"); tn.Status != hubstore.StatusRetired {
		t.Errorf("merged unit's status %s", tn.Status)
	}
	if _, doc := admin.get("/don-vi/xa-moi"); doc.Find(`a[href="/don-vi/xa-moi/sap-nhap"]`).Length() != 0 || !strings.Contains(doc.Find("dl.facts").Text(), "xa-b") {
		t.Error("the merged unit's page offers the lifecycle again or does not name its successor")
	}
	if resp, _ := admin.get("/don-vi/xa-moi/ngung"); resp.StatusCode != http.StatusConflict {
		t.Errorf("retiring a merged unit's form: %d, want 409", resp.StatusCode)
	}

	// Retire xa-c with xa-b as successor, pages 410.
	token = admin.csrf("/don-vi/xa-c/ngung")
	resp, doc = admin.post("/don-vi/xa-c/ngung", url.Values{"csrf_token": {token}, "successor": {"xa-b"}, "pages": {"gone"}, "confirmed": {"yes"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "410") || !strings.Contains(text(doc, ".notice"), "xa-b") {
		t.Fatalf("retire: %d %q", resp.StatusCode, text(doc, ".notice"))
	}
	if got := f.auditActions("xa-c", "tenant.retire"); got != "ops:quantri tenant.retire" {
		t.Errorf("retire's audit: %q", got)
	}

	// English pages speak English, the API's refusal too.
	resp, doc = admin.post("/don-vi/xa-c/ngung?lang=en", url.Values{"csrf_token": {token}, "confirmed": {"yes"}})
	if resp.StatusCode < 400 || text(doc, ".error-summary") == "" {
		t.Errorf("retiring twice: %d %q", resp.StatusCode, text(doc, ".error-summary"))
	}
}

func TestRedirectMapImportedFromTheConsole(t *testing.T) {
	f := newFixture(t)
	f.addTenant("xa-b", "commune", "Xã B")
	admin := f.browser()
	admin.login("quantri")
	if _, doc := admin.get("/don-vi"); doc.Find(`a[href="/chuyen-huong"]`).Length() != 1 {
		t.Error("no link to the redirect map on the tenants' list")
	}
	token := admin.csrf("/chuyen-huong")
	bad := "old_url,tenant,content_id,category,lang\nftp://xaa.example.vn/x,xa-b,,,\n"
	resp, doc := admin.upload("/chuyen-huong", "csv", "map.csv", []byte(bad), url.Values{"csrf_token": {token}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, ".error-summary"), "2") {
		t.Errorf("a bad map: %d %q (want the line named)", resp.StatusCode, text(doc, ".error-summary"))
	}
	good := "old_url,tenant,content_id,category,lang\nhttps://xaa.example.vn/tin/1,xa-b,,,\nhttps://xaa.example.vn/,xa-b,,,\n"
	resp, doc = admin.upload("/chuyen-huong", "csv", "map.csv", []byte(good), url.Values{"csrf_token": {token}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(text(doc, ".notice"), "2") || !strings.Contains(text(doc, ".notice"), "xaa.example.vn") {
		t.Fatalf("import: %d %q", resp.StatusCode, text(doc, ".notice"))
	}
	if got := f.auditActions("", "redirects."); !strings.Contains(got, "ops:quantri") {
		t.Errorf("import's audit: %q", got)
	}
	if resp, _ := admin.upload("/chuyen-huong", "csv", "map.csv", []byte(good), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("import without the CSRF token: %d, want 403", resp.StatusCode)
	}
}
