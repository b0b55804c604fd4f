package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestNULRefused is a regression test of issue 6 B18: PostgreSQL refuses a
// NUL character in text, and a NUL anywhere the API takes text gave a 500.
// Each is a 400 problem with a clear detail, and nothing is stored.
func TestNULRefused(t *testing.T) {
	srv, s := newServer(t)
	if resp, body := call(t, srv, "POST", "/api/items", article); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	for _, c := range []struct{ name, method, path, body string }{
		{"title", "POST", "/api/items", strings.Replace(article, "Lễ hội biển", `Lễ hội\u0000biển`, 1)},
		{"body", "POST", "/api/items", strings.Replace(article, "Khai mạc", `Khai\u0000mạc`, 1)},
		{"content id", "POST", "/api/items", strings.Replace(article, `"contentId": "le-hoi-bien"`, `"contentId": "le-hoi\u0000"`, 1)},
		{"author", "POST", "/api/items", strings.NewReplacer("Trần Văn An", `Trần\u0000Văn An`, "Khai mạc", "Khai mạc lần hai").Replace(article)},
		{"approver", "POST", "/api/items", strings.NewReplacer(`"author"`, `"approver": "Ban\u0000", "author"`, "Khai mạc", "Khai mạc lần ba").Replace(article)},
		{"withdraw reason", "POST", "/api/items/le-hoi-bien/withdraw", `{"reason": "hoãn\u0000"}`},
		{"withdraw approver", "POST", "/api/items/le-hoi-bien/gone", `{"approver": "Ban\u0000biên tập"}`},
		{"redirect URL", "POST", "/api/items/le-hoi-bien/redirect", `{"successor_url": "https://khanhhoa.gov.vn/\u0000"}`},
		{"item id in the path", "GET", "/api/items/le-hoi%00bien", ""},
		{"item id in the path, withdraw", "POST", "/api/items/le%00/withdraw", `{"reason": "hoãn"}`},
		{"query", "GET", "/api/outbox?status=pending%00", ""},
		{"invalid UTF-8 in the path", "GET", "/api/items/le-hoi%FF", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := call(t, srv, c.method, c.path, c.body)
			p := decodeProblem(t, resp, body)
			if resp.StatusCode != http.StatusBadRequest || p.Detail == "" {
				t.Errorf("%d %s, want 400 with a detail", resp.StatusCode, body)
			}
		})
	}

	t.Run("file name", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		w, _ := mw.CreateFormFile("file", "bao-cao\x00.pdf")
		w.Write([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
		mw.Close()
		resp, body := do(t, srv, "POST", "/api/blobs", "Bearer "+token, mw.FormDataContentType(), &buf)
		if p := decodeProblem(t, resp, body); resp.StatusCode != http.StatusBadRequest || p.Detail == "" {
			t.Errorf("%d %s, want 400 with a detail", resp.StatusCode, body)
		}
	})

	var versions, rows int
	s.Pool().QueryRow(context.Background(), `SELECT (SELECT max(hub_version) FROM items), (SELECT count(*) FROM outbox)`).Scan(&versions, &rows)
	if versions != 1 || rows != 1 {
		t.Errorf("after the refused requests: version %d and %d outbox rows, want 1 and 1", versions, rows)
	}
}
