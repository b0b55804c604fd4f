package editorial_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newService(t *testing.T, board editorial.Board) (*editorial.Service, *store.Store) {
	t.Helper()
	st, _ := storetest.New(t)
	return editorial.New(st.Pool(), st, board, zerolog.Nop()), st
}

func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func article(contentID, title, body string) editorial.Change {
	return editorial.Change{
		ContentID: contentID,
		Kind:      pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category:  "news",
		Texts: map[string]editorial.LocaleText{
			"vi": {Title: title, Summary: "Tóm tắt: " + title, Markdown: body},
		},
	}
}

// snapshot is the content of every table the workflow writes, to show that
// a refusal changed nothing.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"revisions", "revision_contributors", "items", "item_versions", "outbox", "audit_log"} {
		var s string
		if err := st.Pool().QueryRow(context.Background(),
			`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM `+table+` t`).Scan(&s); err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		b.WriteString(table + ":\n" + s + "\n")
	}
	return b.String()
}

func wantKind(t *testing.T, what string, err error, kind errs.Kind, field string) {
	t.Helper()
	e := errs.As(err)
	if e == nil || e.Kind != kind || e.MessageVI == "" || (field != "" && e.Field != field) {
		t.Errorf("%s: err = %v (%+v); want kind %v on field %q with a Vietnamese message", what, err, e, kind, field)
	}
}

// submitted walks a new article to submitted, reviewed by the editor.
func submitted(t *testing.T, svc *editorial.Service, a accounts.Account, ch editorial.Change) editorial.Revision {
	t.Helper()
	ctx := context.Background()
	rev, err := svc.SaveDraft(ctx, a, 0, ch, nil)
	if err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	if rev, err = svc.Submit(ctx, a, rev.ID); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if rev, err = svc.Submit(ctx, editor, rev.ID); err != nil {
		t.Fatalf("review: %v", err)
	}
	return rev
}

func TestApprovePushesOneOutboxRowWithThePeople(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})

	body := "Cổng thông tin **chính thức** khai trương.\n\n| Hạng mục | Ngày |\n|---|---|\n| Khai trương | 01/09 |\n\n<script>alert(1)</script>\n\n[xấu](javascript:alert(1))\n"
	rev, err := svc.SaveDraft(ctx, author1, 0, article("", "Khánh Hòa khai trương cổng thông tin", body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev.State != editorial.StateDraft || rev.Number != 1 || rev.ContentID != "khanh-hoa-khai-truong-cong-thong-tin" ||
		rev.Change.Texts["vi"].Slug != "khanh-hoa-khai-truong-cong-thong-tin" || rev.AuthorName != "Lê Thị Hoa" {
		t.Fatalf("saved = %+v", rev)
	}
	if rev, err = svc.Submit(ctx, author1, rev.ID); err != nil || rev.State != editorial.StateSubmitted || rev.Reviewed() {
		t.Fatalf("Submit = %+v, %v; want submitted, not reviewed", rev, err)
	}
	if rev, err = svc.Submit(ctx, editor, rev.ID); err != nil || !rev.Reviewed() || rev.EditorName != "Phạm Thị Lan" {
		t.Fatalf("review = %+v, %v; want reviewed by the editor", rev, err)
	}

	// Refusals push nothing and change nothing.
	before := snapshot(t, st)
	_, err = svc.Approve(ctx, author1, rev.ID, nil, nil)
	wantKind(t, "the author approves own work", err, errs.PermissionDenied, "")
	_, err = svc.Approve(ctx, admin, rev.ID, nil, nil)
	wantKind(t, "an admin without the approver role approves", err, errs.PermissionDenied, "")
	_, err = svc.Approve(ctx, disabled, rev.ID, nil, nil)
	wantKind(t, "a disabled account approves", err, errs.PermissionDenied, "")
	_, err = svc.Approve(ctx, approver, rev.ID, nil, []editorial.Contributor{{Name: "Ai đó", Role: "sếp"}})
	wantKind(t, "an unknown contributor role", err, errs.InvalidArgument, "contributors[0].role")
	_, err = svc.Approve(ctx, approver, rev.ID, nil, []editorial.Contributor{{Name: "Ai đó", AmountVND: -1}})
	wantKind(t, "a negative amount", err, errs.InvalidArgument, "contributors[0].amount_vnd")
	if after := snapshot(t, st); after != before {
		t.Errorf("refusals changed the database:\nbefore %s\nafter %s", before, after)
	}

	contributors := []editorial.Contributor{
		{Name: "Lê Thị Hoa", AccountID: author1.ID, Role: editorial.RoleAuthor, Points: 10, AmountVND: 500000},
		{Name: "Đỗ Văn Ảnh", Role: editorial.RolePhotographer, Points: 2.5, AmountVND: 150000},
		{Name: "Hồ Thị Cộng", Role: editorial.RoleAuthor, Points: 4},
	}
	rev, err = svc.Approve(ctx, approver, rev.ID, nil, contributors)
	if err != nil {
		t.Fatal(err)
	}
	if rev.State != editorial.StateApproved || rev.HubVersion != 1 || rev.ApprovedBy != "Nguyễn Văn Minh" || rev.ApprovedAt == nil ||
		len(rev.Contributors) != 3 || rev.Contributors[1].Points != 2.5 {
		t.Errorf("approved = %+v", rev)
	}
	if got := count(t, st, `SELECT count(*) FROM outbox`); got != 1 {
		t.Fatalf("outbox rows = %d, want 1", got)
	}
	claimed, err := st.Claim(ctx, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("Claim = %v, %v; want one row", claimed, err)
	}
	item := claimed[0].Item
	var authors []string
	for _, p := range item.GetAuthors() {
		authors = append(authors, p.GetName()+"/"+p.GetAccount())
	}
	if got, want := strings.Join(authors, ", "), "Lê Thị Hoa/phongvien.hoa, Hồ Thị Cộng/"; got != want {
		t.Errorf("authors = %s, want %s", got, want)
	}
	if item.GetVersion() != 1 || item.GetEditor().GetName() != "Phạm Thị Lan" || item.GetApprover().GetName() != "Nguyễn Văn Minh" ||
		item.GetApprover().GetAccount() != "truongban" || item.GetState() != pb.PublicationState_PUBLICATION_STATE_PUBLISHED {
		t.Errorf("pushed item = %v", item)
	}
	html := item.GetTranslations()[0].GetBodyHtml()
	if !strings.Contains(html, "<table>") || !strings.Contains(html, "<strong>chính thức</strong>") ||
		strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
		t.Errorf("body_html = %s", html)
	}
	for action, want := range map[string]int{"editorial_save": 1, "editorial_submit": 2, "editorial_approve": 1, "approve": 1} {
		if got := count(t, st, `SELECT count(*) FROM audit_log WHERE action = $1`, action); got != want {
			t.Errorf("audit %s = %d, want %d", action, got, want)
		}
	}
	// An approved revision is final.
	_, err = svc.Approve(ctx, approver, rev.ID, nil, nil)
	wantKind(t, "approving twice", err, errs.Conflict, "")
	if got := count(t, st, `SELECT count(*) FROM outbox`); got != 1 {
		t.Errorf("outbox rows after a second approval = %d, want 1", got)
	}
}

func TestApproveRefusedByTheStoreLeavesTheRevisionSubmitted(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	ch := article("van-ban-moi", "Văn bản mới", "Nội dung")
	ch.Attachments = []*pb.Attachment{{Sha256: strings.Repeat("ab", 32)}} // never uploaded
	rev := submitted(t, svc, author1, ch)
	before := snapshot(t, st)
	_, err := svc.Approve(ctx, approver, rev.ID, nil, nil)
	wantKind(t, "approving with a missing file", err, errs.InvalidArgument, "attachments[0].sha256")
	if after := snapshot(t, st); after != before {
		t.Errorf("a refused approval changed the database:\nbefore %s\nafter %s", before, after)
	}
}

func TestScheduledApprovalSetsPublishAt(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	rev := submitted(t, svc, author1, article("hen-gio", "Thông báo hẹn giờ", "Nội dung"))
	at := time.Now().Add(3 * time.Hour).Truncate(time.Second)
	rev, err := svc.Approve(ctx, approver, rev.ID, &at, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev.PublishAt == nil || !rev.PublishAt.Equal(at) || !rev.Scheduled(time.Now()) {
		t.Errorf("revision publish_at = %v, want %v", rev.PublishAt, at)
	}
	var due time.Time
	if err := st.Pool().QueryRow(ctx, `SELECT publish_at FROM outbox WHERE content_id = 'hen-gio'`).Scan(&due); err != nil || !due.Equal(at) {
		t.Errorf("outbox publish_at = %v, %v; want %v", due, err, at)
	}
	if claimed, err := st.Claim(ctx, 10, time.Minute); err != nil || len(claimed) != 0 {
		t.Errorf("the relay claimed %v, %v before the scheduled time", claimed, err)
	}
	items, err := svc.Items(ctx)
	if err != nil || len(items) != 1 || items[0].PushStatus != "scheduled" || items[0].ScheduledAt == nil || items[0].Title != "Thông báo hẹn giờ" {
		t.Errorf("Items = %+v, %v; want one scheduled item", items, err)
	}
	d, err := svc.Dashboard(ctx, editor)
	if err != nil || len(d.Scheduled) != 1 || d.Scheduled[0].ID != rev.ID || len(d.NotDelivered) != 0 {
		t.Errorf("dashboard = %+v, %v; want the revision scheduled and nothing undelivered", d, err)
	}

	// A time in the past publishes at once; more than a year ahead is refused.
	rev2 := submitted(t, svc, author1, article("ngay-cu", "Bài đăng ngay", "Nội dung"))
	past := time.Now().Add(-time.Hour)
	if rev2, err = svc.Approve(ctx, approver, rev2.ID, &past, nil); err != nil || rev2.PublishAt != nil {
		t.Errorf("approve with a past time = %v, %v; want published at once", rev2.PublishAt, err)
	}
	rev3 := submitted(t, svc, author1, article("qua-xa", "Bài hẹn quá xa", "Nội dung"))
	far := time.Now().AddDate(2, 0, 0)
	_, err = svc.Approve(ctx, approver, rev3.ID, &far, nil)
	wantKind(t, "scheduling two years ahead", err, errs.InvalidArgument, "publish_at")
}

func TestRestoreGivesAHigherHubVersion(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	first := submitted(t, svc, author1, article("quy-hoach", "Quy hoạch tỉnh", "Dòng một\nDòng hai\nDòng ba"))
	first, err := svc.Approve(ctx, approver, first.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	second := submitted(t, svc, author2, article("quy-hoach", "Quy hoạch tỉnh (sửa đổi)", "Dòng một\nDòng hai đã sửa\nDòng ba\nDòng bốn"))
	if second, err = svc.Approve(ctx, approver, second.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if second.Number != 2 || second.HubVersion != 2 {
		t.Errorf("second = number %d, version %d; want 2, 2", second.Number, second.HubVersion)
	}

	diff, err := svc.Diff(ctx, first.ID, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range diff {
		var b strings.Builder
		for _, l := range f.Lines {
			b.WriteString(l.Op + l.Text + "|")
		}
		got[f.Field] = b.String()
	}
	if want := "=Dòng một|-Dòng hai|+Dòng hai đã sửa|=Dòng ba|+Dòng bốn|"; got["texts[vi].markdown"] != want {
		t.Errorf("markdown diff = %s, want %s", got["texts[vi].markdown"], want)
	}
	if want := "-Quy hoạch tỉnh|+Quy hoạch tỉnh (sửa đổi)|"; got["texts[vi].title"] != want {
		t.Errorf("title diff = %s, want %s", got["texts[vi].title"], want)
	}
	if _, ok := got["category"]; ok {
		t.Errorf("unchanged category in the diff: %v", got)
	}

	// An author restores only their own revisions; an editor any.
	_, err = svc.Restore(ctx, author2, first.ID)
	wantKind(t, "an author restores another's revision", err, errs.PermissionDenied, "")
	restored, err := svc.Restore(ctx, editor, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if restored.State != editorial.StateDraft || restored.Number != 3 || restored.RestoredFrom != first.ID ||
		restored.AuthorID != editor.ID || restored.Change.Texts["vi"].Title != "Quy hoạch tỉnh" {
		t.Errorf("restored = %+v", restored)
	}
	if restored, err = svc.Submit(ctx, editor, restored.ID); err != nil {
		t.Fatal(err)
	}
	if restored, err = svc.Approve(ctx, approver, restored.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if restored.HubVersion <= second.HubVersion {
		t.Errorf("restored hub version %d, want above %d", restored.HubVersion, second.HubVersion)
	}
	it, err := st.Get(ctx, "quy-hoach")
	if err != nil || it.Version != 3 || it.Doc.GetTranslations()[0].GetTitle() != "Quy hoạch tỉnh" {
		t.Errorf("item = v%d %v, %v; want v3 with the restored title", it.Version, it.Doc, err)
	}
	revs, err := svc.Revisions(ctx, "quy-hoach")
	if err != nil || len(revs) != 3 {
		t.Fatalf("Revisions = %d, %v", len(revs), err)
	}
	if revs[0].State != editorial.StateApproved || revs[1].State != editorial.StateSuperseded || revs[2].State != editorial.StateSuperseded {
		t.Errorf("states newest first = %s, %s, %s; want approved, superseded, superseded", revs[0].State, revs[1].State, revs[2].State)
	}
}

func TestLegacyEncodingConvertedKeptOrRefused(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	legacy := "Th«ng b¸o vÒ viÖc x©y dùng c¶ng" // TCVN3 (ABC) read as Windows-1252
	article := func(id, title, body string) editorial.Change {
		ch := article(id, title, body)
		ch.Texts["vi"] = editorial.LocaleText{Title: title, Summary: "Tóm tắt bằng Unicode", Markdown: body}
		return ch
	}

	rev, err := svc.SaveDraft(ctx, author1, 0, article("cang", legacy, "Nội dung"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rev.Change.Texts["vi"].Title; got != "Thông báo về việc xây dựng cảng" {
		t.Errorf("title = %q, want converted", got)
	}
	if len(rev.Notices) != 1 || rev.Notices[0].Field != "texts[vi].title" || rev.Notices[0].Encoding != "TCVN3" ||
		rev.Notices[0].Before != legacy || rev.Notices[0].After != "Thông báo về việc xây dựng cảng" || rev.Notices[0].MessageVI == "" ||
		len(rev.Notices[0].Changes) == 0 {
		t.Errorf("notices = %+v", rev.Notices)
	}

	kept, err := svc.SaveDraft(ctx, author1, rev.ID, article("cang", legacy, "Nội dung"), map[string]bool{"texts[vi].title": true})
	if err != nil {
		t.Fatal(err)
	}
	if kept.Change.Texts["vi"].Title != legacy || len(kept.Notices) != 0 {
		t.Errorf("kept as typed: title %q, notices %+v", kept.Change.Texts["vi"].Title, kept.Notices)
	}

	before := snapshot(t, st)
	broken := "Th«ng bao khan cÊp vÒ b·o sè 5 ¬ ¬¬ ¸¸"
	_, err = svc.SaveDraft(ctx, author1, rev.ID, article("cang", broken, "Nội dung"), nil)
	wantKind(t, "a broken title", err, errs.InvalidArgument, "texts[vi].title")
	_, err = svc.SaveDraft(ctx, author1, 0, article("", "Tiêu đề", broken), map[string]bool{"texts[vi].markdown": true})
	wantKind(t, "a broken body, even kept as typed", err, errs.InvalidArgument, "texts[vi].markdown")
	if after := snapshot(t, st); after != before {
		t.Errorf("a refused save changed the database")
	}
}

func TestSaveDraftValidatesAndRefusesOthersDrafts(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	rev, err := svc.SaveDraft(ctx, author1, 0, article("", "Lịch tiếp công dân", "Nội dung"), nil)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st)
	long := func(n int) string { return strings.Repeat("ă", n) }
	type tc struct {
		name   string
		mutate func(*editorial.Change)
		field  string
	}
	for _, c := range []tc{
		{"title too long", func(c *editorial.Change) { c.Texts["vi"] = editorial.LocaleText{Title: long(301)} }, "texts[vi].title"},
		{"summary too long", func(c *editorial.Change) { c.Texts["vi"] = editorial.LocaleText{Title: "T", Summary: long(1001)} }, "texts[vi].summary"},
		{"body too large", func(c *editorial.Change) {
			c.Texts["vi"] = editorial.LocaleText{Title: "T", Markdown: strings.Repeat("a", 200<<10+1)}
		}, "texts[vi].markdown"},
		{"no Vietnamese", func(c *editorial.Change) { c.Texts = map[string]editorial.LocaleText{"en": {Title: "Only English"}} }, "texts[vi].title"},
		{"unknown locale", func(c *editorial.Change) { c.Texts["fr"] = editorial.LocaleText{Title: "Bonjour"} }, "texts[fr]"},
		{"bad slug", func(c *editorial.Change) { c.Texts["vi"] = editorial.LocaleText{Title: "T", Slug: "có dấu"} }, "texts[vi].slug"},
		{"no kind", func(c *editorial.Change) { c.Kind = pb.ContentKind_CONTENT_KIND_UNSPECIFIED }, "kind"},
		{"no category", func(c *editorial.Change) { c.Category = " " }, "category"},
		{"details of another kind", func(c *editorial.Change) { c.Details = &pb.LegalDocument{Number: "1/2025/QĐ-UBND"} }, "legal_document"},
		{"too many attachments", func(c *editorial.Change) {
			for range 21 {
				c.Attachments = append(c.Attachments, &pb.Attachment{Sha256: strings.Repeat("0", 64)})
			}
		}, "attachments"},
		{"another content id", func(c *editorial.Change) { c.ContentID = "khac" }, "content_id"},
		{"invalid UTF-8", func(c *editorial.Change) { c.Texts["vi"] = editorial.LocaleText{Title: "T\xff"} }, "texts[vi].title"},
	} {
		ch := article(rev.ContentID, "Lịch tiếp công dân", "Nội dung")
		c.mutate(&ch)
		_, err := svc.SaveDraft(ctx, author1, rev.ID, ch, nil)
		wantKind(t, c.name, err, errs.InvalidArgument, c.field)
	}
	_, err = svc.SaveDraft(ctx, author2, rev.ID, article(rev.ContentID, "Sửa bài người khác", ""), nil)
	wantKind(t, "an author edits another author's draft", err, errs.PermissionDenied, "")
	_, err = svc.Submit(ctx, author2, rev.ID)
	wantKind(t, "an author submits another author's draft", err, errs.PermissionDenied, "")
	err = svc.Discard(ctx, author2, rev.ID)
	wantKind(t, "an author discards another author's draft", err, errs.PermissionDenied, "")
	_, err = svc.SaveDraft(ctx, disabled, 0, article("", "Bài của tài khoản đã khoá", ""), nil)
	wantKind(t, "a disabled account writes", err, errs.PermissionDenied, "")
	_, err = svc.Return(ctx, editor, rev.ID, "Sửa lại")
	wantKind(t, "returning a draft", err, errs.Conflict, "")
	if after := snapshot(t, st); after != before {
		t.Errorf("refusals changed the database:\nbefore %s\nafter %s", before, after)
	}

	// NFD input is stored composed; a new item whose slug is taken gets its own id.
	other, err := svc.SaveDraft(ctx, author2, 0, article("", "Lịch tiếp công dân", ""), nil)
	if err != nil || other.ContentID != "lich-tiep-cong-dan-2" {
		t.Errorf("second item with the same title: content_id %q, %v; want lich-tiep-cong-dan-2", other.ContentID, err)
	}
}

func TestReturnAndResubmit(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	rev := submitted(t, svc, author1, article("", "Hội nghị tổng kết", "Nội dung"))
	_, err := svc.Return(ctx, editor, rev.ID, "  ")
	wantKind(t, "returning without a comment", err, errs.InvalidArgument, "comment")
	rev, err = svc.Return(ctx, editor, rev.ID, "Bổ sung số liệu năm 2025.")
	if err != nil || rev.State != editorial.StateReturned || rev.Comment != "Bổ sung số liệu năm 2025." || rev.ReturnedBy != "Phạm Thị Lan" || rev.Reviewed() {
		t.Fatalf("returned = %+v, %v", rev, err)
	}
	rev, err = svc.SaveDraft(ctx, author1, rev.ID, article(rev.ContentID, "Hội nghị tổng kết năm 2025", "Số liệu"), nil)
	if err != nil || rev.State != editorial.StateDraft {
		t.Fatalf("rework = %+v, %v", rev, err)
	}
	if rev, err = svc.Submit(ctx, author1, rev.ID); err != nil || rev.State != editorial.StateSubmitted || rev.Comment != "" {
		t.Fatalf("resubmit = %+v, %v", rev, err)
	}
}

func TestRequestUnpublishNeedsApproval(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	rev := submitted(t, svc, author1, article("tin-cu", "Tin cũ", "Nội dung"))
	if _, err := svc.Approve(ctx, approver, rev.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	_, err := svc.RequestUnpublish(ctx, author1, "tin-cu", pb.PublicationState_PUBLICATION_STATE_GONE, nil)
	wantKind(t, "an author asks for gone", err, errs.PermissionDenied, "")
	_, err = svc.RequestUnpublish(ctx, editor, "tin-cu", pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{})
	wantKind(t, "a withdrawal without a reason", err, errs.InvalidArgument, "unpublishing.reason")
	_, err = svc.RequestUnpublish(ctx, editor, "khong-co", pb.PublicationState_PUBLICATION_STATE_GONE, nil)
	wantKind(t, "unpublishing an unknown item", err, errs.NotFound, "")

	req, err := svc.RequestUnpublish(ctx, editor, "tin-cu", pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{Reason: "Thông tin đã hết hiệu lực"})
	if err != nil || req.State != editorial.StateSubmitted || !req.Unpublish || req.Change.Texts["vi"].Title != "Tin cũ" {
		t.Fatalf("request = %+v, %v", req, err)
	}
	if it, _ := st.Get(ctx, "tin-cu"); it.State != "PUBLISHED" {
		t.Errorf("the item is %s before the request is approved", it.State)
	}
	d, err := svc.Dashboard(ctx, approver)
	if err != nil || len(d.AwaitingApproval) != 1 || d.AwaitingApproval[0].ID != req.ID {
		t.Errorf("approver's dashboard = %+v, %v; want the request awaiting approval", d.AwaitingApproval, err)
	}
	if _, err := svc.Approve(ctx, approver, req.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	it, err := st.Get(ctx, "tin-cu")
	if err != nil || it.State != "WITHDRAWN" || it.Version != 2 || it.Doc.GetUnpublishing().GetReason() != "Thông tin đã hết hiệu lực" ||
		it.Doc.GetEditor().GetName() != "Phạm Thị Lan" || it.Doc.GetApprover().GetName() != "Nguyễn Văn Minh" {
		t.Errorf("item = %s v%d %v, %v", it.State, it.Version, it.Doc, err)
	}
	if got := count(t, st, `SELECT count(*) FROM outbox WHERE content_id = 'tin-cu'`); got != 2 {
		t.Errorf("outbox rows = %d, want 2", got)
	}
}

func TestDashboardBuckets(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	draft, _ := svc.SaveDraft(ctx, author1, 0, article("", "Bản nháp của Hoa", ""), nil)
	unreviewed, _ := svc.SaveDraft(ctx, author1, 0, article("", "Chờ biên tập", ""), nil)
	unreviewed, _ = svc.Submit(ctx, author1, unreviewed.ID)
	reviewed := submitted(t, svc, author2, article("", "Chờ duyệt", ""))
	own := submitted(t, svc, authorApprover, article("", "Bài của phó ban", ""))
	returned := submitted(t, svc, author2, article("", "Bị trả lại", ""))
	returned, err := svc.Return(ctx, approver, returned.ID, "Thiếu nguồn.")
	if err != nil {
		t.Fatal(err)
	}
	pushed := submitted(t, svc, author1, article("", "Đã đăng", ""))
	if _, err := svc.Approve(ctx, approver, pushed.ID, nil, nil); err != nil {
		t.Fatal(err)
	}

	ids := func(revs []editorial.Revision) []int64 {
		var out []int64
		for _, r := range revs {
			out = append(out, r.ID)
		}
		return out
	}
	eq := func(what string, got []editorial.Revision, want ...int64) {
		t.Helper()
		g := ids(got)
		if len(g) != len(want) {
			t.Errorf("%s = %v, want %v", what, g, want)
			return
		}
		for _, w := range want {
			found := false
			for _, x := range g {
				found = found || x == w
			}
			if !found {
				t.Errorf("%s = %v, want %v", what, g, want)
			}
		}
	}
	d, err := svc.Dashboard(ctx, author1)
	if err != nil {
		t.Fatal(err)
	}
	eq("author1 drafts", d.MyDrafts, draft.ID)
	eq("author1 returned", d.Returned)
	eq("author1 awaiting review", d.AwaitingReview)
	eq("author1 awaiting approval", d.AwaitingApproval)
	if len(d.NotDelivered) != 1 {
		t.Errorf("not delivered = %v, want the pending push", d.NotDelivered)
	}
	d, _ = svc.Dashboard(ctx, author2)
	eq("author2 returned", d.Returned, returned.ID)
	eq("author2 drafts", d.MyDrafts)
	d, _ = svc.Dashboard(ctx, editor)
	eq("editor awaiting review", d.AwaitingReview, unreviewed.ID)
	eq("editor awaiting approval", d.AwaitingApproval)
	d, _ = svc.Dashboard(ctx, approver)
	eq("approver awaiting review", d.AwaitingReview, unreviewed.ID)
	eq("approver awaiting approval", d.AwaitingApproval, reviewed.ID, own.ID)
	d, _ = svc.Dashboard(ctx, authorApprover)
	eq("approver-author awaiting approval (not own work)", d.AwaitingApproval, reviewed.ID)
	if _, err := svc.Dashboard(ctx, disabled); errs.KindOf(err) != errs.PermissionDenied {
		t.Errorf("disabled dashboard err = %v, want PermissionDenied", err)
	}
	items, err := svc.Items(ctx)
	if err != nil || len(items) != 6 {
		t.Fatalf("Items = %d, %v; want 6", len(items), err)
	}
	for _, it := range items {
		if (it.ContentID == pushed.ContentID) != (it.PushStatus == store.StatusPending) {
			t.Errorf("item %s push status %q", it.ContentID, it.PushStatus)
		}
	}
}

func TestRoyaltiesPerPeriodAndCSV(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	now := time.Now().In(editorial.Zone)
	a := submitted(t, svc, author1, article("", "Bài tháng này", ""))
	if _, err := svc.Approve(ctx, approver, a.ID, nil, []editorial.Contributor{
		{Name: "Lê Thị Hoa", AccountID: author1.ID, Role: editorial.RoleAuthor, Points: 10, AmountVND: 500000},
		{Name: "=HYPERLINK(\"x\")", Role: editorial.RoleTranslator, Points: 1.5, AmountVND: 100000},
	}); err != nil {
		t.Fatal(err)
	}
	// Scheduled into the month after next: it counts in that month.
	later := time.Date(now.Year(), now.Month()+2, 10, 9, 0, 0, 0, editorial.Zone)
	b := submitted(t, svc, author2, article("", "Bài hẹn tháng sau", ""))
	if _, err := svc.Approve(ctx, approver, b.ID, &later, []editorial.Contributor{
		{Name: "Trần Văn Nam", AccountID: author2.ID, Role: editorial.RoleAuthor, Points: 8, AmountVND: 400000},
	}); err != nil {
		t.Fatal(err)
	}

	from, to := editorial.Month(now.Year(), now.Month())
	lines, err := svc.Royalties(ctx, from, to)
	if err != nil || len(lines) != 2 || lines[0].Title != "Bài tháng này" || lines[0].Contributor.AmountVND != 500000 || lines[1].Contributor.Points != 1.5 {
		t.Fatalf("this month = %+v, %v", lines, err)
	}
	from, to = editorial.Month(later.Year(), later.Month())
	if lines, err := svc.Royalties(ctx, from, to); err != nil || len(lines) != 1 || lines[0].Contributor.Name != "Trần Văn Nam" || !lines[0].PublishedAt.Equal(later) {
		t.Errorf("month of the scheduled item = %+v, %v", lines, err)
	}
	q := (int(now.Month())-1)/3 + 1
	from, to = editorial.Quarter(now.Year(), q)
	qLines, err := svc.Royalties(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := 2 // this month's two lines
	if later.Before(to) {
		wantQ = 3 // and the scheduled one, in the same quarter
	}
	if len(qLines) != wantQ {
		t.Errorf("quarter %d lines = %d, want %d", q, len(qLines), wantQ)
	}
	if from.Month() != time.Month(3*(q-1)+1) || to.Sub(from) < 89*24*time.Hour || from.Location() != editorial.Zone {
		t.Errorf("Quarter(%d, %d) = %v, %v", now.Year(), q, from, to)
	}
	if _, err := svc.Royalties(ctx, to, from); errs.KindOf(err) != errs.InvalidArgument {
		t.Errorf("a reversed period: err = %v", err)
	}

	var buf bytes.Buffer
	if err := editorial.RoyaltiesCSV(&buf, lines); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFFNgày đăng,Mã nội dung,Tiêu đề,Phiên bản,Ngày duyệt,Người hưởng,Vai trò,Điểm nhuận bút,Số tiền (đồng)\r\n") {
		t.Errorf("CSV head = %q", out[:min(len(out), 200)])
	}
	rows := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if len(rows) != 4 {
		t.Fatalf("CSV rows = %d, want header, 2 lines, total:\n%s", len(rows), out)
	}
	if !strings.Contains(rows[1], ",Lê Thị Hoa,Tác giả,10,500000") || !strings.Contains(rows[2], `"'=HYPERLINK(""x"")",Biên dịch,1.5,100000`) {
		t.Errorf("CSV lines:\n%s\n%s", rows[1], rows[2])
	}
	if rows[3] != "Tổng cộng,,,,,,,11.5,600000" {
		t.Errorf("CSV total = %q", rows[3])
	}
	totals := editorial.RoyaltyTotals(lines)
	if len(totals) != 2 || totals[1].Name != "Lê Thị Hoa" || totals[1].AmountVND != 500000 {
		t.Errorf("totals = %+v", totals)
	}
}

// Text kept as typed in a legacy encoding may stay in a draft, but the hub
// refuses it (issue 10 point 6), so approval refuses it at once with the
// hub's reason, naming the field, and pushes nothing.
func TestApprovalRefusesTextKeptInALegacyEncoding(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	legacy := "Th«ng b¸o vÒ viÖc x©y dùng c¶ng" // TCVN3 (ABC) read as Windows-1252
	ch := article("cang", legacy, "Nội dung")
	rev, err := svc.SaveDraft(ctx, author1, 0, ch, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Notices) == 0 || !strings.Contains(rev.Notices[0].MessageVI, "không phê duyệt được") {
		t.Errorf("the notice does not say that text kept as typed cannot be approved: %+v", rev.Notices)
	}
	rev, err = svc.SaveDraft(ctx, author1, rev.ID, ch, map[string]bool{"texts[vi].title": true})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Change.Texts["vi"].Title != legacy {
		t.Fatalf("kept as typed: title %q", rev.Change.Texts["vi"].Title)
	}
	if rev, err = svc.Submit(ctx, author1, rev.ID); err != nil {
		t.Fatal(err)
	}
	if rev, err = svc.Submit(ctx, editor, rev.ID); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st)
	_, err = svc.Approve(ctx, approver, rev.ID, nil, nil)
	if e := errs.As(err); e == nil || e.Kind != errs.InvalidArgument || e.Reason != contentrules.ReasonLegacyEncoding ||
		!strings.Contains(e.Field, "title") || e.MessageVI == "" {
		t.Errorf("approval of a title kept in TCVN3: %v (%+v), want LEGACY_ENCODING on the title", err, e)
	}
	if after := snapshot(t, st); after != before {
		t.Errorf("a refused approval changed the database")
	}
}
