package console

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The tenant registry's forms (issue 10 point 3): an administrator adds a
// tenant; an operator edits its kind, names, host names, parent and
// contacts. Both go through hubstore.AddTenant and UpdateTenant, as the
// OpsService's AddTenant and UpdateTenant do, which check the values and
// write the audit entry and the tenant event. Renaming (a new id),
// merging and retiring are the lifecycle's, not these forms'.

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

// apply sets the form's values on t (its id aside).
func (f tenantForm) apply(t *hubstore.Tenant) {
	t.Kind, t.NameVI, t.NameEN, t.NameRU = f.Kind, f.NameVI, f.NameEN, f.NameRU
	r := &t.Registry
	r.Hosts, r.ParentID = hostsOf(f.Hosts), f.Parent
	r.AddressVI, r.AddressEN, r.AddressRU = f.AddressVI, f.AddressEN, f.AddressRU
	r.Phone, r.Fax, r.Email, r.Responsible, r.Licence = f.Phone, f.Fax, f.Email, f.Responsible, f.Licence
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

// refusedTenant renders the form again with what the store refused (a
// taken id, a value it does not take); any other error is returned.
func (s *Server) refusedTenant(c *gin.Context, d tenantFormData, err error) error {
	switch {
	case errors.Is(err, hubstore.ErrConflict):
		d.Error = "tenantform.taken"
	case errors.Is(err, hubstore.ErrInvalidArgument):
		d.Error, d.Detail = "tenantform.invalid", err.Error()
	default:
		return err
	}
	return s.showTenantForm(c, http.StatusBadRequest, d)
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
	t := hubstore.Tenant{ID: f.ID}
	f.apply(&t)
	if err := s.cfg.Store.AddTenant(c.Request.Context(), actor(c), t); err != nil {
		return s.refusedTenant(c, d, err)
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", t.ID).Msg("console: tenant added")
	c.Redirect(http.StatusSeeOther, tenantPath(t.ID)+"?done=tenant_added")
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
	t, err := s.cfg.Store.Tenant(ctx, id)
	if err != nil {
		return err
	}
	f.apply(&t)
	if err := s.cfg.Store.UpdateTenant(ctx, actor(c), t); err != nil {
		return s.refusedTenant(c, d, err)
	}
	s.cfg.Log.Info().Str("account", current(c).Account.Login).Str("tenant", id).Msg("console: tenant updated")
	c.Redirect(http.StatusSeeOther, tenantPath(id)+"?done=tenant_updated")
	return nil
}
