package portal

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/gateway/internal/api"
	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
)

// The 2025 reform's tenant lifecycle (issue 10 point 3; docs/ARCHITECTURE.md
// "Tenant lifecycle"): every old URL of a renamed or merged unit answers 301
// to where its page is now (pages, feeds, files, the API, its old host
// names), a retired unit's pages carry a banner or answer 410, and the old
// portals' URLs of the redirect map land on an item, a section or a home.
//
// How: lifecycleRoute answers the redirect map's hosts before routing (the
// portal serves no page there); the lifecycle middleware runs after
// hostRoute, so that a path on a unit's own host reads as its provincial
// form (/{lang}/{tenant}/...), and answers the old ids from the registry's
// snapshot (tenant_aliases, retired tenants), asking the store only for a
// merged unit's moved items. Answers are 301 to absolute URLs (a unit's
// pages may now live on another host), never cached.

// Retired pages (tenants.retired_pages).
const (
	retiredGone     = "gone"
	retiredRedirect = "redirect"
)

// lifecycleRoute answers a request on a host of the redirect map, before
// routing: 301 to where its old URL lands, else (no row, and the host is
// no unit's own) to the home of the host's root row or the portal's. It
// reports whether it answered.
func (s *Server) lifecycleRoute(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	reg := s.currentRegistry()
	if reg == nil || len(reg.mapHosts) == 0 {
		return false
	}
	name, _, _ := splitHost(r.Host)
	if !reg.mapHosts[name] {
		return false
	}
	_, tenantHost := reg.hosts[name]
	paths := []string{r.URL.EscapedPath()}
	if r.URL.RawQuery != "" {
		paths = []string{r.URL.EscapedPath() + "?" + r.URL.RawQuery, r.URL.EscapedPath()}
	}
	if !tenantHost {
		paths = append(paths, "/")
	}
	p, err := s.cfg.Store.RedirectTarget(r.Context(), name, paths)
	switch {
	case err == nil:
		if to, ok := s.placeURL(r.Context(), r, reg, p); ok {
			movedTo(w, to)
			return true
		}
	case !errors.Is(err, hubread.ErrNotFound):
		s.cfg.Log.Warn().Err(err).Str("host", name).Msg("redirect map look-up failed")
	}
	if tenantHost {
		return false // the retired unit's host: its old pages' rules apply
	}
	movedTo(w, s.provincialOrigin(r)+"/"+i18n.Default+"/")
	return true
}

// movedTo answers 301 to an absolute URL.
func movedTo(w http.ResponseWriter, to string) {
	w.Header().Set("Location", to)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusMovedPermanently)
}

// placeURL is the absolute URL of a place: an item (followed when a merge
// moved it), a section or a tenant's home.
func (s *Server) placeURL(ctx context.Context, r *http.Request, reg *registry, p hubread.Place) (string, bool) {
	tenant := p.Tenant
	if id, ok := reg.aliases[tenant]; ok {
		tenant = id
	}
	t, ok := reg.tenants[tenant]
	if !ok {
		return "", false
	}
	if t.RetiredPages == retiredRedirect && p.ContentID == "" && t.Successor != "" {
		tenant = t.Successor
	}
	switch {
	case p.ContentID != "":
		it, err := s.cfg.Store.ItemByID(ctx, tenant, p.ContentID)
		if errors.Is(err, hubread.ErrNotFound) {
			if moved, merr := s.cfg.Store.Moved(ctx, tenant, p.ContentID); merr == nil {
				it, err = s.cfg.Store.ItemByID(ctx, moved.Tenant, moved.ContentID)
			}
		}
		if err != nil {
			return s.tenantPageURL(r, reg, tenant, p.Locale, ""), true
		}
		return s.tenantPageURL(r, reg, it.Tenant, p.Locale, it.Slug(p.Locale)), true
	case p.Category != "":
		for _, c := range reg.cats {
			if c.Code == p.Category {
				return s.tenantPageURL(r, reg, tenant, p.Locale, c.Slug(p.Locale)+"/"), true
			}
		}
	}
	return s.tenantPageURL(r, reg, tenant, p.Locale, ""), true
}

// tenantPageURL is the absolute URL of rest under tenant's pages in lang:
// on its own primary host when it has one, else on the provincial host.
func (s *Server) tenantPageURL(r *http.Request, reg *registry, tenant, lang, rest string) string {
	if t, ok := reg.tenants[tenant]; ok && t.PrimaryHost() != "" {
		_, port, _ := splitHost(r.Host)
		return s.siteOrigin(r, t.PrimaryHost(), port) + "/" + lang + "/" + escapeRest(rest)
	}
	return s.provincialOrigin(r) + "/" + lang + "/" + tenant + "/" + escapeRest(rest)
}

// escapeRest escapes a path's rest for a Location header.
func escapeRest(rest string) string {
	if rest == "" {
		return ""
	}
	esc, ok := localPath("/" + rest)
	if !ok {
		return ""
	}
	return esc[1:]
}

// lifecycle is the middleware of the site's routes that answers the old
// URLs of renamed, merged and retired units (see the top of this file).
func (s *Server) lifecycle(c *gin.Context) {
	r := c.Request
	reg := s.currentRegistry()
	if reg == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !reg.changedUnits {
		c.Next()
		return
	}
	if done := s.oldUnitURL(c, reg); done {
		c.Abort()
		return
	}
	c.Next()
}

// oldUnitURL answers the request when its path names a renamed, merged or
// gone unit, and reports whether it did.
func (s *Server) oldUnitURL(c *gin.Context, reg *registry) bool {
	r := c.Request
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(segs) == 2 && i18n.Supported(segs[0]) && segs[1] == "search":
		return s.oldTenantParam(c, reg, s.provincialOrigin(r)+r.URL.Path)
	case len(segs) >= 2 && i18n.Supported(segs[0]):
		return s.oldPage(c, reg, segs[0], segs[1], strings.Join(segs[2:], "/"))
	case len(segs) == 4 && segs[0] == "files":
		return s.oldFile(c, reg, segs[1], segs[2], segs[3])
	case strings.HasPrefix(r.URL.Path, api.Prefix+"/"):
		return s.oldAPI(c, reg, strings.Split(strings.TrimPrefix(r.URL.Path, api.Prefix+"/"), "/"))
	}
	return false
}

// unitState says what an id in a path is: a renamed unit's old id (to: its
// current id), a merged unit (to: its successor), a unit gone (410), or
// none of these.
type unitState int

const (
	unitCurrent unitState = iota
	unitRenamed
	unitMerged
	unitGone
)

func (reg *registry) unitState(id string) (unitState, string) {
	if to, ok := reg.aliases[id]; ok {
		return unitRenamed, to
	}
	t, ok := reg.tenants[id]
	switch {
	case !ok:
		return unitCurrent, ""
	case t.RetiredPages == retiredRedirect && t.Successor != "":
		return unitMerged, t.Successor
	case t.RetiredPages == retiredGone:
		return unitGone, t.Successor
	}
	return unitCurrent, ""
}

func (s *Server) oldPage(c *gin.Context, reg *registry, lang, id, rest string) bool {
	state, to := reg.unitState(id)
	r := c.Request
	switch state {
	case unitRenamed:
		s.moved(c, s.tenantPageURL(r, reg, to, lang, rest))
	case unitGone:
		s.unitGone(c, reg, id, lang)
	case unitMerged:
		if rest == "" || strings.HasSuffix(rest, "/") || strings.Contains(rest, "/") || feedFormats[rest].file != "" {
			// Its home, a section or a feed: the successor's.
			s.moved(c, s.tenantPageURL(r, reg, to, lang, rest))
			return true
		}
		// An item's page, by the slug it had in this language.
		p, err := s.cfg.Store.MovedSlug(r.Context(), id, lang, rest)
		if err == nil {
			p.Locale = lang
			if u, ok := s.placeURL(r.Context(), r, reg, p); ok {
				s.moved(c, u)
				return true
			}
		} else if !errors.Is(err, hubread.ErrNotFound) {
			s.cfg.Log.Warn().Err(err).Str("tenant", id).Msg("moved slug look-up failed")
		}
		s.moved(c, s.tenantPageURL(r, reg, to, lang, ""))
	default:
		return false
	}
	return true
}

func (s *Server) oldFile(c *gin.Context, reg *registry, id, contentID, sha string) bool {
	state, to := reg.unitState(id)
	switch state {
	case unitRenamed:
		s.moved(c, s.provincialOrigin(c.Request)+"/files/"+to+"/"+contentID+"/"+sha)
	case unitGone:
		s.unitGone(c, reg, id, i18n.Default)
	case unitMerged:
		p, err := s.cfg.Store.Moved(c.Request.Context(), id, contentID)
		if err != nil {
			return false // never moved: the file route's 404
		}
		s.moved(c, s.provincialOrigin(c.Request)+"/files/"+p.Tenant+"/"+p.ContentID+"/"+sha)
	default:
		return false
	}
	return true
}

// oldAPI answers the API's resources named by an old unit: /items/{tenant}/
// {content_id}, /tenants/{tenant} and the lists' tenant parameter.
func (s *Server) oldAPI(c *gin.Context, reg *registry, segs []string) bool {
	r := c.Request
	origin := s.provincialOrigin(r) + api.Prefix
	if s.oldTenantParam(c, reg, origin+"/"+strings.Join(segs, "/")) {
		return true
	}
	switch {
	case len(segs) == 2 && segs[0] == "tenants":
		if state, to := reg.unitState(segs[1]); state == unitRenamed || state == unitMerged {
			s.moved(c, origin+"/tenants/"+to)
			return true
		}
	case len(segs) == 3 && segs[0] == "items":
		state, to := reg.unitState(segs[1])
		switch state {
		case unitRenamed:
			s.moved(c, origin+"/items/"+to+"/"+segs[2])
			return true
		case unitMerged:
			if p, err := s.cfg.Store.Moved(r.Context(), segs[1], segs[2]); err == nil {
				s.moved(c, origin+"/items/"+p.Tenant+"/"+p.ContentID)
				return true
			}
		case unitGone:
			s.api.StatusProblem(c, http.StatusGone)
			return true
		}
	}
	return false
}

// oldTenantParam answers a tenant parameter (the API's lists, the search
// page's filter) naming a renamed or merged unit: 301 to base with the
// query naming its current id or successor.
func (s *Server) oldTenantParam(c *gin.Context, reg *registry, base string) bool {
	q := c.Request.URL.Query()
	if q.Get("tenant") == "" {
		return false
	}
	state, to := reg.unitState(q.Get("tenant"))
	if state != unitRenamed && state != unitMerged {
		return false
	}
	q.Set("tenant", to)
	s.moved(c, base+"?"+q.Encode())
	return true
}

// moved answers 301 to an absolute URL, with the request's query.
func (s *Server) moved(c *gin.Context, to string) {
	if q := c.Request.URL.RawQuery; q != "" && !strings.Contains(to, "?") {
		to += "?" + q
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusMovedPermanently, to)
}

// unitGone answers 410 for a unit whose pages ops chose to end, naming it,
// its years and its successor.
func (s *Server) unitGone(c *gin.Context, reg *registry, id, lang string) {
	l := s.cfg.Catalog.For(lang)
	s.errorPage(c, &pageError{status: http.StatusGone, titleID: "gone.title", textID: "retired.gone",
		reason: retiredText(l, reg, reg.tenants[id], lang)})
}

// retiredText is the banner of a retired unit's pages: its name, its years
// and its successor.
func retiredText(l *i18n.Localizer, reg *registry, t hubread.Tenant, lang string) string {
	text := l.T("retired.text", "Name", t.Name(lang), "Years", unitYears(t))
	if next, ok := reg.tenants[t.Successor]; ok {
		text += " " + l.T("retired.successor", "Name", next.Name(lang))
	}
	return text
}

// unitYears is "2008–2025", "–2025" when its founding is unknown.
func unitYears(t hubread.Tenant) string {
	var from, to string
	if t.EstablishedOn != nil {
		from = strconv.Itoa(t.EstablishedOn.Year())
	}
	if t.DissolvedOn != nil {
		to = strconv.Itoa(t.DissolvedOn.Year())
	}
	if from == "" && to == "" {
		return ""
	}
	return from + "–" + to
}

// retiredBanner is the banner of a retired unit's pages (kept, not gone):
// the text and a link to its successor's home.
type retiredNotice struct {
	Text          string
	SuccessorURL  string
	SuccessorName string
}

// retiredBannerOf is t's banner, nil when t is not retired.
func retiredBannerOf(l *i18n.Localizer, reg *registry, t hubread.Tenant, lang string) *retiredNotice {
	if t.RetiredPages == "" {
		return nil
	}
	b := &retiredNotice{Text: l.T("retired.text", "Name", t.Name(lang), "Years", unitYears(t))}
	if next, ok := reg.tenants[t.Successor]; ok {
		b.SuccessorURL, b.SuccessorName = "/"+lang+"/"+next.ID+"/", next.Name(lang)
	}
	return b
}

// firstPublisher names the unit that first published an item a merge moved
// here, with its years; "" for the others.
func firstPublisher(l *i18n.Localizer, reg *registry, it *hubread.Item, lang string) string {
	if reg == nil || it.FirstTenant == "" || it.FirstTenant == it.Tenant {
		return ""
	}
	t, ok := reg.tenants[it.FirstTenant]
	if !ok {
		return ""
	}
	return l.T("item.first_published", "Name", t.Name(lang), "Years", unitYears(t))
}
