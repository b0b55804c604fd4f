package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode"

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
		var extends *hubstore.AuditHead
		if *head != "" {
			h, err := hubstore.ParseAuditHead(*head)
			if err != nil {
				return usageError{err}
			}
			extends = &h
		}
		v, err := s.store.VerifyAudit(ctx, extends)
		if err != nil {
			return err
		}
		if *asJSON {
			err = writeJSON(s, struct {
				Intact bool `json:"intact"`
				hubstore.AuditVerification
			}{v.Intact(), v})
		} else {
			err = s.writeVerification(ctx, v)
		}
		if err == nil && !v.Intact() {
			err = errAuditBroken
		}
		return err
	}
}

// writeVerification says what VerifyAudit found, for a person.
func (s *session) writeVerification(ctx context.Context, v hubstore.AuditVerification) error {
	if v.Intact() {
		fmt.Fprintf(s.stdout, "Nhật ký kiểm toán nguyên vẹn: %d mục, đầu chuỗi %s / audit log intact: %d entries, head %s\n",
			v.Entries, v.Head, v.Entries, v.Head)
		if v.Extends != nil {
			fmt.Fprintf(s.stdout, "và nối tiếp đầu chuỗi đã xuất %s / and it extends the exported head %s\n", v.Extends, v.Extends)
		}
		return nil
	}
	b := v.Broken
	fmt.Fprintf(s.stdout, "NHẬT KÝ KIỂM TOÁN BỊ PHÁ VỠ tại mục %d / AUDIT LOG BROKEN at entry %d:\n  %s\n", b.Seq, b.Seq, auditProblems[b.Problem])
	if v.Entries > 0 {
		fmt.Fprintf(s.stdout, "Các mục 1..%d còn nguyên vẹn, đầu chuỗi %s / entries 1..%d hold, head %s\n", v.Entries, v.Head, v.Entries, v.Head)
	}
	if es, err := s.store.ListAudit(ctx, hubstore.AuditFilter{Before: b.Seq + 1, Limit: 1}); err == nil && len(es) == 1 && es[0].Seq == b.Seq {
		fmt.Fprintf(s.stdout, "Mục %d / entry %d: ", b.Seq, b.Seq)
		return writeAuditTable(s, es, false)
	}
	return nil
}

func auditHead(fs *flag.FlagSet) action {
	asJSON := fs.Bool("json", false, "write the head as JSON")
	return func(ctx context.Context, s *session) error {
		h, err := s.store.AuditHead(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(s, h)
		}
		_, err = fmt.Fprintln(s.stdout, h)
		return err
	}
}

func listAudit(fs *flag.FlagSet) action {
	var f hubstore.AuditFilter
	fs.StringVar(&f.Actor, "by", "", "only this actor's entries (an ops account, or tenant:ID for pushes)")
	fs.StringVar(&f.Tenant, "tenant", "", "only the entries about this tenant")
	fs.StringVar(&f.Action, "action", "", `only this action, or the actions starting with it when it ends in "." (item.)`)
	fs.Int64Var(&f.Before, "before", 0, "only the entries before this seq (the next page)")
	fs.IntVar(&f.Limit, "limit", hubstore.DefaultAuditList, fmt.Sprintf("at most this many entries (up to %d)", hubstore.MaxAuditList))
	asJSON := fs.Bool("json", false, "write the entries as JSON, with their hashes")
	return func(ctx context.Context, s *session) error {
		es, err := s.store.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if es == nil {
				es = []hubstore.AuditEntry{}
			}
			return writeJSON(s, es)
		}
		return writeAuditTable(s, es, true)
	}
}

// writeAuditTable writes entries as a table, with its header if asked.
func writeAuditTable(s *session, es []hubstore.AuditEntry, header bool) error {
	w := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	if header {
		fmt.Fprintln(w, "SEQ\tAT (UTC)\tACTOR\tACTION\tTENANT\tSUBJECT\tDETAIL")
	}
	for _, e := range es {
		tenant := "-"
		if e.Tenant != nil {
			tenant = *e.Tenant
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02 15:04:05"),
			printable(e.Actor), printable(e.Action), printable(tenant), orDash(printable(e.Subject)), printable(string(e.Detail)))
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
