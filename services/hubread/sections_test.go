package hubread_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/hubread"
)

// ids lists the content ids of a page.
func ids(ls []hubread.Listed) []string {
	out := []string{}
	for _, l := range ls {
		out = append(out, l.ContentID)
	}
	return out
}

// Walking a section forward and back with its cursors visits every visible
// item once, newest first, with stable pages; items of other categories,
// other tenants (for a tenant's section), withdrawn and taken-down items
// are left out.
func TestSectionPaging(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-a', 'department', 'Sở A'), ('xa-b', 'commune', 'Xã B')`)
	base := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	var want, wantA []string // newest first
	for i := 0; i < 7; i++ {
		tenant := []string{"so-a", "xa-b"}[i%2]
		id := fmt.Sprintf("n%d", i)
		// Items 3 and 4 share a publication time: the tenant and content id
		// break the tie, and paging must not lose or repeat either.
		at := base.Add(time.Duration(i) * time.Hour)
		if i == 4 {
			at = base.Add(3 * time.Hour)
		}
		putItem(t, db, tenant, "published", item(id, at, tr("vi", "tin-"+id, "Tin "+id)))
	}
	putItem(t, db, "so-a", "withdrawn", item("gone", base.Add(10*time.Hour), tr("vi", "rut", "Rút")))
	putItem(t, db, "so-a", "published", item("down", base.Add(11*time.Hour), tr("vi", "go", "Gỡ")))
	exec(t, db, `UPDATE items SET taken_down_at = now() WHERE content_id = 'down'`)
	other := item("other", base.Add(12*time.Hour), tr("vi", "khac", "Khác"))
	other.Category = "tourism"
	putItem(t, db, "so-a", "published", other)
	want = []string{"n6", "n5", "n3", "n4", "n2", "n1", "n0"} // n3 (xa-b) sorts before n4 (so-a) at the same time
	wantA = []string{"n6", "n4", "n2", "n0"}

	walk := func(q hubread.SectionQuery) (forward, back []string) {
		t.Helper()
		var last hubread.Page[hubread.Listed]
		for page := 0; ; page++ {
			p, err := s.Section(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if (page == 0) != (p.Prev == nil) {
				t.Errorf("page %d: prev = %v", page, p.Prev)
			}
			forward = append(forward, ids(p.Rows)...)
			last = p
			if p.Next == nil {
				break
			}
			// A cursor goes through its URL form.
			c, err := hubread.ParseCursor(p.Next.String(), hubread.SectionKeyFields)
			if err != nil {
				t.Fatal(err)
			}
			q.Cursor = &c
		}
		for p := last; p.Prev != nil; {
			q.Cursor = p.Prev
			var err error
			if p, err = s.Section(ctx, q); err != nil {
				t.Fatal(err)
			}
			back = append(ids(p.Rows), back...)
		}
		return forward, append(back, ids(last.Rows)...)
	}
	fw, bw := walk(hubread.SectionQuery{Category: "news", Limit: 3})
	if fmt.Sprint(fw) != fmt.Sprint(want) || fmt.Sprint(bw) != fmt.Sprint(want) {
		t.Errorf("provincial: forward %v, back %v; want %v", fw, bw, want)
	}
	fw, bw = walk(hubread.SectionQuery{Category: "news", Tenant: "so-a", Limit: 3})
	if fmt.Sprint(fw) != fmt.Sprint(wantA) || fmt.Sprint(bw) != fmt.Sprint(wantA) {
		t.Errorf("so-a: forward %v, back %v; want %v", fw, bw, wantA)
	}

	p, err := s.Section(ctx, hubread.SectionQuery{Category: "policy"})
	if err != nil || len(p.Rows) != 0 || p.Next != nil || p.Prev != nil {
		t.Errorf("empty section = %+v, %v", p, err)
	}
	p, err = s.Section(ctx, hubread.SectionQuery{Category: "news"})
	if err != nil || len(p.Rows) != 7 || p.Next != nil || p.Rows[0].Texts["vi"].Title != "Tin n6" || p.Rows[0].UpdatedAt.IsZero() {
		t.Errorf("one page of all = %v, %v", ids(p.Rows), err)
	}
	bad := hubread.Cursor{Key: []string{"hôm qua", "so-a", "n1"}}
	if _, err := s.Section(ctx, hubread.SectionQuery{Category: "news", Cursor: &bad}); !errors.Is(err, hubread.ErrBadCursor) {
		t.Errorf("cursor with a bad time: err = %v, want ErrBadCursor", err)
	}

	blocks, err := s.SectionsNewest(ctx, []string{"news", "tourism", "policy"}, "", 2)
	if err != nil || fmt.Sprint(ids(blocks["news"])) != "[n6 n5]" || fmt.Sprint(ids(blocks["tourism"])) != "[other]" || len(blocks["policy"]) != 0 {
		t.Errorf("SectionsNewest = %v, %v", blocks, err)
	}
	blocks, err = s.SectionsNewest(ctx, []string{"news"}, "xa-b", 10)
	if err != nil || fmt.Sprint(ids(blocks["news"])) != "[n5 n3 n1]" {
		t.Errorf("SectionsNewest of xa-b = %v, %v", blocks, err)
	}
}

// However many items one tenant publishes, the newest list keeps each
// tenant to its cap.
func TestNewestPerTenant(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi, status) VALUES ('so-a', 'department', 'Sở A', 'active'),
		('xa-b', 'commune', 'Xã B', 'active'), ('xa-c', 'commune', 'Xã C', 'suspended')`)
	base := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	putItem(t, db, "xa-b", "published", item("b1", base, tr("vi", "b1", "B1")))
	putItem(t, db, "xa-c", "published", item("c1", base.Add(time.Minute), tr("vi", "c1", "C1")))
	for i := 0; i < 100; i++ { // a hundred items in an hour
		putItem(t, db, "so-a", "published", item(fmt.Sprintf("a%03d", i), base.Add(time.Hour+time.Duration(i)*time.Second),
			tr("vi", fmt.Sprintf("a%03d", i), "A")))
	}
	got, err := s.NewestPerTenant(ctx, 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(got)) != "[a099 a098 a097 b1]" {
		t.Errorf("NewestPerTenant = %v, want so-a's 3 newest then xa-b's (xa-c suspended)", ids(got))
	}
}
