package pagecache

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

var common = http.Header{"X-Frame-Options": {"DENY"}, "X-Content-Type-Options": {"nosniff"}}

func preparedPage(t *testing.T, contentType string, body []byte) *Page {
	t.Helper()
	p := NewPage(http.StatusOK, contentType, body)
	p.Header.Set("X-Content-Version", "7")
	p.Prepare(common, "public, max-age=0, must-revalidate")
	if c := p.Compressed(); c != nil {
		return c
	}
	return p
}

// htmlBody is about 24 KB of varied Vietnamese markup, compressing about
// as a real page does.
func htmlBody() []byte {
	words := strings.Fields("Sở Thông tin và Truyền thông tỉnh Khánh Hòa thông báo lịch tiếp công dân năm 2025 " +
		"Ủy ban nhân dân phường Nha Trang quyết định số về việc ban hành quy chế phối hợp quản lý nhà nước " +
		"hội nghị chuyển đổi số dịch vụ công trực tuyến mức độ toàn trình hồ sơ thủ tục hành chính " +
		"lễ hội biển du lịch văn hóa thể thao giáo dục đào tạo y tế giao thông vận tải xây dựng")
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for i := 0; b.Len() < 24<<10; i++ {
		b.WriteString(`<li class="item"><a href="/vi/sotttt/bai-` + strconv.Itoa(i) + `">`)
		for j := 0; j < 8+rng.IntN(12); j++ {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		b.WriteString("</a><time datetime=\"2025-07-" + strconv.Itoa(1+rng.IntN(28)) + "\">" + strconv.Itoa(rng.IntN(10000)) + "</time></li>\n")
	}
	return b.Bytes()
}

func unzip(t *testing.T, f *Form) []byte {
	t.Helper()
	var r io.Reader
	switch f.Encoding {
	case Gzip:
		zr, err := gzip.NewReader(bytes.NewReader(f.Body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case Brotli:
		r = brotli.NewReader(bytes.NewReader(f.Body))
	default:
		return f.Body
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", f.Encoding, err)
	}
	return b
}

// Prepare makes the three forms with complete headers: the golden header
// sets of a 200 and a 304 of each form.
func TestPrepareGoldenHeaders(t *testing.T) {
	body := htmlBody()
	p := preparedPage(t, "text/html; charset=utf-8", body)
	etags := map[string]Encoding{}
	for e := Identity; e < numEncodings; e++ {
		f := p.Forms[e]
		if f == nil {
			t.Fatalf("no %s form", e)
		}
		if got := unzip(t, f); !bytes.Equal(got, body) {
			t.Errorf("%s form decodes to %d bytes, want the page's %d", e, len(got), len(body))
		}
		if e != Identity && len(f.Body) >= len(body)/2 {
			t.Errorf("%s form is %d bytes of %d: not compressed", e, len(f.Body), len(body))
		}
		if f.ETag != ETag(f.Body) {
			t.Errorf("%s ETag %s is not the hash of its bytes", e, f.ETag)
		}
		if prev, dup := etags[f.ETag]; dup {
			t.Errorf("%s and %s share the ETag %s", e, prev, f.ETag)
		}
		etags[f.ETag] = e
		want := http.Header{
			"Content-Type":           {"text/html; charset=utf-8"},
			"Content-Length":         {strconv.Itoa(len(f.Body))},
			"Etag":                   {f.ETag},
			"Cache-Control":          {"public, max-age=0, must-revalidate"},
			"Vary":                   {"Accept-Encoding"},
			"X-Content-Version":      {"7"},
			"X-Frame-Options":        {"DENY"},
			"X-Content-Type-Options": {"nosniff"},
		}
		if e != Identity {
			want["Content-Encoding"] = []string{e.String()}
		}
		if !reflect.DeepEqual(f.Header, want) {
			t.Errorf("%s headers:\n got %v\nwant %v", e, f.Header, want)
		}
		delete(want, "Content-Type")
		delete(want, "Content-Length")
		delete(want, "Content-Encoding")
		if !reflect.DeepEqual(f.NotModified, want) {
			t.Errorf("%s 304 headers:\n got %v\nwant %v", e, f.NotModified, want)
		}
		for k, vs := range f.Header {
			if cap(vs) != len(vs) {
				t.Errorf("%s header %s has spare capacity: an append would write into the stored page", e, k)
			}
		}
	}
	if p.Forms[Identity].ETag != p.ETag {
		t.Errorf("identity ETag %s, page's %s", p.Forms[Identity].ETag, p.ETag)
	}
}

// Small bodies and media that do not compress keep the identity form
// alone, without Vary; answers that are not a 200 with an ETag are left
// unprepared.
func TestPrepareOnlyWhatIsWorthIt(t *testing.T) {
	small := preparedPage(t, "text/html; charset=utf-8", []byte("<p>ngắn</p>"))
	pdf := preparedPage(t, "application/pdf", htmlBody())
	for name, p := range map[string]*Page{"small": small, "pdf": pdf} {
		if p.Forms[Identity] == nil || p.Forms[Gzip] != nil || p.Forms[Brotli] != nil {
			t.Errorf("%s: forms %v, want identity alone", name, p.Forms)
			continue
		}
		if v := p.Forms[Identity].Header.Get("Vary"); v != "" {
			t.Errorf("%s: Vary %q on a page with one form", name, v)
		}
	}
	redirect := &Page{Status: http.StatusMovedPermanently, Header: http.Header{"Location": {"/vi/"}}}
	redirect.Prepare(common, "public")
	if redirect.Forms[Identity] != nil {
		t.Error("a redirect was prepared")
	}
	for _, ct := range []string{"application/rss+xml; charset=utf-8", "application/json", "text/css", "image/svg+xml"} {
		if !compressible(ct) {
			t.Errorf("%s not compressible", ct)
		}
	}
}

// Negotiate follows Accept-Encoding's q-values: brotli before gzip before
// identity at equal q, never a coding with q=0, "*" for the codings not
// named, identity when nothing acceptable is kept.
func TestNegotiate(t *testing.T) {
	p := preparedPage(t, "text/html; charset=utf-8", htmlBody())
	small := preparedPage(t, "text/html; charset=utf-8", []byte("x"))
	for _, c := range []struct {
		ae   []string
		want Encoding
	}{
		{nil, Identity},
		{[]string{""}, Identity},
		{[]string{"gzip, deflate, br"}, Brotli},
		{[]string{"gzip, deflate, br, zstd"}, Brotli},
		{[]string{"gzip"}, Gzip},
		{[]string{"GZIP"}, Gzip},
		{[]string{"x-gzip"}, Gzip},
		{[]string{"br;q=0.5, gzip"}, Gzip},
		{[]string{"br;q=0, gzip;q=0.1"}, Gzip},
		{[]string{"br;q=0, gzip;q=0"}, Identity},
		{[]string{"identity"}, Identity},
		{[]string{"identity;q=1, gzip;q=0.5"}, Identity},
		{[]string{"*"}, Brotli},
		{[]string{"*;q=0.3, br;q=0"}, Gzip},
		{[]string{"*;q=0"}, Identity}, // nothing acceptable: identity anyway
		{[]string{"identity;q=0"}, Identity},
		{[]string{"deflate"}, Identity},
		{[]string{"gzip;q=0.8", "br;q=0.9"}, Brotli}, // two fields
		{[]string{"br ; q=1.000 , gzip"}, Brotli},
		{[]string{"br;q=2, gzip;q=0.5"}, Gzip}, // a malformed q counts as 0
		{[]string{"br;q=abc, gzip"}, Gzip},
		{[]string{"br;level=4, gzip;q=0.9"}, Brotli},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.ae != nil {
			r.Header["Accept-Encoding"] = c.ae
		}
		if got := p.Negotiate(r).Encoding; got != c.want {
			t.Errorf("Accept-Encoding %q: %s, want %s", c.ae, got, c.want)
		}
		if got := small.Negotiate(r).Encoding; got != Identity {
			t.Errorf("Accept-Encoding %q on a page without compressed forms: %s", c.ae, got)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br;q=0.9")
	if n := testing.AllocsPerRun(100, func() { p.Negotiate(r) }); n != 0 {
		t.Errorf("Negotiate allocates %v times", n)
	}
}

// Peek answers what Fetch answers without starting a render: hits, and
// aggregate pages served stale while their successor renders or before one
// is due; nothing else.
func TestPeek(t *testing.T) {
	clk := newClock()
	c := newCache(t, clk)
	home := &pages{name: "home", tags: []Tag{AnyContent}}
	item := &pages{name: "item", tags: []Tag{ItemTag("t", "a")}, item: &ItemVersion{Tenant: "t", ContentID: "a", Version: 1}}
	if _, ok := c.Peek("/home"); ok {
		t.Fatal("Peek found a page never stored")
	}
	fetch(t, c, "/home", home.render)
	fetch(t, c, "/item", item.render)
	for _, k := range []string{"/home", "/item"} {
		if a, ok := c.Peek(k); !ok || a.Page == nil || a.Source != Hit || !a.Keep {
			t.Fatalf("Peek(%s) after the render: %v %v, want a hit", k, a.Page, ok)
		}
	}
	c.Invalidate(AnyContent) // the home is stale: Fetch serves it stale, its successor not yet due
	if a, ok := c.Peek("/home"); !ok || a.Source != Stale || a.Keep || string(a.Page.Body) != "home 1" {
		t.Errorf("Peek of the home right after an event: %v %v, want home 1 stale, not kept", a.Page, ok)
	}
	clk.Advance(time.Second) // its successor is due: Fetch would start it
	if _, ok := c.Peek("/home"); ok {
		t.Error("Peek answered a stale aggregate page whose successor is due and not started")
	}
	release := make(chan struct{})
	slow := func(ctx context.Context) (*Render, error) { <-release; return home.render(ctx) }
	if a := fetch(t, c, "/home", slow); a.Source != Stale {
		t.Fatalf("Fetch at MaxStale: %v", a)
	}
	if a, ok := c.Peek("/home"); !ok || a.Source != Stale || a.Keep { // its successor renders
		t.Errorf("Peek while the successor renders: %v %v, want stale", a.Page, ok)
	}
	clk.Advance(time.Millisecond) // past MaxStale, its successor slower than its own render
	if _, ok := c.Peek("/home"); ok {
		t.Error("Peek answered a page stale for longer than MaxStale, its successor slower than its own render")
	}
	close(release)
	waitIdle(t, c, "/home")
	if a, ok := c.Peek("/home"); !ok || a.Source != Hit || string(a.Page.Body) != "home 2" {
		t.Errorf("Peek after the successor: %v %v, want home 2", a.Page, ok)
	}
	c.Invalidate(ItemTag("t", "a"))
	if _, ok := c.Peek("/item"); ok {
		t.Error("Peek answered a dropped item page")
	}
	fetch(t, c, "/item", item.render)
	clk.Advance(6 * time.Minute) // past MaxAge
	if _, ok := c.Peek("/item"); ok {
		t.Error("Peek answered a page past its MaxAge")
	}
	fetch(t, c, "/item", item.render)
	c.SetEnabled(false)
	if _, ok := c.Peek("/item"); ok {
		t.Error("Peek answered from a disabled cache")
	}
	c.SetEnabled(true)
	exp := func(context.Context) (*Render, error) {
		return &Render{Page: &Page{Status: 200, Body: []byte("tender")}, ExpiresAt: clk.Now().Add(time.Minute)}, nil
	}
	fetch(t, c, "/tender", exp)
	if _, ok := c.Peek("/tender"); !ok {
		t.Error("Peek did not answer a page before its ExpiresAt")
	}
	clk.Advance(time.Minute)
	if _, ok := c.Peek("/tender"); ok {
		t.Error("Peek answered a page past its ExpiresAt")
	}
}

// A page Peek served is not the first evicted: eviction gives it a second
// chance, as Fetch's hits move pages to the front of the LRU list.
func TestPeekKeepsPagesFromEviction(t *testing.T) {
	clk := newClock()
	c := New(Config{MaxBytes: 3 * 1100, Now: clk.Now})
	page := func(name string) func(context.Context) (*Render, error) {
		return func(context.Context) (*Render, error) {
			return &Render{Page: &Page{Status: 200, Body: bytes.Repeat([]byte(name[:1]), 1000)}}, nil
		}
	}
	fetch(t, c, "/a", page("a"))
	fetch(t, c, "/b", page("b"))
	fetch(t, c, "/c", page("c"))
	if _, ok := c.Peek("/a"); !ok { // the oldest, but served
		t.Fatal("/a not stored")
	}
	fetch(t, c, "/d", page("d")) // evicts one
	if _, ok := c.Peek("/a"); !ok {
		t.Error("/a, served by Peek, was evicted first")
	}
	if _, ok := c.Peek("/b"); ok {
		t.Error("/b, the least recently used, was kept")
	}
}

// BenchmarkPrepare is the cost of a page's forms, paid once per render:
// go test -run '^$' -bench Prepare ./gateway/internal/pagecache.
func BenchmarkPrepare(b *testing.B) {
	body := htmlBody()[:16<<10]
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		p := NewPage(http.StatusOK, "text/html; charset=utf-8", body)
		p.Prepare(common, "public")
		p.Compressed()
	}
}

// Renders that succeed are timed by page (item or aggregate), failures not
// (the bench's floor reads the item pages' mean).
func TestRenderSeconds(t *testing.T) {
	c := newCache(t, newClock())
	home := &pages{name: "home", tags: []Tag{AnyContent}}
	item := &pages{name: "item", tags: []Tag{ItemTag("t", "a")}, item: &ItemVersion{Tenant: "t", ContentID: "a", Version: 1}}
	fetch(t, c, "/home", home.render)
	fetch(t, c, "/item", item.render)
	if _, err := c.Fetch(context.Background(), "/bad", func(context.Context) (*Render, error) {
		return nil, errors.New("store down")
	}); err == nil {
		t.Fatal("a failed render answered")
	}
	for page, want := range map[string]int{"item": 1, "aggregate": 1} {
		m := &dto.Metric{}
		if err := c.renderSeconds.WithLabelValues(page).(prometheus.Histogram).Write(m); err != nil {
			t.Fatal(err)
		}
		if got := int(m.GetHistogram().GetSampleCount()); got != want {
			t.Errorf("%s renders timed: %d, want %d", page, got, want)
		}
	}
}

// Preparing a page reuses its compressors: a new brotli writer allocates
// about 1 MB of hash tables and a new gzip writer about 800 KB, which under
// publishing were most of the bytes the gateway allocated. What a
// Prepare of 16 KB allocates is its forms and headers, well under the
// 256 KB bound (2.2 MB before the writers were pooled).
func TestPrepareReusesCompressors(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops pooled writers at random (make test runs this test without it)")
	}
	body := htmlBody()[:16<<10]
	prepare := func() {
		p := NewPage(http.StatusOK, "text/html; charset=utf-8", body)
		p.Prepare(common, "public")
		if p = p.Compressed(); p == nil || p.Forms[Gzip] == nil || p.Forms[Brotli] == nil {
			t.Fatal("no compressed forms")
		}
	}
	for range 3 {
		prepare()
	}
	const runs = 50
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		prepare()
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / runs; per > 256<<10 {
		t.Errorf("a Prepare of 16 KB allocated %d bytes, want at most %d", per, 256<<10)
	}
}
