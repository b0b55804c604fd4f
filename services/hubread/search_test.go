package hubread_test

import (
	"context"
	"slices"
	"testing"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/search"
)

// TestSearchSuggestsASpelling: a query that finds nothing because of a
// typo gets a "did you mean" spelling built from the indexed vocabulary
// (pg_trgm), which finds more; a query that finds plenty gets none
// (issue 8 point 2).
func TestSearchSuggestsASpelling(t *testing.T) {
	c := newSearchCorpus(t)
	ctx := context.Background()
	typo := c.search(t, "khanh hoaa", hubread.SearchParams{})
	got, err := c.read.Suggest(ctx, "khanh hoaa", c.syn, typo.Total)
	if err != nil {
		t.Fatal(err)
	}
	if search.Fold(got) != "khanh hoa" {
		t.Fatalf("Suggest(khanh hoaa) = %q, want a spelling of khanh hoa", got)
	}
	if fixed := c.search(t, got, hubread.SearchParams{}); fixed.Total <= typo.Total {
		t.Errorf("the suggestion finds %d, the typo %d: want more", fixed.Total, typo.Total)
	}
	found := c.search(t, "khanh hoa", hubread.SearchParams{})
	if got, err := c.read.Suggest(ctx, "khanh hoa", c.syn, found.Total); err != nil || got != "" {
		t.Errorf("Suggest(khanh hoa) = %q, %v; want none for a query that finds %d", got, err, found.Total)
	}
}

// TestSearchRetiredTenantUnderItsOwner: the items of a retired (merged)
// sub-portal are found under the unit that took it over, in the results,
// the owner filter and its counts (issue 8 point 2).
func TestSearchRetiredTenantUnderItsOwner(t *testing.T) {
	c := newSearchCorpus(t)
	ctx := context.Background()
	if _, err := c.admin.Exec(ctx, `UPDATE tenants SET status = 'retired', parent_id = 'vp-ubnd' WHERE id = 'so-tai-chinh'`); err != nil {
		t.Fatal(err)
	}
	res := c.search(t, "Hòa Bình", hubread.SearchParams{Tenant: "vp-ubnd"})
	i := slices.IndexFunc(res.Hits, func(h hubread.Hit) bool { return h.ContentID == "phuong-hoa-binh" })
	if i < 0 {
		t.Fatalf("the retired sub-portal's item is not found under its owner: %v", hitIDs(res.Hits))
	}
	if h := res.Hits[i]; h.Tenant != "so-tai-chinh" || h.Owner != "vp-ubnd" {
		t.Errorf("hit tenant %q owner %q, want so-tai-chinh under vp-ubnd", h.Tenant, h.Owner)
	}
	for _, v := range res.Facets.Tenant {
		if v.Value == "so-tai-chinh" {
			t.Errorf("the retired sub-portal has a count of its own: %v", res.Facets.Tenant)
		}
	}
	if gone := c.search(t, "Hòa Bình", hubread.SearchParams{Tenant: "so-tai-chinh"}); len(gone.Hits) != 0 {
		t.Errorf("filtering by the retired sub-portal finds %v, want nothing (its items are its owner's)", hitIDs(gone.Hits))
	}
}
