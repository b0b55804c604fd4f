package maintenance

import (
	"testing"
	"time"
)

func TestStateAt(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	w := Window{AnnounceFrom: t0, StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(2 * time.Hour)}
	for _, tt := range []struct {
		at   time.Duration
		want State
	}{{-time.Second, Scheduled}, {0, Announced}, {time.Hour - 1, Announced}, {time.Hour, Ongoing}, {2*time.Hour - 1, Ongoing}, {2 * time.Hour, Ended}} {
		if got := w.StateAt(t0.Add(tt.at)); got != tt.want {
			t.Errorf("at %v: %s, want %s", tt.at, got, tt.want)
		}
	}
	c := w
	c.CancelledAt = &t0
	if got := c.StateAt(t0.Add(time.Hour)); got != Cancelled {
		t.Errorf("cancelled window: %s", got)
	}
}

func TestCheckDefaultsAndRefusals(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ok := NewWindow{StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(73 * time.Hour), MessageVI: " Bảo trì ", MessageEN: "Upgrade", MessageRU: "Обновление"}
	w := ok
	if err := w.check(now); err != nil || !w.AnnounceFrom.Equal(now.Add(24*time.Hour)) || w.MessageVI != "Bảo trì" {
		t.Errorf("defaults: %+v %v", w, err)
	}
	soon := ok
	soon.StartsAt, soon.EndsAt = now.Add(time.Hour), now.Add(2*time.Hour)
	if err := soon.check(now); err != nil || !soon.AnnounceFrom.Equal(now) {
		t.Errorf("a window within 48 h is announced at once: %v %v", soon.AnnounceFrom, err)
	}
	for name, mutate := range map[string]func(*NewWindow){
		"end before start": func(w *NewWindow) { w.EndsAt = w.StartsAt.Add(-time.Minute) },
		"too long":         func(w *NewWindow) { w.EndsAt = w.StartsAt.Add(8 * 24 * time.Hour) },
		"two lines":        func(w *NewWindow) { w.MessageEN = "a\nb" },
		"no Russian":       func(w *NewWindow) { w.MessageRU = "" },
		"announced after":  func(w *NewWindow) { w.AnnounceFrom = w.StartsAt.Add(time.Minute) },
	} {
		w := ok
		mutate(&w)
		if err := w.check(now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
