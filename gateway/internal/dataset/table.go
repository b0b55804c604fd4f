// Package dataset turns a dataset's CSV file (Article 8.10) into what its
// page shows: the data as a table, and a chart drawn as SVG on the server
// from the dataset's chart spec (bar or line), with the facts a text
// alternative states (how many points, each series' lowest and highest).
package dataset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of what a page shows of a file: a larger file is shown in part
// (Truncated), and downloaded whole.
const (
	MaxRows    = 500
	MaxColumns = 30
	MaxCell    = 500 // characters shown of a cell
)

// Table is a CSV file's header and rows, every row as long as the header.
type Table struct {
	Header []string
	Rows   [][]string
	// Truncated says the file has more rows or columns than the table.
	Truncated bool
}

// ErrNotCSV means the file is not a CSV table the page can show.
var ErrNotCSV = errors.New("not a CSV table")

// ParseCSV reads a CSV file in UTF-8 (a byte-order mark is dropped),
// separated by commas or, as spreadsheets write it in Vietnamese, by
// semicolons; the first row is the header.
func ParseCSV(data []byte) (*Table, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrNotCSV)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.Comma = separator(data)
	t := &Table{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNotCSV, err)
		}
		if blank(rec) {
			continue
		}
		if len(rec) > MaxColumns {
			rec, t.Truncated = rec[:MaxColumns], true
		}
		for i, c := range rec {
			rec[i] = clip(strings.TrimSpace(c))
		}
		if t.Header == nil {
			t.Header = rec
			continue
		}
		if len(t.Rows) == MaxRows {
			t.Truncated = true
			break
		}
		row := make([]string, len(t.Header))
		copy(row, rec)
		t.Rows = append(t.Rows, row)
	}
	if len(t.Header) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrNotCSV)
	}
	return t, nil
}

// separator is ';' when the first line has more semicolons than commas.
func separator(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxCell {
		return s
	}
	return string([]rune(s)[:MaxCell]) + "…"
}

// Column is the index of the column headed name (compared without case or
// surrounding space), or -1.
func (t *Table) Column(name string) int {
	for i, h := range t.Header {
		if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

var (
	// 1.234.567 or 1.234,5 (Vietnamese, Russian with a dot) and 1,234,567
	// or 1,234.5 (English) group thousands; 1 234 567 (Russian) too.
	dotGroups   = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+(,\d+)?$`)
	commaGroups = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+(\.\d+)?$`)
	plain       = regexp.MustCompile(`^-?\d+([.,]\d+)?$`)
)

// ParseNumber reads a figure as a Vietnamese, English or Russian table
// writes it (thousands grouped by dots, commas or spaces; a decimal comma
// or point); ok is false for anything else (a note, an empty cell).
func ParseNumber(s string) (v float64, ok bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	switch {
	case dotGroups.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case commaGroups.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case plain.MatchString(s):
		s = strings.Replace(s, ",", ".", 1)
	default:
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
