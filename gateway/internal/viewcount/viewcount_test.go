package viewcount

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

const browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func sum(counts []Count) map[string][2]int64 {
	out := map[string][2]int64{}
	for _, c := range counts {
		k := c.Day + " " + c.Key
		s := out[k]
		out[k] = [2]int64{s[0] + c.Views, s[1] + c.BotViews}
	}
	return out
}

func TestConcurrentViewsAllCounted(t *testing.T) {
	c := New(Config{})
	const workers, per, pages = 8, 5000, 50
	var wg sync.WaitGroup
	drained := make(chan map[string][2]int64, 1)
	stop := make(chan struct{})
	go func() { // drains run while views are counted: nothing is lost between two
		total := map[string][2]int64{}
		for {
			select {
			case <-stop:
				for k, v := range sum(c.Drain()) {
					s := total[k]
					total[k] = [2]int64{s[0] + v[0], s[1] + v[1]}
				}
				drained <- total
				return
			default:
				for k, v := range sum(c.Drain()) {
					s := total[k]
					total[k] = [2]int64{s[0] + v[0], s[1] + v[1]}
				}
			}
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				ua := browser
				if i%4 == 0 {
					ua = "Googlebot/2.1 (+http://www.google.com/bot.html)"
				}
				c.View(fmt.Sprintf("/vi/page-%d/", (i+w)%pages), ua)
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	total := <-drained
	var humans, bots int64
	for _, v := range total {
		humans, bots = humans+v[0], bots+v[1]
	}
	if len(total) != pages {
		t.Errorf("%d pages counted, want %d", len(total), pages)
	}
	if humans != workers*per*3/4 || bots != workers*per/4 {
		t.Errorf("humans %d bots %d, want %d and %d", humans, bots, workers*per*3/4, workers*per/4)
	}
}

func TestDrainZeroesAndDaysSplitAtMidnightGMT7(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 30, 16, 59, 0, 0, time.UTC)} // 23:59 GMT+7
	reg := prometheus.NewRegistry()
	c := New(Config{Now: clk.Now, Registerer: reg})
	c.View("/vi/", browser)
	c.View("/vi/", "")
	first := sum(c.Drain())
	if want := (map[string][2]int64{"2026-11-30 /vi/": {1, 1}}); fmt.Sprint(first) != fmt.Sprint(want) {
		t.Errorf("first drain %v, want %v (an empty User-Agent is a bot's)", first, want)
	}
	if again := c.Drain(); len(again) != 0 {
		t.Errorf("a second drain without views gave %v", again)
	}
	c.View("/vi/", browser)
	clk.Set(clk.Now().Add(2 * time.Minute)) // 00:01 GMT+7, December
	c.View("/vi/", browser)
	c.View("/en/", browser)
	got := sum(c.Drain())
	want := map[string][2]int64{"2026-11-30 /vi/": {1, 0}, "2026-12-01 /vi/": {1, 0}, "2026-12-01 /en/": {1, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("across midnight %v, want %v", got, want)
	}
	if v := testutil.ToFloat64(c.views); v != 4 {
		t.Errorf("views metric %v, want 4", v)
	}
	if v := testutil.ToFloat64(c.bots); v != 1 {
		t.Errorf("bots metric %v, want 1", v)
	}
}

func TestMaxKeysOverflow(t *testing.T) {
	c := New(Config{MaxKeys: 10})
	for i := 0; i < 30; i++ {
		c.View(fmt.Sprintf("/vi/p%d", i), browser)
	}
	got := sum(c.Drain())
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(got) != 11 {
		t.Fatalf("%d keys %v, want 10 pages and the overflow", len(got), keys)
	}
	day := c.cur.Load().date
	if o := got[day+" "+Overflow]; o[0] != 20 {
		t.Errorf("overflow %v, want 20 views", o)
	}
}

func TestIsBot(t *testing.T) {
	for ua, want := range map[string]bool{
		browser: false,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": false,
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                                  false,
		"": true,
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                          true,
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)":                                           true,
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/1.0 CocCocBot": true,
		"facebookexternalhit/1.1": true,
		"curl/8.5.0":              true,
		"Go-http-client/1.1":      true,
		"python-requests/2.32.3":  true,
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36": true,
	} {
		if got := IsBot(ua); got != want {
			t.Errorf("IsBot(%q) = %v, want %v", ua, got, want)
		}
	}
	c := New(Config{})
	for i := 0; i < 3; i++ { // the memo answers as IsBot does
		if c.isBot("curl/8.5.0") != true || c.isBot(browser) != false {
			t.Fatal("memoised answer differs")
		}
	}
}

// A view of a page seen before that day allocates nothing (the page
// cache's hit path, issue 9).
func TestViewAllocatesNothing(t *testing.T) {
	c := New(Config{})
	key := "/vi/so-du-lich/le-hoi-bien"
	c.View(key, browser)
	c.Drain() // promotes the key
	if n := testing.AllocsPerRun(1000, func() { c.View(key, browser) }); n != 0 {
		t.Errorf("View allocates %v times per call, want 0", n)
	}
}

func BenchmarkView(b *testing.B) {
	c := New(Config{})
	keys := make([]string, 256)
	for i := range keys {
		keys[i] = fmt.Sprintf("/vi/so-du-lich/item-%d", i)
		c.View(keys[i], browser)
	}
	c.Drain()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.View(keys[i&255], browser)
			i++
		}
	})
}
