package backoffice

import (
	"io"
	"mime/multipart"
	"net/http"

	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// upload is a file of a submitted form, checked and ready to store.
type upload struct {
	Field     string
	Filename  string
	MediaType string
	Data      []byte
}

// readUploads checks every file of the named multipart fields: size, then
// the portal's one file policy (store.CheckFile: the name, the type from
// the content and its agreement with the name). Problems are recorded
// against the field's input id; nothing is stored here.
func (s *Server) readUploads(r *http.Request, l *Localizer, fe *FormErrors, fields ...string) []upload {
	if r.MultipartForm == nil {
		return nil
	}
	var out []upload
	for _, field := range fields {
		for _, fh := range r.MultipartForm.File[field] {
			u, msg := s.readUpload(r, l, field, fh)
			if msg != "" {
				fe.Add(field, msg)
				continue
			}
			out = append(out, u)
		}
	}
	return out
}

func (s *Server) readUpload(r *http.Request, l *Localizer, field string, fh *multipart.FileHeader) (upload, string) {
	if fh.Size > s.cfg.MaxUploadBytes {
		return upload{}, l.T("upload.too_large", fh.Filename, mib(s.cfg.MaxUploadBytes))
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, l.T("upload.unreadable", fh.Filename)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadBytes+1))
	if err != nil {
		return upload{}, l.T("upload.unreadable", fh.Filename)
	}
	if int64(len(data)) > s.cfg.MaxUploadBytes {
		return upload{}, l.T("upload.too_large", fh.Filename, mib(s.cfg.MaxUploadBytes))
	}
	name, mt, err := store.CheckFile(fh.Filename, data)
	if err != nil {
		if e := errs.As(err); e != nil {
			return upload{}, s.message(r, e)
		}
		return upload{}, l.T("upload.unreadable", fh.Filename)
	}
	return upload{Field: field, Filename: name, MediaType: mt, Data: data}, ""
}
