package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
)

// Blob is a stored file.
type Blob struct {
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Filename  string `json:"filename"`
	Size      int64  `json:"size"`
	Data      []byte `json:"-"`
}

// PutBlob stores a file uploaded through the API (the audit log's actor is
// "api"); see PutBlobAs.
func (s *Store) PutBlob(ctx context.Context, filename string, data []byte) (Blob, error) {
	return s.PutBlobAs(ctx, "api", filename, data)
}

// PutBlobAs stores a file under its SHA-256, with the media type the
// portal's one file policy detects from its content (see CheckFile).
// Storing a file already held stores nothing. Every upload is in the audit
// log with actor (the signed-in user's username in the back office).
func (s *Store) PutBlobAs(ctx context.Context, actor, filename string, data []byte) (_ Blob, err error) {
	defer boundary(&err)
	filename, mt, err := CheckFile(filename, data)
	if err != nil {
		return Blob{}, err
	}
	sum := sha256.Sum256(data)
	b := Blob{SHA256: hex.EncodeToString(sum[:]), MediaType: mt, Filename: filename, Size: int64(len(data))}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Blob{}, fmt.Errorf("store blob: %w", err)
	}
	defer tx.Rollback(ctx)
	tag, err := tx.Exec(ctx, `
		INSERT INTO blobs (sha256, media_type, filename, size, data) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (sha256) DO NOTHING`, b.SHA256, b.MediaType, b.Filename, b.Size, data)
	if err != nil {
		return Blob{}, fmt.Errorf("store blob: %w", err)
	}
	detail := fmt.Appendf(nil, `{"sha256":%q,"already_held":%t}`, b.SHA256, tag.RowsAffected() == 0)
	if err := audit(ctx, tx, actor, "upload_blob", "", 0, detail); err != nil {
		return Blob{}, err
	}
	return b, tx.Commit(ctx)
}

// CheckFile applies the portal's one file policy (contentrules.DetectFile
// and CheckFileSize, which the hub applies too) to a file as the sub-portal
// receives it: the name loses any folder a browser sent and becomes NFC,
// then it and the content must pass. It returns the clean name and the
// media type, or the policy's refusal as RefuseFile makes it.
func CheckFile(filename string, data []byte) (name, mediaType string, err error) {
	name = filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	if err := contentrules.CheckFileSize(uint64(len(data))); err != nil {
		return name, "", RefuseFile(err)
	}
	mediaType, err = contentrules.DetectFile(name, data)
	if err != nil {
		return name, "", RefuseFile(err)
	}
	return name, mediaType, nil
}

// RefuseFile returns the file policy's refusal err (a
// *contentrules.FileError) as an errs.Error with the hub's reason and the
// policy's English and Vietnamese messages: TooLarge for a file over
// contentrules.MaxFileSize, InvalidArgument for a bad name or an empty file,
// UnsupportedMediaType for a type refused or not the one the name says.
// Other errors are returned as they are.
func RefuseFile(err error) error {
	var fe *contentrules.FileError
	if !errors.As(err, &fe) {
		return err
	}
	kind, field := errs.UnsupportedMediaType, "file"
	switch fe.Problem {
	case contentrules.FileBadName:
		kind, field = errs.InvalidArgument, "filename"
	case contentrules.FileEmpty:
		kind = errs.InvalidArgument
	case contentrules.FileTooLarge:
		kind = errs.TooLarge
	}
	e := errs.New(kind, field, fe.Description, fe.MessageVI)
	e.Reason = fe.Reason
	return e
}

// BlobsToUpload returns those of the given files the hub has not confirmed.
func (s *Store) BlobsToUpload(ctx context.Context, shas []string) (_ []string, err error) {
	defer boundary(&err)
	rows, err := s.pool.Query(ctx, `SELECT sha256 FROM blobs WHERE sha256 = ANY($1) AND hub_confirmed_at IS NULL`, shas)
	if err != nil {
		return nil, fmt.Errorf("blobs to upload: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// GetBlob returns a stored file with its data.
func (s *Store) GetBlob(ctx context.Context, sha string) (_ Blob, err error) {
	defer boundary(&err)
	b := Blob{SHA256: sha}
	err = s.pool.QueryRow(ctx, `SELECT media_type, filename, size, data FROM blobs WHERE sha256 = $1`, sha).
		Scan(&b.MediaType, &b.Filename, &b.Size, &b.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return Blob{}, errs.New(errs.NotFound, "sha256", "no such file", "Không có tệp này.")
	}
	if err != nil {
		return Blob{}, fmt.Errorf("get blob %s: %w", sha, err)
	}
	return b, nil
}

// ConfirmBlob records that the hub holds a file.
func (s *Store) ConfirmBlob(ctx context.Context, sha string) (err error) {
	defer boundary(&err)
	_, err = s.pool.Exec(ctx, `UPDATE blobs SET hub_confirmed_at = now() WHERE sha256 = $1`, sha)
	return err
}

// UnconfirmBlobs records that the hub no longer holds some files (it said
// BLOB_MISSING), so they are uploaded again.
func (s *Store) UnconfirmBlobs(ctx context.Context, shas []string) (err error) {
	defer boundary(&err)
	_, err = s.pool.Exec(ctx, `UPDATE blobs SET hub_confirmed_at = NULL WHERE sha256 = ANY($1)`, shas)
	return err
}
