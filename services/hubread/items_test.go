package hubread_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

func itemIDs(its []*hubread.Item) []string {
	out := []string{}
	for _, it := range its {
		out = append(out, it.ContentID)
	}
	return out
}

// Items filters by tenant, category, kind, locale, state and time, sorts
// newest first by publication or by change, and pages both ways with its
// cursors.
func TestItems(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-a', 'department', 'Sở A'), ('xa-b', 'commune', 'Xã B')`)
	base := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		it := item(fmt.Sprintf("n%d", i), base.Add(time.Duration(i)*time.Hour), tr("vi", fmt.Sprintf("tin-%d", i), "Tin"))
		if i%2 == 1 {
			it.Translations = append(it.Translations, tr("en", fmt.Sprintf("news-%d", i), "News"))
		}
		putItem(t, db, []string{"so-a", "xa-b"}[i%2], "published", it)
	}
	law := item("law", base.Add(10*time.Hour), tr("vi", "qd", "Quyết định"))
	law.Kind, law.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	putItem(t, db, "so-a", "published", law)
	putItem(t, db, "so-a", "withdrawn", item("old", base.Add(11*time.Hour), tr("vi", "cu", "Cũ")))
	putItem(t, db, "so-a", "gone", item("gone", base.Add(12*time.Hour), tr("vi", "xoa", "Xóa")))
	putItem(t, db, "so-a", "published", item("down", base.Add(13*time.Hour), tr("vi", "go", "Gỡ")))
	exec(t, db, `UPDATE items SET taken_down_at = now() WHERE content_id = 'down'`)
	// updated_at in the opposite order of publication.
	exec(t, db, `UPDATE items SET updated_at = $1::timestamptz - (published_at - $2::timestamptz)`, base.Add(24*time.Hour), base)

	for _, tt := range []struct {
		name string
		q    hubread.ItemsQuery
		want []string
	}{
		{"published", hubread.ItemsQuery{}, []string{"law", "n4", "n3", "n2", "n1", "n0"}},
		{"any state", hubread.ItemsQuery{AnyState: true}, []string{"gone", "old", "law", "n4", "n3", "n2", "n1", "n0"}},
		{"by update", hubread.ItemsQuery{AnyState: true, ByUpdated: true}, []string{"n0", "n1", "n2", "n3", "n4", "law", "old", "gone"}},
		{"tenant", hubread.ItemsQuery{Tenant: "xa-b"}, []string{"n3", "n1"}},
		{"category", hubread.ItemsQuery{Category: "legal"}, []string{"law"}},
		{"kind", hubread.ItemsQuery{Kind: "legal_document"}, []string{"law"}},
		{"kind and tenant", hubread.ItemsQuery{Kind: "article", Tenant: "so-a"}, []string{"n4", "n2", "n0"}},
		{"locale", hubread.ItemsQuery{Locale: "en"}, []string{"n3", "n1"}},
		{"updated since", hubread.ItemsQuery{AnyState: true, UpdatedSince: base.Add(21 * time.Hour)}, []string{"n3", "n2", "n1", "n0"}},
	} {
		p, err := s.Items(ctx, tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := itemIDs(p.Rows); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if p.Prev != nil || p.Next != nil {
			t.Errorf("%s: one page has neighbours", tt.name)
		}
	}
	p, _ := s.Items(ctx, hubread.ItemsQuery{})
	if it := p.Rows[0]; it.Doc.GetKind() != pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT || it.Version != 1 || it.Tenant != "so-a" {
		t.Errorf("first item = %+v, want its document decoded", it)
	}

	// Pages of two, forward then back.
	q := hubread.ItemsQuery{AnyState: true, ByUpdated: true, Limit: 2}
	var forward [][]string
	for {
		p, err := s.Items(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		forward = append(forward, itemIDs(p.Rows))
		if p.Next == nil {
			break
		}
		q.Cursor = p.Next
	}
	if got := fmt.Sprint(forward); got != "[[n0 n1] [n2 n3] [n4 law] [old gone]]" {
		t.Errorf("forward pages %s", got)
	}
	p, err := s.Items(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Cursor = p.Prev
	if p, err := s.Items(ctx, q); err != nil || fmt.Sprint(itemIDs(p.Rows)) != "[n4 law]" {
		t.Errorf("back from the last page: %v, %v", itemIDs(p.Rows), err)
	}

	for _, c := range []*hubread.Cursor{{Key: []string{"x", "so-a", "n1"}}, {Key: []string{"so-a"}}} {
		if _, err := s.Items(ctx, hubread.ItemsQuery{Cursor: c}); !errors.Is(err, hubread.ErrBadCursor) {
			t.Errorf("cursor %v: err = %v, want ErrBadCursor", c, err)
		}
	}
}

func TestTenantsPage(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-c', 'department', 'Sở C'), ('so-a', 'department', 'Sở A'),
		('xa-b', 'commune', 'Xã B')`)
	exec(t, db, `UPDATE tenants SET status = 'retired' WHERE id = 'xa-b'`)
	var pages []string
	var cur *hubread.Cursor
	for {
		p, err := s.TenantsPage(ctx, cur, 2)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, tn := range p.Rows {
			ids = append(ids, tn.ID)
		}
		pages = append(pages, fmt.Sprint(ids))
		if p.Next == nil {
			p2, err := s.TenantsPage(ctx, p.Prev, 2)
			if err != nil || len(p2.Rows) != 2 || p2.Rows[0].ID != "so-a" {
				t.Errorf("back: %+v, %v", p2.Rows, err)
			}
			break
		}
		cur = p.Next
	}
	if fmt.Sprint(pages) != "[[so-a so-c] [xa-b]]" {
		t.Errorf("pages %v", pages)
	}
	if _, err := s.TenantsPage(ctx, &hubread.Cursor{Key: []string{"a", "b"}}, 2); !errors.Is(err, hubread.ErrBadCursor) {
		t.Errorf("bad cursor: %v", err)
	}
}
