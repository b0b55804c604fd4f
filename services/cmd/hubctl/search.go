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
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// reindex rebuilds the search index through the admin API (operator) and
// shows its progress. The rebuild runs in the aggregator: interrupting
// hubctl stops following it, and running the command again while it runs
// follows it again.
func reindex(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the rebuild's last progress message as JSON (no bar)")
	return func(ctx context.Context, s *session) error {
		stream, err := s.ops.RebuildSearchIndex(ctx, &pb.RebuildSearchIndexRequest{})
		if err != nil {
			return err
		}
		var bar *progressBar
		if *asJSON {
			bar = newProgressBar(io.Discard)
		} else {
			bar = newProgressBar(s.stdout)
		}
		var last *pb.RebuildSearchIndexResponse
		for {
			msg, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				bar.done()
				if ctx.Err() != nil && last != nil {
					fmt.Fprintf(s.stderr, "hubctl search reindex: đã thôi theo dõi; việc dựng lại vẫn chạy trong aggregator, chạy lại lệnh này để theo dõi tiếp / "+
						"stopped following; the rebuild goes on in the aggregator: run this command again to follow it\n")
				}
				return err
			}
			if last == nil && !msg.GetStarted() {
				by := msg.GetStartedBy()
				at := msg.GetStartedAt().AsTime()
				fmt.Fprintf(s.stderr, "Đang theo dõi lần dựng lại do %s bắt đầu lúc %s / following the rebuild %s started at %s\n",
					by, vnTime(at), by, at.UTC().Format(time.RFC3339))
			}
			last = msg
			if msg.GetTotal() > 0 || msg.GetFinished() {
				bar.show(int(msg.GetDone()), int(msg.GetTotal()))
			}
		}
		bar.done()
		if last == nil || !last.GetFinished() {
			return errors.New("the admin API ended the rebuild's progress before it finished; the aggregator's log says why")
		}
		if *asJSON {
			return writeProto(s, last)
		}
		took := time.Since(last.GetStartedAt().AsTime()).Round(time.Second)
		fmt.Fprintf(s.stdout, "Đã dựng lại chỉ mục tìm kiếm: %d mục, trong %s / search index rebuilt: %d items, in %s\n",
			last.GetTotal(), took, last.GetTotal(), took)
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
