package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"
)

// Day is one cell of a calendar heatmap.
type Day struct {
	Date  time.Time // its day (the time of day is ignored)
	Count int
	Off   bool // not a working day: weekend or holiday
	// Future days are drawn as outlines: nothing could happen there yet.
	Future bool
	Tip    string // the cell's tooltip
}

// Heatmap is a calendar heatmap: one column per week (Monday on top), one
// cell per day, darker for more. Days off are grey; a working day with
// nothing is pale with a red border, so missing days stand out without
// relying on colour alone (the border is drawn, the legend names it).
type Heatmap struct {
	ID, Title, Desc string
	Days            []Day     // consecutive days, any weekday first
	DayNames        [7]string // Monday first
	// Legend holds the texts of the legend: day off, nothing, 1, 2-3, 4+.
	Legend [5]string
}

const (
	cell     = 16
	gap      = 3
	left     = 34
	topPad   = 6
	offColor = "#d8dadb"
	missEdge = "#b10e1e"
)

// steps are the fills of 0, 1, 2-3 and 4+ updates.
var steps = [4]string{"#f3f2f1", "#9bc1e6", "#3f7fc1", "#0b3a73"}

func stepOf(n int) int {
	switch {
	case n <= 0:
		return 0
	case n == 1:
		return 1
	case n <= 3:
		return 2
	}
	return 3
}

// legendStep is the width a legend entry takes: its swatch and its text
// (about 6 units a character at font size 10).
func legendStep(text string) int { return cell + 8 + 6*len([]rune(text)) }

func legendWidth(legend [5]string) int {
	w := 0
	for _, t := range legend {
		if t != "" {
			w += legendStep(t)
		}
	}
	return w
}

// SVG draws the heatmap.
func (m Heatmap) SVG() template.HTML {
	if len(m.Days) == 0 {
		return ""
	}
	first := m.Days[0].Date
	offset := (int(first.Weekday()) + 6) % 7 // Monday is row 0
	weeks := (offset + len(m.Days) + 6) / 7
	gridH := topPad + 7*(cell+gap)
	h := gridH + 30
	w := max(left+weeks*(cell+gap)+4, legendWidth(m.Legend))
	var s strings.Builder
	open(&s, m.ID, m.Title, m.Desc, w, h, "chart heatmap", true)
	for r, name := range m.DayNames {
		if r%2 == 1 {
			continue // every other name, as calendars do, so they fit
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="%s">%s</text>`,
			left-4, topPad+r*(cell+gap)+cell-3, textColor, html.EscapeString(name))
	}
	for i, d := range m.Days {
		p := offset + i
		x, y := left+(p/7)*(cell+gap), topPad+(p%7)*(cell+gap)
		fill, stroke := steps[stepOf(d.Count)], "none"
		switch {
		case d.Future:
			fill, stroke = "#ffffff", axisColor
		case d.Off && d.Count == 0:
			fill = offColor
		case !d.Off && d.Count == 0:
			stroke = missEdge
		}
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="%s"><title>%s</title></rect>`,
			x, y, cell, cell, fill, stroke, html.EscapeString(d.Tip))
	}
	// Legend under the grid.
	lx := 0
	items := []struct{ fill, stroke string }{{offColor, "none"}, {steps[0], missEdge}, {steps[1], "none"}, {steps[2], "none"}, {steps[3], "none"}}
	for i, it := range items {
		if m.Legend[i] == "" {
			continue
		}
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="%s"/>`, lx, gridH+8, cell-4, cell-4, it.fill, it.stroke)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" fill="%s">%s</text>`, lx+cell, gridH+17, textColor, html.EscapeString(m.Legend[i]))
		lx += legendStep(m.Legend[i])
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
