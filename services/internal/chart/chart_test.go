package chart

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func parse(t *testing.T, svg string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<!doctype html><body>" + svg))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestBarsDrawsEveryValueWithItsNameAndDescription(t *testing.T) {
	b := Bars{ID: "act", Title: "Cập nhật mỗi ngày", Desc: "Nhiều nhất 5 <ngày 2>", Bars: []Bar{
		{Label: "01/11", Value: 0}, {Label: "02/11", Value: 5}, {Label: "03/11", Value: 2, Tip: "3 tháng 11: 2"},
	}}
	doc := parse(t, string(b.SVG()))
	svg := doc.Find("svg")
	if role, _ := svg.Attr("role"); role != "img" {
		t.Errorf("role %q, want img", role)
	}
	if got, _ := svg.Attr("aria-labelledby"); got != "act-title act-desc" {
		t.Errorf("aria-labelledby %q", got)
	}
	if got := doc.Find("#act-desc").Text(); got != "Nhiều nhất 5 <ngày 2>" {
		t.Errorf("desc %q (escaped text should read back as written)", got)
	}
	rects := doc.Find("rect")
	if rects.Length() != 3 {
		t.Fatalf("%d bars, want 3", rects.Length())
	}
	heights := make([]float64, 3)
	rects.Each(func(i int, r *goquery.Selection) {
		v, _ := r.Attr("height")
		heights[i], _ = strconv.ParseFloat(v, 64)
	})
	if heights[0] != 0 {
		t.Errorf("a zero bar has height %v", heights[0])
	}
	// 5 on an axis topped at 6 and 2: the taller bar is the larger value.
	if !(heights[1] > heights[2]) {
		t.Errorf("heights %v: 5 should be taller than 2", heights)
	}
	if got := rects.Eq(2).Find("title").Text(); got != "3 tháng 11: 2" {
		t.Errorf("tooltip %q", got)
	}
	if got := rects.Eq(1).Find("title").Text(); got != "02/11: 5" {
		t.Errorf("default tooltip %q", got)
	}
	if doc.Find("[style]").Length() != 0 {
		t.Error("style attributes break the console's CSP")
	}
}

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct{ in, want int }{{0, 2}, {1, 2}, {3, 4}, {5, 6}, {9, 10}, {11, 20}, {75, 80}, {101, 200}, {1234, 2000}} {
		if got := niceCeil(c.in); got != c.want {
			t.Errorf("niceCeil(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestHeatmapPlacesDaysOnTheirWeekday(t *testing.T) {
	// Wednesday 25 November 2026 to Tuesday 1 December: the first column
	// starts on Wednesday's row.
	start := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var days []Day
	for i := 0; i < 7; i++ {
		d := start.AddDate(0, 0, i)
		days = append(days, Day{Date: d, Count: i % 3, Off: d.Weekday() == time.Saturday || d.Weekday() == time.Sunday,
			Future: i == 6, Tip: d.Format("2006-01-02")})
	}
	m := Heatmap{ID: "hm", Title: "t", Desc: "d", Days: days, DayNames: [7]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"},
		Legend: [5]string{"nghỉ", "không", "1", "2-3", "4+"}}
	doc := parse(t, string(m.SVG()))
	cells := doc.Find("rect:has(title)")
	if cells.Length() != 7 {
		t.Fatalf("%d cells, want 7", cells.Length())
	}
	attr := func(i int, a string) string { v, _ := cells.Eq(i).Attr(a); return v }
	// Wednesday is row 2 of column 0; Monday 30 November is row 0 of column 1.
	if attr(0, "x") != "34" || attr(0, "y") != "44" {
		t.Errorf("Wednesday at (%s,%s), want (34,44)", attr(0, "x"), attr(0, "y"))
	}
	if attr(5, "x") != "53" || attr(5, "y") != "6" {
		t.Errorf("Monday at (%s,%s), want (53,6)", attr(5, "x"), attr(5, "y"))
	}
	// Two weeks are narrower than the legend: the drawing is as wide as the legend.
	if w, _ := doc.Find("svg").Attr("viewBox"); !strings.HasPrefix(w, "0 0 "+strconv.Itoa(legendWidth(m.Legend))+" ") {
		t.Errorf("viewBox %s, want the legend's width %d", w, legendWidth(m.Legend))
	}
	// Wednesday 25 had 0 on a working day: outlined as missing.
	if attr(0, "stroke") != missEdge {
		t.Errorf("a working day with nothing has stroke %q", attr(0, "stroke"))
	}
	// Saturday 28 (i=3, count 0) is a day off.
	if attr(3, "fill") != offColor {
		t.Errorf("Saturday fill %q, want the day-off grey", attr(3, "fill"))
	}
	if attr(6, "fill") != "#ffffff" {
		t.Errorf("a future day fill %q, want an outline", attr(6, "fill"))
	}
	if got := cells.Eq(1).Find("title").Text(); got != "2026-11-26" {
		t.Errorf("tooltip %q", got)
	}
}
