package hubread_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/search"
)

// TestSearchLegalNumberReadsOnlyTheCodeIndex: a legal document's number
// (15/2024/QĐ-UBND) is matched through the head vector's index, where codes
// are indexed with the title, and not as a phrase of the whole text: among
// 3,000 documents whose text holds 15, 2024, QĐ and UBND, but not as the
// number, neither the count nor the page reads the whole text's index, and
// almost no document is re-checked for nothing (issue 8 point 1). Before, the
// phrase 15 <-> 2024 <-> qd <-> ubnd re-read every one of them: past the
// statement timeout at 50,000 items.
func TestSearchLegalNumberReadsOnlyTheCodeIndex(t *testing.T) {
	admin, read := setup(t)
	ctx := context.Background()
	hub, err := hubstore.Open(ctx, admin.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	if err := hub.AddTenant(ctx, "test", hubstore.Tenant{ID: "vp-ubnd", Kind: "province", NameVI: "Văn phòng UBND tỉnh"}); err != nil {
		t.Fatal(err)
	}
	// search_put takes the texts folded (services/search), as hubstore
	// passes them.
	if _, err := admin.Exec(ctx, `
		SELECT search_put('vp-ubnd', 'tin-' || i, 'vi', 'news', 'tin-tuc', now() - i * interval '1 hour',
			'Tin số ' || i, '', 'Ngày 15/3/2024 UBND tỉnh ban hành QĐ số ' || i,
			'tin so ' || i, 'ubnd tinh 2024', '',
			'ngay 15 3 2024 ubnd tinh ban hanh qd so ' || i || ' ve ke hoach nam 2024 cua ubnd',
			'Tin số ' || i, '', '')
		FROM generate_series(1, 3000) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `
		SELECT search_put('vp-ubnd', 'qd-15-2024', 'vi', 'legal_document', 'van-ban', now(),
			'Quyết định ban hành quy chế', '', '',
			'quyet dinh ban hanh quy che' || E'\n' || '15 2024 qd ubnd', 'ubnd tinh', '', '',
			'Quyết định ban hành quy chế', '', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `ANALYZE search_docs`); err != nil {
		t.Fatal(err)
	}

	for _, raw := range []string{"15/2024/QĐ-UBND", "15/2024/qd-ubnd", "QĐ 15/2024"} {
		q, err := search.Parse(raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		if q.CodeMatch() == "" {
			t.Fatalf("%q: no code in %q", raw, q.Match())
		}
		p := hubread.SearchParams{Query: q, PageLocale: "vi", Page: 1}
		facets, facetArgs, page, pageArgs := hubread.SearchSQL(p)
		for name, stmt := range map[string]struct {
			sql  string
			args []any
		}{"count": {facets, facetArgs}, "page": {page, pageArgs}} {
			plan := explain(t, admin, stmt.sql, stmt.args)
			if plan.indexes["search_docs_tsv"] {
				t.Errorf("%q %s: reads the whole text's index (search_docs_tsv)", raw, name)
			}
			if !plan.indexes["search_docs_head"] {
				t.Errorf("%q %s: does not read the head index (search_docs_head); indexes %v", raw, name, plan.indexes)
			}
			if plan.seqScans > 0 {
				t.Errorf("%q %s: %d sequential scans", raw, name, plan.seqScans)
			}
			// (News 15 says "Tin số 15" and "2024" in its head.)
			if plan.rechecked > 2 {
				t.Errorf("%q %s: %d documents re-checked and dropped, want at most 2", raw, name, plan.rechecked)
			}
		}
		res, err := read.Search(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ContentID != "qd-15-2024" || res.Total != 1 {
			t.Errorf("%q: total %d, hits %v; want only qd-15-2024", raw, res.Total, res.Hits)
		}
	}
}

// planFacts are what a test reads of a statement's executed plan.
type planFacts struct {
	indexes map[string]bool
	// executed holds the indexes read at least once (a plan's branch a
	// condition skipped is in indexes, not here).
	executed  map[string]bool
	seqScans  int
	rechecked int // rows an index offered that the re-check dropped
}

// explain runs EXPLAIN (ANALYZE, FORMAT JSON) of sql as a search runs it
// (sequential scans off, see hubread's searchTx).
func explain(t *testing.T, db *pgxpool.Pool, sql string, args []any) planFacts {
	t.Helper()
	ctx := context.Background()
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	var out []byte
	if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+sql, args...).Scan(&out); err != nil {
		t.Fatalf("explain: %v", err)
	}
	var doc []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc) == 0 {
		t.Fatalf("explain: %v (%s)", err, out)
	}
	f := planFacts{indexes: map[string]bool{}, executed: map[string]bool{}}
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if name, ok := n["Index Name"].(string); ok {
			f.indexes[name] = true
			if loops, _ := n["Actual Loops"].(float64); loops > 0 {
				f.executed[name] = true
			}
		}
		if n["Node Type"] == "Seq Scan" && n["Relation Name"] == "search_docs" {
			f.seqScans++
		}
		if r, ok := n["Rows Removed by Index Recheck"].(float64); ok {
			f.rechecked += int(r)
		}
		if kids, ok := n["Plans"].([]any); ok {
			for _, k := range kids {
				if m, ok := k.(map[string]any); ok {
					walk(m)
				}
			}
		}
	}
	walk(doc[0].Plan)
	return f
}
