package portal_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	"github.com/portalhub/portalhub/gateway/internal/portal"
	"github.com/portalhub/portalhub/services/testenv"
)

// The maintenance banner shows on every page, provincial and sub-portal,
// from a window's announcement until its end, and pages change exactly at
// those moments (their cache entries expire then), with no event.
func TestMaintenanceBanner(t *testing.T) {
	e := newEnvClock(t, func(c *portal.Config, clock *testClock) { c.Now = clock.Now })
	seed(t, e)
	e.clock.Freeze()
	t0 := e.clock.Now()
	e.exec(t, `INSERT INTO maintenance_windows (announce_from, starts_at, ends_at, message_vi, message_en, message_ru, created_by)
		VALUES ($1, $2, $3, 'Nâng cấp máy chủ', 'Server upgrade', 'Обновление сервера', 'test')`,
		t0.Add(2*time.Minute), t0.Add(3*time.Minute), t0.Add(4*time.Minute))
	e.tenantsChanged(t)
	// Steps shorter than GATEWAY_CACHE_MAX_AGE (5 min): only the windows'
	// moments make the pages change.

	pages := []string{"/vi/", "/en/sotttt/", "/ru/sotttt/le-hoi-bien", "/vi/tin-tuc-su-kien/"}
	banner := func(path string) string {
		t.Helper()
		res, doc := e.get(t, path)
		wantStatus(t, res, http.StatusOK)
		return strings.Join(strings.Fields(text(doc, "aside.maintenance")), " ")
	}
	check := func(when string, want map[string]string) {
		t.Helper()
		for _, p := range pages {
			for i := 0; i < 2; i++ { // rendered, then from the cache
				if got := banner(p); !strings.Contains(got, want[p[1:3]]) || (want[p[1:3]] == "") != (got == "") {
					t.Errorf("%s, %s (request %d): banner %q, want %q", when, p, i+1, got, want[p[1:3]])
				}
			}
		}
	}
	check("before the announcement", map[string]string{})
	expired := e.counter(t, "portalhub_gateway_pagecache_expired_total")

	e.clock.Advance(2 * time.Minute)
	check("announced", map[string]string{"vi": "Bảo trì theo kế hoạch từ", "en": "Planned maintenance from", "ru": "Обновление сервера"})
	if got := e.counter(t, "portalhub_gateway_pagecache_expired_total"); got < expired+float64(len(pages)) {
		t.Errorf("pages expired at the announcement: %v, want %v more", got-expired, len(pages))
	}
	if got := banner("/en/sotttt/"); !strings.Contains(got, "Server upgrade") {
		t.Errorf("the English page shows %q, want the English message", got)
	}
	e.clock.Advance(time.Minute)
	check("under way", map[string]string{"vi": "Cổng đang bảo trì", "en": "under maintenance until", "ru": "Идёт техническое обслуживание"})
	e.clock.Advance(time.Minute)
	check("ended", map[string]string{})
}

// A window scheduled or cancelled reaches the cached pages with the next
// registry refresh, without waiting for their age.
func TestMaintenanceScheduledAndCancelled(t *testing.T) {
	e := newEnvClock(t, func(c *portal.Config, clock *testClock) { c.Now = clock.Now })
	seed(t, e)
	e.clock.Freeze()
	t0 := e.clock.Now()
	has := func(path string) bool {
		_, doc := e.get(t, path)
		return doc.Find("aside.maintenance").Length() == 1
	}
	if has("/vi/") || has("/vi/sotttt/le-hoi-bien") {
		t.Fatal("a banner with no window")
	}
	e.exec(t, `INSERT INTO maintenance_windows (announce_from, starts_at, ends_at, message_vi, message_en, message_ru, created_by)
		VALUES ($1, $2, $3, 'Nâng cấp', 'Upgrade', 'Обновление', 'test')`, t0.Add(-time.Minute), t0.Add(time.Hour), t0.Add(2*time.Hour))
	e.tenantsChanged(t)
	e.clock.Advance(2 * time.Second) // past GATEWAY_CACHE_MAX_STALE: a home marked stale renders again
	for _, p := range []string{"/vi/", "/vi/sotttt/le-hoi-bien"} {
		testenv.WaitFor(t, 5*time.Second, func() error {
			if !has(p) {
				return errors.New(p + ": no banner yet")
			}
			return nil
		})
	}
	e.exec(t, `UPDATE maintenance_windows SET cancelled_at = now(), cancelled_by = 'test'`)
	e.tenantsChanged(t)
	e.clock.Advance(2 * time.Second)
	for _, p := range []string{"/vi/", "/vi/sotttt/le-hoi-bien"} {
		testenv.WaitFor(t, 5*time.Second, func() error {
			if has(p) {
				return errors.New(p + ": the cancelled window's banner still shows")
			}
			return nil
		})
	}
}

// The monitoring agent's script is off by default, and the CSP allows no
// other script; configured, the pages load it and the CSP allows its
// origin, and only that.
func TestMonitoringScriptCSP(t *testing.T) {
	for _, tt := range []struct {
		script, wantScriptSrc string
	}{
		{"", "script-src 'self';"},
		{"https://giamsat.example.gov.vn/agent.js?id=khanhhoa", "script-src 'self' https://giamsat.example.gov.vn;"},
	} {
		e := newEnvWith(t, func(c *portal.Config) { c.MonitoringScript = tt.script })
		seed(t, e)
		for _, p := range []string{"/vi/", "/en/sotttt/"} {
			res, doc := e.get(t, p)
			wantStatus(t, res, http.StatusOK)
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, tt.wantScriptSrc) {
				t.Errorf("%q %s: CSP %q, want %q", tt.script, p, csp, tt.wantScriptSrc)
			}
			var srcs []string
			doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) { srcs = append(srcs, s.AttrOr("src", "")) })
			var external []string
			for _, s := range srcs {
				if strings.HasPrefix(s, "http") {
					external = append(external, s)
				}
			}
			if tt.script == "" && len(external) > 0 {
				t.Errorf("%s: scripts %v with no monitoring configured", p, external)
			}
			if tt.script != "" && (len(external) != 1 || external[0] != tt.script) {
				t.Errorf("%s: scripts %v, want the monitoring script", p, external)
			}
			if tt.script != "" && !strings.Contains(csp, "connect-src 'self' https://giamsat.example.gov.vn;") {
				t.Errorf("CSP %q does not let the agent report", csp)
			}
		}
	}
	catalog, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"http://giamsat.example.gov.vn/a.js", "https://x.vn'; script-src *", "//x.vn/a.js"} {
		_, err := portal.New(portal.Config{Catalog: catalog, Cache: pagecache.New(pagecache.Config{MaxBytes: 1 << 20}),
			Log: zerolog.New(io.Discard), MonitoringScript: bad})
		if err == nil {
			t.Errorf("monitoring script %q accepted", bad)
		}
	}
}
