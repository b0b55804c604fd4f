package mailout

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/hubschema"
)

func validMessage() Message {
	return Message{To: "Nguyễn Văn A <a@example.vn>", Subject: "Đã nhận câu hỏi", Text: "Xin chào", Purpose: "feedback.received"}
}

func TestEnqueueIsPartOfTheCallersTransaction(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Enqueue(ctx, tx, validMessage()); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	if n := count(t, pool, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("after rollback: %d queued, want 0", n)
	}

	tx, err = pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id, err := Enqueue(ctx, tx, validMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := pool.QueryRow(ctx, `SELECT message_id FROM mail_outbox`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != id || len(id) != 32 {
		t.Errorf("queued message id %q, Enqueue returned %q, want the same 32 hex digits", got, id)
	}
}

func TestEnqueueRefusesMalformedMessages(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	for _, tc := range []struct {
		name string
		edit func(*Message)
	}{
		{"no recipient", func(m *Message) { m.To = "" }},
		{"two recipients", func(m *Message) { m.To = "a@example.vn, b@example.vn" }},
		{"header injection in the recipient", func(m *Message) { m.To = "a@example.vn\r\nBcc: x@example.vn" }},
		{"header injection in the subject", func(m *Message) { m.Subject = "hi\r\nBcc: x@example.vn" }},
		{"empty subject", func(m *Message) { m.Subject = " " }},
		{"empty text", func(m *Message) { m.Text = "" }},
		{"bad purpose", func(m *Message) { m.Purpose = "Feedback Received" }},
		{"too big", func(m *Message) { m.HTML = strings.Repeat("x", MaxBodyBytes) }},
		{"invalid UTF-8", func(m *Message) { m.Text = "\xff" }},
		{"relative unsubscribe address", func(m *Message) { m.ListUnsubscribe = "/vi/subscribe/unsubscribe?t=x" }},
		{"mailto unsubscribe address", func(m *Message) { m.ListUnsubscribe = "mailto:x@example.vn" }},
		{"header injection in the unsubscribe address", func(m *Message) {
			m.ListUnsubscribe = "https://portal.example.vn/u?t=x>\r\nBcc: x@example.vn"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validMessage()
			tc.edit(&m)
			if _, err := Enqueue(ctx, pool, m); !errors.Is(err, ErrInvalid) {
				t.Errorf("Enqueue = %v, want ErrInvalid", err)
			}
		})
	}
	if n := count(t, pool, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Errorf("%d queued, want 0", n)
	}
}

// The gateway reads the hub as portalhub_reader: the recipients and bodies
// of the mail outbox are personal data it must not see.
func TestTheGatewayCannotReadTheMailOutbox(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL ROLE `+hubschema.ReaderRole); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, `SELECT recipient FROM mail_outbox`)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("SELECT as %s = %v, want permission denied", hubschema.ReaderRole, err)
	}
}
