package opsapi

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// The lifecycle calls in TestRefusals' table: each makes the tenants it
// needs first (refused, like the call, to the roles below administrator).
func init() {
	add := func(ctx context.Context, c pb.OpsServiceClient, ids ...string) {
		for _, id := range ids {
			c.AddTenant(ctx, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: id, Kind: "commune", NameVi: "Xã " + id}})
		}
	}
	methods["RenameTenant"] = func(ctx context.Context, c pb.OpsServiceClient) error {
		add(ctx, c, "xa-doi-ten")
		_, err := c.RenameTenant(ctx, &pb.RenameTenantRequest{Id: "xa-doi-ten", NewId: "phuong-doi-ten"})
		return err
	}
	methods["MergeTenant"] = func(ctx context.Context, c pb.OpsServiceClient) error {
		add(ctx, c, "xa-sap-nhap", "xa-tiep-nhan")
		_, err := c.MergeTenant(ctx, &pb.MergeTenantRequest{Id: "xa-sap-nhap", Into: "xa-tiep-nhan"})
		return err
	}
	methods["RetireTenant"] = func(ctx context.Context, c pb.OpsServiceClient) error {
		add(ctx, c, "xa-giai-the")
		_, err := c.RetireTenant(ctx, &pb.RetireTenantRequest{Id: "xa-giai-the", Pages: "gone"})
		return err
	}
	methods["ImportRedirects"] = func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ImportRedirects(ctx, &pb.ImportRedirectsRequest{Csv: []byte("old_url,tenant,content_id,category\nhttps://cu.example.vn/tin,tenant-a,tin,\n")})
		return err
	}
}

func TestLifecycleThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	admin := as(f.tokens[opsaccounts.Administrator])
	ctx := context.Background()
	for _, id := range []string{"xa-b", "xa-c"} {
		if _, err := f.client.AddTenant(admin, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: id, Kind: "commune", NameVi: "Xã " + id}}); err != nil {
			t.Fatal(err)
		}
	}
	rn, err := f.client.RenameTenant(admin, &pb.RenameTenantRequest{Id: "tenant-a", NewId: "phuong-a"})
	if err != nil || rn.GetId() != "phuong-a" || rn.GetOldId() != "tenant-a" {
		t.Fatalf("rename: %v, %v", rn, err)
	}
	if _, err := f.client.GetTenant(admin, &pb.GetTenantRequest{Id: "tenant-a"}); status.Code(err) != codes.NotFound {
		t.Errorf("the old id after a rename: %v, want NOT_FOUND", err)
	}
	if _, err := f.client.RenameTenant(admin, &pb.RenameTenantRequest{Id: "xa-b", NewId: "tenant-a"}); status.Code(err) != codes.AlreadyExists {
		t.Errorf("taking a renamed tenant's old id: %v, want ALREADY_EXISTS", err)
	}

	// phuong-a's items (the fixture's "tin" among them) move to xa-b.
	var held int32
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM items WHERE tenant_id = 'phuong-a'`).Scan(&held); err != nil || held == 0 {
		t.Fatalf("phuong-a holds %d items (%v); the fixture has one at least", held, err)
	}
	mg, err := f.client.MergeTenant(admin, &pb.MergeTenantRequest{Id: "phuong-a", Into: "xa-b", DissolvedOn: "2025-06-30"})
	if err != nil || mg.GetMoved() != held || mg.GetInto() != "xa-b" {
		t.Fatalf("merge: %v, %v; want %d moved", mg, err, held)
	}
	if _, err := f.client.MergeTenant(admin, &pb.MergeTenantRequest{Id: "xa-b", Into: "xa-c", DissolvedOn: "30/06/2025"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("a date not YYYY-MM-DD: %v, want INVALID_ARGUMENT", err)
	}
	rt, err := f.client.RetireTenant(admin, &pb.RetireTenantRequest{Id: "xa-c", Successor: "xa-b"})
	if err != nil || rt.GetPages() != "banner" || rt.GetSuccessor() != "xa-b" || rt.GetDissolvedOn() == "" {
		t.Fatalf("retire: %v, %v", rt, err)
	}
	got, err := f.client.GetTenant(admin, &pb.GetTenantRequest{Id: "xa-c"})
	if err != nil || got.GetTenant().GetStatus() != "retired" {
		t.Errorf("retired tenant: %v, %v", got, err)
	}
	if _, err := f.client.ResumeTenant(admin, &pb.ResumeTenantRequest{Id: "xa-c"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("resuming a retired tenant: %v, want FAILED_PRECONDITION", err)
	}

	// The map may name the item by its old id; a bad line is named.
	im, err := f.client.ImportRedirects(admin, &pb.ImportRedirectsRequest{Csv: []byte(
		"old_url,tenant,content_id,category,lang\nhttps://phuonga.khanhhoa.gov.vn/tin-tuc/1.html,phuong-a,tin,,\n" +
			"https://phuonga.khanhhoa.gov.vn/,xa-b,,,\n")})
	if err != nil || im.GetImported() != 2 || len(im.GetHosts()) != 1 {
		t.Fatalf("import: %v, %v", im, err)
	}
	_, err = f.client.ImportRedirects(admin, &pb.ImportRedirectsRequest{Csv: []byte("old_url,tenant,content_id,category\n/tuong-doi,xa-b,,\n")})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(status.Convert(err).Message(), "line 2") {
		t.Errorf("a relative old URL: %v, want INVALID_ARGUMENT naming line 2", err)
	}
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor = 'ops:ops-administrator'
		AND action IN ('tenant.rename', 'tenant.merge', 'tenant.merge.items', 'tenant.retire', 'redirects.import')`).Scan(&n); err != nil || n != 5 {
		t.Errorf("audited lifecycle actions: %d (%v), want 5", n, err)
	}
}
