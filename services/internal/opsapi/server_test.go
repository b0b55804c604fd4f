package opsapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/personaldata"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const password = "Hòn Chồng sóng vỗ 2026"

type fixture struct {
	store    *hubstore.Store
	accounts *opsaccounts.Store
	pool     *pgxpool.Pool
	client   pb.OpsServiceClient
	tokens   map[opsaccounts.Role]string // a logged-in account of each role
	tenant   string                      // a tenant's credential (tenant-a)
	api      *Server
	// consumers is the NATS consumers' backlog Backlog lists.
	consumers *fakeConsumers
}

func newFixture(t *testing.T, rules *compliance.Rules) *fixture {
	t.Helper()
	return newFixtureBurst(t, rules, 1000)
}

// newFixtureBurst is newFixture with loginBurst logins per address.
func newFixtureBurst(t *testing.T, rules *compliance.Rules, loginBurst int) *fixture {
	t.Helper()
	ctx := context.Background()
	url := testenv.Postgres(t, "hub", hubschema.Migrate)
	store, err := hubstore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	f := &fixture{store: store, pool: store.Pool(), accounts: opsaccounts.New(store.Pool()), tokens: map[opsaccounts.Role]string{}}
	if err := store.AddTenant(ctx, "test", hubstore.Tenant{ID: "tenant-a", Kind: "ward", NameVI: "Phường A"}); err != nil {
		t.Fatal(err)
	}
	if _, f.tenant, err = store.IssueCredential(ctx, "test", "tenant-a", "relay"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		VALUES ('tenant-a', 'tin', 3, '\x`+strings.Repeat("00", 32)+`', 'article', 'news', 'published', now(), '{}'),
		       ('tenant-a', 'noi-bat', 1, '\x`+strings.Repeat("00", 32)+`', 'article', 'news', 'published', now(), '{}')`); err != nil {
		t.Fatal(err)
	}

	secret := make([]byte, personaldata.KeySize)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	ring, err := personaldata.NewKeyring(map[string][]byte{"pd-test": secret}, "pd-test")
	if err != nil {
		t.Fatal(err)
	}
	f.consumers = &fakeConsumers{}
	f.api = New(Config{Store: store, Accounts: f.accounts, Rules: rules, Log: zerolog.Nop(), LoginBurst: loginBurst,
		Consumers: f.consumers, PersonalData: personaldata.NewStore(store.Pool(), ring)})
	srv := NewGRPCServer(f.api, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	f.client = pb.NewOpsServiceClient(conn)

	for _, r := range opsaccounts.Roles {
		login := "ops-" + string(r)
		if _, err := f.accounts.Create(ctx, opsaccounts.NewAccount{Login: login, Role: r, Password: password}, "test"); err != nil {
			t.Fatal(err)
		}
		resp, err := f.client.Login(ctx, &pb.LoginRequest{Login: login, Password: password})
		if err != nil {
			t.Fatalf("login %s: %v", login, err)
		}
		f.tokens[r] = resp.GetToken()
	}
	return f
}

// as returns a context carrying token as a bearer token ("" for none).
func as(token string) context.Context {
	if token == "" {
		return context.Background()
	}
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
}

// reason is the ErrorInfo reason of a status error.
func reason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if e, ok := d.(*errdetails.ErrorInfo); ok {
			return e.GetReason()
		}
	}
	return ""
}

func vietnamese(err error) string {
	for _, d := range status.Convert(err).Details() {
		if m, ok := d.(*errdetails.LocalizedMessage); ok && m.GetLocale() == "vi" {
			return m.GetMessage()
		}
	}
	return ""
}

// methods calls each method of OpsService but Login with a valid request.
var methods = map[string]func(ctx context.Context, c pb.OpsServiceClient) error{
	"Whoami": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.Whoami(ctx, &pb.WhoamiRequest{})
		return err
	},
	"ListOpsAccounts": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListOpsAccounts(ctx, &pb.ListOpsAccountsRequest{})
		return err
	},
	"AddOpsAccount": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AddOpsAccount(ctx, &pb.AddOpsAccountRequest{Login: "ops-new", Role: "viewer", Password: password})
		return err
	},
	"UpdateOpsAccount": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.UpdateOpsAccount(ctx, &pb.UpdateOpsAccountRequest{Login: "ops-viewer", Role: "viewer"})
		return err
	},
	"ListTenants": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListTenants(ctx, &pb.ListTenantsRequest{})
		return err
	},
	"GetTenant": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.GetTenant(ctx, &pb.GetTenantRequest{Id: "tenant-a"})
		return err
	},
	"AddTenant": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AddTenant(ctx, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: "tenant-new", Kind: "commune", NameVi: "Xã Mới"}})
		return err
	},
	"UpdateTenant": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.UpdateTenant(ctx, &pb.UpdateTenantRequest{Tenant: &pb.Tenant{Id: "tenant-a", Phone: "0258 1"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}})
		return err
	},
	"SuspendTenant": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.SuspendTenant(ctx, &pb.SuspendTenantRequest{Id: "tenant-a"})
		return err
	},
	"ResumeTenant": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ResumeTenant(ctx, &pb.ResumeTenantRequest{Id: "tenant-a"})
		return err
	},
	"ListCredentials": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ListCredentials(ctx, &pb.ListCredentialsRequest{TenantId: "tenant-a"})
		return err
	},
	"IssueCredential": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.IssueCredential(ctx, &pb.IssueCredentialRequest{TenantId: "tenant-a", Label: "x"})
		return err
	},
	"RotateCredential": func(ctx context.Context, c pb.OpsServiceClient) error {
		iss, err := c.IssueCredential(ctx, &pb.IssueCredentialRequest{TenantId: "tenant-a"})
		id := iss.GetCredential().GetId()
		if err != nil {
			id = 1 // refused to issue: the rotation must be refused too, before it looks the id up
		}
		_, err = c.RotateCredential(ctx, &pb.RotateCredentialRequest{Id: id})
		return err
	},
	"RevokeCredential": func(ctx context.Context, c pb.OpsServiceClient) error {
		iss, err := c.IssueCredential(ctx, &pb.IssueCredentialRequest{TenantId: "tenant-a"})
		id := iss.GetCredential().GetId()
		if err != nil {
			id = 1
		}
		_, err = c.RevokeCredential(ctx, &pb.RevokeCredentialRequest{Id: id})
		return err
	},
	"TakeDownItem": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.TakeDownItem(ctx, &pb.TakeDownItemRequest{TenantId: "tenant-a", ContentId: "tin", Reason: "Thông tin chưa được kiểm chứng"})
		return err
	},
	"LiftTakedown": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.LiftTakedown(ctx, &pb.LiftTakedownRequest{TenantId: "tenant-a", ContentId: "tin"})
		return err
	},
	"ComplianceReport": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.ComplianceReport(ctx, &pb.ComplianceReportRequest{})
		return err
	},
	"AuditList": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AuditList(ctx, &pb.AuditListRequest{})
		return err
	},
	"AuditVerify": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AuditVerify(ctx, &pb.AuditVerifyRequest{})
		return err
	},
	"AuditHead": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.AuditHead(ctx, &pb.AuditHeadRequest{})
		return err
	},
	"RebuildSearchIndex": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := rebuildAll(ctx, c)
		return err
	},
	"Logout": func(ctx context.Context, c pb.OpsServiceClient) error {
		_, err := c.Logout(ctx, &pb.LogoutRequest{})
		return err
	},
}

// TestEveryMethodHasAnAction: each method of the service, unary or
// stream, is in the interceptor's table and in this file's, so none goes
// untested.
func TestEveryMethodHasAnAction(t *testing.T) {
	var names []string
	for _, m := range pb.OpsService_ServiceDesc.Methods {
		names = append(names, m.MethodName)
	}
	for _, m := range pb.OpsService_ServiceDesc.Streams {
		names = append(names, m.StreamName)
	}
	for _, name := range names {
		full := "/" + pb.OpsService_ServiceDesc.ServiceName + "/" + name
		if name == "Login" {
			continue
		}
		if _, ok := calls[full]; !ok {
			t.Errorf("%s is not in calls", full)
		}
		if methods[name] == nil {
			t.Errorf("%s is not in the test's methods", name)
		}
	}
}

// TestRefusals: every call refuses anonymous callers, tenants' credentials,
// unknown tokens, and each role below the call's, with its reason; each
// role that may make the call gets past the interceptor.
func TestRefusals(t *testing.T) {
	rules, err := compliance.Load("../../../deploy/rules/khanhhoa.toml")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, rules)
	for name, call := range methods {
		if name == "Logout" {
			continue // ends the token the other cases use; TestLoginLogout
		}
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				who    string
				ctx    context.Context
				code   codes.Code
				reason string
			}{
				{"anonymous", as(""), codes.Unauthenticated, ReasonUnauthenticated},
				{"tenant credential", as(f.tenant), codes.PermissionDenied, ReasonTenantCredential},
				{"unknown token", as("phops_" + strings.Repeat("A", 43)), codes.Unauthenticated, ReasonUnauthenticated},
				{"garbage", as("nonsense"), codes.Unauthenticated, ReasonUnauthenticated},
			} {
				err := call(tc.ctx, f.client)
				if status.Code(err) != tc.code || reason(err) != tc.reason || vietnamese(err) == "" {
					t.Errorf("%s: %v (reason %q), want %s %s with a Vietnamese message", tc.who, err, reason(err), tc.code, tc.reason)
				}
			}
			full := "/" + pb.OpsService_ServiceDesc.ServiceName + "/" + name
			min, _ := opsaccounts.MinimumRole(calls[full].action)
			for _, role := range opsaccounts.Roles {
				err := call(as(f.tokens[role]), f.client)
				allowed := calls[full].action == "" || opsaccounts.Allows(role, calls[full].action)
				switch {
				case !allowed && (status.Code(err) != codes.PermissionDenied || reason(err) != ReasonRole):
					t.Errorf("%s (needs %s): %v, want PERMISSION_DENIED %s", role, min, err, ReasonRole)
				case allowed && err != nil:
					t.Errorf("%s: %v, want success", role, err)
				}
			}
		})
	}
	var denied int
	if err := f.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'ops.denied' AND actor = 'ops:ops-viewer'`).Scan(&denied); err != nil || denied == 0 {
		t.Errorf("refusals of the viewer recorded: %d, %v", denied, err)
	}
}

func TestLoginLogout(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	_, err := f.client.Login(ctx, &pb.LoginRequest{Login: "ops-viewer", Password: password + "x"})
	if status.Code(err) != codes.Unauthenticated || reason(err) != "OPS_BAD_CREDENTIALS" {
		t.Errorf("wrong password: %v", err)
	}
	_, err = f.client.Login(ctx, &pb.LoginRequest{Login: "nobody", Password: password})
	if status.Code(err) != codes.Unauthenticated || reason(err) != "OPS_BAD_CREDENTIALS" {
		t.Errorf("unknown login: %v", err)
	}
	who, err := f.client.Whoami(as(f.tokens[opsaccounts.Operator]), &pb.WhoamiRequest{})
	if err != nil || who.GetAccount().GetLogin() != "ops-operator" || who.GetAccount().GetRole() != "operator" {
		t.Fatalf("whoami: %v, %v", who, err)
	}
	if _, err := f.client.Logout(as(f.tokens[opsaccounts.Operator]), &pb.LogoutRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Whoami(as(f.tokens[opsaccounts.Operator]), &pb.WhoamiRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("after logout: %v, want UNAUTHENTICATED", err)
	}
	// A console session's token does not open the API: bearer tokens only.
	acc, _ := f.accounts.ByLogin(ctx, "ops-administrator")
	_, console, err := f.accounts.StartSession(ctx, acc, opsaccounts.Console)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Whoami(as(console), &pb.WhoamiRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("console session as a bearer token: %v, want UNAUTHENTICATED", err)
	}
	if n := testutil.ToFloat64(f.api.calls.WithLabelValues("Login", "Unauthenticated")); n != 2 {
		t.Errorf("refused logins counted %v, want 2", n)
	}
	if n := testutil.ToFloat64(f.api.calls.WithLabelValues("Whoami", "OK")); n != 1 {
		t.Errorf("whoami counted %v, want 1", n)
	}
	// Locked after 5 failures, with when.
	for range opsaccounts.MaxFailures {
		f.client.Login(ctx, &pb.LoginRequest{Login: "ops-viewer", Password: "sai mật khẩu rồi"})
	}
	_, err = f.client.Login(ctx, &pb.LoginRequest{Login: "ops-viewer", Password: password})
	if status.Code(err) != codes.ResourceExhausted || reason(err) != "OPS_LOCKED" {
		t.Errorf("locked account: %v", err)
	}
}

func TestTenantsThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	admin, op := as(f.tokens[opsaccounts.Administrator]), as(f.tokens[opsaccounts.Operator])
	added, err := f.client.AddTenant(admin, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: "xa-cam-lam", Kind: "commune",
		NameVi: "Xã Cam Lâm", NameEn: "Cam Lam Commune", ParentId: "tenant-a", Hosts: []string{"camlam.khanhhoa.gov.vn"},
		Email: "camlam@khanhhoa.gov.vn", EstablishedOn: "2025-07-01"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := added.GetTenant(); a.GetStatus() != "active" || a.GetParentId() != "tenant-a" || a.GetEstablishedOn() != "2025-07-01" ||
		len(a.GetHosts()) != 1 || a.GetEmail() != "camlam@khanhhoa.gov.vn" {
		t.Errorf("added %v", a)
	}
	_, err = f.client.AddTenant(admin, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: "xa-cam-lam", Kind: "commune", NameVi: "x"}})
	if status.Code(err) != codes.AlreadyExists {
		t.Errorf("duplicate: %v", err)
	}
	_, err = f.client.AddTenant(admin, &pb.AddTenantRequest{Tenant: &pb.Tenant{Id: "x", Kind: "commune"}})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("no name: %v", err)
	}

	// The mask changes only what it names.
	up, err := f.client.UpdateTenant(op, &pb.UpdateTenantRequest{
		Tenant:     &pb.Tenant{Id: "xa-cam-lam", NameRu: "Коммуна Камлам", Hosts: []string{"camlam.gov.vn", "www.camlam.gov.vn"}, NameEn: "ignored"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name_ru", "hosts"}}})
	if err != nil {
		t.Fatal(err)
	}
	if u := up.GetTenant(); u.GetNameRu() != "Коммуна Камлам" || u.GetNameEn() != "Cam Lam Commune" || u.GetHosts()[0] != "camlam.gov.vn" || u.GetEmail() == "" {
		t.Errorf("updated %v", u)
	}
	for _, mask := range [][]string{nil, {"status"}, {"id"}, {"nope"}} {
		_, err := f.client.UpdateTenant(op, &pb.UpdateTenantRequest{Tenant: &pb.Tenant{Id: "xa-cam-lam"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("mask %v: %v, want INVALID_ARGUMENT", mask, err)
		}
	}
	if _, err := f.client.UpdateTenant(op, &pb.UpdateTenantRequest{Tenant: &pb.Tenant{Id: "nope", Phone: "1"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown tenant: %v", err)
	}

	s, err := f.client.SuspendTenant(op, &pb.SuspendTenantRequest{Id: "xa-cam-lam"})
	if err != nil || s.GetTenant().GetStatus() != "suspended" {
		t.Fatalf("suspend: %v %v", s, err)
	}
	r, err := f.client.ResumeTenant(op, &pb.ResumeTenantRequest{Id: "xa-cam-lam"})
	if err != nil || r.GetTenant().GetStatus() != "active" {
		t.Fatalf("resume: %v %v", r, err)
	}

	// Each change is in the audit log under the account that made it.
	list, err := f.client.AuditList(op, &pb.AuditListRequest{TenantId: "xa-cam-lam"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list.GetEntries() {
		got = append(got, e.GetActor()+" "+e.GetAction())
	}
	want := []string{"ops:ops-operator tenant.status", "ops:ops-operator tenant.status", "ops:ops-operator tenant.update", "ops:ops-administrator tenant.add"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("audit entries %v, want %v", got, want)
	}
	// Reads are recorded too.
	reads, err := f.client.AuditList(op, &pb.AuditListRequest{Action: "ops.call", Actor: "ops:ops-operator"})
	if err != nil || len(reads.GetEntries()) == 0 || !strings.Contains(reads.GetEntries()[0].GetDetailJson(), "AuditList") {
		t.Errorf("reads recorded: %v, %v", reads, err)
	}
	// The head, exported through the API, is the newest entry; verify
	// proves the log extends it (the head's own read is an entry after it).
	head, err := f.client.AuditHead(op, &pb.AuditHeadRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var newest int64
	var hash []byte
	if err := f.pool.QueryRow(context.Background(), `SELECT seq, hash FROM audit_log ORDER BY seq DESC OFFSET 1 LIMIT 1`).Scan(&newest, &hash); err != nil {
		t.Fatal(err)
	}
	if head.GetSeq() != newest || head.GetHash() != fmt.Sprintf("%x", hash) || head.GetHead() != fmt.Sprintf("%d:%x", newest, hash) {
		t.Errorf("audit head %v, want entry %d (%x), the one before the head's own read", head, newest, hash)
	}
	v, err := f.client.AuditVerify(op, &pb.AuditVerifyRequest{Head: head.GetHead()})
	if err != nil || !v.GetIntact() || v.GetEntries() <= head.GetSeq() {
		t.Errorf("verify --head %s: %v %v", head.GetHead(), v, err)
	}
	if _, err := f.client.AuditVerify(op, &pb.AuditVerifyRequest{Head: "nonsense"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("bad head: %v", err)
	}
}

func TestCredentialsThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	admin := as(f.tokens[opsaccounts.Administrator])
	iss, err := f.client.IssueCredential(admin, &pb.IssueCredentialRequest{TenantId: "tenant-a", Label: "relay 2026"})
	if err != nil || !strings.HasPrefix(iss.GetToken(), hubstore.TokenPrefix) || !iss.GetCredential().GetLive() {
		t.Fatalf("issue: %v %v", iss, err)
	}
	if _, _, err := f.store.Authenticate(ctx, iss.GetToken()); err != nil {
		t.Fatal(err)
	}
	rot, err := f.client.RotateCredential(admin, &pb.RotateCredentialRequest{Id: iss.GetCredential().GetId(), Overlap: durationpb.New(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	old := rot.GetReplaced()
	if old.GetReplacedBy() != rot.GetCredential().GetId() || !old.GetLive() || old.GetExpiresAt() == nil ||
		old.GetExpiresAt().AsTime().Sub(rot.GetCredential().GetCreatedAt().AsTime()).Round(time.Minute) != time.Hour {
		t.Errorf("rotated: %v", rot)
	}
	for _, tok := range []string{iss.GetToken(), rot.GetToken()} {
		if _, _, err := f.store.Authenticate(ctx, tok); err != nil {
			t.Errorf("during the overlap: %v", err)
		}
	}
	if _, err := f.client.RotateCredential(admin, &pb.RotateCredentialRequest{Id: rot.GetCredential().GetId(),
		Overlap: durationpb.New(31 * 24 * time.Hour)}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("overlap of 31 days: %v", err)
	}
	list, err := f.client.ListCredentials(admin, &pb.ListCredentialsRequest{TenantId: "tenant-a"})
	if err != nil || len(list.GetCredentials()) != 3 {
		t.Fatalf("list: %v %v", list, err)
	}
	if list.GetCredentials()[1].GetLastUsedAt() == nil {
		t.Errorf("the used credential shows no last use: %v", list.GetCredentials()[1])
	}
	rev, err := f.client.RevokeCredential(admin, &pb.RevokeCredentialRequest{Id: rot.GetCredential().GetId()})
	if err != nil || rev.GetCredential().GetLive() || rev.GetCredential().GetRevokedAt() == nil {
		t.Errorf("revoke: %v %v", rev, err)
	}
	if _, _, err := f.store.Authenticate(ctx, rot.GetToken()); !errors.Is(err, hubstore.ErrNotFound) {
		t.Errorf("revoked: %v", err)
	}
	if _, err := f.client.RevokeCredential(admin, &pb.RevokeCredentialRequest{Id: rot.GetCredential().GetId()}); status.Code(err) != codes.NotFound {
		t.Errorf("revoke twice: %v", err)
	}
}

// TestLoginRateLimited: one address gets its burst of attempts, then
// RESOURCE_EXHAUSTED without a password checked, whatever the logins.
func TestLoginRateLimited(t *testing.T) {
	f := newFixtureBurst(t, nil, 5) // the fixture's 3 logins come first
	ctx := context.Background()
	var wg sync.WaitGroup
	var limited atomic.Int32
	for i := range 6 {
		wg.Go(func() {
			_, err := f.client.Login(ctx, &pb.LoginRequest{Login: fmt.Sprintf("nobody-%d", i), Password: password})
			if status.Code(err) == codes.ResourceExhausted && reason(err) == "OPS_RATE_LIMITED" {
				limited.Add(1)
			}
		})
	}
	wg.Wait()
	// 3 + 6 attempts at once against a burst of 5: at least 3 refused
	// (one token may come back while they run).
	if n := limited.Load(); n < 3 {
		t.Errorf("%d attempts refused, want at least 3", n)
	}
	if _, err := f.client.Whoami(as(f.tokens[opsaccounts.Viewer]), &pb.WhoamiRequest{}); err != nil {
		t.Errorf("other calls still answer: %v", err)
	}
}

func TestTakedownThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	op := as(f.tokens[opsaccounts.Operator])
	if _, err := f.client.TakeDownItem(op, &pb.TakeDownItemRequest{TenantId: "tenant-a", ContentId: "tin"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("no reason: %v", err)
	}
	if _, err := f.client.TakeDownItem(op, &pb.TakeDownItemRequest{TenantId: "tenant-a", ContentId: "khong-co", Reason: "x"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown item: %v", err)
	}
	if _, err := f.client.TakeDownItem(op, &pb.TakeDownItemRequest{TenantId: "tenant-a", ContentId: "tin", Reason: "Sai sự thật"}); err != nil {
		t.Fatal(err)
	}
	var reason *string
	if err := f.pool.QueryRow(ctx, `SELECT takedown_reason FROM items WHERE content_id = 'tin'`).Scan(&reason); err != nil || reason == nil || *reason != "Sai sự thật" {
		t.Errorf("stored reason %v, %v", reason, err)
	}
	if _, err := f.client.LiftTakedown(op, &pb.LiftTakedownRequest{TenantId: "tenant-a", ContentId: "tin", Reason: "đã xác minh"}); err != nil {
		t.Fatal(err)
	}
	var actors string
	if err := f.pool.QueryRow(ctx, `SELECT string_agg(actor || ' ' || action, ',' ORDER BY seq) FROM audit_log WHERE action LIKE 'item.takedown%'`).Scan(&actors); err != nil ||
		actors != "ops:ops-operator item.takedown,ops:ops-operator item.takedown_lifted" {
		t.Errorf("audit %q, %v", actors, err)
	}
}

func TestOpsAccountsThroughTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	admin := as(f.tokens[opsaccounts.Administrator])
	l, err := f.client.ListOpsAccounts(admin, &pb.ListOpsAccountsRequest{})
	if err != nil || len(l.GetAccounts()) != 3 || l.GetAccounts()[0].GetLogin() != "ops-administrator" || l.GetAccounts()[0].GetLastLoginAt() == nil {
		t.Fatalf("list: %v %v", l, err)
	}
	disabled := true
	up, err := f.client.UpdateOpsAccount(admin, &pb.UpdateOpsAccountRequest{Login: "ops-operator", Role: "viewer", Disabled: &disabled})
	if err != nil || up.GetAccount().GetRole() != "viewer" || !up.GetAccount().GetDisabled() {
		t.Fatalf("update: %v %v", up, err)
	}
	// Disabling ended the operator's token.
	if _, err := f.client.Whoami(as(f.tokens[opsaccounts.Operator]), &pb.WhoamiRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("disabled account's token: %v, want UNAUTHENTICATED", err)
	}
	for _, req := range []*pb.UpdateOpsAccountRequest{
		{Login: "ops-administrator", Disabled: &disabled},
		{Login: "ops-administrator", Role: "operator"},
	} {
		if _, err := f.client.UpdateOpsAccount(admin, req); status.Code(err) != codes.FailedPrecondition {
			t.Errorf("%v on one's own account: %v, want FAILED_PRECONDITION", req, err)
		}
	}
	if _, err := f.client.UpdateOpsAccount(admin, &pb.UpdateOpsAccountRequest{Login: "ops-viewer", Password: "1234567890"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("weak password: %v", err)
	}
	if _, err := f.client.UpdateOpsAccount(admin, &pb.UpdateOpsAccountRequest{Login: "ops-viewer", Role: "root"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("unknown role: %v", err)
	}
	if _, err := f.client.UpdateOpsAccount(admin, &pb.UpdateOpsAccountRequest{Login: "nobody", Role: "viewer"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown account: %v", err)
	}
	// An administrator adds an account; the policy applies.
	add, err := f.client.AddOpsAccount(admin, &pb.AddOpsAccountRequest{Login: "Tran.Thi.B", Role: "operator", DisplayName: "Trần Thị B", Password: password})
	if err != nil || add.GetAccount().GetLogin() != "tran.thi.b" || add.GetAccount().GetRole() != "operator" || add.GetAccount().GetDisplayName() != "Trần Thị B" {
		t.Fatalf("add: %v %v", add, err)
	}
	if _, err := f.client.Login(context.Background(), &pb.LoginRequest{Login: "tran.thi.b", Password: password}); err != nil {
		t.Errorf("login with the added account: %v", err)
	}
	for _, tc := range []struct {
		req  *pb.AddOpsAccountRequest
		code codes.Code
	}{
		{&pb.AddOpsAccountRequest{Login: "tran.thi.b", Role: "viewer", Password: password}, codes.AlreadyExists},
		{&pb.AddOpsAccountRequest{Login: "le.van.c", Role: "viewer", Password: "1234567890"}, codes.InvalidArgument},
		{&pb.AddOpsAccountRequest{Login: "le.van.c", Role: "root", Password: password}, codes.InvalidArgument},
		{&pb.AddOpsAccountRequest{Login: "Lê Văn C", Role: "viewer", Password: password}, codes.InvalidArgument},
	} {
		if _, err := f.client.AddOpsAccount(admin, tc.req); status.Code(err) != tc.code || vietnamese(err) == "" {
			t.Errorf("add %s (%s): %v, want %s with a Vietnamese message", tc.req.GetLogin(), tc.req.GetRole(), err, tc.code)
		}
	}
	const next = "Núi Cô Tiên mây bay 2027"
	if _, err := f.client.UpdateOpsAccount(admin, &pb.UpdateOpsAccountRequest{Login: "ops-viewer", Password: next}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Login(context.Background(), &pb.LoginRequest{Login: "ops-viewer", Password: next}); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	var actors string
	if err := f.pool.QueryRow(context.Background(), `SELECT string_agg(actor || ' ' || action || ' ' || subject, ',' ORDER BY seq) FROM audit_log
		WHERE action IN ('ops.account_role', 'ops.account_disable', 'ops.account_password') OR (action = 'ops.account_add' AND actor LIKE 'ops:%')`).Scan(&actors); err != nil ||
		actors != "ops:ops-administrator ops.account_role ops:ops-operator,ops:ops-administrator ops.account_disable ops:ops-operator,"+
			"ops:ops-administrator ops.account_add ops:tran.thi.b,ops:ops-administrator ops.account_password ops:ops-viewer" {
		t.Errorf("audit %q %v", actors, err)
	}
}

func TestComplianceWithoutRules(t *testing.T) {
	f := newFixture(t, nil)
	_, err := f.client.ComplianceReport(as(f.tokens[opsaccounts.Viewer]), &pb.ComplianceReportRequest{})
	if status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "HUB_COMPLIANCE_RULES") {
		t.Errorf("no rules: %v", err)
	}
}

func TestComplianceReport(t *testing.T) {
	rules, err := compliance.Load("../../../deploy/rules/khanhhoa.toml")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, rules)
	v := as(f.tokens[opsaccounts.Viewer])
	// This week (the tenant was made just now: no earlier week is owed).
	r, err := f.client.ComplianceReport(v, &pb.ComplianceReportRequest{TenantId: "tenant-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GetAssessments()) != 1 || r.GetAssessments()[0].GetTenantId() != "tenant-a" || r.GetAssessments()[0].GetWeek() != compliance.WeekOf(time.Now()).String() {
		t.Errorf("report %v", r)
	}
	if _, err := f.client.ComplianceReport(v, &pb.ComplianceReportRequest{Week: "2026-W48", From: "2026-11-01"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("week and from: %v", err)
	}
	if _, err := f.client.ComplianceReport(v, &pb.ComplianceReportRequest{TenantId: "nope"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown tenant: %v", err)
	}
}
