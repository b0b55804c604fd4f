package invalidate

import (
	"context"
	"testing"

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
	cache := pagecache.New(1<<20, nil)
	w := NewTenantWatcher(TenantWatchConfig{Source: src, Cache: cache, Log: zerolog.Nop()})
	page := &pagecache.Page{Status: 200, Body: []byte("x")}
	fill := func() {
		gen := cache.Generation()
		cache.Put("/vi/", page, []pagecache.Tag{pagecache.AnyContent, pagecache.TenantTag("so"), pagecache.TenantTag("xa")}, gen)
		cache.Put("/vi/so/", page, []pagecache.Tag{pagecache.TenantTag("so")}, gen)
		cache.Put("/vi/xa/", page, []pagecache.Tag{pagecache.TenantTag("xa")}, gen)
	}
	cached := func(key string) bool { _, ok := cache.Get(key); return ok }

	fill()
	if err := w.Check(ctx); err != nil { // the first poll drops what may predate it
		t.Fatal(err)
	}
	if cache.Len() != 0 {
		t.Errorf("%d pages after the first poll, want 0", cache.Len())
	}
	fill()
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if cache.Len() != 3 {
		t.Errorf("nothing changed, yet %d pages left of 3", cache.Len())
	}
	(*src)["so"] = "2" // renamed, suspended...
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if cached("/vi/") || cached("/vi/so/") || !cached("/vi/xa/") {
		t.Errorf("after so changed: home %v, so %v, xa %v; want only xa's home kept", cached("/vi/"), cached("/vi/so/"), cached("/vi/xa/"))
	}
	fill()
	(*src)["moi"] = "1" // a new tenant: the provincial home lists it
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if cached("/vi/") || !cached("/vi/so/") {
		t.Error("a new tenant did not drop the provincial home only")
	}
	fill()
	delete(*src, "xa")
	if err := w.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if cached("/vi/") || cached("/vi/xa/") || !cached("/vi/so/") {
		t.Error("a removed tenant did not drop the provincial home and its pages")
	}
	if got := testutil.ToFloat64(w.changes); got != 3 {
		t.Errorf("changes = %v, want 3", got)
	}
}
