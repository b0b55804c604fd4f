package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/internal/federation"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// The bulk part (issue 11 point 4): a sub-portal onboarding its existing
// articles through PublishBulk, against the floor of what that writes: a
// raw COPY (pgx's CopyFrom protocol, binary format) of the very rows the
// bulk wrote, read back from the hub, into the same tables with the same
// indexes and triggers (items, item_translations, search_docs and its
// vocabulary, compliance_updates, outbox, audit_log) of a second hub
// database migrated alike, in one transaction. The aggregator runs with
// PORTALHUB_PPROF: its CPU profile over the bulk and its allocation profile
// go into BENCH_PROFILES.

type bulkSettings struct {
	Items          int
	Stream         int
	Profiles       string
	ProfileSeconds int
	Verbose        bool
}

const bulkTenant = "nhap-lieu"

// bulkItem is article i of an old portal: about 2 KB of HTML with the
// markup such articles have, some of which the sanitiser removes.
func bulkItem(i int) *pb.ContentItem {
	var body strings.Builder
	fmt.Fprintf(&body, `<p>Ngày %d/%d, <strong>Sở Khoa học và Công nghệ</strong> tổ chức hội nghị tổng kết công tác chuyển đổi số số %d.</p>`, i%28+1, i%12+1, i)
	for p := range 6 {
		fmt.Fprintf(&body, `<p style="text-align:justify">Đoạn %d: các đơn vị báo cáo kết quả triển khai dịch vụ công trực tuyến, `+
			`số hoá hồ sơ và kết nối cơ sở dữ liệu dùng chung của tỉnh; <a href="https://example.gov.vn/van-ban/%d" onclick="x()">văn bản kèm theo</a>.</p>`, p+1, i)
	}
	body.WriteString(`<ul><li>Hồ sơ trực tuyến toàn trình</li><li>Thanh toán không dùng tiền mặt</li></ul>`)
	return &pb.ContentItem{
		ContentId: fmt.Sprintf("bai-cu-%06d", i), Version: 1,
		Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{{Locale: "vi", Slug: fmt.Sprintf("bai-cu-%06d", i),
			Title:    fmt.Sprintf("Hội nghị tổng kết chuyển đổi số lần %d", i),
			Summary:  "Tổng kết công tác chuyển đổi số của các đơn vị trong tỉnh.",
			BodyHtml: body.String()}},
		Authors:     []*pb.Person{{Name: "Nguyễn Văn An"}},
		Approver:    &pb.Person{Name: "Trần Thị Bình"},
		PublishedAt: timestamppb.New(time.Date(2015, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)),
	}
}

// runBulk runs the bulk part.
func runBulk(ctx context.Context, bin string, s bulkSettings, check *checks) error {
	dir, err := os.MkdirTemp("/var/tmp", "portalhub-bench-bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The postgres user must reach the cluster's folder (else pgcluster
	// puts it elsewhere): the processes are found by it (procSnapshot).
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	opts := federation.Options{
		VarDir: filepath.Join(dir, "var"), BinDir: bin, Ephemeral: true,
		Tenants: []federation.Tenant{{ID: bulkTenant, Kind: "department", NameVI: "Sở Nhập liệu"}},
		Env:     []string{"PORTALHUB_PPROF=true"},
	}
	if s.Verbose {
		opts.Output = os.Stderr
	}
	fmt.Println("bulk ingest: starting the federation...")
	f, err := federation.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer f.Stop()

	items := make([]*pb.ContentItem, s.Items)
	var size int
	for i := range items {
		items[i] = bulkItem(i)
		size += proto.Size(&pb.PublishBulkRequest{Item: items[i]})
	}
	cliTLS, err := devtls.ClientTLS(f.CAFile)
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(f.HubAddr, grpc.WithTransportCredentials(credentials.NewTLS(cliTLS)))
	if err != nil {
		return err
	}
	defer conn.Close()
	hub := pb.NewIngestServiceClient(conn)
	token := f.SubPortals[bulkTenant].HubToken

	// The words the vocabulary held before: the floor copies only those
	// the bulk added.
	hubConn, err := pgx.Connect(ctx, f.HubDatabaseURL)
	if err != nil {
		return err
	}
	defer hubConn.Close(context.Background())
	if _, err := hubConn.Exec(ctx, `CREATE TEMP TABLE words_before AS SELECT word FROM search_vocabulary`); err != nil {
		return err
	}

	fmt.Printf("pushing %d articles (%.1f KB each) through PublishBulk, streams of %d...\n", s.Items, float64(size)/float64(s.Items)/1024, s.Stream)
	ops := "http://" + f.HubOpsAddr
	prof := startCPUProfile(ctx, ops, s.Profiles, "bulk-aggregator", s.ProfileSeconds)
	p0, err := procSnapshot(dir)
	if err != nil {
		return err
	}
	start := time.Now()
	for from := 0; from < len(items); from += s.Stream {
		if err := pushStream(ctx, hub, token, items[from:min(from+s.Stream, len(items))]); err != nil {
			return err
		}
	}
	took := time.Since(start)
	announced, err := waitAnnounced(ctx, hubConn, s.Items)
	if err != nil {
		return err
	}
	announcedAfter := time.Since(start)
	p1, err := procSnapshot(dir)
	if err != nil {
		return err
	}
	cpuPath, cpuErr := prof.wait()
	allocsPath, allocsErr := allocsProfile(ctx, ops, s.Profiles, "bulk-aggregator")

	fmt.Println("copying the rows it wrote into a second hub database (the floor)...")
	floor, floorCPU, counts, err := copyFloor(ctx, f.BaseURL, hubConn, dir)
	if err != nil {
		return fmt.Errorf("CopyFrom floor: %w", err)
	}

	n := float64(s.Items)
	mb := float64(size) / (1 << 20)
	row := func(name, a, b, c string) { fmt.Printf("%-58s %10s %14s %10s\n", name, a, b, c) }
	fmt.Println()
	row(fmt.Sprintf("bulk ingest, %d articles (%.1f MB)", s.Items, mb), "seconds", "items/s", "MB/s")
	row("  PublishBulk (validate, sanitise, hash, store, outbox)", fmt.Sprintf("%.2f", took.Seconds()),
		fmt.Sprintf("%.0f", n/took.Seconds()), fmt.Sprintf("%.1f", mb/took.Seconds()))
	row("  floor: CopyFrom of the same rows, same tables and indexes", fmt.Sprintf("%.2f", floor.Seconds()),
		fmt.Sprintf("%.0f", n/floor.Seconds()), fmt.Sprintf("%.1f", mb/floor.Seconds()))
	fmt.Printf("  rows copied: %s\n", counts)
	fmt.Printf("  events: %d applied versions, %d announced on the bus %.1f s after the first push\n", s.Items, announced, announcedAfter.Seconds())
	r := floor.Seconds() / took.Seconds()
	fmt.Printf("PublishBulk ÷ CopyFrom: ×%.2f   (aim: at least ×0.5)\n", r)
	check.add("bulk ingest: PublishBulk items/s ÷ CopyFrom items/s", r, 0.5)
	// Where the machine's time went: on a loaded machine of two cores the
	// bulk is bounded by the CPU of every process it keeps busy, the
	// floor's by PostgreSQL's alone.
	fmt.Println("  CPU seconds by process, the bulk until its last event was on the bus (bench: the client's encoding and TLS):")
	for _, p := range procDelta(p0, p1) {
		if p.cpu >= 0.05 {
			fmt.Printf("    %-12s %6d %10.2f s\n", p.name, p.procs, p.cpu)
		}
	}
	fmt.Println("  CPU seconds by process, the floor's COPY:")
	for _, p := range floorCPU {
		if p.cpu >= 0.05 {
			fmt.Printf("    %-12s %6d %10.2f s\n", p.name, p.procs, p.cpu)
		}
	}
	if cpuErr != nil || allocsErr != nil {
		return errors.Join(cpuErr, allocsErr)
	}
	fmt.Println("\nprofiles of the aggregator during the bulk (top entries):")
	printTop(cpuPath, 12)
	printTop(allocsPath, 12)
	return nil
}

// pushStream sends items on one PublishBulk stream (a call lasts at most the
// hub's 30 s deadline cap) and checks that each was applied.
func pushStream(ctx context.Context, hub pb.IngestServiceClient, token string, items []*pb.ContentItem) error {
	ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token), 30*time.Second)
	defer cancel()
	stream, err := hub.PublishBulk(ctx)
	if err != nil {
		return err
	}
	sent := make(chan error, 1)
	go func() {
		for _, it := range items {
			if err := stream.Send(&pb.PublishBulkRequest{Item: it}); err != nil {
				sent <- err
				return
			}
		}
		sent <- stream.CloseSend()
	}()
	for i := 0; ; i++ {
		r, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if i != len(items) {
				return fmt.Errorf("PublishBulk answered %d of %d pushes", i, len(items))
			}
			break
		}
		if err != nil {
			return fmt.Errorf("PublishBulk: %w", err)
		}
		if r.Error != nil {
			return fmt.Errorf("PublishBulk refused %s: %v", r.ContentId, status.FromProto(r.Error).Err())
		}
		if r.Result.GetOutcome() != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
			return fmt.Errorf("PublishBulk answered %s for %s, want APPLIED", r.Result.GetOutcome(), r.ContentId)
		}
	}
	return <-sent
}

// waitAnnounced waits until the outbox relay has published every event of
// the bulk to JetStream (it marks a row only once the stream acknowledged
// it) and returns how many rows there are: one per applied version.
func waitAnnounced(ctx context.Context, hub *pgx.Conn, want int) (int, error) {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var rows, published int
		err := hub.QueryRow(ctx, `SELECT count(*), count(published_at) FROM outbox WHERE subject LIKE $1`,
			"hub."+bulkTenant+".content.%").Scan(&rows, &published)
		if err != nil {
			return 0, err
		}
		if rows != want {
			return 0, fmt.Errorf("%d outbox events for %d applied pushes", rows, want)
		}
		if published == rows {
			return published, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d of %d events announced after 5 minutes", published, rows)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// floorTables are the tables the bulk writes and the rows of it each
// holds, as the floor copies them: columns a default or trigger fills
// (ids, the audit chain) are left to it, as for the bulk. Their rows are
// copied in chunks of floorChunk items (where: the rows of chunk %[1]d
// of %[2]d), each chunk in its own transaction: in one transaction of
// 20,000 the audit chain's trigger, which updates its one-row head per
// entry and reads it back through every version the transaction left,
// made COPY quadratic (173 items/s at 20,000 against 581 at 5,000).
var floorTables = []struct{ table, columns, where string }{
	{"items", "tenant_id, content_id, version, content_hash, kind, category, state, published_at, updated_at, doc", inChunk("content_id")},
	{"item_translations", "tenant_id, content_id, locale, slug, title, summary", inChunk("content_id")},
	{"search_docs", "tenant_id, content_id, locale, kind, category, published_at, title, summary, body, head, exact, tsv", inChunk("content_id")},
	{"search_vocabulary", "word, display", "word NOT IN (SELECT word FROM words_before) AND abs(hashtext(word)) %% %[2]d = %[1]d"},
	{"compliance_updates", "tenant_id, content_id, version, applied_at, new_item, published_at", inChunk("content_id")},
	{"outbox", "subject, msg_id, payload", "subject IN (SELECT 'hub." + bulkTenant + ".content.' || content_id FROM floor_chunks WHERE chunk = %[1]d)"},
	{"audit_log", "actor, action, tenant_id, subject, detail", "actor = 'tenant:" + bulkTenant + "' AND " + inChunk("subject")},
}

// floorChunk is how many items' rows one transaction of the floor copies.
const floorChunk = 1000

func inChunk(column string) string {
	return column + " IN (SELECT content_id FROM floor_chunks WHERE chunk = %[1]d)"
}

// copyFloor reads the rows the bulk wrote from the hub (binary COPY TO) and
// times writing them with COPY FROM into a fresh hub database, floorChunk
// items a transaction, committed, with the CPU each process group of the
// run's tree (mark: see procSnapshot) used meanwhile.
func copyFloor(ctx context.Context, base string, hub *pgx.Conn, mark string) (time.Duration, []procUse, string, error) {
	url, err := federation.EnsureDatabase(ctx, base, "portalhub_bench_floor")
	if err != nil {
		return 0, nil, "", err
	}
	if err := hubschema.Migrate(ctx, url); err != nil {
		return 0, nil, "", err
	}
	st, err := hubstore.Open(ctx, url)
	if err != nil {
		return 0, nil, "", err
	}
	err = st.AddTenant(ctx, "bench", hubstore.Tenant{ID: bulkTenant, Kind: "department", NameVI: "Sở Nhập liệu"})
	st.Close()
	if err != nil {
		return 0, nil, "", err
	}
	var chunks int
	if _, err := hub.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE floor_chunks AS SELECT content_id,
			(row_number() OVER (ORDER BY content_id) - 1) / %d AS chunk FROM items WHERE tenant_id = '%s'`, floorChunk, bulkTenant)); err != nil {
		return 0, nil, "", err
	}
	if err := hub.QueryRow(ctx, `SELECT coalesce(max(chunk) + 1, 0) FROM floor_chunks`).Scan(&chunks); err != nil {
		return 0, nil, "", err
	}
	data := make([][]bytes.Buffer, chunks)
	rows := make([]int64, len(floorTables))
	for c := range data {
		data[c] = make([]bytes.Buffer, len(floorTables))
		for i, t := range floorTables {
			tag, err := hub.PgConn().CopyTo(ctx, &data[c][i], fmt.Sprintf("COPY (SELECT %s FROM %s WHERE %s) TO STDOUT (FORMAT binary)",
				t.columns, t.table, fmt.Sprintf(t.where, c, chunks)))
			if err != nil {
				return 0, nil, "", fmt.Errorf("read %s: %w", t.table, err)
			}
			rows[i] += tag.RowsAffected()
		}
	}
	var counts []string
	for i, t := range floorTables {
		counts = append(counts, fmt.Sprintf("%s %d", t.table, rows[i]))
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, nil, "", err
	}
	defer conn.Close(context.Background())
	p0, err := procSnapshot(mark)
	if err != nil {
		return 0, nil, "", err
	}
	start := time.Now()
	for c := range data {
		tx, err := conn.Begin(ctx)
		if err != nil {
			return 0, nil, "", err
		}
		for i, t := range floorTables {
			if _, err := conn.PgConn().CopyFrom(ctx, &data[c][i], fmt.Sprintf("COPY %s (%s) FROM STDIN (FORMAT binary)", t.table, t.columns)); err != nil {
				tx.Rollback(context.Background())
				return 0, nil, "", fmt.Errorf("copy into %s: %w", t.table, err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return 0, nil, "", err
		}
	}
	took := time.Since(start)
	p1, err := procSnapshot(mark)
	if err != nil {
		return 0, nil, "", err
	}
	return took, procDelta(p0, p1), strings.Join(counts, ", ") + fmt.Sprintf(" (%d transactions)", chunks), nil
}
