package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// errAuditBroken: audit verify found the log not intact (exit status 3).
var errAuditBroken = errors.New("the audit log is not intact")

// auditProblems says each problem hubstore.VerifyAudit finds in both
// languages.
var auditProblems = map[string]string{
	hubstore.AuditAltered: "các trường của mục không cho ra mã băm của nó: mục đã bị sửa / " +
		"its fields do not give its hash: the entry was altered",
	hubstore.AuditUnlinked: "mã băm trước của mục không phải mã băm của mục liền trước / " +
		"its previous hash is not the hash of the entry before it",
	hubstore.AuditMissing: "thiếu các mục ngay trước nó (số thứ tự bị đứt): mục đã bị xoá / " +
		"entries just before it are missing (a gap in seq): entries were deleted",
	hubstore.AuditNotExtending: "mục khác với đầu chuỗi đã xuất: chuỗi đã bị viết lại từ trước đó / " +
		"it differs from the exported head: the chain was rewritten before it",
	hubstore.AuditTruncated: "nhật ký kết thúc trước đầu chuỗi đã xuất: các mục cuối đã bị xoá / " +
		"the log ends before the exported head: its last entries were deleted",
	hubstore.AuditHeadMoved: "bảng audit_head không trỏ tới mục cuối của nhật ký / " +
		"audit_head does not name the log's last entry",
}

func verifyAudit(fs *flag.FlagSet) action {
	head := fs.String("head", "", "a head exported earlier (SEQ:HASH, or a line of the export file): prove the log still extends it")
	asJSON := fs.Bool("json", false, "write the result as JSON")
	return func(ctx context.Context, s *session) error {
		if *head != "" {
			if _, err := hubstore.ParseAuditHead(*head); err != nil {
				return usageError{err}
			}
		}
		v, err := s.ops.AuditVerify(ctx, &pb.AuditVerifyRequest{Head: *head})
		if err != nil {
			return err
		}
		if *asJSON {
			out := struct {
				Intact  bool        `json:"intact"`
				Entries int64       `json:"entries"`
				Head    string      `json:"head"`
				Broken  *auditBreak `json:"broken,omitempty"`
			}{Intact: v.GetIntact(), Entries: v.GetEntries(), Head: v.GetHead()}
			if !v.GetIntact() {
				out.Broken = &auditBreak{Seq: v.GetBrokenSeq(), Problem: v.GetProblem()}
			}
			err = writeJSON(s, out)
		} else {
			err = s.writeVerification(ctx, v, *head)
		}
		if err == nil && !v.GetIntact() {
			err = errAuditBroken
		}
		return err
	}
}

// writeVerification says what AuditVerify found, for a person.
func (s *session) writeVerification(ctx context.Context, v *pb.AuditVerifyResponse, extends string) error {
	if v.GetIntact() {
		fmt.Fprintf(s.stdout, "Nhật ký kiểm toán nguyên vẹn: %d mục, đầu chuỗi %s / audit log intact: %d entries, head %s\n",
			v.GetEntries(), v.GetHead(), v.GetEntries(), v.GetHead())
		if extends != "" {
			fmt.Fprintf(s.stdout, "và nối tiếp đầu chuỗi đã xuất %s / and it extends the exported head %s\n", extends, extends)
		}
		return nil
	}
	seq := v.GetBrokenSeq()
	fmt.Fprintf(s.stdout, "NHẬT KÝ KIỂM TOÁN BỊ PHÁ VỠ tại mục %d / AUDIT LOG BROKEN at entry %d:\n  %s\n", seq, seq, auditProblems[v.GetProblem()])
	if v.GetEntries() > 0 {
		fmt.Fprintf(s.stdout, "Các mục 1..%d còn nguyên vẹn, đầu chuỗi %s / entries 1..%d hold, head %s\n", v.GetEntries(), v.GetHead(), v.GetEntries(), v.GetHead())
	}
	if l, err := s.ops.AuditList(ctx, &pb.AuditListRequest{Before: seq + 1, Limit: 1}); err == nil && len(l.GetEntries()) == 1 && l.GetEntries()[0].GetSeq() == seq {
		fmt.Fprintf(s.stdout, "Mục %d / entry %d: ", seq, seq)
		return writeAuditTable(s, l.GetEntries(), false)
	}
	return nil
}

// auditHead prints the chain's head, SEQ:HASH, through the admin API (a
// viewer's call), for the daily export off the database host.
func auditHead(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, `write the head as JSON: {"seq", "hash", "head"}`)
	return func(ctx context.Context, s *session) error {
		h, err := s.ops.AuditHead(ctx, &pb.AuditHeadRequest{})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(s, struct {
				Seq  int64  `json:"seq"`
				Hash string `json:"hash"`
				Head string `json:"head"`
			}{h.GetSeq(), h.GetHash(), h.GetHead()})
		}
		_, err = fmt.Fprintln(s.stdout, h.GetHead())
		return err
	}
}

func listAudit(fs *flag.FlagSet) action {
	var f pb.AuditListRequest
	fs.StringVar(&f.Actor, "by", "", "only this actor's entries (ops:LOGIN for an ops account, tenant:ID for pushes)")
	fs.StringVar(&f.TenantId, "tenant", "", "only the entries about this tenant")
	fs.StringVar(&f.Action, "action", "", `only this action, or the actions starting with it when it ends in "." (item.)`)
	fs.Int64Var(&f.Before, "before", 0, "only the entries before this seq (the next page)")
	limit := fs.Int("limit", hubstore.DefaultAuditList, fmt.Sprintf("at most this many entries (up to %d)", hubstore.MaxAuditList))
	asJSON := fs.Bool("json", false, "write the entries as JSON, with their hashes")
	return func(ctx context.Context, s *session) error {
		f.Limit = int32(*limit)
		resp, err := s.ops.AuditList(ctx, &f)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(s, auditJSON(resp.GetEntries()))
		}
		return writeAuditTable(s, resp.GetEntries(), true)
	}
}

// auditBreak is where `audit verify --json` says the chain breaks.
type auditBreak struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// auditEntry is an entry as `audit list --json` writes it: the detail as
// JSON, the tenant null when the entry is about none.
type auditEntry struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Tenant   *string         `json:"tenant"`
	Subject  string          `json:"subject"`
	Detail   json.RawMessage `json:"detail"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

func auditJSON(es []*pb.AuditEntry) []auditEntry {
	out := make([]auditEntry, len(es))
	for i, e := range es {
		out[i] = auditEntry{Seq: e.GetSeq(), At: e.GetAt().AsTime(), Actor: e.GetActor(), Action: e.GetAction(),
			Subject: e.GetSubject(), Detail: json.RawMessage(e.GetDetailJson()), PrevHash: e.GetPrevHash(), Hash: e.GetHash()}
		if e.GetTenantId() != "" {
			t := e.GetTenantId()
			out[i].Tenant = &t
		}
		if len(out[i].Detail) == 0 {
			out[i].Detail = json.RawMessage("null")
		}
	}
	return out
}

// writeAuditTable writes entries as a table, with its header if asked.
func writeAuditTable(s *session, es []*pb.AuditEntry, header bool) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	if header {
		fmt.Fprintln(w, "SEQ\tAT (UTC)\tACTOR\tACTION\tTENANT\tSUBJECT\tDETAIL")
	}
	for _, e := range es {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.GetSeq(), e.GetAt().AsTime().UTC().Format("2006-01-02 15:04:05"),
			printable(e.GetActor()), printable(e.GetAction()), orDash(printable(e.GetTenantId())), orDash(printable(e.GetSubject())), printable(e.GetDetailJson()))
	}
	return w.Flush()
}

// printable replaces control characters, so an entry cannot move the
// terminal's cursor or break the table.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '�'
		}
		return r
	}, s)
}

// writeJSON writes v as indented JSON on stdout.
func writeJSON(s *session, v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
