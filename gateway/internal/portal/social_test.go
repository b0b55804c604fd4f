package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

func meta(doc *goquery.Document, key string) string {
	if v, ok := doc.Find(`head meta[property="` + key + `"]`).First().Attr("content"); ok {
		return v
	}
	return attr(doc, `head meta[name="`+key+`"]`, "content")
}

// Item pages carry OpenGraph and Twitter card tags of the item (its title,
// summary, URL, dates, first image); every other page the site's defaults.
func TestSocialTags(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	photo := article("anh-le-hoi", 1, t0.Add(6*time.Hour), tr("vi", "anh-le-hoi", "Ảnh lễ hội", "Pháo hoa trên vịnh", ""))
	photo.Attachments = []*pb.Attachment{{Sha256: strings.Repeat("ab", 32), Filename: "phao-hoa.jpg", MediaType: "image/jpeg",
		Title: "Pháo hoa trên vịnh Nha Trang"}}
	e.put(t, "sotttt", photo)

	_, doc := e.get(t, "/vi/sotttt/le-hoi-bien")
	for key, want := range map[string]string{
		"og:type": "article", "og:title": "Lễ hội biển Nha Trang", "og:description": "Tóm tắt <script>alert(1)</script>",
		"og:url": e.srv.URL + "/vi/sotttt/le-hoi-bien", "og:locale": "vi_VN", "og:site_name": "Cổng thông tin điện tử tỉnh Khánh Hòa",
		"article:published_time": "2025-07-01T08:30:00+07:00", "twitter:card": "summary", "twitter:title": "Lễ hội biển Nha Trang",
		"og:image": "",
	} {
		if got := meta(doc, key); got != want {
			t.Errorf("item %s = %q, want %q", key, got, want)
		}
	}
	_, doc = e.get(t, "/en/sotttt/anh-le-hoi") // a Vietnamese fallback
	for key, want := range map[string]string{
		"og:image":     e.srv.URL + "/files/sotttt/anh-le-hoi/" + strings.Repeat("ab", 32),
		"og:image:alt": "Pháo hoa trên vịnh Nha Trang", "twitter:card": "summary_large_image", "og:locale": "en_US",
		"og:url": e.srv.URL + "/vi/sotttt/anh-le-hoi", // the canonical: the Vietnamese page
	} {
		if got := meta(doc, key); got != want {
			t.Errorf("image item %s = %q, want %q", key, got, want)
		}
	}
	_, doc = e.get(t, "/ru/")
	for key, want := range map[string]string{"og:type": "website", "twitter:card": "summary", "og:url": e.srv.URL + "/ru/",
		"og:locale": "ru_RU", "og:title": text(doc, "title")} {
		if got := meta(doc, key); got != want {
			t.Errorf("home %s = %q, want %q", key, got, want)
		}
	}
	if meta(doc, "og:description") == "" || meta(doc, "twitter:description") == "" {
		t.Error("home has no default description")
	}
}

// Every content page links its print view (?print=1): the same page marked
// for print (no navigation, the page's address shown), not indexed, with
// the page's canonical link, cached on its own and dropped with the page.
func TestPrintView(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	const path = "/vi/sotttt/le-hoi-bien"
	res, doc := e.get(t, path)
	if got := attr(doc, "main .print-link a", "href"); got != path+"?print=1" {
		t.Errorf("print link %q", got)
	}
	if doc.Find("body.print-view").Length() != 0 || doc.Find(`meta[name=robots]`).Length() != 0 {
		t.Error("the page itself is marked for print or noindex")
	}
	pageETag := res.Header.Get("ETag")

	res, doc = e.get(t, path+"?print=1")
	if res.StatusCode != http.StatusOK || doc.Find("body.print-view").Length() != 1 {
		t.Fatalf("print view: %d, body.print-view %d", res.StatusCode, doc.Find("body.print-view").Length())
	}
	if attr(doc, `meta[name=robots]`, "content") != "noindex" || attr(doc, `link[rel=canonical]`, "href") != e.srv.URL+path {
		t.Errorf("print view: robots %q, canonical %q", attr(doc, `meta[name=robots]`, "content"), attr(doc, `link[rel=canonical]`, "href"))
	}
	if got := text(doc, ".print-url"); got != "Địa chỉ trang: "+e.srv.URL+path {
		t.Errorf("printed address %q", got)
	}
	if text(doc, "h1") != "Lễ hội biển Nha Trang" || res.Header.Get("ETag") == pageETag || res.Header.Get("ETag") == "" {
		t.Errorf("print view: h1 %q, ETag %q (page's %q)", text(doc, "h1"), res.Header.Get("ETag"), pageETag)
	}
	e.queries.take()
	if res, _ := e.get(t, path+"?print=1", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("print view with its ETag: %d", res.StatusCode)
	}
	if q := e.queries.take(); len(q) != 0 {
		t.Errorf("the cached print view ran %d queries", len(q))
	}

	// A list's print view keeps its parameters; a status page has none.
	_, doc = e.get(t, "/vi/tin-tuc-su-kien/")
	if got := attr(doc, ".print-link a", "href"); got != "/vi/tin-tuc-su-kien/?print=1" {
		t.Errorf("section print link %q", got)
	}
	_, doc = e.get(t, "/vi/sotttt/khong-co")
	if doc.Find(".print-link").Length() != 0 {
		t.Error("a 404 page links a print view")
	}
	// Every content page type links its print view, which is the page
	// marked for print (Decree 42).
	for _, p := range []string{"/vi/", "/ru/sotttt/", "/en/sotttt/quyet-dinh-15", "/en/sotttt/ban-giam-doc",
		"/vi/sotttt/goi-thau-1", "/vi/van-ban-phap-luat/", "/vi/van-ban-phap-luat/?year=2025", "/vi/portals/",
		"/vi/feeds", "/en/accessibility", "/en/privacy", "/en/developers"} {
		res, doc := e.get(t, p)
		want := p + "?print=1"
		if strings.Contains(p, "?") {
			want = p + "&print=1"
		}
		if res.StatusCode != http.StatusOK || attr(doc, "main .print-link a", "href") != want {
			t.Errorf("%s: %d, print link %q, want %q", p, res.StatusCode, attr(doc, "main .print-link a", "href"), want)
			continue
		}
		if res, doc := e.get(t, want); res.StatusCode != http.StatusOK || doc.Find("body.print-view").Length() != 1 {
			t.Errorf("%s: %d, body.print-view %d", want, res.StatusCode, doc.Find("body.print-view").Length())
		}
	}

	v4 := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển 2025", "", ""))
	e.put(t, "sotttt", v4)
	e.publish(t, "sotttt", v4, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if _, doc := e.get(t, path+"?print=1"); text(doc, "h1") != "Lễ hội biển 2025" {
			return fmt.Errorf("print view h1 %q", text(doc, "h1"))
		}
		return nil
	})
}
