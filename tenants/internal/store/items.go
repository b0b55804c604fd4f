package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
// the current version with changed false, when that version's push was
// delivered or is pending and due (not refused, not scheduled for later).
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
	_, changed, err = s.changeTx(ctx, tx, false, item.GetContentId(), "approve", item.GetApprover().GetName(), true, nil, item, approveBuild(item))
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
	v, _, err := s.changeTx(ctx, tx, false, item.GetContentId(), "approve", actorOr(opt.Actor, item.GetApprover().GetName()), false, opt.PublishAt,
		item, approveBuild(item))
	return v, err
}

func (s *Store) approve(ctx context.Context, in ChangeInput, onlyIfChanged bool) (uint64, bool, error) {
	item, err := in.Item()
	if err != nil {
		return 0, false, err
	}
	return s.change(ctx, item.GetContentId(), "approve", item.GetApprover().GetName(), onlyIfChanged, item, approveBuild(item))
}

// buildFunc makes an item's new state from its current one (nil for a new
// item), inside the transaction that holds the item's lock.
type buildFunc func(ctx context.Context, q dbtx, cur *pb.ContentItem) (*pb.ContentItem, error)

func approveBuild(item *pb.ContentItem) buildFunc {
	return func(_ context.Context, _ dbtx, cur *pb.ContentItem) (*pb.ContentItem, error) {
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
	v, _, err := s.change(ctx, in.ContentID, unpublishAction(in.State), in.Approver.GetName(), false, nil, unpublishBuild(in))
	return v, err
}

// UnpublishTx is Unpublish inside the caller's transaction (see ApproveTx).
// It does not commit.
func (s *Store) UnpublishTx(ctx context.Context, tx pgx.Tx, in UnpublishInput, opt ApproveOptions) (_ uint64, err error) {
	defer boundary(&err)
	if err := checkUnpublishState(in.State); err != nil {
		return 0, err
	}
	v, _, err := s.changeTx(ctx, tx, false, in.ContentID, unpublishAction(in.State), actorOr(opt.Actor, in.Approver.GetName()), false,
		opt.PublishAt, nil, unpublishBuild(in))
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
	return func(ctx context.Context, q dbtx, cur *pb.ContentItem) (*pb.ContentItem, error) {
		if cur == nil {
			return nil, errs.New(errs.NotFound, "content_id", "no such item", "Không có nội dung này.")
		}
		base := cur
		if v, due, err := dueVersion(ctx, q, in.ContentID); err != nil {
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

// dbtx is what an approved change runs its statements on: the caller's
// transaction, or a connection whose transaction change began itself.
type dbtx interface {
	querier
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// change runs one approved change in a transaction of its own: it locks the
// item, builds its new state from the current one, assigns the next version
// and writes the item, the version, the outbox row and the audit entry. The
// transaction's BEGIN goes with the reads and its COMMIT with the writes,
// so that an approval whose item is known in advance (known; Approve,
// ApproveIfChanged) costs the database two round trips, each a wait for a
// core on a loaded machine (publish-to-visible, issue 11 point 3).
func (s *Store) change(ctx context.Context, contentID, action, actor string, onlyIfChanged bool, known *pb.ContentItem,
	build buildFunc) (uint64, bool, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("approve %s: %w", contentID, err)
	}
	// A connection released inside a transaction is closed by the pool.
	defer conn.Release()
	v, changed, err := s.changeTx(ctx, conn, true, contentID, action, actor, onlyIfChanged, nil, known, build)
	if conn.Conn().PgConn().TxStatus() != 'I' {
		// Refused, unchanged or failed: nothing of it stays. The rollback
		// outlives a cancelled request but not a silent connection.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_, rerr := conn.Exec(rctx, "rollback")
		cancel()
		if rerr != nil && err == nil {
			err = fmt.Errorf("roll back %s: %w", contentID, rerr)
		}
	}
	if err != nil || !changed {
		return v, changed, err
	}
	s.outboxCommitted()
	return v, true, nil
}

// The statements of an approved change.
const (
	lockItemSQL = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`
	readItemSQL = `
		SELECT hub_version, hub_seen_version, content_hash, doc,
		       (SELECT coalesce(max(version), 0) FROM item_versions WHERE content_id = $1),
		       coalesce((SELECT status = 'delivered' OR (status = 'pending' AND (publish_at IS NULL OR publish_at <= now()))
		                 FROM outbox WHERE content_id = $1 ORDER BY version DESC LIMIT 1), true)
		FROM items WHERE content_id = $1 FOR UPDATE`
	// A file of this sub-portal's, or one the hub holds for it (an item a
	// merge moved here: transfer.go).
	readBlobSQL = `SELECT media_type, filename FROM blobs WHERE sha256 = $1
		UNION ALL SELECT media_type, filename FROM hub_blobs WHERE sha256 = $1 LIMIT 1`
	insertItemSQL = `
		INSERT INTO items (content_id, kind, category, state, hub_version, doc, content_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	updateItemSQL = `
		UPDATE items SET kind = $2, category = $3, state = $4, hub_version = $5, doc = $6,
		       content_hash = $7, updated_at = now()
		WHERE content_id = $1`
	insertVersionSQL = `
		INSERT INTO item_versions (content_id, version, doc, content_hash, state, authors, editor, approver)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	insertOutboxSQL = `INSERT INTO outbox (content_id, version, payload, publish_at) VALUES ($1, $2, $3, $4)`
	insertAuditSQL  = `INSERT INTO audit_log (actor, action, content_id, version, detail) VALUES ($1, $2, $3, $4, $5)`
)

// blobFound is what the read of an attachment's file found.
type blobFound struct {
	found               bool
	mediaType, filename string
}

// changeTx is change inside q. When begin is set it begins the transaction
// (with its first reads) and commits it (with its writes); otherwise q is
// the caller's transaction, which it does not commit. publishAt, when set,
// is the outbox row's due time. known, when set, is the item build will
// return (an approval's), whose files are read with the item.
func (s *Store) changeTx(ctx context.Context, q dbtx, begin bool, contentID, action, actor string, onlyIfChanged bool,
	publishAt *time.Time, known *pb.ContentItem, build buildFunc) (uint64, bool, error) {
	// The advisory lock serialises the creation of an item that has no row
	// to lock yet; the row lock serialises every change of an existing one.
	// The lock, the item, the categories and the known item's files are one
	// round trip.
	var (
		cur              *pb.ContentItem
		curVersion, seen int64
		maxVersion       int64
		curHash          string
		curGoes          bool // the newest version's push went or is due
		curDoc           []byte
		blobs            []blobFound
		chartHead        []byte
	)
	b := &pgx.Batch{}
	if begin {
		b.Queue("begin")
	}
	b.Queue(lockItemSQL, contentID)
	b.Queue(readItemSQL, contentID)
	b.Queue(categoriesSQL)
	if known != nil {
		for _, a := range known.GetAttachments() {
			b.Queue(readBlobSQL, a.GetSha256())
		}
		if sha := chartFile(known); sha != "" {
			b.Queue(csvHeadSQL, sha, contentrules.CSVHeaderPrefix)
		}
	}
	br := q.SendBatch(ctx, b)
	cats, err := func() ([]*pb.Category, error) {
		defer br.Close()
		if begin {
			if _, err := br.Exec(); err != nil {
				return nil, fmt.Errorf("begin %s: %w", contentID, err)
			}
		}
		if _, err := br.Exec(); err != nil {
			return nil, fmt.Errorf("lock %s: %w", contentID, err)
		}
		err := br.QueryRow().Scan(&curVersion, &seen, &curHash, &curDoc, &maxVersion, &curGoes)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("read %s: %w", contentID, err)
		default:
			cur = &pb.ContentItem{}
			if err := protojson.Unmarshal(curDoc, cur); err != nil {
				return nil, fmt.Errorf("decode %s: %w", contentID, err)
			}
		}
		rows, _ := br.Query()
		cats, err := scanCategories(rows)
		if err != nil {
			return nil, err
		}
		if known == nil {
			return cats, nil
		}
		for _, a := range known.GetAttachments() {
			var f blobFound
			err := br.QueryRow().Scan(&f.mediaType, &f.filename)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, fmt.Errorf("read blob %s: %w", a.GetSha256(), err)
			}
			f.found = err == nil
			blobs = append(blobs, f)
		}
		if sha := chartFile(known); sha != "" {
			if chartHead, err = scanCSVHead(br.QueryRow(), sha); err != nil {
				return nil, err
			}
		}
		return cats, br.Close()
	}()
	if err != nil {
		return 0, false, err
	}

	item, err := build(ctx, q, cur)
	if err != nil {
		return 0, false, err
	}
	if item.GetContentId() != contentID {
		return 0, false, errs.Invalid("content_id", "content_id does not match", "Mã nội dung không khớp.")
	}
	var missing int
	if known != nil && item == known {
		missing = applyBlobs(item, blobs)
	} else if missing, err = s.resolveAttachments(ctx, q, item); err != nil {
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
	if err := checkRules(item, missing, contentrules.CategoriesOf(cats)); err != nil {
		return 0, false, err
	}
	if missing >= 0 {
		return 0, false, errs.Refused(fmt.Sprintf("attachments[%d].sha256", missing), contentrules.ReasonBlobMissing,
			"no file with this SHA-256 was uploaded", "Tệp đính kèm chưa được tải lên (không có tệp với mã SHA-256 này).")
	}
	if known != nil && item == known {
		if err := checkChartHead(item, chartHead); err != nil {
			return 0, false, err
		}
	} else if err := checkChart(ctx, q, item); err != nil {
		return 0, false, err
	}
	hash := contentHash(item)
	// The same content is nothing new only when its push went or is due: a
	// version the hub refused is approved again (the fix of a refusal is a
	// new version), one scheduled for later is overtaken by one that goes
	// at once (review1 F8).
	if onlyIfChanged && cur != nil && hash == curHash && curGoes {
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
	authors, _ := json.Marshal(people(item.GetAuthors()))
	d := map[string]any{"state": state, "content_hash": hash}
	if publishAt != nil {
		d["publish_at"] = publishAt.UTC()
	}
	detail, _ := json.Marshal(d)
	if actor == "" {
		actor = "unknown"
	}

	// The writes, and the commit when the transaction is change's: one
	// round trip.
	b = &pgx.Batch{}
	if cur == nil {
		b.Queue(insertItemSQL, contentID, kind, item.GetCategory(), state, next, doc, hash)
	} else {
		b.Queue(updateItemSQL, contentID, kind, item.GetCategory(), state, next, doc, hash)
	}
	b.Queue(insertVersionSQL, contentID, next, doc, hash, state, authors, item.GetEditor().GetName(), item.GetApprover().GetName())
	b.Queue(insertOutboxSQL, contentID, next, payload, publishAt)
	b.Queue(insertAuditSQL, actor, action, contentID, next, detail)
	if begin {
		b.Queue("commit")
	}
	br = q.SendBatch(ctx, b)
	defer br.Close()
	for _, what := range []string{"write %s/%d", "write version %s/%d", "write outbox %s/%d", "write audit log of %s/%d", "commit %s/%d"}[:b.Len()] {
		if _, err := br.Exec(); err != nil {
			return 0, false, fmt.Errorf(what+": %w", contentID, next, err)
		}
	}
	if err := br.Close(); err != nil {
		return 0, false, fmt.Errorf("write %s/%d: %w", contentID, next, err)
	}
	return uint64(next), true, nil
}

// resolveAttachments fills in each attachment's name (when the item leaves
// it empty) and media type from its stored file, and returns the index of
// the first attachment whose file is not stored (-1 when all are).
func (s *Store) resolveAttachments(ctx context.Context, q dbtx, item *pb.ContentItem) (missing int, err error) {
	found := make([]blobFound, len(item.GetAttachments()))
	for i, a := range item.GetAttachments() {
		err := q.QueryRow(ctx, readBlobSQL, a.GetSha256()).Scan(&found[i].mediaType, &found[i].filename)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("read blob %s: %w", a.GetSha256(), err)
		}
		found[i].found = err == nil
	}
	return applyBlobs(item, found), nil
}

// applyBlobs fills in each attachment's name (when the item leaves it
// empty) and media type from what was found of its file, and returns the
// index of the first attachment whose file is not stored (-1 when all are).
func applyBlobs(item *pb.ContentItem, found []blobFound) (missing int) {
	missing = -1
	for i, a := range item.GetAttachments() {
		if !found[i].found {
			if missing < 0 {
				missing = i
			}
			continue
		}
		if a.Filename == "" {
			a.Filename = found[i].filename
		}
		a.MediaType = found[i].mediaType // what was detected from the content wins
	}
	return missing
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
	_, err := tx.Exec(ctx, insertAuditSQL, actor, action, contentID, version, detail)
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
