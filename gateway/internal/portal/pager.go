package portal

import (
	"net/url"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
)

// pager is the navigation between the pages of a keyset-paged list: the
// first page is the list's path without a cursor, the others carry one in
// ?page= (hubread.Cursor). There are no page numbers: a keyset page knows
// its neighbours, not its position, which is what keeps page 500 as quick
// as page 1.
type pager struct {
	FirstHref, PrevHref, NextHref string
}

// Any reports whether there is another page to go to.
func (p pager) Any() bool { return p.FirstHref != "" || p.NextHref != "" }

// newPager builds the links of a page of the list at path: query holds
// the list's other parameters (its filters; may be nil), cur the page's own
// cursor (nil on the first page), prev and next its neighbours'.
func newPager(path string, query url.Values, cur, prev, next *hubread.Cursor) pager {
	link := func(c *hubread.Cursor) string {
		q := url.Values{}
		for k, v := range query {
			if k != "page" {
				q[k] = v
			}
		}
		if c != nil {
			q.Set("page", c.String())
		}
		if e := q.Encode(); e != "" {
			return path + "?" + e
		}
		return path
	}
	var p pager
	if cur != nil {
		p.FirstHref = link(nil)
	}
	if prev != nil {
		p.PrevHref = link(prev)
	}
	if next != nil {
		p.NextHref = link(next)
	}
	return p
}

// paramProblem is a query parameter a list cannot use: its message, a
// catalogue id, is shown on the page (a 400), never a 500 or an empty
// list.
type paramProblem struct {
	Param string
	ID    string
}

// text is the problem's message in the page's language; "" for none.
func (p *paramProblem) text(l *i18n.Localizer) string {
	if p == nil {
		return ""
	}
	return l.T(p.ID)
}

// errBadPage is a ?page= that is not a cursor of the list: a typo or a
// link from another list.
var errBadPage = &paramProblem{Param: "page", ID: "list.bad_page"}

// parsePageCursor reads a list's ?page= (empty: the first page).
func parsePageCursor(s string, fields int) (*hubread.Cursor, *paramProblem) {
	if s == "" {
		return nil, nil
	}
	c, err := hubread.ParseCursor(s, fields)
	if err != nil { // hubread.ErrBadCursor: nothing else can go wrong
		return nil, errBadPage
	}
	return &c, nil
}
