package contentrules

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// A dataset's chart names columns of its CSV file, which the item does not
// carry: whoever holds the file (the sub-portal's store and back office)
// checks the names against the file's header with CheckChartColumns, so
// that a chart the portal could not draw is refused with the missing
// column's name instead of silently not shown.

// CSVHeaderPrefix is how much of a CSV file CSVHeader needs: its header
// must end within it.
const CSVHeaderPrefix = 64 << 10

// CSVHeader returns the header of a CSV file as the portal reads it: UTF-8
// (a byte-order mark is dropped), separated by commas or, as spreadsheets
// write it in Vietnamese, by semicolons (when the first line has more of
// them), the first non-blank row, each cell trimmed. data may be only the
// file's first CSVHeaderPrefix bytes.
func CSVHeader(data []byte) ([]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	line, _, complete := bytes.Cut(data, []byte("\n"))
	if !complete && len(data) >= CSVHeaderPrefix {
		return nil, errors.New("the first line is longer than 64 KiB")
	}
	if !utf8.Valid(line) {
		return nil, errors.New("not UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty")
		}
		if err != nil {
			return nil, err
		}
		blank := true
		for i, c := range rec {
			rec[i] = strings.TrimSpace(c)
			blank = blank && rec[i] == ""
		}
		if !blank {
			return rec, nil
		}
	}
}

// columnKey is a column name as columns are matched: without surrounding
// space or case.
func columnKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckChartColumns checks that the columns ds's chart names are in the
// header of its data file (data: the file, or its first CSVHeaderPrefix
// bytes). It returns violations on the chart's fields
// ("item.dataset.chart.label_column", "item.dataset.chart.value_columns[1]")
// naming the missing column and the file's columns, or one on
// "item.dataset.data_sha256" when the file has no readable header; none
// when the dataset has no chart.
func CheckChartColumns(ds *pb.Dataset, data []byte) []Violation {
	ch := ds.GetChart()
	if ch == nil {
		return nil
	}
	header, err := CSVHeader(data)
	if err != nil {
		return []Violation{violation("item.dataset.data_sha256", ReasonDetailsMismatch,
			fmt.Sprintf("the data file has no readable CSV header (%v)", err),
			"Tệp dữ liệu không đọc được như bảng CSV UTF-8 có dòng tiêu đề, nên không vẽ được biểu đồ")}
	}
	have := map[string]bool{}
	for _, h := range header {
		have[columnKey(h)] = true
	}
	cols := strings.Join(header, ", ")
	var vs []Violation
	missing := func(field, col, labelVI string) {
		vs = append(vs, violation(field, ReasonDetailsMismatch,
			fmt.Sprintf("the data file has no column %q (its columns: %s)", col, cols),
			fmt.Sprintf("%s: tệp dữ liệu không có cột “%s” (các cột của tệp: %s)", labelVI, col, cols)))
	}
	if l := ch.GetLabelColumn(); l != "" && !have[columnKey(l)] {
		missing("item.dataset.chart.label_column", l, "Cột nhãn của biểu đồ")
	}
	for i, v := range ch.GetValueColumns() {
		if v != "" && !have[columnKey(v)] {
			missing(fmt.Sprintf("item.dataset.chart.value_columns[%d]", i), v, "Cột số liệu của biểu đồ")
		}
	}
	return vs
}
