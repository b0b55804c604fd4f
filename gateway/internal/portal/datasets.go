package portal

import (
	"context"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// The data and statistics section (Article 8.10): every dataset as a row
// of a table a reader scans (its title leading to its page with the
// table and chart, its period, area, format, last update, and the CSV
// file), in one query (hubread.OfKind), newest first; below it the
// section's articles and pages among its twenty newest items.

// datasetsView is the statistics section's page.
type datasetsView struct {
	base
	Heading string
	Rows    []datasetRow
	// Reports are the section's other items (articles, pages on the
	// figures) among its newest.
	Reports []listedView
}

type datasetRow struct {
	Title, Lang, Href    string
	Summary              string
	Period, Area, Format string
	Updated, UpdatedISO  string
	CSVHref, DCATHref    string
	TenantName           string
}

func (s *Server) statisticsSection(ctx context.Context, sec section) (*pagecache.Render, error) {
	sets, err := s.cfg.Store.OfKind(ctx, pb.ContentKind_CONTENT_KIND_DATASET, sec.TenantID())
	if err != nil {
		return nil, err
	}
	tenants, err := s.sectionTenants(ctx, sec)
	if err != nil {
		return nil, err
	}
	v := datasetsView{base: s.sectionBase(sec), Heading: sec.Category.Name(sec.Lang)}
	v.Description = v.L.T("dataset.intro")
	for _, d := range sets {
		ds := d.Doc.GetDataset()
		text, fallback := d.In(sec.Lang)
		r := datasetRow{Title: text.Title, Summary: text.Summary, Href: "/" + sec.Lang + "/" + d.Tenant + "/" + text.Slug,
			Period: ds.GetTemporal(), Area: ds.GetSpatial(), Format: ds.GetFormat(),
			Updated: formatDate(v.L, d.PublishedAt), UpdatedISO: d.PublishedAt.In(hcmc).Format("2006-01-02"),
			DCATHref: "/api/v1/catalog/" + d.Tenant + "/" + d.ContentID}
		if fallback {
			r.Lang = i18n.Default
		}
		if ds.GetDataSha256() != "" {
			r.CSVHref = "/files/" + d.Tenant + "/" + d.ContentID + "/" + ds.GetDataSha256()
		}
		if t, ok := tenants[d.Tenant]; ok && sec.Tenant == nil {
			r.TenantName = t.Name(sec.Lang)
		}
		v.Rows = append(v.Rows, r)
	}
	// The section's newest items, of which those that are no dataset
	// (an article on the figures) are listed below the datasets.
	newest, err := s.cfg.Store.Section(ctx, hubread.SectionQuery{Category: sec.Category.Code, Tenant: sec.TenantID()})
	if err != nil {
		return nil, err
	}
	var reports []hubread.Listed
	for _, l := range newest.Rows {
		if l.Kind != "dataset" {
			reports = append(reports, l)
		}
	}
	v.Reports = s.listed(sec.Lang, reports, tenants)
	tags := sectionTags(sec)
	if sec.Tenant == nil {
		for id := range tenants {
			tags = append(tags, pagecache.TenantTag(id))
		}
	}
	return s.page("datasets", v, tags)
}
