package opsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// Reasons of the refusals the interceptor gives (google.rpc.ErrorInfo).
const (
	ReasonUnauthenticated  = "OPS_UNAUTHENTICATED"
	ReasonTenantCredential = "OPS_TENANT_CREDENTIAL"
	ReasonRole             = "OPS_ROLE"
)

// call is what the interceptor knows of a method: the action it takes
// (opsaccounts' table decides the role), and whether the store records it
// in the audit log itself (changes), else the interceptor does (reads).
type call struct {
	action  opsaccounts.Action
	audited bool
}

// calls maps each method of OpsService, but Login, to its call. A method
// missing here is refused to everyone (TestEveryMethodHasAnAction).
var calls = map[string]call{
	pb.OpsService_Logout_FullMethodName:           {action: ""},
	pb.OpsService_Whoami_FullMethodName:           {action: ""},
	pb.OpsService_RefreshToken_FullMethodName:     {action: ""}, // recorded by the accounts' store
	pb.OpsService_ListOpsAccounts_FullMethodName:  {action: opsaccounts.AccountsView},
	pb.OpsService_UpdateOpsAccount_FullMethodName: {action: opsaccounts.AccountsManage, audited: true},
	pb.OpsService_AddOpsAccount_FullMethodName:    {action: opsaccounts.AccountsManage, audited: true},
	pb.OpsService_ListTenants_FullMethodName:      {action: opsaccounts.TenantsView},
	pb.OpsService_GetTenant_FullMethodName:        {action: opsaccounts.TenantsView},
	pb.OpsService_AddTenant_FullMethodName:        {action: opsaccounts.TenantsAdd, audited: true},
	pb.OpsService_UpdateTenant_FullMethodName:     {action: opsaccounts.TenantsUpdate, audited: true},
	pb.OpsService_SuspendTenant_FullMethodName:    {action: opsaccounts.TenantsSuspend, audited: true},
	pb.OpsService_ResumeTenant_FullMethodName:     {action: opsaccounts.TenantsSuspend, audited: true},
	pb.OpsService_RenameTenant_FullMethodName:     {action: opsaccounts.TenantsLifecycle, audited: true},
	pb.OpsService_MergeTenant_FullMethodName:      {action: opsaccounts.TenantsLifecycle, audited: true},
	pb.OpsService_RetireTenant_FullMethodName:     {action: opsaccounts.TenantsLifecycle, audited: true},
	pb.OpsService_ImportRedirects_FullMethodName:  {action: opsaccounts.TenantsLifecycle, audited: true},
	pb.OpsService_ListCredentials_FullMethodName:  {action: opsaccounts.CredentialsView},
	pb.OpsService_IssueCredential_FullMethodName:  {action: opsaccounts.CredentialsIssue, audited: true},
	pb.OpsService_RotateCredential_FullMethodName: {action: opsaccounts.CredentialsIssue, audited: true},
	pb.OpsService_RevokeCredential_FullMethodName: {action: opsaccounts.CredentialsIssue, audited: true},
	pb.OpsService_TakeDownItem_FullMethodName:     {action: opsaccounts.ItemsTakedown, audited: true},
	pb.OpsService_LiftTakedown_FullMethodName:     {action: opsaccounts.ItemsTakedown, audited: true},
	// The site as a whole (site.go): reads by viewers, as on the console.
	pb.OpsService_ListMaintenanceWindows_FullMethodName: {action: opsaccounts.TenantsView},
	pb.OpsService_ScheduleMaintenance_FullMethodName:    {action: opsaccounts.MaintenanceEdit, audited: true},
	pb.OpsService_CancelMaintenance_FullMethodName:      {action: opsaccounts.MaintenanceEdit, audited: true},
	pb.OpsService_StatsReport_FullMethodName:            {action: opsaccounts.StatsView},
	pb.OpsService_ListFeatured_FullMethodName:           {action: opsaccounts.TenantsView},
	pb.OpsService_FeatureItem_FullMethodName:            {action: opsaccounts.FeaturedManage, audited: true},
	pb.OpsService_UnfeatureItem_FullMethodName:          {action: opsaccounts.FeaturedManage, audited: true},
	pb.OpsService_ListAdverts_FullMethodName:            {action: opsaccounts.TenantsView},
	pb.OpsService_AddAdvert_FullMethodName:              {action: opsaccounts.AdvertsManage, audited: true},
	pb.OpsService_EndAdvert_FullMethodName:              {action: opsaccounts.AdvertsManage, audited: true},
	pb.OpsService_SetAdvertsEnabled_FullMethodName:      {action: opsaccounts.AdvertsManage, audited: true},
	// Reports and the audit log.
	pb.OpsService_ComplianceReport_FullMethodName: {action: opsaccounts.ComplianceView},
	pb.OpsService_AuditList_FullMethodName:        {action: opsaccounts.AuditView},
	pb.OpsService_AuditVerify_FullMethodName:      {action: opsaccounts.AuditView},
	pb.OpsService_AuditHead_FullMethodName:        {action: opsaccounts.AuditView},
	// What the console shows (views.go), read by viewers as there.
	pb.OpsService_ListItems_FullMethodName:            {action: opsaccounts.ItemsView},
	pb.OpsService_GetItem_FullMethodName:              {action: opsaccounts.ItemsView},
	pb.OpsService_ListTakedowns_FullMethodName:        {action: opsaccounts.ItemsView},
	pb.OpsService_ListRefusals_FullMethodName:         {action: opsaccounts.ItemsView},
	pb.OpsService_Coverage_FullMethodName:             {action: opsaccounts.ComplianceView},
	pb.OpsService_Backlog_FullMethodName:              {action: opsaccounts.TenantsView},
	pb.OpsService_ListOverdueQuestions_FullMethodName: {action: opsaccounts.ComplianceView},
	pb.OpsService_ListCategoryCodes_FullMethodName:    {action: opsaccounts.TenantsView},
	// Search best bets and personal-data keys (data.go); the stores record
	// the changes.
	pb.OpsService_ListBestBets_FullMethodName:       {action: opsaccounts.TenantsView},
	pb.OpsService_AddBestBet_FullMethodName:         {action: opsaccounts.SearchManage, audited: true},
	pb.OpsService_RemoveBestBet_FullMethodName:      {action: opsaccounts.SearchManage, audited: true},
	pb.OpsService_RewrapPersonalData_FullMethodName: {action: opsaccounts.PersonalDataKeys, audited: true},
	// A stream (rebuild.go): the rebuild records itself, a call that
	// follows one already running records its read.
	pb.OpsService_RebuildSearchIndex_FullMethodName:  {action: opsaccounts.SearchReindex, audited: true},
	pb.OpsService_ReshredPersonalData_FullMethodName: {action: opsaccounts.PersonalDataKeys, audited: true},
}

type sessionKey struct{}

// caller returns the session of the call (set by the interceptor).
func caller(ctx context.Context) opsaccounts.Session {
	s, _ := ctx.Value(sessionKey{}).(opsaccounts.Session)
	return s
}

// Unary is the interceptor of the OpsService: it authenticates the ops
// token, refuses tenant credentials and anonymous callers, authorises the
// caller's role for the method through opsaccounts' table, and records
// each call that the store does not record itself.
func (s *Server) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		if !strings.HasPrefix(info.FullMethod, "/grpc.health.v1.Health/") {
			defer func() {
				s.calls.WithLabelValues(info.FullMethod[strings.LastIndexByte(info.FullMethod, '/')+1:], status.Code(err).String()).Inc()
			}()
		}
		if info.FullMethod == pb.OpsService_Login_FullMethodName || strings.HasPrefix(info.FullMethod, "/grpc.health.v1.Health/") {
			return handler(ctx, req)
		}
		sess, err := s.authenticate(ctx)
		if err != nil {
			return nil, err
		}
		return s.authorise(ctx, sess, req, info, handler)
	}
}

// admit decides whether sess's role may call method, the one place that
// does for unary calls and streams alike, and records a refusal.
func (s *Server) admit(ctx context.Context, sess opsaccounts.Session, method string) (call, error) {
	c, known := calls[method]
	if !known {
		return call{}, refuse(codes.PermissionDenied, ReasonRole, nil, "this method is open to no role", "Không vai trò nào được gọi thao tác này.")
	}
	if c.action != "" && !opsaccounts.Allows(sess.Account.Role, c.action) {
		need, _ := opsaccounts.MinimumRole(c.action)
		s.log.Info().Str("account", sess.Account.Login).Str("method", method).Str("outcome", "denied").Msg("ops call refused: role")
		if err := s.store.RecordAction(ctx, sess.Account.Actor(), "ops.denied",
			map[string]string{"method": method, "role": string(sess.Account.Role), "required_role": string(need)}); err != nil {
			return call{}, s.fail(ctx, err)
		}
		return call{}, refuse(codes.PermissionDenied, ReasonRole, map[string]string{"required_role": string(need)},
			"your role ("+string(sess.Account.Role)+") may not do this; it needs "+string(need),
			"Vai trò của bạn ("+sess.Account.Role.Label()+") không được làm thao tác này; cần vai trò "+need.Label()+".")
	}
	return c, nil
}

// authorise runs a call as sess's account: it admits the call and records
// it in the audit log, for the ops listener (Unary) and the console
// (Local) alike.
func (s *Server) authorise(ctx context.Context, sess opsaccounts.Session, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	c, err := s.admit(ctx, sess, info.FullMethod)
	if err != nil {
		return nil, err
	}
	if !c.audited {
		if err := boundText(req); err != nil {
			return nil, err
		}
	}
	ctx = context.WithValue(ctx, sessionKey{}, sess)
	resp, err := handler(ctx, req)
	if err == nil && !c.audited && c.action != "" {
		if err := s.store.RecordAction(ctx, sess.Account.Actor(), "ops.call", map[string]string{"method": info.FullMethod}); err != nil {
			return nil, s.fail(ctx, err)
		}
	}
	return resp, err
}

// Stream is the interceptor of the OpsService's streams: the same
// authentication and role check as Unary's; a stream's method records
// itself (its calls entry is audited), since what it did is known only at
// its end. The health service's Watch passes.
func (s *Server) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
		if strings.HasPrefix(info.FullMethod, "/grpc.health.v1.Health/") {
			return handler(srv, ss)
		}
		defer func() {
			s.calls.WithLabelValues(info.FullMethod[strings.LastIndexByte(info.FullMethod, '/')+1:], status.Code(err).String()).Inc()
		}()
		ctx := ss.Context()
		sess, err := s.authenticate(ctx)
		if err != nil {
			return err
		}
		if _, err := s.admit(ctx, sess, info.FullMethod); err != nil {
			return err
		}
		return handler(srv, sessionStream{ServerStream: ss, ctx: context.WithValue(ctx, sessionKey{}, sess)})
	}
}

// sessionStream is a stream whose context carries the caller's session.
type sessionStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s sessionStream) Context() context.Context { return s.ctx }

// authenticate finds the call's ops bearer token's session.
func (s *Server) authenticate(ctx context.Context) (opsaccounts.Session, error) {
	token, ok := bearerOf(ctx)
	if !ok {
		return opsaccounts.Session{}, refuse(codes.Unauthenticated, ReasonUnauthenticated, nil,
			`no ops token: log in (hubctl login) and send "authorization: Bearer <token>"`,
			"Chưa đăng nhập: hãy đăng nhập (hubctl login) rồi gửi \"authorization: Bearer <token>\".")
	}
	if !opsaccounts.IsOpsToken(token) {
		if strings.HasPrefix(token, hubstore.TokenPrefix) {
			return opsaccounts.Session{}, tenantCredential()
		}
		if _, _, err := s.store.Authenticate(ctx, token); err == nil {
			return opsaccounts.Session{}, tenantCredential()
		}
		return opsaccounts.Session{}, unknownToken()
	}
	sess, err := s.accounts.SessionByToken(ctx, token, opsaccounts.Token)
	if errors.Is(err, opsaccounts.ErrNotFound) {
		return opsaccounts.Session{}, unknownToken()
	}
	if err != nil {
		return opsaccounts.Session{}, s.fail(ctx, err)
	}
	return sess, nil
}

func tenantCredential() error {
	return refuse(codes.PermissionDenied, ReasonTenantCredential, nil,
		"a tenant's credential never opens the admin API: log in with an ops account (hubctl login)",
		"Thông tin xác thực của đơn vị không dùng được cho API quản trị: hãy đăng nhập bằng tài khoản vận hành (hubctl login).")
}

func unknownToken() error {
	return refuse(codes.Unauthenticated, ReasonUnauthenticated, nil,
		"unknown, expired or revoked ops token: log in again (hubctl login)",
		"Phiên đăng nhập không hợp lệ, đã hết hạn hoặc đã bị thu hồi: hãy đăng nhập lại (hubctl login).")
}

// bearer extracts the token of the single "Bearer <token>" value.
func bearer(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// bearerOf is the call's bearer token.
func bearerOf(ctx context.Context) (string, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	return bearer(md.Get("authorization"))
}

// boundText refuses a read whose request carries a text field (a query, a
// filter, an id) over hubstore.MaxQueryBytes, before any work: INVALID_ARGUMENT
// naming the field, in English and Vietnamese, without echoing it. Every
// list and search the API has, and any added later, is bounded here.
func boundText(req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	var err error
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.StringKind || fd.IsMap() {
			return true
		}
		n := 0
		if fd.IsList() {
			for i := 0; i < v.List().Len(); i++ {
				n = max(n, len(v.List().Get(i).String()))
			}
		} else {
			n = len(v.String())
		}
		if n > hubstore.MaxQueryBytes {
			name := string(fd.Name())
			err = invalid(name, fmt.Sprintf("%s is %d bytes: at most %d (1 KiB)", name, n, hubstore.MaxQueryBytes),
				fmt.Sprintf("Trường %s dài %d byte: tối đa %d byte (1 KiB).", name, n, hubstore.MaxQueryBytes))
			return false
		}
		return true
	})
	return err
}
