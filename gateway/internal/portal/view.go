package portal

import (
	"html/template"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/services/hubread"
)

// base is what the layout needs on every page.
type base struct {
	L         *i18n.Localizer
	Lang      string
	Title     string // the page's own title; the layout appends the site name
	CSS       string
	HomeURL   string
	Languages []langLink // the language switcher: every language, relative links
	// Alternates are the <link rel="alternate" hreflang> of the page: an
	// absolute link to every language version it has (itself included),
	// then x-default, the Vietnamese version. Every version of a page lists
	// the same set.
	Alternates []langLink
	// Canonical is the page's absolute URL, or its Vietnamese version's
	// when the page shows the Vietnamese text as a fallback. Empty on status
	// pages, which have neither canonical nor alternates.
	Canonical string
	NoIndex   bool
	// Problem is what is wrong with the request's parameters (a bad filter
	// or page), in the page's language, shown on the page of a 400; empty
	// otherwise.
	Problem string
	// On a sub-portal's pages: its name and home (set by forTenant).
	TenantName, TenantURL string

	// The frame (frame.go): the site's name, the navigation of the
	// sections, the search box, breadcrumbs, the footer.
	SiteName string
	// Description is the page's meta description; empty: the site's.
	Description string
	Nav         []navLink
	// Crumbs are the page's breadcrumbs above the home (and the
	// sub-portal's home); empty: derived from the page (see Breadcrumbs).
	Crumbs []crumb
	Footer footerView
	// Updated is when the page's content last changed (content pages);
	// UpdatedISO the same as an RFC 3339 time.
	Updated, UpdatedISO string
	// SearchAction is the search page; SearchTenant scopes the header's
	// search box to a sub-portal.
	SearchAction, SearchTenant string
	Favicon, Emblem            string
	AccessibilityURL           string
	PrivacyURL                 string
	FeedbackURL                string // the citizens' form, for this sub-portal on its pages
	PortalsURL                 string
	// ProvincialURL is the provincial portal's home, on a sub-portal's pages.
	ProvincialURL string
	// Feeds are the RSS and Atom feeds of a list page (see feedLinksFor).
	Feeds []feedLink
	// SubscribeURL is the e-mail subscription form for what a list page
	// lists (subscribe.go); empty on other pages.
	SubscribeURL string
	// Self is the page's absolute URL (printed on paper), PrintURL its
	// print view's (see print.go).
	Self, PrintURL string
	// Social is what the page tells the sites it is shared on.
	Social social
	// Maintenance are the banners of the maintenance windows announced or
	// under way; MonitoringScript the state monitoring agent's script
	// (maintenance.go).
	Maintenance      []maintenanceBanner
	MonitoringScript string
	// Retired is the banner of a retired unit's pages (lifecycle.go).
	Retired *retiredNotice
}

type langLink struct {
	Lang, Name, Href string
	Current          bool
}

// xDefault is the hreflang value of the version for any other language.
const xDefault = "x-default"

// newBase fills the layout's fields. origin is the scheme and host that
// absolute links start with (see Server.origin); pathFor gives the page's
// path in a language (nil: the home page of that language); available says
// whether the page exists in that language for hreflang (nil: all do).
func (s *Server) newBase(origin, lang string, pathFor func(lang string) string, available func(lang string) bool) base {
	if pathFor == nil {
		pathFor = func(l string) string { return "/" + l + "/" }
	}
	b := base{L: s.cfg.Catalog.For(lang), Lang: lang, CSS: s.assets.URL("site.css"), HomeURL: "/" + lang + "/",
		Canonical: origin + pathFor(lang), Self: origin + pathFor(lang), PrintURL: printURL(pathFor(lang), "")}
	s.frame(&b)
	for _, l := range i18n.Languages {
		link := langLink{Lang: l, Name: s.cfg.Catalog.For(l).T("language.name"), Href: pathFor(l), Current: l == lang}
		b.Languages = append(b.Languages, link)
		if available == nil || available(l) {
			link.Href = origin + link.Href
			b.Alternates = append(b.Alternates, link)
		}
	}
	b.Alternates = append(b.Alternates, langLink{Lang: xDefault, Href: origin + pathFor(i18n.Default)})
	return b
}

// listedView is one item in a list.
type listedView struct {
	Href, Title, Summary string
	// ContentLang is "vi" when the item has no translation in the page's
	// language and its Vietnamese text is shown; empty otherwise.
	ContentLang            string
	TenantName, TenantHref string
	Date, DateISO          string
}

func (s *Server) listed(lang string, ls []hubread.Listed, tenants map[string]hubread.Tenant) []listedView {
	out := make([]listedView, 0, len(ls))
	l := s.cfg.Catalog.For(lang)
	for _, it := range ls {
		text, fallback := it.In(lang)
		v := listedView{Href: "/" + lang + "/" + it.Tenant + "/" + text.Slug, Title: text.Title, Summary: text.Summary,
			Date: formatDate(l, it.PublishedAt), DateISO: it.PublishedAt.In(hcmc).Format(time.RFC3339)}
		if fallback {
			v.ContentLang = i18n.Default
		}
		if t, ok := tenants[it.Tenant]; ok {
			v.TenantName, v.TenantHref = t.Name(lang), "/"+lang+"/"+t.ID+"/"
		}
		out = append(out, v)
	}
	return out
}

// ownWordsLang is the lang attribute of a tenant's own words (always
// Vietnamese: document types, agencies, fields) on a page in lang: "vi" on
// another language's page, "" on a Vietnamese one.
func ownWordsLang(lang string) string {
	if lang != i18n.Default {
		return i18n.Default
	}
	return ""
}

// formatDate and formatDateTime show a time in Vietnam's time zone with the
// layout the catalogue gives for the language.
func formatDate(l *i18n.Localizer, t time.Time) string {
	return t.In(hcmc).Format(l.T("format.date"))
}

func formatDateTime(l *i18n.Localizer, t time.Time) string {
	return t.In(hcmc).Format(l.T("format.datetime"))
}

// formatNumber writes n with the language's digit grouping.
func formatNumber(lang string, n int64) string {
	return message.NewPrinter(language.Make(lang)).Sprintf("%d", n)
}

// formatSize writes a file's size for people: bytes, KB or MB (of 1024),
// with one decimal and the language's decimal mark above a kilobyte.
func formatSize(lang string, n int64) string {
	p := message.NewPrinter(language.Make(lang))
	unit := map[string][3]string{"ru": {"Б", "КБ", "МБ"}}[lang]
	if unit[0] == "" {
		unit = [3]string{"B", "KB", "MB"}
	}
	switch {
	case n < 1024:
		return p.Sprintf("%d %s", n, unit[0])
	case n < 1024*1024:
		return p.Sprintf("%.1f %s", float64(n)/1024, unit[1])
	}
	return p.Sprintf("%.1f %s", float64(n)/(1024*1024), unit[2])
}

// statusView is an error or unpublished page.
type statusView struct {
	base
	Status int
	Text   string
	Reason string // shown as is, in Vietnamese (the hub's or tenant's words)
}

// itemView is one item's page.
type itemView struct {
	base
	Kind        string
	Category    string
	Heading     string
	Summary     string
	Body        template.HTML // sanitised by the hub before it was stored
	ContentLang string        // the language of Heading, Summary and Body
	Fallback    bool
	Withdrawn   bool
	Reason      string
	// FirstPublisher names the unit that first published an item a merge
	// moved here, with its years (lifecycle.go).
	FirstPublisher string
	Published      string
	PublishedAt    string
	Authors        []string
	Editor         string
	Approver       string
	Details        []detailRow
	Attachments    []attachmentView
	// The kinds' own parts (itemkinds.go); nil for other kinds.
	Unit     *unitView
	Dataset  *datasetView
	Schedule *scheduleView
	Question *questionView
	TOC      []tocEntry // a standing page's table of contents
	// Legal, Service and Notice: itemlegal.go, itemservice.go, itemnotice.go.
	Legal   *legalItemView
	Service *serviceItemView
	Notice  *noticeItemView
}

type detailRow struct {
	Label, Value, Href string
	Class              string // of the value (a legal document's validity)
	Lang               string // "vi" when Value is the tenant's Vietnamese text on another language's page
}

type attachmentView struct {
	Href, Name, Title, MediaType string
	// Size is the file's size for people ("1,2 MB"); empty when unknown.
	Size string
}
