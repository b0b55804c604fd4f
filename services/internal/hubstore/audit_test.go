package hubstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// appendAudit writes one entry as the store's writers do.
func appendAudit(t *testing.T, s *Store, actor, action, tenant, subject string, detail any) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), s.pool, func(tx pgx.Tx) error {
		return audit(context.Background(), tx, actor, action, tenant, subject, detail)
	})
	if err != nil {
		t.Fatalf("append %s: %v", action, err)
	}
}

// asOwner runs statements as the database owner with the audit triggers
// off: what someone who owns the database can do.
func asOwner(t *testing.T, s *Store, stmts ...string) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), s.pool, func(tx pgx.Tx) error {
		all := append([]string{`ALTER TABLE audit_log DISABLE TRIGGER USER`, `ALTER TABLE audit_head DISABLE TRIGGER USER`}, stmts...)
		all = append(all, `ALTER TABLE audit_log ENABLE TRIGGER USER`, `ALTER TABLE audit_head ENABLE TRIGGER USER`)
		for _, q := range all {
			if _, err := tx.Exec(context.Background(), q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rehashFrom recomputes every hash from seq on and moves the head: a
// database owner covering their tracks.
func rehashFrom(seq int64) string {
	return fmt.Sprintf(`DO $$
	DECLARE r record; h bytea;
	BEGIN
		SELECT hash INTO h FROM audit_log WHERE seq = %[1]d - 1;
		IF h IS NULL THEN h := decode(repeat('00', 32), 'hex'); END IF;
		FOR r IN SELECT * FROM audit_log WHERE seq >= %[1]d ORDER BY seq LOOP
			UPDATE audit_log SET prev_hash = h,
				hash = sha256(audit_entry_encoding(r.seq, r.at, r.actor, r.action, r.tenant_id, r.subject, r.detail, h))
			WHERE seq = r.seq RETURNING hash INTO h;
		END LOOP;
		UPDATE audit_head SET hash = h;
	END $$`, seq)
}

func verify(t *testing.T, s *Store, extends *AuditHead) AuditVerification {
	t.Helper()
	v, err := s.VerifyAudit(context.Background(), extends)
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	return v
}

// The Go encoding and the migration's SQL encoding give the same bytes, so
// hubctl verifies what the trigger wrote; NULL, empty and non-ASCII fields
// included.
func TestAuditEncodingMatchesTheDatabase(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	appendAudit(t, s, "ops", "tenant.status", "", "", map[string]any{})
	appendAudit(t, s, "nguyễn.văn.a", "item.takedown", "tenant-a", "tin-1:2", map[string]any{"reason": "Sai sự thật\n«»", "z": 1, "a": []int{1, 2}})
	entries, err := s.ListAudit(ctx, AuditFilter{Limit: MaxAuditList})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		var sql []byte
		if err := s.pool.QueryRow(ctx, `SELECT audit_entry_encoding(seq, at, actor, action, tenant_id, subject, detail, prev_hash)
			FROM audit_log WHERE seq = $1`, e.Seq).Scan(&sql); err != nil {
			t.Fatal(err)
		}
		if got := auditEncoding(e); !bytes.Equal(got, sql) {
			t.Errorf("entry %d: Go encoding\n%q\nwant the database's\n%q", e.Seq, got, sql)
		}
		if !bytes.Equal(e.ComputedHash(), e.Hash) {
			t.Errorf("entry %d: computed hash %x, stored %x", e.Seq, e.ComputedHash(), e.Hash)
		}
	}
	if v := verify(t, s, nil); !v.Intact() || v.Entries != int64(len(entries)) {
		t.Errorf("verify = %+v, want intact over %d entries", v, len(entries))
	}
}

// Many writers at once: the chain does not fork, has no gaps, and verifies.
func TestAuditAppendsConcurrently(t *testing.T) {
	s := newStore(t)
	const writers, each = 16, 20
	before := verify(t, s, nil).Entries
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := pgx.BeginFunc(context.Background(), s.pool, func(tx pgx.Tx) error {
					return audit(context.Background(), tx, fmt.Sprintf("w%d", w), "test.append", "", fmt.Sprint(i), map[string]int{"i": i})
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("append: %v", err)
	}
	v := verify(t, s, nil)
	if !v.Intact() || v.Entries != before+writers*each || v.Head.Seq != v.Entries {
		t.Errorf("verify = %+v, want intact with %d entries, head at seq %[2]d", v, before+writers*each)
	}
	if n := count(t, s, `SELECT count(DISTINCT prev_hash) FROM audit_log`); int64(n) != v.Entries {
		t.Errorf("%d distinct previous hashes among %d entries: the chain forked", n, v.Entries)
	}
}

// A writer cannot choose an entry's place, links or time.
func TestAuditInsertCannotForgeTheChain(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	head, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO audit_log (seq, prev_hash, hash, at, actor, action)
		VALUES (999, '\x01', '\x02', '2001-01-01', 'x', 'forged')`); err != nil {
		t.Fatal(err)
	}
	e, err := s.ListAudit(ctx, AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e[0].Seq != head.Seq+1 || !bytes.Equal(e[0].PrevHash, head.Hash) || e[0].At.Year() == 2001 {
		t.Errorf("forged insert kept seq %d, prev %x, at %v; want %d, %x, now", e[0].Seq, e[0].PrevHash, e[0].At, head.Seq+1, head.Hash)
	}
	if v := verify(t, s, nil); !v.Intact() {
		t.Errorf("verify = %+v", v.Broken)
	}
}

// Tampering as the database owner is found: an altered entry, a removed
// one, a re-hashed chain against an exported head, a removed tail.
func TestVerifyAuditFindsTampering(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tamper  []string
		extends bool // verify against the head exported before the tampering
		want    *AuditBreak
	}{
		{"intact", nil, true, nil},
		{"altered", []string{`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`}, false, &AuditBreak{3, AuditAltered}},
		{"detail altered", []string{`UPDATE audit_log SET detail = '{"reason": "khác"}' WHERE seq = 4`}, false, &AuditBreak{4, AuditAltered}},
		{"removed", []string{`DELETE FROM audit_log WHERE seq = 2`}, false, &AuditBreak{3, AuditMissing}},
		{"relinked", []string{`UPDATE audit_log SET prev_hash = '\x00' WHERE seq = 5`}, false, &AuditBreak{5, AuditUnlinked}},
		{"re-hashed alone", []string{`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`, rehashFrom(3)}, false, nil},
		{"re-hashed against the head", []string{`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`, rehashFrom(3)}, true, &AuditBreak{6, AuditNotExtending}},
		{"tail removed", []string{`DELETE FROM audit_log WHERE seq >= 5`, `UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`},
			true, &AuditBreak{5, AuditTruncated}},
		{"head moved", []string{`UPDATE audit_head SET seq = 3`}, false, &AuditBreak{6, AuditHeadMoved}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t) // two tenant.add entries
			for i := range 4 {
				appendAudit(t, s, "ops", "item.takedown", "tenant-a", fmt.Sprint("tin-", i), map[string]string{"reason": "Sai sự thật"})
			}
			exported, err := s.AuditHead(context.Background())
			if err != nil || exported.Seq != 6 {
				t.Fatalf("head = %v %v, want seq 6", exported, err)
			}
			asOwner(t, s, tc.tamper...)
			var extends *AuditHead
			if tc.extends {
				extends = &exported
			}
			v := verify(t, s, extends)
			if (v.Broken == nil) != (tc.want == nil) || (v.Broken != nil && *v.Broken != *tc.want) {
				t.Errorf("broken = %+v, want %+v", v.Broken, tc.want)
			}
		})
	}
}

// The log refuses UPDATE, DELETE and TRUNCATE, and its head moves only
// with an append, even for the database owner while the triggers are on.
func TestAuditRefusesChange(t *testing.T) {
	s := newStore(t)
	for _, q := range []string{
		`UPDATE audit_log SET actor = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`UPDATE audit_head SET seq = 0`,
		`DELETE FROM audit_head`,
		`TRUNCATE audit_head`,
		`INSERT INTO audit_head (seq, hash) VALUES (0, '\x00')`,
	} {
		if _, err := s.pool.Exec(context.Background(), q); err == nil {
			t.Errorf("%s: got nil, want it refused", q)
		}
	}
	if v := verify(t, s, nil); !v.Intact() || v.Entries != 2 {
		t.Errorf("verify = %+v, want intact with 2 entries", v)
	}
}

func TestListAuditFilters(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := push(t, s, "tenant-b", article("tin-1", 1, "Tin", "tin")); err != nil {
		t.Fatal(err)
	}
	if err := s.TakeDown(ctx, "ops", "tenant-a", "none", "x"); err == nil {
		t.Fatal("takedown of a missing item: want an error")
	}
	appendAudit(t, s, "ops", "item.takedown", "tenant-a", "tin-9", map[string]string{"reason": "x"})
	for _, tc := range []struct {
		f    AuditFilter
		want string
	}{
		{AuditFilter{}, "ops:item.takedown tenant:tenant-b:item.push test:tenant.add test:tenant.add"},
		{AuditFilter{Limit: 2}, "ops:item.takedown tenant:tenant-b:item.push"},
		{AuditFilter{Before: 3}, "test:tenant.add test:tenant.add"},
		{AuditFilter{Actor: "ops"}, "ops:item.takedown"},
		{AuditFilter{Tenant: "tenant-b"}, "tenant:tenant-b:item.push test:tenant.add"},
		{AuditFilter{Action: "item."}, "ops:item.takedown tenant:tenant-b:item.push"},
		{AuditFilter{Action: "item"}, ""},
		{AuditFilter{Action: "tenant.add"}, "test:tenant.add test:tenant.add"},
	} {
		es, err := s.ListAudit(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Actor+":"+e.Action)
		}
		if g := fmt.Sprint(got); g != "["+tc.want+"]" {
			t.Errorf("ListAudit(%+v) = %s, want [%s]", tc.f, g, tc.want)
		}
	}
	es, _ := s.ListAudit(ctx, AuditFilter{Tenant: "tenant-b", Limit: 1})
	var push map[string]any
	if err := json.Unmarshal(es[0].Detail, &push); err != nil || push["version"] != 1.0 || push["state"] != "published" {
		t.Errorf("push detail = %s (%v), want version 1, published", es[0].Detail, err)
	}
}

func TestParseAuditHead(t *testing.T) {
	h := AuditHead{Seq: 42, Hash: bytes.Repeat([]byte{0xab}, 32)}
	got, err := ParseAuditHead(" " + h.String() + "\n")
	if err != nil || got.Seq != 42 || !bytes.Equal(got.Hash, h.Hash) {
		t.Errorf("ParseAuditHead(%s) = %v %v", h, got, err)
	}
	if got, err := ParseAuditHead("2026-11-30T02:00:00Z " + h.String()); err != nil || got.Seq != 42 {
		t.Errorf("ParseAuditHead of an export line = %v %v", got, err)
	}
	for _, bad := range []string{"", "42", "x:ab", "-1:" + fmt.Sprintf("%x", h.Hash), "42:abcd"} {
		if _, err := ParseAuditHead(bad); err == nil {
			t.Errorf("ParseAuditHead(%q): want an error", bad)
		}
	}
}

// A tenant's registration is audited without its contacts' values: the log
// cannot be erased, so it keeps no personal data.
func TestAuditKeepsNoContacts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	tn := Tenant{ID: "so-du-lich", Kind: "department", NameVI: "Sở Du lịch",
		Registry: Registry{Phone: "0258 3822 750", Email: "giamdoc.son@khanhhoa.gov.vn", Responsible: "Ông Phan Thanh Sơn, Giám đốc Sở"}}
	if err := s.AddTenant(ctx, "ops", tn); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateTenant(ctx, "ops", tn); err != nil {
		t.Fatal(err)
	}
	es, err := s.ListAudit(ctx, AuditFilter{Tenant: "so-du-lich"})
	if err != nil || len(es) != 2 {
		t.Fatalf("entries = %d %v, want 2", len(es), err)
	}
	for _, e := range es {
		for _, v := range []string{"3822", "giamdoc", "Phan Thanh"} {
			if bytes.Contains(e.Detail, []byte(v)) {
				t.Errorf("%s detail %s holds %q", e.Action, e.Detail, v)
			}
		}
		if !bytes.Contains(e.Detail, []byte(`"contacts_set": ["phone", "email", "responsible"]`)) {
			t.Errorf("%s detail %s: want the contacts set named", e.Action, e.Detail)
		}
	}
}

// Only a push the hub applies is audited: not an unchanged re-push, not a
// stale one.
func TestApplyAuditsOnlyChanges(t *testing.T) {
	s := newStore(t)
	for _, v := range []uint64{2, 2, 1, 3} {
		if _, err := push(t, s, "tenant-a", article("tin", v, "Tin", "tin")); err != nil {
			t.Fatalf("push v%d: %v", v, err)
		}
	}
	es, err := s.ListAudit(context.Background(), AuditFilter{Action: "item.push"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Actor+" "+e.Subject+" "+string(e.Detail))
	}
	want := []string{
		`tenant:tenant-a tin {"state": "published", "version": 3, "content_hash": "` + hexs(hashOf(t, article("tin", 3, "Tin", "tin"))) + `"}`,
		`tenant:tenant-a tin {"state": "published", "version": 2, "content_hash": "` + hexs(hashOf(t, article("tin", 2, "Tin", "tin"))) + `"}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("item.push entries =\n%q\nwant\n%q", got, want)
	}
}

func TestRecordActionAndSchemaVersion(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 13 {
		t.Fatalf("SchemaVersion = %d %v, want at least 13", v, err)
	}
	if err := s.RecordAction(ctx, "ops", "hub.migrate", map[string]int64{"version": v}); err != nil {
		t.Fatal(err)
	}
	es, err := s.ListAudit(ctx, AuditFilter{Limit: 1})
	if err != nil || len(es) != 1 || es[0].Action != "hub.migrate" || es[0].Tenant != nil || es[0].Actor != "ops" {
		t.Errorf("newest entry = %+v %v", es, err)
	}
}

// One transaction appending many entries (a bulk push, a COPY) moves the
// head once, at commit: no entry rewrites audit_head while it runs (each
// rewrite left a version of the row that every later entry of the
// transaction read through: quadratic). A savepoint rolled back takes its
// entries with it, and the entries after it chain from what is left.
func TestAuditManyEntriesInOneTransaction(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	before := verify(t, s, nil)
	const n = 300
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	appendN := func(q pgx.Tx, k int, what string) {
		for i := range k {
			if err := audit(ctx, q, "bulk", what, "", fmt.Sprint(i), map[string]int{"i": i}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The counts of the session's earlier transactions may not be flushed
	// yet: what counts is their growth.
	headUpdates := func() int64 {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_xact_user_tables WHERE relname = 'audit_head'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	was := headUpdates()
	appendN(tx, n, "test.bulk")
	if updates := headUpdates() - was; updates != 0 {
		t.Errorf("%d entries updated audit_head %d times before commit, want 0 (once, at commit)", n, updates)
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	appendN(sp, 5, "test.rolledback")
	if err := sp.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	appendN(tx, 2, "test.after")
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	v := verify(t, s, nil)
	if !v.Intact() || v.Entries != before.Entries+n+2 || v.Head.Seq != before.Head.Seq+n+2 {
		t.Errorf("verify = %+v, want intact with %d entries", v, before.Entries+n+2)
	}
	head, err := s.AuditHead(ctx)
	if err != nil || head.Seq != v.Head.Seq || !bytes.Equal(head.Hash, v.Head.Hash) {
		t.Errorf("audit_head = %+v %v, want the last entry %+v", head, err, v.Head)
	}
	if got := count(t, s, `SELECT count(*) FROM audit_log WHERE action = 'test.rolledback'`); got != 0 {
		t.Errorf("%d entries of the rolled back savepoint kept", got)
	}
	// A transaction rolled back leaves the head where it was.
	tx, err = s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	appendN(tx, 3, "test.aborted")
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { appendN(tx, 1, "test.next"); return nil }); err != nil {
		t.Fatal(err)
	}
	if v2 := verify(t, s, &v.Head); !v2.Intact() || v2.Head.Seq != v.Head.Seq+1 {
		t.Errorf("verify after an aborted transaction = %+v, want intact, head at %d", v2, v.Head.Seq+1)
	}
}
