package portal_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/htmlcheck"
)

// TestXSSCorpus puts every payload of the XSS corpus
// (contentrules/htmlcheck/xss.txt) where a tenant or a visitor can put
// text: an item's title, summary and body (the body as the hub stores it,
// sanitised), the search box, a finder's filter, and the address of a page
// that does not exist. No payload may survive as live markup in any page,
// as an HTML parser reads it (issue 12 point 4).
func TestXSSCorpus(t *testing.T) {
	e := newEnv(t)
	e.tenant(t, "sotttt", "department", "Sở Thông tin và Truyền thông", "Department of Information and Communications", "Департамент информации и связи")
	check := func(what, path string) {
		t.Helper()
		_, body := e.getBody(t, path)
		if live := htmlcheck.Live(body); len(live) > 0 {
			t.Errorf("%s (%s): payload live in the page: %v", what, path, live)
		}
	}
	for i, p := range htmlcheck.Payloads() {
		slug := fmt.Sprintf("xss-%d", i)
		it := article(slug, 1, t0, tr("vi", slug, p, p, p), tr("en", slug+"-en", p, p, "<p>"+p+"</p>"))
		prepared, err := contentrules.Prepare(it, nil) // the body as the hub stores it
		if err != nil {
			t.Fatalf("payload %d %q: %v", i, p, err)
		}
		e.put(t, "sotttt", prepared.Item)
		q := url.QueryEscape(p)
		check("item page, payload "+slug, "/vi/sotttt/"+slug)
		check("item page en, payload "+slug, "/en/sotttt/"+slug+"-en")
		check("print view, payload "+slug, "/vi/sotttt/"+slug+"?print=1")
		check("search, payload "+slug, "/vi/search?q="+q)
		check("legal register filter, payload "+slug, "/vi/van-ban-phap-luat/?number="+q+"&q="+q)
		check("missing page, payload "+slug, "/vi/sotttt/"+url.PathEscape(p))
	}
	for _, path := range []string{"/vi/", "/vi/sotttt/", "/en/sotttt/", "/vi/sotttt/tin-tuc-su-kien/", "/vi/search?q=phxss"} {
		check("list of every payload", path)
	}
}
