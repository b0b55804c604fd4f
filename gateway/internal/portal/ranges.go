package portal

import (
	"strconv"
	"strings"
)

// byteRange is the part of a file an answer sends: length bytes from start.
type byteRange struct {
	start, length int64
}

// rangeAnswer is what a Range header asks of a file.
type rangeAnswer int

const (
	wholeFile     rangeAnswer = iota // no usable Range: 200 with the whole file
	partOfFile                       // one satisfiable range: 206
	unsatisfiable                    // a range that starts past the end: 416
)

// parseRange reads a Range header (RFC 9110 14.2) for a file of size bytes.
// It serves one range: a header asking for several (rare; download
// managers ask for one at a time) or one it cannot read is ignored, and the
// whole file sent, as the RFC allows.
func parseRange(header string, size int64) (byteRange, rangeAnswer) {
	whole := byteRange{0, size}
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return whole, wholeFile
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return whole, wholeFile
	}
	if first == "" { // bytes=-n: the last n bytes
		n, err := strconv.ParseInt(last, 10, 64)
		switch {
		case err != nil || n < 0:
			return whole, wholeFile
		case n == 0 || size == 0:
			return byteRange{}, unsatisfiable
		}
		n = min(n, size)
		return byteRange{size - n, n}, partOfFile
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return whole, wholeFile
	}
	end := size - 1
	if last != "" {
		if end, err = strconv.ParseInt(last, 10, 64); err != nil || end < start {
			return whole, wholeFile
		}
		end = min(end, size-1)
	}
	if start >= size {
		return byteRange{}, unsatisfiable
	}
	return byteRange{start, end - start + 1}, partOfFile
}
