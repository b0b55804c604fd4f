package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/stats"
)

// statsReport prints the statistics (Article 5.2.h): page views per day,
// tenant and language; the most viewed pages; publishing activity per
// tenant and day (docs/OPERATIONS.md, "Statistics"), as the admin API's
// StatsReport answers them.
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
		if *by != "day" && *by != "page" && *by != "activity" {
			return usageError{fmt.Errorf("--by: day, page hoặc activity / day, page or activity: %q", *by)}
		}
		if *limit < 1 || *limit > 10000 {
			return usageError{errors.New("--limit: 1 đến 10000 / 1 to 10000")}
		}
		req := &pb.StatsReportRequest{From: *from, To: *to, By: *by, Limit: int32(*limit)}
		if *tenant == "-" {
			req.Provincial = true
		} else {
			req.TenantId = *tenant
		}
		r, err := s.ops.StatsReport(ctx, req)
		if err != nil {
			return err
		}
		var rows any
		var writeCSV func() error
		var table func(*tabwriter.Writer)
		switch *by {
		case "day":
			v := make([]stats.DayViews, 0, len(r.GetViews()))
			for _, x := range r.GetViews() {
				v = append(v, stats.DayViews{Day: x.GetDay(), Tenant: x.GetTenantId(), Lang: x.GetLang(), Views: x.GetViews(), BotViews: x.GetBotViews()})
			}
			rows, writeCSV = v, func() error { return stats.WriteViewsCSV(s.stdout, v) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "NGÀY/DAY\tĐƠN VỊ/TENANT\tNGÔN NGỮ/LANG\tLƯỢT XEM/VIEWS\tBOT")
				for _, x := range v {
					fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\n", x.Day, tenantName(x.Tenant), x.Lang, x.Views, x.BotViews)
				}
			}
		case "page":
			p := make([]stats.PageViews, 0, len(r.GetPages()))
			for _, x := range r.GetPages() {
				p = append(p, stats.PageViews{Tenant: x.GetTenantId(), Lang: x.GetLang(), Path: x.GetPath(), Views: x.GetViews(), BotViews: x.GetBotViews()})
			}
			rows, writeCSV = p, func() error { return stats.WritePagesCSV(s.stdout, p) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "LƯỢT XEM/VIEWS\tBOT\tĐƠN VỊ/TENANT\tTRANG/PAGE")
				for _, x := range p {
					fmt.Fprintf(w, "%d\t%d\t%s\t%s\n", x.Views, x.BotViews, tenantName(x.Tenant), x.Path)
				}
			}
		default:
			a := make([]stats.Activity, 0, len(r.GetActivity()))
			for _, x := range r.GetActivity() {
				a = append(a, stats.Activity{Day: x.GetDay(), Tenant: x.GetTenantId(), Updates: x.GetUpdates(), NewItems: x.GetNewItems()})
			}
			rows, writeCSV = a, func() error { return stats.WriteActivityCSV(s.stdout, a) }
			table = func(w *tabwriter.Writer) {
				fmt.Fprintln(w, "NGÀY/DAY\tĐƠN VỊ/TENANT\tCẬP NHẬT/UPDATES\tTIN MỚI/NEW ITEMS")
				for _, x := range a {
					fmt.Fprintf(w, "%s\t%s\t%d\t%d\n", x.Day, x.Tenant, x.Updates, x.NewItems)
				}
			}
		}
		switch {
		case *asJSON:
			return printJSON(s, rows)
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
