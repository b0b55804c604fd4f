package vnenc

import (
	"strconv"
	"strings"
	"testing"
)

// The memo answers as its function does, keeps no long word and never more
// than memoWords answers.
func TestMemo(t *testing.T) {
	calls := 0
	m := memo[int]{f: func(w string) int { calls++; return len(w) }}
	for range 2 {
		if got := m.get("Việt"); got != len("Việt") {
			t.Fatalf("get = %d", got)
		}
	}
	if calls != 1 {
		t.Errorf("%d calls for one word asked twice, want 1", calls)
	}
	long := strings.Repeat("a", memoLen+1)
	m.get(long)
	if _, kept := m.m[long]; kept {
		t.Error("a word over memoLen bytes was kept")
	}
	for i := range memoWords + 10 {
		m.get(strconv.Itoa(i))
	}
	if len(m.m) > memoWords {
		t.Errorf("%d answers kept, at most %d", len(m.m), memoWords)
	}
	// The memoised judges answer as the functions they remember.
	for _, w := range []string{"Việt", "chÝnh", "caù", "Th«ng", "NĐ-CP", "Москва", ""} {
		if countSyllables(w) != judgeSyllables(w) || wellTyped(w) != judgeWellTyped(w) {
			t.Errorf("memo of %q differs from its judge", w)
		}
	}
}
