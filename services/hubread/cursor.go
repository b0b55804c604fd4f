package hubread

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Lists are paged by keyset, never by OFFSET: a page is the rows just after
// (or just before) the sort key of a row, so page 500 costs what page 1
// does and a row added meanwhile does not shift the pages. The ?page=
// parameter of a list's URL is a Cursor's String.

// PageSize is how many rows a list page shows.
const PageSize = 20

// ErrBadCursor means a page parameter is not a cursor of this list: a
// visitor's typo or a stale link, answered on the page, never a 500.
var ErrBadCursor = errors.New("bad cursor")

// maxCursorLen bounds an encoded cursor: real ones are under 200 bytes.
const maxCursorLen = 1024

// Direction says on which side of its key a cursor's page lies.
type Direction uint8

const (
	// After: the page starts just after the key, in the list's order (a
	// "next" link).
	After Direction = iota
	// Before: the page ends just before the key (a "previous" link).
	Before
)

// Cursor is a place in a keyset-paged list: the sort key of a row, field
// by field as the list defines it (times by KeyTime), and the direction.
type Cursor struct {
	Dir Direction
	Key []string
}

// KeyTime is the key field of a time: exact to the nanosecond, in UTC.
func KeyTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Time reads key field i as a time written by KeyTime.
func (c Cursor) Time(i int) (time.Time, error) {
	if i >= len(c.Key) {
		return time.Time{}, fmt.Errorf("cursor field %d: %w", i, ErrBadCursor)
	}
	t, err := time.Parse(time.RFC3339Nano, c.Key[i])
	if err != nil {
		return time.Time{}, fmt.Errorf("cursor field %d: %w", i, ErrBadCursor)
	}
	return t, nil
}

// String encodes the cursor for a URL: base64url of a JSON array, the
// direction ("a" or "b") first.
func (c Cursor) String() string {
	dir := "a"
	if c.Dir == Before {
		dir = "b"
	}
	b, _ := json.Marshal(append([]string{dir}, c.Key...)) // strings always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a cursor of a list whose sort key has fields fields.
// Anything else (garbage, another list's cursor) is ErrBadCursor.
func ParseCursor(s string, fields int) (Cursor, error) {
	if len(s) > maxCursorLen {
		return Cursor{}, fmt.Errorf("cursor too long: %w", ErrBadCursor)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("cursor: %w", ErrBadCursor)
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != fields+1 {
		return Cursor{}, fmt.Errorf("cursor: %w", ErrBadCursor)
	}
	c := Cursor{Key: parts[1:]}
	switch parts[0] {
	case "a":
		c.Dir = After
	case "b":
		c.Dir = Before
	default:
		return Cursor{}, fmt.Errorf("cursor direction: %w", ErrBadCursor)
	}
	return c, nil
}

// Page is one page of a list, in the list's order.
type Page[T any] struct {
	Rows []T
	// Prev and Next lead to the neighbouring pages; nil at either end. The
	// first page is the list's URL without a cursor.
	Prev, Next *Cursor
}

// paginate makes a page of rows that a query fetched with limit+1 rows in
// the cursor's direction: for no cursor or After, in the list's order; for
// Before, in the reverse order (nearest the key first). key is a row's sort
// key.
func paginate[T any](rows []T, limit int, cur *Cursor, key func(T) []string) Page[T] {
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	var p Page[T]
	if cur != nil && cur.Dir == Before {
		slices.Reverse(rows)
	}
	p.Rows = rows
	if len(rows) == 0 {
		// Past either end (the list shrank since the link was made): only
		// the first page leads anywhere.
		return p
	}
	first, last := key(rows[0]), key(rows[len(rows)-1])
	switch {
	case cur == nil:
		if more {
			p.Next = &Cursor{Dir: After, Key: last}
		}
	case cur.Dir == After:
		if more {
			p.Next = &Cursor{Dir: After, Key: last}
		}
		p.Prev = &Cursor{Dir: Before, Key: first} // at least the cursor's own row
	default: // Before
		if more {
			p.Prev = &Cursor{Dir: Before, Key: first}
		}
		p.Next = &Cursor{Dir: After, Key: last} // at least the cursor's own row
	}
	return p
}
