package hubstore

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/portalhub/portalhub/services/search"
)

// PutBlob stores a file under its SHA-256, which the caller has verified
// against the bytes, and makes tenant one of its owners. A file the hub
// holds already is not stored again (its stored media type stays); the
// tenant becomes an owner all the same, as the bytes prove it holds the
// file. ownedBefore reports that tenant owned it already.
func (s *Store) PutBlob(ctx context.Context, tenant string, sha [32]byte, mediaType string, data []byte) (ownedBefore bool, err error) {
	text, textErr, err := s.blobText(ctx, sha, mediaType, data)
	if err != nil {
		return false, mapErr("store blob "+hex.EncodeToString(sha[:]), err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, size, media_type, data) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sha256) DO NOTHING`, sha[:], int64(len(data)), mediaType, data); err != nil {
			return err
		}
		if text != "" || textErr != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO blob_texts (sha256, text, error) VALUES ($1, $2, $3)
				ON CONFLICT (sha256) DO NOTHING`, sha[:], text, textErr); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO blob_owners (tenant_id, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING`, tenant, sha[:])
		ownedBefore = tag.RowsAffected() == 0
		return err
	})
	if err != nil {
		return false, mapErr("store blob "+hex.EncodeToString(sha[:]), err)
	}
	return ownedBefore, nil
}

// blobText extracts the searchable text of a file the hub has not read
// yet (search.ExtractText: PDF, office documents, text), for the search
// index. A file it cannot read is stored all the same, with the reason in
// textErr; types without text give neither.
func (s *Store) blobText(ctx context.Context, sha [32]byte, mediaType string, data []byte) (text, textErr string, err error) {
	var known bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM blob_texts WHERE sha256 = $1)`, sha[:]).Scan(&known); err != nil {
		return "", "", err
	}
	if known {
		return "", "", nil
	}
	text, xerr := search.ExtractText(ctx, mediaType, data)
	switch {
	case errors.Is(xerr, search.ErrNoExtractor):
		return "", "", nil
	case xerr != nil:
		if ctx.Err() != nil {
			return "", "", ctx.Err()
		}
		return "", xerr.Error(), nil
	}
	if text == "" {
		textErr = "no text"
	}
	return text, textErr, nil
}

// Blob is a stored file's metadata.
type Blob struct {
	Size      int64
	MediaType string
}

// BlobInfo returns the size and media type of a file tenant owns, or
// ErrNotFound, whether the hub holds no such file or only other tenants'
// copies of it: nothing says what another tenant stored.
func (s *Store) BlobInfo(ctx context.Context, tenant string, sha [32]byte) (Blob, error) {
	var b Blob
	err := s.pool.QueryRow(ctx, `SELECT b.size, b.media_type FROM blobs b
		JOIN blob_owners o ON o.sha256 = b.sha256 AND o.tenant_id = $1
		WHERE b.sha256 = $2`, tenant, sha[:]).Scan(&b.Size, &b.MediaType)
	if err != nil {
		return Blob{}, mapErr("look up blob "+hex.EncodeToString(sha[:]), err)
	}
	return b, nil
}
