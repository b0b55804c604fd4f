package invalidate

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

type fakeSource map[string]string

func (f *fakeSource) TenantFingerprints(context.Context) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range *f {
		out[k] = v
	}
	return out, nil
}

func TestTenantWatcher(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{"so": "1", "xa": "1"}
	var now atomic.Int64 // a fake clock, in seconds
	cache := pagecache.New(pagecache.Config{MaxBytes: 1 << 20, Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	w := NewTenantWatcher(TenantWatchConfig{Source: src, Cache: cache, Log: zerolog.Nop()})
	tags := map[string][]pagecache.Tag{
		"/vi/":    {pagecache.AnyContent, pagecache.TenantTag("so"), pagecache.TenantTag("xa")},
		"/vi/so/": {pagecache.TenantTag("so"), pagecache.TenantItemsTag("so")},
		"/vi/xa/": {pagecache.TenantTag("xa"), pagecache.TenantItemsTag("xa")},
	}
	fetch := func(key string) pagecache.Source {
		a, err := cache.Fetch(ctx, key, func(context.Context) (*pagecache.Render, error) {
			return &pagecache.Render{Page: &pagecache.Page{Status: 200}, Tags: tags[key]}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return a.Source
	}
	// fill renders again the pages a change made stale (more than the
	// cache's staleness bound later, so nothing stale is served).
	fill := func() {
		now.Add(60)
		for key := range tags {
			fetch(key)
		}
	}
	fresh := func(key string) bool { return fetch(key) == pagecache.Hit }

	fill()
	if err := w.Check(ctx); err != nil { // the first poll invalidates what may predate it
		t.Fatal(err)
	}
	for key := range tags {
		if fresh(key) {
			t.Errorf("%s fresh after the first poll", key)
		}
	}
	fill()
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	for key := range tags {
		if !fresh(key) {
			t.Errorf("nothing changed, yet %s is not fresh", key)
		}
	}
	(*src)["so"] = "2" // renamed, suspended...
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if fresh("/vi/") || fresh("/vi/so/") || !fresh("/vi/xa/") {
		t.Error("after so changed: want only xa's home fresh")
	}
	fill()
	(*src)["moi"] = "1" // a new tenant: the provincial home lists it
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if fresh("/vi/") || !fresh("/vi/so/") {
		t.Error("a new tenant did not invalidate the provincial home only")
	}
	fill()
	delete(*src, "xa")
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if fresh("/vi/") || fresh("/vi/xa/") || !fresh("/vi/so/") {
		t.Error("a removed tenant did not invalidate the provincial home and its pages")
	}
	if got := testutil.ToFloat64(w.changes); got != 3 {
		t.Errorf("changes = %v, want 3", got)
	}
}
