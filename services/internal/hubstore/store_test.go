package hubstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// newStore returns a store on a fresh migrated database with tenants a and b.
func newStore(t *testing.T) *Store {
	t.Helper()
	url := testenv.Postgres(t, "hubstore", hubschema.Migrate)
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(s.Close)
	for _, id := range []string{"tenant-a", "tenant-b"} {
		if err := s.AddTenant(ctx, "test", Tenant{ID: id, Kind: "department", NameVI: "Sở " + id}); err != nil {
			t.Fatalf("AddTenant(%s): %v", id, err)
		}
	}
	return s
}

func article(id string, version uint64, title, slug string) *pb.ContentItem {
	return &pb.ContentItem{
		ContentId: id,
		Version:   version,
		Kind:      pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category:  "news",
		State:     pb.PublicationState_PUBLICATION_STATE_PUBLISHED,
		Translations: []*pb.Translation{
			{Locale: "vi", Title: title, Slug: slug},
		},
		Approver:    &pb.Person{Name: "Nguyễn Văn A"},
		PublishedAt: timestamppb.New(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)),
	}
}

func prepare(t *testing.T, item *pb.ContentItem) *contentrules.Prepared {
	t.Helper()
	p, err := contentrules.Prepare(item, nil)
	if err != nil {
		t.Fatalf("Prepare(%s): %v", item.GetContentId(), err)
	}
	return p
}

func hashOf(t *testing.T, item *pb.ContentItem) [32]byte { return prepare(t, item).Hash }

func push(t *testing.T, s *Store, tenant string, item *pb.ContentItem) (*pb.PublishResponse, error) {
	t.Helper()
	return s.Apply(context.Background(), tenant, prepare(t, item))
}

func count(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func refusal(t *testing.T, err error, reason string) *Refusal {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("err = %v, want a Refusal %s", err, reason)
	}
	if r.Reason != reason {
		t.Fatalf("reason = %s (%v), want %s", r.Reason, r, reason)
	}
	return r
}

func TestApplyVersions(t *testing.T) {
	s := newStore(t)
	outbox := func() int { return count(t, s, `SELECT count(*) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`) }

	v1 := article("le-hoi", 1, "Lễ hội", "le-hoi")
	got, err := push(t, s, "tenant-a", v1)
	if err != nil {
		t.Fatalf("first push: %v", err)
	}
	if got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED || got.CurrentVersion != 1 {
		t.Fatalf("first push = %v, want APPLIED at 1", got)
	}
	if n := outbox(); n != 1 {
		t.Fatalf("outbox rows after first push = %d, want 1", n)
	}

	// Same version, same content.
	got, err = push(t, s, "tenant-a", article("le-hoi", 1, "Lễ hội", "le-hoi"))
	if err != nil || got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED {
		t.Fatalf("identical push = %v, %v; want UNCHANGED", got, err)
	}
	if n := outbox(); n != 1 {
		t.Fatalf("outbox rows after identical push = %d, want 1", n)
	}

	// Same version, other content.
	_, err = push(t, s, "tenant-a", article("le-hoi", 1, "Lễ hội khác", "le-hoi"))
	r := refusal(t, err, contentrules.ReasonVersionConflict)
	if status.Code(err) != codes.AlreadyExists || contentrules.ReasonOf(err) != contentrules.ReasonVersionConflict {
		t.Errorf("conflict as status = %v (reason %q), want ALREADY_EXISTS VERSION_CONFLICT", status.Code(err), contentrules.ReasonOf(err))
	}
	h1 := hashOf(t, v1)
	if !contains(r.Description, hexs(h1)) || !contains(r.Description, hexs(hashOf(t, article("le-hoi", 1, "Lễ hội khác", "le-hoi")))) {
		t.Errorf("conflict description %q does not name both hashes", r.Description)
	}
	if n := outbox(); n != 1 {
		t.Fatalf("outbox rows after conflict = %d, want 1", n)
	}

	// Newer.
	got, err = push(t, s, "tenant-a", article("le-hoi", 3, "Lễ hội 2025", "le-hoi"))
	if err != nil || got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED || got.CurrentVersion != 3 {
		t.Fatalf("newer push = %v, %v; want APPLIED at 3", got, err)
	}
	if n := outbox(); n != 2 {
		t.Fatalf("outbox rows after newer push = %d, want 2", n)
	}

	// Older.
	got, err = push(t, s, "tenant-a", article("le-hoi", 2, "Lễ hội cũ", "le-hoi"))
	if err != nil || got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_STALE || got.CurrentVersion != 3 {
		t.Fatalf("older push = %v, %v; want STALE with current 3", got, err)
	}
	if n := outbox(); n != 2 {
		t.Fatalf("outbox rows after stale push = %d, want 2", n)
	}
	if v := count(t, s, `SELECT version FROM items WHERE tenant_id = 'tenant-a' AND content_id = 'le-hoi'`); v != 3 {
		t.Fatalf("held version = %d, want 3", v)
	}

	// The event carries what was stored.
	var subject, msgID string
	var payload []byte
	if err := s.pool.QueryRow(context.Background(), `SELECT subject, msg_id, payload FROM outbox ORDER BY id DESC LIMIT 1`).Scan(&subject, &msgID, &payload); err != nil {
		t.Fatal(err)
	}
	var ev pb.ContentEvent
	if err := proto.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	// The message id carries the content hash, so that nobody can claim an
	// event's id on the stream before the hub publishes it.
	if subject != "hub.tenant-a.content.le-hoi" || msgID != "tenant-a/le-hoi/3/"+got.ContentHash[:16] || ev.EventId != msgID ||
		ev.Version != 3 || ev.Change != pb.ContentChange_CONTENT_CHANGE_PUBLISHED || ev.Slugs["vi"] != "le-hoi" ||
		ev.ContentHash != got.ContentHash {
		t.Errorf("event = %s %s %v", subject, msgID, &ev)
	}
}

func TestApplyBlobMissing(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	present := sha256.Sum256([]byte("present"))
	missing := sha256.Sum256([]byte("missing"))
	if _, err := s.PutBlob(ctx, "tenant-a", present, "text/plain; charset=utf-8", []byte("present")); err != nil {
		t.Fatal(err)
	}
	item := article("bao-cao", 1, "Báo cáo", "bao-cao")
	item.Attachments = []*pb.Attachment{
		{Sha256: hexs(present), Filename: "a.txt", MediaType: "text/plain"},
		{Sha256: hexs(missing), Filename: "b.txt", MediaType: "text/plain"},
	}
	_, err := push(t, s, "tenant-a", item)
	r := refusal(t, err, contentrules.ReasonBlobMissing)
	if !contains(r.Description, hexs(missing)) || contains(r.Description, hexs(present)) {
		t.Errorf("description %q should name only the missing hash", r.Description)
	}
	if r.Field != "item.attachments[1].sha256" {
		t.Errorf("field = %q", r.Field)
	}
	if n := count(t, s, `SELECT count(*) FROM items`); n != 0 {
		t.Errorf("items = %d, want 0", n)
	}
	if _, err := s.PutBlob(ctx, "tenant-a", missing, "text/plain; charset=utf-8", []byte("missing")); err != nil {
		t.Fatal(err)
	}
	if _, err := push(t, s, "tenant-a", item); err != nil {
		t.Fatalf("push after upload: %v", err)
	}
	// The files are tenant-a's: tenant-b cannot attach them.
	_, err = push(t, s, "tenant-b", item)
	if r := refusal(t, err, contentrules.ReasonBlobMissing); r.Field != "item.attachments[0].sha256" {
		t.Errorf("tenant-b: field = %q", r.Field)
	}
}

func TestApplySlugs(t *testing.T) {
	s := newStore(t)
	if _, err := push(t, s, "tenant-a", article("one", 1, "Một", "mot")); err != nil {
		t.Fatal(err)
	}
	_, err := push(t, s, "tenant-a", article("two", 1, "Hai", "mot"))
	refusal(t, err, contentrules.ReasonSlugTaken)
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`); n != 1 {
		t.Fatalf("outbox = %d, want 1", n)
	}
	// Nor in another locale: /en/tenant-a/mot already shows "one" (no en translation).
	three := article("three", 1, "Ba", "ba")
	three.Translations = append(three.Translations, &pb.Translation{Locale: "en", Title: "Three", Slug: "mot"})
	_, err = push(t, s, "tenant-a", three)
	refusal(t, err, contentrules.ReasonSlugTaken)
	// Another tenant may use the same slug.
	if _, err := push(t, s, "tenant-b", article("two", 1, "Hai", "mot")); err != nil {
		t.Fatalf("other tenant, same slug: %v", err)
	}

	// Renaming records the old slug; the old one becomes free for others.
	if _, err := push(t, s, "tenant-a", article("one", 2, "Một", "mot-moi")); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM slug_history WHERE tenant_id = 'tenant-a' AND locale = 'vi' AND slug = 'mot' AND content_id = 'one'`); n != 1 {
		t.Fatalf("slug_history rows for old slug = %d, want 1", n)
	}
	if _, err := push(t, s, "tenant-a", article("two", 1, "Hai", "mot")); err != nil {
		t.Fatalf("taking a retired slug: %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM slug_history WHERE tenant_id = 'tenant-a' AND slug = 'mot'`); n != 0 {
		t.Fatalf("slug_history keeps a slug now in use (%d rows)", n)
	}
}

func TestApplyConcurrent(t *testing.T) {
	s := newStore(t)
	const n = 20
	errs := make(chan error, n)
	for v := uint64(1); v <= n; v++ {
		go func() {
			_, err := push(t, s, "tenant-a", article("race", v, "Phiên bản", "race"))
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("push: %v", err)
		}
	}
	if v := count(t, s, `SELECT version FROM items WHERE content_id = 'race'`); v != n {
		t.Errorf("held version = %d, want %d", v, n)
	}
	rows := count(t, s, `SELECT count(*) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`)
	distinct := count(t, s, `SELECT count(DISTINCT msg_id) FROM outbox WHERE subject NOT LIKE 'hub.registry.%'`)
	if rows < 1 || rows > n || rows != distinct {
		t.Errorf("outbox rows = %d (%d distinct), want 1..%d, one per version", rows, distinct, n)
	}
	if c := count(t, s, `SELECT count(*) FROM outbox WHERE msg_id LIKE 'tenant-a/race/20/%'`); c != 1 {
		t.Errorf("outbox rows for version 20 = %d, want 1", c)
	}
	// Each applied push is audited once, and the racing appends chain.
	if c := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'item.push' AND actor = 'tenant:tenant-a' AND subject = 'race'`); c != rows {
		t.Errorf("item.push audit entries = %d, want one per applied push (%d)", c, rows)
	}
	if v := verify(t, s, nil); !v.Intact() {
		t.Errorf("audit chain after racing pushes: %+v", v.Broken)
	}
}

func TestTenantsIsolated(t *testing.T) {
	s := newStore(t)
	if _, err := push(t, s, "tenant-b", article("shared-id", 5, "B", "b")); err != nil {
		t.Fatal(err)
	}
	got, err := push(t, s, "tenant-a", article("shared-id", 1, "A", "b"))
	if err != nil || got.Outcome != pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
		t.Fatalf("tenant a's push = %v, %v; want APPLIED", got, err)
	}
	if v := count(t, s, `SELECT version FROM items WHERE tenant_id = 'tenant-b' AND content_id = 'shared-id'`); v != 5 {
		t.Errorf("tenant b's version = %d, want 5", v)
	}
	if _, err := push(t, s, "tenant-a", article("shared-id", 2, "A", "a-new")); err != nil {
		t.Fatal(err)
	}
	if c := count(t, s, `SELECT count(*) FROM item_translations WHERE tenant_id = 'tenant-b' AND slug = 'b'`); c != 1 {
		t.Errorf("tenant b's translation rows = %d, want 1", c)
	}
	if c := count(t, s, `SELECT count(*) FROM slug_history WHERE tenant_id = 'tenant-b'`); c != 0 {
		t.Errorf("tenant b's slug history rows = %d, want 0", c)
	}
	vs, _, err := s.ListVersions(context.Background(), "tenant-b", 0, "")
	if err != nil || len(vs) != 1 || vs[0].Version != 5 {
		t.Errorf("ListVersions(tenant-b) = %v, %v", vs, err)
	}
}

func TestListVersionsPages(t *testing.T) {
	s := newStore(t)
	ids := []string{"a1", "a2", "a3", "a4", "a5"}
	for _, id := range ids {
		if _, err := push(t, s, "tenant-a", article(id, 1, id, id)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		vs, next, err := s.ListVersions(context.Background(), "tenant-a", 2, token)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			got = append(got, v.ContentId)
			if v.State != pb.PublicationState_PUBLICATION_STATE_PUBLISHED || len(v.ContentHash) != 64 {
				t.Errorf("item %v", v)
			}
		}
		if next == "" {
			break
		}
		token = next
	}
	if len(got) != len(ids) {
		t.Fatalf("got %v, want %v", got, ids)
	}
	for i := range ids {
		if got[i] != ids[i] {
			t.Fatalf("got %v, want %v", got, ids)
		}
	}
	if _, _, err := s.ListVersions(context.Background(), "tenant-a", 2, "!!"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad token: err = %v, want ErrInvalidArgument", err)
	}
}

func TestCredentials(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	id, token, err := s.IssueCredential(ctx, "alice", "tenant-a", "relay")
	if err != nil {
		t.Fatal(err)
	}
	if !startsWith(token, TokenPrefix) || len(token) != len(TokenPrefix)+43 {
		t.Errorf("token shape %d chars", len(token))
	}
	if c := count(t, s, `SELECT count(*) FROM credentials WHERE token_sha256 = $1`, sumOf(token)); c != 1 {
		t.Errorf("stored hashes = %d, want 1", c)
	}
	tenant, status, err := s.Authenticate(ctx, token)
	if err != nil || tenant != "tenant-a" || status != StatusActive {
		t.Fatalf("Authenticate = %q, %q, %v", tenant, status, err)
	}
	if _, _, err := s.Authenticate(ctx, token+"x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if err := s.SetTenantStatus(ctx, "alice", "tenant-a", StatusSuspended); err != nil {
		t.Fatal(err)
	}
	if _, status, _ := s.Authenticate(ctx, token); status != StatusSuspended {
		t.Errorf("status = %q, want suspended", status)
	}
	if err := s.RevokeCredential(ctx, "alice", id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token: %v, want ErrNotFound", err)
	}
	if err := s.RevokeCredential(ctx, "alice", id); !errors.Is(err, ErrNotFound) {
		t.Errorf("second revoke: %v, want ErrNotFound", err)
	}
	if _, _, err := s.IssueCredential(ctx, "alice", "nobody", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("credential for unknown tenant: %v, want ErrNotFound", err)
	}
	if err := s.AddTenant(ctx, "alice", Tenant{ID: "tenant-a", Kind: "ward", NameVI: "x"}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate tenant: %v, want ErrConflict", err)
	}
	if err := s.AddTenant(ctx, "alice", Tenant{ID: "Bad Id", Kind: "ward", NameVI: "x"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad tenant id: %v, want ErrInvalidArgument", err)
	}
	// tenants a and b, status change, issue, revoke.
	if c := count(t, s, `SELECT count(*) FROM audit_log`); c != 5 {
		t.Errorf("audit entries = %d, want 5", c)
	}
	if c := count(t, s, `SELECT count(*) FROM audit_log WHERE actor = 'alice' AND action = 'credential.revoke' AND tenant_id = 'tenant-a'`); c != 1 {
		t.Errorf("revoke audit entries = %d, want 1", c)
	}
}

func TestBlobs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	sum := sha256.Sum256([]byte("%PDF-1.4"))
	if b, err := s.BlobInfo(ctx, "tenant-a", sum); !errors.Is(err, ErrNotFound) {
		t.Fatalf("BlobInfo before = %+v, %v; want ErrNotFound", b, err)
	}
	if owned, err := s.PutBlob(ctx, "tenant-a", sum, "application/pdf", []byte("%PDF-1.4")); err != nil || owned {
		t.Fatalf("PutBlob = %v, %v; want stored, not owned before", owned, err)
	}
	if owned, err := s.PutBlob(ctx, "tenant-a", sum, "application/pdf", []byte("%PDF-1.4")); err != nil || !owned {
		t.Fatalf("second PutBlob = %v, %v; want owned before", owned, err)
	}
	if b, err := s.BlobInfo(ctx, "tenant-a", sum); err != nil || b != (Blob{Size: 8, MediaType: "application/pdf"}) {
		t.Fatalf("BlobInfo after = %+v, %v", b, err)
	}
	// Another tenant's copy is none of tenant-b's business until it sends
	// the bytes; then it owns the one stored copy too.
	if b, err := s.BlobInfo(ctx, "tenant-b", sum); !errors.Is(err, ErrNotFound) {
		t.Fatalf("tenant-b's BlobInfo = %+v, %v; want ErrNotFound", b, err)
	}
	if owned, err := s.PutBlob(ctx, "tenant-b", sum, "application/pdf", []byte("%PDF-1.4")); err != nil || owned {
		t.Fatalf("tenant-b's PutBlob = %v, %v; want not owned before", owned, err)
	}
	if b, err := s.BlobInfo(ctx, "tenant-b", sum); err != nil || b.Size != 8 {
		t.Fatalf("tenant-b's BlobInfo after = %+v, %v", b, err)
	}
	if n, o := count(t, s, `SELECT count(*) FROM blobs`), count(t, s, `SELECT count(*) FROM blob_owners`); n != 1 || o != 2 {
		t.Errorf("blobs %d, owners %d; want 1 and 2", n, o)
	}
}

// TestCategories reads the category list with the kinds each category
// admits (migration 00004): the rules' view and the list ListCategories
// answers, in display order.
func TestCategories(t *testing.T) {
	s := newStore(t)
	cats := s.Categories()
	news, legal := cats["news"], cats["legal"]
	if !slices.Equal(news.Kinds, []pb.ContentKind{pb.ContentKind_CONTENT_KIND_ARTICLE}) ||
		!slices.Equal(legal.Kinds, []pb.ContentKind{pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT}) {
		t.Errorf("kinds: news %v, legal %v", news, legal)
	}
	if _, ok := cats["nope"]; ok {
		t.Errorf("an unknown code is in the list")
	}
	list := s.CategoryList()
	if len(list) != len(cats) || list[0].GetCode() != "introduction" || list[0].GetNames()["ru"] != "О провинции" {
		t.Fatalf("list = %v", list)
	}
	for _, c := range list {
		if len(c.GetKinds()) == 0 || c.GetNames()["vi"] == "" {
			t.Errorf("%s: kinds %v, names %v", c.GetCode(), c.GetKinds(), c.GetNames())
		}
		for _, k := range c.GetKinds() {
			if k == pb.ContentKind_CONTENT_KIND_UNSPECIFIED {
				t.Errorf("%s: a kind word the contract does not know", c.GetCode())
			}
		}
	}
	// The table refuses a category that admits nothing, or a word that is no kind.
	for _, kinds := range []string{`{}`, `{news}`} {
		if _, err := s.Pool().Exec(context.Background(), `UPDATE categories SET kinds = $1 WHERE code = 'news'`, kinds); err == nil {
			t.Errorf("kinds %s accepted", kinds)
		}
	}
}

func hexs(b [32]byte) string { return hexEncode(b[:]) }

func sumOf(token string) []byte { s := sha256.Sum256([]byte(token)); return s[:] }

func TestAddTenantRefusesBadAndReservedIDs(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, id := range []string{"files", "static", "metrics", "Sở-Y-tế", "a/b", ""} {
		err := s.AddTenant(ctx, "test", Tenant{ID: id, Kind: "department", NameVI: "X"})
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("AddTenant(%q): got %v, want ErrInvalidArgument", id, err)
		}
	}
	err := s.AddTenant(ctx, "test", Tenant{ID: "tenant-a", Kind: "department", NameVI: "X"})
	if !errors.Is(err, ErrConflict) {
		t.Errorf("AddTenant of an existing id: got %v, want ErrConflict", err)
	}
}

func TestApplyRefusesRedirectToMissingSuccessor(t *testing.T) {
	s := newStore(t)
	if _, err := push(t, s, "tenant-a", article("old", 1, "Cũ", "cu")); err != nil {
		t.Fatal(err)
	}
	redirect := func(to string) *pb.ContentItem {
		it := article("old", 2, "Cũ", "cu")
		it.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
		it.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "tenant-b", ContentId: to}}
		return it
	}
	_, err := push(t, s, "tenant-a", redirect("missing"))
	refusal(t, err, contentrules.ReasonSuccessorNotFound)
	if _, err := push(t, s, "tenant-b", article("new", 1, "Mới", "moi")); err != nil {
		t.Fatal(err)
	}
	if _, err := push(t, s, "tenant-a", redirect("new")); err != nil {
		t.Fatalf("redirect to an existing successor: %v", err)
	}
}

func TestTakeDownAndLift(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := push(t, s, "tenant-a", article("bai-viet", 1, "Bài viết", "bai-viet")); err != nil {
		t.Fatal(err)
	}
	if err := s.TakeDown(ctx, "ops", "tenant-a", "bai-viet", " "); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("takedown without a reason: got %v, want ErrInvalidArgument", err)
	}
	if err := s.TakeDown(ctx, "ops", "tenant-a", "khong-co", "Lý do"); !errors.Is(err, ErrNotFound) {
		t.Errorf("takedown of a missing item: got %v, want ErrNotFound", err)
	}
	if err := s.TakeDown(ctx, "ops", "tenant-a", "bai-viet", "Vi phạm bản quyền"); err != nil {
		t.Fatal(err)
	}
	items, _, err := s.ListVersions(ctx, "tenant-a", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].GetTakedown().GetReason() != "Vi phạm bản quyền" {
		t.Fatalf("ListVersions after takedown: got %v, want the takedown with its reason", items)
	}
	// A new push does not lift it.
	if _, err := push(t, s, "tenant-a", article("bai-viet", 2, "Bài viết sửa", "bai-viet")); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM items WHERE takedown_reason IS NOT NULL`); n != 1 {
		t.Errorf("takedown survived a push: got %d rows, want 1", n)
	}
	if err := s.LiftTakedown(ctx, "ops", "tenant-a", "bai-viet", ""); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM items WHERE takedown_reason IS NOT NULL OR taken_down_at IS NOT NULL`); n != 0 {
		t.Errorf("lifted takedown still set (%d rows)", n)
	}
	if n := count(t, s, `SELECT count(DISTINCT msg_id) FROM outbox WHERE msg_id LIKE 'tenant-a/bai-viet/%/takedown/%'`); n != 2 {
		t.Errorf("takedown events: got %d distinct, want 2 (take down, lift)", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_log WHERE action IN ('item.takedown', 'item.takedown_lifted') AND actor = 'ops'`); n != 2 {
		t.Errorf("audit entries: got %d, want 2", n)
	}
}
