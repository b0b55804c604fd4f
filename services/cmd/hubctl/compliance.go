package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portalhub/portalhub/services/internal/compliance"
)

// complianceReport prints each tenant's Article 11 status per ISO week
// (docs/OPERATIONS.md, "Article 11 compliance"), by the rules file
// --rules or $HUB_COMPLIANCE_RULES names.
func complianceReport(fs *flag.FlagSet) action {
	week := fs.String("week", "", "ISO week, e.g. 2026-W48 (default: this week)")
	from := fs.String("from", "", "first day, YYYY-MM-DD (with --to: every ISO week from it to --to)")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	tenant := fs.String("tenant", "", "only this tenant")
	rulesPath := fs.String("rules", "", "the rules file (default $HUB_COMPLIANCE_RULES)")
	asJSON := fs.Bool("json", false, "print a JSON array")
	asCSV := fs.Bool("csv", false, "print CSV")
	return func(ctx context.Context, s *session) error {
		if *asJSON && *asCSV {
			return usageError{errors.New("--json hoặc --csv, không cả hai / --json or --csv, not both")}
		}
		path := *rulesPath
		if path == "" {
			path = s.getenv("HUB_COMPLIANCE_RULES")
		}
		if path == "" {
			return usageError{errors.New("thiếu tệp quy tắc: --rules hoặc $HUB_COMPLIANCE_RULES / no rules file: --rules or $HUB_COMPLIANCE_RULES")}
		}
		rules, err := compliance.Load(path)
		if err != nil {
			return err
		}
		now := time.Now()
		weeks, err := compliance.Period(*week, *from, *to, now)
		if err != nil {
			return usageError{err}
		}
		all, err := s.store.ComplianceTenants(ctx)
		if err != nil {
			return err
		}
		var tenants []compliance.Tenant
		for _, t := range all {
			if *tenant == "" || t.ID == *tenant {
				tenants = append(tenants, t)
			}
		}
		if *tenant != "" && len(tenants) == 0 {
			return usageError{fmt.Errorf("không có đơn vị %q (hoặc đã giải thể) / no tenant %q (or it is retired)", *tenant, *tenant)}
		}
		updates, err := s.store.ComplianceUpdates(ctx, weeks[0].Start(), weeks[len(weeks)-1].End(), rules.Counting.BulkImportAgeDays)
		if err != nil {
			return err
		}
		report, err := rules.Report(tenants, weeks, updates, now)
		if err != nil {
			return err
		}
		switch {
		case *asJSON:
			if report == nil {
				report = []compliance.Assessment{}
			}
			enc := json.NewEncoder(s.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(report)
		case *asCSV:
			return compliance.WriteCSV(s.stdout, report)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "TUẦN/WEEK\tĐƠN VỊ/TENANT\tTRẠNG THÁI/STATUS\tCẦN/REQUIRED\tĐÃ CÓ/COUNTED\tNGÀY THIẾU/MISSED")
		for _, a := range report {
			fmt.Fprintf(w, "%s\t%s\t%s / %s\t%d\t%d\t%s\n", a.Week, a.Tenant, compliance.StatusVI(a.Status), a.Status,
				a.Required, a.Counted, orDash(strings.Join(a.Missed, " ")))
		}
		return w.Flush()
	}
}
