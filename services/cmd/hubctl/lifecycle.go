package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// The 2025 reform's lifecycle commands (OpsService's RenameTenant,
// MergeTenant, RetireTenant, ImportRedirects; administrator): registered
// here, beside the other tenants commands of main.go.
func init() {
	commands["tenants rename"] = command{flags: renameTenant, required: []string{"id", "new-id"}, api: true}
	commands["tenants merge"] = command{flags: mergeTenant, required: []string{"id", "into"}, api: true}
	commands["tenants retire"] = command{flags: retireTenant, required: []string{"id"}, api: true}
	commands["redirects import"] = command{flags: importRedirects, required: []string{"file"}, api: true}
}

func renameTenant(fs *flag.FlagSet) action {
	id := fs.String("id", "", "the tenant's current id")
	newID := fs.String("new-id", "", "its new id: a-z, 0-9 and -")
	asJSON := fs.Bool("json", false, "write the answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.RenameTenant(ctx, &pb.RenameTenantRequest{Id: *id, NewId: *newID})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		fmt.Fprintf(s.stdout, "Đã đổi mã đơn vị %s thành %s; các địa chỉ cũ chuyển hướng (301) sang địa chỉ mới.\n"+
			"Tenant %s renamed %s; its old URLs answer 301.\n"+
			"Tiếp theo / next: SUBPORTAL_TENANT=%s for its sub-portal, and its NATS user (hubctl credentials issue --tenant %s --nats-keys DIR); docs/OPERATIONS.md \"Renaming a unit\"\n",
			resp.GetOldId(), resp.GetId(), resp.GetOldId(), resp.GetId(), resp.GetId(), resp.GetId())
		return nil
	}
}

func mergeTenant(fs *flag.FlagSet) action {
	id := fs.String("id", "", "the unit merged (it is retired)")
	into := fs.String("into", "", "the unit it merges into (its successor)")
	dissolved := fs.String("dissolved", "", "the day the unit ceased, YYYY-MM-DD (default today, GMT+7)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.MergeTenant(ctx, &pb.MergeTenantRequest{Id: *id, Into: *into, DissolvedOn: *dissolved})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		fmt.Fprintf(s.stdout, "Đã sáp nhập %s vào %s: %d mục, %d câu hỏi đang mở chuyển sang / merged %s into %s: %d items, %d open questions moved.\n",
			resp.GetId(), resp.GetInto(), resp.GetMoved(), resp.GetQuestions(), resp.GetId(), resp.GetInto(), resp.GetMoved(), resp.GetQuestions())
		if len(resp.GetRenamed()) == 0 {
			fmt.Fprintln(s.stdout, "Không mục nào phải đổi mã hay đường dẫn / no item changed its id or slug.")
			return nil
		}
		fmt.Fprintln(s.stdout, "Đổi để tránh trùng / changed to avoid a collision:")
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "FROM_ID\tID\tSLUGS (LANG: OLD -> NEW)")
		for _, m := range resp.GetRenamed() {
			var slugs []string
			for _, sc := range m.GetSlugs() {
				slugs = append(slugs, sc.GetLocale()+": "+sc.GetFromSlug()+" -> "+sc.GetSlug())
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", m.GetFromContentId(), m.GetContentId(), orDash(strings.Join(slugs, "; ")))
		}
		return w.Flush()
	}
}

func retireTenant(fs *flag.FlagSet) action {
	id := fs.String("id", "", "the unit retired")
	successor := fs.String("successor", "", "the unit that took over its tasks (named on its pages' banner)")
	pages := fs.String("pages", "banner", "what its pages answer: banner (kept, with a banner) or gone (410)")
	dissolved := fs.String("dissolved", "", "the day the unit ceased, YYYY-MM-DD (default today, GMT+7)")
	asJSON := fs.Bool("json", false, "write the answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.RetireTenant(ctx, &pb.RetireTenantRequest{Id: *id, Successor: *successor, Pages: *pages, DissolvedOn: *dissolved})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		fmt.Fprintf(s.stdout, "Đơn vị %s đã ngừng hoạt động từ %s (trang: %s, kế thừa: %s) / tenant %s retired on %s (pages: %s, successor: %s)\n",
			resp.GetId(), resp.GetDissolvedOn(), resp.GetPages(), orDash(resp.GetSuccessor()),
			resp.GetId(), resp.GetDissolvedOn(), resp.GetPages(), orDash(resp.GetSuccessor()))
		return nil
	}
}

// maxRedirectFile is the largest map one import takes (the ops API's
// message limit is 1 MiB).
const maxRedirectFile = 1<<20 - 4096

func importRedirects(fs *flag.FlagSet) action {
	file := fs.String("file", "", "the CSV: old_url,tenant,content_id,category[,lang] (\"-\" for standard input)")
	replace := fs.Bool("replace", false, "drop the rows of the file's hosts that the file does not hold")
	asJSON := fs.Bool("json", false, "write the answer as JSON")
	return func(ctx context.Context, s *session) error {
		var r io.Reader = stdin
		if *file != "-" {
			f, err := os.Open(*file)
			if err != nil {
				return usageError{fmt.Errorf("không đọc được tệp / cannot read the file: %w", err)}
			}
			defer f.Close()
			r = f
		}
		data, err := io.ReadAll(io.LimitReader(r, maxRedirectFile+1))
		if err != nil {
			return err
		}
		if len(data) > maxRedirectFile {
			return usageError{errors.New("tệp quá 1 MiB: hãy chia nhỏ theo tên miền / the file is over 1 MiB: split it, e.g. by host")}
		}
		resp, err := s.ops.ImportRedirects(ctx, &pb.ImportRedirectsRequest{Csv: data, Replace: *replace})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeProto(s, resp)
		}
		fmt.Fprintf(s.stdout, "Đã nhập %d địa chỉ cũ của %s / imported %d old URLs of %s\n",
			resp.GetImported(), strings.Join(resp.GetHosts(), ", "), resp.GetImported(), strings.Join(resp.GetHosts(), ", "))
		return nil
	}
}
