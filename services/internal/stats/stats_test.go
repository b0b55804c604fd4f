package stats

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func setup(t *testing.T) (*pgxpool.Pool, *Store) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.Postgres(t, "stats", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool, New(pool)
}

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func TestViewsAndTopPages(t *testing.T) {
	pool, s := setup(t)
	ctx := context.Background()
	exec(t, pool, `INSERT INTO page_views (day, tenant_id, lang, path, views, bot_views) VALUES
		('2026-11-29', '', 'vi', '/vi/', 10, 4),
		('2026-11-30', '', 'vi', '/vi/', 7, 1),
		('2026-11-30', '', 'en', '/en/', 2, 0),
		('2026-11-30', 'so-du-lich', 'vi', '/vi/so-du-lich/le-hoi', 20, 30),
		('2026-11-30', 'so-du-lich', 'vi', '/vi/so-du-lich/', 3, 0),
		('2026-12-01', 'so-du-lich', 'vi', '/vi/so-du-lich/le-hoi', 100, 0)`)
	r, err := ParseRange("2026-11-29", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	views, err := s.Views(ctx, r, "*")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(views)
	want := "[{2026-11-29  vi 10 4} {2026-11-30  en 2 0} {2026-11-30  vi 7 1} {2026-11-30 so-du-lich vi 23 30}]"
	if got != want {
		t.Errorf("views\n got %s\nwant %s", got, want)
	}
	if v, _ := s.Views(ctx, r, Provincial); len(v) != 3 {
		t.Errorf("the provincial portal's own views: %v", v)
	}
	top, err := s.TopPages(ctx, r, "*", 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(top), "[{so-du-lich vi /vi/so-du-lich/le-hoi 20 30} { vi /vi/ 17 5}]"; got != want {
		t.Errorf("top pages %s, want %s (people's views rank, bots apart)", got, want)
	}
	var b bytes.Buffer
	if err := WritePagesCSV(&b, top); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "tenant,lang,path,views,bot_views\nso-du-lich,vi,/vi/so-du-lich/le-hoi,20,30\n,vi,/vi/,17,5\n"; got != want {
		t.Errorf("CSV %q, want %q", got, want)
	}
	if _, err := ParseRange("2026-12-01", "2026-11-01"); err == nil {
		t.Error("a reversed range accepted")
	}
}

func TestActivity(t *testing.T) {
	pool, s := setup(t)
	exec(t, pool, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-a', 'department', 'Sở A'), ('xa-b', 'commune', 'Xã B')`)
	// 16:59 UTC is 23:59 GMT+7 on the 30th; 17:00 UTC is the 1st.
	exec(t, pool, `INSERT INTO compliance_updates (tenant_id, content_id, version, applied_at, new_item, published_at) VALUES
		('so-a', 'a', 1, '2026-11-30 16:59:00+00', true, now()),
		('so-a', 'a', 2, '2026-11-30 17:00:00+00', false, now()),
		('so-a', 'b', 1, '2026-11-30 01:00:00+00', true, now()),
		('xa-b', 'c', 1, '2026-11-29 03:00:00+00', true, now())`)
	r, _ := ParseRange("2026-11-30", "2026-12-01")
	got, err := s.Activity(context.Background(), r, "*")
	if err != nil {
		t.Fatal(err)
	}
	if want := "[{2026-11-30 so-a 2 2} {2026-12-01 so-a 1 0}]"; fmt.Sprint(got) != want {
		t.Errorf("activity %v, want %s", got, want)
	}
	var b bytes.Buffer
	_ = WriteActivityCSV(&b, got)
	if want := "day,tenant,updates,new_items\n2026-11-30,so-a,2,2\n2026-12-01,so-a,1,0\n"; b.String() != want {
		t.Errorf("CSV %q", b.String())
	}
	if lr := LastDays(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC), 7); lr.From.Format(time.DateOnly) != "2026-11-25" || lr.To.Format(time.DateOnly) != "2026-12-01" {
		t.Errorf("LastDays %v", lr)
	}
}
