package mailout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/portalhub/portalhub/services/pgwake"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// Channel is the PostgreSQL notification channel mail_outbox's trigger
// signals.
const Channel = "hub_mail_outbox"

// Defaults of Config.
const (
	DefaultBatch = 32
	DefaultLease = 5 * time.Minute
)

// DefaultRetry paces the retries of one message: 5s, doubling up to 15min.
var DefaultRetry = pgwake.Backoff{Base: 5 * time.Second, Cap: 15 * time.Minute}

// listenerAppName names the listening connection in pg_stat_activity.
const listenerAppName = "portalhub-mail-listener"

// maxErrorLen bounds the error text kept in mail_outbox.last_error.
const maxErrorLen = 1000

// Config configures a Relay.
type Config struct {
	// Pool is the hub database.
	Pool *pgxpool.Pool
	// SMTP is the server mail is sent through.
	SMTP SMTPConfig
	// From is the sender, "Name <address>" (SMTP_FROM).
	From *mail.Address
	// Log receives the relay's structured logs: message ids, purposes and
	// recipient hashes, never addresses or bodies.
	Log zerolog.Logger
	// Batch is the most messages claimed at once (default 32).
	Batch int
	// Sweep is the longest the relay waits without a notification
	// (default pgwake.DefaultSweep).
	Sweep time.Duration
	// Lease is how long a claimed message is kept from other relays while
	// it is being sent (default 5min); a relay that died is replaced after
	// it.
	Lease time.Duration
	// Retry paces a message's retries after temporary failures
	// (default DefaultRetry).
	Retry pgwake.Backoff
	// Retain is how long sent and refused messages are kept before they
	// are deleted (default DefaultRetain, 30 days).
	Retain time.Duration
	// Registerer, when set, receives the relay's Prometheus metrics.
	Registerer prometheus.Registerer
	// Now is the clock of the Date header (default time.Now).
	Now func() time.Time
}

// Relay sends the mail outbox through SMTP. Build it with NewRelay.
type Relay struct {
	cfg     Config
	log     zerolog.Logger
	metrics *metrics
}

// NewRelay returns a relay configured by cfg, with defaults for the zero
// fields. It registers its metrics with cfg.Registerer when one is given.
func NewRelay(cfg Config) *Relay {
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Sweep <= 0 {
		cfg.Sweep = pgwake.DefaultSweep
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Retry == (pgwake.Backoff{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Retain <= 0 {
		cfg.Retain = DefaultRetain
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Relay{cfg: cfg, log: cfg.Log.With().Str("component", "mail").Logger(), metrics: newMetrics(cfg.Registerer)}
}

// Run sends queued mail until ctx is done, then returns nil. Failures of the
// database are logged and retried with backoff; failures of the SMTP server
// are recorded on the messages, which are retried when due.
func (r *Relay) Run(ctx context.Context) error {
	waker := pgwake.New(pgwake.Config{Pool: r.cfg.Pool, Channel: Channel, AppName: listenerAppName, Sweep: r.cfg.Sweep, Log: r.log})
	defer waker.Start(ctx, r.pruneLoop)()
	waker.Loop(ctx, "mail", func(ctx context.Context) (time.Duration, error) {
		_, err := r.Flush(ctx)
		if ctx.Err() != nil {
			return 0, err
		}
		r.observe(ctx)
		if err != nil {
			return 0, err
		}
		return r.untilDue(ctx), nil
	})
	return nil
}

// Flush sends the messages that are due, batch after batch while batches
// come back full and the server answers, and returns how many it sent. Its
// error is the database's; the server's failures are recorded on the
// messages.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	total := 0
	for {
		claimed, sent, serverDown, err := r.sendBatch(ctx)
		total += sent
		if err != nil || serverDown || claimed < r.cfg.Batch {
			return total, err
		}
	}
}

// queued is one claimed message.
type queued struct {
	ID        int64
	MessageID string
	Recipient string
	Subject   string
	Text      string
	HTML      string
	Purpose   string
	Attempts  int
	// ListUnsubscribe is the one-click unsubscribe address, "" for none.
	ListUnsubscribe string
}

const claimSQL = `
UPDATE mail_outbox AS m SET attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
FROM (SELECT id FROM mail_outbox
      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) AS due
WHERE m.id = due.id
RETURNING m.id, m.message_id, m.recipient, m.subject, m.text_body, m.html_body, m.purpose, m.attempts,
	coalesce(m.list_unsubscribe, '')`

const (
	markSentSQL   = `UPDATE mail_outbox SET sent_at = now(), last_error = NULL WHERE id = $1`
	markFailedSQL = `UPDATE mail_outbox SET failed_at = now(), last_error = $2 WHERE id = $1`
	markRetrySQL  = `UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1`
	// releaseSQL hands back claimed messages a pass did not try, as if it
	// had not claimed them.
	releaseSQL = `UPDATE mail_outbox SET next_attempt_at = now(), attempts = attempts - 1 WHERE id = ANY($1)`
)

// sendBatch claims due messages (leasing them), sends them one by one and
// records each outcome. At the first temporary failure it stops and hands
// the untried rest back: the server is most likely down for them too.
func (r *Relay) sendBatch(ctx context.Context) (claimed, sent int, serverDown bool, err error) {
	rows, _ := r.cfg.Pool.Query(ctx, claimSQL, r.cfg.Batch, r.cfg.Lease.Seconds())
	batch, err := pgx.CollectRows(rows, pgx.RowToStructByPos[queued])
	if err != nil {
		return 0, 0, false, fmt.Errorf("claim mail: %w", err)
	}
	for i, q := range batch {
		log := r.log.With().Str("message_id", q.MessageID).Str("purpose", q.Purpose).
			Str("rcpt_hash", RecipientHash(q.Recipient)).Int("attempt", q.Attempts).Logger()
		sendErr := r.sendOne(ctx, q)
		switch {
		case sendErr == nil:
			if _, err := r.cfg.Pool.Exec(ctx, markSentSQL, q.ID); err != nil {
				return len(batch), sent, false, fmt.Errorf("mark mail %s sent: %w", q.MessageID, err)
			}
			sent++
			r.metrics.sent.WithLabelValues(q.Purpose).Inc()
			log.Info().Msg("mail sent")
		case isPermanent(sendErr):
			if _, err := r.cfg.Pool.Exec(ctx, markFailedSQL, q.ID, truncate(sendErr.Error(), maxErrorLen)); err != nil {
				return len(batch), sent, false, fmt.Errorf("mark mail %s failed: %w", q.MessageID, err)
			}
			r.metrics.failed.WithLabelValues(q.Purpose).Inc()
			log.Warn().Str("error", withoutRecipient(sendErr, q.Recipient)).Msg("mail refused for good")
		default:
			if ctx.Err() != nil {
				return len(batch), sent, true, nil // the lease hands it to the next run
			}
			delay := r.cfg.Retry.Delay(q.Attempts)
			if _, err := r.cfg.Pool.Exec(ctx, markRetrySQL, q.ID, delay.Seconds(), truncate(sendErr.Error(), maxErrorLen)); err != nil {
				return len(batch), sent, false, fmt.Errorf("mark mail %s for retry: %w", q.MessageID, err)
			}
			r.metrics.retried.WithLabelValues(q.Purpose).Inc()
			log.Warn().Str("error", withoutRecipient(sendErr, q.Recipient)).Dur("retry_in", delay).Msg("mail not sent; will retry")
			if rest := batch[i+1:]; len(rest) > 0 {
				ids := make([]int64, len(rest))
				for j, q := range rest {
					ids[j] = q.ID
				}
				if _, err := r.cfg.Pool.Exec(ctx, releaseSQL, ids); err != nil {
					return len(batch), sent, true, fmt.Errorf("release %d untried mails: %w", len(ids), err)
				}
			}
			return len(batch), sent, true, nil
		}
	}
	return len(batch), sent, false, nil
}

// sendOne composes and sends one message.
func (r *Relay) sendOne(ctx context.Context, q queued) error {
	msg, err := compose(r.cfg.From, q, r.cfg.Now())
	if err != nil {
		return permanentError{err}
	}
	to, _ := mail.ParseAddress(q.Recipient) // compose parsed it
	return r.cfg.SMTP.send(ctx, r.cfg.From.Address, to.Address, msg)
}

// untilDue returns how long until the next queued message falls due (0 when
// none is queued or the database does not answer: the sweep's interval).
func (r *Relay) untilDue(ctx context.Context) time.Duration {
	var secs *float64
	err := r.cfg.Pool.QueryRow(ctx, `
		SELECT extract(epoch FROM min(next_attempt_at) - now())::float8
		FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&secs)
	if err != nil || secs == nil {
		return 0
	}
	return max(time.Duration(*secs*float64(time.Second)), time.Millisecond)
}

// observe updates the queued and oldest-age gauges.
func (r *Relay) observe(ctx context.Context) {
	var queuedN int64
	var oldest float64
	err := r.cfg.Pool.QueryRow(ctx, `
		SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
		FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&queuedN, &oldest)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn().Err(err).Msg("mail gauges not updated")
		}
		return
	}
	r.metrics.queued.Set(float64(queuedN))
	r.metrics.oldest.Set(max(oldest, 0))
}

// RecipientHash names a recipient in logs without revealing it: the first
// 12 hex digits of the SHA-256 of its lower-cased address.
func RecipientHash(recipient string) string {
	addr := recipient
	if a, err := mail.ParseAddress(recipient); err == nil {
		addr = a.Address
	}
	sum := sha256.Sum256([]byte(strings.ToLower(addr)))
	return hex.EncodeToString(sum[:6])
}

// truncate cuts s to at most n bytes on a rune boundary.
// withoutRecipient is err's text for the logs, the recipient's address
// (personal data) replaced: SMTP servers name it in their replies
// ("550 5.1.1 <x@y>: Recipient address rejected"); the hash in the log line
// names it instead.
func withoutRecipient(err error, rcpt string) string {
	s := err.Error()
	if rcpt == "" {
		return s
	}
	// As sent, and lowercased (some servers fold the address's case).
	s = strings.ReplaceAll(s, rcpt, "[recipient]")
	return strings.ReplaceAll(s, strings.ToLower(rcpt), "[recipient]")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
