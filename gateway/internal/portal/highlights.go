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
	if v.Adverts, expires, err = s.adverts(ctx); err != nil {
		return nil, err
	}
	r, err := s.sectionPageRender("highlights", v, sec, problem)
	if err != nil {
		return nil, err
	}
	r.ExpiresAt = expires
	return r, nil
}

// adverts are the advertisements a page's slot shows now (none while the
// slot is off, without asking the store), and when the page showing them
// must be rendered again (zero: never for them). A page with the slot
// (the "adverts" partial, _adverts.html) sets its render's ExpiresAt to
// it (pagecache.Earliest with its own).
func (s *Server) adverts(ctx context.Context) ([]advertView, time.Time, error) {
	if !s.cfg.Adverts {
		return nil, time.Time{}, nil
	}
	now := s.now()
	ads, err := s.cfg.Store.Adverts(ctx, now)
	if err != nil {
		return nil, time.Time{}, err
	}
	expires := now.Add(advertRecheck)
	var out []advertView
	for _, a := range ads {
		out = append(out, advertView{Label: a.Label, URL: a.URL, Advertiser: a.Advertiser})
		expires = pagecache.Earliest(expires, a.EndsAt)
	}
	return out, expires, nil
}
