package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/compliance"
)

// complianceReport prints each tenant's Article 11 status per ISO week
// (docs/OPERATIONS.md, "Article 11 compliance"), by the rules file the
// aggregator was started with.
func complianceReport(fs *flag.FlagSet) action {
	week := fs.String("week", "", "ISO week, e.g. 2026-W48 (default: this week)")
	from := fs.String("from", "", "first day, YYYY-MM-DD (with --to: every ISO week from it to --to)")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	tenant := fs.String("tenant", "", "only this tenant")
	asJSON := fs.Bool("json", false, "print a JSON array")
	asCSV := fs.Bool("csv", false, "print CSV")
	return func(ctx context.Context, s *session) error {
		if *asJSON && *asCSV {
			return usageError{errors.New("--json hoặc --csv, không cả hai / --json or --csv, not both")}
		}
		resp, err := s.ops.ComplianceReport(ctx, &pb.ComplianceReportRequest{Week: *week, From: *from, To: *to, TenantId: *tenant})
		if err != nil {
			return err
		}
		report := make([]compliance.Assessment, len(resp.GetAssessments()))
		for i, a := range resp.GetAssessments() {
			report[i] = compliance.Assessment{Tenant: a.GetTenantId(), Week: a.GetWeek(), WorkingDays: int(a.GetWorkingDays()),
				Required: int(a.GetRequired()), Counted: int(a.GetCounted()), Missed: a.GetMissed(), Status: compliance.Status(a.GetStatus())}
		}
		switch {
		case *asJSON:
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
