package portal_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

// do sends a request with headers (name, value, ...) and returns the answer
// and its body.
func (e *env) do(t *testing.T, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return e.doWith(t, client, method, path, header...)
}

// doWith is do sent by the client given.
func (e *env) doWith(t *testing.T, client *http.Client, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Add(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// Every page carries a strong ETag and Cache-Control that makes caches
// revalidate; If-None-Match naming it is answered 304 from the cache,
// without rendering and without asking the store.
func TestPagesConditionalGET(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	for _, path := range []string{"/vi/", "/en/sotttt/", "/ru/sotttt/le-hoi-bien", "/vi/sotttt/thong-bao-cu"} {
		t.Run(path, func(t *testing.T) {
			res, body := e.do(t, http.MethodGet, path)
			wantStatus(t, res, http.StatusOK)
			etag := res.Header.Get("ETag")
			if len(etag) < 20 || etag[0] != '"' || etag[len(etag)-1] != '"' {
				t.Fatalf("ETag = %q, want a strong entity tag", etag)
			}
			if got := res.Header.Get("Cache-Control"); got != "public, max-age=0, must-revalidate" {
				t.Errorf("Cache-Control = %q", got)
			}
			renders := e.counter(t, "portalhub_gateway_pagecache_renders_total")
			e.queries.take()
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				res, b := e.do(t, http.MethodGet, path, "If-None-Match", inm)
				if res.StatusCode != http.StatusNotModified || len(b) != 0 {
					t.Errorf("If-None-Match %s: %d with %d bytes, want 304 without a body", inm, res.StatusCode, len(b))
				}
				if res.Header.Get("ETag") != etag || res.Header.Get("Cache-Control") != "public, max-age=0, must-revalidate" ||
					res.Header.Get("Content-Type") != "" {
					t.Errorf("304 headers: ETag %q, Cache-Control %q, Content-Type %q", res.Header.Get("ETag"),
						res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
				}
			}
			if got := e.counter(t, "portalhub_gateway_pagecache_renders_total"); got != renders {
				t.Errorf("%v renders for the 304s, want none", got-renders)
			}
			if q := e.queries.take(); len(q) != 0 {
				t.Errorf("the 304s asked the store %d times: %v", len(q), q)
			}
			res, b := e.do(t, http.MethodGet, path, "If-None-Match", `"other", W/"else"`)
			if res.StatusCode != http.StatusOK || string(b) != string(body) || res.Header.Get("ETag") != etag {
				t.Errorf("If-None-Match of other tags: %d, want the page", res.StatusCode)
			}
			// As the GETs: net/http asks for gzip on a GET, not on a HEAD.
			res, b = e.do(t, http.MethodHead, path, "Accept-Encoding", "gzip")
			if res.StatusCode != http.StatusOK || len(b) != 0 || res.Header.Get("ETag") != etag {
				t.Errorf("HEAD: %d with %d bytes, ETag %q", res.StatusCode, len(b), res.Header.Get("ETag"))
			}
		})
	}

	// A change of the page changes its tag: the old one gets the new page.
	path := "/vi/sotttt/le-hoi-bien"
	res, _ := e.do(t, http.MethodGet, path)
	old := res.Header.Get("ETag")
	v4 := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang 2025", "", "<p>Mới</p>"))
	e.put(t, "sotttt", v4)
	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		res, _ := e.do(t, http.MethodGet, path, "If-None-Match", old)
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == old || res.Header.Get("ETag") == "" {
			return fmt.Errorf("after the change: %d, ETag %q (old %q)", res.StatusCode, res.Header.Get("ETag"), old)
		}
		return nil
	})

	// Status pages and redirects have no tag and are not kept.
	for _, p := range []string{"/vi/sotttt/khong-co", "/vi/sotttt/le-hoi-cu", "/vi/sotttt/bai-xoa"} {
		res, _ := e.do(t, http.MethodGet, p, "If-None-Match", "*")
		if res.StatusCode == http.StatusNotModified || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, ETag %q, Cache-Control %q; want its own status, no tag, no-store", p, res.StatusCode,
				res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
		}
	}
}

// Static assets are immutable for a year and answer 304 too.
func TestStaticConditionalGET(t *testing.T) {
	e := newEnv(t)
	_, doc := e.get(t, "/vi/")
	href := attr(doc, `link[rel=stylesheet]`, "href")
	res, _ := e.do(t, http.MethodGet, href)
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || etag == "" || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("%s: %d, ETag %q, Cache-Control %q", href, res.StatusCode, etag, res.Header.Get("Cache-Control"))
	}
	res, b := e.do(t, http.MethodGet, href, "If-None-Match", etag)
	if res.StatusCode != http.StatusNotModified || len(b) != 0 || res.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match: %d with %d bytes", res.StatusCode, len(b))
	}
}
