package portal

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

func langParam(c *gin.Context) (string, error) {
	lang := c.Param("lang")
	if !i18n.Supported(lang) {
		return "", errNotFound
	}
	return lang, nil
}

// tenantsByID returns the tenants by id and in the hub's order, from the
// registry kept in memory (registry.go): a page costs no query for them
// (issue 7 point 8). Callers must not change them.
func (s *Server) tenantsByID(ctx context.Context) (map[string]hubread.Tenant, []hubread.Tenant, error) {
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, nil, err
	}
	return reg.tenants, reg.ordered, nil
}

// tenant returns one tenant from the registry kept in memory, or from the
// store when the registry does not know it yet (a tenant added since its
// last load).
func (s *Server) tenant(ctx context.Context, id string) (hubread.Tenant, error) {
	if reg, err := s.registry(ctx); err == nil {
		if t, ok := reg.tenants[id]; ok {
			return t, nil
		}
	}
	return s.cfg.Store.Tenant(ctx, id)
}

// item answers /{lang}/{tenant}/{slug}: 301 to the section when slug is
// a category's (in any language), else the item's page (also when
// withdrawn, with a notice), 301 to the current URL for an old or
// other-locale slug, 301 to the successor of a redirected item, 410 for a
// gone item, and 451 with the hub's reason for an item the hub took down.
func (s *Server) item(c *gin.Context) error {
	lang, err := langParam(c)
	if err != nil {
		return err
	}
	tenant, slug, origin := c.Param("tenant"), c.Param("slug"), s.origin(c.Request)
	// A category's slug here is the sub-portal's section without its final
	// slash: 301 to the section, in the request's language.
	cats, err := s.categories(c.Request.Context())
	if err != nil {
		return err
	}
	if cat, _, ok := categoryBySlug(cats, lang, slug); ok {
		s.redirectLocal(c, http.StatusMovedPermanently, "/"+lang+"/"+tenant+"/"+cat.Slug(lang)+"/", c.Request.URL.RawQuery)
		return nil
	}
	return s.cached(c, func(ctx context.Context) (*pagecache.Render, error) {
		look, err := s.cfg.Store.ItemBySlug(ctx, tenant, lang, slug)
		if err != nil {
			return nil, err
		}
		if look.Item == nil {
			return redirect("/" + lang + "/" + tenant + "/" + look.RedirectSlug)
		}
		it := look.Item
		switch {
		case it.TakenDown:
			return nil, &pageError{status: http.StatusUnavailableForLegalReasons, titleID: "takedown.title",
				textID: "takedown.text", reason: it.TakedownReason}
		case it.State == "gone":
			return nil, &pageError{status: http.StatusGone, titleID: "gone.title", textID: "gone.text"}
		case it.State == "redirected":
			to, err := s.successorURL(ctx, lang, it)
			if err != nil {
				return nil, err
			}
			return redirect(to)
		}
		t, err := s.tenant(ctx, tenant)
		if err != nil {
			return nil, err
		}
		cats, err := s.categories(ctx)
		if err != nil {
			return nil, err
		}
		v := s.itemView(origin, lang, t, it, cats)
		more, expires, err := s.kindPage(ctx, &v, lang, it, cats)
		if err != nil {
			return nil, err
		}
		// The page shows the item and its tenant's name: its item's events
		// and its tenant's changes invalidate it, not the tenant's other
		// items' events (unless its kind shows others, see kindPage).
		r, err := s.page("item", v,
			append([]pagecache.Tag{pagecache.ItemTag(tenant, it.ContentID), pagecache.TenantTag(tenant)}, more...))
		if err != nil {
			return nil, err
		}
		r.ExpiresAt = expires
		// X-Content-Version tells clients (and the end-to-end tests) which
		// version of the item the page shows.
		r.Page.Header.Set("X-Content-Version", strconv.FormatUint(it.Version, 10))
		r.Item = &pagecache.ItemVersion{Tenant: tenant, ContentID: it.ContentID, Version: it.Version}
		return r, nil
	})
}

// redirect is a 301 to to, a path of the portal (see localPath) or an
// absolute http(s) address (a successor), kept out of the page cache.
func redirect(to string) (*pagecache.Render, error) {
	if strings.HasPrefix(to, "/") {
		loc, ok := localPath(to)
		if !ok {
			return nil, errNotFound
		}
		to = loc
	}
	return &pagecache.Render{Page: &pagecache.Page{Status: http.StatusMovedPermanently, Header: http.Header{"Location": {to}}},
		NoStore: true}, nil
}

// page renders a 200 page from a template and view.
func (s *Server) page(name string, view any, tags []pagecache.Tag) (*pagecache.Render, error) {
	b, err := s.renderer.Render(name, view)
	if err != nil {
		return nil, err
	}
	// Every page's footer shows the provincial office's registry entry.
	if reg := s.currentRegistry(); reg != nil && reg.province != nil {
		tags = append(tags, pagecache.TenantTag(reg.province.ID))
	}
	return &pagecache.Render{Page: pagecache.NewPage(http.StatusOK, "text/html; charset=utf-8", b), Tags: tags}, nil
}

// successorURL is where a redirected item sends its visitors: its successor
// item (of any tenant) in the same language (a path of the portal, not
// escaped), or an absolute http(s) address.
func (s *Server) successorURL(ctx context.Context, lang string, it *hubread.Item) (string, error) {
	u := it.Doc.GetUnpublishing()
	if ref := u.GetSuccessor(); ref.GetTenant() != "" && ref.GetContentId() != "" {
		next, err := s.cfg.Store.ItemByID(ctx, ref.GetTenant(), ref.GetContentId())
		if errors.Is(err, hubread.ErrNotFound) {
			s.cfg.Log.Warn().Str("tenant", it.Tenant).Str("content_id", it.ContentID).
				Str("successor", ref.GetTenant()+"/"+ref.GetContentId()).Msg("successor not found; answering 410")
			// Where it sent visitors leads nowhere: the item is gone (410
			// with the gone page), never a silent 404.
			return "", &pageError{status: http.StatusGone, titleID: "gone.title", textID: "gone.text", err: err}
		}
		if err != nil {
			return "", fmt.Errorf("successor of %s/%s: %w", it.Tenant, it.ContentID, err)
		}
		return "/" + lang + "/" + next.Tenant + "/" + next.Slug(lang), nil
	}
	if to, err := url.Parse(u.GetSuccessorUrl()); err == nil && (to.Scheme == "https" || to.Scheme == "http") {
		return to.String(), nil
	}
	return "", fmt.Errorf("redirected item %s/%s has no usable successor", it.Tenant, it.ContentID)
}

func (s *Server) itemView(origin, lang string, t hubread.Tenant, it *hubread.Item, cats []hubread.Category) itemView {
	doc := it.Doc
	tr, fallback := it.Translation(lang)
	has := map[string]bool{}
	for _, x := range doc.GetTranslations() {
		has[x.GetLocale()] = true
	}
	pathFor := func(l string) string { return "/" + l + "/" + t.ID + "/" + it.Slug(l) }
	// Alternates: the item's translations only (a Vietnamese fallback under
	// /en/ or /ru/ is no English or Russian version), the same set on every
	// version, fallbacks included.
	v := itemView{base: s.newBase(origin, lang, pathFor, func(l string) bool { return has[l] })}
	if fallback {
		// The page shows the Vietnamese text: the Vietnamese page is canonical.
		v.Canonical = origin + pathFor(i18n.Default)
	}
	l := v.L
	v.Title = tr.GetTitle()
	s.forTenant(&v.base, t)
	v.Heading, v.Summary = tr.GetTitle(), tr.GetSummary()
	// Sanitised by the hub (invariant 5); balanced again here for bodies
	// stored before the hub balanced them, so none can break the page.
	v.Body = template.HTML(contentrules.BalanceHTML(tr.GetBodyHtml()))
	v.ContentLang, v.Fallback = tr.GetLocale(), fallback
	v.Kind = l.T("kind." + doc.GetKind().String())
	for _, c := range cats {
		if c.Code == doc.GetCategory() {
			v.Category = c.Name(lang)
			// The trail and the navigation lead through the item's section.
			section := v.TenantURL + c.Slug(lang) + "/"
			v.Crumbs = []crumb{{Name: v.Category, Href: section}, {Name: tr.GetTitle(), Lang: titleLang(lang, tr.GetLocale())}}
			v.markNav(section)
		}
	}
	v.FirstPublisher = firstPublisher(l, s.currentRegistry(), it, lang)
	if it.State == "withdrawn" {
		v.Withdrawn, v.Reason = true, doc.GetUnpublishing().GetReason()
		v.NoIndex = true
	}
	published := it.PublishedAt
	if ts := doc.GetPublishedAt(); ts.IsValid() {
		published = ts.AsTime()
	}
	v.Published, v.PublishedAt = formatDateTime(l, published), published.In(hcmc).Format("2006-01-02T15:04:05-07:00")
	v.setUpdated(it.UpdatedAt)
	v.Description = tr.GetSummary()
	for _, a := range doc.GetAuthors() {
		v.Authors = append(v.Authors, a.GetName())
	}
	v.Editor, v.Approver = doc.GetEditor().GetName(), doc.GetApprover().GetName()
	for _, a := range doc.GetAttachments() {
		av := attachmentView{Href: "/files/" + t.ID + "/" + it.ContentID + "/" + a.GetSha256(),
			Name: a.GetFilename(), Title: a.GetTitle(), MediaType: a.GetMediaType()}
		if n, ok := it.AttachmentSizes[a.GetSha256()]; ok {
			av.Size = formatSize(lang, n)
		}
		v.Attachments = append(v.Attachments, av)
	}
	s.details(&v, lang, it)
	itemSocial(&v, origin, it, published)
	return v
}

// details fills the kind-specific rows. Their values are the tenant's text,
// in Vietnamese.
func (s *Server) details(v *itemView, lang string, it *hubread.Item) {
	l, doc := v.L, it.Doc
	textLang := ownWordsLang(lang)
	// row shows the tenant's own (Vietnamese) text; loc a localized value.
	row := func(id, value string) {
		if value != "" {
			v.Details = append(v.Details, detailRow{Label: l.T(id), Value: value, Lang: textLang})
		}
	}
	loc := func(id, value string) {
		if value != "" {
			v.Details = append(v.Details, detailRow{Label: l.T(id), Value: value})
		}
	}
	link := func(id, href string) {
		if href != "" {
			v.Details = append(v.Details, detailRow{Label: l.T(id), Value: href, Href: href})
		}
	}
	mail := func(id, addr string) {
		if addr != "" {
			v.Details = append(v.Details, detailRow{Label: l.T(id), Value: addr, Href: "mailto:" + addr})
		}
	}
	switch {
	case doc.GetDirectoryEntry() != nil:
		d := doc.GetDirectoryEntry()
		link("directory.url", d.GetUrl())
		row("directory.agency", d.GetAgency())
		row("contact.address", d.GetAddress())
		loc("contact.phone", d.GetPhone())
		mail("contact.email", d.GetEmail())
	case doc.GetExternalLink() != nil:
		d := doc.GetExternalLink()
		link("link.url", d.GetUrl())
		if d.GetScope() != 0 {
			loc("link.scope", l.T("scope."+d.GetScope().String()))
		}
	}
}
