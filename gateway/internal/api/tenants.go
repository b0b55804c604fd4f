package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
)

// Tenants: /tenants lists every sub-portal (of any status) by id;
// /tenants/{id} is one.

// tenantJSON is a tenant's public shape (openapi/tenants.json, Tenant).
type tenantJSON struct {
	ID            string            `json:"id"`
	Kind          string            `json:"kind"`
	Status        string            `json:"status"`
	Names         map[string]string `json:"names"`
	Parent        string            `json:"parent,omitempty"`
	Addresses     map[string]string `json:"addresses,omitempty"`
	Phone         string            `json:"phone,omitempty"`
	Fax           string            `json:"fax,omitempty"`
	Email         string            `json:"email,omitempty"`
	Responsible   string            `json:"responsible,omitempty"`
	Licence       string            `json:"licence,omitempty"`
	EstablishedOn string            `json:"established_on,omitempty"`
	DissolvedOn   string            `json:"dissolved_on,omitempty"`
	Website       string            `json:"website,omitempty"`
	Hosts         []string          `json:"hosts"`
	Self          string            `json:"self"`
	// Home is the address of its home on the portal, per language.
	Home map[string]string `json:"home"`
	// Items lists its items in the API.
	Items string `json:"items"`
}

type tenantsJSON struct {
	Tenants []tenantJSON `json:"tenants"`
	Links   linksJSON    `json:"links"`
}

func registerTenants(s *Server, r gin.IRoutes) {
	s.get(r, "/tenants", s.tenants)
	s.get(r, "/tenants/:tenant", s.oneTenant)
}

func (s *Server) tenants(c *gin.Context) (any, error) {
	p := newParams(c.Request.URL.Query(), "limit", cursorParam)
	limit, cur := p.limit("limit", maxLimit, maxLimit), p.cursor(cursorParam, hubread.TenantsKeyFields)
	if err := p.err(); err != nil {
		return nil, err
	}
	page, err := s.cfg.Store.TenantsPage(c.Request.Context(), cur, limit)
	if err != nil {
		return nil, err
	}
	out := tenantsJSON{Tenants: []tenantJSON{}, Links: s.pageLinks(c, page.Prev, page.Next)}
	for _, t := range page.Rows {
		out.Tenants = append(out.Tenants, s.tenant(c.Request, t))
	}
	return out, nil
}

func (s *Server) oneTenant(c *gin.Context) (any, error) {
	if err := newParams(c.Request.URL.Query()).err(); err != nil {
		return nil, err
	}
	id := c.Param("tenant")
	if !idRE.MatchString(id) {
		return nil, errNotFound
	}
	t, err := s.cfg.Store.Tenant(c.Request.Context(), id)
	if errors.Is(err, hubread.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.tenant(c.Request, t), nil
}

// tenant makes the public shape of a tenant.
func (s *Server) tenant(r *http.Request, t hubread.Tenant) tenantJSON {
	origin := s.cfg.Links.Origin(r)
	out := tenantJSON{ID: t.ID, Kind: t.Kind, Status: t.Status, Names: nonEmpty(hubread.Locales, t.NameVI, t.NameEN, t.NameRU),
		Parent: t.ParentID, Addresses: nonEmpty(hubread.Locales, t.AddressVI, t.AddressEN, t.AddressRU),
		Phone: t.Phone, Fax: t.Fax, Email: t.Email, Responsible: t.Responsible, Licence: t.Licence, Website: t.HomeURL,
		Hosts: t.Hosts, Self: origin + Prefix + "/tenants/" + t.ID, Home: map[string]string{},
		Items: origin + Prefix + "/items?tenant=" + t.ID}
	if out.Hosts == nil {
		out.Hosts = []string{}
	}
	if len(out.Addresses) == 0 {
		out.Addresses = nil
	}
	if t.EstablishedOn != nil {
		out.EstablishedOn = t.EstablishedOn.Format("2006-01-02")
	}
	if t.DissolvedOn != nil {
		out.DissolvedOn = t.DissolvedOn.Format("2006-01-02")
	}
	for _, l := range hubread.Locales {
		out.Home[l] = s.cfg.Links.Page(r, l, t.ID, "")
	}
	return out
}

// nonEmpty maps each locale to its value, leaving out empty ones.
func nonEmpty(locales []string, values ...string) map[string]string {
	m := map[string]string{}
	for i, l := range locales {
		if values[i] != "" {
			m[l] = values[i]
		}
	}
	return m
}
