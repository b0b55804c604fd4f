package opsapi

import (
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/backlog"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The calls that show what the console shows (issue 10 point 2), for
// hubctl: a tenant's items and an item's history, takedowns, refused
// pushes, coverage, the backlogs, overdue questions and the category
// codes. They read through the console's own queries (hubread, backlog,
// feedback); the interceptor records each call.

// Bounds of the paged lists: page_size 0 is defaultPage, at most maxPage.
const (
	defaultPage = 50
	maxPage     = 500
	// itemHistory is how many audit entries GetItem returns, as the
	// console's item page.
	itemHistory = 100
	// maxOverdue bounds ListOverdueQuestions, as the console's list.
	maxOverdue = 500
	// consumersTimeout bounds the listing of the NATS consumers.
	consumersTimeout = 3 * time.Second
)

// pageOf reads a list request's page token (a hubread cursor of a key of
// fields fields) and size.
func pageOf(token string, size int32, fields int) (*hubread.Cursor, int, error) {
	n := int(size)
	switch {
	case size == 0:
		n = defaultPage
	case size < 0 || size > maxPage:
		return nil, 0, invalid("page_size", "page_size must be between 1 and 500", "page_size phải từ 1 đến 500.")
	}
	if token == "" {
		return nil, n, nil
	}
	c, err := hubread.ParseCursor(token, fields)
	if err != nil {
		return nil, 0, invalid("page_token", "page_token is not one of this list's next_page_token",
			"page_token không phải next_page_token của danh sách này.")
	}
	return &c, n, nil
}

// nextToken and prevToken are a page's next_page_token ("" on the last
// page) and prev_page_token ("" on the first).
func nextToken[T any](p hubread.Page[T]) string { return tokenOf(p.Next) }

func prevToken[T any](p hubread.Page[T]) string { return tokenOf(p.Prev) }

func tokenOf(c *hubread.Cursor) string {
	if c == nil {
		return ""
	}
	return c.String()
}

func opsItemPB(it hubread.OpsItem) *pb.OpsItem {
	out := &pb.OpsItem{TenantId: it.Tenant, ContentId: it.ContentID, Version: it.Version, ContentHash: hex.EncodeToString(it.Hash),
		Kind: it.Kind, Category: it.Category, State: it.State, PublishedAt: timestamppb.New(it.PublishedAt),
		UpdatedAt: timestamppb.New(it.UpdatedAt), Title: it.Title, TakenDownAt: ts(it.TakenDownAt), Locales: it.Locales}
	if it.TakedownReason != nil {
		out.TakedownReason = *it.TakedownReason
	}
	return out
}

func opsItemsPB(its []hubread.OpsItem) []*pb.OpsItem {
	out := make([]*pb.OpsItem, len(its))
	for i, it := range its {
		out[i] = opsItemPB(it)
	}
	return out
}

// ListItems pages a tenant's items by content id.
func (s *Server) ListItems(ctx context.Context, req *pb.ListItemsRequest) (*pb.ListItemsResponse, error) {
	if req.GetTenantId() == "" {
		return nil, invalid("tenant_id", "tenant_id is required", "Cần mã đơn vị (tenant_id).")
	}
	if len(req.GetQuery()) > hubstore.MaxQueryBytes {
		return nil, s.fail(ctx, hubstore.QueryTooLong("query", len(req.GetQuery())))
	}
	cur, n, err := pageOf(req.GetPageToken(), req.GetPageSize(), hubread.OpsItemsKeyFields)
	if err != nil {
		return nil, err
	}
	if _, err := s.read.Tenant(ctx, req.GetTenantId()); err != nil {
		return nil, s.fail(ctx, err)
	}
	pg, err := s.read.OpsItems(ctx, hubread.OpsItemFilter{Tenant: req.GetTenantId(), Query: req.GetQuery(), State: req.GetState(),
		Kind: req.GetKind(), Lacks: req.GetLacks()}, cur, n)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.ListItemsResponse{Items: opsItemsPB(pg.Rows), NextPageToken: nextToken(pg), PrevPageToken: prevToken(pg)}, nil
}

// GetItem is one item with its history from the audit log.
func (s *Server) GetItem(ctx context.Context, req *pb.GetItemRequest) (*pb.GetItemResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	it, err := s.read.OpsItem(ctx, req.GetTenantId(), req.GetContentId())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	es, err := s.store.ListAudit(ctx, hubstore.AuditFilter{Tenant: req.GetTenantId(), Subject: req.GetContentId(), Limit: itemHistory})
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.GetItemResponse{Item: opsItemPB(it), History: make([]*pb.AuditEntry, len(es))}
	for i, e := range es {
		out.History[i] = auditPB(e)
	}
	return out, nil
}

// ListTakedowns pages the items taken down, the newest first.
func (s *Server) ListTakedowns(ctx context.Context, req *pb.ListTakedownsRequest) (*pb.ListTakedownsResponse, error) {
	cur, n, err := pageOf(req.GetPageToken(), req.GetPageSize(), hubread.TakedownsKeyFields)
	if err != nil {
		return nil, err
	}
	pg, err := s.read.OpsTakedowns(ctx, cur, n)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.ListTakedownsResponse{Items: opsItemsPB(pg.Rows), NextPageToken: nextToken(pg), PrevPageToken: prevToken(pg)}, nil
}

// ListRefusals pages the refused pushes, the latest first.
func (s *Server) ListRefusals(ctx context.Context, req *pb.ListRefusalsRequest) (*pb.ListRefusalsResponse, error) {
	cur, n, err := pageOf(req.GetPageToken(), req.GetPageSize(), hubread.RefusalsKeyFields)
	if err != nil {
		return nil, err
	}
	pg, err := s.read.RefusalsPage(ctx, hubread.RefusalFilter{Tenant: req.GetTenantId(), Reason: req.GetReason()}, cur, n)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListRefusalsResponse{NextPageToken: nextToken(pg), PrevPageToken: prevToken(pg)}
	for _, r := range pg.Rows {
		out.Refusals = append(out.Refusals, &pb.Refusal{TenantId: r.Tenant, ContentId: r.ContentID, Version: r.Version,
			Reason: r.Reason, Field: r.Field, MessageEn: r.MessageEN, MessageVi: r.MessageVI,
			FirstAt: timestamppb.New(r.FirstAt), LastAt: timestamppb.New(r.LastAt), Times: int32(r.Times)})
	}
	return out, nil
}

// Coverage is which required kinds and languages each active tenant of
// the page has published.
func (s *Server) Coverage(ctx context.Context, req *pb.CoverageRequest) (*pb.CoverageResponse, error) {
	if s.rules == nil {
		return nil, noRules()
	}
	if k := req.GetTenantKind(); k != "" && !slices.Contains(hubread.TenantKinds, k) {
		return nil, invalid("tenant_kind", "unknown tenant kind "+k, "Loại đơn vị không hợp lệ: "+k+".")
	}
	cur, n, err := pageOf(req.GetPageToken(), req.GetPageSize(), hubread.TenantsKeyFields)
	if err != nil {
		return nil, err
	}
	pg, err := s.read.OpsTenants(ctx, hubread.OpsTenantFilter{Query: req.GetQuery(), Kind: req.GetTenantKind(), Status: "active"}, cur, n)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	ids := make([]string, len(pg.Rows))
	for i, t := range pg.Rows {
		ids[i] = t.ID
	}
	cov, err := s.read.Coverage(ctx, ids)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	required, english := s.rules.Coverage.RequiredKinds, s.rules.Coverage.English
	out := &pb.CoverageResponse{RequiredKinds: required, EnglishKinds: english, NextPageToken: nextToken(pg), PrevPageToken: prevToken(pg)}
	for _, t := range pg.Rows {
		tc := &pb.TenantCoverage{TenantId: t.ID, NameVi: t.NameVI, NameEn: t.NameEN, NameRu: t.NameRU}
		tc.Missing, tc.EnglishMissing = hubread.CoverageGaps(cov[t.ID], required, english)
		kinds := make([]string, 0, len(cov[t.ID]))
		for k := range cov[t.ID] {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			c := cov[t.ID][k]
			tc.Kinds = append(tc.Kinds, &pb.KindCoverage{Kind: k, Items: int32(c.Items), English: int32(c.English), Russian: int32(c.Russian)})
		}
		out.Tenants = append(out.Tenants, tc)
	}
	return out, nil
}

// Backlog is the outbox, the mail queue and the NATS consumers' backlog.
func (s *Server) Backlog(ctx context.Context, _ *pb.BacklogRequest) (*pb.BacklogResponse, error) {
	o, err := backlog.ReadOutbox(ctx, s.store.Pool())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.BacklogResponse{OutboxPending: int64(o.Pending), OutboxOldest: ts(o.Oldest), MailQueued: int64(o.MailQueue)}
	for _, r := range o.Failing {
		out.Failing = append(out.Failing, &pb.OutboxRow{Id: r.ID, Subject: r.Subject, CreatedAt: timestamppb.New(r.Created),
			Attempts: int32(r.Attempts), LastError: r.LastError})
	}
	if s.consumers == nil {
		out.ConsumersError, out.ConsumersOff = "the aggregator lists no NATS consumers here", true
		return out, nil
	}
	cctx, cancel := context.WithTimeout(ctx, consumersTimeout)
	cs, err := s.consumers.Consumers(cctx)
	cancel()
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, s.fail(ctx, ctx.Err())
		}
		s.log.Warn().Err(err).Msg("ops: could not list the NATS consumers")
		out.ConsumersError = "NATS did not list the consumers: " + err.Error()
		return out, nil
	}
	for _, c := range cs {
		out.Consumers = append(out.Consumers, &pb.StreamConsumer{Stream: c.Stream, Name: c.Name, Filter: c.Filter, Pending: c.Pending,
			AckPending: int32(c.AckPending), Redelivered: int32(c.Redelivered), LastDelivered: ts(c.LastDelivered)})
	}
	return out, nil
}

// ListOverdueQuestions lists citizens' questions past their due day.
func (s *Server) ListOverdueQuestions(ctx context.Context, req *pb.ListOverdueQuestionsRequest) (*pb.ListOverdueQuestionsResponse, error) {
	limit := int(req.GetLimit())
	switch {
	case limit == 0:
		limit = maxOverdue
	case limit < 0 || limit > maxOverdue:
		return nil, invalid("limit", "limit must be between 1 and 500", "limit phải từ 1 đến 500.")
	}
	qs, err := feedback.OverdueAt(ctx, s.store.Pool(), s.now(), limit)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListOverdueQuestionsResponse{}
	for _, q := range qs {
		out.Questions = append(out.Questions, &pb.OverdueQuestion{Id: q.ID, TenantId: q.Tenant, Topic: q.Topic, Status: q.Status,
			SubmittedAt: timestamppb.New(q.SubmittedAt), DueOn: q.DueOn.Format(time.DateOnly)})
	}
	return out, nil
}

// ListCategoryCodes is the hub's category code list.
func (s *Server) ListCategoryCodes(ctx context.Context, _ *pb.ListCategoryCodesRequest) (*pb.ListCategoryCodesResponse, error) {
	cs, err := s.read.Categories(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListCategoryCodesResponse{}
	for _, c := range cs {
		out.Categories = append(out.Categories, c.Proto())
	}
	return out, nil
}
