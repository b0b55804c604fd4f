package hubread_test

import (
	"context"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

func unitItem(id, title, parentTenant, parentID string) *pb.ContentItem {
	it := item(id, time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC), tr("vi", id, title))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_ORGANISATION_UNIT, "organisation"
	ou := &pb.OrganisationUnit{}
	if parentID != "" {
		ou.Parent = &pb.ContentRef{Tenant: parentTenant, ContentId: parentID}
	}
	it.Details = &pb.ContentItem_OrganisationUnit{OrganisationUnit: ou}
	return it
}

// render writes a tree as "name(child, child)".
func render(ns []*hubread.OrgNode) string {
	var parts []string
	for _, n := range ns {
		t, _ := n.In("vi")
		s := t.Title
		if len(n.Children) > 0 {
			s += "(" + render(n.Children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// TestOrgTree builds the People's Committee and its agencies from the
// parent references across tenants, in Vietnamese order.
func TestOrgTree(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	put := func(tenant, state string, it *pb.ContentItem) { t.Helper(); putItem(t, db, tenant, state, it) }
	put("vp", "published", unitItem("ubnd", "UBND tỉnh", "", ""))
	put("sotp", "published", unitItem("so", "Sở Tư pháp", "vp", "ubnd"))
	put("sokhcn", "published", unitItem("so", "Sở Khoa học và Công nghệ", "vp", "ubnd"))
	put("sotp", "published", unitItem("vp-so", "Văn phòng Sở", "sotp", "so"))
	put("sotp", "published", unitItem("phong-bt", "Phòng Bổ trợ tư pháp", "sotp", "so"))
	put("sotp", "published", unitItem("dang-phong", "Đảng ủy", "sotp", "so"))
	// A unit whose parent the public does not see is a root; a cycle is
	// broken; a withdrawn unit is not shown.
	put("sokhcn", "published", unitItem("lac", "Trung tâm lạc", "vp", "khong-co"))
	put("vp", "published", unitItem("a", "Vòng A", "vp", "b"))
	put("vp", "published", unitItem("b", "Vòng B", "vp", "a"))
	put("vp", "withdrawn", unitItem("cu", "Đơn vị cũ", "vp", "ubnd"))

	tree, err := store.OrgTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Vietnamese order: Đ after D and before E; "Sở Khoa học" before "Sở Tư pháp".
	want := "Trung tâm lạc, UBND tỉnh(Sở Khoa học và Công nghệ, Sở Tư pháp(Đảng ủy, Phòng Bổ trợ tư pháp, Văn phòng Sở)), Vòng A(Vòng B)"
	if got := render(tree); got != want {
		t.Errorf("tree:\n got %s\nwant %s", got, want)
	}

	f, err := store.OrgFamilyOf(ctx, "sotp", "so", "vp", "ubnd")
	if err != nil {
		t.Fatal(err)
	}
	if f.Parent == nil || f.Parent.ContentID != "ubnd" {
		t.Errorf("parent %+v, want vp/ubnd", f.Parent)
	}
	var children []string
	for _, c := range f.Children {
		children = append(children, c.Tenant+"/"+c.ContentID)
	}
	if got, want := strings.Join(children, " "), "sotp/dang-phong sotp/phong-bt sotp/vp-so"; got != want {
		t.Errorf("children %s, want %s", got, want)
	}
	if f, err := store.OrgFamilyOf(ctx, "vp", "ubnd", "", ""); err != nil || f.Parent != nil || len(f.Children) != 2 {
		t.Errorf("family of the root: %+v, %v; want no parent and 2 children", f, err)
	}
}
