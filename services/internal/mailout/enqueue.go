// Package mailout provides the hub's mail outbox: Enqueue queues an e-mail
// in the caller's transaction, and the Relay sends queued mail through an
// SMTP server.
//
// A message is a row of mail_outbox (hub migration 00015). A caller enqueues
// it inside the transaction of the action that causes it, so the message
// exists exactly when the action committed, never for an action rolled back.
// The relay claims due rows (FOR UPDATE SKIP LOCKED, leasing them for a
// while so several relays do not send the same row), sends each through SMTP
// and marks it sent; a temporary failure (the server down, a 4xx reply) puts
// the row back with backoff, a permanent refusal (a 5xx reply) marks it
// failed. Nothing queued is lost while the server is down. Delivery is at
// least once: a relay that dies after the server accepted a message and
// before it recorded that sends it again after the lease, with the same
// Message-ID, which receiving systems use to drop the duplicate.
//
// Recipients are personal data: they are kept in the table and given to the
// SMTP server, and logs name a message by its id and a hash of its
// recipient only.
package mailout

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// MaxBodyBytes bounds a message: its subject and both bodies together, in
// bytes (the table checks the same bound).
const MaxBodyBytes = 1 << 20

// ErrInvalid is the kind of Enqueue's refusals of a malformed message.
var ErrInvalid = errors.New("invalid mail message")

// A Message is an e-mail to queue.
type Message struct {
	// To is the recipient's address (one address, "name <addr>" allowed).
	To string
	// Subject is the subject line, in UTF-8, on one line.
	Subject string
	// Text is the plain-text body; HTML, when not empty, is sent beside it
	// as an alternative. The caller escapes what it puts into HTML.
	Text, HTML string
	// Purpose tags the message for metrics and logs ("feedback.received",
	// "subscription.confirm", ...): lowercase letters, digits, '.', '_', '-'.
	Purpose string
	// ListUnsubscribe, when set, is the absolute http(s) address that
	// unsubscribes the recipient with one POST (RFC 8058): the message
	// carries it as List-Unsubscribe, with List-Unsubscribe-Post:
	// List-Unsubscribe=One-Click, so mail clients offer their own
	// unsubscribe button. Receivers honour one-click only over https.
	ListUnsubscribe string
}

// Execer is what Enqueue writes with: the caller's transaction (pgx.Tx), or
// a pool or connection when the message is the whole action.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

const enqueueSQL = `
INSERT INTO mail_outbox (message_id, recipient, subject, text_body, html_body, purpose, list_unsubscribe)
VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''))`

// Enqueue validates m and queues it with db, normally the transaction of the
// action that causes the message. It returns the message's id (the local
// part of its Message-ID header), which logs and callers may record; errors
// of validation wrap ErrInvalid.
func Enqueue(ctx context.Context, db Execer, m Message) (string, error) {
	if err := m.validate(); err != nil {
		return "", err
	}
	id := newMessageID()
	if _, err := db.Exec(ctx, enqueueSQL, id, m.To, m.Subject, m.Text, m.HTML, m.Purpose, m.ListUnsubscribe); err != nil {
		return "", fmt.Errorf("enqueue %s mail %s: %w", m.Purpose, id, err)
	}
	return id, nil
}

// validate refuses what the relay could not send or that would let a value
// break out of its header.
func (m Message) validate() error {
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("%w: the recipient is not one e-mail address", ErrInvalid)
	}
	switch {
	case !validPurpose(m.Purpose):
		return fmt.Errorf("%w: purpose %q is not a tag of [a-z0-9._-]", ErrInvalid, m.Purpose)
	case strings.TrimSpace(m.Subject) == "" || strings.ContainsAny(m.Subject, "\r\n"):
		return fmt.Errorf("%w: the subject must be one non-empty line", ErrInvalid)
	case strings.TrimSpace(m.Text) == "":
		return fmt.Errorf("%w: the text body is empty", ErrInvalid)
	case !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML):
		return fmt.Errorf("%w: not valid UTF-8", ErrInvalid)
	case m.ListUnsubscribe != "" && !oneClickURL(m.ListUnsubscribe):
		return fmt.Errorf("%w: the unsubscribe address is not one absolute http(s) URL of at most %d bytes", ErrInvalid, maxListUnsubscribe)
	case len(m.Subject)+len(m.Text)+len(m.HTML) > MaxBodyBytes:
		return fmt.Errorf("%w: %d bytes, more than the limit of %d", ErrInvalid,
			len(m.Subject)+len(m.Text)+len(m.HTML), MaxBodyBytes)
	}
	return nil
}

// maxListUnsubscribe bounds the unsubscribe address (the table checks it too).
const maxListUnsubscribe = 2000

// oneClickURL reports whether u may stand in a List-Unsubscribe header: an
// absolute http or https URL with a host, nothing that could end the
// header's angle brackets or line.
func oneClickURL(u string) bool {
	if len(u) > maxListUnsubscribe || strings.ContainsAny(u, "<>\r\n \t\"") {
		return false
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" && p.User == nil
}

func validPurpose(p string) bool {
	if p == "" || len(p) > 64 {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// newMessageID returns 128 random bits in hex.
func newMessageID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
