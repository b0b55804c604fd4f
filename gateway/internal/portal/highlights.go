package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// The highlights section: the highlighted news, newest first (the generic
// list), and the advertising slot of Article 13: off unless the hub's
// operators turn it on (Config.Adverts, GATEWAY_ADVERTS), then the
// advertisements of the advertisements table in their period, each
// labelled as advertising, in an aside apart from the news.

// advertRecheck bounds how long a page with the slot is kept: an
// advertisement the hub adds (no event announces it) shows within it.
const advertRecheck = time.Hour

// highlightsView is the highlights section's page.
type highlightsView struct {
	sectionView
	Adverts []advertView
}

// advertView is an advertisement: its text, where it leads, who pays.
type advertView struct {
	Label, URL, Advertiser string
}

func (s *Server) highlightsSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	list, problem, err := s.sectionList(ctx, sec)
	if err != nil {
		return nil, err
	}
	v := highlightsView{sectionView: list}
	var expires time.Time
	if s.cfg.Adverts {
		now := s.now()
		ads, err := s.cfg.Store.Adverts(ctx, now)
		if err != nil {
			return nil, err
		}
		expires = now.Add(advertRecheck)
		for _, a := range ads {
			v.Adverts = append(v.Adverts, advertView{Label: a.Label, URL: a.URL, Advertiser: a.Advertiser})
			expires = pagecache.Earliest(expires, a.EndsAt)
		}
	}
	r, err := s.sectionPageRender("highlights", v, sec, problem)
	if err != nil {
		return nil, err
	}
	r.ExpiresAt = expires
	return r, nil
}
