package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/push"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
	"golang.org/x/net/html"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// importItems is `subportal import`: the items of an old portal (a folder
// of JSON items and HTML pages, or a CSV file) approved into this
// sub-portal's database, each with its outbox row as any approval, then
// pushed to the hub over PublishBulk (push.Relay.DrainBulk), with the
// progress shown: items per second and the time left.
func importItems(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dir := fs.String("dir", "", "folder of *.json items (as seed reads them), *.html pages (title from <title> or the first <h1>, body from <body>) and *.md pages (title from the first \"# \" heading)")
	csvFile := fs.String("csv", "", "CSV file with a header: content_id, title, body_html and optionally summary, slug, category, kind, published_at (RFC 3339 or 2006-01-02)")
	approver := fs.String("approver", "", "the username of the back-office account that approves the imported items (approver role, Art. 7.5)")
	author := fs.String("author", "", "the author of items that name none")
	category := fs.String("category", "news", "category of HTML pages and of CSV rows without one")
	stream := fs.Int("stream", 500, "items per PublishBulk stream")
	noPush := fs.Bool("no-push", false, "only store the items; 'subportal serve' pushes them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if (*dir == "") == (*csvFile == "") {
		return errors.New("import needs exactly one of --dir DIR and --csv FILE")
	}
	if strings.TrimSpace(*approver) == "" {
		return errors.New("import needs --approver USERNAME: the back-office account (approver role) that approves the items")
	}
	if *stream < 1 || *stream > 2000 {
		return fmt.Errorf("--stream must be between 1 and 2000 (a stream must end within the hub's 30 s), not %d", *stream)
	}
	var items []*pb.ContentItem
	var bad []error
	if *dir != "" {
		items, bad = readImportDir(*dir, *category)
	} else {
		f, err := os.Open(*csvFile)
		if err != nil {
			return err
		}
		items, bad = readImportCSV(f, *csvFile, *category)
		f.Close()
	}
	for _, err := range bad {
		fmt.Fprintln(os.Stderr, "bỏ qua:", err)
	}
	if len(items) == 0 {
		return fmt.Errorf("nothing to import (%d refused)", len(bad))
	}

	ctx, stop := lifecycle.SignalContext()
	defer stop()
	st, closeDB, err := openStore(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer closeDB()
	acc, err := approverAccount(ctx, st, *approver)
	if err != nil {
		return err
	}

	show := newProgress(os.Stderr, "Lưu vào cơ sở dữ liệu", len(items))
	var approved, unchanged int
	for i, item := range items {
		in := store.ChangeFromItem(item)
		if len(in.Authors) == 0 && strings.TrimSpace(*author) != "" {
			in.Authors = []*pb.Person{{Name: strings.TrimSpace(*author)}}
		}
		in.Approver = &pb.Person{Name: acc.DisplayName, Account: acc.Username}
		_, changed, err := st.ApproveIfChanged(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			bad = append(bad, fmt.Errorf("%s: %w", item.GetContentId(), describeAll(err)))
		} else if changed {
			approved++
		} else {
			unchanged++
		}
		show.at(i + 1)
	}
	show.end()
	fmt.Printf("đã lưu %d mục: %d mới hoặc đã sửa, %d không đổi, %d bị từ chối\n", approved+unchanged, approved, unchanged, len(bad))
	if !*noPush && approved > 0 {
		if err := pushImported(ctx, st, *stream); err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d refused (the others are stored; fix these and import again):\n%w", len(bad), errors.Join(bad...))
	}
	return nil
}

// pushImported pushes every due outbox row to the hub over PublishBulk
// until none is left, waiting out the hub's unavailability, with the hub
// settings of 'subportal serve' (SUBPORTAL_HUB_*).
func pushImported(ctx context.Context, st *store.Store, stream int) error {
	var s settings
	set := declare(&s, "subportal import")
	set.MustParse(nil)
	if s.Tenant == "" {
		return errors.New("SUBPORTAL_TENANT is required to push (or import with --no-push and let 'subportal serve' push)")
	}
	if !s.HubInsecure && s.HubCA == "" {
		return errors.New("SUBPORTAL_HUB_CA is required to push (SUBPORTAL_HUB_INSECURE=true only for tests)")
	}
	if s.HubTokenFile == "" {
		return errors.New("SUBPORTAL_HUB_TOKEN_FILE is required to push: the file holding the tenant's hub credential")
	}
	credential, err := push.OpenCredentialFile(s.HubTokenFile, nil)
	if err != nil {
		return err
	}
	conn, err := push.Dial(push.DialConfig{Addr: s.HubAddr, CAFile: s.HubCA, Credential: credential, Tenant: s.Tenant, Insecure: s.HubInsecure})
	if err != nil {
		return err
	}
	defer conn.Close()
	log := lifecycle.Logger("subportal").With().Str("component", "import").Logger().Level(zerolog.ErrorLevel)
	relay := push.New(st, pb.NewIngestServiceClient(conn), log, push.Config{Endpoint: push.Endpoint{Tenant: s.Tenant, HubAddr: s.HubAddr}})
	counts, err := st.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	pending := int(counts[store.StatusPending])
	show := newProgress(os.Stderr, "Đẩy lên cổng tỉnh", pending)
	settled := 0
	for {
		relay.DrainBulk(ctx, stream, func(n int) { show.at(settled + n) })
		if ctx.Err() != nil {
			return ctx.Err()
		}
		counts, err := st.OutboxCounts(ctx)
		if err != nil {
			return err
		}
		left := int(counts[store.StatusPending])
		settled = max(settled, pending-left)
		if left == 0 {
			break
		}
		// Retries not yet due, or the hub unavailable: say so and wait.
		if l := relay.Link(); l.State != push.LinkOK {
			fmt.Fprintf(os.Stderr, "\ncổng tỉnh: %s; thử lại sau 5 giây (còn %d mục)\n", l, left)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
	show.end()
	counts, err = st.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("đã đẩy lên cổng tỉnh: %d mục đã nhận; %d bị từ chối (xem Hộp thư đi trong trang quản trị)\n",
		counts[store.StatusDelivered], counts[store.StatusRefused])
	return nil
}

// readImportDir reads dir's *.json items and *.html pages, in name order.
func readImportDir(dir, category string) ([]*pb.ContentItem, []error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []error{err}
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var items []*pb.ContentItem
	var bad []error
	for _, name := range names {
		path := filepath.Join(dir, name)
		switch strings.ToLower(filepath.Ext(name)) {
		case ".json":
			read, err := readItem(path)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			if read.author != "" && len(read.item.GetAuthors()) == 0 {
				read.item.Authors = []*pb.Person{{Name: read.author}}
			}
			items = append(items, read.item)
		case ".md":
			item, err := readMarkdownPage(path, category)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			items = append(items, item)
		case ".html", ".htm":
			item, err := readHTMLPage(path, category)
			if err != nil {
				bad = append(bad, err)
				continue
			}
			items = append(items, item)
		}
	}
	return items, bad
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// idOf is a content id made of a file name: lower case, runs of other
// characters turned into dashes.
func idOf(name string) string {
	return strings.Trim(notSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
}

// readHTMLPage reads an old portal's page: its title is <title> or the
// first <h1>, its body what <body> holds (the sub-portal and the hub
// sanitise it), its content id and slug its file name, its publication
// time the file's.
func readHTMLPage(path, category string) (*pb.ContentItem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var title, h1 string
	var body *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "title":
				if title == "" {
					title = strings.TrimSpace(textOf(n))
				}
			case "h1":
				if h1 == "" {
					h1 = strings.TrimSpace(textOf(n))
				}
			case "body":
				body = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if title == "" {
		title = h1
	}
	if title == "" {
		return nil, fmt.Errorf("%s: no <title> and no <h1>: the page has no title", path)
	}
	var out bytes.Buffer
	if body != nil {
		for c := body.FirstChild; c != nil; c = c.NextSibling {
			if err := html.Render(&out, c); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	id := idOf(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return importedItem(id, id, title, "", out.String(), category, pb.ContentKind_CONTENT_KIND_ARTICLE, info.ModTime()), nil
}

// readMarkdownPage reads a Markdown page: its title is its first "# "
// heading, its body the rest rendered as the back office's editor renders
// Markdown (editorial.RenderMarkdown); content id, slug and publication
// time as readHTMLPage takes them.
func readMarkdownPage(path, category string) (*pb.ContentItem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var title string
	var rest []string
	for _, line := range strings.Split(string(b), "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok && title == "" {
			title = strings.TrimSpace(t)
			continue
		}
		rest = append(rest, line)
	}
	if title == "" {
		return nil, fmt.Errorf("%s: no \"# \" heading: the page has no title", path)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	id := idOf(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return importedItem(id, id, title, "", editorial.RenderMarkdown(strings.Join(rest, "\n")), category,
		pb.ContentKind_CONTENT_KIND_ARTICLE, info.ModTime()), nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func importedItem(id, slug, title, summary, body, category string, kind pb.ContentKind, published time.Time) *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: id, Kind: kind, Category: category,
		State:        pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Slug: slug, Title: title, Summary: summary, BodyHtml: body}},
		PublishedAt:  timestamppb.New(published),
	}
}

// readImportCSV reads CSV rows (a header naming the columns first).
func readImportCSV(r io.Reader, name, category string) ([]*pb.ContentItem, []error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, []error{fmt.Errorf("%s: the header: %w", name, err)}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"content_id", "title", "body_html"} {
		if _, ok := col[need]; !ok {
			return nil, []error{fmt.Errorf("%s: the header has no %s column (it needs content_id, title, body_html)", name, need)}
		}
	}
	var items []*pb.ContentItem
	var bad []error
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", name, err))
			continue
		}
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		id := get("content_id")
		published := time.Now().UTC()
		if p := get("published_at"); p != "" {
			t, err := time.Parse(time.RFC3339, p)
			if err != nil {
				t, err = time.Parse(time.DateOnly, p)
			}
			if err != nil {
				bad = append(bad, fmt.Errorf("%s line %d (%s): published_at %q is neither RFC 3339 nor 2006-01-02", name, line, id, p))
				continue
			}
			published = t
		}
		kind := pb.ContentKind_CONTENT_KIND_ARTICLE
		if k := get("kind"); k != "" {
			v, ok := pb.ContentKind_value["CONTENT_KIND_"+strings.ToUpper(k)]
			if !ok {
				bad = append(bad, fmt.Errorf("%s line %d (%s): unknown kind %q", name, line, id, k))
				continue
			}
			kind = pb.ContentKind(v)
		}
		slug := get("slug")
		if slug == "" {
			slug = idOf(id)
		}
		items = append(items, importedItem(id, slug, get("title"), get("summary"), get("body_html"),
			cmp.Or(get("category"), category), kind, published))
	}
	return items, bad
}

// progress shows an import's progress on w, at most once a second and at
// its end: done of total, items per second, and the time left at that rate.
type progress struct {
	w            io.Writer
	phase        string
	total        int
	start, shown time.Time
	done         int
}

func newProgress(w io.Writer, phase string, total int) *progress {
	return &progress{w: w, phase: phase, total: total, start: time.Now()}
}

func (p *progress) at(done int) {
	p.done = done
	if now := time.Now(); now.Sub(p.shown) >= time.Second {
		p.shown = now
		fmt.Fprint(p.w, "\r"+progressLine(p.phase, done, p.total, now.Sub(p.start))+"   ")
	}
}

func (p *progress) end() {
	fmt.Fprintln(p.w, "\r"+progressLine(p.phase, p.done, p.total, time.Since(p.start))+"   ")
}

// progressLine is one line of progress: "Đẩy lên cổng tỉnh: 1.200/5.000
// mục (24%), 400 mục/giây, còn khoảng 10 giây".
func progressLine(phase string, done, total int, elapsed time.Duration) string {
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	line := fmt.Sprintf("%s: %s/%s mục (%d%%)", phase, thousands(done), thousands(total), pct)
	if elapsed <= 0 || done == 0 {
		return line
	}
	rate := float64(done) / elapsed.Seconds()
	line += fmt.Sprintf(", %s mục/giây", thousands(int(rate+0.5)))
	if done < total {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		line += ", còn khoảng " + vietDuration(left)
	} else {
		line += ", xong sau " + vietDuration(elapsed)
	}
	return line
}

// thousands writes n with dots between groups of three digits, as
// Vietnamese does.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

func vietDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d giờ %d phút", h, m)
	case m > 0:
		return fmt.Sprintf("%d phút %d giây", m, s)
	default:
		return fmt.Sprintf("%d giây", s)
	}
}
