package portal_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAttachments(t *testing.T) {
	e := newEnv(t)
	sha := seed(t, e)
	path := "/files/sotttt/le-hoi/" + sha
	do := func(header ...string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}

	res, body := do()
	if res.StatusCode != 200 || body != "%PDF-1.7 quyết định số 15" {
		t.Fatalf("GET: %d %q", res.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type":           "application/pdf",
		"ETag":                   `"` + sha + `"`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "public, max-age=300", // short: a takedown must reach shared caches within minutes
		"Content-Disposition":    `attachment; filename="Quyet dinh so 15.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2015.pdf`,
		"Accept-Ranges":          "bytes",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}

	res, body = do("Range", "bytes=0-3")
	if res.StatusCode != http.StatusPartialContent || body != "%PDF" || !strings.HasPrefix(res.Header.Get("Content-Range"), "bytes 0-3/") {
		t.Errorf("Range: %d %q %q", res.StatusCode, body, res.Header.Get("Content-Range"))
	}
	res, body = do("If-None-Match", `"`+sha+`"`)
	if res.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match: %d %q", res.StatusCode, body)
	}

	for _, p := range []string{
		"/files/nhatrang/vi-pham/" + sha,    // taken down
		"/files/nhatrang/tin-phuong/" + sha, // visible, but does not list it
		"/files/sotttt/le-hoi/" + strings.Repeat("0", 64),
		"/files/sotttt/le-hoi/not-a-hash",
		"/files/khong/le-hoi/" + sha,
	} {
		res, doc := e.get(t, p)
		if res.StatusCode != http.StatusNotFound || doc.Find("h1").Length() != 1 {
			t.Errorf("%s: %d, want the 404 page", p, res.StatusCode)
		}
	}
}
