package pagecache

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// held is a Config.Background that keeps the tasks until run is called:
// the window between a page's store and its compressed forms, held open.
type held struct {
	mu    sync.Mutex
	tasks []func()
}

func (h *held) add(task func()) { h.mu.Lock(); h.tasks = append(h.tasks, task); h.mu.Unlock() }

func (h *held) run() int {
	h.mu.Lock()
	tasks := h.tasks
	h.tasks = nil
	h.mu.Unlock()
	for _, task := range tasks {
		task()
	}
	return len(tasks)
}

// preparedRender renders a prepared page of body (as the portal's renders
// do) with tags.
func preparedRender(body []byte, tags ...Tag) func(context.Context) (*Render, error) {
	return func(context.Context) (*Render, error) {
		p := NewPage(http.StatusOK, "text/html; charset=utf-8", body)
		p.Prepare(common, "public, max-age=0, must-revalidate")
		return &Render{Page: p, Tags: tags}, nil
	}
}

func acceptEncoding(ae string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/vi/", nil)
	if ae != "" {
		r.Header.Set("Accept-Encoding", ae)
	}
	return r
}

// checkForm checks that f is a correct answer of its coding for a page of
// body: its bytes decode to body, its ETag is the hash of its bytes, and
// its headers say so (Content-Encoding, Content-Length, Vary).
func checkForm(t *testing.T, f *Form, want Encoding, body []byte) {
	t.Helper()
	if f.Encoding != want {
		t.Fatalf("form %s, want %s", f.Encoding, want)
	}
	if !bytes.Equal(unzip(t, f), body) {
		t.Errorf("%s form does not decode to the page", want)
	}
	if f.ETag != ETag(f.Body) || f.Header.Get("Etag") != f.ETag || f.NotModified.Get("Etag") != f.ETag {
		t.Errorf("%s form: ETag %s, header %s, not the hash of its bytes", want, f.ETag, f.Header.Get("Etag"))
	}
	ce := ""
	if want != Identity {
		ce = want.String()
	}
	if f.Header.Get("Content-Encoding") != ce || f.Header.Get("Content-Length") != strconv.Itoa(len(f.Body)) ||
		f.Header.Get("Vary") != "Accept-Encoding" || f.NotModified.Get("Content-Length") != "" {
		t.Errorf("%s form headers: %v (304: %v)", want, f.Header, f.NotModified)
	}
}

// A page is stored and answered in its identity form as soon as it is
// rendered; its gzip and brotli forms are made after (Config.Background)
// and replace it in the cache: during the window every request gets the
// identity form, correct and with Vary: Accept-Encoding; after it, each
// coding its own form with its own ETag; the identity form is the same
// before and after.
func TestCompressedFormsAfterStore(t *testing.T) {
	bg := &held{}
	c := New(Config{MaxBytes: 1 << 20, Registerer: prometheus.NewRegistry(), Now: newClock().Now, Background: bg.add})
	body := htmlBody()
	a := fetch(t, c, "/vi/", preparedRender(body, AnyContent))
	if a.Source != Rendered || a.Page.Forms[Identity] == nil || a.Page.Forms[Gzip] != nil || a.Page.Forms[Brotli] != nil {
		t.Fatalf("the render's answer: %v, forms %v; want the identity form alone", a, a.Page.Forms)
	}
	identity := a.Page.Forms[Identity]
	for _, ae := range []string{"", "gzip", "gzip, deflate, br"} {
		checkForm(t, a.Page.Negotiate(acceptEncoding(ae)), Identity, body)
		p, ok := c.Peek("/vi/")
		if !ok {
			t.Fatal("the page is not stored")
		}
		checkForm(t, p.Page.Negotiate(acceptEncoding(ae)), Identity, body)
	}
	size := c.bytes
	if n := bg.run(); n != 1 {
		t.Fatalf("%d compressions after one render, want 1", n)
	}
	p, ok := c.Peek("/vi/")
	if !ok || p.Page == a.Page {
		t.Fatal("the page with its compressed forms did not replace the stored one")
	}
	if p.Page.Forms[Identity] != identity || p.Page.ETag != a.Page.ETag {
		t.Error("the identity form changed with the compressed forms")
	}
	etags := map[string]Encoding{}
	for ae, want := range map[string]Encoding{"": Identity, "gzip": Gzip, "gzip, deflate, br": Brotli} {
		f := p.Page.Negotiate(acceptEncoding(ae))
		checkForm(t, f, want, body)
		if prev, dup := etags[f.ETag]; dup {
			t.Errorf("%s and %s share the ETag %s", want, prev, f.ETag)
		}
		etags[f.ETag] = want
	}
	if c.bytes <= size || c.bytes != c.lru.Front().Value.(*entry).size {
		t.Errorf("the cache counts %d bytes (%d before), the entry %d", c.bytes, size,
			c.lru.Front().Value.(*entry).size)
	}
	if a := fetch(t, c, "/vi/", preparedRender(body, AnyContent)); a.Source != Hit || a.Page != p.Page {
		t.Errorf("Fetch after the compression: %v, want the compressed page", a)
	}
}

// A compression that ends after its page was replaced (a newer render) or
// dropped (an event) stores nothing: it would bring back an old page.
func TestCompressedFormsOfAReplacedPage(t *testing.T) {
	bg := &held{}
	c := New(Config{MaxBytes: 1 << 20, Registerer: prometheus.NewRegistry(), Now: newClock().Now, Background: bg.add})
	item := ItemTag("t", "a")
	v1, v2 := htmlBody(), append(htmlBody(), "<p>v2</p>"...)
	render := func(body []byte) func(context.Context) (*Render, error) {
		return func(ctx context.Context) (*Render, error) {
			r, err := preparedRender(body, item)(ctx)
			r.Item = &ItemVersion{Tenant: "t", ContentID: "a", Version: 1}
			return r, err
		}
	}
	fetch(t, c, "/item", render(v1))
	c.Invalidate(item) // drops it
	fetch(t, c, "/item", render(v2))
	bg.run()
	a, ok := c.Peek("/item")
	if !ok || !bytes.Equal(a.Page.Body, v2) {
		t.Fatalf("after the compressions: found %v, v2 %v; want v2", ok, ok && bytes.Equal(a.Page.Body, v2))
	}
	checkForm(t, a.Page.Negotiate(acceptEncoding("br")), Brotli, v2)
	c.Invalidate(item)
	fetch(t, c, "/item", render(v1))
	c.Invalidate(item)
	bg.run()
	if _, ok := c.Peek("/item"); ok {
		t.Error("a compression stored a page dropped by an event")
	}
	if c.bytes != 0 {
		t.Errorf("an empty cache counts %d bytes", c.bytes)
	}
}

// With a Background that runs inline (as the portal's tests set it), the
// render's waiters get the page with its compressed forms.
func TestCompressedFormsInline(t *testing.T) {
	c := New(Config{MaxBytes: 1 << 20, Registerer: prometheus.NewRegistry(), Now: newClock().Now,
		Background: func(task func()) { task() }})
	body := htmlBody()
	a := fetch(t, c, "/vi/", preparedRender(body, AnyContent))
	checkForm(t, a.Page.Negotiate(acceptEncoding("br")), Brotli, body)
	if p, ok := c.Peek("/vi/"); !ok || p.Page != a.Page {
		t.Error("the waiters' page is not the stored one")
	}
}
