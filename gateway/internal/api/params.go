package api

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portalhub/portalhub/services/hubread"
)

// params reads a request's query parameters, collecting every problem so
// that one 400 names them all. Unknown and repeated parameters are
// problems too: a misspelt filter must not silently return everything.
type params struct {
	q     url.Values
	known []string
	bad   []invalidParam
}

func newParams(q url.Values, known ...string) *params {
	p := &params{q: q, known: known}
	for name, vs := range q {
		switch {
		case !slices.Contains(known, name):
			p.fail(name, "unknown parameter; this resource takes: "+strings.Join(known, ", "))
		case len(vs) > 1:
			p.fail(name, "given more than once")
		}
	}
	return p
}

func (p *params) fail(name, reason string) {
	p.bad = append(p.bad, invalidParam{Name: name, Reason: reason})
}

// str returns a parameter's value, "" when it is absent.
func (p *params) str(name string) string { return p.q.Get(name) }

// oneOf returns a parameter's value, which must be one of allowed when
// given.
func (p *params) oneOf(name string, allowed []string) string {
	v := p.str(name)
	if v != "" && !slices.Contains(allowed, v) {
		p.fail(name, "must be one of: "+strings.Join(allowed, ", "))
		return ""
	}
	return v
}

// idRE matches the identifiers of tenants, items and categories.
var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,99}$`)

// identifier returns a parameter naming a tenant or a category.
func (p *params) identifier(name string) string {
	v := p.str(name)
	if v != "" && !idRE.MatchString(v) {
		p.fail(name, "must be an identifier (lower-case letters, digits, hyphens)")
		return ""
	}
	return v
}

// time returns an RFC 3339 time, zero when absent.
func (p *params) time(name string) time.Time {
	v := p.str(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		p.fail(name, "must be an RFC 3339 date and time, e.g. 2025-07-01T08:30:00+07:00")
		return time.Time{}
	}
	return t
}

// limit returns the page size: def when absent, 1..max.
func (p *params) limit(name string, def, max int) int {
	v := p.str(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		p.fail(name, "must be a whole number from 1 to "+strconv.Itoa(max))
		return def
	}
	return n
}

// cursor returns the page's cursor, nil when absent.
func (p *params) cursor(name string, fields int) *hubread.Cursor {
	v := p.str(name)
	if v == "" {
		return nil
	}
	c, err := hubread.ParseCursor(v, fields)
	if err != nil {
		p.fail(name, "not a cursor of this list: use the links of a previous answer")
		return nil
	}
	return &c
}

// err is the 400 for the problems found, nil when there are none.
func (p *params) err() error {
	if len(p.bad) == 0 {
		return nil
	}
	slices.SortFunc(p.bad, func(a, b invalidParam) int { return strings.Compare(a.Name, b.Name) })
	return &paramError{params: p.bad}
}
