package hubstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/events"
)

// A rename moves every row naming the tenant to its new id (but the audit
// log and the outbox, which keep what was written); the old id redirects
// and cannot be taken again.
func TestRenameMovesEveryTenantColumn(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := push(t, s, "tenant-a", article("le-hoi", 1, "Lễ hội", "le-hoi")); err != nil {
		t.Fatal(err)
	}
	if _, err := push(t, s, "tenant-a", article("le-hoi", 2, "Lễ hội", "le-hoi-2025")); err != nil { // a slug_history row
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO page_views (day, tenant_id, lang, path, views) VALUES (current_date, 'tenant-a', 'vi', '/vi/tenant-a/', 3)`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IssueCredential(ctx, "test", "tenant-a", "relay"); err != nil {
		t.Fatal(err)
	}
	if err := s.RenameTenant(ctx, "ops:test", "tenant-a", "phuong-a"); err != nil {
		t.Fatalf("RenameTenant: %v", err)
	}
	// Every column holding a tenant id, found in the catalogue, so that a
	// table added later is checked too.
	rows, err := s.pool.Query(ctx, `SELECT c.table_name, c.column_name FROM information_schema.columns c
		JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = 'text'
		  AND (c.column_name LIKE '%tenant%' OR c.column_name IN ('asked_tenant_id', 'forwarded_from', 'successor_id', 'parent_id'))
		  AND c.table_name NOT IN ('audit_log', 'outbox')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, [2]string{tbl, col})
	}
	if len(cols) < 10 {
		t.Fatalf("found %d tenant columns; the catalogue query is wrong", len(cols))
	}
	for _, c := range append(cols, [2]string{"tenants", "id"}) {
		if n := count(t, s, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = 'tenant-a'`, c[0], c[1])); n != 0 {
			t.Errorf("%s.%s: %d rows still name tenant-a after the rename", c[0], c[1], n)
		}
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM items WHERE tenant_id = 'phuong-a'`:                                  1,
		`SELECT count(*) FROM slug_history WHERE tenant_id = 'phuong-a'`:                           1,
		`SELECT count(*) FROM credentials WHERE tenant_id = 'phuong-a'`:                            1,
		`SELECT count(*) FROM page_views WHERE tenant_id = 'phuong-a'`:                             1,
		`SELECT count(*) FROM tenant_aliases WHERE old_id = 'tenant-a' AND tenant_id = 'phuong-a'`: 1,
		`SELECT count(*) FROM audit_log WHERE action = 'tenant.rename' AND tenant_id = 'phuong-a'`: 1,
		`SELECT count(*) FROM outbox WHERE subject IN ('hub.registry.tenant-a', 'hub.registry.phuong-a')
			AND convert_from(payload, 'UTF8') LIKE '%tenant.rename%'`: 2,
	} {
		if got := count(t, s, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	if err := s.AddTenant(ctx, "test", Tenant{ID: "tenant-a", Kind: "ward", NameVI: "Phường mới"}); !errors.Is(err, ErrConflict) {
		t.Errorf("AddTenant with the old id: %v, want ErrConflict", err)
	}
	if err := s.RenameTenant(ctx, "test", "tenant-b", "tenant-a"); !errors.Is(err, ErrConflict) {
		t.Errorf("renaming another tenant to the old id: %v, want ErrConflict", err)
	}
	if err := s.RenameTenant(ctx, "test", "tenant-b", "Bad Id"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("rename to an invalid id: %v, want ErrInvalidArgument", err)
	}
	if err := s.RenameTenant(ctx, "test", "nobody", "somebody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("rename of an unknown tenant: %v, want ErrNotFound", err)
	}
	// Renamed back: the alias ends, the other direction begins.
	if err := s.RenameTenant(ctx, "test", "phuong-a", "tenant-a"); err != nil {
		t.Fatalf("rename back: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM tenant_aliases WHERE old_id = 'phuong-a' AND tenant_id = 'tenant-a'`); n != 1 {
		t.Errorf("after renaming back: alias phuong-a -> tenant-a rows %d, want 1", n)
	}
}

func TestRetireTenant(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	day := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	if _, err := s.RetireTenant(ctx, "test", "tenant-a", "tenant-a", "", &day); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("retire as its own successor: %v, want ErrInvalidArgument", err)
	}
	if _, err := s.RetireTenant(ctx, "test", "tenant-a", "", "hidden", &day); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("retire with pages=hidden: %v, want ErrInvalidArgument", err)
	}
	if _, err := s.RetireTenant(ctx, "test", "tenant-a", "nobody", "", &day); !errors.Is(err, ErrNotFound) {
		t.Errorf("retire with an unknown successor: %v, want ErrNotFound", err)
	}
	r, err := s.RetireTenant(ctx, "test", "tenant-a", "tenant-b", "", &day)
	if err != nil {
		t.Fatalf("RetireTenant: %v", err)
	}
	got, err := s.TenantRetirement(ctx, "tenant-a")
	if err != nil {
		t.Fatal(err)
	}
	if got != r || got.Pages != RetiredBanner || got.Successor != "tenant-b" || !got.DissolvedOn.Equal(day) {
		t.Errorf("retirement = %+v, want banner, successor tenant-b, dissolved %s", got, day.Format(time.DateOnly))
	}
	if tn, _ := s.Tenant(ctx, "tenant-a"); tn.Status != StatusRetired {
		t.Errorf("status = %s, want retired", tn.Status)
	}
	// A retired tenant stays retired: neither suspended nor resumed (the
	// rule's one home, for the admin API and the console).
	for _, st := range []string{StatusSuspended, StatusActive} {
		var pre *Precondition
		if err := s.SetTenantStatus(ctx, "test", "tenant-a", st); !errors.As(err, &pre) || !strings.Contains(pre.Vietnamese, "ngừng hoạt động") ||
			pre.Reason != "TENANT_RETIRED" {
			t.Errorf("set a retired tenant %s: %v, want a Precondition naming the retirement", st, err)
		}
	}
	if tn, _ := s.Tenant(ctx, "tenant-a"); tn.Status != StatusRetired {
		t.Errorf("status = %s after SetTenantStatus, want retired", tn.Status)
	}
	if _, err := s.RetireTenant(ctx, "test", "tenant-a", "", RetiredGone, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("retire twice: %v, want ErrConflict", err)
	}
	if _, err := s.RetireTenant(ctx, "test", "tenant-b", "tenant-a", "", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("retire with a retired successor: %v, want ErrInvalidArgument", err)
	}
}

// A merge moves every item, resolving collisions by the stated rule, and
// hands each to the successor's sub-portal on its inbox.
func TestMergeTenant(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, p := range []struct {
		tenant string
		item   *pb.ContentItem
	}{
		{"tenant-b", article("le-hoi", 1, "Lễ hội của B", "le-hoi")},
		{"tenant-b", article("hop-bao", 1, "Họp báo", "hop-bao")},
		{"tenant-a", article("le-hoi", 3, "Lễ hội của A", "le-hoi-a")}, // same id, other slug
		{"tenant-a", article("tin-1", 1, "Tin 1", "hop-bao")},          // other id, same slug
		{"tenant-a", article("tin-2", 1, "Tin 2", "tin-2")},            // nothing in common
		{"tenant-a", article("tin-2", 2, "Tin 2", "tin-hai")},          // its old slug tin-2
	} {
		if _, err := push(t, s, p.tenant, p.item); err != nil {
			t.Fatalf("push %s/%s: %v", p.tenant, p.item.GetContentId(), err)
		}
	}
	// Two subscribers of tenant-a's news, one already subscribed to
	// tenant-b's: the other follows the successor.
	for i, q := range []string{
		`INSERT INTO subscriptions (id, request_id, token_hash, address_key, email, tenant_id, lang, consent_version)
			VALUES ('s1', 'r1', decode(repeat('01', 32), 'hex'), decode(repeat('aa', 32), 'hex'), '\x00', 'tenant-a', 'vi', 'v1')`,
		`INSERT INTO subscriptions (id, request_id, token_hash, address_key, email, tenant_id, lang, consent_version)
			VALUES ('s2', 'r2', decode(repeat('02', 32), 'hex'), decode(repeat('bb', 32), 'hex'), '\x00', 'tenant-a', 'vi', 'v1')`,
		`INSERT INTO subscriptions (id, request_id, token_hash, address_key, email, tenant_id, lang, consent_version)
			VALUES ('s3', 'r3', decode(repeat('03', 32), 'hex'), decode(repeat('bb', 32), 'hex'), '\x00', 'tenant-b', 'vi', 'v1')`,
	} {
		if _, err := s.pool.Exec(ctx, q); err != nil {
			t.Fatalf("subscription %d: %v", i, err)
		}
	}
	day := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	rep, err := s.MergeTenant(ctx, "ops:test", "tenant-a", "tenant-b", &day)
	if err != nil {
		t.Fatalf("MergeTenant: %v", err)
	}
	wantRenamed := []MovedItem{
		{FromContentID: "le-hoi", ContentID: "tenant-a-le-hoi"},
		{FromContentID: "tin-1", ContentID: "tin-1", Slugs: []SlugChange{{Locale: "vi", From: "hop-bao", To: "hop-bao-tenant-a"}}},
	}
	if rep.Moved != 3 || fmt.Sprint(rep.Renamed) != fmt.Sprint(wantRenamed) {
		t.Errorf("report: moved %d, renamed %v; want 3, %v", rep.Moved, rep.Renamed, wantRenamed)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM items WHERE tenant_id = 'tenant-a'`:                                                    0,
		`SELECT count(*) FROM items WHERE tenant_id = 'tenant-b'`:                                                    5,
		`SELECT count(*) FROM items WHERE tenant_id = 'tenant-b' AND first_tenant_id = 'tenant-a'`:                   3,
		`SELECT count(*) FROM items WHERE tenant_id = 'tenant-b' AND content_id = 'tenant-a-le-hoi' AND version = 3`: 1,
		`SELECT count(*) FROM item_translations WHERE tenant_id = 'tenant-b' AND slug = 'hop-bao-tenant-a'`:          1,
		`SELECT count(*) FROM item_moves WHERE from_tenant = 'tenant-a'`:                                             3,
		// Current slugs and the old one (tin-2) lead to the moved items.
		`SELECT count(*) FROM slug_moves WHERE from_tenant = 'tenant-a' AND slug IN ('le-hoi-a', 'hop-bao', 'tin-hai', 'tin-2')`: 4,
		`SELECT count(*) FROM slug_moves WHERE from_tenant = 'tenant-a' AND slug = 'hop-bao' AND content_id = 'tin-1'`:           1,
		`SELECT count(*) FROM search_docs WHERE tenant_id = 'tenant-a'`:                                                          0,
		`SELECT count(*) FROM search_docs WHERE tenant_id = 'tenant-b' AND content_id = 'tenant-a-le-hoi'`:                       1,
		`SELECT count(*) FROM tenants WHERE id = 'tenant-a' AND status = 'retired' AND successor_id = 'tenant-b'
			AND retired_pages = 'redirect' AND dissolved_on = '2025-06-30'`: 1,
		`SELECT count(*) FROM outbox WHERE subject LIKE 'hub.tenant-b.content.%' AND msg_id LIKE '%/merged'`: 3,
		`SELECT count(*) FROM subscriptions WHERE id = 's1' AND tenant_id = 'tenant-b'`:                      1,
		`SELECT count(*) FROM subscriptions WHERE id = 's2' AND tenant_id = 'tenant-a'`:                      1,
	} {
		if got := count(t, s, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	// The doc the hub serves carries the new id and slug.
	var doc []byte
	if err := s.pool.QueryRow(ctx, `SELECT doc FROM items WHERE tenant_id = 'tenant-b' AND content_id = 'tin-1'`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	if it, err := decodeDoc(doc); err != nil || it.GetTranslations()[0].GetSlug() != "hop-bao-tenant-a" {
		t.Errorf("moved doc slug = %q (%v), want hop-bao-tenant-a", it.GetTranslations()[0].GetSlug(), err)
	}
	// The successor's inbox holds one transfer per item, with the item as
	// the hub holds it now.
	rows, err := s.pool.Query(ctx, `SELECT subject, payload FROM outbox WHERE subject LIKE 'hub.tenant-b.inbox.transfer.%' ORDER BY subject`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var subj string
		var payload []byte
		if err := rows.Scan(&subj, &payload); err != nil {
			t.Fatal(err)
		}
		var tr pb.ItemTransfer
		if err := proto.Unmarshal(payload, &tr); err != nil {
			t.Fatal(err)
		}
		if subj != events.InboxSubject("tenant-b", "transfer", tr.GetItem().GetContentId()) || tr.GetFromTenant() != "tenant-a" ||
			tr.GetTenant() != "tenant-b" || tr.GetFromNameVi() != "Sở tenant-a" {
			t.Errorf("transfer on %s = %v", subj, &tr)
		}
		ids = append(ids, tr.GetFromContentId()+">"+tr.GetItem().GetContentId())
	}
	if want := []string{"le-hoi>tenant-a-le-hoi", "tin-1>tin-1", "tin-2>tin-2"}; !slices.Equal(ids, want) {
		t.Errorf("transfers %v, want %v", ids, want)
	}
	// The successor's next push of a moved item applies.
	next := article("tenant-a-le-hoi", 4, "Lễ hội của A", "le-hoi-a")
	next.State = pb.PublicationState_PUBLICATION_STATE_WITHDRAWN
	next.Unpublishing = &pb.Unpublishing{Reason: "Hết hiệu lực"}
	if got, err := push(t, s, "tenant-b", next); err != nil || got.GetOutcome() != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
		t.Errorf("successor's withdrawal of a moved item: %v, %v; want APPLIED", got, err)
	}

	if _, err := s.MergeTenant(ctx, "test", "tenant-a", "tenant-b", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("merging a retired tenant: %v, want ErrConflict", err)
	}
	if _, err := s.MergeTenant(ctx, "test", "tenant-b", "tenant-b", nil); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("merging into itself: %v, want ErrInvalidArgument", err)
	}
}

func TestFreeName(t *testing.T) {
	taken := map[string]bool{"a": true, "a-x": true, "a-x-2": true}
	got := freeName("a", 10, func(b string) string { return b + "-x" }, func(s string) bool { return taken[s] })
	if got != "a-x-3" {
		t.Errorf("freeName = %q, want a-x-3", got)
	}
	// A suffix that does not fit is cut, and the number still fits.
	long := "abcdefghij"
	got = freeName(long, 10, func(b string) string { return (b + "-x")[:10] }, func(s string) bool { return s == long })
	if got != "abcdefgh-2" {
		t.Errorf("freeName(long) = %q, want abcdefgh-2", got)
	}
}

func TestParseRedirects(t *testing.T) {
	good := "old_url,tenant,content_id,category,lang\n" +
		"https://CamRanh.KhanhHoa.gov.vn/Pages/tin.aspx?ItemID=12,tenant-b,le-hoi,,\n" +
		"http://camranh.khanhhoa.gov.vn/gioi-thieu,tenant-b,,introduction,en\n" +
		"https://camranh.khanhhoa.gov.vn,tenant-b,,,\n"
	rs, err := ParseRedirects([]byte("\uFEFF" + good))
	if err != nil {
		t.Fatalf("ParseRedirects: %v", err)
	}
	want := []Redirect{
		{Host: "camranh.khanhhoa.gov.vn", Path: "/Pages/tin.aspx?ItemID=12", Tenant: "tenant-b", ContentID: "le-hoi", Locale: "vi"},
		{Host: "camranh.khanhhoa.gov.vn", Path: "/gioi-thieu", Tenant: "tenant-b", Category: "introduction", Locale: "en"},
		{Host: "camranh.khanhhoa.gov.vn", Path: "/", Tenant: "tenant-b", Locale: "vi"},
	}
	if !slices.Equal(rs, want) {
		t.Errorf("parsed %+v, want %+v", rs, want)
	}
	for name, in := range map[string]string{
		"header":       "url,to\nhttps://a.vn/,tenant-b\n",
		"relative":     "old_url,tenant,content_id,category\n/tin,tenant-b,,\n",
		"both targets": "old_url,tenant,content_id,category\nhttps://a.vn/x,tenant-b,le-hoi,news\n",
		"lang":         "old_url,tenant,content_id,category,lang\nhttps://a.vn/x,tenant-b,,,fr\n",
		"duplicate":    "old_url,tenant,content_id,category\nhttps://a.vn/x,tenant-b,,\nhttps://A.vn/x,tenant-b,,\n",
		"empty":        "old_url,tenant,content_id,category\n",
		"not utf-8":    "old_url,tenant,content_id,category\nhttps://a.vn/\xff,tenant-b,,\n",
	} {
		if _, err := ParseRedirects([]byte(in)); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
}

func TestImportRedirects(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := push(t, s, "tenant-b", article("le-hoi", 1, "Lễ hội", "le-hoi")); err != nil {
		t.Fatal(err)
	}
	rs := []Redirect{
		{Host: "camranh.khanhhoa.gov.vn", Path: "/tin?id=1", Tenant: "tenant-b", ContentID: "le-hoi", Locale: "vi"},
		{Host: "camranh.khanhhoa.gov.vn", Path: "/", Tenant: "tenant-b", Locale: "vi"},
	}
	hosts, err := s.ImportRedirects(ctx, "ops:test", rs, false)
	if err != nil || !slices.Equal(hosts, []string{"camranh.khanhhoa.gov.vn"}) {
		t.Fatalf("ImportRedirects = %v, %v", hosts, err)
	}
	// Replacing drops the rows the new map lacks.
	if _, err := s.ImportRedirects(ctx, "ops:test", rs[:1], true); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM redirect_map`); n != 1 {
		t.Errorf("rows after a replacing import = %d, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'redirects.import'`); n != 2 {
		t.Errorf("audit entries = %d, want 2", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE subject = 'hub.registry.-redirects'`); n != 2 {
		t.Errorf("announcements of the map = %d, want 2", n)
	}
	for name, bad := range map[string]Redirect{
		"unknown item":     {Host: "a.vn", Path: "/", Tenant: "tenant-b", ContentID: "khong-co", Locale: "vi"},
		"unknown tenant":   {Host: "a.vn", Path: "/", Tenant: "nobody", Locale: "vi"},
		"unknown category": {Host: "a.vn", Path: "/", Tenant: "tenant-b", Category: "nope", Locale: "vi"},
	} {
		if _, err := s.ImportRedirects(ctx, "ops:test", []Redirect{bad}, false); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
	// An active sub-portal's own host is its site's, not a map's.
	if err := s.UpdateTenant(ctx, "test", Tenant{ID: "tenant-a", Kind: "department", NameVI: "Sở tenant-a",
		Registry: Registry{Hosts: []string{"a.khanhhoa.gov.vn"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRedirects(ctx, "ops:test", []Redirect{{Host: "a.khanhhoa.gov.vn", Path: "/", Tenant: "tenant-b", Locale: "vi"}}, false); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("a map on an active site's host: %v, want ErrInvalidArgument", err)
	}
}

// TestMergeTenantWithLegalRelations: a unit whose legal documents amend
// others merges (make run's walk-through: "conflict (legal_relations_pkey)",
// the key change's cascade meeting the relations the legal projection had
// already written under the new key).
func TestMergeTenantWithLegalRelations(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	it := article("qd-2", 1, "Quyết định sửa đổi", "qd-2")
	it.Kind = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT
	it.Category = "legal"
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: &pb.LegalDocument{Number: "2/2025/QĐ-UBND", DocumentType: "Quyết định",
		Issuer: "UBND phường", IssuerCode: "ubnd-phuong", IssuedOn: "2025-03-01", EffectiveOn: "2025-03-15",
		Relations: []*pb.LegalRelation{
			{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS, TargetNumber: "1/2024/QĐ-UBND"},
			{Type: pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART, TargetNumber: "7/2023/QĐ-UBND"},
		}}}
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MergeTenant(ctx, "ops:test", "tenant-a", "tenant-b", nil); err != nil {
		t.Fatalf("MergeTenant: %v", err)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM legal_documents WHERE tenant_id = 'tenant-b' AND content_id = 'qd-2'`: 1,
		`SELECT count(*) FROM legal_relations WHERE tenant_id = 'tenant-b' AND content_id = 'qd-2'`: 2,
		`SELECT count(*) FROM legal_relations WHERE tenant_id = 'tenant-a'`:                         0,
	} {
		if got := count(t, s, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}
