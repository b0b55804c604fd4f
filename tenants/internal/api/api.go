// Package api is the sub-portal's HTTP JSON API: submit and approve items,
// take them out of the public, upload files, and see what reached the hub.
// A caller presents a personal API token (accounts.APIToken) as a Bearer
// token and acts as the back-office account that holds it, with that
// account's roles at the time of the call: an approver's item is approved
// under the approver's name, an author's or editor's goes into the
// editorial workflow as a revision submitted for approval, exactly as if
// it had been written in the back office.
package api

import (
	"bytes"
	"context"
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
	"github.com/portalhub/portalhub/tenants/internal/accounts"
	"github.com/portalhub/portalhub/tenants/internal/editorial"
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
	// Accounts knows the personal API tokens and their accounts.
	Accounts *accounts.Store
	// Editorial takes the items of callers who may not approve them.
	Editorial *editorial.Service
	Log       zerolog.Logger
}

// Server serves the API.
type Server struct {
	store     *store.Store
	accounts  *accounts.Store
	editorial *editorial.Service
	log       zerolog.Logger
}

// New returns the API server.
func New(cfg Config) *Server {
	return &Server{store: cfg.Store, accounts: cfg.Accounts, editorial: cfg.Editorial, log: cfg.Log}
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register installs the API routes on mux.
func (s *Server) Register(mux *http.ServeMux) {
	for pattern, h := range map[string]handlerFunc{
		"POST /api/items":                  s.createItem,
		"GET /api/items":                   s.listItems,
		"GET /api/items/{id}":              s.getItem,
		"POST /api/items/{id}/withdraw":    s.withdraw,
		"POST /api/items/{id}/redirect":    s.redirect,
		"POST /api/items/{id}/gone":        s.gone,
		"POST /api/blobs":                  s.uploadBlob,
		"GET /api/outbox":                  s.listOutbox,
		"GET /api/me":                      s.me,
		"GET /api/revisions/{id}":          s.getRevision,
		"POST /api/revisions/{id}/approve": s.approveRevision,
	} {
		mux.Handle(pattern, s.wrap(h))
	}
	mux.Handle("/api/", s.wrap(func(w http.ResponseWriter, r *http.Request) error {
		return errs.New(errs.NotFound, "", "no such API endpoint", "Không có địa chỉ API này.")
	}))
}

// wrap authenticates the caller and renders errors as problem documents.
func (s *Server) wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := s.authenticate(r)
		if err != nil {
			writeError(w, r, s.log, err)
			return
		}
		r = r.WithContext(ctx)
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

type callerKey struct{}

// caller is who a request acts as.
type caller struct {
	account accounts.Account
	token   accounts.APIToken
}

// authenticate returns the request's context with the account its bearer
// token acts as.
func (s *Server) authenticate(r *http.Request) (context.Context, error) {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || s.accounts == nil {
		return nil, accounts.ErrAPIToken
	}
	acc, tok, err := s.accounts.APITokenAccount(r.Context(), strings.TrimSpace(got))
	if err != nil {
		return nil, err
	}
	return context.WithValue(r.Context(), callerKey{}, caller{account: acc, token: tok}), nil
}

// callerOf is the account a request acts as (wrap put it there).
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// person is how an account is named in a push.
func person(acc accounts.Account) *pb.Person {
	return &pb.Person{Name: acc.DisplayName, Account: acc.Username}
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
	// Version is the approved version; 0 while a revision waits for approval.
	Version uint64 `json:"version,omitempty"`
	Changed bool   `json:"changed"`
	// State is "approved", or "submitted" for a revision waiting for approval.
	State string `json:"state"`
	// Revision is the editorial revision waiting for approval.
	Revision  int64  `json:"revision,omitempty"`
	Message   string `json:"message,omitempty"`
	MessageVI string `json:"message_vi,omitempty"`
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

// createItem takes an item in the format of ParseItem (without approver:
// the approver is the token's account). An approver's token approves it at
// once (201, or 200 when the content is unchanged); any other editorial
// role submits it for approval as a revision of the workflow (202), after
// the same checks the approval will make, so what would be refused is
// refused now. author names the writer when the item names no authors;
// the token's account by default.
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
	if err := noTypedApprover(approver); err != nil {
		return err
	}
	c := callerOf(r)
	in := store.ChangeFromItem(item)
	if len(in.Authors) == 0 {
		in.Authors = []*pb.Person{person(c.account)}
		if author != "" {
			in.Authors = []*pb.Person{{Name: author}}
		}
	}
	in.Approver = person(c.account)
	if !c.account.Has(accounts.RoleApprover) {
		return s.submit(w, r, c, in)
	}
	v, changed, err := s.store.ApproveIfChanged(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !changed {
		status = http.StatusOK
	}
	writeJSON(w, status, createResponse{ContentID: in.ContentID, Version: v, Changed: changed, State: "approved"})
	return nil
}

// submit puts in into the editorial workflow as a revision of c's,
// submitted for approval.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, c caller, in store.ChangeInput) error {
	changed, err := s.store.CheckApproval(r.Context(), in)
	if err != nil {
		return err
	}
	if !changed {
		it, err := s.store.Get(r.Context(), in.ContentID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, createResponse{ContentID: in.ContentID, Version: it.Version, Changed: false, State: "approved"})
		return nil
	}
	item, err := in.Item()
	if err != nil {
		return err
	}
	rev, err := s.editorial.SaveDraft(r.Context(), c.account, 0, editorial.ChangeFromItem(item), nil)
	if err != nil {
		return err
	}
	if rev, err = s.editorial.Submit(r.Context(), c.account, rev.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, submitted(rev))
	return nil
}

// submitted is the answer for a revision that waits for an approver.
func submitted(rev editorial.Revision) createResponse {
	return createResponse{ContentID: rev.ContentID, Changed: true, State: string(rev.State), Revision: rev.ID,
		Message:   "submitted for approval: an approver approves it in the back office",
		MessageVI: fmt.Sprintf("Đã gửi duyệt (bản số %d): người duyệt phê duyệt trong trang quản trị trước khi nội dung được đăng.", rev.Number)}
}

// noTypedApprover refuses an approver named in the request: who approves is
// the account of the token, never a name typed into the request.
func noTypedApprover(name string) error {
	if strings.TrimSpace(name) == "" {
		return nil
	}
	return errs.Invalid("approver", "leave approver out: the approver is the account of the API token (an approver's token approves, any other is submitted for approval)",
		"Không gửi trường approver: người phê duyệt là chủ tài khoản của mã truy cập API (mã của người duyệt thì phê duyệt, mã khác thì gửi duyệt).")
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

// unpublish takes an item out of the public: at once with an approver's
// token, else as a request to unpublish submitted for approval (editors;
// the workflow refuses authors).
func (s *Server) unpublish(w http.ResponseWriter, r *http.Request, state pb.PublicationState, u *pb.Unpublishing, approver string) error {
	if err := noTypedApprover(approver); err != nil {
		return err
	}
	c := callerOf(r)
	id := r.PathValue("id")
	in := store.UnpublishInput{ContentID: id, State: state, Unpublishing: u, Approver: person(c.account)}
	if c.account.Has(accounts.RoleApprover) {
		v, err := s.store.Unpublish(r.Context(), in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, createResponse{ContentID: id, Version: v, Changed: true, State: "approved"})
		return nil
	}
	rev, err := s.editorial.RequestUnpublish(r.Context(), c.account, id, state, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, submitted(rev))
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

// revisionID parses the {id} of a revision's path.
func revisionID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Invalid("id", "a revision is named by its number, as POST /api/items answered it", "Bản được gọi bằng số hiệu (revision) mà POST /api/items đã trả về.")
	}
	return id, nil
}

type revisionView struct {
	Revision  int64      `json:"revision"`
	ContentID string     `json:"content_id"`
	Number    int        `json:"number"`
	State     string     `json:"state"`
	Author    string     `json:"author"`
	Comment   string     `json:"comment,omitempty"`
	Version   uint64     `json:"version,omitempty"`
	Approver  string     `json:"approver,omitempty"`
	Approved  *time.Time `json:"approved_at,omitempty"`
}

// getRevision shows where a submitted revision is in the workflow:
// submitted, returned (with the reviewer's comment), approved (with its
// version), ...
func (s *Server) getRevision(w http.ResponseWriter, r *http.Request) error {
	id, err := revisionID(r)
	if err != nil {
		return err
	}
	rev, err := s.editorial.Get(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, revisionView{Revision: rev.ID, ContentID: rev.ContentID, Number: rev.Number, State: string(rev.State),
		Author: rev.AuthorUsername, Comment: rev.Comment, Version: rev.HubVersion, Approver: rev.ApproverUsername, Approved: rev.ApprovedAt})
	return nil
}

// approveRevision approves a submitted revision as the token's account,
// under the workflow's rules (an approver; not their own work unless the
// board allows it).
func (s *Server) approveRevision(w http.ResponseWriter, r *http.Request) error {
	id, err := revisionID(r)
	if err != nil {
		return err
	}
	rev, err := s.editorial.ApproveWith(r.Context(), callerOf(r).account, id, editorial.Approval{})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createResponse{ContentID: rev.ContentID, Version: rev.HubVersion, Changed: true, State: string(rev.State), Revision: rev.ID})
	return nil
}

// me says who the token acts as: the account, its roles and the token.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	c := callerOf(r)
	roles := make([]string, 0, len(c.account.Roles))
	for _, role := range c.account.Roles {
		roles = append(roles, string(role))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"username": c.account.Username, "display_name": c.account.DisplayName, "roles": roles,
		"token":       map[string]any{"id": c.token.ID, "name": c.token.Name, "expires_at": c.token.ExpiresAt},
		"may_approve": c.account.Has(accounts.RoleApprover),
	})
	return nil
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
	// HubTakedown is the hub's takedown of the item (Art. 7.5), when it
	// took it down or lifted a takedown.
	HubTakedown *store.HubTakedown `json:"hub_takedown,omitempty"`
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
	if v.HubTakedown, err = s.store.HubTakedownOf(r.Context(), it.ContentID); err != nil {
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
