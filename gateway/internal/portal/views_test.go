package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/gateway/internal/viewcount"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

// Page views are counted per page, tenant, language and day, bots apart,
// and written by the gateway's own role, with nothing about the visitor.
func TestPageViewsCounted(t *testing.T) {
	views := viewcount.New(viewcount.Config{})
	e := searchEnv(t, func(c *portal.Config) { c.Views = views })
	e.exec(t, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('sodulich.localhost', 'so-du-lich', true)`)
	e.tenantsChanged(t)
	u, _ := url.Parse(e.srv.URL)
	own := "sodulich.localhost:" + u.Port()

	var res *http.Response
	for i := 0; i < 3; i++ {
		res, _ = e.get(t, "/vi/", "User-Agent", firefox, "Cookie", "session=secret")
		wantStatus(t, res, http.StatusOK)
	}
	res, _ = e.get(t, "/vi/", "User-Agent", firefox, "If-None-Match", res.Header.Get("ETag"))
	wantStatus(t, res, http.StatusNotModified) // a revisit counts
	e.get(t, "/vi/", "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
	e.get(t, "/vi/", "User-Agent", "")
	res, _ = e.get(t, "/vi/festival-bien", "Host", own, "User-Agent", firefox) // on the tenant's own host
	wantStatus(t, res, http.StatusOK)
	res, _ = e.get(t, "/vi/festival-bien?utm=a@b.vn", "Host", own, "User-Agent", firefox) // no query kept
	wantStatus(t, res, http.StatusOK)
	e.get(t, "/vi/khong-co-trang-nay/", "User-Agent", firefox) // 404: no page
	e.get(t, "/vi/feed.xml", "User-Agent", firefox)            // not an HTML page
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+"/vi/", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}

	f := &viewcount.Flusher{Counter: views, Pool: e.gw, Resolve: e.portal.ViewPage, Every: time.Hour, Log: zerolog.Nop()}
	f.Flush(context.Background())
	e.get(t, "/vi/", "User-Agent", firefox)
	f.Flush(context.Background()) // a second batch adds to the first

	rows, err := e.db.Query(context.Background(), `SELECT day, tenant_id, lang, path, views, bot_views FROM page_views ORDER BY 2, 3, 4`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	today := time.Now().In(viewcount.Zone).Format(time.DateOnly)
	for rows.Next() {
		var day time.Time
		var tenant, lang, path string
		var v, b int64
		if err := rows.Scan(&day, &tenant, &lang, &path, &v, &b); err != nil {
			t.Fatal(err)
		}
		if d := day.Format(time.DateOnly); d != today {
			t.Errorf("day %s, want %s", d, today)
		}
		got = append(got, fmt.Sprintf("%q %s %s %d/%d", tenant, lang, path, v, b))
	}
	want := []string{
		`"" vi /vi/ 5/2`,
		`"so-du-lich" vi /vi/so-du-lich/festival-bien 2/0`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("page_views\n got %q\nwant %q", got, want)
	}
}

func TestViewPage(t *testing.T) {
	e := searchEnv(t, nil)
	e.get(t, "/vi/") // loads the registry
	for key, want := range map[string]string{
		"/vi/":                                  `"" vi /vi/ true`,
		"/ru/so-du-lich/":                       `"so-du-lich" ru /ru/so-du-lich/ true`,
		"/vi/tin-tuc/?page=2&q=x":               `"" vi /vi/tin-tuc/ true`,
		"/vi/so-du-lich/festival-bien;print":    `"so-du-lich" vi /vi/so-du-lich/festival-bien true`,
		"http://localhost:8080/en/so-du-lich/x": `"so-du-lich" en /en/so-du-lich/x true`,
		"/sitemap.xml":                          `"" "" "" false`,
		"http://localhost:8080":                 `"" "" "" false`,
	} {
		p, ok := e.portal.ViewPage(key)
		got := fmt.Sprintf("%q %s %s %v", p.Tenant, p.Lang, p.Path, ok)
		if !ok {
			got = fmt.Sprintf("%q %q %q %v", p.Tenant, p.Lang, p.Path, ok)
		}
		if got != want {
			t.Errorf("ViewPage(%q) = %s, want %s", key, got, want)
		}
	}
}
