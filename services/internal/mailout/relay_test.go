package mailout

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"
)

// syncBuffer is a log sink the relay's goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newRelay returns a relay on pool sending to srv, retrying fast, logging
// into logs.
func newRelay(t *testing.T, pool *pgxpool.Pool, srv *smtpServer, logs io.Writer, edit func(*Config)) (*Relay, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := Config{
		Pool:       pool,
		SMTP:       SMTPConfig{Addr: srv.addr, Timeout: 5 * time.Second},
		From:       &mail.Address{Name: "Cổng thông tin", Address: "no-reply@portal.example.vn"},
		Log:        zerolog.New(io.MultiWriter(logs, zerolog.NewTestWriter(t))),
		Sweep:      50 * time.Millisecond,
		Retry:      pgwake.Backoff{Base: 20 * time.Millisecond, Cap: 100 * time.Millisecond},
		Registerer: reg,
	}
	if edit != nil {
		edit(&cfg)
	}
	return NewRelay(cfg), reg
}

// run runs r until the test ends, then checks that Run returns promptly.
func run(t *testing.T, r *Relay) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServerDownThenUpDeliversEachMessageOnce(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	srv := newSMTPServer(t) // not listening yet: the server is down
	var logs syncBuffer
	relay, reg := newRelay(t, pool, srv, &logs, nil)

	want := map[string]string{} // message id → recipient
	for i := range 5 {
		m := validMessage()
		m.To = fmt.Sprintf("citizen%d@example.vn", i)
		id, err := Enqueue(ctx, pool, m)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = m.To
	}
	run(t, relay)

	waitFor(t, 10*time.Second, func() error {
		if n := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE attempts >= 3 AND last_error IS NOT NULL`); n == 0 {
			return fmt.Errorf("no message retried 3 times yet")
		}
		return nil
	})
	if n := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`); n != 5 {
		t.Fatalf("while the server is down: %d messages queued, want all 5", n)
	}

	srv.start(t)
	waitFor(t, 10*time.Second, func() error {
		if n := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL`); n != 0 {
			return fmt.Errorf("%d not sent yet", n)
		}
		return nil
	})
	// Another pass finds nothing to send again.
	if n, err := relay.Flush(ctx); err != nil || n != 0 {
		t.Fatalf("Flush after delivery = %d, %v, want 0, nil", n, err)
	}

	got := map[string]string{}
	for _, r := range srv.messages() {
		msg, err := mail.ReadMessage(strings.NewReader(r.Data))
		if err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(strings.TrimPrefix(msg.Header.Get("Message-ID"), "<"), "@portal.example.vn>")
		if _, dup := got[id]; dup {
			t.Errorf("message %s delivered twice", id)
		}
		got[id] = r.To
	}
	if len(got) != len(want) {
		t.Errorf("delivered %d messages, want %d", len(got), len(want))
	}
	for id, to := range want {
		if got[id] != to {
			t.Errorf("message %s went to %q, want %q", id, got[id], to)
		}
	}
	if v := testutil.ToFloat64(relay.metrics.sent.WithLabelValues("feedback.received")); v != 5 {
		t.Errorf("sent metric = %v, want 5", v)
	}
	if n, err := testutil.GatherAndCount(reg, "portalhub_mail_queued", "portalhub_mail_oldest_queued_seconds"); err != nil || n != 2 {
		t.Errorf("gauges registered: %d, %v, want 2", n, err)
	}
	for _, to := range want {
		if strings.Contains(logs.String(), to) {
			t.Errorf("the logs name recipient %s", to)
		}
	}
	if !strings.Contains(logs.String(), RecipientHash("citizen0@example.vn")) {
		t.Errorf("the logs do not name the recipient's hash")
	}
}

func TestStartTLSAuthAndTheMessage(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	caPath, certPath, keyPath, err := devtls.Ensure(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := newSMTPServer(t)
	if srv.tls, err = devtls.ServerTLS(certPath, keyPath); err != nil {
		t.Fatal(err)
	}
	srv.user, srv.pass = "portal", "s3cret"
	srv.start(t)
	client, err := devtls.ClientTLS(caPath)
	if err != nil {
		t.Fatal(err)
	}
	relay, _ := newRelay(t, pool, srv, io.Discard, func(c *Config) {
		c.SMTP.TLS = client
		c.SMTP.Username, c.SMTP.Password = "portal", "s3cret"
		c.SMTP.RequireTLS = true
	})
	m := validMessage()
	m.HTML = "<p>Xin chào <b>bạn</b></p>"
	m.ListUnsubscribe = "https://portal.example.vn/vi/subscribe/unsubscribe?t=abc.def"
	if _, err := Enqueue(ctx, pool, m); err != nil {
		t.Fatal(err)
	}
	if n, err := relay.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("Flush = %d, %v, want 1, nil", n, err)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	r := got[0]
	if !r.TLS || r.AuthUser != "portal" || r.From != "no-reply@portal.example.vn" || r.To != "a@example.vn" {
		t.Errorf("received over TLS=%v as %q from %q to %q, want TLS, portal, no-reply@portal.example.vn, a@example.vn",
			r.TLS, r.AuthUser, r.From, r.To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q, %v, want %q", subject, err, m.Subject)
	}
	if got := msg.Header.Get("List-Unsubscribe"); got != "<"+m.ListUnsubscribe+">" {
		t.Errorf("List-Unsubscribe = %q, want <%s>", got, m.ListUnsubscribe)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q, want List-Unsubscribe=One-Click (RFC 8058)", got)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, %v, want multipart/alternative", mt, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var bodies []string
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		bodies = append(bodies, p.Header.Get("Content-Type")+"|"+string(b))
	}
	want := []string{"text/plain; charset=utf-8|" + m.Text, "text/html; charset=utf-8|" + m.HTML}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("parts = %q, want %q", bodies, want)
	}
}

func TestRefusedRecipientFailsForGoodWithoutBlockingOthers(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	srv := newSMTPServer(t)
	srv.refuse = "gone@example.vn"
	srv.start(t)
	var logs syncBuffer
	relay, _ := newRelay(t, pool, srv, &logs, nil)
	for _, to := range []string{"gone@example.vn", "here@example.vn"} {
		m := validMessage()
		m.To = to
		if _, err := Enqueue(ctx, pool, m); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := relay.Flush(ctx); err != nil || n != 1 {
		t.Fatalf("Flush = %d, %v, want 1, nil", n, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE failed_at IS NOT NULL AND last_error LIKE '%550%'`); n != 1 {
		t.Errorf("%d messages failed with the 550, want 1", n)
	}
	if n, _ := relay.Flush(ctx); n != 0 || len(srv.messages()) != 1 {
		t.Errorf("a refused message was tried again")
	}
	// The server's reply names the address; the logs must not.
	if strings.Contains(logs.String(), "gone@example.vn") || !strings.Contains(logs.String(), "Recipient address rejected") {
		t.Errorf("the logs of the refusal:\n%s", logs.String())
	}
}

func TestRequireTLSKeepsMailQueuedWithoutStartTLS(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	srv := newSMTPServer(t)
	srv.start(t)
	relay, _ := newRelay(t, pool, srv, io.Discard, func(c *Config) { c.SMTP.RequireTLS = true })
	if _, err := Enqueue(ctx, pool, validMessage()); err != nil {
		t.Fatal(err)
	}
	if _, err := relay.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(srv.messages()) != 0 {
		t.Fatal("sent in the clear although TLS is required")
	}
	if n := count(t, pool, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND last_error LIKE '%STARTTLS%'`); n != 1 {
		t.Errorf("%d messages queued with the STARTTLS error, want 1", n)
	}
}
