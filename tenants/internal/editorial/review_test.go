package editorial_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

func diffFields(d []editorial.FieldDiff) map[string]string {
	got := map[string]string{}
	for _, f := range d {
		var b strings.Builder
		for _, l := range f.Lines {
			b.WriteString(l.Op + l.Text + "|")
		}
		got[f.Field] = b.String()
	}
	return got
}

// Every save is kept: re-saving a draft and an editor's edit of a submitted
// revision append snapshots, which can be compared and restored.
func TestEverySaveIsKept(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	rev, err := svc.SaveDraft(ctx, author1, 0, article("", "Bản đầu", "Dòng một"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev, err = svc.SaveDraft(ctx, author1, rev.ID, article(rev.ContentID, "Bản tác giả gửi", "Dòng một\nDòng hai"), nil); err != nil {
		t.Fatal(err)
	}
	if rev, err = svc.Submit(ctx, author1, rev.ID); err != nil {
		t.Fatal(err)
	}
	if rev, err = svc.SaveDraft(ctx, editor, rev.ID, article(rev.ContentID, "Bản biên tập viên sửa", "Dòng một\nDòng hai đã sửa"), nil); err != nil {
		t.Fatal(err)
	}
	if rev.State != editorial.StateSubmitted || !rev.Reviewed() || rev.Change.Texts["vi"].Title != "Bản biên tập viên sửa" {
		t.Fatalf("edited = %+v", rev)
	}
	snaps, err := svc.Snapshots(ctx, rev.ID)
	if err != nil || len(snaps) != 3 {
		t.Fatalf("Snapshots = %d, %v; want 3", len(snaps), err)
	}
	for i, want := range []string{"Bản đầu", "Bản tác giả gửi", "Bản biên tập viên sửa"} {
		if got := snaps[i].Change.Texts["vi"].Title; got != want || snaps[i].Seq != i+1 {
			t.Errorf("snapshot %d = %q (seq %d), want %q", i, got, snaps[i].Seq, want)
		}
	}
	if snaps[1].SavedByID != author1.ID || snaps[2].SavedByID != editor.ID || snaps[2].SavedName != "Phạm Thị Lan" {
		t.Errorf("saved by = %d, %d (%s)", snaps[1].SavedByID, snaps[2].SavedByID, snaps[2].SavedName)
	}
	if len(rev.ChangedBy) != 2 || rev.ChangedBy[0] != author1.ID || rev.ChangedBy[1] != editor.ID {
		t.Errorf("ChangedBy = %v", rev.ChangedBy)
	}
	all, err := svc.ItemSnapshots(ctx, rev.ContentID)
	if err != nil || len(all) != 3 || all[0].ID != snaps[2].ID {
		t.Errorf("ItemSnapshots = %d, %v; want 3, newest first", len(all), err)
	}

	// What the author submitted against what the editor made of it.
	d, err := svc.DiffSnapshots(ctx, snaps[1].ID, snaps[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	got := diffFields(d)
	if want := "=Dòng một|-Dòng hai|+Dòng hai đã sửa|"; got["texts[vi].markdown"] != want {
		t.Errorf("markdown diff = %s, want %s", got["texts[vi].markdown"], want)
	}
	if want := "-Bản tác giả gửi|+Bản biên tập viên sửa|"; got["texts[vi].title"] != want {
		t.Errorf("title diff = %s, want %s", got["texts[vi].title"], want)
	}

	// The author's submitted text comes back as a new draft.
	_, err = svc.RestoreSnapshot(ctx, author2, snaps[1].ID)
	wantKind(t, "another author restores a save", err, errs.PermissionDenied, "")
	restored, err := svc.RestoreSnapshot(ctx, author1, snaps[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if restored.State != editorial.StateDraft || restored.RestoredFrom != rev.ID || restored.RestoredFromSnapshot != snaps[1].ID ||
		restored.Change.Texts["vi"].Title != "Bản tác giả gửi" || restored.Number != 2 {
		t.Errorf("restored = %+v", restored)
	}
	if n, _ := svc.Snapshots(ctx, restored.ID); len(n) != 1 {
		t.Errorf("a restore keeps %d snapshots, want 1", len(n))
	}

	// Snapshots are never rewritten.
	if _, err := st.Pool().Exec(ctx, `UPDATE revision_snapshots SET texts = '{}' WHERE id = $1`, snaps[0].ID); err == nil {
		t.Error("a snapshot was updated")
	}
}

// An approver who also edits may not approve a submission whose content
// they changed, unless the board allows self-approval.
func TestApproverWhoChangedTheContentCannotApproveIt(t *testing.T) {
	ctx := context.Background()
	for _, board := range []editorial.Board{{}, {AllowSelfApproval: true}} {
		svc, st := newService(t, board)
		rev := submitted(t, svc, author1, article("", "Bài của Hoa", "Nội dung của tác giả"))
		rev, err := svc.SaveDraft(ctx, editorApprover, rev.ID, article(rev.ContentID, "Bài của Hoa", "Nội dung viết lại"), nil)
		if err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, st)
		_, err = svc.Approve(ctx, editorApprover, rev.ID, nil, nil)
		if board.AllowSelfApproval {
			if err != nil {
				t.Errorf("lenient board: %v", err)
			}
			continue
		}
		wantKind(t, "approving a revision one rewrote", err, errs.PermissionDenied, "")
		if after := snapshot(t, st); after != before {
			t.Error("the refusal changed the database")
		}
		d, _ := svc.Dashboard(ctx, editorApprover)
		for _, r := range d.AwaitingApproval {
			if r.ID == rev.ID {
				t.Error("the rewritten revision waits for its rewriter's approval")
			}
		}
		if _, err := svc.Approve(ctx, approver, rev.ID, nil, nil); err != nil {
			t.Errorf("another approver: %v", err)
		}
	}
}

// An author who is also an editor is not the reviewer of their own work.
func TestOwnSubmissionIsNotAReview(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	rev, err := svc.SaveDraft(ctx, authorEditor, 0, article("", "Bài của biên tập viên", "Nội dung"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev, err = svc.Submit(ctx, authorEditor, rev.ID); err != nil || rev.Reviewed() {
		t.Fatalf("own submission = reviewed %v by %q, %v; want not reviewed", rev.Reviewed(), rev.EditorName, err)
	}
	if rev, err = svc.Submit(ctx, authorEditor, rev.ID); err != nil || rev.Reviewed() {
		t.Errorf("own 'review' = reviewed %v, %v; want not reviewed", rev.Reviewed(), err)
	}
	if rev, err = svc.SaveDraft(ctx, authorEditor, rev.ID, article(rev.ContentID, "Bài của biên tập viên", "Sửa"), nil); err != nil || rev.Reviewed() {
		t.Errorf("own edit while submitted = reviewed %v, %v; want not reviewed", rev.Reviewed(), err)
	}
	d, _ := svc.Dashboard(ctx, editor)
	if len(d.AwaitingReview) != 1 || d.AwaitingReview[0].ID != rev.ID {
		t.Errorf("editor's awaiting review = %v; want the author-editor's submission", d.AwaitingReview)
	}
	if rev, err = svc.Submit(ctx, editor, rev.ID); err != nil || !rev.Reviewed() || rev.EditorID != editor.ID {
		t.Errorf("another editor's review = %+v, %v", rev, err)
	}
	rev, err = svc.Approve(ctx, approver, rev.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, err := svc.RequestUnpublish(ctx, editor, rev.ContentID, pb.PublicationState_PUBLICATION_STATE_GONE, nil)
	if err != nil || req.Reviewed() {
		t.Errorf("own request to unpublish = reviewed %v, %v; want not reviewed", req.Reviewed(), err)
	}
}

// Approving a revision that started from an older version than the item's
// current one is refused (with where to see the difference) unless the
// approver rebases; the approval and return forms are bound to what the
// approver saw.
func TestStaleApprovalRefusedUnlessRebased(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	first := submitted(t, svc, author1, article("", "Lịch làm việc", "Bản một"))
	first, err := svc.Approve(ctx, approver, first.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := first.ContentID
	cur, err := svc.CurrentContent(ctx, id)
	if err != nil || cur.BaseVersion != 1 {
		t.Fatalf("CurrentContent base = %d, %v; want 1", cur.BaseVersion, err)
	}
	withText := func(ch editorial.Change, title string) editorial.Change {
		ch.Texts = map[string]editorial.LocaleText{"vi": {Title: title, Markdown: ch.Texts["vi"].Markdown}}
		return ch
	}
	// Two revisions start from version 1; one is approved first.
	a, err := svc.SaveDraft(ctx, author1, 0, withText(cur, "Lịch làm việc tuần 1"), nil)
	if err != nil || a.BaseVersion != 1 {
		t.Fatalf("a = base %d, %v", a.BaseVersion, err)
	}
	b, err := svc.SaveDraft(ctx, author2, 0, withText(cur, "Lịch làm việc tuần 2"), nil)
	if err != nil || b.BaseVersion != 1 {
		t.Fatalf("b = base %d, %v", b.BaseVersion, err)
	}
	if a, err = svc.Submit(ctx, author1, a.ID); err != nil {
		t.Fatal(err)
	}
	if b, err = svc.Submit(ctx, author2, b.ID); err != nil {
		t.Fatal(err)
	}
	if a, err = svc.Approve(ctx, approver, a.ID, nil, nil); err != nil || a.HubVersion != 2 {
		t.Fatalf("approve a = v%d, %v", a.HubVersion, err)
	}

	before := snapshot(t, st)
	_, err = svc.Approve(ctx, approver, b.ID, nil, nil)
	wantKind(t, "approving a stale revision", err, errs.Conflict, "base_version")
	if e := errs.As(err); e == nil || !strings.Contains(e.MessageVI, "phiên bản 2") ||
		!strings.Contains(e.MessageVI, "/noi-dung/"+id+"/phien-ban?from="+itoa(a.ID)+"&to="+itoa(b.ID)) {
		t.Errorf("stale message = %v", err)
	}

	// Bound to what the approver saw: an editor's edit since refuses both
	// the approval and the return.
	seen := b.Stamp()
	if b, err = svc.SaveDraft(ctx, editor, b.ID, withText(cur, "Lịch làm việc tuần 2 (biên tập)"), nil); err != nil {
		t.Fatal(err)
	}
	before = snapshot(t, st)
	_, err = svc.ApproveWith(ctx, approver, b.ID, editorial.Approval{Seen: seen, Rebase: true})
	wantKind(t, "approving what one did not see", err, errs.Conflict, "seen")
	_, err = svc.ReturnSeen(ctx, approver, b.ID, "Sửa lại", seen)
	wantKind(t, "returning what one did not see", err, errs.Conflict, "seen")
	if after := snapshot(t, st); after != before {
		t.Error("refusals changed the database")
	}

	// An explicit rebase approves it over version 2.
	b, err = svc.ApproveWith(ctx, approver, b.ID, editorial.Approval{Seen: b.Stamp(), Rebase: true})
	if err != nil || b.HubVersion != 3 || b.BaseVersion != 2 {
		t.Fatalf("rebased = v%d base %d, %v", b.HubVersion, b.BaseVersion, err)
	}
	if n := count(t, st, `SELECT count(*) FROM audit_log WHERE action = 'editorial_approve' AND detail->>'rebased_over' = '2'`); n != 1 {
		t.Errorf("audit of the rebase = %d rows, want 1", n)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// "Keep as typed" lasts while the field's text is unchanged.
func TestKeepAsTypedLastsAcrossSaves(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, editorial.Board{})
	legacy := "Th«ng b¸o vÒ viÖc x©y dùng c¶ng"
	ch := func(title string) editorial.Change {
		c := article("cang", title, "Nội dung")
		c.Texts["vi"] = editorial.LocaleText{Title: title, Summary: "Tóm tắt", Markdown: "Nội dung"}
		return c
	}
	rev, err := svc.SaveDraft(ctx, author1, 0, ch(legacy), map[string]bool{"texts[vi].title": true})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Change.Texts["vi"].Title != legacy || !rev.Kept["texts[vi].title"] {
		t.Fatalf("kept = %q, %v", rev.Change.Texts["vi"].Title, rev.Kept)
	}
	// A later save without the box (the page shows no notice any more).
	rev, err = svc.SaveDraft(ctx, author1, rev.ID, ch(legacy), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Change.Texts["vi"].Title != legacy || len(rev.Notices) != 0 || !rev.Kept["texts[vi].title"] {
		t.Errorf("second save: title %q, notices %d, kept %v; want kept as typed", rev.Change.Texts["vi"].Title, len(rev.Notices), rev.Kept)
	}
	// Other text in the field is checked again.
	other := "Th«ng b¸o míi vÒ c¶ng"
	rev, err = svc.SaveDraft(ctx, author1, rev.ID, ch(other), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Change.Texts["vi"].Title == other || len(rev.Notices) != 1 || rev.Kept["texts[vi].title"] {
		t.Errorf("changed text: title %q, notices %d, kept %v; want converted", rev.Change.Texts["vi"].Title, len(rev.Notices), rev.Kept)
	}
}

// A version approved for later is not public: new revisions and requests
// to unpublish start from the version that is due, and a scheduled
// version overtaken before its time earns no royalties.
func TestScheduledVersionStaysUnderEmbargo(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, editorial.Board{})
	v1 := submitted(t, svc, author1, article("", "Kết quả tuyển dụng", "Danh sách công khai"))
	v1, err := svc.Approve(ctx, approver, v1.ID, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := v1.ContentID
	now := time.Now().In(editorial.Zone)
	later := time.Date(now.Year(), now.Month()+2, 10, 9, 0, 0, 0, editorial.Zone)
	v2 := submitted(t, svc, author2, article(id, "Kết quả tuyển dụng (bổ sung, chưa công bố)", "Danh sách bổ sung"))
	if v2, err = svc.Approve(ctx, approver, v2.ID, &later, []editorial.Contributor{{Name: "Trần Văn Nam", Role: editorial.RoleAuthor, Points: 5}}); err != nil {
		t.Fatal(err)
	}

	cur, err := svc.CurrentContent(ctx, id)
	if err != nil || cur.Texts["vi"].Title != "Kết quả tuyển dụng" || cur.BaseVersion != 1 {
		t.Errorf("CurrentContent = %q base %d, %v; want the due version 1", cur.Texts["vi"].Title, cur.BaseVersion, err)
	}
	req, err := svc.RequestUnpublish(ctx, editor, id, pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{Reason: "Đính chính"})
	if err != nil || req.Change.Texts["vi"].Title != "Kết quả tuyển dụng" {
		t.Fatalf("request = %q, %v; want the due content", req.Change.Texts["vi"].Title, err)
	}
	if _, err := svc.Approve(ctx, approver, req.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	it, err := st.Get(ctx, id)
	if err != nil || it.State != "WITHDRAWN" || it.Doc.GetTranslations()[0].GetTitle() != "Kết quả tuyển dụng" {
		t.Fatalf("withdrawn item = %s %v, %v; want the due text", it.State, it.Doc, err)
	}
	claimed, err := st.Claim(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claimed {
		for _, tr := range c.Item.GetTranslations() {
			if strings.Contains(tr.GetTitle()+tr.GetBodyHtml(), "bổ sung") {
				t.Errorf("v%d pushes the scheduled text early: %v", c.Item.GetVersion(), c.Item)
			}
		}
	}

	// Withdrawn before its time, version 2 was never published.
	from, to := editorial.Month(later.Year(), later.Month())
	if lines, err := svc.Royalties(ctx, from, to); err != nil || len(lines) != 0 {
		t.Errorf("royalties of the overtaken scheduled version = %+v, %v; want none", lines, err)
	}
}
