package portal_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/portal"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// searchEnv is a portal with a few items to search, in two sub-portals.
func searchEnv(t *testing.T, configure func(*portal.Config)) *env {
	t.Helper()
	e := newEnvWith(t, configure)
	e.tenant(t, "so-du-lich", "department", "Sở Du lịch", "Department of Tourism", "Департамент туризма")
	e.tenant(t, "vp-ubnd", "province", "Văn phòng UBND tỉnh", "Office of the Provincial People's Committee", "")
	at := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	festival := article("festival", 1, at,
		tr("vi", "festival-bien", "Festival Biển Nha Trang – Khánh Hòa", "Lễ hội biển lớn nhất năm", "<p>Chương trình lễ hội tại Khánh Hòa.</p>"),
		tr("en", "sea-festival", "Nha Trang – Khánh Hòa Sea Festival", "The year's largest sea festival", "<p>Festival programme.</p>"))
	e.put(t, "so-du-lich", festival)
	e.put(t, "vp-ubnd", article("gioi-thieu", 1, at.Add(-time.Hour),
		tr("vi", "gioi-thieu", "Giới thiệu tỉnh Khánh Hòa", "Tỉnh ven biển Nam Trung Bộ", "<p>Khánh Hòa có vịnh Nha Trang.</p>")))
	withdrawn := article("cu", 2, at, tr("vi", "tin-cu", "Khánh Hòa tin cũ đã thu hồi", "", ""))
	withdrawn.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
	e.put(t, "vp-ubnd", withdrawn)
	return e
}

func TestSearchPage(t *testing.T) {
	e := searchEnv(t, nil)
	resp, doc := e.get(t, "/vi/search?q=khanh+hoa")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control %q, want private, no-store", got)
	}
	if got := attr(doc, `meta[name="robots"]`, "content"); got != "noindex" {
		t.Errorf("robots %q, want noindex", got)
	}
	links := texts(doc, ".result-list .result h3 a")
	if len(links) != 2 {
		t.Fatalf("results %q, want the festival and the introduction (not the withdrawn item)", links)
	}
	if got := texts(doc, ".result-list .result h3 a mark"); len(got) < 2 || got[0] != "Khánh" || got[1] != "Hòa" {
		t.Errorf("marked words %q, want Khánh, Hòa", got)
	}
	if got := attr(doc, `input#search-q`, "value"); got != "khanh hoa" {
		t.Errorf("the form shows %q, want the query", got)
	}
	if got := text(doc, "#facet-tenant + ul"); !strings.Contains(got, "Sở Du lịch (1)") || !strings.Contains(got, "Văn phòng UBND tỉnh (1)") {
		t.Errorf("sub-portal counts %q", got)
	}

	// A filter keeps the other values' counts (GOV.UK's rule) and narrows
	// the results; the page offers to widen again.
	_, doc = e.get(t, "/vi/search?q=khanh+hoa&tenant=so-du-lich")
	if got := texts(doc, ".result-list .result h3 a"); len(got) != 1 || !strings.Contains(got[0], "Festival") {
		t.Errorf("filtered results %q", got)
	}
	if got := text(doc, "#facet-tenant + ul"); !strings.Contains(got, "Văn phòng UBND tỉnh (1)") {
		t.Errorf("the other sub-portal's count is gone from %q", got)
	}
	if href := attr(doc, ".scope-note a", "href"); href != "/vi/search?q=khanh+hoa" {
		t.Errorf("widen link %q", href)
	}

	// English words find the English text, linked and marked in English.
	_, doc = e.get(t, "/vi/search?q=festivals")
	if got := attr(doc, ".result-list .result h3 a", "lang"); got != "en" {
		t.Errorf("an English hit on a Vietnamese page has lang %q, want en", got)
	}
	if got := attr(doc, ".result-list .result h3 a", "href"); got != "/en/so-du-lich/sea-festival" {
		t.Errorf("hit links to %q", got)
	}

	// Nothing found: a helpful page.
	_, doc = e.get(t, "/en/search?q=xyzzy")
	if doc.Find(".empty-results li").Length() < 3 {
		t.Error("the empty page gives no advice")
	}
}

func TestSearchBadInput(t *testing.T) {
	e := searchEnv(t, nil)
	long := strings.Repeat("khánh hòa ", 1000)
	for _, c := range []struct {
		name, query string
		status      int
		problem     string // a phrase of the explanation (Vietnamese page)
	}{
		{"empty", "q=", 200, ""},
		{"no query at all", "", 200, ""},
		{"300 characters", "q=" + strings.Repeat("a", 300), 400, "quá dài"},
		{"10,000 characters", "q=" + url.QueryEscape(long), 414, "quá dài"},
		{"punctuation only", "q=" + url.QueryEscape("!!! ... ??? ---"), 200, ""},
		{"tsquery syntax", "q=" + url.QueryEscape("a & b | !c:* (d) <-> e' \\"), 200, ""},
		{"SQL", "q=" + url.QueryEscape("'; DROP TABLE items; -- \" OR 1=1"), 200, ""},
		{"invalid UTF-8", "q=%FF%FEabc", 400, "UTF-8"},
		{"NUL", "q=a%00b", 200, ""},
		{"page -1", "q=hoa&page=-1", 400, "Số trang"},
		{"page 10^9", "q=hoa&page=1000000000", 400, "Số trang"},
		{"page not a number", "q=hoa&page=abc", 400, "Số trang"},
		{"unknown kind", "q=hoa&kind=spaceship", 400, "kind"},
		{"kind in capitals", "q=hoa&kind=ARTICLE", 400, "kind"},
		{"unknown tenant", "q=hoa&tenant=nowhere", 400, "cơ quan"},
		{"unknown language", "q=hoa&lang=fr", 400, "lang"},
		{"unknown date range", "q=hoa&date=decade", 400, "date"},
		{"bad date", "q=hoa&from=2026-13-45", 400, "NNNN-TT-NN"},
		{"unknown parameter", "q=hoa&colour=blue", 200, ""},
		{"repeated parameter", "q=hoa&q=festival", 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, doc := e.get(t, "/vi/search?"+c.query)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			explanation := text(doc, ".notice-error")
			if c.status == http.StatusRequestURITooLong {
				// Refused before routing: the status page.
				explanation = text(doc, "main")
			} else if doc.Find("form.search-form input#search-q").Length() != 1 {
				t.Error("no search form to try again")
			}
			if c.problem != "" && !strings.Contains(explanation, c.problem) {
				t.Errorf("explanation %q, want it to mention %q", explanation, c.problem)
			}
			// The API answers the same with JSON.
			r, err := http.Get(e.srv.URL + "/api/v1/search?" + c.query)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Fatalf("API answer is not JSON: %v", err)
			}
			if r.StatusCode != c.status {
				t.Errorf("API status %d, want %d (%v)", r.StatusCode, c.status, body)
			}
			if c.status == 400 && (body["detail"] == nil || r.Header.Get("Content-Type") != "application/problem+json") {
				t.Errorf("API 400 without a problem document: %v", body)
			}
		})
	}
	// Explanations follow the page's language.
	_, doc := e.get(t, "/en/search?q=hoa&page=-1")
	if got := text(doc, ".notice-error"); !strings.Contains(got, "The page must be a number") {
		t.Errorf("English explanation %q", got)
	}
}

// TestSearchTimeout: a search the database does not answer within the
// statement timeout (here: search_docs locked by another transaction) is
// cut off, and the visitor gets a 503 page saying so in their language
// (the API a problem document with Retry-After), never a hanging request
// or a 500 (issue 8 point 7).
func TestSearchTimeout(t *testing.T) {
	e := searchEnv(t, nil)
	e.store.SetSearchTimeout(time.Second) // long enough for a search on a loaded machine once the lock is gone
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE search_docs IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	resp, doc := e.get(t, "/vi/search?q="+url.QueryEscape("khánh hòa"))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	if got := text(doc, "main"); !strings.Contains(got, "chưa trả lời kịp") {
		t.Errorf("page %q, want the Vietnamese explanation", got)
	}
	r, err := http.Get(e.srv.URL + "/api/v1/search?q=hoa")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatalf("API answer is not JSON: %v", err)
	}
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || body["detail"] == nil {
		t.Errorf("API: status %d, Retry-After %q, %v; want 503 with Retry-After and a problem document",
			r.StatusCode, r.Header.Get("Retry-After"), body)
	}
	// Once the lock goes, searches answer again.
	tx.Rollback(ctx)
	if resp, _ := e.get(t, "/vi/search?q=hoa"); resp.StatusCode != http.StatusOK {
		t.Errorf("after the lock: status %d, want 200", resp.StatusCode)
	}
}

func TestSearchAPI(t *testing.T) {
	e := searchEnv(t, nil)
	r, err := http.Get(e.srv.URL + "/api/v1/search?q=" + url.QueryEscape("lễ hội"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var got struct {
		Total   int `json:"total"`
		Results []struct {
			URL, Tenant, Language, Title, Snippet string
			Matches                               []string
		} `json:"results"`
		Facets map[string][]struct {
			Value string
			Count int
		} `json:"facets"`
	}
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Total != 1 || len(got.Results) != 1 || got.Results[0].Tenant != "so-du-lich" ||
		!strings.HasSuffix(got.Results[0].URL, "/vi/so-du-lich/festival-bien") {
		t.Fatalf("answer %+v", got)
	}
	if strings.Join(got.Results[0].Matches, ",") != "lễ,hội" {
		t.Errorf("matches %q", got.Results[0].Matches)
	}
	if len(got.Facets["kind"]) != 1 || got.Facets["kind"][0].Value != "article" || got.Facets["kind"][0].Count != 1 {
		t.Errorf("kind facet %+v", got.Facets["kind"])
	}
}

func TestOpenSearch(t *testing.T) {
	e := searchEnv(t, nil)
	_, doc := e.get(t, "/ru/")
	href := attr(doc, `link[rel="search"][type="application/opensearchdescription+xml"]`, "href")
	if href != "/opensearch.xml?lang=ru" {
		t.Fatalf("pages link the OpenSearch description as %q", href)
	}
	r, err := http.Get(e.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	var d struct {
		ShortName string `xml:"ShortName"`
		URLs      []struct {
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len([]rune(d.ShortName)) > 16 {
		t.Errorf("ShortName %q is longer than OpenSearch's 16 characters", d.ShortName)
	}
	if d.URLs[0].Type != "text/html" || d.URLs[0].Template != e.srv.URL+"/ru/search?q={searchTerms}" {
		t.Errorf("URL template %+v", d.URLs[0])
	}
}

// lateDB is the test's database, known once the environment is built.
type lateDB struct{ e *env }

func (l *lateDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return l.e.db.Exec(ctx, sql, args...)
}

func TestSearchMissesCounted(t *testing.T) {
	db := &lateDB{}
	misses := portal.NewMissCounter(db, time.Hour, zerolog.Nop())
	e := searchEnv(t, func(c *portal.Config) { c.SearchMisses = misses })
	db.e = e
	for _, q := range []string{"Xyzzy   plugh", "xyzzy plugh", "xyzzy 0912345678", "a@b.vn xyzzy", "festival"} {
		e.get(t, "/vi/search?q="+url.QueryEscape(q))
	}
	misses.Flush(context.Background())
	rows, err := e.db.Query(context.Background(), `SELECT query, count FROM search_misses ORDER BY query`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for rows.Next() {
		var q string
		var n int64
		if err := rows.Scan(&q, &n); err != nil {
			t.Fatal(err)
		}
		got[q] = n
	}
	want := map[string]int64{"xyzzy plugh": 2, "xyzzy": 1}
	if len(got) != len(want) || got["xyzzy plugh"] != 2 || got["xyzzy"] != 1 {
		t.Errorf("search_misses %v, want %v (a telephone number and a query with an e-mail address left out)", got, want)
	}
}
