package hubread_test

import (
	"context"
	"testing"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/search"
)

// TestSearchCountsBroadQueryFromTitles: a query more than SearchCandidates
// titles hold is counted from the title and summary's index alone: the
// whole text's index, whose bitmap for words found everywhere is most of
// the corpus and built whole before a row is read, is not read at all
// (issue 8 point 6). A narrower query still counts its body matches.
func TestSearchCountsBroadQueryFromTitles(t *testing.T) {
	admin, read := setup(t)
	ctx := context.Background()
	hub, err := hubstore.Open(ctx, admin.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	if err := hub.AddTenant(ctx, "test", hubstore.Tenant{ID: "so-du-lich", Kind: "department", NameVI: "Sở Du lịch"}); err != nil {
		t.Fatal(err)
	}
	// search_put takes the texts folded (services/search), as hubstore
	// passes them. Every document holds "du lich" in its body, the first
	// SearchCandidates+50 in their titles too, and "nha trang" in the
	// body of every tenth.
	n := hubread.SearchCandidates + 50
	if _, err := admin.Exec(ctx, `
		SELECT search_put('so-du-lich', 'tin-' || i, 'vi', 'news', 'tin-tuc', now() - i * interval '1 hour',
			'Tin ' || i, '', 'Du lịch',
			CASE WHEN i <= $1 THEN 'du lich tin ' || i ELSE 'tin ' || i END, '', '',
			'du lich ' || CASE WHEN i % 10 = 0 THEN 'nha trang' ELSE 'ninh hoa' END || ' so ' || i,
			'Tin ' || i, '', '')
		FROM generate_series(1, $1 + 500) i`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, `ANALYZE search_docs`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query    string
		wholeIdx bool // whether the count reads the whole text's index
		total    int
		capped   bool
	}{
		{"du lịch", false, hubread.SearchCandidates, true},
		{"nha trang", true, (n + 500) / 10, false},
	} {
		q, err := search.Parse(c.query, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := hubread.SearchParams{Query: q, PageLocale: "vi", Page: 1}
		facets, facetArgs, _, _ := hubread.SearchSQL(p)
		plan := explain(t, admin, facets, facetArgs)
		if plan.executed["search_docs_tsv"] != c.wholeIdx {
			t.Errorf("%q: the count reads the whole text's index: %v, want %v (indexes read %v)", c.query,
				plan.executed["search_docs_tsv"], c.wholeIdx, plan.executed)
		}
		res, err := read.Search(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != c.total || res.Capped != c.capped || len(res.Hits) != hubread.SearchPageSize {
			t.Errorf("%q: total %d capped %v, %d hits; want %d, %v, %d", c.query, res.Total, res.Capped, len(res.Hits),
				c.total, c.capped, hubread.SearchPageSize)
		}
	}
}
