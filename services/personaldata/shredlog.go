package personaldata

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// A ShredLog records, outside the database, the submissions whose data
// keys were destroyed: one line each, "RFC3339-time submission-id", appended
// and synced before Destroy or Shred returns. A database restored to a
// point before some deletions holds their data keys again; replaying the
// log (hubctl personal-data reshred) destroys them again, so a deletion
// survives a restore. Keep the log with the WAL archive and the base
// backups, not in the database. It holds ids only, never personal data.
type ShredLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// OpenShredLog opens (creating, mode 0600) the log at path for appending.
func OpenShredLog(path string) (*ShredLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("personal data shred log: %w", err)
	}
	return &ShredLog{path: path, f: f}, nil
}

// Record appends ids, destroyed at at, and syncs the file.
func (l *ShredLog) Record(ids []string, at time.Time) error {
	if l == nil || len(ids) == 0 {
		return nil
	}
	var b strings.Builder
	stamp := at.UTC().Format(time.RFC3339)
	for _, id := range ids {
		if strings.ContainsAny(id, " \n\r") {
			return fmt.Errorf("personal data shred log: submission id %q holds a space or a line break", id)
		}
		b.WriteString(stamp + " " + id + "\n")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.WriteString(b.String()); err != nil {
		return fmt.Errorf("personal data shred log %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("personal data shred log %s: %w", l.path, err)
	}
	return nil
}

// Close closes the log.
func (l *ShredLog) Close() error {
	if l == nil {
		return nil
	}
	return l.f.Close()
}

// ReadShredLog returns the submission ids a shred log holds, in order, once
// each. A last line without its line break (a crash while appending) is
// skipped; any other malformed line is an error.
func ReadShredLog(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("personal data shred log: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	// The text after the last line break: empty when the file ends with
	// one, else a line cut short.
	lines = lines[:len(lines)-1]
	seen := map[string]bool{}
	var ids []string
	for i, line := range lines {
		stamp, id, ok := strings.Cut(line, " ")
		if _, err := time.Parse(time.RFC3339, stamp); !ok || err != nil || id == "" || strings.Contains(id, " ") {
			return nil, fmt.Errorf("personal data shred log %s: line %d is not \"TIME SUBMISSION-ID\"", path, i+1)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
