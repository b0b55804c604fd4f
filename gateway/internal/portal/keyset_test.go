package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/hubread"
)

// Page 500 of a sub-portal's section of 10,000 items costs what page 1
// costs (issue 7 point 1: keyset paging, not OFFSET): the section query of
// each, run again under EXPLAIN ANALYZE, reads about a page of rows of
// items, never the rows before the page.
func TestDeepPageReadsWhatPageOneReads(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	const n = 10_000
	newest := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	e.exec(t, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		SELECT 'nhatrang', 'bulk-' || lpad(i::text, 5, '0'), 1, sha256(i::text::bytea), 'article', 'news', 'published',
			$1::timestamptz - i * interval '1 minute', '{}'::jsonb
		FROM generate_series(1, $2::int) i`, newest, n)
	e.exec(t, `INSERT INTO item_translations (tenant_id, content_id, locale, slug, title, summary)
		SELECT 'nhatrang', 'bulk-' || lpad(i::text, 5, '0'), 'vi', 'tin-' || i, 'Tin số ' || i, ''
		FROM generate_series(1, $1::int) i`, n)
	e.exec(t, `ANALYZE items`)
	e.exec(t, `ANALYZE item_translations`)
	e.get(t, "/vi/") // the categories and the registry, kept in memory

	const section = "/vi/nhatrang/tin-tuc-su-kien/"
	// Page 500 starts after the 9,980th newest item.
	at := newest.Add(-9980 * time.Minute)
	deep := hubread.Cursor{Dir: hubread.After, Key: []string{hubread.KeyTime(at), "nhatrang", "bulk-09980"}}
	rowsRead := map[string]int{}
	for _, page := range []struct{ name, path, first string }{
		{"page 1", section, "Tin số 1"},
		{"page 500", section + "?page=" + url.QueryEscape(deep.String()), "Tin số 9981"},
	} {
		e.queries.take()
		res, doc := e.get(t, page.path)
		wantStatus(t, res, 200)
		if got := texts(doc, "main ol.items li h2"); len(got) != 20 || got[0] != page.first {
			t.Fatalf("%s: %d items, the first %q, want 20 from %q", page.name, len(got), got, page.first)
		}
		var list *loggedQuery
		for _, q := range e.queries.take() {
			if strings.Contains(q.sql, "FROM items i") && strings.Contains(q.sql, "LIMIT") {
				list = &q
			}
		}
		if list == nil {
			t.Fatalf("%s: no section query ran", page.name)
		}
		rowsRead[page.name] = itemRowsRead(t, e, list.sql, list.args)
	}
	t.Logf("rows of items read: %v", rowsRead)
	for name, rows := range rowsRead {
		if rows > 3*21 {
			t.Errorf("%s read %d rows of items, want about a page (21)", name, rows)
		}
	}
	if rowsRead["page 500"] > 2*rowsRead["page 1"] {
		t.Errorf("page 500 read %d rows of items, page 1 %d", rowsRead["page 500"], rowsRead["page 1"])
	}
}

// itemRowsRead runs sql under EXPLAIN ANALYZE and counts the rows its scans
// of items produced or threw away (a filter's removed rows).
func itemRowsRead(t *testing.T, e *env, sql string, args []any) int {
	t.Helper()
	var out []byte
	if err := e.db.QueryRow(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&out); err != nil {
		t.Fatal(err)
	}
	var plans []struct{ Plan map[string]any }
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %s: %v", out, err)
	}
	num := func(n map[string]any, k string) int {
		v, _ := n[k].(float64)
		return int(v)
	}
	var walk func(n map[string]any) int
	walk = func(n map[string]any) int {
		read := 0
		if n["Relation Name"] == "items" {
			read += (num(n, "Actual Rows") + num(n, "Rows Removed by Filter") + num(n, "Rows Removed by Index Recheck")) * max(num(n, "Actual Loops"), 1)
		}
		children, _ := n["Plans"].([]any)
		for _, c := range children {
			read += walk(c.(map[string]any))
		}
		return read
	}
	read := walk(plans[0].Plan)
	if read == 0 {
		t.Fatalf("no scan of items in the plan: %s", fmt.Sprint(plans[0].Plan))
	}
	return read
}
