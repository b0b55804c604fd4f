package portal

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// Maintenance windows (Article 12.2): every page of the portal and of every
// sub-portal's site shows a banner from a window's announcement until it
// ends (frame.go puts it in the frame, error pages too). The windows come
// with the registry (a query per refresh, none per page). Pages change
// exactly when a window is announced, opens or closes: withNotices sets
// every HTML page's ExpiresAt to the next of those moments, so the cache
// renders it again then. A window scheduled or cancelled reaches the pages
// with the next registry refresh (GATEWAY_TENANT_REFRESH), which marks
// every page out of date (the siteNotices tag) when the windows differ.

// siteNotices is the tag of every HTML page: what every page shows of the
// hub's maintenance windows.
const siteNotices pagecache.Tag = "site-notices"

// maintenanceBanner is one window's banner.
type maintenanceBanner struct {
	Ongoing          bool // the window is open (else announced)
	Start, End       string
	StartISO, EndISO string
	Message          string
}

// maintenanceBanners are the banners of windows at now, for a page in lang.
func maintenanceBanners(l *i18n.Localizer, lang string, ws []hubread.Maintenance, now time.Time) []maintenanceBanner {
	var out []maintenanceBanner
	for _, w := range ws {
		if now.Before(w.AnnounceFrom) || !now.Before(w.EndsAt) {
			continue
		}
		out = append(out, maintenanceBanner{Ongoing: !now.Before(w.StartsAt),
			Start: formatDateTime(l, w.StartsAt), End: formatDateTime(l, w.EndsAt),
			StartISO: w.StartsAt.In(hcmc).Format(time.RFC3339), EndISO: w.EndsAt.In(hcmc).Format(time.RFC3339),
			Message: w.Message(lang)})
	}
	return out
}

// nextNoticeChange is the first moment after now at which a window's banner
// appears, changes or goes (zero: none ahead).
func nextNoticeChange(ws []hubread.Maintenance, now time.Time) time.Time {
	var next time.Time
	for _, w := range ws {
		for _, t := range []time.Time{w.AnnounceFrom, w.StartsAt, w.EndsAt} {
			if t.After(now) {
				next = pagecache.Earliest(next, t)
			}
		}
	}
	return next
}

// withNotices makes the pages render renders carry the siteNotices tag and
// expire at the next change of the banners (HTML pages only: feeds, files
// and sitemaps show no banner).
func (s *Server) withNotices(render func(ctx context.Context) (*pagecache.Render, error)) func(ctx context.Context) (*pagecache.Render, error) {
	return func(ctx context.Context) (*pagecache.Render, error) {
		r, err := render(ctx)
		if err != nil || r == nil || r.Page == nil || !isHTML(r.Page) {
			return r, err
		}
		r.Tags = append(r.Tags[:len(r.Tags):len(r.Tags)], siteNotices)
		if reg := s.currentRegistry(); reg != nil {
			r.ExpiresAt = pagecache.Earliest(r.ExpiresAt, nextNoticeChange(reg.windows, s.now()))
		}
		return r, nil
	}
}

// isHTML reports whether p is an HTML page.
func isHTML(p *pagecache.Page) bool {
	ct := p.Header["Content-Type"]
	return len(ct) > 0 && strings.HasPrefix(ct[0], "text/html")
}

// sameWindows reports whether two registries show the same windows.
func sameWindows(a, b []hubread.Maintenance) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.AnnounceFrom.Equal(y.AnnounceFrom) || !x.StartsAt.Equal(y.StartsAt) || !x.EndsAt.Equal(y.EndsAt) ||
			x.MessageVI != y.MessageVI || x.MessageEN != y.MessageEN || x.MessageRU != y.MessageRU {
			return false
		}
	}
	return true
}

// The state monitoring agent (Circular 22/2023 of the Ministry of
// Information and Communications asks state portals to connect to the
// national monitoring system): a script the portal loads on every page
// when Config.MonitoringScript names it, off by default. The CSP allows
// its origin (scripts and connections) only then.

// monitoringOrigin checks the script's address (https, a host, no
// credentials) and returns its origin.
func monitoringOrigin(script string) (string, bool) {
	u, err := url.Parse(script)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" ||
		strings.ContainsAny(u.Host, " ;'\"") {
		return "", false
	}
	return "https://" + strings.ToLower(u.Host), true
}

// csp is the portal's Content-Security-Policy: contentSecurityPolicy, with
// the monitoring agent's origin allowed when one is configured.
func csp(monitoring string) string {
	if monitoring == "" {
		return contentSecurityPolicy
	}
	return strings.Replace(contentSecurityPolicy, "script-src 'self';", "script-src 'self' "+monitoring+"; connect-src 'self' "+monitoring+";", 1)
}
