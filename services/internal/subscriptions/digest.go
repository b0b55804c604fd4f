package subscriptions

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/internal/mailout"
	"github.com/portalhub/portalhub/services/personaldata"
)

// digestBatch is how many subscriptions one transaction of Digest takes.
const digestBatch = 100

// An Item is one entry of a digest.
type Item struct {
	Title, URL string
	At         time.Time
}

// Digest sends every active subscription what was first published since
// its last digest and matches its scope: one message each, queued in the
// mail outbox in the transaction that moves its watermark, so a message is
// neither lost nor sent twice, also with several aggregators (the rows are
// taken FOR UPDATE SKIP LOCKED). It returns how many messages it queued.
func (s *Store) Digest(ctx context.Context) (int, error) {
	now := s.cfg.Now()
	sent := 0
	for {
		n, more, err := s.digestBatch(ctx, now)
		sent += n
		if err != nil || !more {
			return sent, err
		}
	}
}

func (s *Store) digestBatch(ctx context.Context, now time.Time) (sent int, more bool, err error) {
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT id, email, coalesce(tenant_id, ''), coalesce(category, ''), legal_type, legal_field, lang, digest_from
			FROM subscriptions WHERE state = 'active' AND digest_from < $1
			ORDER BY digest_from LIMIT $2 FOR UPDATE SKIP LOCKED`, now, digestBatch)
		if err != nil {
			return err
		}
		type sub struct {
			id, lang string
			email    []byte
			scope    Scope
			from     time.Time
		}
		var subs []sub
		for rows.Next() {
			var x sub
			if err := rows.Scan(&x.id, &x.email, &x.scope.Tenant, &x.scope.Category, &x.scope.LegalType, &x.scope.LegalField,
				&x.lang, &x.from); err != nil {
				rows.Close()
				return err
			}
			subs = append(subs, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		more = len(subs) == digestBatch
		for _, x := range subs {
			items, total, err := matching(ctx, tx, x.scope, x.lang, x.from, now)
			if err != nil {
				return err
			}
			if total > 0 {
				to, err := s.address(ctx, x.id, x.email)
				if errors.Is(err, personaldata.ErrShredded) {
					// The address is gone (a retention run, a deletion): so is
					// the subscription.
					if _, err := tx.Exec(ctx, `DELETE FROM subscriptions WHERE id = $1`, x.id); err != nil {
						return err
					}
					continue
				}
				if err != nil {
					return err
				}
				m := s.digest(x.lang, to, x.scope, items, total, s.unsubscribeToken(x.id))
				if _, err := mailout.Enqueue(ctx, tx, m); err != nil {
					return err
				}
				sent++
			}
			if _, err := tx.Exec(ctx, `UPDATE subscriptions SET digest_from = $2 WHERE id = $1`, x.id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("subscription digests: %w", err)
	}
	return sent, more, nil
}

// address opens a subscription's sealed address.
func (s *Store) address(ctx context.Context, id string, sealed []byte) (string, error) {
	key, err := s.cfg.Keys.Get(ctx, id)
	if err != nil {
		return "", err
	}
	b, err := key.Open(personaldata.FieldEmail, sealed)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// matching returns the items first published in (from, to] that scope
// follows, newest last, at most MaxItemsPerDigest, and how many there are.
func matching(ctx context.Context, tx pgx.Tx, sc Scope, lang string, from, to time.Time) ([]Item, int, error) {
	rows, err := tx.Query(ctx, `
		SELECT coalesce(tr.title, vi.title), CASE WHEN tr.slug IS NULL THEN 'vi' ELSE $1 END,
		       i.tenant_id, coalesce(tr.slug, vi.slug), u.applied_at, count(*) OVER ()
		FROM compliance_updates u
		JOIN items i ON i.tenant_id = u.tenant_id AND i.content_id = u.content_id
		JOIN item_translations vi ON vi.tenant_id = i.tenant_id AND vi.content_id = i.content_id AND vi.locale = 'vi'
		LEFT JOIN item_translations tr ON tr.tenant_id = i.tenant_id AND tr.content_id = i.content_id AND tr.locale = $1
		LEFT JOIN legal_documents ld ON ld.tenant_id = i.tenant_id AND ld.content_id = i.content_id
		WHERE u.new_item AND u.applied_at > $2 AND u.applied_at <= $3
		  AND i.state = 'published' AND i.taken_down_at IS NULL
		  AND ($4 = '' OR i.tenant_id = $4) AND ($5 = '' OR i.category = $5)
		  AND (($6 = '' AND $7 = '') OR (ld.visible AND ($6 = '' OR ld.document_type = $6) AND ($7 = '' OR ld.field = $7)))
		ORDER BY u.applied_at, i.tenant_id, i.content_id
		LIMIT $8`, lang, from, to, sc.Tenant, sc.Category, sc.LegalType, sc.LegalField, MaxItemsPerDigest)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var items []Item
	total := 0
	for rows.Next() {
		var it Item
		var l, tenant, slug string
		if err := rows.Scan(&it.Title, &l, &tenant, &slug, &it.At, &total); err != nil {
			return nil, 0, err
		}
		it.URL = "/" + l + "/" + url.PathEscape(tenant) + "/" + url.PathEscape(slug)
		items = append(items, it)
	}
	return items, total, rows.Err()
}

// RunDigests calls Digest at every tick until ctx ends, logging how many
// digests it queued, never to whom.
func (s *Store) RunDigests(ctx context.Context, ticks <-chan time.Time, log zerolog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			n, err := s.Digest(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error().Err(err).Msg("subscriptions: digests failed, retrying at the next run")
			case n > 0:
				log.Info().Int("digests", n).Msg("subscriptions: digests queued")
			}
		}
	}
}
