package portal

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/portalhub/portalhub/gateway/internal/dataset"
	"github.com/portalhub/portalhub/gateway/internal/i18n"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// A dataset's page (Article 8.10): its metadata (the details table), the
// data as an accessible table, a chart drawn on the server as SVG with a
// text alternative, the CSV file to download and the DCAT record the
// national open-data portal harvests (/api/v1/catalog/{tenant}/{id}).

// maxDataBytes bounds what a page reads of a data file: the table shows at
// most dataset.MaxRows rows; the download is the whole file.
const maxDataBytes = 512 << 10

// datasetView is what a dataset's page shows beyond the details table.
type datasetView struct {
	CSVHref, DCATHref string
	Table             *dataset.Table
	// Numeric marks the table's columns whose cells are figures (aligned
	// to the right).
	Numeric []bool
	// Truncated: the table shows the start of a longer file.
	Truncated bool
	// Chart is the SVG drawing; ChartText its text alternative, said in
	// words below it (the table holds every value).
	Chart     template.HTML
	ChartText []string
	// Unreadable: the file is not a CSV table the page can show (it is
	// still offered for download).
	Unreadable bool
}

// datasetDetails adds the dataset's metadata to the details table.
func datasetDetails(it *hubread.Item, d *pb.Dataset, add detailAdder) {
	add.text("dataset.format", d.GetFormat(), "")
	add.text("dataset.licence", d.GetLicence(), i18n.Default)
	add.text("dataset.frequency", d.GetUpdateFrequency(), i18n.Default)
	add.text("dataset.temporal", d.GetTemporal(), "")
	add.text("dataset.spatial", d.GetSpatial(), i18n.Default)
	add.text("dataset.keywords", strings.Join(d.GetKeywords(), ", "), i18n.Default)
	add.link("dataset.dcat", "/api/v1/catalog/"+it.Tenant+"/"+it.ContentID)
}

// datasetPage reads the start of the data file (one query) and fills the
// table and the chart.
func (s *Server) datasetPage(ctx context.Context, v *itemView, lang string, it *hubread.Item, d *pb.Dataset) error {
	dv := &datasetView{DCATHref: "/api/v1/catalog/" + it.Tenant + "/" + it.ContentID}
	v.Dataset = dv
	if d.GetDataSha256() == "" {
		return nil
	}
	dv.CSVHref = "/files/" + it.Tenant + "/" + it.ContentID + "/" + d.GetDataSha256()
	if !strings.EqualFold(d.GetFormat(), "CSV") {
		return nil
	}
	data, err := s.cfg.Store.ReadBlob(ctx, d.GetDataSha256(), 0, maxDataBytes+1)
	if errors.Is(err, hubread.ErrNotFound) {
		dv.CSVHref, dv.Unreadable = "", true
		return nil
	}
	if err != nil {
		return err
	}
	cut := false
	if len(data) > maxDataBytes {
		// The start of the file, to its last whole line.
		data, cut = data[:maxDataBytes], true
		if i := bytes.LastIndexByte(data, '\n'); i > 0 {
			data = data[:i]
		}
	}
	t, err := dataset.ParseCSV(data)
	if err != nil {
		dv.Unreadable = true
		return nil
	}
	dv.Table, dv.Truncated = t, t.Truncated || cut
	dv.Numeric = numericColumns(t)
	if c := d.GetChart(); c != nil {
		chart, err := dataset.Build(t, dataset.Spec{Type: c.GetType(), Label: c.GetLabelColumn(), Values: c.GetValueColumns(), Unit: c.GetUnit()})
		if err == nil {
			dv.Chart, dv.ChartText = chartOf(v, lang, chart)
		}
	}
	return nil
}

// chartOf draws the chart and says in words what it shows: its kind, its
// points and each series' lowest and highest value.
func chartOf(v *itemView, lang string, c *dataset.Chart) (template.HTML, []string) {
	l := v.L
	format := numberFormat(lang)
	unit := ""
	if c.Unit != "" {
		unit = " " + c.Unit
	}
	title := l.T("dataset.chart_title", "Title", v.Heading)
	desc := l.T("dataset.chart_"+c.Type, "Points", len(c.Labels), "First", c.Labels[0], "Last", c.Labels[len(c.Labels)-1])
	text := []string{desc}
	for _, f := range c.Facts() {
		text = append(text, l.T("dataset.chart_series", "Series", f.Name,
			"Min", format(f.Min.Value)+unit, "MinAt", f.Min.Label, "Max", format(f.Max.Value)+unit, "MaxAt", f.Max.Label))
	}
	// The drawing is built by package dataset, which escapes every text it
	// writes into it.
	return template.HTML(c.SVG("chart", title, strings.Join(text, " "), format)), text // #nosec
}

// numberFormat writes figures as the page's language does (1.234,5 in
// Vietnamese, 1,234.5 in English, 1 234,5 in Russian).
func numberFormat(lang string) func(float64) string {
	p := message.NewPrinter(language.Make(lang))
	return func(f float64) string {
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			return p.Sprint(number.Decimal(int64(f)))
		}
		return p.Sprint(number.Decimal(f, number.MaxFractionDigits(2)))
	}
}

// numericColumns marks the columns whose every non-empty cell is a figure.
func numericColumns(t *dataset.Table) []bool {
	out := make([]bool, len(t.Header))
	for i := range t.Header {
		seen := false
		out[i] = true
		for _, row := range t.Rows {
			if row[i] == "" {
				continue
			}
			if _, ok := dataset.ParseNumber(row[i]); !ok {
				out[i] = false
				break
			}
			seen = true
		}
		out[i] = out[i] && seen
	}
	return out
}
