package opsapi

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// The in-process client (the console's) meets the listener's rules: the
// role table, the audit entry under the account, the store's rules and
// the same error statuses.
func TestLocalCallsMeetTheListenersRules(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	session := func(r opsaccounts.Role) opsaccounts.Session {
		sess, err := f.accounts.SessionByToken(ctx, f.tokens[r], opsaccounts.Token)
		if err != nil {
			t.Fatal(err)
		}
		return sess
	}
	viewer, operator := f.api.Local(session(opsaccounts.Viewer)), f.api.Local(session(opsaccounts.Operator))

	_, err := viewer.SuspendTenant(ctx, &pb.SuspendTenantRequest{Id: "tenant-a"})
	if status.Code(err) != codes.PermissionDenied || reason(err) != ReasonRole {
		t.Fatalf("viewer's local suspend: %v, want PermissionDenied %s", err, ReasonRole)
	}
	if es, _ := f.store.ListAudit(ctx, hubstore.AuditFilter{Actor: opsaccounts.Actor("ops-viewer"), Action: "ops.denied"}); len(es) != 1 {
		t.Errorf("viewer's refused local call: %d ops.denied entries, want 1", len(es))
	}
	got, err := operator.SuspendTenant(ctx, &pb.SuspendTenantRequest{Id: "tenant-a"})
	if err != nil || got.GetTenant().GetStatus() != hubstore.StatusSuspended {
		t.Fatalf("operator's local suspend: %v, %v", got, err)
	}
	if es, _ := f.store.ListAudit(ctx, hubstore.AuditFilter{Tenant: "tenant-a", Action: "tenant.status"}); len(es) != 1 ||
		es[0].Actor != opsaccounts.Actor("ops-operator") {
		t.Errorf("local suspend's audit entries: %+v, want one by ops-operator", es)
	}
	// Reads are recorded by the interceptor, as over the wire.
	if _, err := viewer.ListTenants(ctx, &pb.ListTenantsRequest{}); err != nil {
		t.Fatal(err)
	}
	if es, _ := f.store.ListAudit(ctx, hubstore.AuditFilter{Actor: opsaccounts.Actor("ops-viewer"), Action: "ops.call"}); len(es) != 1 {
		t.Errorf("viewer's local read: %d ops.call entries, want 1", len(es))
	}
	if _, err := operator.RetireTenant(ctx, &pb.RetireTenantRequest{Id: "tenant-a"}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("operator's local retire: %v, want PermissionDenied", err)
	}
	if _, err := f.api.Local(session(opsaccounts.Administrator)).RetireTenant(ctx, &pb.RetireTenantRequest{Id: "tenant-a", Pages: hubstore.RetiredGone}); err != nil {
		t.Fatal(err)
	}
	// The store's rule, for both: a retired tenant is not resumed.
	if _, err := operator.ResumeTenant(ctx, &pb.ResumeTenantRequest{Id: "tenant-a"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("local resume of a retired tenant: %v, want FailedPrecondition", err)
	}
	if _, err := f.client.ResumeTenant(as(f.tokens[opsaccounts.Operator]), &pb.ResumeTenantRequest{Id: "tenant-a"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("resume of a retired tenant over the listener: %v, want FailedPrecondition", err)
	}
}
