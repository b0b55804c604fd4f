package portal_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// seedNews publishes n news articles of sotttt, one a minute from two
// days after t0 (after the seed's items), "tin-0" the oldest.
func seedNews(t *testing.T, e *env, n int) {
	t.Helper()
	for i := range n {
		e.put(t, "sotttt", article(fmt.Sprintf("tin-%d", i), 1, t0.Add(48*time.Hour+time.Duration(i)*time.Minute),
			tr("vi", fmt.Sprintf("tin-%d", i), fmt.Sprintf("Tin số %d", i), "", "<p>x</p>")))
	}
}

func TestSectionPages(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	seedNews(t, e, 45)

	t.Run("provincial section, newest first, keyset pages", func(t *testing.T) {
		res, doc := e.get(t, "/vi/tin-tuc-su-kien/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		if got := text(doc, "h1"); got != "Tin tức - Sự kiện" {
			t.Errorf("h1 = %q", got)
		}
		titles := texts(doc, "ol.items h2")
		if len(titles) != 20 || titles[0] != "Tin số 44" || titles[19] != "Tin số 25" {
			t.Fatalf("first page = %d titles %q…", len(titles), titles)
		}
		// Titles right under the h1 are h2: headings skip no level (axe, Lighthouse).
		if n := doc.Find("main h3").Length(); n != 0 {
			t.Errorf("the list's titles skip a heading level: %d h3 under the h1", n)
		}
		if attr(doc, "a[rel=prev]", "href") != "" || attr(doc, "a[rel=first]", "href") != "" {
			t.Error("the first page links to a previous page")
		}
		next := attr(doc, "a[rel=next]", "href")
		_, doc = e.get(t, next)
		if got := texts(doc, "ol.items h2"); len(got) != 20 || got[0] != "Tin số 24" {
			t.Fatalf("second page = %q", got)
		}
		if attr(doc, "a[rel=first]", "href") != "/vi/tin-tuc-su-kien/" {
			t.Errorf("first link = %q", attr(doc, "a[rel=first]", "href"))
		}
		_, doc = e.get(t, attr(doc, "a[rel=next]", "href"))
		// The last page: the 5 oldest and the seed's news.
		last := texts(doc, "ol.items h2")
		if len(last) == 0 || last[0] != "Tin số 4" || attr(doc, "a[rel=next]", "href") != "" {
			t.Fatalf("last page = %q, next %q", last, attr(doc, "a[rel=next]", "href"))
		}
		_, doc = e.get(t, attr(doc, "a[rel=prev]", "href"))
		if got := texts(doc, "ol.items h2"); len(got) != 20 || got[0] != "Tin số 24" {
			t.Fatalf("back to the second page = %q", got)
		}
		if got := attr(doc, `link[rel=canonical]`, "href"); got != e.srv.URL+"/vi/tin-tuc-su-kien/" {
			t.Errorf("canonical = %q", got)
		}
		if attr(doc, `meta[name=robots]`, "content") != "noindex" {
			t.Error("a later page is indexable")
		}
	})

	t.Run("each language has its slug; another language's slug redirects", func(t *testing.T) {
		res, doc := e.get(t, "/en/news/")
		if res.StatusCode != http.StatusOK || text(doc, "h1") != "News and events" {
			t.Fatalf("/en/news/: %d %q", res.StatusCode, text(doc, "h1"))
		}
		if got := attr(doc, `link[hreflang=ru]`, "href"); got != e.srv.URL+"/ru/novosti/" {
			t.Errorf("ru alternate = %q", got)
		}
		res, _ = e.get(t, "/en/tin-tuc-su-kien/?page=x&utm=y")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/en/news/?page=x&utm=y" {
			t.Errorf("other language's slug: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})

	t.Run("a sub-portal's section lists only its items", func(t *testing.T) {
		res, doc := e.get(t, "/vi/sotttt/van-ban-phap-luat/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
		if got := texts(doc, "table.register tbody th a"); len(got) != 1 || got[0] != "Quyết định 15/2025/QĐ-UBND" {
			t.Errorf("legal section of sotttt = %q", got)
		}
		if _, doc = e.get(t, "/vi/nhatrang/tin-tuc-su-kien/"); fmt.Sprint(texts(doc, "ol.items h2")) != "[Tin phường]" {
			t.Errorf("nhatrang's news lists %q", texts(doc, "ol.items h2"))
		}
		if got := attr(doc, `link[rel=canonical]`, "href"); got != e.srv.URL+"/vi/nhatrang/tin-tuc-su-kien/" {
			t.Errorf("canonical = %q", got)
		}
		res, _ = e.get(t, "/en/sotttt/tin-tuc-su-kien/")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/en/sotttt/news/" {
			t.Errorf("other language's slug: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := e.get(t, "/vi/khong-co/tin-tuc-su-kien/"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown sub-portal's section: %d", res.StatusCode)
		}
	})

	t.Run("an item's slug with a stray slash redirects to the item", func(t *testing.T) {
		res, _ := e.get(t, "/vi/sotttt/le-hoi-bien/")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/vi/sotttt/le-hoi-bien" {
			t.Errorf("%d %q", res.StatusCode, res.Header.Get("Location"))
		}
	})

	t.Run("a bad page is a 400 that says so, never cached", func(t *testing.T) {
		for _, page := range []string{"garbage", "%00", "YTpbIngiXQ"} {
			res, doc := e.get(t, "/vi/tin-tuc-su-kien/?page="+page)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("page=%s: status %d", page, res.StatusCode)
			}
			if text(doc, "#problem p") == "" || doc.Find("h1").Length() != 1 {
				t.Errorf("page=%s: no problem shown", page)
			}
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("page=%s: Cache-Control %q", page, res.Header.Get("Cache-Control"))
			}
		}
	})

	t.Run("parameters the page does not read neither change nor split its cache entry", func(t *testing.T) {
		e.cache.Clear()
		e.queries.take()
		e.get(t, "/vi/tin-tuc-su-kien/?utm_source=a")
		first := len(e.queries.take())
		e.get(t, "/vi/tin-tuc-su-kien/?utm_source=b&x="+url.QueryEscape("ü"))
		if first == 0 || len(e.queries.take()) != 0 {
			t.Errorf("queries: %d for the first, then again for another unread parameter", first)
		}
	})
}
