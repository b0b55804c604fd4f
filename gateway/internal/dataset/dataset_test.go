package dataset

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

const visitors = "\ufeffTháng;Khách quốc tế;Khách nội địa;Ghi chú\n" +
	"T1;420;560;\n" +
	"T2;455;595;\n" +
	"\n" +
	"T3;410;530;sơ bộ\n" +
	"T4;không có số liệu;640;\n"

func TestParseCSV(t *testing.T) {
	tb, err := ParseCSV([]byte(visitors))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tb.Header, "|"); got != "Tháng|Khách quốc tế|Khách nội địa|Ghi chú" {
		t.Errorf("header %q", got)
	}
	if len(tb.Rows) != 4 || tb.Rows[2][3] != "sơ bộ" || tb.Truncated {
		t.Errorf("rows %q, truncated %v", tb.Rows, tb.Truncated)
	}
	if tb.Column(" khách NỘI địa ") != 2 || tb.Column("Năm") != -1 {
		t.Error("Column does not find columns by their header")
	}
	for _, bad := range []string{"", "\n\n", "\xff\xfe;a"} {
		if _, err := ParseCSV([]byte(bad)); !errors.Is(err, ErrNotCSV) {
			t.Errorf("ParseCSV(%q): err %v, want ErrNotCSV", bad, err)
		}
	}
	var big strings.Builder
	big.WriteString("a,b\n")
	for range MaxRows + 5 {
		big.WriteString("1,2\n")
	}
	if tb, err := ParseCSV([]byte(big.String())); err != nil || len(tb.Rows) != MaxRows || !tb.Truncated {
		t.Errorf("a large file: %d rows, truncated %v, %v", len(tb.Rows), tb.Truncated, err)
	}
}

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.050", 1050, true}, {"1.234.567", 1234567, true}, {"1.234,5", 1234.5, true},
		{"1,050", 1050, true}, {"1,234.5", 1234.5, true}, {"1 380", 1380, true}, {"1\u00a0380", 1380, true},
		{"12,5", 12.5, true}, {"12.5", 12.5, true}, {"-40", -40, true}, {"980", 980, true},
		{"", 0, false}, {"sơ bộ", 0, false}, {"1.2.3", 0, false}, {"12%", 0, false},
	} {
		got, ok := ParseNumber(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestChart(t *testing.T) {
	tb, _ := ParseCSV([]byte(visitors))
	for _, typ := range []string{"bar", "line"} {
		c, err := Build(tb, Spec{Type: typ, Label: "Tháng", Values: []string{"Khách quốc tế", "Khách nội địa"}, Unit: "nghìn lượt"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Labels) != 4 || !math.IsNaN(c.Series[0].Values[3]) || c.Series[1].Values[3] != 640 {
			t.Errorf("%s: labels %v series %v", typ, c.Labels, c.Series)
		}
		facts := c.Facts()
		if len(facts) != 2 || facts[0].Max != (Extreme{455, "T2"}) || facts[0].Min != (Extreme{410, "T3"}) || facts[1].Max != (Extreme{640, "T4"}) {
			t.Errorf("%s: facts %+v", typ, facts)
		}
		svg := c.SVG("chart-1", "Lượt khách <theo tháng>", "Khách quốc tế cao nhất 455 (T2) & thấp nhất 410", func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) })
		checkSVG(t, typ, svg, map[string]int{"rect": map[string]int{"bar": 7 + 2, "line": 0}[typ], "polyline": map[string]int{"bar": 0, "line": 2}[typ]})
	}
	if _, err := Build(tb, Spec{Type: "pie", Label: "Tháng", Values: []string{"Khách quốc tế"}}); !errors.Is(err, ErrNoChart) {
		t.Errorf("a pie: %v", err)
	}
	if _, err := Build(tb, Spec{Type: "bar", Label: "Tháng", Values: []string{"Doanh thu"}}); !errors.Is(err, ErrNoChart) {
		t.Errorf("a missing column: %v", err)
	}
	if _, err := Build(tb, Spec{Type: "bar", Label: "Tháng", Values: []string{"Ghi chú"}}); !errors.Is(err, ErrNoChart) {
		t.Errorf("a column without numbers: %v", err)
	}
}

// checkSVG parses the SVG as XML and checks its accessible name and
// description and how many of some elements it has.
func checkSVG(t *testing.T, name, svg string, want map[string]int) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	got := map[string]int{}
	var root *xml.StartElement
	var stack []string
	texts := map[string]string{}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: SVG is not well-formed XML: %v\n%s", name, err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == nil {
				r := x.Copy()
				root = &r
			}
			got[x.Name.Local]++
			stack = append(stack, x.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				texts[stack[len(stack)-1]] += string(x)
			}
		}
	}
	attr := func(n string) string {
		for _, a := range root.Attr {
			if a.Name.Local == n {
				return a.Value
			}
		}
		return ""
	}
	if root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" || attr("role") != "img" ||
		attr("aria-labelledby") != "chart-1-title chart-1-desc" {
		t.Errorf("%s: root %+v", name, root)
	}
	if texts["title"] != "Lượt khách <theo tháng>" || !strings.Contains(texts["desc"], "& thấp nhất") {
		t.Errorf("%s: title %q desc %q", name, texts["title"], texts["desc"])
	}
	for el, n := range want {
		if got[el] != n {
			t.Errorf("%s: %d <%s>, want %d", name, got[el], el, n)
		}
	}
	if got["script"] != 0 || got["foreignObject"] != 0 {
		t.Errorf("%s: active content in the chart", name)
	}
}
