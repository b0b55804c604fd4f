// Package subscriptions keeps visitors' e-mail subscriptions (issue 9 point
// 9): double opt-in, one-click unsubscribe in every message, the address
// sealed under the subscription's own data key (services/personaldata) and
// destroyed when it ends, and digests of what was published since the last
// one, queued in the mail outbox (services/internal/mailout).
package subscriptions

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/unicode/norm"

	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/personaldata"
)

// Limits.
const (
	MaxEmail  = 254
	MaxFilter = 100
	// PendingFor is how long a confirmation link works; an unconfirmed
	// subscription is deleted (with its address) after it.
	PendingFor = 7 * 24 * time.Hour
	// ConsentVersion names the consent text the form shows.
	ConsentVersion = "2026-11-subscriptions"
	// MaxItemsPerDigest bounds one message; the rest are counted with a
	// link to the section.
	MaxItemsPerDigest = 30
)

// Errors.
var (
	// ErrNotFound: an unknown, ended or expired token.
	ErrNotFound = errors.New("no such subscription")
)

// Problem is a field the form must correct.
type Problem struct{ Field, Code string }

// InvalidError lists what is wrong with a subscription request.
type InvalidError struct{ Problems []Problem }

func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("invalid subscription:")
	for _, p := range e.Problems {
		b.WriteString(" " + p.Field + " " + p.Code)
	}
	return b.String()
}

// Scope is what a subscription follows; empty fields are "any".
type Scope struct {
	Tenant, Category, LegalType, LegalField string
}

// Legal reports whether the scope is the legal register's.
func (s Scope) Legal() bool { return s.LegalType != "" || s.LegalField != "" }

// Request is a visitor's subscription.
type Request struct {
	RequestID, Email, Lang string
	Scope                  Scope
	Consent                bool
}

// Config configures a Store.
type Config struct {
	Pool *pgxpool.Pool
	Keys *personaldata.Store
	// Secret keys the hash that finds an address's subscriptions without
	// keeping the address in the clear, and the unsubscribe links (32
	// random bytes, kept with the hub's secrets, never in the database).
	Secret []byte
	// SiteURL is the portal's public address, for the links in e-mails.
	SiteURL string
	Now     func() time.Time
}

// Store keeps the subscriptions in the hub's subscriptions table.
type Store struct{ cfg Config }

// NewStore returns the store cfg describes.
func NewStore(cfg Config) *Store {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.SiteURL = strings.TrimSuffix(cfg.SiteURL, "/")
	return &Store{cfg: cfg}
}

// check normalises r and returns what is wrong with it.
func check(r *Request) []Problem {
	r.Email = strings.TrimSpace(norm.NFC.String(r.Email))
	for _, f := range []*string{&r.Scope.Tenant, &r.Scope.Category, &r.Scope.LegalType, &r.Scope.LegalField} {
		*f = strings.TrimSpace(norm.NFC.String(*f))
	}
	var ps []Problem
	switch a, err := mail.ParseAddress(r.Email); {
	case r.Email == "":
		ps = append(ps, Problem{"email", "required"})
	case utf8.RuneCountInString(r.Email) > MaxEmail:
		ps = append(ps, Problem{"email", "too_long"})
	case err != nil || a.Address != r.Email || a.Name != "":
		ps = append(ps, Problem{"email", "invalid"})
	}
	if !slices.Contains([]string{"vi", "en", "ru"}, r.Lang) {
		ps = append(ps, Problem{"lang", "invalid"})
	}
	if !r.Consent {
		ps = append(ps, Problem{"consent", "required"})
	}
	if r.RequestID == "" || len(r.RequestID) > 64 {
		ps = append(ps, Problem{"request_id", "invalid"})
	}
	for name, v := range map[string]string{"legal_type": r.Scope.LegalType, "legal_field": r.Scope.LegalField} {
		if utf8.RuneCountInString(v) > MaxFilter || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			ps = append(ps, Problem{name, "invalid"})
		}
	}
	slices.SortFunc(ps, func(a, b Problem) int { return strings.Compare(a.Field, b.Field) })
	return ps
}

// addressKey is the keyed hash of an address, lower-cased.
func (s *Store) addressKey(email string) []byte {
	mac := hmac.New(sha256.New, s.cfg.Secret)
	mac.Write([]byte("address\x00" + strings.ToLower(email)))
	return mac.Sum(nil)
}

// unsubscribeToken is the unsubscribe link's token of subscription id: the
// id and a MAC of it, so every message's link keeps working and none can be
// made for another subscription.
func (s *Store) unsubscribeToken(id string) string {
	return id + "." + base64.RawURLEncoding.EncodeToString(s.unsubscribeMAC(id))
}

func (s *Store) unsubscribeMAC(id string) []byte {
	mac := hmac.New(sha256.New, s.cfg.Secret)
	mac.Write([]byte("unsubscribe\x00" + id))
	return mac.Sum(nil)
}

// unsubscribeID returns the subscription an unsubscribe token names.
func (s *Store) unsubscribeID(token string) (string, bool) {
	id, mac, ok := strings.Cut(token, ".")
	if !ok {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil || !hmac.Equal(got, s.unsubscribeMAC(id)) {
		return "", false
	}
	return id, true
}

// Subscribe records r, waiting for confirmation, and queues the
// confirmation e-mail in the same transaction. An address subscribed
// already to the same scope gets nothing new (a pending one gets its
// confirmation again, with a new link), and the answer is the same, so it
// reveals nothing. The same request id is one subscription.
func (s *Store) Subscribe(ctx context.Context, r Request) error {
	if ps := check(&r); len(ps) > 0 {
		return &InvalidError{ps}
	}
	if err := s.checkScope(ctx, r.Scope); err != nil {
		return err
	}
	if err := s.prunePending(ctx); err != nil {
		return err
	}
	now := s.cfg.Now()
	addr := s.addressKey(r.Email)
	token, hash := newToken()
	id := newID()
	var existing string
	var state string
	err := s.cfg.Pool.QueryRow(ctx, `
		SELECT id, state FROM subscriptions
		WHERE (request_id = $1 AND address_key = $2) OR (address_key = $2 AND coalesce(tenant_id, '') = $3
		      AND coalesce(category, '') = $4 AND legal_type = $5 AND legal_field = $6)`,
		r.RequestID, addr, r.Scope.Tenant, r.Scope.Category, r.Scope.LegalType, r.Scope.LegalField).Scan(&existing, &state)
	switch {
	case err == nil && state == "active":
		return nil // subscribed already: nothing to confirm
	case err == nil:
		// Pending: a new link, the confirmation again.
		return pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE subscriptions SET token_hash = $2, created_at = $3 WHERE id = $1`, existing, hash, now); err != nil {
				return err
			}
			_, err := mailout.Enqueue(ctx, tx, s.confirmation(r, token))
			return err
		})
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("subscribe: %w", err)
	}
	key, err := s.cfg.Keys.Create(ctx, id, now.Add(PendingFor))
	if err != nil {
		return fmt.Errorf("subscribe: data key: %w", err)
	}
	sealed, err := key.Seal(personaldata.FieldEmail, []byte(r.Email))
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO subscriptions (id, request_id, token_hash, address_key, email, tenant_id, category, legal_type, legal_field,
				lang, consent_version, created_at, digest_from)
			VALUES ($1, $2, $3, $4, $5, nullif($6, ''), nullif($7, ''), $8, $9, $10, $11, $12, $12)`,
			id, r.RequestID, hash, addr, sealed, r.Scope.Tenant, r.Scope.Category, r.Scope.LegalType, r.Scope.LegalField,
			r.Lang, ConsentVersion, now); err != nil {
			return err
		}
		_, err := mailout.Enqueue(ctx, tx, s.confirmation(r, token))
		return err
	})
	if err != nil {
		if _, derr := s.cfg.Keys.Destroy(context.WithoutCancel(ctx), id); derr != nil {
			err = errors.Join(err, derr)
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" {
			if pgErr.ConstraintName == "subscriptions_request_id_key" {
				// A form's id sent again with another address: never the
				// same subscription (its confirmation would go to one
				// address for another's).
				return &InvalidError{[]Problem{{"request_id", "invalid"}}}
			}
			return nil // the same address and scope, sent twice at once: the other one stands
		}
		return fmt.Errorf("subscribe: %w", err)
	}
	return nil
}

// checkScope refuses a scope naming an unknown or inactive tenant or an
// unknown category.
func (s *Store) checkScope(ctx context.Context, sc Scope) error {
	var ps []Problem
	if sc.Tenant != "" {
		var st string
		err := s.cfg.Pool.QueryRow(ctx, `SELECT status FROM tenants WHERE id = $1`, sc.Tenant).Scan(&st)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && st != "active" {
			ps = append(ps, Problem{"tenant", "invalid"})
		} else if err != nil {
			return fmt.Errorf("subscribe: tenant: %w", err)
		}
	}
	if sc.Category != "" {
		var n int
		if err := s.cfg.Pool.QueryRow(ctx, `SELECT count(*) FROM categories WHERE code = $1`, sc.Category).Scan(&n); err != nil {
			return fmt.Errorf("subscribe: category: %w", err)
		}
		if n == 0 {
			ps = append(ps, Problem{"category", "invalid"})
		}
	}
	if len(ps) > 0 {
		return &InvalidError{ps}
	}
	return nil
}

// prunePending deletes the subscriptions never confirmed within PendingFor,
// with their addresses.
func (s *Store) prunePending(ctx context.Context) error {
	rows, err := s.cfg.Pool.Query(ctx, `DELETE FROM subscriptions WHERE state = 'pending' AND created_at < $1 RETURNING id`,
		s.cfg.Now().Add(-PendingFor))
	if err != nil {
		return fmt.Errorf("prune pending subscriptions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("prune pending subscriptions: %w", err)
	}
	for _, id := range ids {
		if _, err := s.cfg.Keys.Destroy(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Confirm makes the subscription of token work from now on (its first
// digest holds what is published after now) and returns its scope and
// language.
func (s *Store) Confirm(ctx context.Context, token string) (Scope, string, error) {
	hash, ok := tokenHash(token)
	if !ok {
		return Scope{}, "", ErrNotFound
	}
	now := s.cfg.Now()
	var sc Scope
	var lang, id string
	var tenant, category *string
	err := s.cfg.Pool.QueryRow(ctx, `
		UPDATE subscriptions SET state = 'active', confirmed_at = coalesce(confirmed_at, $2),
			digest_from = CASE WHEN state = 'pending' THEN $2 ELSE digest_from END
		WHERE token_hash = $1 AND (state = 'active' OR created_at >= $3)
		RETURNING id, tenant_id, category, legal_type, legal_field, lang`,
		hash, now, now.Add(-PendingFor)).Scan(&id, &tenant, &category, &sc.LegalType, &sc.LegalField, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return Scope{}, "", ErrNotFound
	}
	if err != nil {
		return Scope{}, "", fmt.Errorf("confirm subscription: %w", err)
	}
	// The address is kept while the subscription lasts.
	if _, err := s.cfg.Pool.Exec(ctx, `UPDATE personal_data_keys SET delete_after = 'infinity' WHERE submission_id = $1`, id); err != nil {
		return Scope{}, "", fmt.Errorf("confirm subscription: %w", err)
	}
	if tenant != nil {
		sc.Tenant = *tenant
	}
	if category != nil {
		sc.Category = *category
	}
	return sc, lang, nil
}

// Unsubscribe ends the subscription of token (a message's unsubscribe link,
// or the confirmation link, whose message offers to cancel too) and
// destroys its address. It reports whether there was one.
func (s *Store) Unsubscribe(ctx context.Context, token string) (bool, error) {
	query, arg := `DELETE FROM subscriptions WHERE id = $1 RETURNING id`, any(nil)
	if id, ok := s.unsubscribeID(token); ok {
		arg = id
	} else if hash, ok := tokenHash(token); ok {
		query, arg = `DELETE FROM subscriptions WHERE token_hash = $1 RETURNING id`, hash
	} else {
		return false, nil
	}
	var id string
	err := s.cfg.Pool.QueryRow(ctx, query, arg).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("unsubscribe: %w", err)
	}
	if _, err := s.cfg.Keys.Destroy(ctx, id); err != nil {
		return true, err
	}
	return true, nil
}

// newToken returns a link token (256 random bits) and its SHA-256.
func newToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	h := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(b), h[:]
}

func tokenHash(token string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256(b)
	return h[:], true
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "sub-" + hex.EncodeToString(b)
}
