package contentrules

import (
	"bytes"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func TestCSVHeader(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{"commas", "Tháng,Khách quốc tế,Khách nội địa\n1,420,560\n", []string{"Tháng", "Khách quốc tế", "Khách nội địa"}},
		{"semicolons, as Vietnamese spreadsheets write", "\ufeffTháng;Doanh thu (tỷ đồng)\n1;1,5\n", []string{"Tháng", "Doanh thu (tỷ đồng)"}},
		{"quoted, with space and blank lines first", "\n , \n\" Tháng \",\"a, b\"\n", []string{"Tháng", "a, b"}},
		{"no newline", "Năm,Dân số", []string{"Năm", "Dân số"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CSVHeader([]byte(tt.data))
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("CSVHeader = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for name, data := range map[string][]byte{
		"empty":          nil,
		"only blanks":    []byte("\n,,\n , \n"),
		"not UTF-8":      []byte("Th\xe1ng,a\n"),
		"endless header": bytes.Repeat([]byte("a,"), CSVHeaderPrefix/2),
	} {
		if got, err := CSVHeader(data); err == nil {
			t.Errorf("%s: CSVHeader = %q, want an error", name, got)
		}
	}
}

func TestCheckChartColumns(t *testing.T) {
	csv := []byte("Tháng,Khách quốc tế,Khách nội địa\n1,420,560\n")
	ds := func(label string, values ...string) *pb.Dataset {
		return &pb.Dataset{Chart: &pb.DatasetChart{Type: "bar", LabelColumn: label, ValueColumns: values}}
	}
	if vs := CheckChartColumns(ds("tháng", "KHÁCH QUỐC TẾ ", "Khách nội địa"), csv); len(vs) != 0 {
		t.Errorf("columns in any case and spacing: %+v, want none", vs)
	}
	if vs := CheckChartColumns(&pb.Dataset{}, nil); len(vs) != 0 {
		t.Errorf("no chart: %+v, want none", vs)
	}
	vs := CheckChartColumns(ds("Năm", "Khách quốc tế", "Khách Nga"), csv)
	if len(vs) != 2 || vs[0].Field != "item.dataset.chart.label_column" || vs[1].Field != "item.dataset.chart.value_columns[1]" {
		t.Fatalf("violations %+v, want the label column and value column 1", vs)
	}
	for _, v := range vs {
		if v.Reason != ReasonDetailsMismatch || !strings.Contains(v.MessageVI, "Tháng, Khách quốc tế, Khách nội địa") {
			t.Errorf("violation %+v: want DETAILS_MISMATCH naming the file's columns", v)
		}
	}
	if !strings.Contains(vs[1].MessageVI, "“Khách Nga”") || !strings.Contains(vs[0].MessageVI, "“Năm”") {
		t.Errorf("messages %q, %q: want the missing columns named", vs[0].MessageVI, vs[1].MessageVI)
	}
	vs = CheckChartColumns(ds("Tháng", "a"), []byte{0xff, 0xfe, 0})
	if len(vs) != 1 || vs[0].Field != "item.dataset.data_sha256" {
		t.Errorf("unreadable file: %+v, want one violation on the data file", vs)
	}
}
