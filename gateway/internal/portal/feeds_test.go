package portal_test

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (go test -update to accept):\n%s", name, got)
	}
}

// portable replaces the test server's address in a document by a fixed one,
// for golden files.
func (e *env) portable(b []byte) []byte {
	host := strings.TrimPrefix(e.srv.URL, "http://")
	name, _, _ := strings.Cut(host, ":")
	b = bytes.ReplaceAll(b, []byte(e.srv.URL), []byte("http://portal.test"))
	return bytes.ReplaceAll(b, []byte("tag:"+name+","), []byte("tag:portal.test,"))
}

// seedFeeds is seed with each item's updated_at set to its publication, so
// that feeds are the same on every run.
func seedFeeds(t *testing.T, e *env) {
	seed(t, e)
	e.exec(t, `UPDATE items SET updated_at = published_at`)
	e.exec(t, `UPDATE tenants SET updated_at = '2025-06-01T00:00:00Z'`)
}

// fetchFeed gets a feed, checks its type and conditional GET, and parses it
// with gofeed.
func (e *env) fetchFeed(t *testing.T, path, wantType string) (*gofeed.Feed, []byte) {
	t.Helper()
	res, body := e.do(t, http.MethodGet, path)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != wantType+"; charset=utf-8" {
		t.Fatalf("GET %s: %d %s\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	etag := res.Header.Get("ETag")
	if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
		t.Errorf("GET %s: ETag %q, Cache-Control %q", path, etag, res.Header.Get("Cache-Control"))
	}
	if res, _ := e.do(t, http.MethodGet, path, "If-None-Match", etag); res.StatusCode != http.StatusNotModified {
		t.Errorf("GET %s with its ETag: %d, want 304", path, res.StatusCode)
	}
	f, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("%s: gofeed: %v\n%s", path, err, body)
	}
	return f, body
}

// parseFeed parses a feed answer with gofeed.
func parseFeed(t *testing.T, res *http.Response, body []byte) *gofeed.Feed {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", res.Request.URL, res.StatusCode, body)
	}
	f, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatalf("%s: gofeed: %v\n%s", res.Request.URL, err, body)
	}
	return f
}

func itemTitles(f *gofeed.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return out
}

// The provincial feeds list every sub-portal's visible items, newest first,
// in the feed's language (a Vietnamese fallback marked as such), each with
// its sub-portal as author and its category; they are the golden files.
func TestProvincialFeeds(t *testing.T) {
	e := newEnv(t)
	seedFeeds(t, e)

	f, body := e.fetchFeed(t, "/vi/rss.xml", "application/rss+xml")
	golden(t, "feeds/vi.rss", e.portable(body))
	want := []string{"Tin phường", "Gói thầu số 1", "Ban Giám đốc", "Quyết định 15/2025/QĐ-UBND", "Lễ hội biển Nha Trang"}
	if got := itemTitles(f); !slices.Equal(got, want) {
		t.Errorf("vi items %q, want %q (visible only, newest first)", got, want)
	}
	if f.FeedType != "rss" || f.Language != "vi" || f.Link != e.srv.URL+"/vi/" {
		t.Errorf("feed %s %q %q", f.FeedType, f.Language, f.Link)
	}
	it := f.Items[4]
	if it.Link != e.srv.URL+"/vi/sotttt/le-hoi-bien" || len(it.Authors) != 1 || it.Authors[0].Name != "Sở Thông tin và Truyền thông" ||
		!slices.Equal(it.Categories, []string{"Tin tức - Sự kiện"}) || !it.PublishedParsed.Equal(t0) {
		t.Errorf("festival: link %q, authors %v, categories %q, published %v", it.Link, it.Authors, it.Categories, it.PublishedParsed)
	}

	f, body = e.fetchFeed(t, "/en/atom.xml", "application/atom+xml")
	golden(t, "feeds/en.atom", e.portable(body))
	if f.FeedType != "atom" || f.Language != "en" || len(f.Items) != 5 {
		t.Fatalf("en atom: %s %q, %d items", f.FeedType, f.Language, len(f.Items))
	}
	if it := f.Items[4]; it.Title != "Nha Trang Sea Festival" || it.Link != e.srv.URL+"/en/sotttt/sea-festival" {
		t.Errorf("translated entry %q %q", it.Title, it.Link)
	}
	// An untranslated item's entry is in Vietnamese and says so.
	if !bytes.Contains(body, []byte(`<entry xml:lang="vi">`)) {
		t.Error("no entry marked xml:lang=vi for the Vietnamese fallback")
	}
	if res, _ := e.do(t, http.MethodGet, "/de/rss.xml"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/de/rss.xml: %d, want 404", res.StatusCode)
	}
}

// A feed is kept in the page cache and dropped by the events that change
// its list, like the list's page.
func TestFeedFollowsEvents(t *testing.T) {
	e := newEnv(t)
	seedFeeds(t, e)
	f, _ := e.fetchFeed(t, "/vi/atom.xml", "application/atom+xml")
	if len(f.Items) != 5 {
		t.Fatalf("%d entries", len(f.Items))
	}
	news := article("tin-moi", 1, t0.Add(9*time.Hour), tr("vi", "tin-moi", "Tin mới nhất", "", ""))
	e.put(t, "nhatrang", news)
	f, _ = e.fetchFeed(t, "/vi/atom.xml", "application/atom+xml")
	if len(f.Items) != 5 {
		t.Fatalf("the feed was not served from the cache: %d entries", len(f.Items))
	}
	e.publish(t, "nhatrang", news, pb.ContentChange_CONTENT_CHANGE_PUBLISHED)
	testenv.WaitFor(t, 10*time.Second, func() error {
		e.clock.Advance(1100 * time.Millisecond)           // past the aggregate pages' stale time
		_, body := e.do(t, http.MethodGet, "/vi/atom.xml") // stale (no-store) for a moment
		f, err := gofeed.NewParser().ParseString(string(body))
		if err != nil {
			return err
		}
		if f.Items[0].Title != "Tin mới nhất" {
			return fmt.Errorf("newest entry %q", f.Items[0].Title)
		}
		return nil
	})
}

// Every list has its feeds: a sub-portal's, a provincial section's and a
// sub-portal's section's, in both formats; a section's slug in another
// language answers 301 to this language's feed; a word that names nothing
// is 404. List pages link their feeds (rel=alternate) and show a link to
// subscribe.
func TestListFeeds(t *testing.T) {
	e := newEnv(t)
	seedFeeds(t, e)
	for _, tt := range []struct {
		path, mediaType string
		title           string
		want            []string
	}{
		{"/vi/sotttt/rss.xml", "application/rss+xml", "Sở Thông tin và Truyền thông",
			[]string{"Gói thầu số 1", "Ban Giám đốc", "Quyết định 15/2025/QĐ-UBND", "Lễ hội biển Nha Trang"}},
		{"/en/news/atom.xml", "application/atom+xml", "News and events – Khanh Hoa Provincial Portal",
			[]string{"Tin phường", "Nha Trang Sea Festival"}},
		{"/ru/nhatrang/novosti/rss.xml", "application/rss+xml", "Новости и события – Phường Nha Trang", []string{"Новости квартала"}},
		{"/vi/sotttt/van-ban-phap-luat/atom.xml", "application/atom+xml", "Văn bản pháp luật – Sở Thông tin và Truyền thông",
			[]string{"Quyết định 15/2025/QĐ-UBND"}},
	} {
		f, _ := e.fetchFeed(t, tt.path, tt.mediaType)
		if got := itemTitles(f); f.Title != tt.title || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q with %q, want %q with %q", tt.path, f.Title, got, tt.title, tt.want)
		}
	}
	for path, want := range map[string]string{
		"/en/tin-tuc-su-kien/rss.xml":         "/en/news/rss.xml",
		"/vi/sotttt/legal-documents/atom.xml": "/vi/sotttt/van-ban-phap-luat/atom.xml",
	} {
		res, _ := e.do(t, http.MethodGet, path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for _, path := range []string{"/vi/khong-co/rss.xml", "/vi/sotttt/khong-co/rss.xml", "/vi/sotttt/le-hoi-bien/atom.xml"} {
		if res, _ := e.do(t, http.MethodGet, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	for page, feed := range map[string]string{"/vi/": "/vi/rss.xml", "/en/sotttt/": "/en/sotttt/rss.xml",
		"/vi/tin-tuc-su-kien/": "/vi/tin-tuc-su-kien/rss.xml", "/ru/sotttt/struktura/": "/ru/sotttt/struktura/rss.xml"} {
		_, doc := e.get(t, page)
		if got := attr(doc, `head link[rel=alternate][type="application/rss+xml"]`, "href"); got != feed {
			t.Errorf("%s links the RSS feed %q, want %q", page, got, feed)
		}
		if attr(doc, `head link[rel=alternate][type="application/atom+xml"]`, "href") == "" {
			t.Errorf("%s links no Atom feed", page)
		}
		if got := attr(doc, "main .feeds a", "href"); got != feed {
			t.Errorf("%s: subscribe link %q, want %q", page, got, feed)
		}
	}
}

// /{lang}/feeds lists every feed (the portal's, each section's, each active
// sub-portal's), and each link answers a feed.
func TestFeedListPage(t *testing.T) {
	e := newEnv(t)
	seedFeeds(t, e)
	for _, lang := range []string{"vi", "en", "ru"} {
		res, doc := e.get(t, "/"+lang+"/feeds")
		if res.StatusCode != http.StatusOK || doc.Find("h1").Length() != 1 || doc.Find("main table").Length() != 3 {
			t.Fatalf("/%s/feeds: %d, %d h1, %d tables", lang, res.StatusCode, doc.Find("h1").Length(), doc.Find("main table").Length())
		}
		if lang != "en" {
			continue
		}
		hrefs := map[string]bool{}
		doc.Find(`main a[type="application/rss+xml"], main a[type="application/atom+xml"]`).Each(func(_ int, s *goquery.Selection) {
			h, _ := s.Attr("href")
			hrefs[h] = true
		})
		for _, want := range []string{"/en/rss.xml", "/en/legal-documents/atom.xml", "/en/sotttt/rss.xml", "/en/nhatrang/atom.xml"} {
			if !hrefs[e.srv.URL+want] {
				t.Errorf("no link to %s", want)
			}
		}
		for h := range hrefs {
			res, body := e.do(t, http.MethodGet, strings.TrimPrefix(h, e.srv.URL))
			parseFeed(t, res, body)
		}
	}
}
