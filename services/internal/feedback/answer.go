package feedback

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/personaldata"
)

// MaxAnswer bounds an answer, in characters.
const MaxAnswer = 20000

// Reply is an approved answer: its Markdown source, the HTML the back
// office rendered from it (sanitised again here), the files attached.
type Reply struct {
	Text, HTML, ApprovedBy string
	Files                  []feedbackrules.File
}

// Answer records tenant's approved answer to submission id (only its own),
// and queues the e-mail that tells the visitor, in one transaction. It
// reports whether anything changed (the same answer again does not).
func (s *Store) Answer(ctx context.Context, tenant, id string, a Reply) (bool, error) {
	answer := strings.TrimSpace(norm.NFC.String(strings.ReplaceAll(a.Text, "\r\n", "\n")))
	switch n := utf8.RuneCountInString(answer); {
	case n == 0:
		return false, &InvalidError{[]feedbackrules.Problem{{Field: "answer", Code: feedbackrules.Required}}}
	case n > MaxAnswer:
		return false, &InvalidError{[]feedbackrules.Problem{{Field: "answer", Code: feedbackrules.TooLong}}}
	}
	// The HTML is the Markdown's rendering: a few times its length at most.
	if len(a.HTML) > 8*MaxAnswer {
		return false, &InvalidError{[]feedbackrules.Problem{{Field: "answer_html", Code: feedbackrules.TooLong}}}
	}
	var html *string
	if h := contentrules.SanitizeHTML(norm.NFC.String(a.HTML)); strings.TrimSpace(h) != "" {
		html = &h
	}
	for i := range a.Files {
		a.Files[i].Name = fileName(a.Files[i].Name)
	}
	var problems []feedbackrules.Problem
	feedbackrules.CheckFiles(a.Files, func(field, code string) { problems = append(problems, feedbackrules.Problem{Field: field, Code: code}) })
	if len(problems) > 0 {
		return false, &InvalidError{problems}
	}
	changed := false
	err := pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		var owner, lang, code, st string
		var held, heldHTML *string
		var sealed []byte
		var hasEmail bool
		err := tx.QueryRow(ctx, `SELECT tenant_id, lang, tracking_code, answer, answer_html, contact, has_email, status FROM feedback WHERE id = $1 FOR UPDATE`, id).
			Scan(&owner, &lang, &code, &held, &heldHTML, &sealed, &hasEmail, &st)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if owner != tenant {
			return ErrPermission
		}
		if st == "closed" {
			return ErrAnswered
		}
		if held != nil && *held == answer && equalPtr(heldHTML, html) {
			same, err := sameAnswerFiles(ctx, tx, id, a.Files)
			if err != nil || same {
				return err // the very same answer again: a retry
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4, status_at = $4,
			answer_html = $5, info_request = NULL WHERE id = $1`, id, answer, a.ApprovedBy, s.cfg.Now(), html); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM feedback_answer_files WHERE feedback_id = $1`, id); err != nil {
			return err
		}
		for i, f := range a.Files {
			mt, _ := feedbackrules.FileMediaType(f)
			if _, err := tx.Exec(ctx, `INSERT INTO feedback_answer_files (feedback_id, position, filename, media_type, size, data)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, i, f.Name, mt, len(f.Data), f.Data); err != nil {
				return err
			}
		}
		changed = true
		if !hasEmail {
			return nil
		}
		email, err := s.email(ctx, id, sealed)
		if err != nil || email == "" {
			return err // deleted contact details: the status page still shows it
		}
		_, err = mailout.Enqueue(ctx, tx, answered(lang, email, code, s.cfg.SiteURL))
		return err
	})
	return changed, storeErr("answer", err)
}

// sameAnswerFiles reports whether submission id's answer holds exactly
// files, by name and content, in order.
func sameAnswerFiles(ctx context.Context, tx pgx.Tx, id string, files []feedbackrules.File) (bool, error) {
	rows, err := tx.Query(ctx, `SELECT filename, sha256(data) FROM feedback_answer_files WHERE feedback_id = $1 ORDER BY position`, id)
	if err != nil {
		return false, err
	}
	held, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (feedbackrules.File, error) {
		var f feedbackrules.File
		return f, r.Scan(&f.Name, &f.Data)
	})
	if err != nil || len(held) != len(files) {
		return false, err
	}
	for i, f := range files {
		sum := sha256.Sum256(f.Data)
		if held[i].Name != f.Name || !bytes.Equal(held[i].Data, sum[:]) {
			return false, nil
		}
	}
	return true, nil
}

func equalPtr(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// email opens the visitor's e-mail address only to send to it; "" when the
// contact details were deleted.
func (s *Store) email(ctx context.Context, id string, sealed []byte) (string, error) {
	key, err := s.cfg.Keys.Get(ctx, id)
	if errors.Is(err, personaldata.ErrShredded) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	plain, err := key.Open(personaldata.FieldName, sealed)
	if err != nil {
		return "", fmt.Errorf("contact of %s: %w", id, err)
	}
	defer clear(plain)
	var c contact
	if err := json.Unmarshal(plain, &c); err != nil {
		return "", err
	}
	return c.Email, nil
}
