package vnenc

import (
	"strings"
	"sync"
)

// memo remembers the answers of a pure function of a word: a text asks
// about the same few thousand syllables again and again, in each reading.
// It keeps at most memoWords answers (then it starts afresh), and none for
// a word longer than memoLen bytes, so no text can make it grow without
// bound.
type memo[T any] struct {
	f  func(string) T
	mu sync.Mutex
	m  map[string]T
}

const (
	memoWords = 1 << 16
	memoLen   = 64
)

func (c *memo[T]) get(w string) T {
	if len(w) > memoLen {
		return c.f(w)
	}
	c.mu.Lock()
	v, ok := c.m[w]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = c.f(w)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= memoWords {
		c.m = make(map[string]T)
	}
	c.m[strings.Clone(w)] = v // not a slice of the caller's text, which it would keep alive
	c.mu.Unlock()
	return v
}

var (
	syllableMemo  = memo[counts]{f: judgeSyllables}
	wellTypedMemo = memo[bool]{f: judgeWellTyped}
)

// countSyllables judges the runs of letters in w (see judgeSyllables).
func countSyllables(w string) counts { return syllableMemo.get(w) }

// wellTyped reports whether w's tone marks sit where they belong (see
// judgeWellTyped).
func wellTyped(w string) bool { return wellTypedMemo.get(w) }
