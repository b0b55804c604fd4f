package portal

import (
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
)

// The frame of every page (_layout.html): the header with the province's
// name (and the sub-portal's on its pages), the navigation of the sections
// of Article 8's kinds, the search box, the language switcher, breadcrumbs,
// and the footer with the managing agency's registry entry (Decree 42): the
// provincial office's on the provincial pages (see provinceTenant), the
// sub-portal's own on its pages (forTenant).

// navLink is one entry of the sections' navigation.
type navLink struct {
	Name, Href string
	Current    bool
}

// crumb is one step of the breadcrumbs; the last is the page itself.
type crumb struct {
	Name, Href string
	Lang       string // "vi" when Name is the Vietnamese fallback
	Current    bool
}

// footerView is the managing agency's registry entry. Lang is "vi" on the
// values that are the tenant's Vietnamese text on another language's page
// (the registry keeps the name and address per language, the rest in
// Vietnamese only).
type footerView struct {
	Owner                  string // the provincial owner line (catalogue), provincial pages only
	Agency, AgencyLang     string
	Address, AddressLang   string
	Responsible, Phone     string
	Fax, Email, Licence    string
	TextLang               string // lang of Responsible and Licence
	ParentName, ParentLang string // a sub-portal's parent unit
}

// frame fills the frame's fields of b for a provincial page; forTenant
// turns them into a sub-portal's.
func (s *Server) frame(b *base) {
	lang := b.Lang
	b.SiteName = b.L.T("site.name")
	b.SearchAction = "/" + lang + "/search"
	b.Favicon, b.Emblem = s.assets.URL("favicon.ico"), s.assets.URL("emblem.svg")
	b.AccessibilityURL = "/" + lang + "/accessibility"
	b.PrivacyURL = "/" + lang + "/privacy"
	b.FeedbackURL = "/" + lang + "/feedback"
	b.PortalsURL = "/" + lang + "/portals/"
	b.MonitoringScript = s.cfg.MonitoringScript
	reg := s.currentRegistry()
	if reg == nil {
		b.Footer.Owner = b.L.T("footer.owner")
		return
	}
	b.Maintenance = maintenanceBanners(b.L, lang, reg.windows, s.now())
	b.Nav = sectionNav(reg.cats, lang, "/"+lang+"/")
	b.Footer = footerOf(b.L, reg.province, lang, reg)
	b.Footer.Owner = b.L.T("footer.owner")
}

// forTenant makes b the frame of a page of sub-portal t: its name in the
// header, its sections in the navigation, the search box scoped to it, its
// registry entry in the footer, a link back to the provincial portal.
func (s *Server) forTenant(b *base, t hubread.Tenant) {
	lang := b.Lang
	b.TenantName, b.TenantURL = t.Name(lang), "/"+lang+"/"+t.ID+"/"
	b.SearchTenant = t.ID
	b.FeedbackURL = "/" + lang + "/feedback?to=" + t.ID
	b.ProvincialURL = b.HomeURL
	reg := s.currentRegistry()
	if reg == nil {
		return
	}
	b.Nav = sectionNav(reg.cats, lang, b.TenantURL)
	b.Footer = footerOf(b.L, &t, lang, reg)
	b.Retired = retiredBannerOf(b.L, reg, t, lang)
}

// sectionNav links every category's section under prefix (the provincial
// home's path or a sub-portal's), in the code list's order.
func sectionNav(cats []hubread.Category, lang, prefix string) []navLink {
	out := make([]navLink, 0, len(cats))
	for _, c := range cats {
		if c.Slug(lang) == "" {
			continue
		}
		out = append(out, navLink{Name: c.Name(lang), Href: prefix + c.Slug(lang) + "/"})
	}
	return out
}

// footerOf is t's registry entry as a footer (empty but for nothing when t
// is nil).
func footerOf(l *i18n.Localizer, t *hubread.Tenant, lang string, reg *registry) footerView {
	if t == nil {
		return footerView{}
	}
	f := footerView{Agency: t.Name(lang), Address: t.Address(lang), Responsible: t.Responsible, Phone: t.Phone,
		Fax: t.Fax, Email: t.Email, Licence: t.Licence}
	if lang != i18n.Default {
		f.TextLang = i18n.Default
		if f.Agency == t.NameVI {
			f.AgencyLang = i18n.Default
		}
		if f.Address != "" && f.Address == t.AddressVI {
			f.AddressLang = i18n.Default
		}
	}
	if p, ok := reg.tenants[t.ParentID]; ok && t.Kind != "province" {
		f.ParentName = p.Name(lang)
		if lang != i18n.Default && f.ParentName == p.NameVI {
			f.ParentLang = i18n.Default
		}
	}
	return f
}

// markNav marks the navigation's entry of path (a section's) as the
// current page.
func (b *base) markNav(path string) {
	for i := range b.Nav {
		b.Nav[i].Current = b.Nav[i].Href == path
	}
}

// titleLang is the lang attribute of a text in locale on a page in lang:
// "" when they agree.
func titleLang(lang, locale string) string {
	if locale == lang {
		return ""
	}
	return locale
}

// setUpdated shows when the page's content last changed.
func (b *base) setUpdated(t time.Time) {
	if t.IsZero() {
		return
	}
	b.Updated, b.UpdatedISO = formatDate(b.L, t), t.In(hcmc).Format(time.RFC3339)
}

// Breadcrumbs are the page's trail: the provincial home, the sub-portal's
// home on its pages, the page's own Crumbs (or its title), the last one
// the page itself (aria-current). On a home page, the home alone.
func (b base) Breadcrumbs() []crumb {
	out := []crumb{{Name: b.L.T("nav.home"), Href: b.HomeURL}}
	if b.TenantURL != "" {
		out = append(out, crumb{Name: b.TenantName, Href: b.TenantURL})
	}
	switch {
	case len(b.Crumbs) > 0:
		out = append(out, b.Crumbs...)
	case b.Title != "" && !(b.TenantURL != "" && b.Title == b.TenantName):
		out = append(out, crumb{Name: b.Title})
	}
	out[len(out)-1].Current = true
	return out
}

// MetaDescription is the page's meta description: its own, else the
// site's.
func (b base) MetaDescription() string {
	if b.Description != "" {
		return b.Description
	}
	return b.L.T("site.description")
}
