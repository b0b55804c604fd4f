package portal

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
)

// MissCounter counts the searches that found nothing, for the ops team
// (which words visitors look for that the portal lacks), without personal
// data: only the query's folded words are kept, with a count per day;
// words holding five or more digits (telephone, ID card and file numbers)
// are left out, a query with an e-mail address is not counted, and nothing
// about the visitor is. Counts are kept in memory and added to the hub's
// search_misses table every flush interval, through a connection that may
// write (the gateway otherwise reads from replicas).
type MissCounter struct {
	pool  Execer
	log   zerolog.Logger
	every time.Duration

	mu     sync.Mutex
	counts map[missKey]int64
}

type missKey struct {
	day   string // YYYY-MM-DD in Vietnam's time
	query string
}

// maxMissesPerFlush bounds the distinct queries kept between two flushes,
// so that a flood of random queries cannot grow memory or the table.
const maxMissesPerFlush = 1000

// Execer runs a statement: a pool connected to the hub's primary as a role
// that may write search_misses (portalhub_search_counter).
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// NewMissCounter returns a counter writing through pool every interval.
func NewMissCounter(pool Execer, every time.Duration, log zerolog.Logger) *MissCounter {
	return &MissCounter{pool: pool, every: every, log: log, counts: map[missKey]int64{}}
}

// Add counts one search for normalized (folded words) that found nothing.
func (m *MissCounter) Add(raw, normalized string) {
	if m == nil || strings.Contains(raw, "@") {
		return
	}
	var words []string
	for _, w := range strings.Fields(normalized) {
		digits := 0
		for _, r := range w {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if digits < 5 {
			words = append(words, w)
		}
	}
	q := cut(strings.Join(words, " "), 200)
	if q == "" {
		return
	}
	key := missKey{day: time.Now().In(hcmc).Format("2006-01-02"), query: q}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.counts[key]; !ok && len(m.counts) >= maxMissesPerFlush {
		return
	}
	m.counts[key]++
}

// Run flushes the counts every interval until ctx ends, then once more.
func (m *MissCounter) Run(ctx context.Context) {
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			m.Flush(fctx)
			cancel()
			return
		case <-t.C:
			m.Flush(ctx)
		}
	}
}

// Flush adds the counts kept so far to the table; counts it could not
// write are dropped (they are statistics) and the failure logged.
func (m *MissCounter) Flush(ctx context.Context) {
	m.mu.Lock()
	counts := m.counts
	m.counts = map[missKey]int64{}
	m.mu.Unlock()
	if len(counts) == 0 {
		return
	}
	days, queries, ns := make([]string, 0, len(counts)), make([]string, 0, len(counts)), make([]int64, 0, len(counts))
	for k, n := range counts {
		days, queries, ns = append(days, k.day), append(queries, k.query), append(ns, n)
	}
	_, err := m.pool.Exec(ctx, `INSERT INTO search_misses (day, query, count)
		SELECT d::date, q, n FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u (d, q, n)
		ORDER BY d, q
		ON CONFLICT (day, query) DO UPDATE SET count = search_misses.count + EXCLUDED.count`, days, queries, ns)
	if err != nil {
		m.log.Warn().Err(err).Int("queries", len(counts)).Msg("could not record searches that found nothing")
	}
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// countMiss counts a search that found nothing.
func (s *Server) countMiss(r *searchRequest) {
	s.cfg.SearchMisses.Add(r.raw, r.query.Normalized())
}
