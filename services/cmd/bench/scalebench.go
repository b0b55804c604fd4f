package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/console"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/opsapi"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/pgcluster"
)

// The scale part (issue 10 point 12): one hub serving a whole country's
// local units, 3,400 tenants and 2 million items, and the ops team's three
// views of it timed as the console and hubctl ask for them, each aimed
// under a second:
//
//   - the console's tenant list (/don-vi: its first page, a later page, a
//     search), with each tenant's item count, last update and Article 11
//     status of the week;
//   - a tenant's page (/don-vi/<id>) for the biggest tenant (the
//     provincial office), a department and a commune: registry,
//     credentials, six weeks of compliance, a page of items, refusals,
//     audit;
//   - the compliance report for every tenant over a month: the console's
//     page (/tuan-thu, four ISO weeks), its CSV export (every tenant), and
//     the OpsService's ComplianceReport that `hubctl compliance report
//     --from --to` calls.
//
// The corpus is written with COPY (tenants, items, their Vietnamese
// translation, one counted update per item in compliance_updates), spread
// over three years; seeding takes minutes, so BENCH_SCALE_KEEP leaves the
// database running and BENCH_SCALE_DATABASE measures again on it.

type scaleSettings struct {
	Tenants, Items, Samples int
	Keep                    bool
	Database                string
	Rules                   string
}

// Shares of the corpus: the provincial office holds provincialShare of the
// items, each of departments departmentShare; the communes, wards and
// special zones share the rest.
const (
	departments     = 40
	provincialShare = 0.05
	departmentShare = 0.01
	scaleYears      = 3
	scaleAim        = time.Second
)

// scaleTenant is the tenant of number i (0 is the provincial office, then
// departments, then local units) with its kind.
func scaleTenant(i int) (id, kind string) {
	switch {
	case i == 0:
		return "tinh", "province"
	case i <= departments:
		return fmt.Sprintf("so-%02d", i), "department"
	}
	kinds := []string{"commune", "ward", "special_zone"}
	k := kinds[0]
	if i%5 == 0 {
		k = kinds[1]
	}
	if i%97 == 0 {
		k = kinds[2]
	}
	return fmt.Sprintf("xa-%04d", i), k
}

// scaleItems is how many items tenant i holds.
func scaleItems(i, tenants, items int) int {
	prov := int(float64(items) * provincialShare)
	dept := int(float64(items) * departmentShare)
	switch {
	case i == 0:
		return prov
	case i <= departments:
		return dept
	}
	local := tenants - 1 - departments
	rest := items - prov - departments*dept
	n := rest / local
	if i-departments <= rest%local {
		n++
	}
	return n
}

func runScale(ctx context.Context, s scaleSettings, check *checks) error {
	if s.Tenants <= departments+1 {
		return fmt.Errorf("BENCH_SCALE_TENANTS: at least %d", departments+2)
	}
	dbURL := s.Database
	now := time.Now()
	if dbURL == "" {
		dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-scale-")
		if err != nil {
			return err
		}
		cluster, err := pgcluster.Start(ctx, pgcluster.Config{Dir: dir, Ephemeral: true, Timeout: 2 * time.Minute})
		if err != nil {
			return err
		}
		dbURL = cluster.URL("postgres")
		if s.Keep {
			fmt.Fprintf(os.Stderr, "BENCH_SCALE_KEEP: the database stays at %s (measure again: BENCH_SCALE_DATABASE=%s; stop: pg_ctl stop -D %s/data as postgres)\n",
				dbURL, dbURL, cluster.Dir())
		} else {
			defer os.RemoveAll(dir)
			defer os.RemoveAll(cluster.Dir())
			defer cluster.Stop()
		}
		if err := hubschema.Migrate(ctx, dbURL); err != nil {
			return err
		}
		fmt.Printf("scale: seeding %d tenants and %d items with COPY...\n", s.Tenants, s.Items)
		start := time.Now()
		if err := seedScale(ctx, dbURL, s.Tenants, s.Items, now); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		fmt.Printf("scale: seeded in %s\n", time.Since(start).Round(time.Second))
	} else if err := hubschema.Migrate(ctx, dbURL); err != nil { // a kept database gets the newest indexes
		return err
	}
	return measureScale(ctx, dbURL, s, now, check)
}

// seedScale writes the corpus with COPY: tenants, then each tenant's items,
// their translations and counted updates, then ANALYZE.
func seedScale(ctx context.Context, dbURL string, tenants, items int, now time.Time) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	created := now.AddDate(-scaleYears, 0, 0)
	var trows [][]any
	for i := range tenants {
		id, kind := scaleTenant(i)
		trows = append(trows, []any{id, kind, fmt.Sprintf("Đơn vị số %d (%s)", i, id), fmt.Sprintf("Unit %d", i), created})
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"tenants"}, []string{"id", "kind", "name_vi", "name_en", "created_at"}, pgx.CopyFromRows(trows)); err != nil {
		return fmt.Errorf("copy tenants: %w", err)
	}
	span := now.Sub(created)
	copied, start, last := 0, time.Now(), time.Now()
	// One tenant per transaction; each table of a tenant in one COPY.
	for i := range tenants {
		id, _ := scaleTenant(i)
		n := scaleItems(i, tenants, items)
		when := func(j int) time.Time {
			// Spread evenly over the years, the newest at now.
			return now.Add(-time.Duration(float64(span) * float64(n-j) / float64(n+1)))
		}
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			j := 0
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"items"}, itemsColumns, pgx.CopyFromFunc(func() ([]any, error) {
				if j == n {
					return nil, nil
				}
				cid := fmt.Sprintf("tin-%07d", j)
				var b [8]byte
				binary.BigEndian.PutUint64(b[:], uint64(i)<<32|uint64(j))
				hash := sha256.Sum256(b[:])
				state := "published"
				if j%50 == 49 {
					state = "withdrawn"
				}
				p := when(j)
				j++
				return []any{id, cid, int64(1), hash[:], "article", "news", state, p, `{"contentId":"` + cid + `"}`}, nil
			})); err != nil {
				return fmt.Errorf("copy items of %s: %w", id, err)
			}
			j = 0
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"item_translations"}, translationColumns, pgx.CopyFromFunc(func() ([]any, error) {
				if j == n {
					return nil, nil
				}
				cid := fmt.Sprintf("tin-%07d", j)
				j++
				return []any{id, cid, "vi", cid, fmt.Sprintf("Thông báo số %d của đơn vị %s về công tác tháng %d", j, id, j%12+1), ""}, nil
			})); err != nil {
				return fmt.Errorf("copy translations of %s: %w", id, err)
			}
			j = 0
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"compliance_updates"},
				[]string{"tenant_id", "content_id", "version", "applied_at", "new_item", "published_at"}, pgx.CopyFromFunc(func() ([]any, error) {
					if j == n {
						return nil, nil
					}
					p := when(j)
					j++
					return []any{id, fmt.Sprintf("tin-%07d", j-1), int64(1), p, true, p}, nil
				}))
			return err
		})
		if err != nil {
			return err
		}
		copied += n
		if time.Since(last) > 15*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "  copied %d of %d items, %d of %d tenants (%s)\n", copied, items, i+1, tenants, time.Since(start).Round(time.Second))
		}
	}
	// What autovacuum does to a table in service: statistics, and the
	// visibility map that index-only scans need.
	_, err = pool.Exec(ctx, `VACUUM ANALYZE tenants, items, item_translations, compliance_updates`)
	return err
}

// measureScale serves the console and the OpsService on the database and
// times the three views.
func measureScale(ctx context.Context, dbURL string, s scaleSettings, now time.Time, check *checks) error {
	store, err := hubstore.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	rules, err := compliance.Load(s.Rules)
	if err != nil {
		return err
	}
	var tenants, items int
	if err := store.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM items)`).Scan(&tenants, &items); err != nil {
		return err
	}
	accounts := opsaccounts.New(store.Pool())
	const login = "bench-scale"
	acc, err := accounts.ByLogin(ctx, login)
	if err != nil {
		if acc, err = accounts.Create(ctx, opsaccounts.NewAccount{Login: login, Role: opsaccounts.Administrator, Password: "Đo quy mô 3400 đơn vị"}, "bench"); err != nil {
			return err
		}
	}
	// The tenants measured have a credential, as live ones do.
	localN := min(100, tenants-1)
	local, _ := scaleTenant(localN)
	for _, id := range []string{"tinh", "so-01", local} {
		if cs, err := store.ListCredentials(ctx, id); err == nil && len(cs) == 0 {
			if _, _, err := store.IssueCredential(ctx, "bench", id, "relay"); err != nil {
				return err
			}
		}
	}
	_, token, err := accounts.StartSession(ctx, acc, opsaccounts.Console)
	if err != nil {
		return err
	}
	cons, err := console.New(console.Config{Store: store, Accounts: accounts, Rules: rules, Log: zerolog.Nop()})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(cons.Handler())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(srv.URL)
	jar.SetCookies(base, []*http.Cookie{{Name: "ph_console_session", Value: token, Path: "/"}})
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (string, error) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b), nil
	}
	first, err := get("/don-vi")
	if err != nil {
		return err
	}
	next := regexp.MustCompile(`href="(/don-vi\?page=[^"]+)" rel="next"`).FindStringSubmatch(first)
	if next == nil {
		return fmt.Errorf("the tenant list's first page links no next page")
	}
	later := strings.ReplaceAll(next[1], "&amp;", "&")
	last := compliance.WeekOf(now)
	month := compliance.WeekOf(last.Start().AddDate(0, 0, -21))
	weeks := "from=" + month.String() + "&to=" + last.String()
	api := opsapi.New(opsapi.Config{Store: store, Accounts: accounts, Rules: rules, Log: zerolog.Nop()})
	from, to := now.AddDate(0, -1, 0).In(compliance.Zone).Format(time.DateOnly), now.In(compliance.Zone).Format(time.DateOnly)
	report := func() error {
		r, err := api.ComplianceReport(ctx, &pb.ComplianceReportRequest{From: from, To: to})
		if err == nil && len(r.GetAssessments()) < tenants {
			err = fmt.Errorf("ComplianceReport: %d assessments for %d tenants", len(r.GetAssessments()), tenants)
		}
		return err
	}
	page := func(path string) func() error { return func() error { _, err := get(path); return err } }
	cases := []struct {
		name string
		do   func() error
	}{
		{"tenant list, first page (/don-vi)", page("/don-vi")},
		{"tenant list, a later page", page(later)},
		{"tenant list, a search (q=xa-01)", page("/don-vi?q=xa-01")},
		{fmt.Sprintf("tenant page, provincial office (%d items)", scaleItems(0, tenants, items)), page("/don-vi/tinh")},
		{fmt.Sprintf("tenant page, a department (%d items)", scaleItems(1, tenants, items)), page("/don-vi/so-01")},
		{fmt.Sprintf("tenant page, a local unit (%d items)", scaleItems(localN, tenants, items)), page("/don-vi/" + local)},
		{"compliance, all tenants, 4 weeks (/tuan-thu)", page("/tuan-thu?" + weeks)},
		{"compliance CSV, all tenants, 4 weeks", page("/tuan-thu?format=csv&" + weeks)},
		{"OpsService ComplianceReport, all tenants, a month", report},
	}
	fmt.Printf("scale: %d tenants, %d items; %d samples of each after a warm-up (aim: p95 under %s)\n\n", tenants, items, s.Samples, scaleAim)
	fmt.Printf("%-58s %10s %10s %10s\n", "", "p50", "p95", "max")
	for _, c := range cases {
		if err := c.do(); err != nil { // warm-up
			return fmt.Errorf("%s: %w", c.name, err)
		}
		d := make([]time.Duration, s.Samples)
		for i := range d {
			t0 := time.Now()
			if err := c.do(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			d[i] = time.Since(t0)
		}
		sm := summarize(d)
		mx := sm.p50
		for _, x := range d {
			mx = max(mx, x)
		}
		fmt.Printf("%-58s %10s %10s %10s\n", c.name, ms(sm.p50), ms(sm.p95), ms(mx))
		check.add("scale: "+c.name+": 1 s ÷ p95", float64(scaleAim)/float64(max(sm.p95, 1)), 1)
	}
	return nil
}
