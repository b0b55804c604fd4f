package hubstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// auditGenesis is the previous hash of the first entry.
var auditGenesis = make([]byte, sha256.Size)

// auditEncoding is the canonical encoding of an entry that its hash is taken
// over, the bytes the migration's audit_entry_encoding builds (the two are
// held together by TestAuditEncodingMatchesTheDatabase):
//
//	"portalhub-audit-v1\n"
//	seq in decimal "\n"
//	at as microseconds since 1970-01-01 UTC in decimal "\n"
//	field(actor) field(action) field(tenant_id) field(subject) field(detail)
//	prev_hash in lower-case hex "\n"
//
// where field(x) is "N\n" for NULL, else len(x) in bytes in decimal, ":",
// x as UTF-8, "\n"; and detail is PostgreSQL's text of the jsonb value.
// The entry's hash is SHA-256 of these bytes.
func auditEncoding(e AuditEntry) []byte {
	var b bytes.Buffer
	b.WriteString("portalhub-audit-v1\n")
	b.WriteString(strconv.FormatInt(e.Seq, 10) + "\n")
	b.WriteString(strconv.FormatInt(e.At.UnixMicro(), 10) + "\n")
	field := func(s *string) {
		if s == nil {
			b.WriteString("N\n")
			return
		}
		b.WriteString(strconv.Itoa(len(*s)) + ":" + *s + "\n")
	}
	detail := string(e.Detail)
	for _, s := range []*string{&e.Actor, &e.Action, e.Tenant, &e.Subject, &detail} {
		field(s)
	}
	fmt.Fprintf(&b, "%x\n", e.PrevHash)
	return b.Bytes()
}

// ComputedHash is the hash the entry's fields and previous hash give.
func (e AuditEntry) ComputedHash() []byte {
	sum := sha256.Sum256(auditEncoding(e))
	return sum[:]
}

// AuditVerification is what VerifyAudit found.
type AuditVerification struct {
	Entries int64     `json:"entries"` // entries checked
	Head    AuditHead `json:"head"`    // the last entry checked
	// Broken is the first entry that breaks the chain; nil when the chain
	// is intact (and extends the head given, if any).
	Broken *AuditBreak `json:"broken,omitempty"`
	// Extends is the exported head that was checked, if one was given.
	Extends *AuditHead `json:"extends,omitempty"`
}

// Intact reports whether the chain held.
func (v AuditVerification) Intact() bool { return v.Broken == nil }

// AuditBreak names where the chain breaks and how.
type AuditBreak struct {
	Seq     int64  `json:"seq"` // the first entry that does not hold
	Problem string `json:"problem"`
}

// The problems VerifyAudit finds.
const (
	AuditAltered      = "altered"       // its fields do not give its hash
	AuditUnlinked     = "unlinked"      // its prev_hash is not the hash of the entry before it
	AuditMissing      = "missing"       // entries before it are missing (seq has a gap)
	AuditNotExtending = "not_extending" // it differs from the exported head of that seq
	AuditTruncated    = "truncated"     // the log ends before the exported head
	AuditHeadMoved    = "head_mismatch" // audit_head does not name the last entry
)

// VerifyAudit recomputes the chain from its first entry and stops at the
// first entry that does not hold. Given an exported head (extends not nil),
// the entry of that seq must carry that hash: a chain re-hashed after an
// older entry was altered holds on its own but does not extend a head
// taken before. It reads one snapshot, so appends meanwhile do not count.
func (s *Store) VerifyAudit(ctx context.Context, extends *AuditHead) (AuditVerification, error) {
	v := AuditVerification{Head: AuditHead{Hash: auditGenesis}, Extends: extends}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAuditEntry(rows)
			if err != nil {
				return err
			}
			if p := checkAuditLink(v.Head, e, extends); p != "" {
				v.Broken = &AuditBreak{Seq: e.Seq, Problem: p}
				return nil
			}
			v.Entries++
			v.Head = AuditHead{Seq: e.Seq, Hash: e.Hash}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if extends != nil && extends.Seq > v.Head.Seq {
			v.Broken = &AuditBreak{Seq: v.Head.Seq + 1, Problem: AuditTruncated}
			return nil
		}
		var table AuditHead
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head`).Scan(&table.Seq, &table.Hash); err != nil {
			return err
		}
		if table.Seq != v.Head.Seq || !bytes.Equal(table.Hash, v.Head.Hash) {
			v.Broken = &AuditBreak{Seq: max(table.Seq, v.Head.Seq), Problem: AuditHeadMoved}
		}
		return nil
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("audit_head has no row: %w", ErrNotFound)
	}
	return v, mapErr("verify the audit log", err)
}

// checkAuditLink returns the problem of e following prev, or "".
func checkAuditLink(prev AuditHead, e AuditEntry, extends *AuditHead) string {
	switch {
	case e.Seq != prev.Seq+1:
		return AuditMissing
	case !bytes.Equal(e.PrevHash, prev.Hash):
		return AuditUnlinked
	case !bytes.Equal(e.ComputedHash(), e.Hash):
		return AuditAltered
	case extends != nil && e.Seq == extends.Seq && !bytes.Equal(e.Hash, extends.Hash):
		return AuditNotExtending
	}
	return ""
}
