package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/services/testenv"
	"github.com/portalhub/portalhub/tenants/demo"
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/protojson"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestSeedDemoIsIdempotent(t *testing.T) {
	url := testenv.Postgres(t, "subportal", store.Migrate)
	t.Setenv("DATABASE_URL", url)
	ts, err := demo.Tenants()
	if err != nil {
		t.Fatal(err)
	}
	// Every demo tenant's content passes the sub-portal's checks.
	for _, tn := range ts[1:] {
		t.Setenv("DATABASE_URL", testenv.Postgres(t, "subportal", store.Migrate))
		if err := seed([]string{"--demo", tn.ID}); err != nil {
			t.Errorf("seed %s: %v", tn.ID, err)
		}
	}
	t.Setenv("DATABASE_URL", url)
	items, _ := demo.Items(ts[0].ID)
	count := func() (n int) {
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		conn.QueryRow(context.Background(), `SELECT count(*) FROM outbox`).Scan(&n)
		return n
	}
	if err := seed([]string{"--demo", ts[0].ID}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if got := count(); got != len(items) {
		t.Errorf("outbox rows after seeding = %d, want %d", got, len(items))
	}
	// The files the items attach are stored with them.
	files, _ := demo.Files(ts[0].ID)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	var blobs int
	conn.QueryRow(context.Background(), `SELECT count(*) FROM blobs`).Scan(&blobs)
	conn.Close(context.Background())
	if len(files) == 0 || blobs != len(files) {
		t.Errorf("blobs after seeding = %d, want the %d demo files", blobs, len(files))
	}
	if err := seed([]string{"--demo", ts[0].ID}); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if got := count(); got != len(items) {
		t.Errorf("outbox rows after seeding twice = %d, want %d (unchanged items are not re-approved)", got, len(items))
	}
}

// seed --demo refuses another tenant's demo content: one SUBPORTAL_TENANT
// does not name, or a database holding another tenant's (issue 10 point 13).
func TestSeedDemoRefusesAnotherTenant(t *testing.T) {
	ts, err := demo.Tenants()
	if err != nil || len(ts) < 2 {
		t.Fatalf("demo tenants: %d, %v", len(ts), err)
	}
	a, b := ts[0].ID, ts[1].ID
	t.Setenv("DATABASE_URL", testenv.Postgres(t, "subportal", store.Migrate))
	t.Setenv("SUBPORTAL_TENANT", a)
	if err := seed([]string{"--demo", b}); err == nil || !strings.Contains(err.Error(), "SUBPORTAL_TENANT") {
		t.Errorf("seed --demo %s with SUBPORTAL_TENANT=%s: %v; want refused", b, a, err)
	}
	if err := seed([]string{"--demo", a}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SUBPORTAL_TENANT", "")
	if err := seed([]string{"--demo", b}); err == nil || !strings.Contains(err.Error(), a+"'s demo content") {
		t.Errorf("seed --demo %s into %s's database: %v; want refused", b, a, err)
	}
}

// subportal publish -f takes the API's own format, the sample
// docs/examples/item.json (issue 10 point 13: it refused "author"), and a
// plain ContentItem; the approver is a back-office account holding the
// approver role, never a typed name (issue 10 point 6).
func TestPublishTakesTheAPIFormat(t *testing.T) {
	st, url := storetest.New(t)
	t.Setenv("DATABASE_URL", url)
	as := accounts.New(st.Pool(), zerolog.Nop())
	for _, a := range []accounts.NewAccount{
		{Username: "duyet", DisplayName: "Nguyễn Văn An", Password: "Ngựa ô chạy trên đồi 2026", Roles: []accounts.Role{accounts.RoleApprover}},
		{Username: "tacgia", DisplayName: "Lê Thị Hoa", Password: "Ngựa ô chạy trên đồi 2026", Roles: []accounts.Role{accounts.RoleAuthor}},
	} {
		if _, err := as.Create(t.Context(), "test", a); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ approver, want string }{
		{"", "needs --approver"},
		{"khong-co", "--approver khong-co"},
		{"tacgia", "does not hold the approver role"},
	} {
		err := publishOne([]string{"-f", "../../../docs/examples/item.json", "--approver", tc.approver})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--approver %q: %v, want %q", tc.approver, err, tc.want)
		}
	}
	if err := publishOne([]string{"-f", "../../../docs/examples/item.json", "--approver", "Duyet"}); err != nil {
		t.Fatalf("publish -f docs/examples/item.json: %v", err)
	}
	// The same file again changes nothing: no new version, nothing to push.
	if err := publishOne([]string{"-f", "../../../docs/examples/item.json", "--approver", "duyet"}); err != nil {
		t.Fatalf("publish -f of an unchanged item: %v", err)
	}
	read, err := readItem("../../../docs/examples/item.json")
	if vs, err := st.Versions(t.Context(), read.item.GetContentId()); err != nil || len(vs) != 1 {
		t.Errorf("versions after publishing the same file twice: %d (%v), want 1", len(vs), err)
	}
	if err != nil || read.author != "Lê Thị Hoa" || read.approver != "" {
		t.Errorf("readItem: %+v, %v", read, err)
	}
	_, doc, err := st.DueVersion(t.Context(), read.item.GetContentId())
	if err != nil || doc.GetApprover().GetAccount() != "duyet" || doc.GetApprover().GetName() != "Nguyễn Văn An" {
		t.Errorf("approver pushed = %v (%v), want the account duyet", doc.GetApprover(), err)
	}
	// The same file is a new version when the last one was refused by the
	// hub, and goes at once when the last one is scheduled for later
	// (review1 F8): "nothing to push" would leave it refused or waiting.
	for i, park := range []string{`status = 'refused'`, `publish_at = now() + interval '1 day'`} {
		if _, err := st.Pool().Exec(t.Context(), `UPDATE outbox SET `+park+` WHERE content_id = $1
			AND version = (SELECT max(version) FROM outbox WHERE content_id = $1)`, read.item.GetContentId()); err != nil {
			t.Fatal(err)
		}
		if err := publishOne([]string{"-f", "../../../docs/examples/item.json", "--approver", "duyet"}); err != nil {
			t.Fatalf("publish -f after %s: %v", park, err)
		}
		if vs, err := st.Versions(t.Context(), read.item.GetContentId()); err != nil || len(vs) != i+2 {
			t.Errorf("versions after publishing the same file once the last one's push was %s: %d (%v), want %d", park, len(vs), err, i+2)
		}
	}

	ts, _ := demo.Tenants()
	items, _ := demo.Items(ts[0].ID)
	dir := t.TempDir()
	b, err := protojson.Marshal(items[0])
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "item.json")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := publishOne([]string{"-f", name, "--author", "A", "--approver", "duyet"}); err == nil || !strings.Contains(err.Error(), "names an approver") {
		t.Errorf("publish -f of an item naming its approver: %v, want refused", err)
	}
	items[0].Approver = nil
	if b, err = protojson.Marshal(items[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := publishOne([]string{"-f", name, "--author", "A", "--approver", "duyet"}); err != nil {
		t.Errorf("publish -f of a plain ContentItem: %v", err)
	}
}

// seed --dir reports every bad item, not only the first: files that are no
// item and items the rules refuse (each with all of its problems), and it
// stores the good ones (issue 12 point 4).
func TestSeedReportsEveryBadItem(t *testing.T) {
	_, url := storetest.New(t)
	t.Setenv("DATABASE_URL", url)
	example, err := os.ReadFile("../../../docs/examples/item.json")
	if err != nil {
		t.Fatal(err)
	}
	item := func(id, viSlug, title string) string {
		s := strings.Replace(string(example), `"khai-truong-cong-thong-tin"`, `"`+id+`"`, 1)
		s = strings.Replace(s, `"khai-truong-cong-thong-tin-dien-tu-cua-so"`, `"`+viSlug+`"`, 1)
		s = strings.Replace(s, `"the-departments-portal-opens"`, `"`+id+`-en"`, 1)
		return strings.Replace(s, `"Khai trương cổng thông tin điện tử của Sở"`, `"`+title+`"`, 1)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"1-good.json":         item("tin-mot", "tin-mot", "Tin một"),
		"2-not-json.json":     `{"contentId": "hong",`,
		"3-section-slug.json": item("tin-ba", "van-ban-phap-luat", "Tin ba"),
		"4-two-problems.json": item("tin-bon", "legal-documents", ""),
		"5-good.json":         item("tin-nam", "tin-nam", "Tin năm"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err = seed([]string{"--dir", dir})
	if err == nil {
		t.Fatal("seed with bad items: no error")
	}
	msg := err.Error()
	for _, want := range []string{"3 refused", "2-not-json.json", "3-section-slug.json (tin-ba)", "4-two-problems.json (tin-bon): 2 problems",
		"SLUG_RESERVED", "REQUIRED"} {
		if !strings.Contains(msg, want) {
			t.Errorf("seed's error does not name %q:\n%s", want, msg)
		}
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var ids []string
	rows, _ := conn.Query(context.Background(), `SELECT content_id FROM items ORDER BY content_id`)
	ids, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || strings.Join(ids, ",") != "tin-mot,tin-nam" {
		t.Errorf("items stored = %v (%v), want the two good ones", ids, err)
	}
}
