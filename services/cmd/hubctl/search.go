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

	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// runSearch runs the search commands:
//
//	hubctl search reindex
//	hubctl search bestbet add --query "căn cước" --tenant ID --id CONTENT_ID [--position N]
//	hubctl search bestbet list [--query "căn cước"]
//	hubctl search bestbet remove --query "căn cước" --tenant ID --id CONTENT_ID
func runSearch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "search"
	if len(args) > 0 {
		cmd += " " + args[0]
		args = args[1:]
	}
	if cmd == "search bestbet" && len(args) > 0 {
		cmd += " " + args[0]
		args = args[1:]
	}
	fs := flag.NewFlagSet("hubctl "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	actor := fs.String("actor", getenv("USER"), "operator recorded in the audit log")
	var query, tenant, contentID string
	var position int
	switch cmd {
	case "search reindex":
	case "search bestbet add", "search bestbet remove":
		fs.StringVar(&query, "query", "", "the query, as visitors type it (case and diacritics do not matter)")
		fs.StringVar(&tenant, "tenant", "", "tenant id of the item")
		fs.StringVar(&contentID, "id", "", "content id of the item")
		if cmd == "search bestbet add" {
			fs.IntVar(&position, "position", 0, "order among the query's best bets, lower first")
		}
	case "search bestbet list":
		fs.StringVar(&query, "query", "", "only this query's best bets")
	default:
		fmt.Fprintf(stderr, "hubctl: lệnh không rõ / unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cmd == "search bestbet add" || cmd == "search bestbet remove" {
		for name, v := range map[string]string{"query": query, "tenant": tenant, "id": contentID} {
			if strings.TrimSpace(v) == "" {
				fmt.Fprintf(stderr, "hubctl %s: thiếu --%s / --%s is required\n", cmd, name, name)
				return 2
			}
		}
	}
	if *actor == "" {
		fmt.Fprintln(stderr, "hubctl: không biết người thao tác: đặt $USER hoặc --actor / no operator: set $USER or --actor")
		return 2
	}
	url := getenv("DATABASE_URL")
	if url == "" {
		fmt.Fprintln(stderr, "hubctl: chưa đặt DATABASE_URL / DATABASE_URL is not set")
		return 2
	}
	fail := func(err error) int {
		msg := explain(err)
		if errors.Is(err, hubstore.ErrReindexRunning) {
			msg = "đang có một lần dựng lại chỉ mục khác / another rebuild is running"
		}
		fmt.Fprintf(stderr, "hubctl %s: %s\n  (%v)\n", cmd, msg, err)
		return 1
	}
	store, err := hubstore.Open(ctx, url)
	if err != nil {
		return fail(err)
	}
	defer store.Close()

	switch cmd {
	case "search reindex":
		start := time.Now()
		bar := newProgressBar(stdout)
		if err := store.Reindex(ctx, bar.show); err != nil {
			bar.done()
			return fail(err)
		}
		bar.done()
		fmt.Fprintf(stdout, "Đã dựng lại chỉ mục tìm kiếm trong %s / search index rebuilt in %s\n",
			time.Since(start).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	case "search bestbet add":
		b, err := store.AddBestBet(ctx, *actor, query, tenant, contentID, position)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã đặt %s/%s lên đầu khi tìm %q / %s/%s is now a best bet for %q\n",
			tenant, contentID, b.Query, tenant, contentID, b.Query)
	case "search bestbet remove":
		if err := store.RemoveBestBet(ctx, *actor, query, tenant, contentID); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "Đã bỏ đề xuất / best bet removed: %s/%s\n", tenant, contentID)
	case "search bestbet list":
		bs, err := store.ListBestBets(ctx, query)
		if err != nil {
			return fail(err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "QUERY\tPOSITION\tTENANT\tCONTENT_ID\tBY\tCREATED")
		for _, b := range bs {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", b.Query, b.Position, b.Tenant, b.ContentID, b.CreatedBy,
				b.CreatedAt.UTC().Format("2006-01-02 15:04"))
		}
		w.Flush()
	}
	return 0
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
