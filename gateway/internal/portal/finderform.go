package portal

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/portalhub/portalhub/services/hubread"
)

// A finder is a section page that lists items with filters and their
// counts (the legal register, the public-service catalogue, the notices):
// a GET form that works without JavaScript, whose values are checked here.
// A bad value is no 500 and no silently empty list: the page answers 400,
// names the field in the reader's language beside it and in a summary, and
// lists the items without that filter.

// finderForm is a finder's query parameters, read and checked.
type finderForm struct {
	// names are the parameters the finder knows, in the order its links
	// write them (page last).
	names []string
	// values are the good values given, to fill the form and keep in links.
	values url.Values
	// raw are the values as given, shown back in the form beside an error.
	raw      url.Values
	problems []finderProblem
}

// finderProblem is a bad value: the parameter and the catalogue id (and
// its values) of what is wrong with it.
type finderProblem struct {
	Field string
	ID    string
	KV    []any
}

// maxFilterRunes bounds a text filter: numbers, names and keywords are far
// shorter.
const maxFilterRunes = 200

// pageParam is the cursor's parameter of every finder.
const pageParam = "page"

func newFinderForm(names []string, q url.Values) *finderForm {
	return &finderForm{names: names, values: url.Values{}, raw: q}
}

// bad records a problem with name's value.
func (f *finderForm) bad(name, id string, kv ...any) {
	f.problems = append(f.problems, finderProblem{Field: name, ID: id, KV: kv})
}

// text is name's trimmed value: "" when not given or bad (recorded).
func (f *finderForm) text(name string) string {
	v := strings.TrimSpace(f.raw.Get(name))
	if v == "" {
		return ""
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxFilterRunes || strings.ContainsFunc(v, isControl) {
		f.bad(name, "finder.error.text", "Max", maxFilterRunes)
		return ""
	}
	f.values.Set(name, v)
	return v
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// choice is name's value when ok accepts it; "" when not given or bad.
func (f *finderForm) choice(name string, ok func(string) bool) string {
	v := strings.TrimSpace(f.raw.Get(name))
	if v == "" {
		return ""
	}
	if len(v) > maxFilterRunes || !ok(v) {
		f.bad(name, "finder.error.choice")
		return ""
	}
	f.values.Set(name, v)
	return v
}

// date is name's value as a day (YYYY-MM-DD) in Vietnam; zero when not
// given or bad.
func (f *finderForm) date(name string) time.Time {
	v := strings.TrimSpace(f.raw.Get(name))
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, v, hcmc)
	if err != nil || d.Year() < 1900 || d.Year() > 2200 {
		f.bad(name, "finder.error.date")
		return time.Time{}
	}
	f.values.Set(name, v)
	return d
}

// year is name's value as a year from 1900 to 2200; 0 when not given or
// bad.
func (f *finderForm) year(name string) int {
	y := 0
	f.choice(name, func(v string) bool {
		n, err := strconv.Atoi(v)
		y = n
		return err == nil && n >= 1900 && n <= 2200
	})
	if f.values.Get(name) == "" {
		return 0
	}
	return y
}

// cursor is the page parameter as a cursor of a list whose key has fields
// fields; nil for the first page or a bad one (recorded).
func (f *finderForm) cursor(fields int) *hubread.Cursor {
	v := f.raw.Get(pageParam)
	if v == "" {
		return nil
	}
	c, err := hubread.ParseCursor(v, fields)
	if err != nil {
		f.bad(pageParam, "finder.error.page")
		return nil
	}
	return &c
}

// fetchFinder runs a finder's query with fetch; a cursor the store
// refuses (another list's, or a forged one) is the page parameter's
// problem, and the first page is fetched instead.
func fetchFinder[T any](f *finderForm, cursor **hubread.Cursor, fetch func() (T, error)) (T, error) {
	res, err := fetch()
	if errors.Is(err, hubread.ErrBadCursor) {
		f.bad(pageParam, "finder.error.page")
		*cursor = nil
		res, err = fetch()
	}
	return res, err
}

// link is the finder's address at base with its good values, name set to
// value ("" removes it), on its first page.
func (f *finderForm) link(base, name, value string) string {
	var parts []string
	for _, k := range f.names {
		v := f.values.Get(k)
		if k == name {
			v = value
		}
		if v != "" && k != pageParam {
			parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
		}
	}
	if len(parts) == 0 {
		return base
	}
	return base + "?" + strings.Join(parts, "&")
}

// problem is the form's first problem as a section's (nil: none), which
// makes the page a 400 kept out of the cache (see sectionPageRender).
func (f *finderForm) problem() *paramProblem {
	if len(f.problems) == 0 {
		return nil
	}
	return &paramProblem{Param: f.problems[0].Field, ID: f.problems[0].ID}
}

// finderView is what every finder's page shows beside its list: the
// form's address, its problems (a summary, and each beside its field),
// the count and the links to the neighbouring pages.
type finderView struct {
	base
	Heading string
	// ResultsHeading names the list, ResultsCaption its table; Empty
	// says it has no rows, PastEnd that this is because the page's cursor
	// lies past the list's end (the list shrank since the link was made).
	ResultsHeading, ResultsCaption string
	Empty, PastEnd                 bool
	// TableClass is the table's class beside "register" (its kind).
	TableClass string
	// prefix is the catalogue's prefix of the filters' labels
	// (<prefix>.filter.<name>).
	prefix   string
	Action   string
	Problems []problemView
	// Errors are the problems' messages by field.
	Errors map[string]string
	Total  string
	Pager  pager
	// Fields are the form's controls, in order; More those folded under
	// "more filters" (a details element, open when one of them is set).
	Fields, More []fieldView
	MoreOpen     bool
}

// fold moves the controls from the n-th on under "more filters".
func (v *finderView) fold(n int) {
	v.Fields, v.More = v.Fields[:n], v.Fields[n:]
	for _, f := range v.More {
		v.MoreOpen = v.MoreOpen || f.Error != "" || f.Value != ""
		for _, o := range f.Options {
			v.MoreOpen = v.MoreOpen || o.Selected
		}
	}
}

// fieldView is one control of a finder's form.
type fieldView struct {
	Name, Label string
	// Type is "search", "text", "date" or "select".
	Type  string
	Value string
	// Options of a select, after the one for any value (labelled Any).
	Options []optionView
	Any     string
	Error   string
	// Lang is "vi" when the options are the tenants' Vietnamese words on
	// another language's page.
	Lang string
}

// field adds a text or date control of the form for parameter name; a bad
// text is shown back as given, beside its error.
func (v *finderView) field(f *finderForm, typ, name string) {
	fv := fieldView{Name: name, Label: v.L.T(v.prefix + ".filter." + name), Type: typ, Value: f.values.Get(name)}
	if msg, bad := v.Errors[name]; bad {
		fv.Value, fv.Error = f.raw.Get(name), msg
		// A date control cannot hold what is no date (nor does HTML allow
		// it), nor a page a control character: left empty, the message
		// says what to enter.
		if typ == "date" || len(fv.Value) > 4*maxFilterRunes || !utf8.ValidString(fv.Value) ||
			strings.ContainsFunc(fv.Value, isControl) {
			fv.Value = ""
		}
	}
	v.Fields = append(v.Fields, fv)
}

// selectField adds a select of the form for parameter name; lang is the
// options' language when it is not the page's.
func (v *finderView) selectField(name string, options []optionView, lang string) {
	v.Fields = append(v.Fields, fieldView{Name: name, Label: v.L.T(v.prefix + ".filter." + name), Type: "select",
		Options: options, Any: v.L.T("finder.any"), Error: v.Errors[name], Lang: lang})
}

// problemView is one bad value as the page shows it: in the summary as a
// link to its field, and beside the field.
type problemView struct {
	Field, Label, Message string
}

// newFinderView fills the finder's part of a page: its address is the
// section's; its fields are labelled by the catalogue's
// <prefix>.filter.<name>; cur is the page's cursor, prev and next its
// neighbours'.
func (s *Server) newFinderView(sec section, f *finderForm, cur, prev, next *hubread.Cursor, prefix string) finderView {
	v := finderView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang), Action: sec.Path(sec.Lang),
		Errors: map[string]string{}, prefix: prefix}
	l := v.L
	v.ResultsHeading, v.ResultsCaption = l.T(prefix+".list"), l.T(prefix+".list.caption")
	for _, p := range f.problems {
		msg := l.T(p.ID, p.KV...)
		v.Problems = append(v.Problems, problemView{Field: p.Field, Label: l.T(prefix + ".filter." + p.Field), Message: msg})
		v.Errors[p.Field] = msg
	}
	v.Pager = newPager(v.Action, f.values, cur, prev, next)
	return v
}

// itemPath is the path of an item's page.
func itemPath(lang, tenant, slug string) string { return "/" + lang + "/" + tenant + "/" + slug }

// asIs labels a facet's value with itself.
func asIs(fv hubread.FacetValue) (string, string) { return fv.Value, "" }

// optionView is one value of a select with its count.
type optionView struct {
	Value, Label string
	// Lang is "vi" when Label is the tenant's Vietnamese text on another
	// language's page.
	Lang     string
	Count    int
	Selected bool
}

// facetOptions are a facet's values as a select's options, the value
// chosen selected; label names a value (the value itself when nil). A
// chosen value the counts do not list (no item has it) is listed with 0.
func facetOptions(values []hubread.FacetValue, chosen string, label func(hubread.FacetValue) (string, string)) []optionView {
	out := make([]optionView, 0, len(values)+1)
	found := false
	for _, fv := range values {
		o := optionView{Value: fv.Value, Label: fv.Value, Count: fv.Count, Selected: fv.Value == chosen}
		if label != nil {
			o.Label, o.Lang = label(fv)
		}
		found = found || o.Selected
		out = append(out, o)
	}
	if chosen != "" && !found {
		o := optionView{Value: chosen, Label: chosen, Selected: true}
		if label != nil {
			o.Label, o.Lang = label(hubread.FacetValue{Value: chosen})
		}
		out = append(out, o)
	}
	return out
}

// startOfNextDay is midnight in Vietnam after t: when what depends on the
// day (a legal document's validity) may change.
func startOfNextDay(t time.Time) time.Time {
	y, m, d := t.In(hcmc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, hcmc)
}
