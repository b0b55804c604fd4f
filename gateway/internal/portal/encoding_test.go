package portal_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/testenv"
)

// rawClient sends Accept-Encoding only when a test sets it, and does not
// decode answers (net/http's default transport asks for gzip and decodes
// it, hiding what the gateway sent).
var rawClient = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// raw is do sent by rawClient.
func (e *env) raw(t *testing.T, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return e.doWith(t, rawClient, method, path, header...)
}

func decodeBody(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	var r io.Reader
	switch coding {
	case "":
		return b
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	default:
		t.Fatalf("unexpected Content-Encoding %q", coding)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", coding, err)
	}
	return out
}

// headerNames lists an answer's header names but Date (which net/http adds).
func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		if k != "Date" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Pages are sent in the coding Accept-Encoding asks for (brotli preferred,
// q-values obeyed, q=0 refused), with Vary: Accept-Encoding and a strong
// ETag per coding; If-None-Match is answered 304 per coding; HEAD sends
// the headers of the GET; Range is not applied to pages. The fast path
// (the second request of each) sends exactly the headers of the first.
func TestPageEncodings(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	golden := []string{"Cache-Control", "Content-Length", "Content-Security-Policy", "Content-Type",
		"Cross-Origin-Opener-Policy", "Etag", "Permissions-Policy", "Referrer-Policy", "Vary",
		"X-Content-Type-Options", "X-Frame-Options"}
	for _, path := range []string{"/vi/", "/vi/sotttt/le-hoi-bien"} {
		t.Run(path, func(t *testing.T) {
			want := golden
			if path != "/vi/" {
				want = append([]string{"X-Content-Version"}, golden...)
				sort.Strings(want)
			}
			plain, plainBody := e.raw(t, http.MethodGet, path)
			wantStatus(t, plain, http.StatusOK)
			etags := map[string]string{}
			for _, c := range []struct{ ae, coding string }{
				{"", ""},
				{"gzip, deflate, br", "br"},
				{"gzip", "gzip"},
				{"br;q=0, gzip;q=0.5", "gzip"},
				{"gzip;q=0.5, identity", ""},
				{"*;q=0", ""},
				{"deflate", ""},
				{"br;q=0.4, gzip;q=0.6", "gzip"},
			} {
				var hdr []string
				if c.ae != "" {
					hdr = []string{"Accept-Encoding", c.ae}
				}
				first, b1 := e.raw(t, http.MethodGet, path, hdr...)
				second, b2 := e.raw(t, http.MethodGet, path, hdr...)
				for i, res := range []*http.Response{first, second} {
					b := [][]byte{b1, b2}[i]
					if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != c.coding {
						t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, want %q", c.ae, res.StatusCode,
							res.Header.Get("Content-Encoding"), c.coding)
						continue
					}
					if got := decodeBody(t, c.coding, b); !bytes.Equal(got, plainBody) {
						t.Errorf("Accept-Encoding %q: the answer decodes to other bytes than the page", c.ae)
					}
					if res.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
						t.Errorf("Accept-Encoding %q: Content-Length %s, %d bytes sent", c.ae, res.Header.Get("Content-Length"), len(b))
					}
					if res.Header.Get("Vary") != "Accept-Encoding" {
						t.Errorf("Accept-Encoding %q: Vary %q", c.ae, res.Header.Get("Vary"))
					}
					names, wantNames := headerNames(res.Header), want
					if c.coding != "" {
						wantNames = append([]string{"Content-Encoding"}, want...)
						sort.Strings(wantNames)
					}
					if !reflect.DeepEqual(names, wantNames) {
						t.Errorf("Accept-Encoding %q, answer %d: headers\n %v\nwant\n %v", c.ae, i+1, names, wantNames)
					}
				}
				for k := range first.Header {
					if k != "Date" && !reflect.DeepEqual(first.Header[k], second.Header[k]) {
						t.Errorf("Accept-Encoding %q: %s %q, then %q", c.ae, k, first.Header[k], second.Header[k])
					}
				}
				if prev, ok := etags[c.coding]; ok && prev != first.Header.Get("ETag") {
					t.Errorf("coding %q: ETag %s, earlier %s", c.coding, first.Header.Get("ETag"), prev)
				}
				etags[c.coding] = first.Header.Get("ETag")
			}
			if etags[""] == etags["gzip"] || etags[""] == etags["br"] || etags["gzip"] == etags["br"] {
				t.Errorf("codings share an ETag: %v", etags)
			}

			// 304 per coding: each coding's own tag, not another's.
			for coding, ae := range map[string]string{"": "identity", "gzip": "gzip", "br": "br, gzip"} {
				for other, tag := range etags {
					res, b := e.raw(t, http.MethodGet, path, "Accept-Encoding", ae, "If-None-Match", tag)
					switch {
					case other == coding && (res.StatusCode != http.StatusNotModified || len(b) != 0):
						t.Errorf("coding %q with its ETag: %d with %d bytes, want 304", coding, res.StatusCode, len(b))
					case other == coding && (res.Header.Get("ETag") != tag || res.Header.Get("Vary") != "Accept-Encoding" ||
						res.Header.Get("Content-Type") != "" || res.Header.Get("Content-Encoding") != ""):
						t.Errorf("coding %q 304 headers: %v", coding, res.Header)
					case other != coding && res.StatusCode != http.StatusOK:
						t.Errorf("coding %q with the %q form's ETag: %d, want 200", coding, other, res.StatusCode)
					}
				}
			}

			// HEAD: the GET's headers, no body.
			for _, ae := range []string{"", "br"} {
				get, _ := e.raw(t, http.MethodGet, path, "Accept-Encoding", ae)
				head, b := e.raw(t, http.MethodHead, path, "Accept-Encoding", ae)
				if head.StatusCode != http.StatusOK || len(b) != 0 {
					t.Errorf("HEAD %q: %d with %d bytes", ae, head.StatusCode, len(b))
				}
				for _, k := range []string{"Content-Length", "Etag", "Content-Encoding", "Content-Type", "Vary"} {
					if head.Header.Get(k) != get.Header.Get(k) {
						t.Errorf("HEAD %q: %s %q, GET's %q", ae, k, head.Header.Get(k), get.Header.Get(k))
					}
				}
			}

			// Range is not applied to pages.
			res, b := e.raw(t, http.MethodGet, path, "Range", "bytes=0-9")
			if res.StatusCode != http.StatusOK || !bytes.Equal(b, plainBody) || res.Header.Get("Content-Range") != "" ||
				res.Header.Get("Accept-Ranges") != "" {
				t.Errorf("Range: %d, %d bytes, Content-Range %q; want the whole page", res.StatusCode, len(b), res.Header.Get("Content-Range"))
			}
		})
	}
}

// The fast path answers a page the router answered before, from the page
// cache, without rendering; it counts the request as the router does; it
// does not answer a request the router would answer otherwise (another
// Host, another query), and it is not believed after the registry of
// tenants changed until the router has answered again.
func TestFastPath(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	fast := func() float64 { return e.counter(t, "portalhub_gateway_http_fast_path_total") }
	renders := func() float64 { return e.counter(t, "portalhub_gateway_pagecache_renders_total") }
	requests := func() float64 {
		mfs, err := e.ops.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var n float64
		for _, mf := range mfs {
			if mf.GetName() != "portalhub_gateway_http_requests_total" {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "route" && l.GetValue() == "/:lang/" {
						n += m.GetCounter().GetValue()
					}
				}
			}
		}
		return n
	}

	// The router counts a request after its answer is written, so a client
	// can read the answer before the count moves: wait for the count (CI
	// read 0 after the first GET once).
	settle := func(want float64) {
		for i := 0; i < 500 && requests() < want; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	_, page := e.raw(t, http.MethodGet, "/vi/")
	settle(1)
	f0, r0, q0 := fast(), renders(), requests()
	res, b := e.raw(t, http.MethodGet, "/vi/")
	if res.StatusCode != http.StatusOK || !bytes.Equal(b, page) {
		t.Fatalf("second GET: %d, %d bytes", res.StatusCode, len(b))
	}
	settle(q0 + 1)
	if fast() != f0+1 || renders() != r0 || requests() != q0+1 {
		t.Errorf("second GET: fast path %v→%v, renders %v→%v, requests %v→%v; want the fast path, no render, one request counted",
			f0, fast(), r0, renders(), q0, requests())
	}
	res, _ = e.raw(t, http.MethodGet, "/vi/", "If-None-Match", res.Header.Get("ETag"))
	settle(q0 + 2)
	if res.StatusCode != http.StatusNotModified || fast() != f0+2 || requests() != q0+2 {
		t.Errorf("If-None-Match: %d, fast path %v, requests %v", res.StatusCode, fast()-f0, requests()-q0)
	}

	// Another Host on the same path: the router's 421, not the page.
	f1 := fast()
	res, _ = e.raw(t, http.MethodGet, "/vi/", "Host", "evil.example")
	if res.StatusCode != http.StatusMisdirectedRequest || fast() != f1 {
		t.Errorf("Host evil.example: %d (fast path %v), want 421 from the router", res.StatusCode, fast()-f1)
	}
	// Another query is another request: the print view is its own page.
	_, printed := e.raw(t, http.MethodGet, "/vi/?print=1")
	_, again := e.raw(t, http.MethodGet, "/vi/?print=1")
	if bytes.Equal(printed, page) || !bytes.Equal(printed, again) {
		t.Error("/vi/?print=1 answered the page, or two different answers")
	}

	// A change of the registry: the router answers first, then the fast
	// path again.
	e.tenantsChanged(t)
	f2 := fast()
	e.raw(t, http.MethodGet, "/vi/")
	if fast() != f2 {
		t.Error("the fast path answered under a registry it did not learn under")
	}
	e.raw(t, http.MethodGet, "/vi/")
	if fast() != f2+1 {
		t.Error("the fast path did not learn again after the registry changed")
	}
}

// The fast path allocates nothing on a hit beyond what net/http does (the
// sink reuses its header map, as net/http cannot).
func TestFastPathAllocations(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	for _, ae := range []string{"", "gzip, deflate, br"} {
		req, err := http.NewRequest(http.MethodGet, "/vi/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.RequestURI, req.Host = "/vi/", "localhost"
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		w := &sink{h: http.Header{}}
		e.portal.ServeHTTP(w, req)
		e.portal.ServeHTTP(w, req)
		if n := testing.AllocsPerRun(200, func() { clear(w.h); e.portal.ServeHTTP(w, req) }); n != 0 {
			t.Errorf("Accept-Encoding %q: %v allocations a hit, want 0", ae, n)
		}
	}
}

// Once the registry is due for its refresh, the fast path leaves the
// request to the router, which reloads it; then it answers again.
func TestFastPathRegistryRefresh(t *testing.T) {
	e := newEnvWith(t, func(c *portal.Config) { c.TenantRefresh = 300 * time.Millisecond })
	seed(t, e)
	fast := func() float64 { return e.counter(t, "portalhub_gateway_http_fast_path_total") }
	e.raw(t, http.MethodGet, "/vi/")
	testenv.WaitFor(t, 10*time.Second, func() error { // learnt under a registry not yet due
		f := fast()
		e.raw(t, http.MethodGet, "/vi/")
		if fast() != f+1 {
			return fmt.Errorf("not answered by the fast path")
		}
		return nil
	})
	time.Sleep(1500 * time.Millisecond) // due (well past: timers fire late on a loaded machine)
	f := fast()
	e.raw(t, http.MethodGet, "/vi/")
	if fast() != f {
		t.Error("the fast path answered under a registry due for its refresh")
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		f := fast()
		e.raw(t, http.MethodGet, "/vi/")
		if fast() != f+1 {
			return fmt.Errorf("the fast path did not answer again after the refresh")
		}
		return nil
	})
}

// A page's gzip and brotli forms are made after it is stored (the page
// cache's Background), so the visitor who waited for its render does not
// wait for the compressors too. Until they are made, every request, by the
// router or the fast path, gets the identity form, complete and correct
// (Vary: Accept-Encoding, its own ETag, its Content-Length, 304 to its
// ETag); after, each coding its own form with its own ETag, and the
// identity form's ETag no longer answers 304 to a request for brotli.
func TestPageEncodingsWhileCompressing(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.compress.hold()
	br := []string{"Accept-Encoding", "gzip, deflate, br"}
	var identityTag string
	var page []byte
	for i, hdr := range [][]string{br, br, {"Accept-Encoding", "gzip"}, nil} { // the render, then the fast path
		res, b := e.raw(t, http.MethodGet, "/vi/", hdr...)
		wantStatus(t, res, http.StatusOK)
		if res.Header.Get("Content-Encoding") != "" || res.Header.Get("Vary") != "Accept-Encoding" ||
			res.Header.Get("Content-Length") != strconv.Itoa(len(b)) || res.Header.Get("ETag") != pagecache.ETag(b) {
			t.Fatalf("answer %d while compressing: Content-Encoding %q, Vary %q, Content-Length %s of %d bytes, ETag %s",
				i+1, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), res.Header.Get("Content-Length"), len(b),
				res.Header.Get("ETag"))
		}
		if i > 0 && (res.Header.Get("ETag") != identityTag || !bytes.Equal(b, page)) {
			t.Errorf("answer %d while compressing: another page than the first", i+1)
		}
		identityTag, page = res.Header.Get("ETag"), b
	}
	res, b := e.raw(t, http.MethodGet, "/vi/", append(br, "If-None-Match", identityTag)...)
	if res.StatusCode != http.StatusNotModified || len(b) != 0 || res.Header.Get("ETag") != identityTag {
		t.Errorf("If-None-Match of the identity form while compressing: %d, ETag %s", res.StatusCode, res.Header.Get("ETag"))
	}

	if n := e.compress.release(); n != 1 {
		t.Fatalf("%d compressions held, want 1 (the home's)", n)
	}
	etags := map[string]string{"": identityTag}
	for _, c := range []struct{ ae, coding string }{{"gzip, deflate, br", "br"}, {"gzip", "gzip"}, {"", ""}} {
		res, b := e.raw(t, http.MethodGet, "/vi/", "Accept-Encoding", c.ae)
		wantStatus(t, res, http.StatusOK)
		if res.Header.Get("Content-Encoding") != c.coding || res.Header.Get("Vary") != "Accept-Encoding" ||
			res.Header.Get("Content-Length") != strconv.Itoa(len(b)) || res.Header.Get("ETag") != pagecache.ETag(b) {
			t.Errorf("Accept-Encoding %q after compressing: Content-Encoding %q, Vary %q, Content-Length %s of %d bytes, ETag %s",
				c.ae, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"), res.Header.Get("Content-Length"), len(b),
				res.Header.Get("ETag"))
		}
		if !bytes.Equal(decodeBody(t, c.coding, b), page) {
			t.Errorf("Accept-Encoding %q after compressing: not the page sent before", c.ae)
		}
		if c.coding != "" {
			for other, tag := range etags {
				if tag == res.Header.Get("ETag") {
					t.Errorf("%q and %q share the ETag %s", c.coding, other, tag)
				}
			}
		} else if res.Header.Get("ETag") != identityTag {
			t.Errorf("the identity form's ETag changed: %s, was %s", res.Header.Get("ETag"), identityTag)
		}
		etags[c.coding] = res.Header.Get("ETag")
	}
	res, _ = e.raw(t, http.MethodGet, "/vi/", append(br, "If-None-Match", identityTag)...)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "br" {
		t.Errorf("If-None-Match of the identity form, asking for brotli: %d %q, want the brotli form",
			res.StatusCode, res.Header.Get("Content-Encoding"))
	}
}
