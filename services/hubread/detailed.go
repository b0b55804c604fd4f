package hubread

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// Detailed is a visible item with its details, as the lists that show them
// (the directory, the links) need it.
type Detailed struct {
	Tenant, ContentID string
	PublishedAt       time.Time
	// Doc is the item without its translations (see Texts): kind,
	// category, details, attachments.
	Doc   *pb.ContentItem
	Texts map[string]Text
}

// In returns the text in locale, or the Vietnamese one.
func (d Detailed) In(locale string) (Text, bool) { return Listed{Texts: d.Texts}.In(locale) }

// MaxDetailed bounds the items OfKind returns.
const MaxDetailed = 2000

// OfKind returns the visible items of a kind (one tenant's, or every
// tenant's for ""), newest first, at most MaxDetailed, in one query: for
// the lists that group them all on one page (the directory by agency, the
// links by scope).
func (s *Store) OfKind(ctx context.Context, kind pb.ContentKind, tenant string) ([]Detailed, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.tenant_id, i.content_id, i.published_at, i.doc - 'translations',
			tr.locales, tr.slugs, tr.titles, tr.summaries
		FROM items i `+translationsOf("i")+`
		WHERE i.kind = $1 AND `+visibleItems+` AND ($2 = '' OR i.tenant_id = $2) AND tr.locales IS NOT NULL
		ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC
		LIMIT $3`, contentrules.KindWord(kind), tenant, MaxDetailed)
	if err != nil {
		return nil, fmt.Errorf("items of kind %s: %w", kind, err)
	}
	ds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Detailed, error) {
		var d Detailed
		var doc []byte
		var locales, slugs, titles, summaries []string
		if err := r.Scan(&d.Tenant, &d.ContentID, &d.PublishedAt, &doc, &locales, &slugs, &titles, &summaries); err != nil {
			return d, err
		}
		d.Texts = texts(locales, slugs, titles, summaries)
		d.Doc = &pb.ContentItem{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(doc, d.Doc); err != nil {
			return d, fmt.Errorf("decode doc of %s/%s: %w", d.Tenant, d.ContentID, err)
		}
		return d, nil
	})
	if err != nil {
		return nil, fmt.Errorf("items of kind %s: %w", kind, err)
	}
	return ds, nil
}
