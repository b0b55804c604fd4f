package opsapi

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// fieldOf is the field an INVALID_ARGUMENT names (ErrorInfo metadata).
func fieldOf(err error) string {
	for _, d := range status.Convert(err).Details() {
		if e, ok := d.(*errdetails.ErrorInfo); ok {
			return e.GetMetadata()["field"]
		}
	}
	return ""
}

// Every read of the API (every call the interceptor records itself) that
// takes text refuses more than 1 KiB in any of its text fields before any
// work, INVALID_ARGUMENT naming the field, in Vietnamese too, without
// echoing the text: over the listener and in process alike.
func TestEveryReadRefusesOverlongText(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	sess, err := f.accounts.SessionByToken(ctx, f.tokens[opsaccounts.Administrator], opsaccounts.Token)
	if err != nil {
		t.Fatal(err)
	}
	local := localConn{s: f.api, sess: sess}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(pb.OpsService_ServiceDesc.ServiceName))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("xã ", hubstore.MaxQueryBytes/4+1) // 1028 bytes
	checked := map[string]bool{}
	methods := d.(protoreflect.ServiceDescriptor).Methods()
	for i := 0; i < methods.Len(); i++ {
		m := methods.Get(i)
		full := "/" + pb.OpsService_ServiceDesc.ServiceName + "/" + string(m.Name())
		if c, ok := calls[full]; !ok || c.audited || c.action == "" {
			continue
		}
		in, err := protoregistry.GlobalTypes.FindMessageByName(m.Input().FullName())
		if err != nil {
			t.Fatal(err)
		}
		out, err := protoregistry.GlobalTypes.FindMessageByName(m.Output().FullName())
		if err != nil {
			t.Fatal(err)
		}
		fields := m.Input().Fields()
		for j := 0; j < fields.Len(); j++ {
			fd := fields.Get(j)
			if fd.Kind() != protoreflect.StringKind {
				continue
			}
			req := in.New()
			if fd.IsList() {
				req.Mutable(fd).List().Append(protoreflect.ValueOfString(long))
			} else {
				req.Set(fd, protoreflect.ValueOfString(long))
			}
			err := local.Invoke(ctx, full, req.Interface(), out.New().Interface())
			if status.Code(err) != codes.InvalidArgument || fieldOf(err) != string(fd.Name()) ||
				!strings.Contains(vietnamese(err), "tối đa 1024 byte") || strings.Contains(err.Error(), "xã xã") {
				t.Errorf("%s with %s of %d bytes: %v (field %q, %q), want INVALID_ARGUMENT naming it, in Vietnamese, without the text",
					m.Name(), fd.Name(), len(long), err, fieldOf(err), vietnamese(err))
			}
			checked[string(m.Name())+"."+string(fd.Name())] = true
		}
	}
	for _, want := range []string{"ListTenants.query", "ListTenants.status", "ListItems.query", "Coverage.query", "ListRefusals.reason",
		"AuditList.actor", "ListBestBets.query", "GetTenant.id"} {
		if !checked[want] {
			t.Errorf("%s was not checked", want)
		}
	}
	// Over the listener too, and a query of exactly 1 KiB is taken.
	viewer := as(f.tokens[opsaccounts.Viewer])
	if _, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{Query: long}); status.Code(err) != codes.InvalidArgument || fieldOf(err) != "query" {
		t.Errorf("ListTenants with a query of %d bytes over the listener: %v, want INVALID_ARGUMENT", len(long), err)
	}
	if _, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{Query: strings.Repeat("a", hubstore.MaxQueryBytes)}); err != nil {
		t.Errorf("ListTenants with a query of 1 KiB: %v", err)
	}
}

// ListTenants filters by the console's query and pages; page_size 0
// lists them all, as hubctl tenants list wants.
func TestListTenantsFiltersAndPages(t *testing.T) {
	f := newFixture(t, nil)
	viewer := as(f.tokens[opsaccounts.Viewer])
	for _, tn := range []hubstore.Tenant{{ID: "xa-cam-lam", Kind: "commune", NameVI: "Xã Cam Lâm"}, {ID: "so-y-te", Kind: "department", NameVI: "Sở Y tế"}} {
		if err := f.store.AddTenant(context.Background(), "test", tn); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(r *pb.ListTenantsResponse) string {
		var out []string
		for _, t := range r.GetTenants() {
			out = append(out, t.GetId())
		}
		return strings.Join(out, ",")
	}
	all, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{})
	if err != nil || ids(all) != "so-y-te,tenant-a,xa-cam-lam" || all.GetNextPageToken() != "" {
		t.Fatalf("all tenants: %v, %v", ids(all), err)
	}
	if a := all.GetTenants()[1]; a.GetItems() != 2 || a.GetNameVi() != "Phường A" {
		t.Errorf("tenant-a as listed: %v, want its 2 items", a)
	}
	got, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{Query: "cam lam"})
	if err != nil || ids(got) != "xa-cam-lam" {
		t.Errorf("query 'cam lam': %v, %v", ids(got), err)
	}
	got, err = f.client.ListTenants(viewer, &pb.ListTenantsRequest{TenantKind: "department"})
	if err != nil || ids(got) != "so-y-te" {
		t.Errorf("kind department: %v, %v", ids(got), err)
	}
	first, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{PageSize: 2})
	if err != nil || ids(first) != "so-y-te,tenant-a" || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v, %v", ids(first), err)
	}
	second, err := f.client.ListTenants(viewer, &pb.ListTenantsRequest{PageSize: 2, PageToken: first.GetNextPageToken()})
	if err != nil || ids(second) != "xa-cam-lam" || second.GetNextPageToken() != "" {
		t.Errorf("second page: %v, %v", ids(second), err)
	}
	for _, req := range []*pb.ListTenantsRequest{{TenantKind: "planet"}, {Status: "asleep"}, {PageToken: "rubbish"}, {PageSize: 501}} {
		if _, err := f.client.ListTenants(viewer, req); status.Code(err) != codes.InvalidArgument {
			t.Errorf("%v: %v, want INVALID_ARGUMENT", req, err)
		}
	}
}
