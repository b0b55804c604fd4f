// Package hubread answers the read-only questions the public gateway asks of
// the hub store: the latest items, tenants, categories, an item by its slug or
// id, and attachment blobs. It connects as the read-only role
// (portalhub_gateway, a member of portalhub_reader) and turns driver errors
// into domain errors: a missing row is ErrNotFound.
package hubread

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/encoding/protojson"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// ErrNotFound means the tenant, item, slug or blob does not exist.
var ErrNotFound = errors.New("not found")

// Locales are the locales the hub holds, Vietnamese first (the fallback).
var Locales = []string{"vi", "en", "ru"}

// Store runs the queries on a connection pool.
type Store struct {
	pool *pgxpool.Pool
	// searchTimeout: see SetSearchTimeout.
	searchTimeout time.Duration
}

// New returns a store reading through pool.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Tenant is one sub-portal.
type Tenant struct {
	ID, Kind               string
	NameVI, NameEN, NameRU string
	Status                 string // active, suspended, retired
	HomeURL                string
	CreatedAt, UpdatedAt   time.Time
	// The registry entry (see hubstore.Registry).
	ParentID                        string
	AddressVI, AddressEN, AddressRU string
	Phone, Fax, Email               string
	Responsible, Licence            string
	EstablishedOn, DissolvedOn      *time.Time
	// Hosts are the host names of the tenant's own site, the primary first.
	Hosts []string
	// A retired unit's successor ("" for none) and what its old URLs
	// answer: "banner", "gone" or "redirect" (merged); "" when it is not
	// retired (lifecycle.go).
	Successor, RetiredPages string
}

// Name is the tenant's name in locale, falling back to Vietnamese.
func (t Tenant) Name(locale string) string {
	switch {
	case locale == "en" && t.NameEN != "":
		return t.NameEN
	case locale == "ru" && t.NameRU != "":
		return t.NameRU
	}
	return t.NameVI
}

// Address is the tenant's address in locale, falling back to Vietnamese.
func (t Tenant) Address(locale string) string {
	switch {
	case locale == "en" && t.AddressEN != "":
		return t.AddressEN
	case locale == "ru" && t.AddressRU != "":
		return t.AddressRU
	}
	return t.AddressVI
}

// PrimaryHost is the host name the tenant's pages are canonical on, or ""
// when it has none (its pages then live on the provincial host).
func (t Tenant) PrimaryHost() string {
	if len(t.Hosts) == 0 {
		return ""
	}
	return t.Hosts[0]
}

const tenantColumns = `t.id, t.kind, t.name_vi, t.name_en, t.name_ru, t.status, t.home_url, t.created_at, t.updated_at,
	coalesce(t.parent_id, ''), t.address_vi, t.address_en, t.address_ru, t.phone, t.fax, t.email,
	t.responsible, t.licence, t.established_on, t.dissolved_on,
	coalesce((SELECT array_agg(h.host ORDER BY h.is_primary DESC, h.host) FROM tenant_hosts h WHERE h.tenant_id = t.id), '{}'),
	coalesce(t.successor_id, ''), CASE WHEN t.status = 'retired' THEN t.retired_pages ELSE '' END`

// scanTenant scans tenantColumns, then the columns after them into extra.
func scanTenant(row pgx.Row, extra ...any) (Tenant, error) {
	var t Tenant
	err := row.Scan(append([]any{&t.ID, &t.Kind, &t.NameVI, &t.NameEN, &t.NameRU, &t.Status, &t.HomeURL, &t.CreatedAt, &t.UpdatedAt,
		&t.ParentID, &t.AddressVI, &t.AddressEN, &t.AddressRU, &t.Phone, &t.Fax, &t.Email,
		&t.Responsible, &t.Licence, &t.EstablishedOn, &t.DissolvedOn, &t.Hosts, &t.Successor, &t.RetiredPages}, extra...)...)
	return t, err
}

// Tenant returns one tenant.
func (s *Store) Tenant(ctx context.Context, id string) (Tenant, error) {
	t, err := scanTenant(s.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants t WHERE t.id = $1`, id))
	if err != nil {
		return Tenant{}, notFound(err, "tenant %s", id)
	}
	return t, nil
}

// Tenants returns every tenant, ordered by kind, then by name in Vietnamese
// alphabetical order (ICU's Vietnamese collation: a ă â b c d đ e ê ...).
func (s *Store) Tenants(ctx context.Context) ([]Tenant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+tenantColumns+` FROM tenants t
		ORDER BY t.kind = 'province' DESC, t.kind, t.name_vi COLLATE "vi-x-icu", t.id`)
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Tenant, error) { return scanTenant(r) })
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	return ts, nil
}

// TenantFingerprints returns, per tenant id, a hash of what the public pages
// show of it (kind, names, status, home URL, registry entry, host names):
// cheap to poll, so that a change (renamed, suspended, retired, added,
// removed, moved to another host) can be noticed by comparing two answers.
func (s *Store) TenantFingerprints(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.id, md5(concat_ws(E'\x1f', t.kind, t.name_vi, t.name_en, t.name_ru, t.status, t.home_url,
			t.parent_id, t.address_vi, t.address_en, t.address_ru, t.phone, t.fax, t.email, t.responsible, t.licence,
			t.established_on, t.dissolved_on, t.successor_id, t.retired_pages,
			(SELECT string_agg(h.host || CASE WHEN h.is_primary THEN '*' ELSE '' END, ',' ORDER BY h.host)
			 FROM tenant_hosts h WHERE h.tenant_id = t.id)))
		FROM tenants t`)
	if err != nil {
		return nil, fmt.Errorf("tenant fingerprints: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, sum string
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, fmt.Errorf("tenant fingerprints: %w", err)
		}
		out[id] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tenant fingerprints: %w", err)
	}
	// The redirect map's hosts are in the registry too: its fingerprint
	// under an id no tenant can have (hubstore.RedirectsRegistryID).
	var mapSum string
	if err := s.pool.QueryRow(ctx, `SELECT md5(count(*) || '/' || coalesce(max(imported_at)::text, '')) FROM redirect_map`).Scan(&mapSum); err != nil {
		return nil, fmt.Errorf("tenant fingerprints: redirect map: %w", err)
	}
	out["-redirects"] = mapSum
	return out, nil
}

// Category is one entry of the hub's code list (Article 8), with the kinds
// of content it admits.
type Category struct {
	Code                   string
	Article8, Position     int
	NameVI, NameEN, NameRU string
	// SlugVI, SlugEN and SlugRU are the path words of its section in each
	// language (/vi/van-ban-phap-luat/, /en/legal-documents/).
	SlugVI, SlugEN, SlugRU string
	Kinds                  []pb.ContentKind
}

// Slug is the category's path word in locale.
func (c Category) Slug(locale string) string {
	switch locale {
	case "en":
		return c.SlugEN
	case "ru":
		return c.SlugRU
	}
	return c.SlugVI
}

// Name is the category's name in locale.
func (c Category) Name(locale string) string {
	switch locale {
	case "en":
		return c.NameEN
	case "ru":
		return c.NameRU
	}
	return c.NameVI
}

// Proto is the category as IngestService.ListCategories and
// OpsService.ListCategoryCodes answer it: names and section slugs by locale
// (those the hub has), admitted kinds and its Article 8 item.
func (c Category) Proto() *pb.Category {
	out := &pb.Category{Code: c.Code, Names: map[string]string{}, Slugs: map[string]string{}, Kinds: slices.Clone(c.Kinds),
		Article8: int32(c.Article8)}
	for _, loc := range Locales {
		if n := c.Name(loc); n != "" {
			out.Names[loc] = n
		}
		if s := c.Slug(loc); s != "" {
			out.Slugs[loc] = s
		}
	}
	return out
}

// Categories returns the code list in display order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, article8, position, name_vi, name_en, name_ru, slug_vi, slug_en, slug_ru, kinds
		FROM categories ORDER BY position, code`)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Category, error) {
		var c Category
		var kinds []string
		err := r.Scan(&c.Code, &c.Article8, &c.Position, &c.NameVI, &c.NameEN, &c.NameRU, &c.SlugVI, &c.SlugEN, &c.SlugRU, &kinds)
		for _, w := range kinds {
			c.Kinds = append(c.Kinds, contentrules.KindOfWord(w))
		}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	return cs, nil
}

// ReservedWords returns the path words the gateway keeps for its own pages
// (reserved_words, migration 00007): never a tenant id nor a category slug.
func (s *Store) ReservedWords(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT word FROM reserved_words ORDER BY word`)
	if err != nil {
		return nil, fmt.Errorf("reserved words: %w", err)
	}
	words, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("reserved words: %w", err)
	}
	return words, nil
}

// CategoryCounts returns, per category code, how many visible items a
// tenant has there.
func (s *Store) CategoryCounts(ctx context.Context, tenant string) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT category, count(*) FROM items
		WHERE tenant_id = $1 AND state = 'published' AND taken_down_at IS NULL
		GROUP BY category`, tenant)
	if err != nil {
		return nil, fmt.Errorf("category counts of %s: %w", tenant, err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("category counts of %s: %w", tenant, err)
		}
		counts[code] = n
	}
	return counts, rows.Err()
}

// Text is an item's title, summary and slug in one locale.
type Text struct {
	Slug, Title, Summary string
}

// Listed is an item as a listing shows it.
type Listed struct {
	Tenant, ContentID string
	Kind, Category    string
	PublishedAt       time.Time
	UpdatedAt         time.Time       // when the hub last stored it
	Texts             map[string]Text // by locale; "vi" is always present
}

// In returns the text in locale, or the Vietnamese one; fallback reports
// which it did.
func (l Listed) In(locale string) (t Text, fallback bool) {
	if t, ok := l.Texts[locale]; ok {
		return t, false
	}
	return l.Texts["vi"], locale != "vi"
}

// Slug is the last segment of the item's URL in locale: the slug of its
// translation there, or its Vietnamese slug when it has none.
func (l Listed) Slug(locale string) string {
	t, _ := l.In(locale)
	return t.Slug
}

// listed returns the newest visible items matching filter (a condition on
// items i, with $2... as its arguments), limit of them, in one query.
func (s *Store) listed(ctx context.Context, filter string, args ...any) ([]Listed, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s FROM (
		SELECT i.tenant_id, i.content_id, i.kind, i.category, i.published_at, i.updated_at FROM items i
		WHERE %s %s
		ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC
		LIMIT $1) i
	%s
	ORDER BY i.published_at DESC, i.tenant_id DESC, i.content_id DESC`, listedColumns, visibleItems, filter, translationsLateral), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanListed)
}

// Latest returns the newest visible items across all tenants: published,
// not taken down by the hub.
func (s *Store) Latest(ctx context.Context, limit int) ([]Listed, error) {
	ls, err := s.listed(ctx, "", limit)
	if err != nil {
		return nil, fmt.Errorf("latest: %w", err)
	}
	return ls, nil
}

// TenantLatest returns the newest visible items of one tenant.
func (s *Store) TenantLatest(ctx context.Context, tenant string, limit int) ([]Listed, error) {
	ls, err := s.listed(ctx, "AND i.tenant_id = $2", limit, tenant)
	if err != nil {
		return nil, fmt.Errorf("latest of %s: %w", tenant, err)
	}
	return ls, nil
}

// Item is the current state of one item.
type Item struct {
	Tenant, ContentID string
	Version           uint64
	// State is "published", "withdrawn", "redirected" or "gone".
	State       string
	PublishedAt time.Time
	UpdatedAt   time.Time
	Doc         *pb.ContentItem
	// TakenDown is set when the hub took the item down on its own authority,
	// whatever its state; TakedownReason is the hub's public reason.
	TakenDown      bool
	TakedownReason string
	TakenDownAt    time.Time
	// FirstTenant is the unit that first published the item when a merge
	// moved it here; "" otherwise.
	FirstTenant string
	// AttachmentSizes are the sizes in bytes of the item's stored
	// attachments by SHA-256 (lower-case hex); filled by ItemByID (and
	// ItemBySlug) only.
	AttachmentSizes map[string]int64
}

// Translation returns the item's translation in locale, or the Vietnamese
// one; fallback reports which it did.
func (it *Item) Translation(locale string) (tr *pb.Translation, fallback bool) {
	var vi *pb.Translation
	for _, t := range it.Doc.GetTranslations() {
		if t.GetLocale() == locale {
			return t, false
		}
		if t.GetLocale() == "vi" {
			vi = t
		}
	}
	return vi, locale != "vi"
}

// Slug is the last segment of the item's URL in locale (see Listed.Slug).
func (it *Item) Slug(locale string) string {
	t, _ := it.Translation(locale)
	return t.GetSlug()
}

// Visible reports whether the public may see the item's content (published
// or withdrawn, and not taken down).
func (it *Item) Visible() bool {
	return !it.TakenDown && (it.State == "published" || it.State == "withdrawn")
}

// ItemByID returns one item of a tenant.
func (s *Store) ItemByID(ctx context.Context, tenant, contentID string) (*Item, error) {
	it, err := s.itemWhere(ctx, `i.tenant_id = $1 AND i.content_id = $2`, tenant, contentID)
	if err != nil {
		return nil, notFound(err, "item %s/%s", tenant, contentID)
	}
	return it, nil
}

// itemWhere reads the item that cond (a condition on items i) selects,
// with the sizes of its attachments, in one query.
func (s *Store) itemWhere(ctx context.Context, cond string, args ...any) (*Item, error) {
	var shas []string
	var sizes []int64
	it, err := scanItem(s.pool.QueryRow(ctx, `SELECT `+itemColumns+`, a.shas, a.sizes FROM items i
		LEFT JOIN LATERAL (
			SELECT array_agg(encode(b.sha256, 'hex')) AS shas, array_agg(b.size) AS sizes
			FROM blobs b
			WHERE b.sha256 IN (SELECT decode(x ->> 'sha256', 'hex')
				FROM jsonb_array_elements(CASE WHEN jsonb_typeof(i.doc -> 'attachments') = 'array'
					THEN i.doc -> 'attachments' ELSE '[]' END) x
				WHERE x ->> 'sha256' ~ '^[0-9a-f]{64}$')) a ON true
		WHERE `+cond, args...), &shas, &sizes)
	if err != nil {
		return nil, err
	}
	it.AttachmentSizes = make(map[string]int64, len(shas))
	for i, sha := range shas {
		it.AttachmentSizes[sha] = sizes[i]
	}
	return it, nil
}

// itemColumns are the columns of items (as i) that scanItem reads.
const itemColumns = `i.tenant_id, i.content_id, i.version, i.state, i.published_at, i.updated_at, i.doc,
	i.takedown_reason, i.taken_down_at, coalesce(i.first_tenant_id, '')`

// scanItem reads itemColumns, then dest (further columns of the query).
func scanItem(row pgx.Row, dest ...any) (*Item, error) {
	it := &Item{}
	var doc []byte
	var reason *string
	var takenAt *time.Time
	err := row.Scan(append([]any{&it.Tenant, &it.ContentID, &it.Version, &it.State, &it.PublishedAt, &it.UpdatedAt, &doc,
		&reason, &takenAt, &it.FirstTenant}, dest...)...)
	if err != nil {
		return nil, err
	}
	it.Doc = &pb.ContentItem{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(doc, it.Doc); err != nil {
		return nil, fmt.Errorf("item %s/%s: decode doc: %w", it.Tenant, it.ContentID, err)
	}
	if takenAt != nil {
		it.TakenDown, it.TakenDownAt = true, *takenAt
	}
	if reason != nil {
		it.TakenDown = true
		it.TakedownReason = *reason
	}
	return it, nil
}

// Lookup is the answer to ItemBySlug: either the item served at that URL, or
// the slug the URL should redirect to (RedirectSlug, same tenant and locale).
type Lookup struct {
	Item         *Item
	RedirectSlug string
}

// ItemBySlug finds what /{locale}/{tenant}/{slug} shows. The URL of an item
// in a locale uses the slug of its translation there, or its Vietnamese slug
// when it has none. A slug the item had before (slug_history), or its slug in
// another locale, answers a redirect to the current URL.
//
// One query (issue 7 point 8): the slug is resolved and the item read in
// the same statement.
func (s *Store) ItemBySlug(ctx context.Context, tenant, locale, slug string) (Lookup, error) {
	it, err := s.itemWhere(ctx, `i.tenant_id = $1 AND i.content_id = (
		SELECT content_id FROM (
			SELECT content_id, 0 AS rank, locale FROM item_translations WHERE tenant_id = $1 AND slug = $3
			UNION ALL
			SELECT content_id, 1 AS rank, locale FROM slug_history WHERE tenant_id = $1 AND slug = $3
		) c
		ORDER BY CASE
			WHEN rank = 0 AND locale = $2 THEN 0   -- the item's slug in this locale
			WHEN rank = 0 AND locale = 'vi' THEN 1 -- an untranslated item's Vietnamese slug
			WHEN rank = 1 AND locale = $2 THEN 2   -- a slug the item had in this locale
			WHEN rank = 0 THEN 3                   -- its slug in another locale
			ELSE 4 END, locale
		LIMIT 1)`, tenant, locale, slug)
	if err != nil {
		return Lookup{}, notFound(err, "slug %s/%s/%s", locale, tenant, slug)
	}
	if cur := it.Slug(locale); cur != slug {
		return Lookup{RedirectSlug: cur}, nil
	}
	return Lookup{Item: it}, nil
}

// notFound turns pgx.ErrNoRows into ErrNotFound and wraps anything else.
func notFound(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// TenantHosts maps every registered host name of a sub-portal's own site to
// its tenant id.
func (s *Store) TenantHosts(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT host, tenant_id FROM tenant_hosts`)
	if err != nil {
		return nil, fmt.Errorf("tenant hosts: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var host, tenant string
		if err := rows.Scan(&host, &tenant); err != nil {
			return nil, fmt.Errorf("tenant hosts: %w", err)
		}
		out[host] = tenant
	}
	return out, rows.Err()
}
