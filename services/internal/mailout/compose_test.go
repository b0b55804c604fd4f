package mailout

import (
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// TestComposeCarriesTheBody: what the relay hands the SMTP server holds the
// text the hub queued, both for a text-only message (confirmations, the
// answered notice) and for one with an HTML part (digests), read back as a
// mail client would. A text-only message went out with headers only.
func TestComposeCarriesTheBody(t *testing.T) {
	from := &mail.Address{Name: "Cổng thông tin", Address: "noreply@khanhhoa.gov.vn"}
	text := "Xin chào,\nMã theo dõi của bạn: 5BYB-260F-QYJ5.\nCâu hỏi đã được tiếp nhận và chuyển tới Sở Du lịch."
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for _, q := range []queued{
		{MessageID: "<1@hub>", Recipient: "a@example.vn", Subject: "Đã nhận câu hỏi", Text: text},
		{MessageID: "<2@hub>", Recipient: "a@example.vn", Subject: "Tin mới", Text: text, HTML: "<p>Xin chào</p>"},
	} {
		raw, err := compose(from, q, at)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("%s: %v", q.MessageID, err)
		}
		body := msg.Body
		typ, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(typ, "multipart/") {
			part, err := multipart.NewReader(msg.Body, params["boundary"]).NextRawPart()
			if err != nil {
				t.Fatalf("%s: %v", q.MessageID, err)
			}
			body = part
		}
		got, err := io.ReadAll(quotedprintable.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(text, "\n", "\r\n"); strings.TrimRight(string(got), "\r\n") != want {
			t.Errorf("%s (%s): text body %q, want %q", q.MessageID, typ, got, want)
		}
	}
}
