package hubread_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// setup returns a superuser pool to write fixtures with and a store that
// reads as the gateway's read-only role, as in production.
func setup(t *testing.T) (*pgxpool.Pool, *hubread.Store) {
	t.Helper()
	dbURL := testenv.Postgres(t, "hubread", hubschema.Migrate)
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	u, _ := url.Parse(dbURL)
	u.User = url.User("portalhub_gateway")
	reader, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reader.Close)
	return admin, hubread.New(reader)
}

func exec(t *testing.T, db *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func putItem(t *testing.T, db *pgxpool.Pool, tenant, state string, it *pb.ContentItem) {
	t.Helper()
	doc, err := protojson.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256(doc)
	exec(t, db, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (tenant_id, content_id) DO UPDATE SET version = $3, content_hash = $4, state = $7, published_at = $8, doc = $9`,
		tenant, it.GetContentId(), int64(it.GetVersion()), hash[:], contentrules.KindWord(it.GetKind()), it.GetCategory(), state,
		it.GetPublishedAt().AsTime(), doc)
	exec(t, db, `DELETE FROM item_translations WHERE tenant_id = $1 AND content_id = $2`, tenant, it.GetContentId())
	for _, tr := range it.GetTranslations() {
		exec(t, db, `INSERT INTO item_translations (tenant_id, content_id, locale, slug, title, summary) VALUES ($1, $2, $3, $4, $5, $6)`,
			tenant, it.GetContentId(), tr.GetLocale(), tr.GetSlug(), tr.GetTitle(), tr.GetSummary())
	}
}

func item(id string, at time.Time, trs ...*pb.Translation) *pb.ContentItem {
	return &pb.ContentItem{ContentId: id, Version: 1, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE, Category: "news",
		Translations: trs, PublishedAt: timestamppb.New(at), State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Approver: &pb.Person{Name: "Trần Văn Duyệt"}}
}

func tr(locale, slug, title string) *pb.Translation {
	return &pb.Translation{Locale: locale, Slug: slug, Title: title}
}

func TestQueries(t *testing.T) {
	db, s := setup(t)
	ctx := context.Background()
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi, name_en) VALUES ('sotttt', 'department', 'Sở Thông tin và Truyền thông', 'Department of Information'),
		('nhatrang', 'ward', 'Phường Nha Trang', '')`)
	base := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	putItem(t, db, "sotttt", "published", item("a", base, tr("vi", "le-hoi", "Lễ hội"), tr("en", "festival", "Festival")))
	putItem(t, db, "sotttt", "published", item("b", base.Add(time.Hour), tr("vi", "tin-b", "Tin B")))
	putItem(t, db, "nhatrang", "published", item("c", base.Add(2*time.Hour), tr("vi", "tin-c", "Tin C")))
	putItem(t, db, "nhatrang", "withdrawn", item("d", base.Add(3*time.Hour), tr("vi", "tin-d", "Tin D")))
	putItem(t, db, "nhatrang", "published", item("e", base.Add(4*time.Hour), tr("vi", "tin-e", "Tin E")))
	exec(t, db, `UPDATE items SET takedown_reason = 'Vi phạm', taken_down_at = now() WHERE content_id = 'e'`)
	exec(t, db, `INSERT INTO slug_history (tenant_id, locale, slug, content_id) VALUES ('sotttt', 'vi', 'le-hoi-cu', 'a')`)

	latest, err := s.Latest(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range latest {
		ids = append(ids, l.ContentID)
	}
	if got, want := ids, []string{"c", "b", "a"}; !equal(got, want) {
		t.Errorf("Latest = %v, want %v (published, not taken down, newest first)", got, want)
	}
	if got, want := latest[2].Slug("en"), "festival"; got != want {
		t.Errorf("en slug of a = %q, want %q", got, want)
	}
	if got, want := latest[1].Slug("en"), "tin-b"; got != want {
		t.Errorf("en slug of untranslated b = %q, want %q (Vietnamese)", got, want)
	}
	mine, err := s.TenantLatest(ctx, "nhatrang", 10)
	if err != nil || len(mine) != 1 || mine[0].ContentID != "c" {
		t.Errorf("TenantLatest(nhatrang) = %v, %v; want only c", mine, err)
	}

	tests := []struct {
		locale, slug      string
		wantID, wantRedir string
	}{
		{"vi", "le-hoi", "a", ""},
		{"en", "festival", "a", ""},
		{"en", "le-hoi", "", "festival"},    // another locale's slug
		{"vi", "festival", "", "le-hoi"},    // another locale's slug
		{"vi", "le-hoi-cu", "", "le-hoi"},   // old slug
		{"en", "le-hoi-cu", "", "festival"}, // old slug of another locale
		{"ru", "le-hoi", "a", ""},           // no ru translation: the vi slug serves
		{"ru", "festival", "", "le-hoi"},
	}
	for _, tt := range tests {
		got, err := s.ItemBySlug(ctx, "sotttt", tt.locale, tt.slug)
		if err != nil {
			t.Errorf("ItemBySlug(%s, %s): %v", tt.locale, tt.slug, err)
			continue
		}
		if got.RedirectSlug != tt.wantRedir || (tt.wantID != "" && (got.Item == nil || got.Item.ContentID != tt.wantID)) {
			t.Errorf("ItemBySlug(%s, %s) = %+v, want item %q redirect %q", tt.locale, tt.slug, got, tt.wantID, tt.wantRedir)
		}
	}
	if _, err := s.ItemBySlug(ctx, "sotttt", "vi", "khong-co"); !errors.Is(err, hubread.ErrNotFound) {
		t.Errorf("unknown slug: err = %v, want ErrNotFound", err)
	}
	e, err := s.ItemByID(ctx, "nhatrang", "e")
	if err != nil || !e.TakenDown || e.TakedownReason != "Vi phạm" || e.Visible() {
		t.Errorf("ItemByID(e) = %+v, %v; want taken down with reason, not visible", e, err)
	}
	if e.Doc.GetApprover().GetName() != "Trần Văn Duyệt" {
		t.Errorf("doc not decoded: approver %q", e.Doc.GetApprover().GetName())
	}
	if _, err := s.Tenant(ctx, "khong"); !errors.Is(err, hubread.ErrNotFound) {
		t.Errorf("unknown tenant: err = %v", err)
	}
	ts, err := s.Tenants(ctx)
	if err != nil || len(ts) != 2 || ts[1].Name("en") != "Phường Nha Trang" {
		t.Errorf("Tenants = %+v, %v", ts, err)
	}
	cats, err := s.Categories(ctx)
	if err != nil || len(cats) < 12 || cats[0].Code != "introduction" {
		t.Errorf("Categories = %v, %v", cats, err)
	}
	counts, err := s.CategoryCounts(ctx, "sotttt")
	if err != nil || counts["news"] != 2 {
		t.Errorf("CategoryCounts = %v, %v", counts, err)
	}

	if err := s.Ping(ctx); err != nil {
		t.Error(err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A tenant's fingerprint changes when what the pages show of it changes,
// and only then.
func TestTenantFingerprints(t *testing.T) {
	admin, s := setup(t)
	ctx := context.Background()
	exec(t, admin, `INSERT INTO tenants (id, kind, name_vi) VALUES ('so-a', 'department', 'Sở A'), ('xa-b', 'commune', 'Xã B')`)
	get := func() map[string]string {
		t.Helper()
		fp, err := s.TenantFingerprints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	before := get()
	if len(before) != 3 || before["so-a"] == "" || before["so-a"] == before["xa-b"] || before["-redirects"] == "" {
		t.Fatalf("fingerprints = %v", before)
	}
	exec(t, admin, `UPDATE tenants SET updated_at = now() + interval '1 minute' WHERE id = 'so-a'`)
	if got := get(); got["so-a"] != before["so-a"] {
		t.Error("fingerprint changed with nothing shown changed")
	}
	for _, change := range []string{`name_en = 'Department A'`, `status = 'suspended'`, `home_url = 'https://a.example'`,
		`successor_id = 'xa-b'`, `retired_pages = 'gone'`} {
		prev := get()
		exec(t, admin, `UPDATE tenants SET `+change+` WHERE id = 'so-a'`)
		got := get()
		if got["so-a"] == prev["so-a"] || got["xa-b"] != prev["xa-b"] {
			t.Errorf("%s: so-a %s -> %s, xa-b %s -> %s", change, prev["so-a"], got["so-a"], prev["xa-b"], got["xa-b"])
		}
	}
	// An import of the redirect map changes its own fingerprint (the
	// gateways load the map's hosts with the tenants), no tenant's.
	prev := get()
	exec(t, admin, `INSERT INTO redirect_map (host, path, tenant_id, imported_by) VALUES ('cu.example.vn', '/', 'xa-b', 'ops:t')`)
	if got := get(); got["-redirects"] == prev["-redirects"] || got["xa-b"] != prev["xa-b"] {
		t.Errorf("after an import: map %s -> %s, xa-b %s -> %s", prev["-redirects"], got["-redirects"], prev["xa-b"], got["xa-b"])
	}
}

func TestTenantsInVietnameseOrderAndHosts(t *testing.T) {
	admin, store := setup(t)
	ctx := context.Background()
	names := map[string]string{
		"xa-van-ninh":     "Ủy ban nhân dân xã Vạn Ninh",
		"xa-dai-lanh":     "Ủy ban nhân dân xã Đại Lãnh",
		"phuong-bac-nt":   "Ủy ban nhân dân phường Bắc Nha Trang",
		"phuong-ba-ngoi":  "Ủy ban nhân dân phường Ba Ngòi",
		"phuong-dong-hai": "Ủy ban nhân dân phường Đông Hải",
	}
	for id, name := range names {
		exec(t, admin, `INSERT INTO tenants (id, kind, name_vi) VALUES ($1, 'ward', $2)`, id, name)
	}
	exec(t, admin, `INSERT INTO tenant_hosts (host, tenant_id, is_primary) VALUES ('vanninh.khanhhoa.gov.vn', 'xa-van-ninh', true),
		('www.vanninh.khanhhoa.gov.vn', 'xa-van-ninh', false)`)
	ts, err := store.Tenants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tn := range ts {
		got = append(got, tn.ID)
	}
	want := []string{"phuong-ba-ngoi", "phuong-bac-nt", "phuong-dong-hai", "xa-dai-lanh", "xa-van-ninh"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("order = %v, want %v (Vietnamese alphabetical: a ă â b c d đ ...)", got, want)
	}
	tn, err := store.Tenant(ctx, "xa-van-ninh")
	if err != nil {
		t.Fatal(err)
	}
	if tn.PrimaryHost() != "vanninh.khanhhoa.gov.vn" || len(tn.Hosts) != 2 {
		t.Fatalf("hosts = %v", tn.Hosts)
	}
	hosts, err := store.TenantHosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if hosts["www.vanninh.khanhhoa.gov.vn"] != "xa-van-ninh" || len(hosts) != 2 {
		t.Fatalf("TenantHosts = %v", hosts)
	}
}
