// Package api is the sub-portal's HTTP JSON API: approve items, take them
// out of the public, upload files, and see what reached the hub. Callers
// present one static token (SUBPORTAL_API_TOKEN) as a Bearer token; the back
// office's accounts and sessions do not apply here.
package api

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/lifecycle"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/rs/zerolog"
	"google.golang.org/protobuf/encoding/protojson"
)

// MaxItemBody bounds a JSON item (the hub takes 4 MiB messages).
const MaxItemBody = 4 << 20

// maxSmallBody bounds the JSON of withdraw, redirect and gone.
const maxSmallBody = 64 << 10

// Config configures the API.
type Config struct {
	Store *store.Store
	// Token is the static API token; requests carry it as a Bearer token.
	Token string
	Log   zerolog.Logger
}

// Server serves the API.
type Server struct {
	store *store.Store
	token []byte
	log   zerolog.Logger
}

// New returns the API server.
func New(cfg Config) *Server {
	return &Server{store: cfg.Store, token: []byte(cfg.Token), log: cfg.Log}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register installs the API routes on mux.
func (s *Server) Register(mux *http.ServeMux) {
	for pattern, h := range map[string]handlerFunc{
		"POST /api/items":               s.createItem,
		"GET /api/items":                s.listItems,
		"GET /api/items/{id}":           s.getItem,
		"POST /api/items/{id}/withdraw": s.withdraw,
		"POST /api/items/{id}/redirect": s.redirect,
		"POST /api/items/{id}/gone":     s.gone,
		"POST /api/blobs":               s.uploadBlob,
		"GET /api/outbox":               s.listOutbox,
	} {
		mux.Handle(pattern, s.wrap(h))
	}
	mux.Handle("/api/", s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "", "no such API endpoint", "Không có địa chỉ API này.")
	}))
}

// wrap checks the token and renders errors as problem documents.
func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			writeError(w, r, s.log, errs.New(errs.Unauthenticated, "", "a valid API token is required (Authorization: Bearer <token>)",
				"Cần mã truy cập API hợp lệ (Authorization: Bearer <token>)."))
			return
		}
		// PostgreSQL cannot keep a NUL or bytes that are not UTF-8: the
		// path and query never reach it with them.
		if err := store.CheckStorable("path", r.URL.Path); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if err := store.CheckStorableValues(r.URL.Query()); err != nil {
			writeError(w, r, s.log, err)
			return
		}
		if err := h(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	})
}

func (s *Server) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || len(s.token) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), s.token) == 1
}

// decodeJSON reads a JSON object of at most limit bytes into v, refusing
// unknown fields and anything but white space after the object (a second
// object would otherwise be ignored, or stored by a proxy that reads it).
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.New(errs.TooLarge, "", "request body too large", "Nội dung gửi lên quá lớn (tối đa "+strconv.FormatInt(limit>>10, 10)+" KiB).")
		}
		return errs.Invalid("", "cannot read the request body", "Không đọc được nội dung gửi lên.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Invalid("", "malformed JSON: "+err.Error(), "JSON không hợp lệ: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return errs.Invalid("", "trailing data after the JSON object: send exactly one object",
			"Có dữ liệu thừa sau đối tượng JSON: chỉ gửi đúng một đối tượng.")
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return errs.Invalid("", "malformed JSON: "+err.Error(), "JSON không hợp lệ: "+err.Error())
	}
	return storableJSON("", doc)
}

// storableJSON refuses a decoded JSON document holding a string that
// PostgreSQL cannot keep (a NUL, written \u0000), naming where it is
// (translations[0].title). Invalid UTF-8 cannot survive JSON decoding.
func storableJSON(path string, v any) error {
	switch v := v.(type) {
	case string:
		return store.CheckStorable(path, v)
	case []any:
		for i, e := range v {
			if err := storableJSON(path+"["+strconv.Itoa(i)+"]", e); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			name := k
			if path != "" {
				name = path + "." + k
			}
			if err := store.CheckStorable(name, k); err != nil {
				return err
			}
			if err := storableJSON(name, v[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

type createResponse struct {
	ContentID string `json:"content_id"`
	Version   uint64 `json:"version"`
	Changed   bool   `json:"changed"`
}

// ParseItem reads the API's item format, decoded into fields: a
// pb.ContentItem in protojson form without version, plus "author" and
// "approver" (names, strings; either may be missing). subportal publish -f
// reads the same format.
func ParseItem(fields map[string]json.RawMessage) (item *pb.ContentItem, author, approver string, err error) {
	for name, dst := range map[string]*string{"author": &author, "approver": &approver} {
		if raw, ok := fields[name]; ok {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, "", "", errs.Invalid(name, name+" must be a string (a person's name)", "Trường "+name+" phải là tên người (chuỗi).")
			}
			delete(fields, name)
		}
		*dst = strings.TrimSpace(*dst)
	}
	if _, ok := fields["version"]; ok {
		return nil, "", "", errs.Invalid("version", "version is assigned by the sub-portal; leave it out", "Không gửi trường version: phiên bản do cổng thành phần cấp.")
	}
	rest, _ := json.Marshal(fields)
	item = &pb.ContentItem{}
	if err := protojson.Unmarshal(rest, item); err != nil {
		return nil, "", "", errs.Invalid("", "the item does not match the ContentItem contract: "+err.Error(),
			"Nội dung không đúng cấu trúc ContentItem: "+err.Error())
	}
	return item, author, approver, nil
}

// createItem approves an item in the format of ParseItem, author and
// approver required.
func (s *Server) createItem(w http.ResponseWriter, r *http.Request) error {
	lifecycle.AllowTransfer(w, MaxItemBody) // the caller is authorised (wrap)
	var fields map[string]json.RawMessage
	if err := decodeJSON(w, r, MaxItemBody, &fields); err != nil {
		return err
	}
	item, author, approver, err := ParseItem(fields)
	if err != nil {
		return err
	}
	if author == "" {
		return errs.Invalid("author", "author is required: who wrote the item", "Thiếu người viết (author).")
	}
	if approver == "" {
		return errs.Invalid("approver", "approver is required: who approved the item (Art. 7.5)", "Thiếu người phê duyệt (approver) — nội dung phải được phê duyệt trước khi đăng (Điều 7.5).")
	}
	in := store.ChangeFromItem(item)
	if len(in.Authors) == 0 {
		in.Authors = []*pb.Person{{Name: author}}
	}
	in.Approver = &pb.Person{Name: approver}
	v, changed, err := s.store.ApproveIfChanged(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !changed {
		status = http.StatusOK
	}
	writeJSON(w, status, createResponse{ContentID: in.ContentID, Version: v, Changed: changed})
	return nil
}

type withdrawRequest struct {
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
}

type redirectRequest struct {
	Successor *struct {
		Tenant    string `json:"tenant"`
		ContentID string `json:"content_id"`
	} `json:"successor"`
	SuccessorURL string `json:"successor_url"`
	Approver     string `json:"approver"`
}

type goneRequest struct {
	Approver string `json:"approver"`
}

func needApprover(name string) error {
	if strings.TrimSpace(name) == "" {
		return errs.Invalid("approver", "approver is required", "Thiếu người phê duyệt (approver).")
	}
	return nil
}

func (s *Server) unpublish(w http.ResponseWriter, r *http.Request, state pb.PublicationState, u *pb.Unpublishing, approver string) error {
	if err := needApprover(approver); err != nil {
		return err
	}
	id := r.PathValue("id")
	v, err := s.store.Unpublish(r.Context(), store.UnpublishInput{
		ContentID: id, State: state, Unpublishing: u, Approver: &pb.Person{Name: strings.TrimSpace(approver)}})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, createResponse{ContentID: id, Version: v, Changed: true})
	return nil
}

func (s *Server) withdraw(w http.ResponseWriter, r *http.Request) error {
	var req withdrawRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	return s.unpublish(w, r, pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, &pb.Unpublishing{Reason: req.Reason}, req.Approver)
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request) error {
	var req redirectRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	u := &pb.Unpublishing{SuccessorUrl: req.SuccessorURL}
	if req.Successor != nil {
		u.Successor = &pb.ContentRef{Tenant: req.Successor.Tenant, ContentId: req.Successor.ContentID}
	}
	return s.unpublish(w, r, pb.PublicationState_PUBLICATION_STATE_REDIRECTED, u, req.Approver)
}

func (s *Server) gone(w http.ResponseWriter, r *http.Request) error {
	var req goneRequest
	if err := decodeJSON(w, r, maxSmallBody, &req); err != nil {
		return err
	}
	return s.unpublish(w, r, pb.PublicationState_PUBLICATION_STATE_GONE, nil, req.Approver)
}

// uploadBlob stores the multipart part "file" and answers its SHA-256.
func (s *Server) uploadBlob(w http.ResponseWriter, r *http.Request) error {
	const limit = contentrules.MaxFileSize + 1<<20
	lifecycle.AllowTransfer(w, limit) // the caller is authorised (wrap)
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return errs.Invalid("file", "expected a multipart/form-data upload with a part named file",
			"Cần tải lên dạng multipart/form-data với trường tên là file.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return errs.Invalid("file", "no part named file", "Không có trường file trong nội dung tải lên.")
		}
		if err != nil {
			return tooLargeOr(err, errs.Invalid("file", "malformed multipart upload", "Nội dung tải lên không hợp lệ."))
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, contentrules.MaxFileSize+1))
		if err != nil {
			return tooLargeOr(err, errs.Invalid("file", "cannot read the file", "Không đọc được tệp."))
		}
		b, err := s.store.PutBlob(r.Context(), part.FileName(), data)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, b)
		return nil
	}
}

// tooLargeOr returns the file policy's TOO_LARGE refusal when err says the
// upload was cut off at its limit (the file was over MaxFileSize), else
// other.
func tooLargeOr(err error, other error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return store.RefuseFile(contentrules.CheckFileSize(contentrules.MaxFileSize + 1))
	}
	return other
}

type itemView struct {
	ContentID string           `json:"content_id"`
	Kind      string           `json:"kind"`
	Category  string           `json:"category"`
	State     string           `json:"state"`
	Version   uint64           `json:"version"`
	UpdatedAt time.Time        `json:"updated_at"`
	Push      *store.OutboxRow `json:"push,omitempty"`
	Item      json.RawMessage  `json:"item,omitempty"`
	Versions  []store.Version  `json:"versions,omitempty"`
}

func view(it store.Item) itemView {
	return itemView{ContentID: it.ContentID, Kind: it.Kind, Category: it.Category, State: it.State,
		Version: it.Version, UpdatedAt: it.UpdatedAt, Push: it.Push}
}

func (s *Server) listItems(w http.ResponseWriter, r *http.Request) error {
	n, err := limit(r)
	if err != nil {
		return err
	}
	items, err := s.store.List(r.Context(), n)
	if err != nil {
		return err
	}
	out := make([]itemView, 0, len(items))
	for _, it := range items {
		out = append(out, view(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) error {
	it, err := s.store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := view(it)
	v.Item, _ = protojson.Marshal(it.Doc)
	if v.Versions, err = s.store.Versions(r.Context(), it.ContentID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) error {
	st := r.URL.Query().Get("status")
	switch st {
	case "", store.StatusPending, store.StatusDelivered, store.StatusRefused:
	default:
		return errs.Invalid("status", "status must be pending, delivered or refused", "Tham số status phải là pending, delivered hoặc refused.")
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	rows, err := s.store.ListOutbox(r.Context(), st, n)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []store.OutboxRow{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"outbox": rows})
	return nil
}

// Lists answer defaultLimit rows unless limit (1 to maxLimit) says
// otherwise.
const (
	defaultLimit = 200
	maxLimit     = 1000
)

// limit reads the list's limit parameter: absent is defaultLimit; given, it
// must be one integer from 1 to maxLimit, else the request is refused
// (never silently served with another limit).
func limit(r *http.Request) (int, error) {
	vs, ok := r.URL.Query()["limit"]
	if !ok {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(vs[0])
	if len(vs) != 1 || err != nil || n < 1 || n > maxLimit {
		return 0, errs.Invalid("limit", fmt.Sprintf("limit must be one whole number from 1 to %d", maxLimit),
			fmt.Sprintf("Tham số limit phải là một số nguyên từ 1 đến %d.", maxLimit))
	}
	return n, nil
}

// Handler returns the API and the ops endpoints on one mux.
func (s *Server) Handler(ops *lifecycle.Ops) http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	if ops != nil {
		mux.Handle("GET /healthz", ops.HealthzHandler())
		mux.Handle("GET /readyz", ops.ReadyzHandler())
		mux.Handle("GET /metrics", ops.MetricsHandler())
	}
	return mux
}
