package console

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// The tenant registry's forms (issue 10 point 3): an administrator adds a
// tenant; an operator edits its kind, names, host names, parent and
// contacts. Both go through the admin API (the OpsService's AddTenant and
// UpdateTenant, in process, as the signed-in account), as hubctl tenants
// add and update do: one role check, the same rules, one audit entry
// under the account and the tenant event. Renaming (a new id), merging
// and retiring are the lifecycle's, not these forms'.

// tenantForm is the form as typed.
type tenantForm struct {
	ID, Kind, NameVI, NameEN, NameRU, Hosts, Parent string
	AddressVI, AddressEN, AddressRU                 string
	Phone, Fax, Email, Responsible, Licence         string
}

type tenantFormData struct {
	New    bool
	Tenant *hubread.Tenant // the tenant edited
	Form   tenantForm
	Kinds  []string
	Error  string // a message id
	Detail string // the store's words about the value refused
}

func formOf(c *gin.Context) tenantForm {
	v := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	return tenantForm{ID: strings.ToLower(v("id")), Kind: v("kind"), NameVI: v("name_vi"), NameEN: v("name_en"), NameRU: v("name_ru"),
		Hosts: v("hosts"), Parent: v("parent"), AddressVI: v("address_vi"), AddressEN: v("address_en"), AddressRU: v("address_ru"),
		Phone: v("phone"), Fax: v("fax"), Email: v("email"), Responsible: v("responsible"), Licence: v("licence")}
}

// hostsOf splits the host names field: one per line or comma-separated,
// lower case, the first primary.
func hostsOf(s string) []string {
	hosts := []string{}
	for _, h := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' }) {
		hosts = append(hosts, h)
	}
	return hosts
}

// formFields are the admin API's Tenant fields the form sets: the
// update mask of an edit (the dates, the home URL and the status stay).
var formFields = []string{"kind", "name_vi", "name_en", "name_ru", "hosts", "parent_id", "address_vi", "address_en", "address_ru",
	"phone", "fax", "email", "responsible", "licence"}

// tenant is the form as the admin API's Tenant.
func (f tenantForm) tenant() *pb.Tenant {
	return &pb.Tenant{Id: f.ID, Kind: f.Kind, NameVi: f.NameVI, NameEn: f.NameEN, NameRu: f.NameRU, Hosts: hostsOf(f.Hosts),
		ParentId: f.Parent, AddressVi: f.AddressVI, AddressEn: f.AddressEN, AddressRu: f.AddressRU, Phone: f.Phone, Fax: f.Fax,
		Email: f.Email, Responsible: f.Responsible, Licence: f.Licence}
}

func (s *Server) showTenantForm(c *gin.Context, status int, d tenantFormData) error {
	d.Kinds = hubread.TenantKinds
	l := s.loc(c)
	title := l.T("tenantform.add_title")
	if !d.New {
		title = l.T("tenantform.edit_title", d.Tenant.Name(l.Lang))
	}
	return s.show(c, status, "tenantform", s.newPage(c, title, "tenants", d))
}

// refusedTenant renders the form again with what the admin API refused
// (a taken id: 409; a value it does not take: 400, with its words in the
// page's language); any other error (a role, a fault) is returned for the
// error page.
func (s *Server) refusedTenant(c *gin.Context, d tenantFormData, err error) error {
	detail, status, ok := s.formRefusal(c, err)
	if !ok {
		return err
	}
	if status == http.StatusConflict {
		d.Error = "tenantform.taken"
	} else {
		d.Error, d.Detail = "tenantform.invalid", detail
	}
	return s.showTenantForm(c, status, d)
}

func (s *Server) addTenantPage(c *gin.Context) error {
	return s.showTenantForm(c, http.StatusOK, tenantFormData{New: true, Form: tenantForm{Kind: "commune"}})
}

// addTenant registers a tenant, active.
func (s *Server) addTenant(c *gin.Context) error {
	f := formOf(c)
	d := tenantFormData{New: true, Form: f}
	if f.ID == "" || f.NameVI == "" || !slices.Contains(hubread.TenantKinds, f.Kind) {
		d.Error = "tenantform.required"
		return s.showTenantForm(c, http.StatusBadRequest, d)
	}
	if _, err := s.ops(c).AddTenant(c.Request.Context(), &pb.AddTenantRequest{Tenant: f.tenant()}); err != nil {
		return s.refusedTenant(c, d, err)
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", f.ID).Msg("console: tenant added")
	c.Redirect(http.StatusSeeOther, tenantPath(f.ID)+"?done=tenant_added")
	return nil
}

func (s *Server) editTenantPage(c *gin.Context) error {
	t, err := s.read.Tenant(c.Request.Context(), c.Param("tenant"))
	if err != nil {
		return err
	}
	f := tenantForm{ID: t.ID, Kind: t.Kind, NameVI: t.NameVI, NameEN: t.NameEN, NameRU: t.NameRU, Hosts: strings.Join(t.Hosts, "\n"),
		Parent: t.ParentID, AddressVI: t.AddressVI, AddressEN: t.AddressEN, AddressRU: t.AddressRU, Phone: t.Phone, Fax: t.Fax,
		Email: t.Email, Responsible: t.Responsible, Licence: t.Licence}
	return s.showTenantForm(c, http.StatusOK, tenantFormData{Tenant: &t, Form: f})
}

// editTenant changes the fields of the form; the dates and the status stay.
func (s *Server) editTenant(c *gin.Context) error {
	ctx := c.Request.Context()
	id := c.Param("tenant")
	cur, err := s.read.Tenant(ctx, id)
	if err != nil {
		return err
	}
	f := formOf(c)
	f.ID = id
	d := tenantFormData{Tenant: &cur, Form: f}
	if f.NameVI == "" || !slices.Contains(hubread.TenantKinds, f.Kind) {
		d.Error = "tenantform.required"
		return s.showTenantForm(c, http.StatusBadRequest, d)
	}
	req := &pb.UpdateTenantRequest{Tenant: f.tenant(), UpdateMask: &fieldmaskpb.FieldMask{Paths: formFields}}
	if _, err := s.ops(c).UpdateTenant(ctx, req); err != nil {
		return s.refusedTenant(c, d, err)
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", id).Msg("console: tenant updated")
	c.Redirect(http.StatusSeeOther, tenantPath(id)+"?done=tenant_updated")
	return nil
}
