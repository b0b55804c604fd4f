package portal_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// curlLine reads a curl example: its header (-H '...') and URL.
var curlLine = regexp.MustCompile(`^curl -si? (?:-H '([^']*)' )?'([^']*)'$`)

// The page for developers exists in every language, names the API's
// resources and its OpenAPI document, and its curl examples are true: each
// is run against the API (and checked against the OpenAPI document), and
// answers the status the page says.
func TestDevelopersPage(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	seedAPI(t, e)
	for _, lang := range []string{"vi", "en", "ru"} {
		res, doc := e.get(t, "/"+lang+"/developers")
		if res.StatusCode != http.StatusOK || doc.Find("h1").Length() != 1 {
			t.Fatalf("/%s/developers: %d, %d h1", lang, res.StatusCode, doc.Find("h1").Length())
		}
		if got := attr(doc, `main a[href$="/api/v1/openapi.json"]`, "href"); got != e.srv.URL+"/api/v1/openapi.json" {
			t.Errorf("%s: OpenAPI link %q", lang, got)
		}
		if n := doc.Find(`main table th[scope=col]`).Length(); n != 2 {
			t.Errorf("%s: %d column headers", lang, n)
		}
		if paths := texts(doc, "main table tbody th code"); !slices.Contains(paths, "/api/v1/legal-documents") {
			t.Errorf("%s: resources %q", lang, paths)
		}
		if doc.Find("#invalid-parameters").Length() != 1 {
			t.Errorf("%s: no section #invalid-parameters, which the API's 400 answers link", lang)
		}
		if lang != "en" {
			continue
		}
		var checked int
		doc.Find("main pre code").Each(func(_ int, s *goquery.Selection) {
			m := curlLine.FindStringSubmatch(s.Text())
			if m == nil || !strings.HasPrefix(m[2], e.srv.URL+"/api/v1/") {
				t.Errorf("example %q is not a curl command on this site", s.Text())
				return
			}
			id, _ := s.Closest("section").Attr("id")
			path := strings.TrimPrefix(m[2], e.srv.URL)
			switch id {
			case "next": // the cursor is the previous answer's
				_, body := e.apiGet(t, "/api/v1/items?limit=2")
				var page struct {
					Links struct{ Next string } `json:"links"`
				}
				if err := json.Unmarshal(body, &page); err != nil || page.Links.Next == "" {
					t.Fatalf("no links.next: %v %s", err, body)
				}
				path = strings.TrimPrefix(page.Links.Next, e.srv.URL)
			case "etag":
				res, _ := e.apiGet(t, path)
				m[1] = "If-None-Match: " + res.Header.Get("ETag")
			}
			var header []string
			if m[1] != "" {
				k, v, _ := strings.Cut(m[1], ": ")
				header = []string{k, v}
			}
			res, body := e.apiGet(t, path, header...)
			want := map[string]int{"etag": 304, "invalid-parameters": 400}[id]
			if want == 0 {
				want = 200
			}
			if res.StatusCode != want {
				t.Errorf("example %s (%s): %d, want %d\n%s", id, path, res.StatusCode, want, body)
			}
			if id == "invalid-parameters" {
				for _, name := range []string{`"name":"limit"`, `"name":"kind"`} {
					if !strings.Contains(strings.ReplaceAll(string(body), " ", ""), name) {
						t.Errorf("the 400 does not name %s: %s", name, body)
					}
				}
			}
			checked++
		})
		if checked != 8 {
			t.Errorf("%d examples run, want 8", checked)
		}
	}
	_, body := e.apiGet(t, "/api/v1/")
	if !strings.Contains(string(body), e.srv.URL+"/ru/developers") {
		t.Errorf("the API's index does not link the page for developers: %s", body)
	}
}
