package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"golang.org/x/text/unicode/norm"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func count(t *testing.T, s *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := s.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestApproveWritesItemVersionAndOutbox(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)

	// Decomposed input is stored composed (NFC).
	in := storetest.Article("khai-truong", norm.NFD.String("Khánh Hòa khai trương cổng"))
	v1, err := s.Approve(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if v1 != 1 {
		t.Errorf("first version = %d, want 1", v1)
	}
	it, err := s.Get(ctx, "khai-truong")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := it.Doc.GetTranslations()[0].GetTitle(), "Khánh Hòa khai trương cổng"; got != want || !norm.NFC.IsNormalString(got) {
		t.Errorf("title = %q, want NFC %q", got, want)
	}
	if it.Push == nil || it.Push.Status != store.StatusPending || it.Push.Version != 1 {
		t.Errorf("push = %+v, want pending v1", it.Push)
	}

	in.Translations[0].Title = "Khánh Hòa khai trương cổng thông tin"
	v2, err := s.Approve(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if v2 != 2 {
		t.Errorf("second version = %d, want 2", v2)
	}
	if got := count(t, s, `SELECT count(*) FROM item_versions WHERE content_id = 'khai-truong'`); got != 2 {
		t.Errorf("item_versions = %d, want 2", got)
	}
	if got := count(t, s, `SELECT count(*) FROM outbox WHERE content_id = 'khai-truong'`); got != 2 {
		t.Errorf("outbox rows = %d, want 2", got)
	}
	if got := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'approve'`); got != 2 {
		t.Errorf("audit rows = %d, want 2", got)
	}
	// The outbox payload is the full item at its version (version 2 is
	// offered once version 1 was delivered).
	rows, err := s.Claim(ctx, 10, 0)
	if err != nil || len(rows) != 1 || rows[0].Item.GetVersion() != 1 {
		t.Fatalf("claimed = %v, %v; want v1", rows, err)
	}
	if err := s.MarkDelivered(ctx, rows[0].ID, "APPLIED"); err != nil {
		t.Fatal(err)
	}
	rows, err = s.Claim(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Item.GetVersion() != 2 || rows[0].Item.GetApprover().GetName() != "Ban biên tập" ||
		rows[0].Item.GetTranslations()[0].GetTitle() != "Khánh Hòa khai trương cổng thông tin" {
		t.Errorf("claimed = %v, want v2 with full content", rows)
	}

	// Unchanged content is not re-approved.
	in.Approver = &pb.Person{Name: "Phó ban biên tập"}
	v, changed, err := s.ApproveIfChanged(ctx, in)
	if err != nil || changed || v != 2 {
		t.Errorf("ApproveIfChanged(unchanged) = %d, %v, %v; want 2, false, nil", v, changed, err)
	}

	// Withdrawing is a new version too.
	v3, err := s.Unpublish(ctx, store.UnpublishInput{ContentID: "khai-truong", State: pb.PublicationState_PUBLICATION_STATE_WITHDRAWN,
		Unpublishing: &pb.Unpublishing{Reason: "Thông tin đã cũ"}, Approver: &pb.Person{Name: "Ban biên tập"}})
	if err != nil || v3 != 3 {
		t.Fatalf("Unpublish = %d, %v; want 3", v3, err)
	}

	// The audit log is append-only.
	_, err = s.Pool().Exec(ctx, `DELETE FROM audit_log`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		t.Errorf("deleting the audit log: err = %v, want a refusal", err)
	}
}

func TestApproveRefusesInvalidAndStoresNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	cases := map[string]func(*store.ChangeInput){
		"no approver":     func(in *store.ChangeInput) { in.Approver = nil },
		"no vietnamese":   func(in *store.ChangeInput) { in.Translations[0].Locale = "en" },
		"bad content id":  func(in *store.ChangeInput) { in.ContentID = "Bad ID" },
		"missing blob":    func(in *store.ChangeInput) { in.Attachments = []*pb.Attachment{{Sha256: sha64}} },
		"withdrawn empty": func(in *store.ChangeInput) { in.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN },
	}
	for name, mutate := range cases {
		in := storetest.Article("bai-viet", "Bài viết")
		mutate(&in)
		_, err := s.Approve(ctx, in)
		if e := errs.As(err); e == nil || e.Kind != errs.InvalidArgument || e.MessageVI == "" {
			t.Errorf("%s: err = %v, want InvalidArgument with a Vietnamese message", name, err)
		}
	}
	for _, table := range []string{"items", "item_versions", "outbox", "audit_log"} {
		if got := count(t, s, `SELECT count(*) FROM `+table); got != 0 {
			t.Errorf("%s has %d rows after refusals, want 0", table, got)
		}
	}
}

const sha64 = "0000000000000000000000000000000000000000000000000000000000000000"

func TestVersionsOnlyIncreaseUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	const n = 12
	var wg sync.WaitGroup
	versions := make(chan uint64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := storetest.Article("dong-thoi", "Bài số "+string(rune('A'+i)))
			v, err := s.Approve(ctx, in)
			if err != nil {
				t.Error(err)
				return
			}
			versions <- v
		}()
	}
	wg.Wait()
	close(versions)
	seen := map[uint64]bool{}
	for v := range versions {
		if seen[v] {
			t.Errorf("version %d assigned twice", v)
		}
		seen[v] = true
	}
	for v := uint64(1); v <= n; v++ {
		if !seen[v] {
			t.Errorf("version %d missing; got %v", v, seen)
		}
	}
	// A version the hub was seen holding is never re-used.
	if err := s.NoteHubVersion(ctx, "dong-thoi", 40); err != nil {
		t.Fatal(err)
	}
	v, err := s.Approve(ctx, storetest.Article("dong-thoi", "Sau khôi phục"))
	if err != nil || v != 41 {
		t.Errorf("after hub holds 40: version %d, %v; want 41", v, err)
	}
}

func TestPutBlobDetectsTypeAndRefusesSVG(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	b, err := s.PutBlob(ctx, "Quyết định.pdf", pdf)
	if err != nil {
		t.Fatal(err)
	}
	if b.MediaType != "application/pdf" || len(b.SHA256) != 64 {
		t.Errorf("blob = %+v", b)
	}
	if _, err := s.PutBlob(ctx, "Quyết định.pdf", pdf); err != nil {
		t.Errorf("storing the same file again: %v", err)
	}
	for name, data := range map[string]string{
		"logo.png":  `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`,
		"trang.pdf": `<!DOCTYPE html><html><script>alert(1)</script></html>`,
		"x.bin":     "\x00\x01\x02\x03",
	} {
		if _, err := s.PutBlob(ctx, name, []byte(data)); errs.KindOf(err) != errs.UnsupportedMediaType {
			t.Errorf("PutBlob(%s) err = %v, want UnsupportedMediaType", name, err)
		}
	}
	// An attachment names a stored file; its type comes from the file.
	in := storetest.Article("van-ban", "Văn bản")
	in.Attachments = []*pb.Attachment{{Sha256: b.SHA256, MediaType: "text/html"}}
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	it, _ := s.Get(ctx, "van-ban")
	if a := it.Doc.GetAttachments()[0]; a.GetMediaType() != "application/pdf" || a.GetFilename() != "Quyết định.pdf" {
		t.Errorf("attachment = %v", a)
	}
}

// TestOnOutboxAfterCommit counts the calls of the OnOutbox function (the
// relay's Wake in the sub-portal): one per approved change once it
// committed, with its outbox row in place; none when nothing changed.
func TestOnOutboxAfterCommit(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	var calls []int
	s.OnOutbox(func() {
		calls = append(calls, count(t, s, `SELECT count(*) FROM outbox WHERE content_id = 'danh-thuc'`))
	})
	in := storetest.Article("danh-thuc", "Tin đánh thức")
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, changed, err := s.ApproveIfChanged(ctx, in); err != nil || changed {
		t.Fatalf("ApproveIfChanged(unchanged) = %v, %v; want false, nil", changed, err)
	}
	in.Translations[0].Title = "Tin đánh thức, sửa"
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0] != 1 || calls[1] != 2 {
		t.Errorf("OnOutbox called with %v outbox rows, want [1 2]", calls)
	}
}

// TestApproveIfChangedAfterARefusalOrASchedule: the same content is no
// new version only when the newest version's push went or is due; after
// the hub refused it, or while it is scheduled for later, it is approved
// again and goes at once (review1 F8).
func TestApproveIfChangedAfterARefusalOrASchedule(t *testing.T) {
	ctx := context.Background()
	s, _ := storetest.New(t)
	in := storetest.Article("lai-lan-nua", "Tin gửi lại")
	if _, err := s.Approve(ctx, in); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Claim(ctx, 10, 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim = %v, %v", rows, err)
	}
	if err := s.Refuse(ctx, rows[0].ID, store.Refusal{Code: "INVALID_ARGUMENT", Reason: "UNKNOWN_CATEGORY"}); err != nil {
		t.Fatal(err)
	}
	if v, changed, err := s.ApproveIfChanged(ctx, in); err != nil || !changed || v != 2 {
		t.Fatalf("ApproveIfChanged after a refusal = %d, %v, %v; want 2, true, nil", v, changed, err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE outbox SET publish_at = now() + interval '1 day' WHERE content_id = 'lai-lan-nua' AND version = 2`); err != nil {
		t.Fatal(err)
	}
	if v, changed, err := s.ApproveIfChanged(ctx, in); err != nil || !changed || v != 3 {
		t.Fatalf("ApproveIfChanged while scheduled = %d, %v, %v; want 3, true, nil", v, changed, err)
	}
	if rows, err := s.Claim(ctx, 10, 0); err != nil || len(rows) != 1 || rows[0].Item.GetVersion() != 3 {
		t.Errorf("claimed %v, %v; want version 3 at once", rows, err)
	}
	// Its push pending and due: the same content again is nothing new.
	if v, changed, err := s.ApproveIfChanged(ctx, in); err != nil || changed || v != 3 {
		t.Errorf("ApproveIfChanged while due = %d, %v, %v; want 3, false, nil", v, changed, err)
	}
}
