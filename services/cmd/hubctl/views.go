package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// What the console shows, as commands (issue 10 point 11): a tenant's
// items and an item's versions, takedowns, refused pushes, coverage, the
// backlogs and the overdue citizens' questions, through the admin API as
// the ops account logged in (a viewer reads them all). --json writes the
// API's answer; lists are paged: a page that has a next one ends, on
// standard error, with the --page flag that shows it.

// pageFlags declares a list's --limit and --page.
func pageFlags(fs *flag.FlagSet) (limit *int, page *string) {
	return fs.Int("limit", 50, "rows a page (1 to 500)"),
		fs.String("page", "", "the page a previous run named (its --page TOKEN)")
}

// morePages tells, on standard error, how to see the next page.
func morePages(s *session, token string) {
	if token != "" {
		fmt.Fprintf(s.stderr, "còn nữa / more: hubctl %s ... --page %s\n", s.name, token)
	}
}

// when is t in GMT+7 to the minute; "-" when unset.
func when(t *timestamppb.Timestamp) string { return tsString(t, t != nil) }

func printItems(s *session, items []*pb.OpsItem, withTenant bool) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	head := "MÃ/CONTENT ID\tPHIÊN BẢN/VERSION\tLOẠI/KIND\tTRẠNG THÁI/STATE\tCẬP NHẬT/UPDATED\tNGÔN NGỮ/LANGS\tTIÊU ĐỀ/TITLE"
	if withTenant {
		head = "ĐƠN VỊ/TENANT\t" + head + "\tGỠ LÚC/TAKEN DOWN\tLÝ DO/REASON"
	}
	fmt.Fprintln(w, head)
	for _, it := range items {
		state := it.GetState()
		if it.GetTakenDownAt() != nil {
			state += " (gỡ/down)"
		}
		row := fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s", it.GetContentId(), it.GetVersion(), it.GetKind(), state, when(it.GetUpdatedAt()),
			orDash(strings.Join(it.GetLocales(), ",")), orDash(it.GetTitle()))
		if withTenant {
			row = it.GetTenantId() + "\t" + row + "\t" + when(it.GetTakenDownAt()) + "\t" + it.GetTakedownReason()
		}
		fmt.Fprintln(w, row)
	}
	return w.Flush()
}

func listItems(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "the tenant whose items to list")
	query := fs.String("query", "", "only items whose content id or title holds this (case and diacritics do not matter)")
	state := fs.String("state", "", "published, withdrawn, redirected, gone, or down (taken down)")
	kind := fs.String("kind", "", "only this kind (article, legal_document, organisation_unit, ...)")
	lacks := fs.String("lacks", "", "only items with no translation in this language (en, ru)")
	limit, page := pageFlags(fs)
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListItems(ctx, &pb.ListItemsRequest{TenantId: *tenant, Query: *query, State: *state, Kind: *kind, Lacks: *lacks,
			PageToken: *page, PageSize: int32(*limit)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		if err := printItems(s, resp.GetItems(), false); err != nil {
			return err
		}
		morePages(s, resp.GetNextPageToken())
		return nil
	}
}

func showItem(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "the item's tenant")
	id := fs.String("id", "", "the item's content id")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.GetItem(ctx, &pb.GetItemRequest{TenantId: *tenant, ContentId: *id})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		it := resp.GetItem()
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		for _, kv := range [][2]string{
			{"Đơn vị / Tenant", it.GetTenantId()}, {"Mã / Content id", it.GetContentId()}, {"Tiêu đề / Title", orDash(it.GetTitle())},
			{"Phiên bản / Version", fmt.Sprint(it.GetVersion())}, {"Loại / Kind", it.GetKind()}, {"Chuyên mục / Category", orDash(it.GetCategory())},
			{"Trạng thái / State", it.GetState()}, {"Xuất bản / Published", when(it.GetPublishedAt())}, {"Cập nhật / Updated", when(it.GetUpdatedAt())},
			{"Ngôn ngữ / Languages", orDash(strings.Join(it.GetLocales(), ","))}, {"SHA-256", it.GetContentHash()},
		} {
			fmt.Fprintf(w, "%s:\t%s\n", kv[0], kv[1])
		}
		if it.GetTakenDownAt() != nil {
			fmt.Fprintf(w, "Bị gỡ / Taken down:\t%s (%s)\n", when(it.GetTakenDownAt()), it.GetTakedownReason())
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(s.stdout, "\nLịch sử (phiên bản, từ chối, gỡ) / History (versions, refusals, takedowns), newest first:")
		return writeAuditTable(s, resp.GetHistory(), true)
	}
}

func listTakedowns(fs *flag.FlagSet) action {
	limit, page := pageFlags(fs)
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListTakedowns(ctx, &pb.ListTakedownsRequest{PageToken: *page, PageSize: int32(*limit)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		if err := printItems(s, resp.GetItems(), true); err != nil {
			return err
		}
		morePages(s, resp.GetNextPageToken())
		return nil
	}
}

func listRefusals(fs *flag.FlagSet) action {
	tenant := fs.String("tenant", "", "only this tenant's")
	reason := fs.String("reason", "", "only this reason (LEGACY_ENCODING, ...)")
	limit, page := pageFlags(fs)
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListRefusals(ctx, &pb.ListRefusalsRequest{TenantId: *tenant, Reason: *reason, PageToken: *page, PageSize: int32(*limit)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "LẦN CUỐI/LAST\tĐƠN VỊ/TENANT\tMÃ/CONTENT ID\tPHIÊN BẢN/VERSION\tLÝ DO/REASON\tTRƯỜNG/FIELD\tSỐ LẦN/TIMES\tTHÔNG BÁO/MESSAGE")
		for _, r := range resp.GetRefusals() {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%d\t%s\n", when(r.GetLastAt()), r.GetTenantId(), r.GetContentId(), r.GetVersion(),
				r.GetReason(), orDash(r.GetField()), r.GetTimes(), orDash(r.GetMessageVi()))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		morePages(s, resp.GetNextPageToken())
		return nil
	}
}

func coverageReport(fs *flag.FlagSet) action {
	query := fs.String("query", "", "only tenants whose id or name holds this")
	kind := fs.String("kind", "", "only tenants of this kind (department, ward, ...)")
	limit, page := pageFlags(fs)
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.Coverage(ctx, &pb.CoverageRequest{Query: *query, TenantKind: *kind, PageToken: *page, PageSize: int32(*limit)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Loại bắt buộc / required kinds: %s; cần tiếng Anh / wanted in English: %s\n",
			strings.Join(resp.GetRequiredKinds(), ", "), orDash(strings.Join(resp.GetEnglishKinds(), ", ")))
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ĐƠN VỊ/TENANT\tMỤC/ITEMS\tEN\tRU\tTHIẾU/MISSING\tTHIẾU TIẾNG ANH/NO ENGLISH")
		for _, t := range resp.GetTenants() {
			var items, en, ru int32
			for _, k := range t.GetKinds() {
				items, en, ru = items+k.GetItems(), en+k.GetEnglish(), ru+k.GetRussian()
			}
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\n", t.GetTenantId(), items, en, ru, orDash(strings.Join(t.GetMissing(), ",")),
				orDash(strings.Join(t.GetEnglishMissing(), ",")))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		morePages(s, resp.GetNextPageToken())
		return nil
	}
}

func showBacklog(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.Backlog(ctx, &pb.BacklogRequest{})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Hàng đợi sự kiện chưa lên NATS / outbox pending: %d (cũ nhất / oldest %s)\n", resp.GetOutboxPending(), when(resp.GetOutboxOldest()))
		fmt.Fprintf(s.stdout, "Thư chờ gửi / mail queued: %d\n", resp.GetMailQueued())
		if f := resp.GetFailing(); len(f) > 0 {
			fmt.Fprintln(s.stdout, "\nSự kiện gửi lỗi / outbox rows failing to publish:")
			w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSUBJECT\tCREATED\tATTEMPTS\tLAST ERROR")
			for _, r := range f {
				fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\n", r.GetId(), r.GetSubject(), when(r.GetCreatedAt()), r.GetAttempts(), r.GetLastError())
			}
			if err := w.Flush(); err != nil {
				return err
			}
		}
		fmt.Fprintln(s.stdout, "\nNATS consumers:")
		if e := resp.GetConsumersError(); e != "" {
			fmt.Fprintf(s.stdout, "  không liệt kê được / not listed: %s\n", e)
			return nil
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "STREAM\tCONSUMER\tFILTER\tPENDING\tACK PENDING\tREDELIVERED\tLAST DELIVERED")
		for _, c := range resp.GetConsumers() {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", c.GetStream(), c.GetName(), orDash(c.GetFilter()), c.GetPending(), c.GetAckPending(),
				c.GetRedelivered(), when(c.GetLastDelivered()))
		}
		return w.Flush()
	}
}

func overdueQuestions(fs *flag.FlagSet) action {
	limit := fs.Int("limit", 500, "at most this many (1 to 500), the oldest due first")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListOverdueQuestions(ctx, &pb.ListOverdueQuestionsRequest{Limit: int32(*limit)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		byTenant := map[string]int{}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "HẠN/DUE\tĐƠN VỊ/TENANT\tMÃ/ID\tCHỦ ĐỀ/TOPIC\tTRẠNG THÁI/STATUS\tGỬI LÚC/SUBMITTED")
		for _, q := range resp.GetQuestions() {
			byTenant[q.GetTenantId()]++
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", q.GetDueOn(), q.GetTenantId(), q.GetId(), q.GetTopic(), q.GetStatus(), when(q.GetSubmittedAt()))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "%d câu hỏi quá hạn ở %d đơn vị / %d overdue questions at %d tenants\n",
			len(resp.GetQuestions()), len(byTenant), len(resp.GetQuestions()), len(byTenant))
		return nil
	}
}
