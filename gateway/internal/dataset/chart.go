package dataset

import (
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The chart is written by hand as SVG rather than with a charting library:
// a bar or line chart of a few series is a hundred lines of arithmetic, the
// output is small, has no script, and carries exactly the accessible
// structure the page needs (role="img" with a title and a description that
// the page's text alternative and table back up).

// Spec says how to chart a table: the column that labels the points, the
// numeric columns drawn against it, "bar" or "line", and the unit.
type Spec struct {
	Type   string
	Label  string
	Values []string
	Unit   string
}

// Series is one numeric column: a value per point, NaN where the cell is
// not a number.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what is drawn: the points' labels and the series.
type Chart struct {
	Type   string // "bar" or "line"
	Labels []string
	Series []Series
	Unit   string
}

// ErrNoChart means the table has no data the spec can draw.
var ErrNoChart = errors.New("nothing to chart")

// Build picks the spec's columns out of the table: one point per row with
// a label and at least one number.
func Build(t *Table, s Spec) (*Chart, error) {
	if s.Type != "bar" && s.Type != "line" {
		return nil, fmt.Errorf("%w: chart type %q", ErrNoChart, s.Type)
	}
	label := t.Column(s.Label)
	if label < 0 {
		return nil, fmt.Errorf("%w: no column %q", ErrNoChart, s.Label)
	}
	cols := make([]int, len(s.Values))
	c := &Chart{Type: s.Type, Unit: s.Unit}
	for i, name := range s.Values {
		if cols[i] = t.Column(name); cols[i] < 0 {
			return nil, fmt.Errorf("%w: no column %q", ErrNoChart, name)
		}
		c.Series = append(c.Series, Series{Name: t.Header[cols[i]]})
	}
	for _, row := range t.Rows {
		if row[label] == "" {
			continue
		}
		vals := make([]float64, len(cols))
		any := false
		for i, col := range cols {
			v, ok := ParseNumber(row[col])
			if !ok {
				v = math.NaN()
			}
			vals[i], any = v, any || ok
		}
		if !any {
			continue
		}
		c.Labels = append(c.Labels, row[label])
		for i := range c.Series {
			c.Series[i].Values = append(c.Series[i].Values, vals[i])
		}
	}
	if len(c.Labels) == 0 {
		return nil, fmt.Errorf("%w: no row has a number", ErrNoChart)
	}
	return c, nil
}

// Extreme is a series' value at a point.
type Extreme struct {
	Value float64
	Label string
}

// Facts are what a text alternative says of a series.
type Facts struct {
	Name     string
	Min, Max Extreme
}

// Facts returns each series' lowest and highest value (the first point
// that has it).
func (c *Chart) Facts() []Facts {
	out := make([]Facts, 0, len(c.Series))
	for _, s := range c.Series {
		f := Facts{Name: s.Name, Min: Extreme{Value: math.Inf(1)}, Max: Extreme{Value: math.Inf(-1)}}
		for i, v := range s.Values {
			if math.IsNaN(v) {
				continue
			}
			if v < f.Min.Value {
				f.Min = Extreme{v, c.Labels[i]}
			}
			if v > f.Max.Value {
				f.Max = Extreme{v, c.Labels[i]}
			}
		}
		if !math.IsInf(f.Min.Value, 1) {
			out = append(out, f)
		}
	}
	return out
}

// Colours of the series: each has a contrast of at least 4.5:1 on white
// (WCAG's 3:1 for graphics, with room), and lines differ by dash too.
var (
	colours = []string{"#1d4ed8", "#b91c1c", "#047857", "#7e22ce", "#a16207", "#0f766e"}
	dashes  = []string{"", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"}
)

// Geometry of the drawing, in the SVG's own units (it scales to the page).
const (
	width      = 720.0
	plotTop    = 16.0
	plotHeight = 260.0
	plotLeft   = 72.0
	plotRight  = 16.0
	labelSpace = 56.0 // below the plot, for the points' labels
	legendRow  = 22.0
)

// SVG draws the chart. id prefixes the ids of its title and description
// (unique on the page); title and desc are their texts (the page's
// language); format writes a number of an axis as the page writes numbers.
func (c *Chart) SVG(id, title, desc string, format func(float64) string) string {
	lo, hi, step := axis(c)
	legendRows := (len(c.Series) + 2) / 3
	height := plotTop + plotHeight + labelSpace + float64(legendRows)*legendRow + 8
	plotW := width - plotLeft - plotRight
	y := func(v float64) float64 { return plotTop + plotHeight*(hi-v)/(hi-lo) }
	n := float64(len(c.Labels))
	slot := plotW / n
	x := func(i int) float64 { return plotLeft + slot*(float64(i)+0.5) }

	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" focusable="false">`,
		num(width), num(height), e(id), e(id))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, e(id), e(title), e(id), e(desc))
	b.WriteString(`<g font-family="system-ui, sans-serif" font-size="12" fill="#1f2937">`)
	// Grid and the value axis.
	for k := 0; k <= int(math.Round((hi-lo)/step)); k++ {
		v := lo + float64(k)*step
		yy := y(v)
		stroke := "#d1d5db"
		if math.Abs(v) < step/1e6 {
			v = 0
			stroke = "#4b5563"
		}
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
			num(plotLeft), num(yy), num(width-plotRight), num(yy), stroke)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`,
			num(plotLeft-6), num(yy), e(format(v)))
	}
	// The points' labels: every k-th when they would not fit.
	every := int(math.Ceil(n / 16))
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x(i)), num(plotTop+plotHeight+18), e(short(l, 14)))
	}
	// The series.
	base := y(math.Max(lo, math.Min(0, hi)))
	for si, s := range c.Series {
		colour := colours[si%len(colours)]
		switch c.Type {
		case "bar":
			group := slot * 0.8
			bw := group / float64(len(c.Series))
			for i, v := range s.Values {
				if math.IsNaN(v) {
					continue
				}
				x0 := x(i) - group/2 + bw*float64(si)
				top, bottom := math.Min(y(v), base), math.Max(y(v), base)
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
					num(x0), num(top), num(math.Max(bw-1, 1)), num(bottom-top), colour)
			}
		default:
			var pts []string
			for i, v := range s.Values {
				if math.IsNaN(v) {
					if len(pts) > 0 {
						polyline(&b, pts, colour, dashes[si%len(dashes)])
					}
					pts = nil
					continue
				}
				pts = append(pts, num(x(i))+","+num(y(v)))
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, num(x(i)), num(y(v)), colour)
			}
			if len(pts) > 0 {
				polyline(&b, pts, colour, dashes[si%len(dashes)])
			}
		}
	}
	// The legend, three series a row.
	for si, s := range c.Series {
		lx := plotLeft + float64(si%3)*(plotW/3)
		ly := plotTop + plotHeight + labelSpace - 8 + float64(si/3)*legendRow
		colour := colours[si%len(colours)]
		if c.Type == "bar" {
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="14" height="14" fill="%s"/>`, num(lx), num(ly-7), colour)
		} else {
			dash := ""
			if d := dashes[si%len(dashes)]; d != "" {
				dash = ` stroke-dasharray="` + d + `"`
			}
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"%s/>`, num(lx), num(ly), num(lx+14), num(ly), colour, dash)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" dominant-baseline="middle">%s</text>`, num(lx+20), num(ly), e(short(s.Name, 40)))
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}

func polyline(b *strings.Builder, pts []string, colour, dash string) {
	if dash != "" {
		dash = ` stroke-dasharray="` + dash + `"`
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(pts, " "), colour, dash)
}

// axis is the value axis: from lo to hi (0 included) by a round step.
func axis(c *Chart) (lo, hi, step float64) {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	step = niceStep((hi - lo) / 5)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	return lo, hi, step
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// short cuts a label to n characters.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
