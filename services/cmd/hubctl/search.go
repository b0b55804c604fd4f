package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func reindex(*flag.FlagSet) action {
	return func(ctx context.Context, s *session) error {
		start := time.Now()
		bar := newProgressBar(s.stdout)
		err := s.store.Reindex(ctx, bar.show)
		bar.done()
		if err != nil {
			return err
		}
		if err := s.store.RecordAction(ctx, s.actor, "search.reindex", map[string]any{}); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "Đã dựng lại chỉ mục tìm kiếm trong %s / search index rebuilt in %s\n",
			time.Since(start).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		return nil
	}
}

// bestBetFlags declares the flags naming a best bet: a query and an item.
func bestBetFlags(fs *flag.FlagSet) (query, tenant, contentID *string) {
	return fs.String("query", "", "the query, as visitors type it (case and diacritics do not matter)"),
		fs.String("tenant", "", "tenant id of the item"), fs.String("id", "", "content id of the item")
}

// The best bets go through the admin API, as the ops account logged in
// (operator to change them), which the audit log records.

func addBestBet(fs *flag.FlagSet) action {
	query, tenant, id := bestBetFlags(fs)
	position := fs.Int("position", 0, "order among the query's best bets, lower first")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.AddBestBet(ctx, &pb.AddBestBetRequest{Query: *query, TenantId: *tenant, ContentId: *id, Position: int32(*position)})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		q := resp.GetBestBet().GetQuery()
		fmt.Fprintf(s.stdout, "Đã đặt %s/%s lên đầu khi tìm %q / %s/%s is now a best bet for %q\n", *tenant, *id, q, *tenant, *id, q)
		return nil
	}
}

func removeBestBet(fs *flag.FlagSet) action {
	query, tenant, id := bestBetFlags(fs)
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.RemoveBestBet(ctx, &pb.RemoveBestBetRequest{Query: *query, TenantId: *tenant, ContentId: *id})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		fmt.Fprintf(s.stdout, "Đã bỏ đề xuất / best bet removed: %s/%s\n", *tenant, *id)
		return nil
	}
}

func listBestBets(fs *flag.FlagSet) action {
	query := fs.String("query", "", "only this query's best bets")
	asJSON := fs.Bool("json", false, "write the API's answer as JSON")
	return func(ctx context.Context, s *session) error {
		resp, err := s.ops.ListBestBets(ctx, &pb.ListBestBetsRequest{Query: *query})
		if err != nil || *asJSON {
			return answer(s, resp, err)
		}
		w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "QUERY\tPOSITION\tTENANT\tCONTENT_ID\tBY\tCREATED")
		for _, b := range resp.GetBestBets() {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", b.GetQuery(), b.GetPosition(), b.GetTenantId(), b.GetContentId(), b.GetCreatedBy(),
				tsString(b.GetCreatedAt(), b.GetCreatedAt() != nil))
		}
		return w.Flush()
	}
}

// progressBar draws a rebuild's progress: a bar redrawn in place on a
// terminal, a line every tenth otherwise (a log file, a pipe).
type progressBar struct {
	w        io.Writer
	terminal bool
	last     int // tenths printed (not a terminal)
	drawn    bool
}

func newProgressBar(w io.Writer) *progressBar {
	b := &progressBar{w: w, last: -1}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.terminal = true
		}
	}
	return b
}

func (b *progressBar) show(done, total int) {
	frac := 1.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	if b.terminal {
		const width = 40
		n := int(frac * width)
		fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %d/%d", strings.Repeat("#", n), strings.Repeat("-", width-n), frac*100, done, total)
		b.drawn = true
		return
	}
	if tenth := int(frac * 10); tenth > b.last {
		b.last = tenth
		fmt.Fprintf(b.w, "%3.0f%%  %d/%d\n", frac*100, done, total)
	}
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
