package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The highlights section: the highlighted news, newest first (the generic
// list), and the advertising slot of Article 13: off unless the hub's
// operators turn it on (portal_settings, hubctl adverts enable), then the
// advertisements of the advertisements table in their period, each
// labelled as advertising, in an aside apart from the news. The
// advertisements come with the registry (no query per page); a page
// showing the slot expires when one of them starts or ends.

// highlightsView is the highlights section's page.
type highlightsView struct {
	sectionView
	Adverts []advertView
}

// advertView is an advertisement: its text, where it leads, who pays, and
// its image, if any.
type advertView struct {
	Label, URL, Advertiser, ImageURL string
}

func (s *Server) highlightsSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	list, problem, err := s.sectionList(ctx, sec)
	if err != nil {
		return nil, err
	}
	v := highlightsView{sectionView: list}
	var expires time.Time
	v.Adverts, expires = s.adverts()
	r, err := s.sectionPageRender("highlights", v, sec, problem)
	if err != nil {
		return nil, err
	}
	r.ExpiresAt = pagecache.Earliest(r.ExpiresAt, expires)
	return r, nil
}

// adverts are the advertisements a page's slot shows now (none while the
// slot is off), and when the page showing them must be rendered again: the
// next start or end of one (zero: never for them). A page with the slot
// (the "adverts" partial, _adverts.html) sets its render's ExpiresAt to
// it (pagecache.Earliest with its own).
func (s *Server) adverts() ([]advertView, time.Time) {
	reg := s.currentRegistry()
	if reg == nil {
		return nil, time.Time{}
	}
	now := s.now()
	var out []advertView
	var expires time.Time
	for _, a := range reg.adverts {
		if !now.Before(a.EndsAt) {
			continue // ended since the registry was read
		}
		if a.StartsAt.After(now) {
			expires = pagecache.Earliest(expires, a.StartsAt)
			continue
		}
		expires = pagecache.Earliest(expires, a.EndsAt)
		if len(out) < maxAdverts {
			out = append(out, advertView{Label: a.Label, URL: a.URL, Advertiser: a.Advertiser, ImageURL: a.ImageURL})
		}
	}
	return out, expires
}

// maxAdverts is how many advertisements a slot shows at once.
const maxAdverts = 3
