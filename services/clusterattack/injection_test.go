package clusterattack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// injections are the corpus sent to every parameter: quotes that end a
// literal, tautologies, UNION, stacked and time-based queries, comments,
// PostgreSQL's casts and dollar quoting, LIKE wildcards, out-of-range
// numbers and dates, and bytes PostgreSQL cannot store.
var injections = []string{
	`'`, `"`, `\`, `' OR '1'='1`, `' OR 1=1--`, `1' AND '1'='2`, `1 AND 1=2`, `') OR ('a'='a`, `1)) OR 1=1--`,
	`' UNION SELECT NULL,NULL,NULL--`, `1 UNION ALL SELECT version()--`, `1;SELECT pg_sleep(5)--`,
	`'||(SELECT pg_sleep(5))||'`, `1' AND 1=(SELECT 1 FROM pg_sleep(5))--`, `'; DROP TABLE items; --`,
	`$$ || version() || $$`, `1::int`, `'::regclass`, `%`, `_`, `%' AND '%'='`, `-1`, `0`, `99999999999999999999999`,
	`1e309`, `2026-13-45`, `9999-12-31T99:99:99Z`, "\x00", "a\x00b", "\xff\xfe", `{"$gt":""}`, `*`, `..%2F..%2Fetc%2Fpasswd`,
	strings.Repeat("A", 5000),
}

// sqlErrors are what a database error leaking into an answer looks like.
var sqlErrors = []string{"sqlstate", "syntax error at or near", "pq: ", "pgconn", "pgx:", "unterminated quoted", "invalid input syntax",
	"pg_sleep", "relation \"", "column \"", "postgresql", "operator does not exist"}

// target is one address whose query parameters are attacked, with
// ordinary values for the ones not under attack.
type target struct {
	base   string
	params url.Values
	header http.Header
}

// TestInjectionCorpus sends every payload of the corpus to every query
// parameter of the portal's pages (through the proxy), of its open API
// (each operation and parameter its OpenAPI document lists, path
// parameters included) and of a sub-portal's API, and expects no 5xx and
// no database error in any answer (issue 12 point 4's SQL injection
// probing, with sqlmap run by hand besides: docs/OPERATIONS.md).
func TestInjectionCorpus(t *testing.T) {
	gw := fed.Gateway
	targets := []target{
		{base: gw + "/vi/search", params: url.Values{"q": {"du lịch"}, "page": {"2"}, "tenant": {"so-a"}, "kind": {"article"},
			"category": {"news"}, "date": {"month"}, "from": {"2026-01-01"}, "to": {"2026-12-31"}}},
		{base: gw + "/en/search", params: url.Values{"q": {"tourism"}}},
		{base: gw + "/vi/feedback/status", params: url.Values{"code": {"ABCD-1234"}}},
		{base: gw + "/vi/feedback", params: url.Values{"to": {"so-a"}}},
		{base: gw + "/vi/subscribe/confirm", params: url.Values{"t": {"abc"}}},
		{base: gw + "/vi/subscribe/unsubscribe", params: url.Values{"t": {"abc"}}},
		{base: gw + "/opensearch.xml", params: url.Values{"lang": {"vi"}}},
		{base: gw + "/vi/so-a/", params: url.Values{"page": {"2"}, "topic": {"x"}, "year": {"2026"}, "level": {"3"}, "week": {"2026-W10"}}},
		// The finders' filters (sqlmap's crawl of make cluster found them).
		{base: gw + "/vi/van-ban-phap-luat/", params: url.Values{"q": {"quy định"}, "number": {""}, "type": {""}, "validity": {""},
			"issuer": {""}, "field": {""}, "signer": {""}, "from": {""}, "to": {""}, "year": {""}, "sort": {""}, "page": {""}}},
		{base: gw + "/vi/dich-vu-cong/", params: url.Values{"q": {"khai sinh"}, "agency": {""}, "field": {""}, "level": {""}, "handling": {""}}},
		{base: gw + "/vi/du-an-dau-thau/", params: url.Values{"type": {""}, "status": {""}}},
		{base: gw + "/vi/hoi-dap-gop-y/", params: url.Values{"topic": {"An toàn"}}},
		{base: gw + "/vi/hoi-dap-gop-y/", params: url.Values{"page": {"WyJhIl0"}}},
		{base: gw + "/vi/subscribe", params: url.Values{"tenant": {"so-a"}, "category": {"news"}, "print": {"1"}}},
		{base: gw + "/vi/so-a/hoat-dong-lanh-dao/", params: url.Values{"week": {"2026-11-30"}}},
	}
	// Each page answers its ordinary request: the corpus reaches real
	// handlers, not a 404.
	for _, tg := range targets {
		if resp, _ := get(t, tg.base+"?"+tg.params.Encode(), ""); resp.StatusCode != http.StatusOK {
			t.Logf("GET %s?%s: %d (an ordinary request)", tg.base, tg.params.Encode(), resp.StatusCode)
		}
	}
	targets = append(targets, openAPITargets(t, gw)...)
	sp := fed.SubPortals["so-a"]
	auth := http.Header{"Authorization": {"Bearer " + sp.APIToken}}
	targets = append(targets,
		target{base: sp.URL + "/api/items", params: url.Values{"limit": {"10"}, "status": {"published"}}, header: auth},
		target{base: sp.URL + "/api/outbox", params: url.Values{"limit": {"10"}, "status": {"pending"}}, header: auth})
	for _, p := range injections {
		targets = append(targets, target{base: sp.URL + "/api/items/" + url.PathEscape(p), header: auth},
			target{base: gw + "/vi/so-a/" + url.PathEscape(p)}, target{base: gw + "/api/v1/items/so-a/" + url.PathEscape(p)})
	}

	client := &http.Client{Timeout: 30 * time.Second}
	sent := 0
	for _, tg := range targets {
		names := make([]string, 0, len(tg.params))
		for n := range tg.params {
			names = append(names, n)
		}
		sort.Strings(names)
		if len(names) == 0 {
			names = []string{""} // the path carries the payload
		}
		for _, name := range names {
			for _, p := range injections {
				q := url.Values{}
				for n, v := range tg.params {
					q[n] = v
				}
				if name != "" {
					q.Set(name, p)
				}
				u := tg.base
				if len(q) > 0 {
					u += "?" + q.Encode()
				}
				req, err := http.NewRequest(http.MethodGet, u, nil)
				if err != nil {
					t.Fatal(err)
				}
				for k, v := range tg.header {
					req.Header[k] = v
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("GET %s: %v", u, err)
					continue
				}
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
				resp.Body.Close()
				sent++
				if resp.StatusCode >= 500 {
					t.Errorf("GET %s (%s=%q): %d", tg.base, name, p, resp.StatusCode)
				}
				lower := strings.ToLower(string(b))
				for _, e := range sqlErrors {
					if strings.Contains(lower, e) && !strings.Contains(strings.ToLower(p), e) && !strings.Contains(strings.ToLower(url.QueryEscape(p)), e) {
						t.Errorf("GET %s (%s=%q): the answer shows %q", tg.base, name, p, e)
					}
				}
				if name == "" {
					break // a path target is sent once with its own payload
				}
			}
		}
	}
	t.Logf("%d requests to %d addresses", sent, len(targets))
}

// openAPITargets lists every GET operation of the open API's OpenAPI
// document, with its query parameters (their components resolved) filled
// with ordinary values and its path parameters with a tenant and an item.
func openAPITargets(t *testing.T, gw string) []target {
	t.Helper()
	resp, body := get(t, gw+"/api/v1/openapi.json", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("OpenAPI document: %d", resp.StatusCode)
	}
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
		Comp  struct {
			Parameters map[string]param `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	ordinary := map[string]string{"limit": "5", "cursor": "abc", "lang": "vi", "tenant": "so-a", "updated_since": "2026-01-01T00:00:00Z",
		"page": "2", "from": "2026-01-01", "to": "2026-12-31", "date": "month", "q": "du lịch", "kind": "article", "category": "news"}
	var out []target
	for path, ops := range doc.Paths {
		raw, ok := ops["get"]
		if !ok {
			continue
		}
		var op struct {
			Parameters []param `json:"parameters"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatal(err)
		}
		tg := target{base: gw + strings.NewReplacer("{tenant}", "so-a", "{content_id}", "khong-co").Replace(path), params: url.Values{}}
		for _, p := range op.Parameters {
			if p.Ref != "" {
				p = doc.Comp.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			if p.In == "query" {
				tg.params.Set(p.Name, ordinary[p.Name])
			}
		}
		out = append(out, tg)
	}
	if len(out) < 5 {
		t.Fatalf("the OpenAPI document lists %d GET operations", len(out))
	}
	return out
}
