package supervise

import (
	"strings"
	"sync"
)

// lastLines keeps the last lines a child wrote (each Write is one line, as
// prefixLines writes them), so that a child that exits before it is ready
// says why in the error even when its output is discarded.
type lastLines struct {
	mu    sync.Mutex
	lines []string
}

const (
	keptLines   = 15
	keptLineLen = 600
)

func (l *lastLines) Write(p []byte) (int, error) {
	line := strings.TrimRight(string(p), "\n")
	if len(line) > keptLineLen {
		line = line[:keptLineLen] + "…"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == keptLines {
		copy(l.lines, l.lines[1:])
		l.lines = l.lines[:keptLines-1]
	}
	l.lines = append(l.lines, line)
	return len(p), nil
}

// String is the kept lines, each indented, or "(no output)".
func (l *lastLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == 0 {
		return "(no output)"
	}
	return "\n\t" + strings.Join(l.lines, "\n\t")
}
