package hubread

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2025, 7, 1, 8, 0, 0, 123456000, time.FixedZone("ICT", 7*3600))
	for _, c := range []Cursor{
		{Dir: After, Key: []string{KeyTime(at), "so-du-lich", "tin-1"}},
		{Dir: Before, Key: []string{KeyTime(at), "xã-đặc-biệt", `"quoted"/slash`}},
	} {
		s := c.String()
		got, err := ParseCursor(s, 3)
		if err != nil {
			t.Fatalf("ParseCursor(%q): %v", s, err)
		}
		if got.Dir != c.Dir || fmt.Sprint(got.Key) != fmt.Sprint(c.Key) {
			t.Errorf("round trip of %+v = %+v", c, got)
		}
		if tm, err := got.Time(0); err != nil || !tm.Equal(at) {
			t.Errorf("Time(0) = %v, %v; want %v", tm, err, at)
		}
	}
}

func TestParseCursorRefusesWhatItDidNotMake(t *testing.T) {
	for _, s := range []string{
		"", "!!!", "bm90IGpzb24", // "not json"
		Cursor{Dir: After, Key: []string{"x"}}.String(), // another list's key
		"WyJ6IiwiYSIsImIiLCJjIl0",                       // ["z","a","b","c"]: unknown direction
		strings.Repeat("A", 1100),                       // too long
	} {
		if _, err := ParseCursor(s, 3); !errors.Is(err, ErrBadCursor) {
			t.Errorf("ParseCursor(%.40q) = %v, want ErrBadCursor", s, err)
		}
	}
	c, _ := ParseCursor(Cursor{Key: []string{"yesterday", "a", "b"}}.String(), 3)
	if _, err := c.Time(0); !errors.Is(err, ErrBadCursor) {
		t.Errorf("Time of a non-time = %v, want ErrBadCursor", err)
	}
}

func TestPaginate(t *testing.T) {
	key := func(n int) []string { return []string{fmt.Sprint(n)} }
	seq := func(from, to int) []int { // inclusive, in the order given
		var out []int
		for i := from; ; {
			out = append(out, i)
			if i == to {
				return out
			}
			if from < to {
				i++
			} else {
				i--
			}
		}
	}
	after := &Cursor{Dir: After, Key: key(0)}
	before := &Cursor{Dir: Before, Key: key(99)}
	tests := []struct {
		name       string
		rows       []int
		cur        *Cursor
		want       string
		prev, next string
	}{
		{"first, more", seq(1, 4), nil, "[1 2 3]", "", "3"},
		{"first, all", seq(1, 3), nil, "[1 2 3]", "", ""},
		{"after, more", seq(4, 7), after, "[4 5 6]", "4", "6"},
		{"after, last", seq(4, 5), after, "[4 5]", "4", ""},
		{"before, more", seq(9, 6), before, "[7 8 9]", "7", "9"},  // fetched nearest first
		{"before, at start", seq(2, 1), before, "[1 2]", "", "2"}, // the first rows
		{"empty after", nil, after, "[]", "", ""},
		{"empty before", nil, before, "[]", "", ""},
	}
	for _, tt := range tests {
		p := paginate(tt.rows, 3, tt.cur, key)
		str := func(c *Cursor, dir Direction) string {
			if c == nil {
				return ""
			}
			if c.Dir != dir {
				t.Errorf("%s: cursor direction %d, want %d", tt.name, c.Dir, dir)
			}
			return c.Key[0]
		}
		if got := fmt.Sprint(p.Rows); got != tt.want {
			t.Errorf("%s: rows %s, want %s", tt.name, got, tt.want)
		}
		if got := str(p.Prev, Before); got != tt.prev {
			t.Errorf("%s: prev %q, want %q", tt.name, got, tt.prev)
		}
		if got := str(p.Next, After); got != tt.next {
			t.Errorf("%s: next %q, want %q", tt.name, got, tt.next)
		}
	}
}
