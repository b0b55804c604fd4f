package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Approve records an approved change of an item: the item's new current
// state, a new version (one above every version the item ever had, and above
// what the hub was seen holding), and the outbox row that will push it, all
// in one transaction. It returns the version.
func (s *Store) Approve(ctx context.Context, in ChangeInput) (_ uint64, err error) {
	defer boundary(&err)
	v, _, err := s.approve(ctx, in, false)
	return v, err
}

// ApproveIfChanged is Approve, except that a change whose content equals the
// item's current approved content (people aside) records nothing and returns
// the current version with changed false.
func (s *Store) ApproveIfChanged(ctx context.Context, in ChangeInput) (version uint64, changed bool, err error) {
	defer boundary(&err)
	return s.approve(ctx, in, true)
}

// CheckApproval answers what ApproveIfChanged would answer for in, without
// recording anything: the same refusal, or whether the content differs
// from the item's current approved content. It runs the approval in a
// transaction that it rolls back, so the verdict is the approval's own. The
// API uses it to refuse at once what a revision submitted for approval
// would be refused for later.
func (s *Store) CheckApproval(ctx context.Context, in ChangeInput) (changed bool, err error) {
	defer boundary(&err)
	item, err := in.Item()
	if err != nil {
		return false, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("check %s: %w", item.GetContentId(), err)
	}
	defer tx.Rollback(ctx)
	_, changed, err = s.changeTx(ctx, tx, item.GetContentId(), "approve", item.GetApprover().GetName(), true, nil, approveBuild(item))
	return changed, err
}

// ApproveOptions are the editorial workflow's additions to an approval.
type ApproveOptions struct {
	// PublishAt, when set, holds the push back until then: the outbox row's
	// publish_at, which the relay waits for (scheduled publishing). A first
	// publication without PublishedAt is dated PublishAt.
	PublishAt *time.Time
	// Actor is who the audit log names; the approver's name when empty.
	Actor string
}

// ApproveTx is Approve inside the caller's transaction, so that the
// caller's own records of the approval commit or roll back with the item,
// its version and its outbox row. It does not commit.
func (s *Store) ApproveTx(ctx context.Context, tx pgx.Tx, in ChangeInput, opt ApproveOptions) (_ uint64, err error) {
	defer boundary(&err)
	item, err := in.Item()
	if err != nil {
		return 0, err
	}
	v, _, err := s.changeTx(ctx, tx, item.GetContentId(), "approve", actorOr(opt.Actor, item.GetApprover().GetName()), false, opt.PublishAt,
		approveBuild(item))
	return v, err
}

func (s *Store) approve(ctx context.Context, in ChangeInput, onlyIfChanged bool) (uint64, bool, error) {
	item, err := in.Item()
	if err != nil {
		return 0, false, err
	}
	return s.change(ctx, item.GetContentId(), "approve", item.GetApprover().GetName(), onlyIfChanged, approveBuild(item))
}

// buildFunc makes an item's new state from its current one (nil for a new
// item), inside the transaction that holds the item's lock.
type buildFunc func(ctx context.Context, tx pgx.Tx, cur *pb.ContentItem) (*pb.ContentItem, error)

func approveBuild(item *pb.ContentItem) buildFunc {
	return func(_ context.Context, _ pgx.Tx, cur *pb.ContentItem) (*pb.ContentItem, error) {
		if item.PublishedAt == nil && cur != nil {
			item.PublishedAt = cur.GetPublishedAt()
		}
		return item, nil
	}
}

func actorOr(actor, fallback string) string {
	if actor != "" {
		return actor
	}
	return fallback
}

// UnpublishInput takes an item out of the public: withdrawn (with a reason),
// redirected (to a successor) or gone. It is an approved change too.
type UnpublishInput struct {
	ContentID    string
	State        pb.PublicationState
	Unpublishing *pb.Unpublishing
	Approver     *pb.Person
	// Editor is who proposed or reviewed the change (editorial workflow);
	// nil names none.
	Editor *pb.Person
}

// Unpublish records a new version of an existing item in the given state,
// with its outbox row, and returns the version.
func (s *Store) Unpublish(ctx context.Context, in UnpublishInput) (_ uint64, err error) {
	defer boundary(&err)
	if err := checkUnpublishState(in.State); err != nil {
		return 0, err
	}
	v, _, err := s.change(ctx, in.ContentID, unpublishAction(in.State), in.Approver.GetName(), false, unpublishBuild(in))
	return v, err
}

// UnpublishTx is Unpublish inside the caller's transaction (see ApproveTx).
// It does not commit.
func (s *Store) UnpublishTx(ctx context.Context, tx pgx.Tx, in UnpublishInput, opt ApproveOptions) (_ uint64, err error) {
	defer boundary(&err)
	if err := checkUnpublishState(in.State); err != nil {
		return 0, err
	}
	v, _, err := s.changeTx(ctx, tx, in.ContentID, unpublishAction(in.State), actorOr(opt.Actor, in.Approver.GetName()), false,
		opt.PublishAt, unpublishBuild(in))
	return v, err
}

func checkUnpublishState(st pb.PublicationState) error {
	switch st {
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, pb.PublicationState_PUBLICATION_STATE_REDIRECTED, pb.PublicationState_PUBLICATION_STATE_GONE:
		return nil
	}
	return errs.Invalid("state", "state must be withdrawn, redirected or gone", "Trạng thái phải là gỡ, chuyển hướng hoặc không còn.")
}

func unpublishAction(st pb.PublicationState) string {
	return strings.ToLower(strings.TrimPrefix(st.String(), "PUBLICATION_STATE_"))
}

// unpublishBuild takes the item out of the public from the content that is
// public: its newest due version (see DueVersion), not a version approved
// for a time still to come, whose text must not go out before then. An
// item with no due version (a first publication still scheduled) starts
// from its current state.
func unpublishBuild(in UnpublishInput) buildFunc {
	return func(ctx context.Context, tx pgx.Tx, cur *pb.ContentItem) (*pb.ContentItem, error) {
		if cur == nil {
			return nil, errs.New(errs.NotFound, "content_id", "no such item", "Không có nội dung này.")
		}
		base := cur
		if v, due, err := dueVersion(ctx, tx, in.ContentID); err != nil {
			return nil, err
		} else if v != 0 {
			base = due
		}
		item := proto.Clone(base).(*pb.ContentItem)
		item.State = in.State
		item.Unpublishing = proto.Clone(in.Unpublishing).(*pb.Unpublishing)
		if in.Unpublishing == nil {
			item.Unpublishing = nil
		}
		item.Approver = in.Approver
		item.Editor = in.Editor
		contentrules.NFC(item)
		return item, nil
	}
}

// change runs one approved change in a transaction: it locks the item,
// builds its new state from the current one, assigns the next version and
// writes the item, the version, the outbox row and the audit entry.
func (s *Store) change(ctx context.Context, contentID, action, actor string, onlyIfChanged bool, build buildFunc) (uint64, bool, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("approve %s: %w", contentID, err)
	}
	defer tx.Rollback(ctx)
	v, changed, err := s.changeTx(ctx, tx, contentID, action, actor, onlyIfChanged, nil, build)
	if err != nil || !changed {
		return v, changed, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, false, fmt.Errorf("commit %s/%d: %w", contentID, v, err)
	}
	s.outboxCommitted()
	return v, true, nil
}

// changeTx is change inside tx, which it does not commit. publishAt, when
// set, is the outbox row's due time.
func (s *Store) changeTx(ctx context.Context, tx pgx.Tx, contentID, action, actor string, onlyIfChanged bool, publishAt *time.Time,
	build buildFunc) (uint64, bool, error) {
	// The advisory lock serialises the creation of an item that has no row
	// to lock yet; the row lock serialises every change of an existing one.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, contentID); err != nil {
		return 0, false, fmt.Errorf("lock %s: %w", contentID, err)
	}
	var (
		cur              *pb.ContentItem
		curVersion, seen int64
		maxVersion       int64
		curHash          string
		curDoc           []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT hub_version, hub_seen_version, content_hash, doc,
		       (SELECT coalesce(max(version), 0) FROM item_versions WHERE content_id = $1)
		FROM items WHERE content_id = $1 FOR UPDATE`, contentID).Scan(&curVersion, &seen, &curHash, &curDoc, &maxVersion)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return 0, false, fmt.Errorf("read %s: %w", contentID, err)
	default:
		cur = &pb.ContentItem{}
		if err := protojson.Unmarshal(curDoc, cur); err != nil {
			return 0, false, fmt.Errorf("decode %s: %w", contentID, err)
		}
	}

	item, err := build(ctx, tx, cur)
	if err != nil {
		return 0, false, err
	}
	if item.GetContentId() != contentID {
		return 0, false, errs.Invalid("content_id", "content_id does not match", "Mã nội dung không khớp.")
	}
	missing, err := s.resolveAttachments(ctx, tx, item)
	if err != nil {
		return 0, false, err
	}
	if item.PublishedAt == nil && publishAt != nil {
		item.PublishedAt = timestamppb.New(publishAt.Truncate(time.Second))
	}
	if item.PublishedAt == nil {
		item.PublishedAt = timestamppb.New(time.Now().Truncate(time.Second))
	}
	next := max(curVersion, seen, maxVersion) + 1
	item.Version = uint64(next)
	// The item as it will be pushed: refused now for whatever the hub
	// would refuse it for, then for a file that was never uploaded (which
	// the hub would refuse as BLOB_MISSING).
	cats, err := categories(ctx, tx)
	if err != nil {
		return 0, false, err
	}
	if err := checkRules(item, missing, contentrules.CategoriesOf(cats)); err != nil {
		return 0, false, err
	}
	if missing >= 0 {
		return 0, false, errs.Refused(fmt.Sprintf("attachments[%d].sha256", missing), contentrules.ReasonBlobMissing,
			"no file with this SHA-256 was uploaded", "Tệp đính kèm chưa được tải lên (không có tệp với mã SHA-256 này).")
	}
	if err := checkChart(ctx, tx, item); err != nil {
		return 0, false, err
	}
	hash := contentHash(item)
	if onlyIfChanged && cur != nil && hash == curHash {
		return uint64(curVersion), false, nil
	}
	doc, err := protojson.Marshal(item)
	if err != nil {
		return 0, false, fmt.Errorf("encode %s: %w", contentID, err)
	}
	payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(item)
	if err != nil {
		return 0, false, fmt.Errorf("encode %s: %w", contentID, err)
	}
	kind := strings.TrimPrefix(item.GetKind().String(), "CONTENT_KIND_")
	state := strings.TrimPrefix(item.GetState().String(), "PUBLICATION_STATE_")
	if cur == nil {
		_, err = tx.Exec(ctx, `
			INSERT INTO items (content_id, kind, category, state, hub_version, doc, content_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			contentID, kind, item.GetCategory(), state, next, doc, hash)
	} else {
		_, err = tx.Exec(ctx, `
			UPDATE items SET kind = $2, category = $3, state = $4, hub_version = $5, doc = $6,
			       content_hash = $7, updated_at = now()
			WHERE content_id = $1`,
			contentID, kind, item.GetCategory(), state, next, doc, hash)
	}
	if err != nil {
		return 0, false, fmt.Errorf("write %s: %w", contentID, err)
	}
	authors, _ := json.Marshal(people(item.GetAuthors()))
	if _, err := tx.Exec(ctx, `
		INSERT INTO item_versions (content_id, version, doc, content_hash, state, authors, editor, approver)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		contentID, next, doc, hash, state, authors, item.GetEditor().GetName(), item.GetApprover().GetName()); err != nil {
		return 0, false, fmt.Errorf("write version %s/%d: %w", contentID, next, err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO outbox (content_id, version, payload, publish_at) VALUES ($1, $2, $3, $4)`,
		contentID, next, payload, publishAt); err != nil {
		return 0, false, fmt.Errorf("write outbox %s/%d: %w", contentID, next, err)
	}
	d := map[string]any{"state": state, "content_hash": hash}
	if publishAt != nil {
		d["publish_at"] = publishAt.UTC()
	}
	detail, _ := json.Marshal(d)
	if err := audit(ctx, tx, actor, action, contentID, next, detail); err != nil {
		return 0, false, err
	}
	return uint64(next), true, nil
}

// resolveAttachments fills in each attachment's name (when the item leaves
// it empty) and media type from its stored file, and returns the index of
// the first attachment whose file is not stored (-1 when all are).
func (s *Store) resolveAttachments(ctx context.Context, tx pgx.Tx, item *pb.ContentItem) (missing int, err error) {
	missing = -1
	for i, a := range item.GetAttachments() {
		var mediaType, filename string
		// A file of this sub-portal's, or one the hub holds for it (an
		// item a merge moved here: transfer.go).
		err := tx.QueryRow(ctx, `SELECT media_type, filename FROM blobs WHERE sha256 = $1
			UNION ALL SELECT media_type, filename FROM hub_blobs WHERE sha256 = $1 LIMIT 1`, a.GetSha256()).Scan(&mediaType, &filename)
		if errors.Is(err, pgx.ErrNoRows) {
			if missing < 0 {
				missing = i
			}
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read blob %s: %w", a.GetSha256(), err)
		}
		if a.Filename == "" {
			a.Filename = filename
		}
		a.MediaType = mediaType // what was detected from the content wins
	}
	return missing, nil
}

type person struct {
	Name    string `json:"name"`
	Account string `json:"account,omitempty"`
}

func people(ps []*pb.Person) []person {
	out := make([]person, 0, len(ps))
	for _, p := range ps {
		out = append(out, person{Name: p.GetName(), Account: p.GetAccount()})
	}
	return out
}

// AuditTx appends an entry to the audit log inside tx (for the packages that
// keep their own records in the sub-portal's database). detail is a JSON
// object, or nil for none.
func AuditTx(ctx context.Context, tx pgx.Tx, actor, action, contentID string, version int64, detail []byte) error {
	if detail == nil {
		detail = []byte(`{}`)
	}
	return audit(ctx, tx, actor, action, contentID, version, detail)
}

func audit(ctx context.Context, tx pgx.Tx, actor, action, contentID string, version int64, detail []byte) error {
	if actor == "" {
		actor = "unknown"
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_log (actor, action, content_id, version, detail) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, contentID, version, detail)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// DueVersion returns an item's newest approved version that is due: pushed
// at once, or scheduled for a time that has come (its outbox row's
// publish_at is null or past). Versions approved for a time still to come
// are not: what is public, and what new revisions and requests to
// unpublish start from, is the due version. It returns 0 and nil when no
// version is due (an unknown item, or a first publication still
// scheduled).
func (s *Store) DueVersion(ctx context.Context, contentID string) (_ uint64, _ *pb.ContentItem, err error) {
	defer boundary(&err)
	return dueVersion(ctx, s.pool, contentID)
}

func dueVersion(ctx context.Context, q querier, contentID string) (uint64, *pb.ContentItem, error) {
	var v int64
	var doc []byte
	err := q.QueryRow(ctx, `
		SELECT v.version, v.doc FROM item_versions v
		LEFT JOIN outbox o ON o.content_id = v.content_id AND o.version = v.version
		WHERE v.content_id = $1 AND (o.publish_at IS NULL OR o.publish_at <= now())
		ORDER BY v.version DESC LIMIT 1`, contentID).Scan(&v, &doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("due version of %s: %w", contentID, err)
	}
	item := &pb.ContentItem{}
	if err := protojson.Unmarshal(doc, item); err != nil {
		return 0, nil, fmt.Errorf("decode %s/%d: %w", contentID, v, err)
	}
	return uint64(v), item, nil
}
