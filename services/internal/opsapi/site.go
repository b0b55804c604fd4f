package opsapi

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/featured"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/maintenance"
	"github.com/portalhub/portalhub/services/internal/stats"
)

// The calls about the portal's site as a whole: maintenance windows,
// statistics, the featured items and the advertising slot. They use the
// same store functions as the console; the stores record every change in
// the audit log under the caller's account.

// maxList bounds the lists these calls return.
const maxList = 10000

// limitOf is a request's limit: def for 0, INVALID_ARGUMENT beyond maxList
// or below 0.
func limitOf(n int32, def int) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0 || n > maxList:
		return 0, invalid("limit", "limit must be between 1 and 10000", "limit phải từ 1 đến 10000.")
	}
	return int(n), nil
}

// timeOf is a timestamp of a request: the zero time when unset.
func timeOf(field string, t *timestamppb.Timestamp) (time.Time, error) {
	if t == nil {
		return time.Time{}, nil
	}
	if err := t.CheckValid(); err != nil {
		return time.Time{}, invalid(field, field+" is not a valid time", field+" không phải thời điểm hợp lệ.")
	}
	return t.AsTime(), nil
}

func windowPB(w maintenance.Window, now time.Time) *pb.MaintenanceWindow {
	return &pb.MaintenanceWindow{Id: w.ID, AnnounceFrom: timestamppb.New(w.AnnounceFrom), StartsAt: timestamppb.New(w.StartsAt),
		EndsAt: timestamppb.New(w.EndsAt), MessageVi: w.MessageVI, MessageEn: w.MessageEN, MessageRu: w.MessageRU,
		CreatedBy: w.CreatedBy, CreatedAt: timestamppb.New(w.CreatedAt), CancelledAt: ts(w.CancelledAt), CancelledBy: w.CancelledBy,
		State: string(w.StateAt(now))}
}

// ListMaintenanceWindows lists maintenance windows.
func (s *Server) ListMaintenanceWindows(ctx context.Context, req *pb.ListMaintenanceWindowsRequest) (*pb.ListMaintenanceWindowsResponse, error) {
	limit, err := limitOf(req.GetLimit(), 100)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ws, err := maintenance.New(s.store.Pool()).List(ctx, now, req.GetHistory(), limit)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListMaintenanceWindowsResponse{Windows: make([]*pb.MaintenanceWindow, len(ws))}
	for i, w := range ws {
		out.Windows[i] = windowPB(w, now)
	}
	return out, nil
}

// ScheduleMaintenance schedules a window.
func (s *Server) ScheduleMaintenance(ctx context.Context, req *pb.ScheduleMaintenanceRequest) (*pb.ScheduleMaintenanceResponse, error) {
	w := maintenance.NewWindow{MessageVI: req.GetMessageVi(), MessageEN: req.GetMessageEn(), MessageRU: req.GetMessageRu()}
	for _, f := range []struct {
		name string
		in   *timestamppb.Timestamp
		dst  *time.Time
	}{{"announce_from", req.GetAnnounceFrom(), &w.AnnounceFrom}, {"starts_at", req.GetStartsAt(), &w.StartsAt}, {"ends_at", req.GetEndsAt(), &w.EndsAt}} {
		t, err := timeOf(f.name, f.in)
		if err != nil {
			return nil, err
		}
		*f.dst = t
	}
	now := s.now()
	got, err := maintenance.New(s.store.Pool()).Schedule(ctx, caller(ctx).Account.Actor(), w, now)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.ScheduleMaintenanceResponse{Window: windowPB(got, now)}, nil
}

// CancelMaintenance cancels a window that has not ended.
func (s *Server) CancelMaintenance(ctx context.Context, req *pb.CancelMaintenanceRequest) (*pb.CancelMaintenanceResponse, error) {
	now := s.now()
	got, err := maintenance.New(s.store.Pool()).Cancel(ctx, caller(ctx).Account.Actor(), req.GetId(), now)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.CancelMaintenanceResponse{Window: windowPB(got, now)}, nil
}

// statsRange is a report's period: both days given, or the 7 days up to
// to (today without it).
func statsRange(from, to string, now time.Time) (stats.Range, error) {
	r := stats.LastDays(now, 7)
	if from == "" && to == "" {
		return r, nil
	}
	if to == "" {
		to = r.To.Format(time.DateOnly)
	}
	if from == "" {
		end, err := time.ParseInLocation(time.DateOnly, to, stats.Zone)
		if err != nil {
			return stats.Range{}, invalid("to", "to: a date as YYYY-MM-DD", "to: ngày dạng YYYY-MM-DD.")
		}
		from = end.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	return stats.ParseRange(from, to)
}

// StatsReport is page views, the most viewed pages, or publishing
// activity.
func (s *Server) StatsReport(ctx context.Context, req *pb.StatsReportRequest) (*pb.StatsReportResponse, error) {
	r, err := statsRange(req.GetFrom(), req.GetTo(), s.now())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	who := "*"
	switch {
	case req.GetProvincial() && req.GetTenantId() != "":
		return nil, invalid("provincial", "provincial or tenant_id, not both", "Chọn provincial hoặc tenant_id, không cả hai.")
	case req.GetProvincial():
		who = stats.Provincial
	case req.GetTenantId() != "":
		who = req.GetTenantId()
	}
	st := stats.New(s.store.Pool())
	out := &pb.StatsReportResponse{From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly)}
	switch req.GetBy() {
	case "", "day":
		v, err := st.Views(ctx, r, who)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		for _, x := range v {
			out.Views = append(out.Views, &pb.DayViews{Day: x.Day, TenantId: x.Tenant, Lang: x.Lang, Views: x.Views, BotViews: x.BotViews})
		}
	case "page":
		limit, err := limitOf(req.GetLimit(), 50)
		if err != nil {
			return nil, err
		}
		p, err := st.TopPages(ctx, r, who, limit)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		for _, x := range p {
			out.Pages = append(out.Pages, &pb.PageViews{TenantId: x.Tenant, Lang: x.Lang, Path: x.Path, Views: x.Views, BotViews: x.BotViews})
		}
	case "activity":
		a, err := st.Activity(ctx, r, who)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		for _, x := range a {
			out.Activity = append(out.Activity, &pb.PublishingDay{Day: x.Day, TenantId: x.Tenant, Updates: x.Updates, NewItems: x.NewItems})
		}
	default:
		return nil, invalid("by", "by: day, page or activity", "by: day, page hoặc activity.")
	}
	return out, nil
}

func featuredPB(it featured.Item) *pb.FeaturedItem {
	return &pb.FeaturedItem{TenantId: it.Tenant, ContentId: it.ContentID, Position: int32(it.Position), StartsAt: timestamppb.New(it.StartsAt),
		EndsAt: ts(it.EndsAt), CreatedBy: it.CreatedBy, CreatedAt: timestamppb.New(it.CreatedAt)}
}

// ListFeatured lists the featured items.
func (s *Server) ListFeatured(ctx context.Context, _ *pb.ListFeaturedRequest) (*pb.ListFeaturedResponse, error) {
	items, err := featured.New(s.store.Pool()).Items(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListFeaturedResponse{Items: make([]*pb.FeaturedItem, len(items))}
	for i, it := range items {
		out.Items[i] = featuredPB(it)
	}
	return out, nil
}

// FeatureItem puts an item on the featured list.
func (s *Server) FeatureItem(ctx context.Context, req *pb.FeatureItemRequest) (*pb.FeatureItemResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	starts, err := timeOf("starts_at", req.GetStartsAt())
	if err != nil {
		return nil, err
	}
	ends, err := timeOf("ends_at", req.GetEndsAt())
	if err != nil {
		return nil, err
	}
	it, err := featured.New(s.store.Pool()).Feature(ctx, caller(ctx).Account.Actor(), req.GetTenantId(), req.GetContentId(),
		int(req.GetPosition()), starts, ends, s.now())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.FeatureItemResponse{Item: featuredPB(it)}, nil
}

// UnfeatureItem takes an item off the featured list.
func (s *Server) UnfeatureItem(ctx context.Context, req *pb.UnfeatureItemRequest) (*pb.UnfeatureItemResponse, error) {
	if err := itemNamed(req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, err
	}
	if err := featured.New(s.store.Pool()).Unfeature(ctx, caller(ctx).Account.Actor(), req.GetTenantId(), req.GetContentId()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.UnfeatureItemResponse{}, nil
}

func advertPB(a hubstore.Advert) *pb.Advert {
	return &pb.Advert{Id: a.ID, Advertiser: a.Advertiser, Label: a.Label, Url: a.URL, ImageUrl: a.ImageURL,
		StartsAt: timestamppb.New(a.StartsAt), EndsAt: timestamppb.New(a.EndsAt), CreatedAt: timestamppb.New(a.CreatedAt), CreatedBy: a.CreatedBy}
}

func advertsPB(as []hubstore.Advert) []*pb.Advert {
	out := make([]*pb.Advert, len(as))
	for i, a := range as {
		out[i] = advertPB(a)
	}
	return out
}

// ListAdverts is the advertising slot's state and advertisements.
func (s *Server) ListAdverts(ctx context.Context, req *pb.ListAdvertsRequest) (*pb.ListAdvertsResponse, error) {
	limit, err := limitOf(req.GetLimit(), 100)
	if err != nil {
		return nil, err
	}
	on, err := s.store.AdvertsEnabled(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	current, ended, err := s.store.ListAdverts(ctx, s.now(), limit)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := &pb.ListAdvertsResponse{Enabled: on, Current: advertsPB(current)}
	if req.GetEnded() {
		out.Ended = advertsPB(ended)
	}
	return out, nil
}

// AddAdvert adds an advertisement.
func (s *Server) AddAdvert(ctx context.Context, req *pb.AddAdvertRequest) (*pb.AddAdvertResponse, error) {
	in := req.GetAdvert()
	a := hubstore.Advert{Advertiser: in.GetAdvertiser(), Label: in.GetLabel(), URL: in.GetUrl(), ImageURL: in.GetImageUrl()}
	var err error
	if a.StartsAt, err = timeOf("advert.starts_at", in.GetStartsAt()); err != nil {
		return nil, err
	}
	if a.EndsAt, err = timeOf("advert.ends_at", in.GetEndsAt()); err != nil {
		return nil, err
	}
	got, err := s.store.AddAdvert(ctx, caller(ctx).Account.Actor(), a)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	on, err := s.store.AdvertsEnabled(ctx)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.AddAdvertResponse{Advert: advertPB(got), Enabled: on}, nil
}

// EndAdvert ends an advertisement now.
func (s *Server) EndAdvert(ctx context.Context, req *pb.EndAdvertRequest) (*pb.EndAdvertResponse, error) {
	if err := s.store.EndAdvert(ctx, caller(ctx).Account.Actor(), req.GetId(), s.now()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.EndAdvertResponse{}, nil
}

// SetAdvertsEnabled turns the advertising slot on or off.
func (s *Server) SetAdvertsEnabled(ctx context.Context, req *pb.SetAdvertsEnabledRequest) (*pb.SetAdvertsEnabledResponse, error) {
	if err := s.store.SetAdvertsEnabled(ctx, caller(ctx).Account.Actor(), req.GetEnabled()); err != nil {
		return nil, s.fail(ctx, err)
	}
	return &pb.SetAdvertsEnabledResponse{Enabled: req.GetEnabled()}, nil
}
