package hubstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/pgmigrate"
)

// audit appends one entry to the audit log inside tx. The table's trigger
// chains it (docs/ARCHITECTURE.md, "The audit chain") and holds the chain's
// head until tx ends, so write the entry last in a transaction. detail
// holds no personal data: an account name in actor is all the log keeps of
// a person.
func audit(ctx context.Context, tx pgx.Tx, actor, action, tenant, subject string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	var t *string
	if tenant != "" {
		t = &tenant
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, action, tenant_id, subject, detail) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, t, subject, d)
	return err
}

// AppendAudit appends an entry to the audit log inside the caller's
// transaction, for packages that write tables of their own in the hub
// database (services/opsaccounts). Like audit, write it last in tx.
func AppendAudit(ctx context.Context, tx pgx.Tx, actor, action, tenant, subject string, detail any) error {
	return audit(ctx, tx, actor, action, tenant, subject, detail)
}

// RecordAction appends an audit entry, in a transaction of its own, for an
// ops action whose changes are not rows this store writes in one
// transaction: a search rebuild, a schema migration.
func (s *Store) RecordAction(ctx context.Context, actor, action string, detail any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return audit(ctx, tx, actor, action, "", "", detail)
	})
	return mapErr("record "+action, err)
}

// SchemaVersion is the newest migration applied to the hub database.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM `+pgx.Identifier{pgmigrate.Hub.Table}.Sanitize()).Scan(&v)
	return v, mapErr("schema version", err)
}

// PushActor is the actor of a tenant's push in the audit log: the tenant's
// credentials act, not a person.
func PushActor(tenant string) string { return "tenant:" + tenant }

// AuditEntry is one entry of the audit log.
type AuditEntry struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Tenant   *string         `json:"tenant"` // nil: not about one tenant
	Subject  string          `json:"subject"`
	Detail   json.RawMessage `json:"detail"` // PostgreSQL's text of the jsonb
	PrevHash []byte          `json:"-"`
	Hash     []byte          `json:"-"`
}

// MarshalJSON writes the hashes in hex.
func (e AuditEntry) MarshalJSON() ([]byte, error) {
	type plain AuditEntry
	return json.Marshal(struct {
		plain
		PrevHash string `json:"prev_hash"`
		Hash     string `json:"hash"`
	}{plain(e), hex.EncodeToString(e.PrevHash), hex.EncodeToString(e.Hash)})
}

// AuditHead is the newest entry of the chain: its place and its hash. An
// empty log's head is 0 and 32 zero bytes.
type AuditHead struct {
	Seq  int64
	Hash []byte
}

// String is the head as `hubctl audit head` exports it: SEQ:HASH in hex.
func (h AuditHead) String() string {
	return strconv.FormatInt(h.Seq, 10) + ":" + hex.EncodeToString(h.Hash)
}

// MarshalJSON writes the head as {"seq": N, "hash": "hex", "head": "SEQ:HASH"}.
func (h AuditHead) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
		Head string `json:"head"`
	}{h.Seq, hex.EncodeToString(h.Hash), h.String()})
}

// ParseAuditHead reads a head written by AuditHead.String, or a line of the
// daily export file ("2026-11-30T02:00:00Z 1234:ab12..."): the head is the
// line's last field.
func ParseAuditHead(s string) (AuditHead, error) {
	fields := strings.Fields(s)
	last := ""
	if len(fields) > 0 {
		last = fields[len(fields)-1]
	}
	seq, hash, ok := strings.Cut(last, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 0 {
		return AuditHead{}, fmt.Errorf("%w: head %q: want SEQ:HASH as `hubctl audit head` prints it", ErrInvalidArgument, s)
	}
	h, err := hex.DecodeString(hash)
	if err != nil || len(h) != 32 {
		return AuditHead{}, fmt.Errorf("%w: head %q: the hash is 64 hex digits", ErrInvalidArgument, s)
	}
	return AuditHead{Seq: n, Hash: h}, nil
}

// AuditHead returns the head of the audit chain.
func (s *Store) AuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	err := s.pool.QueryRow(ctx, `SELECT seq, hash FROM audit_head`).Scan(&h.Seq, &h.Hash)
	return h, mapErr("audit head", err)
}

// AuditFilter selects entries of the audit log; empty fields select all.
type AuditFilter struct {
	Actor  string
	Tenant string
	// Subject selects the entries about one subject (a content id, a
	// credential id, a tenant id); with Tenant, one item's history.
	Subject string
	// Action is an action, or a prefix of actions when it ends in "."
	// ("item." is every item.* action).
	Action string
	// Before, when not 0, keeps the entries before this seq (paging).
	Before int64
	Limit  int // at most MaxAuditList; 0 is DefaultAuditList
}

// Limits of ListAudit.
const (
	DefaultAuditList = 50
	MaxAuditList     = 1000
)

const auditColumns = `seq, at, actor, action, tenant_id, subject, detail::text, prev_hash, hash`

// ListAudit returns the newest entries that f selects, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultAuditList
	}
	if f.Limit > MaxAuditList {
		f.Limit = MaxAuditList
	}
	action, prefix := f.Action, strings.HasSuffix(f.Action, ".")
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log
		WHERE ($1 = '' OR actor = $1) AND ($2 = '' OR tenant_id = $2)
		  AND ($3 = '' OR CASE WHEN $4 THEN starts_with(action, $3) ELSE action = $3 END)
		  AND ($5 = 0 OR seq < $5) AND ($7 = '' OR subject = $7)
		ORDER BY seq DESC LIMIT $6`, f.Actor, f.Tenant, action, prefix, f.Before, f.Limit, f.Subject)
	if err != nil {
		return nil, mapErr("list audit log", err)
	}
	out, err := pgx.CollectRows(rows, scanAuditEntry)
	return out, mapErr("list audit log", err)
}

func scanAuditEntry(row pgx.CollectableRow) (AuditEntry, error) {
	var e AuditEntry
	var detail string
	err := row.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Tenant, &e.Subject, &detail, &e.PrevHash, &e.Hash)
	e.Detail = json.RawMessage(detail)
	e.At = e.At.UTC()
	return e, err
}
