package mailout

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// compose renders a queued message as RFC 5322 bytes with CRLF line ends:
// UTF-8 headers in encoded words, a quoted-printable text body, and with an
// HTML body a multipart/alternative of both.
func compose(from *mail.Address, q queued, now time.Time) ([]byte, error) {
	to, err := mail.ParseAddress(q.Recipient)
	if err != nil {
		return nil, fmt.Errorf("recipient of %s: %w", q.MessageID, err)
	}
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", q.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+q.MessageID+"@"+domainOf(from.Address)+">")
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if q.ListUnsubscribe != "" {
		// RFC 2369 and RFC 8058: the mail client's own one-click
		// unsubscribe, a POST of List-Unsubscribe=One-Click to the address.
		header("List-Unsubscribe", "<"+q.ListUnsubscribe+">")
		header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	if q.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, q.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mp := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mp.Boundary()}))
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", q.Text}, {"text/html", q.HTML}} {
		w, err := mp.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(w, part.body); err != nil {
			return nil, err
		}
	}
	if err := mp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeQP writes s quoted-printable, its line breaks as CRLF.
func writeQP(w interface{ Write([]byte) (int, error) }, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := qp.Write([]byte(strings.ReplaceAll(s, "\r\n", "\n"))); err != nil {
		return err
	}
	return qp.Close()
}

// domainOf returns the domain of an address ("localhost" when it has none).
func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok && d != "" {
		return d
	}
	return "localhost"
}
