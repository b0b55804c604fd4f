package portal

import (
	"context"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/services/hubread"
)

// Projects, investment and procurement (category "procurement", Article
// 8.8): the notices, open ones first (the next to close first), then the
// closed ones, marked, latest closed first. Whether a notice is open is
// decided for the time the page is served (Config.Now); the page expires
// when its next open notice closes.
//
//	type    procurement, investment or project
//	status  open or closed
//	page    a cursor
var noticeParams = []string{"type", "status", pageParam}

var (
	noticeTypes    = []string{"procurement", "investment", "project"}
	noticeStatuses = []string{"open", "closed"}
)

func parseNoticeForm(sec section, now time.Time) (*finderForm, hubread.NoticeQuery) {
	f := newFinderForm(noticeParams, sec.Query)
	q := hubread.NoticeQuery{Now: now}
	if sec.Tenant != nil {
		q.Tenant = sec.Tenant.ID
	}
	q.Type = f.choice("type", func(v string) bool { return contains(noticeTypes, v) })
	q.Status = f.choice("status", func(v string) bool { return contains(noticeStatuses, v) })
	q.Cursor = f.cursor(hubread.NoticeKeyFields)
	return f, q
}

// noticesSection renders the notices of a section.
func (s *Server) noticesSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	now := s.now()
	f, q := parseNoticeForm(sec, now)
	list, err := fetchFinder(f, &q.Cursor, func() (hubread.NoticeList, error) { return s.cfg.Store.Notices(ctx, q) })
	if err != nil {
		return nil, err
	}
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return nil, err
	}
	r, err := s.sectionPageRender("notices", s.noticesView(sec, f, q, list, tenants), sec, f.problem())
	if err != nil {
		return nil, err
	}
	// The list changes by itself when its next open notice closes.
	r.ExpiresAt = list.NextClosing
	return r, nil
}

// noticesView is the notices' page.
type noticesView struct {
	finderView
	Rows []noticeRowView
}

// noticeRowView is one notice of the list.
type noticeRowView struct {
	Href, Title, TitleLang string
	Type, Investor         string
	InvestorLang           string
	Closes, ClosesISO      string
	Closed                 bool
	Status                 string
	TenantName             string
}

func (s *Server) noticesView(sec section, f *finderForm, q hubread.NoticeQuery, list hubread.NoticeList,
	tenants map[string]hubread.Tenant) noticesView {
	lang := sec.Lang
	v := noticesView{finderView: s.newFinderView(sec, f, q.Cursor, list.Prev, list.Next, "notice")}
	l := v.L
	v.selectField("type", facetOptions(list.Types, q.Type, func(fv hubread.FacetValue) (string, string) {
		return l.T("procurement.type." + fv.Value), ""
	}), "")
	v.selectField("status", facetOptions(list.Statuses, q.Status, func(fv hubread.FacetValue) (string, string) {
		return l.T("notice.status." + fv.Value), ""
	}), "")
	v.Total = l.N("notice.total", list.Total, "Total", formatNumber(lang, int64(list.Total)))
	for _, n := range list.Rows {
		text, fallback := n.In(lang)
		row := noticeRowView{Href: itemPath(lang, n.Tenant, text.Slug), Title: text.Title, Investor: n.Investor, Closed: n.Closed}
		if fallback {
			row.TitleLang = i18n.Default
		}
		row.InvestorLang = ownWordsLang(lang)
		if contains(noticeTypes, n.Type) {
			row.Type = l.T("procurement.type." + n.Type)
		}
		if !n.ClosesAt.IsZero() {
			row.Closes, row.ClosesISO = formatDateTime(l, n.ClosesAt), n.ClosesAt.In(hcmc).Format(time.RFC3339)
		}
		row.Status = l.T("notice.status.open")
		if n.Closed {
			row.Status = l.T("notice.status.closed")
		}
		if t, ok := tenants[n.Tenant]; ok && sec.Tenant == nil {
			row.TenantName = t.Name(lang)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Empty, v.TableClass = len(v.Rows) == 0, "notices"
	v.PastEnd = v.Empty && q.Cursor != nil
	return v
}
