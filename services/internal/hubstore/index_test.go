package hubstore

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// findable counts the documents of the index that match a folded query.
func findable(t *testing.T, s *Store, query string) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM search_docs WHERE tsv @@ plainto_tsquery('portalhub', $1)`, query)
}

func TestIndexFollowsVisibility(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	it := article("le-hoi", 1, "Lễ hội biển Nha Trang", "le-hoi-bien")
	it.Translations = append(it.Translations, &pb.Translation{Locale: "en", Title: "Sea festival", Slug: "sea-festival"})
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi bien"); got != 1 {
		t.Fatalf("published: %d documents found, want 1", got)
	}
	if got := findable(t, s, "festivals"); got != 1 {
		t.Fatalf("English stemming: %d documents found for festivals, want 1", got)
	}

	// A new version without the English translation drops its document.
	it.Version, it.Translations = 2, it.Translations[:1]
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `SELECT count(*) FROM search_docs`); got != 1 {
		t.Errorf("after dropping a translation: %d documents, want 1", got)
	}

	if err := s.TakeDown(ctx, "ops", "tenant-a", "le-hoi", "vi phạm"); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 0 {
		t.Errorf("taken down: %d found, want 0", got)
	}
	if err := s.LiftTakedown(ctx, "ops", "tenant-a", "le-hoi", ""); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 1 {
		t.Errorf("takedown lifted: %d found, want 1", got)
	}

	for i, state := range []pb.PublicationState{pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, pb.PublicationState_PUBLICATION_STATE_GONE} {
		it.Version = uint64(3 + i)
		it.State = state
		it.Unpublishing = &pb.Unpublishing{Reason: "Hết hiệu lực"}
		if _, err := push(t, s, "tenant-a", it); err != nil {
			t.Fatal(err)
		}
		if got := findable(t, s, "le hoi"); got != 0 {
			t.Errorf("%v: %d found, want 0", state, got)
		}
	}
	it.Version, it.State, it.Unpublishing = 5, pb.PublicationState_PUBLICATION_STATE_PUBLISHED, nil
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 1 {
		t.Errorf("published again: %d found, want 1", got)
	}
}

// TestSkipSearchIndex: the bench's reference store applies pushes without
// touching the index, and only that store.
func TestSkipSearchIndex(t *testing.T) {
	s := newStore(t)
	if _, err := push(t, s, "tenant-a", article("bao-cao", 1, "Báo cáo kinh tế", "bao-cao")); err != nil {
		t.Fatal(err)
	}
	s.SkipSearchIndex()
	if _, err := push(t, s, "tenant-a", article("le-hoi", 1, "Lễ hội biển", "le-hoi-bien")); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `SELECT count(*) FROM items`); got != 2 {
		t.Fatalf("%d items stored, want 2", got)
	}
	if got, want := findable(t, s, "bao cao")+findable(t, s, "le hoi"), 1; got != want {
		t.Errorf("%d documents findable, want %d (the one pushed before SkipSearchIndex)", got, want)
	}
}

func TestIndexReadsAttachments(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	files := []struct {
		name, mediaType string
		data            []byte
		word            string
	}{
		{"to-trinh.pdf", contentrules.MediaPDF, minimalPDF("Phu luc danh muc thiet bi quang pho"), "quang pho"},
		{"bao-cao.docx", contentrules.MediaDOCX, officeZip(map[string]string{
			"[Content_Types].xml": `<Types/>`,
			"word/document.xml":   `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Kính hiển vi điện tử</w:t></w:r></w:p></w:body></w:document>`,
		}), "kinh hien vi"},
		{"so-lieu.ods", contentrules.MediaODS, officeZip(map[string]string{
			"mimetype":    "application/vnd.oasis.opendocument.spreadsheet",
			"content.xml": `<office:document-content xmlns:office="o" xmlns:text="t"><text:p>Lượt khách Nga</text:p></office:document-content>`,
		}), "luot khach nga"},
	}
	it := article("mua-sam", 1, "Mua sắm thiết bị", "mua-sam")
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		if _, err := s.PutBlob(ctx, "tenant-a", sum, f.mediaType, f.data); err != nil {
			t.Fatalf("PutBlob(%s): %v", f.name, err)
		}
		it.Attachments = append(it.Attachments, &pb.Attachment{Sha256: hex.EncodeToString(sum[:]), Filename: f.name, MediaType: f.mediaType})
	}
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if got := findable(t, s, f.word); got != 1 {
			var text, msg string
			sum := sha256.Sum256(f.data)
			_ = s.pool.QueryRow(ctx, `SELECT text, error FROM blob_texts WHERE sha256 = $1`, sum[:]).Scan(&text, &msg)
			t.Errorf("%s: %q found in %d documents, want 1 (extracted %q, error %q)", f.name, f.word, got, text, msg)
		}
	}
}

// minimalPDF is a one-page PDF showing text (ASCII) in Helvetica.
func minimalPDF(text string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func officeZip(parts map[string]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, content := range parts {
		f, _ := w.Create(name)
		f.Write([]byte(content))
	}
	w.Close()
	return b.Bytes()
}

// A rebuild misses no change made while it runs: a push and a takedown
// made during the backfill are in the index it swaps in.
func TestReindexOnline(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := 0; i < 450; i++ {
		if _, err := push(t, s, "tenant-a", article(fmt.Sprintf("item-%03d", i), 1, fmt.Sprintf("Bản tin số %d về du lịch", i), fmt.Sprintf("ban-tin-%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `UPDATE search_meta SET built = 0`); err != nil {
		t.Fatal(err)
	}
	calls := 0
	err := s.Reindex(ctx, func(done, total int) {
		calls++
		if total != 450 {
			t.Errorf("progress total %d, want 450", total)
		}
		if calls != 1 {
			return
		}
		// Meanwhile, a push of a new item, and a takedown of one the
		// backfill has not reached yet.
		if _, err := push(t, s, "tenant-b", article("moi", 1, "Lễ hội pháo hoa mới", "le-hoi-phao-hoa")); err != nil {
			t.Error(err)
		}
		if err := s.TakeDown(ctx, "ops", "tenant-a", "item-449", "sai sự thật"); err != nil {
			t.Error(err)
		}
		// Searches go on answering from the old index.
		if got := findable(t, s, "ban tin"); got != 449 {
			t.Errorf("during the rebuild %d found, want 449", got)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 3 {
		t.Errorf("progress reported %d times for 450 items in batches of %d", calls, reindexBatch)
	}
	if got := findable(t, s, "phao hoa"); got != 1 {
		t.Errorf("the item pushed during the rebuild: %d found, want 1", got)
	}
	if got := findable(t, s, "ban tin"); got != 449 {
		t.Errorf("after the rebuild %d found, want 449 (one taken down during it)", got)
	}
	if got := count(t, s, `SELECT count(*) FROM search_docs`); got != 450 {
		t.Errorf("%d documents, want 450", got)
	}
	if built, err := s.IndexBuilt(ctx); err != nil || built != IndexVersion {
		t.Errorf("IndexBuilt = %d, %v; want %d", built, err, IndexVersion)
	}
	// Analyzed before the swap: the planner has statistics from the start.
	if got := count(t, s, `SELECT count(*) FROM pg_stats WHERE tablename = 'search_docs'`); got == 0 {
		t.Error("the rebuilt table has no statistics")
	}
	// The rebuilt table has the indexes the migrations give search_docs.
	if got := count(t, s, `SELECT count(*) FROM pg_indexes WHERE tablename = 'search_docs'
		AND indexname IN ('search_docs_pkey', 'search_docs_tsv', 'search_docs_head', 'search_docs_published')`); got != 4 {
		t.Errorf("the rebuilt table has %d of its 4 indexes", got)
	}
	if got := count(t, s, `SELECT count(*) FROM pg_class WHERE relname LIKE 'search_docs_next%'`); got != 0 {
		t.Errorf("%d leftovers of the rebuild", got)
	}
	// The rebuilt table compresses as migration 00023 set (lz4, where the
	// server has it).
	var got string
	if err := s.pool.QueryRow(ctx, `SELECT string_agg(attname || ':' || attcompression::text, ' ' ORDER BY attname)
		FROM pg_attribute WHERE attrelid = 'search_docs'::regclass AND attname IN ('body', 'head', 'exact', 'tsv')`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `CREATE TEMP TABLE lz4_probe (t text COMPRESSION lz4)`); err == nil && got != "body:l exact:l head:l tsv:l" {
		t.Errorf("the rebuilt table's columns compress as %q, want lz4 (the server has it)", got)
	}
	// The reader role may read the new table, and pushes write into it.
	if got := count(t, s, `SELECT count(*) FROM information_schema.role_table_grants
		WHERE table_name = 'search_docs' AND grantee = 'portalhub_reader' AND privilege_type = 'SELECT'`); got != 1 {
		t.Error("the rebuilt table is not readable by portalhub_reader")
	}
	if _, err := push(t, s, "tenant-b", article("sau", 1, "Tin sau khi dựng lại", "tin-sau")); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "dung lai"); got != 1 {
		t.Errorf("a push after the rebuild: %d found, want 1", got)
	}
}

// A rebuild carries over what a rename does to the index while it runs:
// the items it had indexed under the old id are found under the new one
// after the swap, as are those it had not reached (the functions that
// wrote the index and the rebuild's table wrote no rename into the latter,
// and the rebuild's later batches no longer found the items under the ids
// it had listed).
func TestReindexFollowsRename(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i := 0; i < 450; i++ {
		if _, err := push(t, s, "tenant-a", article(fmt.Sprintf("item-%03d", i), 1, fmt.Sprintf("Bản tin số %d về du lịch", i), fmt.Sprintf("ban-tin-%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	renamed := false
	err := s.Reindex(ctx, func(done, total int) {
		if renamed {
			return
		}
		renamed = true
		if err := s.RenameTenant(ctx, "ops:test", "tenant-a", "phuong-a"); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `SELECT count(*) FROM search_docs WHERE tenant_id = 'phuong-a'`); got != 450 {
		t.Errorf("%d documents under the new id, want 450", got)
	}
	if got := count(t, s, `SELECT count(*) FROM search_docs WHERE tenant_id = 'tenant-a'`); got != 0 {
		t.Errorf("%d documents under the old id, want 0", got)
	}
	if got := count(t, s, `SELECT count(*) FROM pg_trigger WHERE tgname = 'search_docs_mirror'`); got != 0 {
		t.Errorf("the rebuild's trigger outlived it")
	}
}

// TestAbandonedRebuildDropped: a rebuild killed before its swap leaves
// search_docs_next, into which every push then writes a second time (and
// which holds no news of later rebuild attempts' progress). The aggregator's
// start (ReindexIfStale) drops it when no rebuild holds the lock, and leaves
// a running rebuild's table alone.
func TestAbandonedRebuildDropped(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// The index is current: nothing to rebuild.
	if _, err := s.pool.Exec(ctx, `UPDATE search_meta SET built = $1`, IndexVersion); err != nil {
		t.Fatal(err)
	}
	if err := inTx(ctx, s.pool, startRebuild); err != nil {
		t.Fatal(err)
	}
	nothing := func(string, int, int, error) {}

	// A rebuild running elsewhere holds the lock: its table stays.
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, reindexLock); err != nil {
		t.Fatal(err)
	}
	s.ReindexIfStale(ctx, nothing)
	if got := count(t, s, `SELECT count(*) FROM pg_class WHERE relname = 'search_docs_next'`); got != 1 {
		t.Fatalf("a running rebuild's table was dropped")
	}
	conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, reindexLock)
	conn.Release()

	s.ReindexIfStale(ctx, nothing)
	if got := count(t, s, `SELECT count(*) FROM pg_class WHERE relname = 'search_docs_next'`); got != 0 {
		t.Errorf("the abandoned rebuild's table is still there")
	}
	if got := count(t, s, `SELECT count(*) FROM pg_trigger WHERE tgname = 'search_docs_mirror'`); got != 0 {
		t.Errorf("the abandoned rebuild's trigger is still there")
	}
	if _, err := push(t, s, "tenant-a", article("le-hoi", 1, "Lễ hội biển", "le-hoi-bien")); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 1 {
		t.Errorf("after: %d found, want 1", got)
	}
}

func TestBestBets(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := push(t, s, "tenant-a", article("cccd", 1, "Làm căn cước", "lam-can-cuoc")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddBestBet(ctx, "ops", "Căn Cước", "tenant-a", "cccd", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddBestBet(ctx, "ops", "can cuoc", "tenant-a", "nope", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a best bet of an unknown item: %v, want ErrNotFound", err)
	}
	if _, err := s.AddBestBet(ctx, "ops", "!!!", "tenant-a", "cccd", 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a best bet without words: %v, want ErrInvalidArgument", err)
	}
	bs, err := s.ListBestBets(ctx, "CAN CUOC")
	if err != nil || len(bs) != 1 || bs[0].Query != "can cuoc" || bs[0].ContentID != "cccd" {
		t.Fatalf("ListBestBets = %+v, %v", bs, err)
	}
	if err := s.RemoveBestBet(ctx, "ops", "căn cước", "tenant-a", "cccd"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveBestBet(ctx, "ops", "căn cước", "tenant-a", "cccd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
	if got := count(t, s, `SELECT count(*) FROM audit_log WHERE action LIKE 'search.bestbet_%'`); got != 2 {
		t.Errorf("%d audit entries, want 2", got)
	}
}
