// Package chart draws the console's charts as SVG on the server: a bar
// chart of counts per day and a calendar heatmap of days. Each chart is an
// <svg role="img"> with a <title> and a <desc> (its text description) and a
// <title> on every bar or cell; the page beside it carries the same numbers
// as a <table>. No script, no style attribute (the console's CSP allows
// neither): colours are SVG presentation attributes.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one bar: its label (shown under the axis when there is room and
// always in its tooltip) and its value.
type Bar struct {
	Label string
	Value int
	// Tip is the bar's tooltip; "" is "Label: Value".
	Tip string
}

// Bars describes a bar chart.
type Bars struct {
	ID    string // prefix of the ids of its <title> and <desc>, unique in the page
	Title string
	Desc  string // a sentence saying what the chart shows and its extremes
	Bars  []Bar
	// Width and Height of the drawing, in user units (the SVG scales to
	// its container's width).
	Width, Height int
}

const (
	axisLeft   = 40
	axisBottom = 28
	padTop     = 10
	padRight   = 8
	barColor   = "#1d4f91" // 8.6:1 on white
	axisColor  = "#505a5f"
	textColor  = "#0b0c0c"
)

// SVG draws the bar chart.
func (b Bars) SVG() template.HTML {
	w, h := b.Width, b.Height
	if w <= 0 {
		w = 720
	}
	if h <= 0 {
		h = 220
	}
	max := 0
	for _, x := range b.Bars {
		if x.Value > max {
			max = x.Value
		}
	}
	top := niceCeil(max)
	plotW, plotH := float64(w-axisLeft-padRight), float64(h-axisBottom-padTop)
	var s strings.Builder
	open(&s, b.ID, b.Title, b.Desc, w, h, "chart", false)
	// Horizontal grid lines and the value axis: 0, top/2, top.
	for _, v := range []int{0, top / 2, top} {
		y := float64(padTop) + plotH - plotH*float64(v)/float64(top)
		fmt.Fprintf(&s, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="%s"/>`,
			axisLeft, w-padRight, y, y, axisColor, map[bool]string{true: "1", false: "0.3"}[v == 0])
		fmt.Fprintf(&s, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="%s">%d</text>`, axisLeft-4, y+4, textColor, v)
	}
	n := len(b.Bars)
	if n > 0 {
		slot := plotW / float64(n)
		barW := slot * 0.7
		every := labelEvery(n, plotW)
		for i, x := range b.Bars {
			bh := plotH * float64(x.Value) / float64(top)
			bx := float64(axisLeft) + slot*float64(i) + (slot-barW)/2
			by := float64(padTop) + plotH - bh
			tip := x.Tip
			if tip == "" {
				tip = fmt.Sprintf("%s: %d", x.Label, x.Value)
			}
			fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				bx, by, barW, bh, barColor, html.EscapeString(tip))
			if i%every == 0 {
				fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle" fill="%s">%s</text>`,
					bx+barW/2, h-axisBottom+16, textColor, html.EscapeString(x.Label))
			}
		}
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// open writes the <svg> element with its accessible name and description.
// A chart sized by its container (the bar chart) has only a viewBox; one
// drawn at its own size (the heatmap: a few weeks must not fill a wide
// screen) also has width and height.
func open(s *strings.Builder, id, title, desc string, w, h int, class string, natural bool) {
	id = html.EscapeString(id)
	size := ""
	if natural {
		// One and a half times the drawing: cells big enough to point at.
		size = fmt.Sprintf(` width="%d" height="%d"`, w*3/2, h*3/2)
	}
	fmt.Fprintf(s, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d"%s role="img" aria-labelledby="%s-title %s-desc" class="%s">`,
		w, h, size, id, id, class)
	fmt.Fprintf(s, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, html.EscapeString(title), id, html.EscapeString(desc))
}

// niceCeil rounds max up to a number the axis can halve evenly: at least 2.
func niceCeil(max int) int {
	if max <= 2 {
		return 2
	}
	step := 1
	for step*10 < max {
		step *= 10
	}
	for _, m := range []int{2, 4, 6, 8, 10} {
		if step*m >= max {
			return step * m
		}
	}
	return step * 10
}

// labelEvery is how many bars apart labels are written so that they do not
// overlap (about 40 units each).
func labelEvery(n int, width float64) int {
	fit := int(width / 40)
	if fit < 1 {
		fit = 1
	}
	return (n + fit - 1) / fit
}
