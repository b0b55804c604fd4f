// Package viewcount counts page views in the gateway's memory, per page
// and day (Article 5.2.h of the regulation), humans and bots apart, and
// hands the counts over in batches to be written to the hub.
//
// Counting sits on the page cache's hit path, which issue 9 keeps near
// bare Go: a view of a page already seen that day takes no lock and
// allocates nothing. The counters are spread over shards by a hash of the
// page's key; each shard holds an immutable map of key to counter cell,
// swapped whole (copy on write) when new keys are promoted into it, so a
// reader only loads a pointer, looks the key up and adds to two atomic
// integers. A key's first views of the day go through the shard's mutex
// (a pending map) until the pending keys are promoted. Nothing about the
// visitor is kept: no address, no cookie, no User-Agent (it only decides
// human or bot, see IsBot).
package viewcount

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Zone is the time zone of the statistics' days (GMT+7, no daylight
// saving), as the compliance counts use.
var Zone = time.FixedZone("GMT+7", 7*3600)

// Overflow is the key views are counted under once a day already holds
// MaxKeys distinct keys (a flood of made-up URLs cannot grow memory).
const Overflow = ""

const nShards = 64 // a power of two

// Config sets up a Counter.
type Config struct {
	// MaxKeys bounds the distinct keys counted per day; default 100,000.
	MaxKeys int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Registerer receives the counts' metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Counter counts views. Its methods are safe for concurrent use; a nil
// *Counter counts nothing.
type Counter struct {
	cfg  Config
	seed maphash.Seed
	cur  atomic.Pointer[day]
	keys atomic.Int64 // distinct keys of the current day
	uas  [uaSlots]atomic.Uint64

	mu      sync.Mutex // rotation and retired
	retired []*day

	views, bots, overflow prometheus.Counter
}

// day holds the counts of one day (in Zone).
type day struct {
	date   string // YYYY-MM-DD
	end    int64  // Unix nanoseconds of the day's end
	shards [nShards]shard
	// drains counts the drains after the day ended; a retired day is
	// dropped after its second (a view that loaded it just before the
	// rotation has landed by then).
	drains int
}

type shard struct {
	read    atomic.Pointer[map[string]*cell]
	mu      sync.Mutex
	pending map[string]*cell
	_       [40]byte // keep shards on their own cache lines
}

type cell struct {
	human, bot atomic.Int64
}

// New returns a counter.
func New(cfg Config) *Counter {
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = 100_000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Counter{cfg: cfg, seed: maphash.MakeSeed(),
		views: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_page_views_total",
			Help: "Page views counted (pages served with status 200, and their 304s), bots excluded; added when the counts are flushed."}),
		bots: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_bot_views_total",
			Help: "Page views by bots (told by the User-Agent), counted apart; added when the counts are flushed."}),
		overflow: prometheus.NewCounter(prometheus.CounterOpts{Name: "portalhub_gateway_page_views_overflow_total",
			Help: "Views counted without their page because the day already held the most distinct pages kept (GATEWAY_VIEWS_MAX_PAGES)."}),
	}
	c.cur.Store(newDay(cfg.Now()))
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(c.views, c.bots, c.overflow)
	}
	return c
}

func newDay(now time.Time) *day {
	t := now.In(Zone)
	y, m, d := t.Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, Zone)
	dd := &day{date: t.Format(time.DateOnly), end: next.UnixNano()}
	for i := range dd.shards {
		empty := map[string]*cell{}
		dd.shards[i].read.Store(&empty)
	}
	return dd
}

// View counts one view of the page known by key (the page cache's key) by
// a client sending userAgent.
func (c *Counter) View(key, userAgent string) {
	if c == nil {
		return
	}
	now := c.cfg.Now().UnixNano()
	d := c.cur.Load()
	if now >= d.end {
		d = c.rotate()
	}
	sh := &d.shards[maphash.String(c.seed, key)&(nShards-1)]
	cl := (*sh.read.Load())[key]
	if cl == nil {
		cl = c.slow(sh, key)
	}
	if c.isBot(userAgent) {
		cl.bot.Add(1)
	} else {
		cl.human.Add(1)
	}
}

// slow finds or adds key's cell among the shard's pending keys, and
// promotes them into the read map once they are as many as a sixteenth
// of it (so copying stays amortised constant per key).
func (c *Counter) slow(sh *shard, key string) *cell {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	read := *sh.read.Load()
	if cl := read[key]; cl != nil {
		return cl
	}
	if cl := sh.pending[key]; cl != nil {
		return cl
	}
	if c.keys.Load() >= int64(c.cfg.MaxKeys) && key != Overflow {
		c.overflow.Inc()
		return c.slowOverflow(sh)
	}
	c.keys.Add(1)
	cl := &cell{}
	if sh.pending == nil {
		sh.pending = map[string]*cell{}
	}
	sh.pending[key] = cl
	if len(sh.pending) >= 1+len(read)/16 {
		sh.promote(read)
	}
	return cl
}

func (c *Counter) slowOverflow(held *shard) *cell {
	d := c.cur.Load()
	sh := &d.shards[maphash.String(c.seed, Overflow)&(nShards-1)]
	if sh != held {
		// Locks are taken in one order only (a key's shard, then the
		// overflow key's), so two views cannot deadlock.
		sh.mu.Lock()
		defer sh.mu.Unlock()
	}
	if cl := (*sh.read.Load())[Overflow]; cl != nil {
		return cl
	}
	if cl := sh.pending[Overflow]; cl != nil {
		return cl
	}
	cl := &cell{}
	if sh.pending == nil {
		sh.pending = map[string]*cell{}
	}
	sh.pending[Overflow] = cl
	return cl
}

// promote makes the pending keys part of the read map (sh.mu held).
func (sh *shard) promote(read map[string]*cell) {
	next := make(map[string]*cell, len(read)+len(sh.pending))
	for k, v := range read {
		next[k] = v
	}
	for k, v := range sh.pending {
		next[k] = v
	}
	sh.read.Store(&next)
	sh.pending = nil
}

// rotate starts the current day when the stored one has ended.
func (c *Counter) rotate() *day {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	d := c.cur.Load()
	if now.UnixNano() < d.end {
		return d // another view rotated it
	}
	c.retired = append(c.retired, d)
	next := newDay(now)
	c.cur.Store(next)
	c.keys.Store(0)
	return next
}

// Count is the views of one key on one day since the last drain.
type Count struct {
	Day      string // YYYY-MM-DD in Zone
	Key      string
	Views    int64 // humans
	BotViews int64
}

// Drain returns the counts since the last drain and zeroes them. Keys
// stay known for the rest of their day, so that their next views take
// no lock.
func (c *Counter) Drain() []Count {
	if c == nil {
		return nil
	}
	if d := c.cur.Load(); c.cfg.Now().UnixNano() >= d.end {
		c.rotate()
	}
	c.mu.Lock()
	days := append([]*day{}, c.retired...)
	c.mu.Unlock()
	days = append(days, c.cur.Load())
	var out []Count
	var views, bots int64
	for _, d := range days {
		for i := range d.shards {
			sh := &d.shards[i]
			sh.mu.Lock()
			read := *sh.read.Load()
			if len(sh.pending) > 0 {
				sh.promote(read)
				read = *sh.read.Load()
			}
			sh.mu.Unlock()
			for k, cl := range read {
				h, b := cl.human.Swap(0), cl.bot.Swap(0)
				if h == 0 && b == 0 {
					continue
				}
				views, bots = views+h, bots+b
				out = append(out, Count{Day: d.date, Key: k, Views: h, BotViews: b})
			}
		}
	}
	c.mu.Lock()
	kept := c.retired[:0]
	for _, d := range c.retired {
		if d.drains++; d.drains < 2 {
			kept = append(kept, d)
		}
	}
	c.retired = kept
	c.mu.Unlock()
	c.views.Add(float64(views))
	c.bots.Add(float64(bots))
	return out
}
