package hubread

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Projects, investment and procurement (Article 8.8): the visible
// PROCUREMENT_NOTICE items, open ones first (the nearest deadline first),
// then closed ones (the latest closed first). Whether a notice is open is
// decided for the time the caller gives, when the page is served.

// NoticeQuery selects a page of notices. Empty fields do not filter.
type NoticeQuery struct {
	Tenant string
	// Now decides which notices are open: closes_at after Now, or none.
	Now time.Time
	// Type is "project", "investment" or "procurement"; Status "open" or
	// "closed".
	Type, Status string
	Cursor       *Cursor // ParseCursor(s, NoticeKeyFields)
	Limit        int
}

// NoticeKeyFields is the number of fields of a notice cursor's key.
const NoticeKeyFields = 4

// Notice is a procurement notice as the list shows it.
type Notice struct {
	Tenant, ContentID    string
	Type, Investor       string
	Location             string
	ValueVND             int64
	OpensAt, ClosesAt    time.Time // zero when not given
	Closed               bool
	Texts                map[string]Text
	closedKey, momentKey string
}

// In returns the text in locale, or the Vietnamese one.
func (n Notice) In(locale string) (Text, bool) { return Listed{Texts: n.Texts}.In(locale) }

// NoticeList is a page of notices with its facets.
type NoticeList struct {
	Page[Notice]
	Types, Statuses []FacetValue
	Total           int
	// NextClosing is when the next open notice of the list (whatever the
	// facets chosen) closes, when the list changes by itself; zero when
	// none will.
	NextClosing time.Time
}

func microsTime(vs []FacetValue) time.Time {
	if len(vs) == 0 {
		return time.Time{}
	}
	us, err := strconv.ParseInt(vs[0].Value, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMicro(us)
}

// noticeDocs is the visible notices passing the base filters; $1 is now.
// sort_closed and sort_moment order them: open (0) before closed (1), the
// open by their deadline (none last), the closed latest first.
const noticeDocs = `WITH notices AS (
	SELECT i.tenant_id, i.content_id, i.doc -> 'procurementNotice' AS n,
	       hub_timestamp(i.doc #>> '{procurementNotice,closesAt}') AS closes_at
	FROM items i
	WHERE i.kind = 'procurement_notice' AND ` + visibleItems + ` AND %s
), docs AS %s (
	SELECT tenant_id, content_id, closes_at,
	       coalesce(n ->> 'noticeType', '') AS notice_type,
	       CASE WHEN closes_at <= $1 THEN 'closed' ELSE 'open' END AS status,
	       CASE WHEN closes_at <= $1 THEN 1 ELSE 0 END AS sort_closed,
	       CASE WHEN closes_at IS NULL THEN 9000000000000000
	            WHEN closes_at <= $1 THEN -(extract(epoch FROM closes_at) * 1000000)::bigint
	            ELSE (extract(epoch FROM closes_at) * 1000000)::bigint END AS sort_moment,
	       coalesce(n ->> 'investor', '') AS investor, coalesce(n ->> 'location', '') AS location,
	       coalesce((n ->> 'valueVnd')::bigint, 0) AS value_vnd,
	       hub_timestamp(n ->> 'opensAt') AS opens_at
	FROM notices
)`

func newNoticeFilter(q NoticeQuery) *finderQuery {
	f := newFinderQuery("notice_type", "status")
	f.arg(q.Now)
	if q.Tenant != "" {
		f.where("i.tenant_id = " + f.arg(q.Tenant))
	}
	if q.Type != "" {
		f.choose("notice_type", q.Type)
	}
	if q.Status != "" {
		f.choose("status", q.Status)
	}
	return f
}

// Notices answers a page of notices with its facets in two queries.
func (s *Store) Notices(ctx context.Context, q NoticeQuery) (NoticeList, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PageSize
	}
	f := newNoticeFilter(q)
	// Beside the counts, when the next of these notices closes (in
	// microseconds since 1970), when the list changes by itself.
	counts, total, err := s.finderCounts(ctx, fmt.Sprintf(noticeDocs, f.baseSQL(), "MATERIALIZED")+`
		SELECT c.facet, c.value, c.n, '', '', '' FROM `+f.countsSQL()+`
		UNION ALL SELECT 'closes', coalesce((extract(epoch FROM min(closes_at)) * 1000000)::bigint::text, ''), 0, '', '', ''
			FROM docs WHERE status = 'open'
		ORDER BY 1, 2`, f.args)
	if err != nil {
		return NoticeList{}, fmt.Errorf("notices: %w", err)
	}
	out := NoticeList{Total: total, NextClosing: microsTime(counts["closes"]), Types: withCounts([]string{"procurement", "investment", "project"}, counts["notice_type"]),
		Statuses: withCounts([]string{"open", "closed"}, counts["status"])}

	f = newNoticeFilter(q)
	if c := q.Cursor; c != nil {
		if len(c.Key) != NoticeKeyFields {
			return NoticeList{}, fmt.Errorf("notices: %w", ErrBadCursor)
		}
		for _, k := range c.Key[:2] {
			if _, err := strconv.ParseInt(k, 10, 64); err != nil {
				return NoticeList{}, fmt.Errorf("notices: %w", ErrBadCursor)
			}
		}
	}
	after, order, outer := f.keyset([]string{"sort_closed", "sort_moment", "tenant_id", "content_id"}, []string{"::int", "::bigint", "", ""}, q.Cursor, false)
	rows, err := s.pool.Query(ctx, fmt.Sprintf(noticeDocs, f.baseSQL(), "")+fmt.Sprintf(`
		SELECT d.tenant_id, d.content_id, d.notice_type, d.investor, d.location, d.value_vnd, d.opens_at, d.closes_at,
		       d.status = 'closed', d.sort_closed::text, d.sort_moment::text, tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM (SELECT * FROM docs WHERE %s AND %s ORDER BY %s LIMIT %s) d %s
		WHERE tr.locales IS NOT NULL
		ORDER BY %s`, f.except(""), after, order, f.arg(limit+1), translationsOf("d"), outer), f.args...)
	if err != nil {
		return NoticeList{}, fmt.Errorf("notices: %w", err)
	}
	ns, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notice, error) {
		var n Notice
		var opens, closes *time.Time
		var locales, slugs, titles, summaries []string
		err := r.Scan(&n.Tenant, &n.ContentID, &n.Type, &n.Investor, &n.Location, &n.ValueVND, &opens, &closes,
			&n.Closed, &n.closedKey, &n.momentKey, &locales, &slugs, &titles, &summaries)
		n.OpensAt, n.ClosesAt = dateOf(opens), dateOf(closes)
		n.Texts = texts(locales, slugs, titles, summaries)
		return n, err
	})
	if err != nil {
		return NoticeList{}, fmt.Errorf("notices: %w", err)
	}
	out.Page = paginate(ns, limit, q.Cursor, func(n Notice) []string {
		return []string{n.closedKey, n.momentKey, n.Tenant, n.ContentID}
	})
	return out, nil
}
