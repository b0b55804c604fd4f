package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/opsaccounts"
	"github.com/portalhub/portalhub/services/testenv"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestHubctl(t *testing.T) {
	ctx := context.Background()
	h := newHub(t, map[string]opsaccounts.Role{"admin": opsaccounts.Administrator, "xem": opsaccounts.Viewer})
	ctl := func(args ...string) (int, string, string) { return h.ctl("", args...) }

	if code, _, e := ctl("tenants", "list"); code != exitLogin || !strings.Contains(e, "hubctl login") {
		t.Errorf("before login: %d %q, want %d naming hubctl login", code, e, exitLogin)
	}
	if code, _, e := h.ctl("sai mật khẩu rồi\n", "login", "--login", "admin"); code != 1 || !strings.Contains(e, "không đúng") {
		t.Errorf("login with a wrong password: %d %q", code, e)
	}
	h.login(t, "admin")
	if fi, err := os.Stat(h.env["HUBCTL_TOKEN_FILE"]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("login file: %v %v, want mode 600", fi, err)
	}
	if code, out, _ := ctl("whoami"); code != 0 || !strings.Contains(out, "admin") || !strings.Contains(out, "administrator") {
		t.Errorf("whoami: %d %q", code, out)
	}

	if code, _, e := ctl("tenants", "add", "--id", "so-gd", "--kind", "department", "--name-vi", "Sở Giáo dục và Đào tạo"); code != 0 {
		t.Fatalf("tenants add: %d %s", code, e)
	}
	if code, _, e := ctl("tenants", "add", "--id", "so-gd", "--kind", "department", "--name-vi", "x"); code != 1 || !strings.Contains(e, "Đã tồn tại") {
		t.Errorf("duplicate tenant: %d %q", code, e)
	}
	if code, _, e := ctl("tenants", "add", "--id", "x"); code != 2 || !strings.Contains(e, "--kind") {
		t.Errorf("missing flag: %d %q", code, e)
	}
	if code, out, _ := ctl("tenants", "list"); code != 0 || !strings.Contains(out, "Sở Giáo dục và Đào tạo") {
		t.Errorf("tenants list: %d %q", code, out)
	}
	// tenants update changes only the flags given.
	if code, _, e := ctl("tenants", "update", "--id", "so-gd", "--hosts", "SoGD.khanhhoa.gov.vn, gd.khanhhoa.gov.vn",
		"--phone", "0258 3822 111", "--responsible", "Bà Trần Thị B, Giám đốc Sở", "--established", "2025-07-01"); code != 0 {
		t.Fatalf("tenants update: %d %s", code, e)
	}
	if code, out, _ := ctl("tenants", "list"); code != 0 || !strings.Contains(out, "sogd.khanhhoa.gov.vn,gd.khanhhoa.gov.vn") ||
		!strings.Contains(out, "Sở Giáo dục và Đào tạo") {
		t.Errorf("tenants list after update: %d %q", code, out)
	}
	// The console's filters, and their bound (1 KiB, exit 2 for a bad argument).
	if code, out, _ := ctl("tenants", "list", "--query", "giao duc", "--kind", "department"); code != 0 || !strings.Contains(out, "so-gd") {
		t.Errorf("tenants list --query 'giao duc' --kind department: %d %q", code, out)
	}
	if code, out, _ := ctl("tenants", "list", "--kind", "ward"); code != 0 || strings.Contains(out, "so-gd") {
		t.Errorf("tenants list --kind ward: %d %q, want no so-gd", code, out)
	}
	if code, _, e := ctl("tenants", "list", "--query", strings.Repeat("x", 1025)); code == 0 || !strings.Contains(e, "tối đa 1024 byte") {
		t.Errorf("tenants list --query of 1025 bytes: %d %q, want refused in Vietnamese", code, e)
	}
	var shown struct {
		Phone         string `json:"phone"`
		EstablishedOn string `json:"established_on"`
		NameVi        string `json:"name_vi"`
	}
	if code, out, _ := ctl("tenants", "show", "--id", "so-gd", "--json"); code != 0 || json.Unmarshal([]byte(out), &shown) != nil ||
		shown.Phone != "0258 3822 111" || shown.EstablishedOn != "2025-07-01" || shown.NameVi != "Sở Giáo dục và Đào tạo" {
		t.Errorf("tenants show --json: %d %q", code, out)
	}
	if code, out, _ := ctl("tenants", "show", "--id", "so-gd"); code != 0 || !strings.Contains(out, "Bà Trần Thị B") {
		t.Errorf("tenants show: %d %q", code, out)
	}
	if code, _, e := ctl("tenants", "update", "--id", "so-gd", "--established", "1.7.2025"); code != 2 || !strings.Contains(e, "YYYY-MM-DD") {
		t.Errorf("bad date: %d %q", code, e)
	}
	if code, _, e := ctl("tenants", "update", "--id", "so-gd", "--hosts", "bad host"); code != 2 || !strings.Contains(e, `host name "bad host": want a lower-case DNS name`) ||
		!strings.Contains(e, `Tên miền "bad host"`) {
		t.Errorf("bad host: %d %q", code, e)
	}
	if code, _, e := ctl("tenants", "update", "--id", "so-gd"); code != 2 || !strings.Contains(e, "nothing to change") {
		t.Errorf("update without fields: %d %q", code, e)
	}
	if code, out, e := ctl("tenants", "suspend", "--id", "so-gd"); code != 0 || !strings.Contains(out, "suspended") {
		t.Errorf("suspend: %d %q %q", code, out, e)
	}
	if code, out, e := ctl("tenants", "resume", "--id", "so-gd"); code != 0 || !strings.Contains(out, "active") {
		t.Errorf("resume: %d %q %q", code, out, e)
	}

	code, token, e := ctl("credentials", "issue", "--tenant", "so-gd", "--label", "relay")
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, hubstore.TokenPrefix) {
		t.Fatalf("credentials issue: %d %q %q", code, token, e)
	}
	file := filepath.Join(t.TempDir(), "token")
	if code, _, e := ctl("credentials", "issue", "--tenant", "so-gd", "--out", file); code != 0 {
		t.Fatalf("credentials issue --out: %d %s", code, e)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	if code, _, _ := ctl("credentials", "issue", "--tenant", "nobody"); code != 1 {
		t.Errorf("issue for unknown tenant: %d, want 1", code)
	}
	// --nats-keys: the tenant's NATS user, its seed private, its public key
	// printed and in the NATS configuration hubctl nats config writes.
	natsKeys := filepath.Join(t.TempDir(), "nats")
	code, out, e := ctl("credentials", "issue", "--tenant", "so-gd", "--out", filepath.Join(t.TempDir(), "t2"), "--nats-keys", natsKeys)
	seed := natsauth.SeedFile(natsKeys, natsauth.Tenant("so-gd"))
	pub, err := natsauth.PublicKey(seed)
	if code != 0 || err != nil || !strings.Contains(out, pub) || !strings.Contains(out, seed) {
		t.Fatalf("credentials issue --nats-keys: %d %q %q (%v), want the public key and the seed's file named", code, out, e, err)
	}
	if fi, err := os.Stat(seed); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("tenant seed %s: %v %v, want mode 600", seed, fi, err)
	}
	// How NATS learns the user, for natsd (SIGHUP) and for a server of
	// one's own (nats config): an operator of natsd was told to run nats config.
	if !strings.Contains(out, "kill -HUP") || !strings.Contains(out, "hubctl nats config --keys "+natsKeys) {
		t.Errorf("credentials issue --nats-keys: %q, want how natsd (kill -HUP) and a server of one's own (nats config) learn the user", out)
	}
	if b, _ := os.ReadFile(seed); strings.Contains(out, strings.TrimSpace(string(b))) {
		t.Error("credentials issue --nats-keys printed the seed")
	}
	if code, conf, e := ctl("nats", "config", "--keys", natsKeys); code != 0 || !strings.Contains(conf, `nkey: "`+pub+`"`) ||
		!strings.Contains(conf, "_INBOX_tenant-so-gd.>") {
		t.Errorf("nats config: %d %q %q, want the tenant's user", code, conf, e)
	}

	if tenant, _, err := h.store.Authenticate(ctx, token); err != nil || tenant != "so-gd" {
		t.Fatalf("issued token: %q %v", tenant, err)
	}
	code, out, _ = ctl("credentials", "list", "--tenant", "so-gd")
	if code != 0 || !strings.Contains(out, "relay") || strings.Contains(out, token) {
		t.Errorf("credentials list: %d %q", code, out)
	}
	creds, _ := h.store.ListCredentials(ctx, "so-gd")

	// Rotation: both tokens work during the overlap.
	code, rotated, e := ctl("credentials", "rotate", "--id", itoa(creds[0].ID), "--overlap", "2h")
	rotated = strings.TrimSpace(rotated)
	if code != 0 || !strings.HasPrefix(rotated, hubstore.TokenPrefix) || !strings.Contains(e, "works until") {
		t.Fatalf("credentials rotate: %d %q %q", code, rotated, e)
	}
	for _, tok := range []string{token, rotated} {
		if _, _, err := h.store.Authenticate(ctx, tok); err != nil {
			t.Errorf("during the overlap: %v", err)
		}
	}
	var listed struct {
		Credentials []struct {
			ID         string `json:"id"`
			ReplacedBy string `json:"replaced_by"`
			ExpiresAt  string `json:"expires_at"`
			LastUsedAt string `json:"last_used_at"`
			Live       bool   `json:"live"`
		} `json:"credentials"`
	}
	if code, out, _ := ctl("credentials", "list", "--tenant", "so-gd", "--json"); code != 0 || json.Unmarshal([]byte(out), &listed) != nil ||
		len(listed.Credentials) != 4 || listed.Credentials[0].ReplacedBy == "0" || listed.Credentials[0].ExpiresAt == "" ||
		listed.Credentials[0].LastUsedAt == "" || !listed.Credentials[0].Live {
		t.Errorf("credentials list --json after rotate: %d %q", code, out)
	}
	if code, _, e := ctl("credentials", "rotate", "--id", itoa(creds[0].ID)); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("rotating a rotated credential: %d %q", code, e)
	}
	if code, _, e := ctl("credentials", "revoke", "--id", itoa(creds[0].ID)); code != 0 {
		t.Fatalf("revoke: %d %s", code, e)
	}
	if _, _, err := h.store.Authenticate(ctx, token); err == nil {
		t.Error("revoked token still authenticates")
	}
	if code, _, e := ctl("credentials", "revoke", "--id", itoa(creds[0].ID)); code != 1 || !strings.Contains(e, "not found") {
		t.Errorf("second revoke: %d %q", code, e)
	}

	// Every change is recorded under the ops account that made it.
	var actors string
	if err := h.store.Pool().QueryRow(ctx, `SELECT string_agg(actor || ':' || action, ',' ORDER BY seq) FROM audit_log
		WHERE action LIKE 'tenant.%' OR action LIKE 'credential.%'`).Scan(&actors); err != nil {
		t.Fatal(err)
	}
	if want := "ops:admin:tenant.add,ops:admin:tenant.update,ops:admin:tenant.status,ops:admin:tenant.status," +
		"ops:admin:credential.issue,ops:admin:credential.issue,ops:admin:credential.issue,ops:admin:credential.rotate,ops:admin:credential.revoke"; actors != want {
		t.Errorf("audit log = %s, want %s", actors, want)
	}

	// A viewer reads but may not change (exit 5); after logout, exit 4.
	h.login(t, "xem")
	if code, out, _ := ctl("tenants", "list"); code != 0 || !strings.Contains(out, "so-gd") {
		t.Errorf("viewer: tenants list: %d %q", code, out)
	}
	if code, _, e := ctl("tenants", "suspend", "--id", "so-gd"); code != exitDenied || !strings.Contains(e, "operator") {
		t.Errorf("viewer: tenants suspend: %d %q, want %d naming the role needed", code, e, exitDenied)
	}
	if code, _, e := ctl("logout"); code != 0 {
		t.Fatalf("logout: %d %q", code, e)
	}
	if code, _, _ := ctl("tenants", "list"); code != exitLogin {
		t.Errorf("after logout: %d, want %d", code, exitLogin)
	}
	// A tenant's credential is not an ops token.
	h.env["HUBCTL_TOKEN"] = rotated
	if code, _, e := ctl("tenants", "list"); code != exitDenied || !strings.Contains(e, "ops account") {
		t.Errorf("tenant credential as HUBCTL_TOKEN: %d %q", code, e)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestHubctlTakedown(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"vanhanh": opsaccounts.Operator})
	h.login(t, "vanhanh")
	ctl := func(args ...string) (int, string) {
		code, out, e := h.ctl("", args...)
		return code, out + e
	}
	ctx := context.Background()
	store := h.store
	if err := store.AddTenant(ctx, "t", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
		VALUES ('so-gd', 'tin', 3, '\x`+strings.Repeat("00", 32)+`', 'article', 'news', 'published', now(), '{}')`); err != nil {
		t.Fatal(err)
	}
	if code, out := ctl("items", "takedown", "--tenant", "so-gd", "--id", "tin"); code != 2 || !strings.Contains(out, "--reason") {
		t.Errorf("takedown without a reason: %d %q", code, out)
	}
	if code, out := ctl("items", "takedown", "--tenant", "so-gd", "--id", "khong-co", "--reason", "x"); code != 1 {
		t.Errorf("takedown of a missing item: %d %q", code, out)
	}
	if code, out := ctl("items", "takedown", "--tenant", "so-gd", "--id", "tin", "--reason", "Thông tin sai sự thật"); code != 0 {
		t.Fatalf("takedown: %d %q", code, out)
	}
	var reason string
	if err := store.Pool().QueryRow(ctx, `SELECT takedown_reason FROM items WHERE content_id = 'tin'`).Scan(&reason); err != nil || reason != "Thông tin sai sự thật" {
		t.Errorf("stored reason: %q %v", reason, err)
	}
	if code, out := ctl("items", "lift", "--tenant", "so-gd", "--id", "tin"); code != 0 {
		t.Fatalf("lift: %d %q", code, out)
	}
	var actor string
	if err := store.Pool().QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'item.takedown'`).Scan(&actor); err != nil || actor != "ops:vanhanh" {
		t.Errorf("takedown recorded by %q (%v), want ops:vanhanh", actor, err)
	}
}

func TestHubctlNATS(t *testing.T) {
	bus := testenv.NATS(t)
	ctl := func(env map[string]string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
		return code, out.String(), errOut.String()
	}

	// keys: a seed per user, private, and only their public keys printed.
	dir := filepath.Join(t.TempDir(), "keys")
	code, out, e := ctl(nil, "nats", "keys", "--out", dir)
	if code != 0 {
		t.Fatalf("nats keys: %d %s", code, e)
	}
	for _, r := range natsauth.Roles {
		seed := natsauth.SeedFile(dir, r)
		fi, err := os.Stat(seed)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want a file of mode 600", seed, fi, err)
		}
		pub, err := natsauth.PublicKey(seed)
		if err != nil {
			t.Fatal(err)
		}
		if line := r.PublicKeyVariable() + "=" + pub; !strings.Contains(out, line+"\n") {
			t.Errorf("nats keys printed %q, want the line %q", out, line)
		}
		if b, _ := os.ReadFile(seed); strings.Contains(out, strings.TrimSpace(string(b))) {
			t.Errorf("nats keys printed the seed of %s", r)
		}
	}
	code, again, _ := ctl(nil, "nats", "keys", "--out", dir)
	if code != 0 || again != out {
		t.Errorf("nats keys on existing seeds: %d %q, want the same keys %q", code, again, out)
	}

	// stream: the ops user provisions; another user may not.
	env := map[string]string{"NATS_URL": bus.URL, "NATS_NKEY_FILE": bus.SeedFile(natsauth.Ops), "JETSTREAM_REPLICAS": "1"}
	if code, out, e := ctl(env, "nats", "stream"); code != 0 || !strings.Contains(out, events.ContentStream) {
		t.Errorf("nats stream as ops: %d %q %q", code, out, e)
	}
	env["NATS_NKEY_FILE"] = bus.SeedFile(natsauth.Aggregator)
	if code, _, _ := ctl(env, "nats", "stream"); code != 1 {
		t.Errorf("nats stream as the aggregator: exit %d, want 1", code)
	}
	delete(env, "NATS_NKEY_FILE")
	if code, _, e := ctl(env, "nats", "stream"); code != 2 || !strings.Contains(e, "NATS_NKEY_FILE") {
		t.Errorf("nats stream without a key: %d %q, want 2 naming NATS_NKEY_FILE", code, e)
	}
}

// TestHubctlSearch: search reindex goes through the admin API as the ops
// account logged in (issue 10 point 11: it opened DATABASE_URL), shows its
// progress and is recorded under the account; a viewer is refused.
func TestHubctlSearch(t *testing.T) {
	h := newHub(t, map[string]opsaccounts.Role{"vanhanh": opsaccounts.Operator, "xem": opsaccounts.Viewer})
	delete(h.env, "DATABASE_URL")
	if err := h.store.AddTenant(context.Background(), "test", hubstore.Tenant{ID: "so-gd", Kind: "department", NameVI: "Sở Giáo dục và Đào tạo"}); err != nil {
		t.Fatal(err)
	}
	pushArticle(t, h.store, "so-gd", "tuyen-sinh", "Tuyển sinh lớp 10 năm 2026")

	h.login(t, "xem")
	if code, _, e := h.ctl("", "search", "reindex"); code != exitDenied || !strings.Contains(e, "operator") {
		t.Errorf("search reindex as a viewer: %d %q, want %d naming the role needed", code, e, exitDenied)
	}
	h.login(t, "vanhanh")
	code, out, e := h.ctl("", "search", "reindex")
	if code != 0 || !strings.Contains(out, "100%  1/1") || !strings.Contains(out, "search index rebuilt: 1 items") {
		t.Errorf("search reindex: %d %q %q", code, out, e)
	}
	if es, err := h.store.ListAudit(context.Background(), hubstore.AuditFilter{Action: "search.reindex"}); err != nil || len(es) != 1 || es[0].Actor != "ops:vanhanh" {
		t.Errorf("search reindex audit entries = %+v %v, want one by ops:vanhanh", es, err)
	}
	var last struct {
		StartedBy string `json:"started_by"`
		Started   bool
		Done      string
		Total     string
		Finished  bool
	}
	code, out, e = h.ctl("", "search", "reindex", "--json")
	if err := json.Unmarshal([]byte(out), &last); code != 0 || err != nil || !last.Finished || !last.Started || last.StartedBy != "ops:vanhanh" || last.Total != "1" {
		t.Errorf("search reindex --json: %d %q %q (%v), want the last progress alone", code, out, e, err)
	}
	if code, _, _ := h.ctl("", "search", "frobnicate"); code != 2 {
		t.Errorf("unknown search command: %d, want 2", code)
	}
}

func pushArticle(t *testing.T, s *hubstore.Store, tenant, id, title string) {
	t.Helper()
	p, err := contentrules.Prepare(&pb.ContentItem{ContentId: id, Version: 1, Kind: pb.ContentKind_CONTENT_KIND_ARTICLE,
		Category: "news", State: pb.PublicationState_PUBLICATION_STATE_PUBLISHED, Approver: &pb.Person{Name: "Nguyễn Văn A"},
		PublishedAt:  timestamppb.Now(),
		Translations: []*pb.Translation{{Locale: "vi", Title: title, Slug: id}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(context.Background(), tenant, p); err != nil {
		t.Fatal(err)
	}
}
