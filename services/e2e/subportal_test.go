package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/testenv"
)

// subportalCall sends a JSON request to a sub-portal's API and decodes the answer.
func subportalCall(t *testing.T, tenant, method, path string, body any, out any) int {
	t.Helper()
	return callSubPortal(t, fed.SubPortals[tenant], method, path, body, out)
}

// callSubPortal is subportalCall for a sub-portal of any federation.
func callSubPortal(t *testing.T, sp *federation.SubPortal, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, sp.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sp.APIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("decode %s: %v (%s)", path, err, b)
		}
	}
	return resp.StatusCode
}

// uploadFile uploads a file to a sub-portal and returns its SHA-256.
func uploadFile(t *testing.T, tenant, name string, data []byte) string {
	t.Helper()
	sp := fed.SubPortals[tenant]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, sp.URL+"/api/blobs", &buf)
	req.Header.Set("Authorization", "Bearer "+sp.APIToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		SHA256 string `json:"sha256"`
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out.SHA256
}

// newsItem is the JSON body the sub-portal API takes for an approved article.
func newsItem(id, slug, title, body string, attachments ...map[string]string) map[string]any {
	item := map[string]any{
		"contentId": id, "kind": "CONTENT_KIND_ARTICLE", "category": "news",
		"state":       "PUBLICATION_STATE_PUBLISHED",
		"publishedAt": time.Date(2026, 11, 26, 8, 30, 0, 0, time.UTC).Format(time.RFC3339),
		"translations": []map[string]string{
			{"locale": "vi", "title": title, "summary": "Tóm tắt " + title, "bodyHtml": body, "slug": slug},
		},
		"author": "Lê Thị Hoa",
	}
	if len(attachments) > 0 {
		item["attachments"] = attachments
	}
	return item
}

// minimalPDF is a tiny valid PDF document.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func TestPublishLifecycleThroughSubPortal(t *testing.T) {
	const tenant = "so-a"
	sha := uploadFile(t, tenant, "Kế hoạch năm 2027.pdf", minimalPDF)
	att := map[string]string{"sha256": sha, "filename": "Kế hoạch năm 2027.pdf", "mediaType": "application/pdf", "title": "Kế hoạch"}

	// Publish: appears on the portal, with its attachment.
	if code := subportalCall(t, tenant, "POST", "/api/items", newsItem("ke-hoach-2027", "ke-hoach-2027", "Kế hoạch năm 2027", "<p>Bản đầu tiên</p>", att), nil); code != http.StatusCreated {
		t.Fatalf("create: got %d, want 201", code)
	}
	waitPage(t, "/vi/so-a/ke-hoach-2027", 200, contains("Bản đầu tiên"))
	waitPage(t, "/vi/so-a/", 200, contains("Kế hoạch năm 2027"))
	waitPage(t, "/vi/", 200, contains("Kế hoạch năm 2027"))

	resp, body := get(t, fmt.Sprintf("/files/so-a/ke-hoach-2027/%s", sha))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || body != string(minimalPDF) {
		t.Errorf("attachment: got %d %q (%d bytes), want 200 application/pdf with the file", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("attachment nosniff: got %q", got)
	}

	// Update: replaces it; a slug change leaves the old URL answering 301.
	if code := subportalCall(t, tenant, "POST", "/api/items", newsItem("ke-hoach-2027", "ke-hoach-nam-2027", "Kế hoạch năm 2027 (sửa đổi)", "<p>Bản sửa đổi</p>", att), nil); code != http.StatusCreated {
		t.Fatalf("update: got %d, want 201", code)
	}
	waitPage(t, "/vi/so-a/ke-hoach-nam-2027", 200, contains("Bản sửa đổi"))
	// The new slug's page is rendered fresh from the store; the old slug's
	// cached page goes only when the gateway sees the event, a little later.
	testenv.WaitFor(t, 20*time.Second, func() error {
		resp, _ := get(t, "/vi/so-a/ke-hoach-2027")
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/vi/so-a/ke-hoach-nam-2027" {
			return fmt.Errorf("old slug: got %d to %q, want 301 to /vi/so-a/ke-hoach-nam-2027", resp.StatusCode, resp.Header.Get("Location"))
		}
		return nil
	})

	// Withdrawal: the page stays, with the notice and its reason.
	if code := subportalCall(t, tenant, "POST", "/api/items/ke-hoach-2027/withdraw", map[string]string{"reason": "Đã được thay thế bởi kế hoạch mới"}, nil); code != 200 {
		t.Fatalf("withdraw: got %d", code)
	}
	waitPage(t, "/vi/so-a/ke-hoach-nam-2027", 200, contains("Đã được thay thế bởi kế hoạch mới"))

	// Redirect: 301 to the successor, which lives at another tenant.
	if code := subportalCall(t, "phuong-b", "POST", "/api/items", newsItem("ke-hoach-moi", "ke-hoach-moi", "Kế hoạch mới", "<p>Kế hoạch mới</p>"), nil); code != http.StatusCreated {
		t.Fatalf("create successor: got %d", code)
	}
	waitPage(t, "/vi/phuong-b/ke-hoach-moi", 200, nil)
	if code := subportalCall(t, tenant, "POST", "/api/items/ke-hoach-2027/redirect", map[string]any{
		"successor": map[string]string{"tenant": "phuong-b", "content_id": "ke-hoach-moi"}}, nil); code != 200 {
		t.Fatalf("redirect: got %d", code)
	}
	waitPage(t, "/vi/so-a/ke-hoach-nam-2027", http.StatusMovedPermanently, nil)
	resp, _ = get(t, "/vi/so-a/ke-hoach-nam-2027")
	if got := resp.Header.Get("Location"); got != "/vi/phuong-b/ke-hoach-moi" {
		t.Errorf("redirect location: got %q, want /vi/phuong-b/ke-hoach-moi", got)
	}

	// Gone: 410.
	if code := subportalCall(t, tenant, "POST", "/api/items/ke-hoach-2027/gone", map[string]string{}, nil); code != 200 {
		t.Fatalf("gone: got %d", code)
	}
	waitPage(t, "/vi/so-a/ke-hoach-nam-2027", http.StatusGone, nil)

	// Unknown paths: a real 404 page.
	resp, _ = get(t, "/vi/so-a/khong-co-trang-nay")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page: got %d, want 404", resp.StatusCode)
	}
}

func contains(s string) func(string) bool {
	return func(body string) bool { return bytes.Contains([]byte(body), []byte(s)) }
}
