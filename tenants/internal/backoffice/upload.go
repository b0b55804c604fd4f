package backoffice

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/store"
)

// upload is a file of a submitted form, checked and ready to store.
type upload struct {
	Field     string
	Filename  string
	MediaType string
	Data      []byte
}

// extTypes are the media types a file name's extension promises. A file
// whose content (as store.DetectMediaType reads it) is of another type is
// refused: a "report.pdf" that is a PNG is not what its name says.
var extTypes = map[string][]string{
	".pdf":  {"application/pdf"},
	".png":  {"image/png"},
	".jpg":  {"image/jpeg"},
	".jpeg": {"image/jpeg"},
	".gif":  {"image/gif"},
	".webp": {"image/webp"},
	".csv":  {"text/csv"},
	".json": {"application/json"},
	".txt":  {"text/plain"},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
	".odt":  {"application/vnd.oasis.opendocument.text"},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet"},
	".odp":  {"application/vnd.oasis.opendocument.presentation"},
	".doc":  {"application/msword"},
	".xls":  {"application/vnd.ms-excel"},
	".ppt":  {"application/vnd.ms-powerpoint"},
}

// neverExt are refused by name whatever they hold.
var neverExt = map[string]bool{".svg": true, ".svgz": true, ".html": true, ".htm": true, ".xhtml": true,
	".xml": true, ".js": true, ".exe": true}

// typeLabel names a media type for people.
func typeLabel(l *Localizer, mt string) string {
	if l.Has("type." + mt) {
		return l.T("type." + mt)
	}
	return mt
}

// readUploads checks every file of the named multipart fields: size, type
// from the content, and agreement with the name. Problems are recorded
// against the field's input id; nothing is stored here.
func (s *Server) readUploads(r *http.Request, l *Localizer, fe *FormErrors, fields ...string) []upload {
	if r.MultipartForm == nil {
		return nil
	}
	var out []upload
	for _, field := range fields {
		for _, fh := range r.MultipartForm.File[field] {
			u, msg := s.readUpload(l, field, fh)
			if msg != "" {
				fe.Add(field, msg)
				continue
			}
			out = append(out, u)
		}
	}
	return out
}

func (s *Server) readUpload(l *Localizer, field string, fh *multipart.FileHeader) (upload, string) {
	name := path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if name == "" || name == "." || name == "/" {
		return upload{}, l.T("upload.no_name")
	}
	if fh.Size > s.cfg.MaxUploadBytes {
		return upload{}, l.T("upload.too_large", name, mib(s.cfg.MaxUploadBytes))
	}
	ext := strings.ToLower(path.Ext(name))
	if neverExt[ext] {
		return upload{}, l.T("upload.type_refused", name)
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, l.T("upload.unreadable", name)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return upload{}, l.T("upload.unreadable", name)
	}
	if int64(len(data)) > s.cfg.MaxUploadBytes {
		return upload{}, l.T("upload.too_large", name, mib(s.cfg.MaxUploadBytes))
	}
	if len(data) == 0 {
		return upload{}, l.T("upload.empty", name)
	}
	mt, err := store.DetectMediaType(name, data)
	switch {
	case errors.Is(err, store.ErrArchive):
		return upload{}, l.T("upload.archive_refused", name)
	case errors.Is(err, store.ErrNotOffice):
		return upload{}, l.T("upload.not_office", name, ext)
	case err != nil:
		return upload{}, l.T("upload.type_refused", name)
	}
	if want, ok := extTypes[ext]; ok && !contains(want, mt) {
		return upload{}, l.T("upload.mismatch", name, ext, typeLabel(l, mt))
	}
	return upload{Field: field, Filename: name, MediaType: mt, Data: data}, ""
}
