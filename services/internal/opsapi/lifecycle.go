package opsapi

import (
	"context"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The 2025 reform's lifecycle calls (lifecycle.proto): rename, merge,
// retire, and the redirect map of the old portals. The store records each
// in the audit log under the caller.

// RenameTenant gives a tenant a new id.
func (s *Server) RenameTenant(ctx context.Context, req *pb.RenameTenantRequest) (*pb.RenameTenantResponse, error) {
	if req.GetId() == "" || req.GetNewId() == "" {
		return nil, invalid("new_id", "id and new_id are required", "Cần mã đơn vị hiện tại (id) và mã mới (new_id).")
	}
	if err := s.store.RenameTenant(ctx, caller(ctx).Account.Actor(), req.GetId(), req.GetNewId()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.RenameTenantResponse{Id: req.GetNewId(), OldId: req.GetId()}, nil
}

// MergeTenant merges a unit into another.
func (s *Server) MergeTenant(ctx context.Context, req *pb.MergeTenantRequest) (*pb.MergeTenantResponse, error) {
	if req.GetId() == "" || req.GetInto() == "" {
		return nil, invalid("into", "id and into are required", "Cần mã đơn vị bị sáp nhập (id) và đơn vị tiếp nhận (into).")
	}
	day, err := parseDate("dissolved_on", req.GetDissolvedOn())
	if err != nil {
		return nil, err
	}
	rep, err := s.store.MergeTenant(ctx, caller(ctx).Account.Actor(), req.GetId(), req.GetInto(), day)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.MergeTenantResponse{Id: rep.From, Into: rep.Into, Moved: int32(rep.Moved), Questions: int32(rep.Others["questions"])}
	for _, m := range rep.Renamed {
		mi := &pb.MovedItem{FromContentId: m.FromContentID, ContentId: m.ContentID}
		for _, sc := range m.Slugs {
			mi.Slugs = append(mi.Slugs, &pb.SlugChange{Locale: sc.Locale, FromSlug: sc.From, Slug: sc.To})
		}
		out.Renamed = append(out.Renamed, mi)
	}
	return out, nil
}

// RetireTenant retires a unit that is not merged.
func (s *Server) RetireTenant(ctx context.Context, req *pb.RetireTenantRequest) (*pb.RetireTenantResponse, error) {
	if req.GetId() == "" {
		return nil, invalid("id", "id is required", "Thiếu mã đơn vị (id).")
	}
	day, err := parseDate("dissolved_on", req.GetDissolvedOn())
	if err != nil {
		return nil, err
	}
	r, err := s.store.RetireTenant(ctx, caller(ctx).Account.Actor(), req.GetId(), req.GetSuccessor(), req.GetPages(), day)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.RetireTenantResponse{Id: req.GetId(), Successor: r.Successor, Pages: r.Pages,
		DissolvedOn: r.DissolvedOn.Format(time.DateOnly)}, nil
}

// ImportRedirects imports a redirect map (CSV).
func (s *Server) ImportRedirects(ctx context.Context, req *pb.ImportRedirectsRequest) (*pb.ImportRedirectsResponse, error) {
	rs, err := hubstore.ParseRedirects(req.GetCsv())
	if err != nil {
		return nil, invalid("csv", err.Error(), "Tệp CSV không hợp lệ: "+err.Error())
	}
	hosts, err := s.store.ImportRedirects(ctx, caller(ctx).Account.Actor(), rs, req.GetReplace())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.ImportRedirectsResponse{Imported: int32(len(rs)), Hosts: hosts}, nil
}
