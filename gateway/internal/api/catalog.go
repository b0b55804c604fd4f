package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/portalhub/portalhub/services/hubread"
)

// The catalog (/api/v1/catalog) describes the datasets in DCAT (W3C Data
// Catalog Vocabulary, the terms DCAT-AP uses) as JSON-LD, for the national
// open-data portal and other harvesters (ckanext-dcat reads it, following
// hydra:next from page to page); /api/v1/catalog/{tenant}/{id} is one
// dataset.

// jsonLDType is the media type of the catalog's answers.
const jsonLDType = "application/ld+json"

var dcatContext = map[string]string{
	"dcat":  "http://www.w3.org/ns/dcat#",
	"dct":   "http://purl.org/dc/terms/",
	"foaf":  "http://xmlns.com/foaf/0.1/",
	"rdfs":  "http://www.w3.org/2000/01/rdf-schema#",
	"xsd":   "http://www.w3.org/2001/XMLSchema#",
	"hydra": "http://www.w3.org/ns/hydra/core#",
}

type ldText struct {
	Value string `json:"@value"`
	Lang  string `json:"@language,omitempty"`
	Type  string `json:"@type,omitempty"`
}

type ldRef struct {
	ID string `json:"@id"`
}

type ldLabelled struct {
	Type  string `json:"@type,omitempty"`
	Label string `json:"rdfs:label"`
}

type ldAgent struct {
	Type string   `json:"@type"`
	Name []ldText `json:"foaf:name"`
}

type ldPeriod struct {
	Type  string  `json:"@type"`
	Start *ldText `json:"dcat:startDate,omitempty"`
	End   *ldText `json:"dcat:endDate,omitempty"`
}

type ldDistribution struct {
	Type        string `json:"@type"`
	Title       string `json:"dct:title,omitempty"`
	DownloadURL ldRef  `json:"dcat:downloadURL"`
	AccessURL   ldRef  `json:"dcat:accessURL"`
	MediaType   string `json:"dcat:mediaType,omitempty"`
	Format      string `json:"dct:format,omitempty"`
}

type ldDataset struct {
	Context      map[string]string `json:"@context,omitempty"`
	ID           string            `json:"@id"`
	Type         string            `json:"@type"`
	Identifier   string            `json:"dct:identifier"`
	Title        []ldText          `json:"dct:title"`
	Description  []ldText          `json:"dct:description,omitempty"`
	Keywords     []ldText          `json:"dcat:keyword,omitempty"`
	Issued       ldText            `json:"dct:issued"`
	Modified     ldText            `json:"dct:modified"`
	Publisher    *ldAgent          `json:"dct:publisher,omitempty"`
	LandingPage  []ldRef           `json:"dcat:landingPage"`
	License      *ldLabelled       `json:"dct:license,omitempty"`
	Periodicity  *ldLabelled       `json:"dct:accrualPeriodicity,omitempty"`
	Temporal     *ldPeriod         `json:"dct:temporal,omitempty"`
	Spatial      *ldLabelled       `json:"dct:spatial,omitempty"`
	Distribution []ldDistribution  `json:"dcat:distribution,omitempty"`
}

type ldView struct {
	ID    string `json:"@id"`
	Type  string `json:"@type"`
	First string `json:"hydra:first"`
	Next  string `json:"hydra:next,omitempty"`
	Prev  string `json:"hydra:previous,omitempty"`
}

type ldCatalog struct {
	Context   map[string]string `json:"@context"`
	ID        string            `json:"@id"`
	Type      string            `json:"@type"`
	Title     []ldText          `json:"dct:title"`
	Publisher ldAgent           `json:"dct:publisher"`
	Homepage  ldRef             `json:"foaf:homepage"`
	Datasets  []ldDataset       `json:"dcat:dataset"`
	View      ldView            `json:"hydra:view"`
}

func registerCatalog(s *Server, r gin.IRoutes) {
	s.getAs(r, "/catalog", jsonLDType, s.catalog)
	s.getAs(r, "/catalog/:tenant/:content_id", jsonLDType, s.catalogDataset)
}

// catalog answers a page of the DCAT catalog: the datasets most recently
// changed first, published and withdrawn ones (a dataset redirected or
// gone is no longer in the catalog).
func (s *Server) catalog(c *gin.Context) (any, error) {
	p := newParams(c.Request.URL.Query(), "tenant", "limit", cursorParam)
	q := hubread.ItemsQuery{Tenant: p.identifier("tenant"), Kind: "dataset", ByUpdated: true,
		Limit: p.limit("limit", hubread.PageSize, maxLimit), Cursor: p.cursor(cursorParam, hubread.ItemsKeyFields)}
	if err := p.err(); err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	page, err := s.cfg.Store.Items(ctx, q)
	if err != nil {
		return nil, cursorProblem(p, err)
	}
	names, province, err := s.tenantNames(ctx)
	if err != nil {
		return nil, err
	}
	links := s.pageLinks(c, page.Prev, page.Next)
	origin := s.cfg.Links.Origin(c.Request)
	publisher := names[province]
	if len(publisher) == 0 {
		publisher = s.cfg.SiteNames
	}
	out := ldCatalog{Context: dcatContext, ID: origin + Prefix + "/catalog", Type: "dcat:Catalog",
		Title: localized(s.cfg.SiteNames), Publisher: ldAgent{Type: "foaf:Organization", Name: localized(publisher)},
		Homepage: ldRef{ID: origin + "/vi/"}, Datasets: []ldDataset{},
		View: ldView{ID: links.Self, Type: "hydra:PartialCollectionView", First: links.First, Next: links.Next, Prev: links.Prev}}
	for _, it := range page.Rows {
		out.Datasets = append(out.Datasets, s.dataset(c.Request, it, names[it.Tenant]))
	}
	return out, nil
}

// catalogDataset answers one dataset in DCAT.
func (s *Server) catalogDataset(c *gin.Context) (any, error) {
	it, err := s.publicItem(c)
	if err != nil {
		return nil, err
	}
	if it.Doc.GetDataset() == nil || (it.State != "published" && it.State != "withdrawn") {
		return nil, errNotFound
	}
	names, _, err := s.tenantNames(c.Request.Context())
	if err != nil {
		return nil, err
	}
	d := s.dataset(c.Request, it, names[it.Tenant])
	d.Context = dcatContext
	return d, nil
}

// tenantNames maps each tenant to its names by language, and names the
// province's own tenant (kind province; "" when the hub has none), which
// publishes the catalog.
func (s *Server) tenantNames(ctx context.Context) (names map[string]map[string]string, province string, err error) {
	ts, err := s.cfg.Store.Tenants(ctx)
	if err != nil {
		return nil, "", err
	}
	names = make(map[string]map[string]string, len(ts))
	for _, t := range ts {
		names[t.ID] = nonEmpty(hubread.Locales, t.NameVI, t.NameEN, t.NameRU)
		if t.Kind == "province" && province == "" {
			province = t.ID
		}
	}
	return names, province, nil
}

// localized writes a text per language as JSON-LD language-tagged values.
func localized(m map[string]string) []ldText {
	out := []ldText{}
	for _, l := range hubread.Locales {
		if v := m[l]; v != "" {
			out = append(out, ldText{Value: v, Lang: l})
		}
	}
	return out
}

// dataset describes a dataset item in DCAT: its titles and summaries per
// language, keywords, dates, publisher (its tenant), landing pages, licence,
// periodicity, temporal and spatial coverage, and its files as
// distributions (the data file first).
func (s *Server) dataset(r *http.Request, it *hubread.Item, publisher map[string]string) ldDataset {
	doc, d := it.Doc, it.Doc.GetDataset()
	out := ldDataset{ID: s.itemSelf(r, it.Tenant, it.ContentID), Type: "dcat:Dataset", Identifier: it.Tenant + "/" + it.ContentID,
		Issued:   ldText{Value: it.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"), Type: "xsd:dateTime"},
		Modified: ldText{Value: it.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"), Type: "xsd:dateTime"}}
	if ts := doc.GetPublishedAt(); ts.IsValid() {
		out.Issued.Value = ts.AsTime().UTC().Format("2006-01-02T15:04:05Z")
	}
	if len(publisher) > 0 {
		out.Publisher = &ldAgent{Type: "foaf:Organization", Name: localized(publisher)}
	}
	for _, tr := range doc.GetTranslations() {
		out.Title = append(out.Title, ldText{Value: tr.GetTitle(), Lang: tr.GetLocale()})
		if tr.GetSummary() != "" {
			out.Description = append(out.Description, ldText{Value: tr.GetSummary(), Lang: tr.GetLocale()})
		}
		out.LandingPage = append(out.LandingPage, ldRef{ID: s.cfg.Links.Page(r, tr.GetLocale(), it.Tenant, tr.GetSlug())})
	}
	for _, k := range d.GetKeywords() {
		out.Keywords = append(out.Keywords, ldText{Value: k, Lang: "vi"})
	}
	if v := d.GetLicence(); v != "" {
		out.License = &ldLabelled{Type: "dct:LicenseDocument", Label: v}
	}
	if v := d.GetUpdateFrequency(); v != "" {
		out.Periodicity = &ldLabelled{Type: "dct:Frequency", Label: v}
	}
	if v := d.GetSpatial(); v != "" {
		out.Spatial = &ldLabelled{Type: "dct:Location", Label: v}
	}
	if start, end, ok := strings.Cut(d.GetTemporal(), "/"); ok {
		out.Temporal = &ldPeriod{Type: "dct:PeriodOfTime", Start: &ldText{Value: start}, End: &ldText{Value: end}}
	}
	for _, a := range doc.GetAttachments() {
		u := s.cfg.Links.File(r, it.Tenant, it.ContentID, a.GetSha256())
		dist := ldDistribution{Type: "dcat:Distribution", Title: a.GetFilename(), DownloadURL: ldRef{u}, AccessURL: ldRef{u},
			MediaType: a.GetMediaType()}
		if a.GetSha256() == d.GetDataSha256() {
			dist.Format = d.GetFormat()
			out.Distribution = append([]ldDistribution{dist}, out.Distribution...)
			continue
		}
		out.Distribution = append(out.Distribution, dist)
	}
	return out
}
