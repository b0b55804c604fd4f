package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
)

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 100000, 0, "Đẩy: 0/100.000 mục (0%)"},
		{1200, 5000, 3 * time.Second, "Đẩy: 1.200/5.000 mục (24%), 400 mục/giây, còn khoảng 10 giây"},
		{12345, 100000, 10 * time.Second, "Đẩy: 12.345/100.000 mục (12%), 1.235 mục/giây, còn khoảng 1 phút 11 giây"},
		{5000, 5000, 125 * time.Second, "Đẩy: 5.000/5.000 mục (100%), 40 mục/giây, xong sau 2 phút 5 giây"},
	} {
		if got := progressLine("Đẩy", tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("progressLine(%d, %d, %s)\n got %q\nwant %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

func TestReadImportCSV(t *testing.T) {
	in := "\ufeffcontent_id,title,body_html,published_at,kind,category\n" +
		"bai-1,Bài một,<p>Một</p>,2019-05-01,,\n" +
		"bai-2,Bài hai,<p>Hai</p>,01/05/2019,,\n" +
		"bai-3,Bài ba,<p>Ba</p>,2019-05-03T08:00:00+07:00,page,gioi-thieu\n" +
		"bai-4,Bài bốn,<p>Bốn</p>,,khong-co,\n"
	items, bad := readImportCSV(strings.NewReader(in), "cu.csv", "news")
	if len(items) != 2 || len(bad) != 2 {
		t.Fatalf("%d items, %d refused (%v); want 2 and 2", len(items), len(bad), bad)
	}
	if !strings.Contains(bad[0].Error(), "line 3 (bai-2): published_at") || !strings.Contains(bad[1].Error(), `line 5 (bai-4): unknown kind "khong-co"`) {
		t.Errorf("refusals %v", bad)
	}
	if it := items[0]; it.ContentId != "bai-1" || it.Category != "news" || it.Translations[0].Slug != "bai-1" ||
		!it.PublishedAt.AsTime().Equal(time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first item %v", it)
	}
	if it := items[1]; it.Kind.String() != "CONTENT_KIND_PAGE" || it.Category != "gioi-thieu" {
		t.Errorf("second item %v", it)
	}
	if _, bad := readImportCSV(strings.NewReader("id,title\n"), "x.csv", "news"); len(bad) != 1 || !strings.Contains(bad[0].Error(), "no content_id column") {
		t.Errorf("a header without content_id: %v", bad)
	}
}

// TestImportStoresItems imports a folder of HTML pages and a JSON item
// into a sub-portal's database: each approved once with its outbox row,
// a page without a title refused, and the same import again unchanged.
func TestImportStoresItems(t *testing.T) {
	st, url := storetest.New(t)
	t.Setenv("DATABASE_URL", url)
	if _, err := accounts.New(st.Pool(), zerolog.Nop()).Create(t.Context(), "test", accounts.NewAccount{Username: "duyet",
		DisplayName: "Nguyễn Văn An", Password: "Ngựa ô chạy trên đồi 2026", Roles: []accounts.Role{accounts.RoleApprover}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Hoi nghi 2019.html", `<html><head><title>Hội nghị năm 2019</title></head><body><h1>Hội nghị</h1><p onclick="x()">Nội dung</p><script>alert(1)</script></body></html>`)
	write("thong-bao.htm", `<body><h1>Thông báo nghỉ lễ</h1><p>Nghỉ lễ 2/9.</p></body>`)
	write("khong-tieu-de.html", `<body><p>Không có tiêu đề</p></body>`)
	b, err := os.ReadFile("../../../docs/examples/item.json")
	if err != nil {
		t.Fatal(err)
	}
	write("item.json", string(b))
	write("ghi-chu.txt", "bỏ qua")
	write("lich-tiep-dan.md", "# Lịch tiếp công dân\n\nThứ **năm** hằng tuần.\n")

	args := []string{"--dir", dir, "--approver", "duyet", "--author", "Ban biên tập", "--no-push"}
	err = importItems(args)
	if err == nil || !strings.Contains(err.Error(), "no <title> and no <h1>") {
		t.Fatalf("import: %v, want the page without a title refused", err)
	}
	counts, err := st.OutboxCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusPending] != 4 {
		t.Errorf("outbox %v, want 4 pending rows (three pages, one item)", counts)
	}
	if _, doc, err := st.DueVersion(t.Context(), "lich-tiep-dan"); err != nil || doc.GetTranslations()[0].GetTitle() != "Lịch tiếp công dân" ||
		!strings.Contains(doc.GetTranslations()[0].GetBodyHtml(), "<strong>năm</strong>") {
		t.Errorf("lich-tiep-dan = %v (%v)", doc, err)
	}
	_, doc, err := st.DueVersion(t.Context(), "hoi-nghi-2019")
	// The body as the page held it: the hub sanitises what it receives.
	if err != nil || doc.GetTranslations()[0].GetTitle() != "Hội nghị năm 2019" || doc.GetApprover().GetAccount() != "duyet" ||
		!strings.HasPrefix(doc.GetTranslations()[0].GetBodyHtml(), "<h1>Hội nghị</h1><p") || doc.GetAuthors()[0].GetName() != "Ban biên tập" {
		t.Errorf("hoi-nghi-2019 = %v (%v)", doc, err)
	}
	if _, doc, err := st.DueVersion(t.Context(), "thong-bao"); err != nil || doc.GetTranslations()[0].GetTitle() != "Thông báo nghỉ lễ" {
		t.Errorf("thong-bao = %v (%v)", doc, err)
	}
	// Again: nothing changes.
	importItems(args)
	if counts, _ := st.OutboxCounts(context.Background()); counts[store.StatusPending] != 4 {
		t.Errorf("outbox after the same import again %v, want still 4 pending rows", counts)
	}
}
