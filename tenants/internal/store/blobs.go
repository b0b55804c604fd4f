package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"golang.org/x/text/unicode/norm"
)

// MaxBlobSize is the largest file the hub takes (32 MiB).
const MaxBlobSize = 32 << 20

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

// PutBlobAs stores a file under its SHA-256, with the media type detected
// from its content (never from its name, beyond telling office formats and
// CSV apart). HTML, SVG and unrecognised content are refused. Storing a file
// already held stores nothing. Every upload is in the audit log with actor
// (the signed-in user's username in the back office).
func (s *Store) PutBlobAs(ctx context.Context, actor, filename string, data []byte) (Blob, error) {
	if len(data) == 0 {
		return Blob{}, errs.Invalid("file", "the file is empty", "Tệp rỗng.")
	}
	if len(data) > MaxBlobSize {
		return Blob{}, errs.New(errs.TooLarge, "file", "files are at most 32 MiB", "Tệp tối đa 32 MiB.")
	}
	filename = norm.NFC.String(path.Base(strings.ReplaceAll(filename, `\`, "/")))
	if filename == "" || filename == "." || filename == "/" || len([]rune(filename)) > 255 {
		return Blob{}, errs.Invalid("filename", "a file name of 1-255 characters is required", "Tên tệp phải có 1–255 ký tự.")
	}
	mt, err := DetectMediaType(filename, data)
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

// DetectMediaType returns the media type of data, or an
// UnsupportedMediaType error for HTML, SVG and anything not on the list of
// types the portal serves.
func DetectMediaType(filename string, data []byte) (string, error) {
	head := data[:min(len(data), 1024)]
	lower := bytes.ToLower(head)
	if bytes.Contains(lower, []byte("<svg")) || bytes.Contains(lower, []byte("<html")) ||
		bytes.Contains(lower, []byte("<!doctype html")) || bytes.Contains(lower, []byte("<script")) {
		return "", refusedType()
	}
	ext := strings.ToLower(path.Ext(filename))
	detected := http.DetectContentType(data)
	mt, _, _ := strings.Cut(detected, ";")
	switch mt {
	case "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp":
		return mt, nil
	case "application/zip":
		// Office Open XML and OpenDocument files are ZIP archives; no other
		// ZIP archive (.zip, .jar, .apk, ...) is taken.
		return zipOfficeType(ext, data)
	case "text/plain":
		switch ext {
		case ".csv":
			return "text/csv", nil
		case ".json":
			return "application/json", nil
		case ".txt":
			return "text/plain", nil
		}
	case "application/octet-stream":
		// Legacy office files (OLE compound documents).
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
			if t, ok := legacyOfficeTypes[ext]; ok {
				return t, nil
			}
		}
	}
	return "", refusedType()
}

func refusedType() error {
	return errs.New(errs.UnsupportedMediaType, "file",
		"this type of file is not accepted (PDF, images, office documents, CSV; never HTML or SVG)",
		"Không nhận loại tệp này (chỉ nhận PDF, ảnh, tài liệu văn phòng, CSV; không nhận HTML hay SVG).")
}

// ErrArchive refuses a ZIP archive that is no office document.
var ErrArchive = errs.New(errs.UnsupportedMediaType, "file",
	"archives (ZIP, JAR, APK, ...) are not accepted; office documents (.docx, .xlsx, .pptx, .odt, .ods, .odp) are",
	"Không nhận tệp nén (ZIP, JAR, APK…); chỉ nhận tài liệu văn phòng (.docx, .xlsx, .pptx, .odt, .ods, .odp).")

// ErrNotOffice refuses a file named as an office document (.docx, ...)
// that holds none: a ZIP archive without the document's parts.
var ErrNotOffice = errs.New(errs.UnsupportedMediaType, "file",
	"the file is named as an office document but is not one (a ZIP archive without a document inside)",
	"Tệp mang đuôi của tài liệu văn phòng nhưng không phải tài liệu văn phòng (chỉ là tệp nén, không có nội dung văn bản bên trong).")

var officeTypes = map[string]string{
	".docx": mediaDOCX,
	".xlsx": mediaXLSX,
	".pptx": mediaPPTX,
	".odt":  "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".odp":  "application/vnd.oasis.opendocument.presentation",
}

const (
	mediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaPPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// ooxmlMain maps the content type of an Office Open XML package's main part
// (as [Content_Types].xml declares it) to the document's media type. Macro
// -enabled documents and templates are not among them.
var ooxmlMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   mediaDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         mediaXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": mediaPPTX,
}

// odfTypes are the OpenDocument types taken, as the package's mimetype
// entry names them.
var odfTypes = map[string]bool{
	"application/vnd.oasis.opendocument.text":         true,
	"application/vnd.oasis.opendocument.spreadsheet":  true,
	"application/vnd.oasis.opendocument.presentation": true,
}

// zipOfficeType types a ZIP archive by what it holds: an Office Open XML
// document ([Content_Types].xml declaring a Word, Excel or PowerPoint main
// part that the archive holds) or an OpenDocument one (a mimetype entry
// naming a text, spreadsheet or presentation, and content.xml). The type
// comes from the content, so a spreadsheet named .docx is labelled a
// spreadsheet (and the back office refuses the mismatch). A ZIP archive is
// taken only under an office document's name (.docx, .xlsx, .pptx, .odt,
// .ods, .odp): under any other name it is ErrArchive, and under one of those
// without the document inside it is ErrNotOffice.
func zipOfficeType(ext string, data []byte) (string, error) {
	if _, ok := officeTypes[ext]; !ok {
		return "", ErrArchive
	}
	refuse := ErrNotOffice
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", refuse
	}
	entries := map[string]*zip.File{}
	parts := map[string]bool{} // OOXML part names ignore case
	for _, f := range zr.File {
		entries[f.Name] = f
		parts[strings.ToLower(f.Name)] = true
	}
	if f := entries["mimetype"]; f != nil && entries["content.xml"] != nil {
		if b, err := readZipEntry(f, 128); err == nil {
			if t := strings.TrimSpace(string(b)); odfTypes[t] {
				return t, nil
			}
		}
	}
	if f := entries["[Content_Types].xml"]; f != nil {
		b, err := readZipEntry(f, 1<<20)
		if err != nil {
			return "", refuse
		}
		var types struct {
			Overrides []struct {
				PartName    string `xml:"PartName,attr"`
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if err := xml.Unmarshal(b, &types); err != nil {
			return "", refuse
		}
		for _, o := range types.Overrides {
			t, ok := ooxmlMain[strings.ToLower(strings.TrimSpace(o.ContentType))]
			if ok && parts[strings.ToLower(strings.TrimPrefix(o.PartName, "/"))] {
				return t, nil
			}
		}
	}
	return "", refuse
}

// readZipEntry reads an archive entry of at most limit bytes.
func readZipEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, errors.New("zip entry too large")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New("zip entry too large")
	}
	return b, nil
}

var legacyOfficeTypes = map[string]string{
	".doc": "application/msword",
	".xls": "application/vnd.ms-excel",
	".ppt": "application/vnd.ms-powerpoint",
}

// BlobsToUpload returns those of the given files the hub has not confirmed.
func (s *Store) BlobsToUpload(ctx context.Context, shas []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT sha256 FROM blobs WHERE sha256 = ANY($1) AND hub_confirmed_at IS NULL`, shas)
	if err != nil {
		return nil, fmt.Errorf("blobs to upload: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// GetBlob returns a stored file with its data.
func (s *Store) GetBlob(ctx context.Context, sha string) (Blob, error) {
	b := Blob{SHA256: sha}
	err := s.pool.QueryRow(ctx, `SELECT media_type, filename, size, data FROM blobs WHERE sha256 = $1`, sha).
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
func (s *Store) ConfirmBlob(ctx context.Context, sha string) error {
	_, err := s.pool.Exec(ctx, `UPDATE blobs SET hub_confirmed_at = now() WHERE sha256 = $1`, sha)
	return err
}

// UnconfirmBlobs records that the hub no longer holds some files (it said
// BLOB_MISSING), so they are uploaded again.
func (s *Store) UnconfirmBlobs(ctx context.Context, shas []string) error {
	_, err := s.pool.Exec(ctx, `UPDATE blobs SET hub_confirmed_at = NULL WHERE sha256 = ANY($1)`, shas)
	return err
}
