package opsapi

import (
	"context"
	"encoding/hex"

	"google.golang.org/grpc/codes"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// noRules refuses a call that needs the deployment's rules file.
func noRules() error {
	return refuse(codes.FailedPrecondition, "NO_RULES", nil,
		"the aggregator has no Article 11 rules file: set HUB_COMPLIANCE_RULES (deploy/rules/*.toml) and restart it",
		"Aggregator chưa có tệp quy tắc Điều 11: đặt HUB_COMPLIANCE_RULES (deploy/rules/*.toml) rồi khởi động lại.")
}

// ComplianceReport is each tenant's Article 11 status per ISO week.
func (s *Server) ComplianceReport(ctx context.Context, req *pb.ComplianceReportRequest) (*pb.ComplianceReportResponse, error) {
	if s.rules == nil {
		return nil, noRules()
	}
	now := s.now()
	weeks, err := compliance.Period(req.GetWeek(), req.GetFrom(), req.GetTo(), now)
	if err != nil {
		return nil, invalid("week", err.Error(), err.Error())
	}
	all, err := s.store.ComplianceTenants(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	var tenants []compliance.Tenant
	for _, t := range all {
		if req.GetTenantId() == "" || t.ID == req.GetTenantId() {
			tenants = append(tenants, t)
		}
	}
	if req.GetTenantId() != "" && len(tenants) == 0 {
		return nil, refuse(codes.NotFound, "NOT_FOUND", nil, "no tenant "+req.GetTenantId()+" (or it is retired)",
			"Không có đơn vị "+req.GetTenantId()+" (hoặc đơn vị đã ngừng hoạt động).")
	}
	updates, err := s.store.TenantComplianceUpdates(ctx, req.GetTenantId(), weeks[0].Start(), weeks[len(weeks)-1].End(), s.rules.Counting.BulkImportAgeDays)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	report, err := s.rules.Report(tenants, weeks, updates, now)
	if err != nil {
		// The rules file cannot assess the period (no calendar for its
		// year): the deployment's rules need it, not the caller.
		return nil, refuse(codes.FailedPrecondition, "RULES_INCOMPLETE", nil, err.Error(),
			"Tệp quy tắc Điều 11 chưa đủ cho kỳ này (thiếu lịch làm việc của năm?): "+err.Error())
	}
	out := &pb.ComplianceReportResponse{Assessments: make([]*pb.ComplianceAssessment, len(report))}
	for i, a := range report {
		out.Assessments[i] = &pb.ComplianceAssessment{TenantId: a.Tenant, Week: a.Week, WorkingDays: int32(a.WorkingDays),
			Required: int32(a.Required), Counted: int32(a.Counted), Missed: a.Missed, Status: string(a.Status)}
	}
	return out, nil
}

// AuditList lists audit entries, newest first.
func (s *Server) AuditList(ctx context.Context, req *pb.AuditListRequest) (*pb.AuditListResponse, error) {
	es, err := s.store.ListAudit(ctx, hubstore.AuditFilter{Actor: req.GetActor(), Tenant: req.GetTenantId(),
		Action: req.GetAction(), Before: req.GetBefore(), Limit: int(req.GetLimit())})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.AuditListResponse{Entries: make([]*pb.AuditEntry, len(es))}
	for i, e := range es {
		out.Entries[i] = auditPB(e)
	}
	return out, nil
}

func auditPB(e hubstore.AuditEntry) *pb.AuditEntry {
	tenant := ""
	if e.Tenant != nil {
		tenant = *e.Tenant
	}
	return &pb.AuditEntry{Seq: e.Seq, At: ts(&e.At), Actor: e.Actor, Action: e.Action, TenantId: tenant,
		Subject: e.Subject, DetailJson: string(e.Detail), PrevHash: hex.EncodeToString(e.PrevHash), Hash: hex.EncodeToString(e.Hash)}
}

// AuditVerify recomputes the audit chain.
func (s *Server) AuditVerify(ctx context.Context, req *pb.AuditVerifyRequest) (*pb.AuditVerifyResponse, error) {
	var extends *hubstore.AuditHead
	if req.GetHead() != "" {
		h, err := hubstore.ParseAuditHead(req.GetHead())
		if err != nil {
			return nil, invalid("head", err.Error(), "head phải có dạng SEQ:HASH như `hubctl audit head` in ra.")
		}
		extends = &h
	}
	v, err := s.store.VerifyAudit(ctx, extends)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.AuditVerifyResponse{Intact: v.Intact(), Entries: v.Entries, Head: v.Head.String()}
	if v.Broken != nil {
		out.BrokenSeq, out.Problem = v.Broken.Seq, v.Broken.Problem
	}
	return out, nil
}

// AuditHead is the audit chain's head, for the daily export off the
// database host (hubctl audit head).
func (s *Server) AuditHead(ctx context.Context, _ *pb.AuditHeadRequest) (*pb.AuditHeadResponse, error) {
	h, err := s.store.AuditHead(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.AuditHeadResponse{Seq: h.Seq, Hash: hex.EncodeToString(h.Hash), Head: h.String()}, nil
}
