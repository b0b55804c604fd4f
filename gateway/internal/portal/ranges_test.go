package portal

import "testing"

func TestParseRange(t *testing.T) {
	for _, tt := range []struct {
		header string
		size   int64
		want   byteRange
		answer rangeAnswer
	}{
		{"", 100, byteRange{0, 100}, wholeFile},
		{"bytes=0-9", 100, byteRange{0, 10}, partOfFile},
		{"bytes=90-", 100, byteRange{90, 10}, partOfFile},
		{"bytes=90-1000", 100, byteRange{90, 10}, partOfFile},
		{"bytes=-10", 100, byteRange{90, 10}, partOfFile},
		{"bytes=-1000", 100, byteRange{0, 100}, partOfFile},
		{"bytes= 5-5", 100, byteRange{5, 1}, partOfFile},
		{"bytes=100-", 100, byteRange{}, unsatisfiable},
		{"bytes=-0", 100, byteRange{}, unsatisfiable},
		{"bytes=0-", 0, byteRange{}, unsatisfiable},
		{"bytes=-5", 0, byteRange{}, unsatisfiable},
		{"bytes=0-1,4-5", 100, byteRange{0, 100}, wholeFile},
		{"bytes=9-2", 100, byteRange{0, 100}, wholeFile},
		{"bytes=x-2", 100, byteRange{0, 100}, wholeFile},
		{"bytes=-x", 100, byteRange{0, 100}, wholeFile},
		{"bytes=-1-2", 100, byteRange{0, 100}, wholeFile},
		{"bytes=5", 100, byteRange{0, 100}, wholeFile},
		{"items=0-9", 100, byteRange{0, 100}, wholeFile},
	} {
		got, answer := parseRange(tt.header, tt.size)
		if got != tt.want || answer != tt.answer {
			t.Errorf("parseRange(%q, %d) = %v %v, want %v %v", tt.header, tt.size, got, answer, tt.want, tt.answer)
		}
	}
}
