package opsapi

import (
	"context"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

func dateOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// tenantPB is a tenant as the API shows it.
func tenantPB(t hubstore.Tenant) *pb.Tenant {
	r := t.Registry
	return &pb.Tenant{
		Id: t.ID, Kind: t.Kind, NameVi: t.NameVI, NameEn: t.NameEN, NameRu: t.NameRU, HomeUrl: t.HomeURL,
		Status: t.Status, CreatedAt: timestamppb.New(t.Created), ParentId: r.ParentID, Hosts: r.Hosts,
		AddressVi: r.AddressVI, AddressEn: r.AddressEN, AddressRu: r.AddressRU, Phone: r.Phone, Fax: r.Fax,
		Email: r.Email, Responsible: r.Responsible, Licence: r.Licence,
		EstablishedOn: dateOf(r.EstablishedOn), DissolvedOn: dateOf(r.DissolvedOn),
	}
}

// setters apply one field of a pb.Tenant to a hubstore.Tenant: the paths
// UpdateTenant's mask may name, and all that AddTenant reads.
var setters = map[string]func(dst *hubstore.Tenant, src *pb.Tenant) error{
	"kind":        func(d *hubstore.Tenant, s *pb.Tenant) error { d.Kind = s.GetKind(); return nil },
	"name_vi":     func(d *hubstore.Tenant, s *pb.Tenant) error { d.NameVI = s.GetNameVi(); return nil },
	"name_en":     func(d *hubstore.Tenant, s *pb.Tenant) error { d.NameEN = s.GetNameEn(); return nil },
	"name_ru":     func(d *hubstore.Tenant, s *pb.Tenant) error { d.NameRU = s.GetNameRu(); return nil },
	"home_url":    func(d *hubstore.Tenant, s *pb.Tenant) error { d.HomeURL = s.GetHomeUrl(); return nil },
	"parent_id":   func(d *hubstore.Tenant, s *pb.Tenant) error { d.ParentID = s.GetParentId(); return nil },
	"hosts":       func(d *hubstore.Tenant, s *pb.Tenant) error { d.Hosts = s.GetHosts(); return nil },
	"address_vi":  func(d *hubstore.Tenant, s *pb.Tenant) error { d.AddressVI = s.GetAddressVi(); return nil },
	"address_en":  func(d *hubstore.Tenant, s *pb.Tenant) error { d.AddressEN = s.GetAddressEn(); return nil },
	"address_ru":  func(d *hubstore.Tenant, s *pb.Tenant) error { d.AddressRU = s.GetAddressRu(); return nil },
	"phone":       func(d *hubstore.Tenant, s *pb.Tenant) error { d.Phone = s.GetPhone(); return nil },
	"fax":         func(d *hubstore.Tenant, s *pb.Tenant) error { d.Fax = s.GetFax(); return nil },
	"email":       func(d *hubstore.Tenant, s *pb.Tenant) error { d.Email = s.GetEmail(); return nil },
	"responsible": func(d *hubstore.Tenant, s *pb.Tenant) error { d.Responsible = s.GetResponsible(); return nil },
	"licence":     func(d *hubstore.Tenant, s *pb.Tenant) error { d.Licence = s.GetLicence(); return nil },
	"established_on": func(d *hubstore.Tenant, s *pb.Tenant) (err error) {
		d.EstablishedOn, err = parseDate("tenant.established_on", s.GetEstablishedOn())
		return err
	},
	"dissolved_on": func(d *hubstore.Tenant, s *pb.Tenant) (err error) {
		d.DissolvedOn, err = parseDate("tenant.dissolved_on", s.GetDissolvedOn())
		return err
	},
}

func parseDate(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, invalid(field, field+": want YYYY-MM-DD", field+": ngày dạng YYYY-MM-DD.")
	}
	return &t, nil
}

// ListTenants lists the tenants the request selects, by id: one page, or
// every one with page_size 0 and no page_token (hubctl tenants list),
// through the console's query (hubread.OpsTenants).
func (s *Server) ListTenants(ctx context.Context, req *pb.ListTenantsRequest) (*pb.ListTenantsResponse, error) {
	f := hubread.OpsTenantFilter{Query: req.GetQuery(), Kind: req.GetTenantKind(), Status: req.GetStatus()}
	if f.Kind != "" && !slices.Contains(hubread.TenantKinds, f.Kind) {
		return nil, invalid("tenant_kind", "unknown tenant kind "+f.Kind, "Loại đơn vị không hợp lệ: "+f.Kind+".")
	}
	if f.Status != "" && !slices.Contains(tenantStatuses, f.Status) {
		return nil, invalid("status", "status must be active, suspended or retired", "Trạng thái phải là active, suspended hoặc retired.")
	}
	all := req.GetPageSize() == 0 && req.GetPageToken() == ""
	cur, n, err := pageOf(req.GetPageToken(), req.GetPageSize(), hubread.TenantsKeyFields)
	if err != nil {
		return nil, err
	}
	if all {
		n = maxPage
	}
	out := &pb.ListTenantsResponse{}
	for {
		pg, err := s.read.OpsTenants(ctx, f, cur, n)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		for _, t := range pg.Rows {
			out.Tenants = append(out.Tenants, opsTenantPB(t))
		}
		if !all {
			out.NextPageToken, out.PrevPageToken = nextToken(pg), prevToken(pg)
			return out, nil
		}
		if pg.Next == nil {
			return out, nil
		}
		cur = pg.Next
	}
}

// tenantStatuses are the states ListTenants selects by.
var tenantStatuses = []string{hubstore.StatusActive, hubstore.StatusSuspended, hubstore.StatusRetired}

// opsTenantPB is a tenant as ListTenants answers it: its registry entry,
// item count and latest counted update.
func opsTenantPB(o hubread.OpsTenant) *pb.Tenant {
	t := o.Tenant
	return &pb.Tenant{
		Id: t.ID, Kind: t.Kind, NameVi: t.NameVI, NameEn: t.NameEN, NameRu: t.NameRU, HomeUrl: t.HomeURL,
		Status: t.Status, CreatedAt: timestamppb.New(t.CreatedAt), ParentId: t.ParentID, Hosts: t.Hosts,
		AddressVi: t.AddressVI, AddressEn: t.AddressEN, AddressRu: t.AddressRU, Phone: t.Phone, Fax: t.Fax,
		Email: t.Email, Responsible: t.Responsible, Licence: t.Licence,
		EstablishedOn: dateOf(t.EstablishedOn), DissolvedOn: dateOf(t.DissolvedOn),
		Items: int64(o.Items), LastUpdate: ts(o.LastUpdate),
	}
}

// GetTenant returns one tenant.
func (s *Server) GetTenant(ctx context.Context, req *pb.GetTenantRequest) (*pb.GetTenantResponse, error) {
	t, err := s.tenant(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return &pb.GetTenantResponse{Tenant: t}, nil
}

func (s *Server) tenant(ctx context.Context, id string) (*pb.Tenant, error) {
	if id == "" {
		return nil, invalid("id", "id is required", "Thiếu mã đơn vị (id).")
	}
	t, err := s.store.Tenant(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	out := tenantPB(t)
	if t.Status == hubstore.StatusRetired {
		r, err := s.store.TenantRetirement(ctx, id)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		out.Successor, out.RetiredPages = r.Successor, r.Pages
	}
	return out, nil
}

// AddTenant registers a tenant.
func (s *Server) AddTenant(ctx context.Context, req *pb.AddTenantRequest) (*pb.AddTenantResponse, error) {
	in := req.GetTenant()
	if in.GetId() == "" || in.GetKind() == "" || in.GetNameVi() == "" {
		return nil, invalid("tenant", "tenant.id, tenant.kind and tenant.name_vi are required",
			"Cần mã đơn vị (id), loại (kind) và tên tiếng Việt (name_vi).")
	}
	t := hubstore.Tenant{ID: in.GetId()}
	for _, set := range setters {
		if err := set(&t, in); err != nil {
			return nil, err
		}
	}
	if err := s.store.AddTenant(ctx, caller(ctx).Account.Actor(), t); err != nil {
		return nil, s.fail(ctx, err)
	}
	out, err := s.tenant(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &pb.AddTenantResponse{Tenant: out}, nil
}

// UpdateTenant changes the fields the mask names.
func (s *Server) UpdateTenant(ctx context.Context, req *pb.UpdateTenantRequest) (*pb.UpdateTenantResponse, error) {
	in := req.GetTenant()
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		return nil, invalid("update_mask", "update_mask names no field to change", "update_mask không nêu trường nào cần đổi.")
	}
	for _, p := range paths {
		if setters[p] == nil {
			return nil, invalid("update_mask", "update_mask: "+p+" cannot change (id, status and created_at never do through UpdateTenant)",
				"update_mask: không đổi được trường "+p+".")
		}
	}
	t, err := s.store.Tenant(ctx, in.GetId())
	if err != nil {
		return nil, s.fail(ctx, err)
	}
	for _, p := range paths {
		if err := setters[p](&t, in); err != nil {
			return nil, err
		}
	}
	if err := s.store.UpdateTenant(ctx, caller(ctx).Account.Actor(), t); err != nil {
		return nil, s.fail(ctx, err)
	}
	out, err := s.tenant(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &pb.UpdateTenantResponse{Tenant: out}, nil
}

// SuspendTenant suspends a tenant.
func (s *Server) SuspendTenant(ctx context.Context, req *pb.SuspendTenantRequest) (*pb.SuspendTenantResponse, error) {
	t, err := s.setStatus(ctx, req.GetId(), hubstore.StatusSuspended)
	if err != nil {
		return nil, err
	}
	return &pb.SuspendTenantResponse{Tenant: t}, nil
}

// ResumeTenant makes a suspended tenant active.
func (s *Server) ResumeTenant(ctx context.Context, req *pb.ResumeTenantRequest) (*pb.ResumeTenantResponse, error) {
	t, err := s.setStatus(ctx, req.GetId(), hubstore.StatusActive)
	if err != nil {
		return nil, err
	}
	return &pb.ResumeTenantResponse{Tenant: t}, nil
}

// setStatus suspends or resumes; the store refuses a retired tenant.
func (s *Server) setStatus(ctx context.Context, id, status string) (*pb.Tenant, error) {
	if id == "" {
		return nil, invalid("id", "id is required", "Thiếu mã đơn vị (id).")
	}
	if err := s.store.SetTenantStatus(ctx, caller(ctx).Account.Actor(), id, status); err != nil {
		return nil, s.fail(ctx, err)
	}
	return s.tenant(ctx, id)
}
