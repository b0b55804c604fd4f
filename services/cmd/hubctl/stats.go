package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/portalhub/portalhub/services/internal/stats"
)

// statsReport prints the statistics (Article 5.2.h): page views per day,
// tenant and language; the most viewed pages; publishing activity per
// tenant and day (docs/OPERATIONS.md, "Statistics"). It reads the hub
// database directly (the admin API does not carry it yet).
func statsReport(fs *flag.FlagSet) action {
	from := fs.String("from", "", "first day, YYYY-MM-DD (default: 6 days before --to)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (default: today, GMT+7)")
	tenant := fs.String("tenant", "", `only this tenant ("-": the provincial portal's own pages)`)
	by := fs.String("by", "day", "day: views per day, tenant and language; page: the most viewed pages; activity: publishing per tenant and day")
	limit := fs.Int("limit", 50, "with --by page: how many pages")
	asJSON := fs.Bool("json", false, "print a JSON array")
	asCSV := fs.Bool("csv", false, "print CSV")
	return func(ctx context.Context, s *session) error {
		if *asJSON && *asCSV {
			return usageError{errors.New("--json hoặc --csv, không cả hai / --json or --csv, not both")}
		}
		r := stats.LastDays(time.Now(), 7)
		switch {
		case *from != "" || *to != "":
			f, t := *from, *to
			if t == "" {
				t = r.To.Format(time.DateOnly)
			}
			if f == "" {
				end, err := time.ParseInLocation(time.DateOnly, t, stats.Zone)
				if err != nil {
					return usageError{fmt.Errorf("--to: ngày dạng YYYY-MM-DD / a date as YYYY-MM-DD: %q", t)}
				}
				f = end.AddDate(0, 0, -6).Format(time.DateOnly)
			}
			var err error
			if r, err = stats.ParseRange(f, t); err != nil {
				return usageError{err}
			}
		}
		who := *tenant
		switch who {
		case "":
			who = "*"
		case "-":
			who = stats.Provincial
		}
		st := stats.New(s.store.Pool())
		var rows any
		var writeCSV func() error
		var table func(*tabwriter.Writer)
		switch *by {
		case "day":
			v, err := st.Views(ctx, r, who)
			if err != nil {
				return err
			}
			rows, writeCSV = v, func() error { return stats.WriteViewsCSV(s.stdout, v) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "NGÀY/DAY\tĐƠN VỊ/TENANT\tNGÔN NGỮ/LANG\tLƯỢT XEM/VIEWS\tBOT")
				for _, x := range v {
					fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\n", x.Day, tenantName(x.Tenant), x.Lang, x.Views, x.BotViews)
				}
			}
		case "page":
			if *limit < 1 || *limit > 10000 {
				return usageError{errors.New("--limit: 1 đến 10000 / 1 to 10000")}
			}
			p, err := st.TopPages(ctx, r, who, *limit)
			if err != nil {
				return err
			}
			rows, writeCSV = p, func() error { return stats.WritePagesCSV(s.stdout, p) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "LƯỢT XEM/VIEWS\tBOT\tĐƠN VỊ/TENANT\tTRANG/PAGE")
				for _, x := range p {
					fmt.Fprintf(w, "%d\t%d\t%s\t%s\n", x.Views, x.BotViews, tenantName(x.Tenant), x.Path)
				}
			}
		case "activity":
			a, err := st.Activity(ctx, r, who)
			if err != nil {
				return err
			}
			rows, writeCSV = a, func() error { return stats.WriteActivityCSV(s.stdout, a) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "NGÀY/DAY\tĐƠN VỊ/TENANT\tCẬP NHẬT/UPDATES\tTIN MỚI/NEW ITEMS")
				for _, x := range a {
					fmt.Fprintf(w, "%s\t%s\t%d\t%d\n", x.Day, x.Tenant, x.Updates, x.NewItems)
				}
			}
		default:
			return usageError{fmt.Errorf("--by: day, page hoặc activity / day, page or activity: %q", *by)}
		}
		switch {
		case *asJSON:
			enc := json.NewEncoder(s.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rows)
		case *asCSV:
			return writeCSV()
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		table(w)
		return w.Flush()
	}
}

// tenantName shows the provincial portal's own pages as such.
func tenantName(id string) string {
	if id == stats.Provincial {
		return "(cổng tỉnh/provincial)"
	}
	return id
}
