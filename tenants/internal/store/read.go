package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"google.golang.org/protobuf/encoding/protojson"
)

// Item is an item's current approved state with the push status of its
// newest version.
type Item struct {
	ContentID string
	Kind      string
	Category  string
	State     string
	Version   uint64
	UpdatedAt time.Time
	Doc       *pb.ContentItem // only from Get
	Push      *OutboxRow      // the outbox row of Version, if any
}

// Version is one approved version of an item.
type Version struct {
	Version    uint64    `json:"version"`
	State      string    `json:"state"`
	Authors    []person  `json:"authors"`
	Editor     string    `json:"editor,omitempty"`
	Approver   string    `json:"approver"`
	ApprovedAt time.Time `json:"approved_at"`
}

const itemColumns = `i.content_id, i.kind, i.category, i.state, i.hub_version, i.updated_at, ` + outboxColumnsO

const itemJoin = ` FROM items i LEFT JOIN outbox o ON o.content_id = i.content_id AND o.version = i.hub_version`

func scanItem(row pgx.Row, extra ...any) (Item, error) {
	var it Item
	var v int64
	var o nullableOutbox
	dest := append([]any{&it.ContentID, &it.Kind, &it.Category, &it.State, &v, &it.UpdatedAt}, o.dest()...)
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return Item{}, err
	}
	it.Version = uint64(v)
	it.Push = o.row()
	return it, nil
}

// Get returns an item with its current document and push status.
func (s *Store) Get(ctx context.Context, contentID string) (_ Item, err error) {
	defer boundary(&err)
	var doc []byte
	it, err := scanItem(s.pool.QueryRow(ctx, `SELECT `+itemColumns+`, i.doc`+itemJoin+` WHERE i.content_id = $1`, contentID), &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return Item{}, errs.New(errs.NotFound, "content_id", "no such item", "Không có nội dung này.")
	}
	if err != nil {
		return Item{}, fmt.Errorf("get %s: %w", contentID, err)
	}
	it.Doc = &pb.ContentItem{}
	if err := protojson.Unmarshal(doc, it.Doc); err != nil {
		return Item{}, fmt.Errorf("decode %s: %w", contentID, err)
	}
	return it, nil
}

// List returns every item, newest change first, without documents.
func (s *Store) List(ctx context.Context, limit int) (_ []Item, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `SELECT `+itemColumns+itemJoin+` ORDER BY i.updated_at DESC, i.content_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// Versions returns every approved version of an item, newest first.
func (s *Store) Versions(ctx context.Context, contentID string) (_ []Version, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `
		SELECT version, state, authors, editor, approver, approved_at
		FROM item_versions WHERE content_id = $1 ORDER BY version DESC`, contentID)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", contentID, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var n int64
		var authors []byte
		if err := rows.Scan(&n, &v.State, &authors, &v.Editor, &v.Approver, &v.ApprovedAt); err != nil {
			return nil, err
		}
		v.Version = uint64(n)
		_ = json.Unmarshal(authors, &v.Authors)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Latest is an item's newest approved version.
type Latest struct {
	ContentID string
	Version   uint64
}

// LatestVersions returns every item's newest approved version.
func (s *Store) LatestVersions(ctx context.Context) (_ []Latest, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `SELECT content_id, hub_version FROM items ORDER BY content_id`)
	if err != nil {
		return nil, fmt.Errorf("latest versions: %w", err)
	}
	defer rows.Close()
	var out []Latest
	for rows.Next() {
		var l Latest
		var v int64
		if err := rows.Scan(&l.ContentID, &v); err != nil {
			return nil, err
		}
		l.Version = uint64(v)
		out = append(out, l)
	}
	return out, rows.Err()
}

// Title names an approved item for a choice in the back office: its
// content id, Vietnamese title, and a legal document's number.
type Title struct {
	ContentID, Title, Number string
}

// Titles returns the published items of a kind (as the kind column holds
// it: "LEGAL_DOCUMENT"), most recently changed first, at most limit.
func (s *Store) Titles(ctx context.Context, kind string, limit int) (_ []Title, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `
		SELECT content_id,
		       coalesce((SELECT t ->> 'title' FROM jsonb_array_elements(doc -> 'translations') t WHERE t ->> 'locale' = 'vi' LIMIT 1), ''),
		       coalesce(doc #>> '{legalDocument,number}', '')
		FROM items WHERE kind = $1 AND state = 'PUBLISHED'
		ORDER BY updated_at DESC, content_id LIMIT $2`, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("titles of %s: %w", kind, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Title])
	if err != nil {
		return nil, fmt.Errorf("titles of %s: %w", kind, err)
	}
	return out, nil
}
