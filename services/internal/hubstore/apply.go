package hubstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/events"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// maxApplyAttempts bounds the retries of a push that lost a race with a
// concurrent push of the same item (first insert, deadlock).
const maxApplyAttempts = 10

// errRetry says the transaction lost a race and must run again.
var errRetry = errors.New("lost a race with a concurrent push")

// Apply stores a prepared push for tenant following the version rules of
// docs/ARCHITECTURE.md, in one transaction: when the push is newer than what
// the hub holds (or the first), the item, its translations, its slug history,
// exactly one outbox event and an item.push audit entry; otherwise nothing.
// The same version with the same hash answers UNCHANGED, an older one STALE.
// Refusals are *Refusal (VERSION_CONFLICT, SLUG_TAKEN, BLOB_MISSING,
// FILE_TYPE_MISMATCH, FILE_TYPE_REFUSED), which are gRPC status errors;
// other failures wrap the domain errors of errors.go. The answer carries
// p.Sanitized.
func (s *Store) Apply(ctx context.Context, tenant string, p *contentrules.Prepared) (*pb.PublishResponse, error) {
	item, hash := p.Item, p.Hash
	what := fmt.Sprintf("apply %s/%s@%d", tenant, item.GetContentId(), item.GetVersion())
	if err := versionTooLarge(item); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		var resp *pb.PublishResponse
		var sent []OutboxRow
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			if needsOwnCheck(item) {
				resp, err = applyTx(ctx, tx, tenant, item, hash, !s.skipIndex.Load())
			} else {
				resp, sent, err = applyAlone(ctx, tx, tenant, p, !s.skipIndex.Load())
			}
			return err
		})
		if err == nil {
			if resp.GetOutcome() == pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED {
				s.outboxCommitted(sent)
			}
			resp.Sanitized = p.Sanitized
			return resp, nil
		}
		if errors.Is(err, errRetry) || retryable(err) {
			if attempt < maxApplyAttempts {
				continue
			}
			// Lost the race every time: the sub-portal retries later.
			return nil, fmt.Errorf("%s: %w: %v", what, ErrUnavailable, err)
		}
		return nil, mapErr(what, err)
	}
}

// applyAlone applies p, which needs no check against other tables
// (needsOwnCheck), as ApplyBatch applies a run of one: the same answer and
// rows as applyTx, in four round trips inside tx rather than one per
// statement (the reads together, the search index's lexemes, the writes
// together). A push's time to the public is mostly round trips to the
// database, each a wait for a core on a loaded machine. It answers the
// push's refusal as an error, so that the transaction rolls back as
// applyTx's does, and errRetry when it met a concurrent push (an item
// inserted, or a slug taken, after it looked).
func applyAlone(ctx context.Context, tx pgx.Tx, tenant string, p *contentrules.Prepared, index bool) (*pb.PublishResponse, []OutboxRow, error) {
	out := make([]Result, 1)
	sent, err := applyRun(ctx, tx, tenant, []*contentrules.Prepared{p}, []int{0}, out, index)
	if err != nil {
		var pgErr *pgconn.PgError
		switch {
		case errors.Is(err, errRunRace):
			return nil, nil, errRetry
		case errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation && pgErr.TableName == "item_translations":
			return nil, nil, errRetry
		case errors.As(err, &pgErr) && pgErr.Code == pgForeignKeyViolation && pgErr.TableName == "items":
			return nil, nil, categoryRefusal(err, p.Item.GetCategory())
		}
		return nil, nil, err
	}
	return out[0].Resp, sent, out[0].Err
}

// versionTooLarge refuses a version the bigint column cannot hold (Prepare
// refuses such a version already; this guards the column).
func versionTooLarge(item *pb.ContentItem) error {
	if item.GetVersion() > math.MaxInt64 {
		return &Refusal{Reason: contentrules.ReasonInvalidFormat, Field: "item.version",
			Description: fmt.Sprintf("version must be at most %d", int64(math.MaxInt64)),
			MessageVI:   fmt.Sprintf("Phiên bản không được lớn hơn %d", int64(math.MaxInt64))}
	}
	return nil
}

// againstHeld is the answer to a push of version with hash when the hub
// holds heldVersion with heldHash: STALE, UNCHANGED or VERSION_CONFLICT, or
// nothing (nil, nil) when the push is newer and is to be applied.
func againstHeld(id string, version uint64, hash [32]byte, heldVersion int64, heldHash []byte) (*pb.PublishResponse, error) {
	hv := uint64(heldVersion)
	hashHex := hex.EncodeToString(hash[:])
	switch {
	case version < hv:
		return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_STALE, CurrentVersion: hv,
			ContentHash: hex.EncodeToString(heldHash)}, nil
	case version == hv && bytes.Equal(heldHash, hash[:]):
		return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_UNCHANGED, CurrentVersion: hv,
			ContentHash: hashHex}, nil
	case version == hv:
		return nil, &Refusal{Reason: contentrules.ReasonVersionConflict, Field: "item.version",
			Description: fmt.Sprintf("version %d of %q is already held with content hash %s; this push has content hash %s: increase the version for a change",
				version, id, hex.EncodeToString(heldHash), hashHex),
			MessageVI: fmt.Sprintf("Phiên bản %d của %q đã có với mã băm %s; lần gửi này có mã băm %s: hãy tăng số phiên bản khi nội dung thay đổi",
				version, id, hex.EncodeToString(heldHash), hashHex)}
	}
	return nil, nil
}

// rowOf is what the items table stores of item besides its keys: its
// protobuf JSON, publication time, kind word and state word.
func rowOf(item *pb.ContentItem) (doc []byte, publishedAt time.Time, kind, state string, err error) {
	doc, err = protojson.Marshal(item)
	if err != nil {
		return nil, time.Time{}, "", "", fmt.Errorf("encode item: %w", err)
	}
	publishedAt = time.Now().UTC()
	if item.GetPublishedAt() != nil {
		publishedAt = item.GetPublishedAt().AsTime()
	}
	return doc, publishedAt, contentrules.KindWord(item.GetKind()), enumWord(item.GetState().String(), "PUBLICATION_STATE_"), nil
}

// appliedEvent is the outbox event of an applied push.
func appliedEvent(tenant string, item *pb.ContentItem, hashHex string, slugs map[string]string) *pb.ContentEvent {
	return &pb.ContentEvent{
		EventId:     events.ContentMsgID(tenant, item.GetContentId(), item.GetVersion(), hashHex),
		Tenant:      tenant,
		ContentId:   item.GetContentId(),
		Version:     item.GetVersion(),
		Change:      changeOf(item.GetState()),
		Kind:        item.GetKind(),
		Category:    item.GetCategory(),
		ContentHash: hashHex,
		Slugs:       slugs,
		OccurredAt:  timestamppb.Now(),
	}
}

// pushDetail is the detail of an applied push's item.push audit entry.
func pushDetail(version uint64, state, hashHex string) map[string]any {
	return map[string]any{"version": version, "state": state, "content_hash": hashHex}
}

func applyTx(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem, hash [32]byte, index bool) (*pb.PublishResponse, error) {
	id := item.GetContentId()
	version := item.GetVersion()
	hashHex := hex.EncodeToString(hash[:])

	var heldVersion int64
	var heldHash []byte
	var heldDoc []byte
	var takenDown bool
	err := tx.QueryRow(ctx, `SELECT version, content_hash, doc, taken_down_at IS NOT NULL FROM items
		WHERE tenant_id = $1 AND content_id = $2 FOR UPDATE`,
		tenant, id).Scan(&heldVersion, &heldHash, &heldDoc, &takenDown)
	held := true
	if errors.Is(err, pgx.ErrNoRows) {
		held = false
	} else if err != nil {
		return nil, err
	}
	if held {
		if resp, err := againstHeld(id, version, hash, heldVersion, heldHash); resp != nil || err != nil {
			return resp, err
		}
	}

	if err := checkBlobs(ctx, tx, tenant, item); err != nil {
		return nil, err
	}
	if err := checkSuccessor(ctx, tx, item); err != nil {
		return nil, err
	}
	if err := checkSlugs(ctx, tx, tenant, item); err != nil {
		return nil, err
	}

	doc, publishedAt, kind, state, err := rowOf(item)
	if err != nil {
		return nil, err
	}

	if held {
		_, err = tx.Exec(ctx, `UPDATE items SET version = $3, content_hash = $4, kind = $5, category = $6, state = $7,
			published_at = $8, doc = $9, updated_at = now() WHERE tenant_id = $1 AND content_id = $2`,
			tenant, id, int64(version), hash[:], kind, item.GetCategory(), state, publishedAt, doc)
		if err != nil {
			return nil, categoryRefusal(err, item.GetCategory())
		}
	} else {
		tag, err := tx.Exec(ctx, `INSERT INTO items (tenant_id, content_id, version, content_hash, kind, category, state, published_at, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, content_id) DO NOTHING`,
			tenant, id, int64(version), hash[:], kind, item.GetCategory(), state, publishedAt, doc)
		if err != nil {
			return nil, categoryRefusal(err, item.GetCategory())
		}
		if tag.RowsAffected() == 0 {
			// A concurrent push inserted the item first: start again, and
			// compare versions with what it stored.
			return nil, errRetry
		}
	}

	slugs, err := replaceTranslations(ctx, tx, tenant, item)
	if err != nil {
		return nil, err
	}
	if index {
		if err := indexItem(ctx, tx, tenant, item, publishedAt, takenDown); err != nil {
			return nil, err
		}
	}

	if err := recordUpdate(ctx, tx, tenant, item, heldDoc, publishedAt); err != nil {
		return nil, err
	}

	ev := appliedEvent(tenant, item, hashHex, slugs)
	if err := writeEvent(ctx, tx, ev); err != nil {
		return nil, err
	}
	// Last: the audit entry holds the chain's head until the commit.
	if err := audit(ctx, tx, PushActor(tenant), "item.push", tenant, id, pushDetail(version, state, hashHex)); err != nil {
		return nil, err
	}
	return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED, CurrentVersion: version, ContentHash: hashHex}, nil
}

// decodeDoc reads an item stored as protobuf JSON.
func decodeDoc(doc []byte) (*pb.ContentItem, error) {
	item := &pb.ContentItem{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(doc, item); err != nil {
		return nil, fmt.Errorf("decode stored item: %w", err)
	}
	return item, nil
}

// writeEvent writes ev into the outbox inside tx, under its item's subject
// and with its EventId as the Nats-Msg-Id: the relay publishes it once the
// transaction commits.
func writeEvent(ctx context.Context, tx pgx.Tx, ev *pb.ContentEvent) error {
	payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event %s: %w", ev.GetEventId(), err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO outbox (subject, msg_id, payload) VALUES ($1, $2, $3)`,
		events.ContentSubject(ev.GetTenant(), ev.GetContentId()), ev.GetEventId(), payload)
	return err
}

// checkBlobs refuses a push whose attachments name files the tenant never
// uploaded (BLOB_MISSING, whether the hub lacks the file or holds only other
// tenants' copies of it), or name a file under a name or media type other
// than its own (contentrules.CheckAttachment: FILE_TYPE_MISMATCH,
// FILE_TYPE_REFUSED).
func checkBlobs(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem) error {
	atts := item.GetAttachments()
	if len(atts) == 0 {
		return nil
	}
	want := make([][]byte, 0, len(atts))
	for _, a := range atts {
		b, err := hex.DecodeString(a.GetSha256())
		if err != nil || len(b) != 32 {
			return &Refusal{Reason: contentrules.ReasonInvalidFormat, Field: "item.attachments.sha256",
				Description: fmt.Sprintf("%q is not a lower-case hex SHA-256", a.GetSha256()),
				MessageVI:   fmt.Sprintf("%q không phải là mã SHA-256 dạng hex chữ thường", a.GetSha256())}
		}
		want = append(want, b)
	}
	rows, err := tx.Query(ctx, `SELECT b.sha256, b.media_type FROM blobs b
		JOIN blob_owners o ON o.sha256 = b.sha256 AND o.tenant_id = $1
		WHERE b.sha256 = ANY($2)`, tenant, want)
	if err != nil {
		return err
	}
	stored := map[string]string{} // sha256 -> media type
	for rows.Next() {
		var b []byte
		var mediaType string
		if err := rows.Scan(&b, &mediaType); err != nil {
			rows.Close()
			return err
		}
		stored[string(b)] = mediaType
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	field := ""
	for i, a := range atts {
		mediaType, ok := stored[string(want[i])]
		if !ok {
			if field == "" {
				field = fmt.Sprintf("item.attachments[%d].sha256", i)
			}
			missing = append(missing, a.GetSha256())
			continue
		}
		if err := contentrules.CheckAttachment(a.GetFilename(), a.GetMediaType(), mediaType); err != nil {
			return attachmentRefusal(i, err)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	list := strings.Join(missing, ", ")
	return &Refusal{Reason: contentrules.ReasonBlobMissing, Field: field,
		Description: "upload these files with UploadBlob before publishing: " + list,
		MessageVI:   "Hãy tải các tệp này lên bằng UploadBlob trước khi xuất bản: " + list}
}

// attachmentRefusal is the file policy's refusal of attachment i.
func attachmentRefusal(i int, err error) error {
	var fe *contentrules.FileError
	if !errors.As(err, &fe) {
		return err
	}
	field := fmt.Sprintf("item.attachments[%d].filename", i)
	if fe.Field == contentrules.FileFieldMediaType {
		field = fmt.Sprintf("item.attachments[%d].media_type", i)
	}
	return &Refusal{Reason: fe.Reason, Field: field, Description: fe.Description, MessageVI: fe.MessageVI}
}

// checkSuccessor refuses a redirect to an item the hub does not hold: the
// published URL would answer 404 instead of sending visitors on.
func checkSuccessor(ctx context.Context, tx pgx.Tx, item *pb.ContentItem) error {
	ref := item.GetUnpublishing().GetSuccessor()
	if item.GetState() != pb.PublicationState_PUBLICATION_STATE_REDIRECTED || ref.GetContentId() == "" {
		return nil
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM items WHERE tenant_id = $1 AND content_id = $2)`,
		ref.GetTenant(), ref.GetContentId()).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	name := ref.GetTenant() + "/" + ref.GetContentId()
	return &Refusal{Reason: contentrules.ReasonSuccessorNotFound, Field: "item.unpublishing.successor",
		Description: "the successor " + name + " is not held by the hub; publish it first",
		MessageVI:   "Cổng tỉnh chưa có mục thay thế " + name + "; hãy xuất bản mục đó trước."}
}

// checkSlugs refuses a push one of whose slugs another item of the tenant
// holds in any locale: an untranslated item is served under its Vietnamese
// slug in every language, so a slug must name one item across locales.
// slugOwnerSQL finds another item holding a slug in any locale. The
// locales are named (the CHECK's three, as applyRun's lookup names them) so
// that the unique index (tenant_id, locale, slug) finds the slug rather
// than every translation of the tenant; of several owners, the one of the
// first locale answers, as in applyRun.
const slugOwnerSQL = `SELECT content_id FROM item_translations
	WHERE tenant_id = $1 AND locale = ANY('{vi,en,ru}') AND slug = $2 AND content_id <> $3
	ORDER BY locale LIMIT 1`

func checkSlugs(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem) error {
	for _, tr := range item.GetTranslations() {
		var other string
		err := tx.QueryRow(ctx, slugOwnerSQL, tenant, tr.GetSlug(), item.GetContentId()).Scan(&other)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		return slugRefusal(tr.GetLocale(), tr.GetSlug(), other)
	}
	return nil
}

func slugRefusal(locale, slug, other string) *Refusal {
	desc := fmt.Sprintf("slug %q in locale %s belongs to another item", slug, locale)
	vi := fmt.Sprintf("Đường dẫn %q (ngôn ngữ %s) đã thuộc về một mục khác", slug, locale)
	if other != "" {
		desc = fmt.Sprintf("slug %q in locale %s belongs to item %q", slug, locale, other)
		vi = fmt.Sprintf("Đường dẫn %q (ngôn ngữ %s) đã thuộc về mục %q", slug, locale, other)
	}
	return &Refusal{Reason: contentrules.ReasonSlugTaken,
		Field: fmt.Sprintf("item.translations[%s].slug", locale), Description: desc, MessageVI: vi}
}

// replaceTranslations stores the item's translations, moves slugs it no
// longer uses into slug_history and returns the current slug per locale.
func replaceTranslations(ctx context.Context, tx pgx.Tx, tenant string, item *pb.ContentItem) (map[string]string, error) {
	id := item.GetContentId()
	rows, err := tx.Query(ctx, `DELETE FROM item_translations WHERE tenant_id = $1 AND content_id = $2 RETURNING locale, slug`, tenant, id)
	if err != nil {
		return nil, err
	}
	old := map[string]string{}
	for rows.Next() {
		var locale, slug string
		if err := rows.Scan(&locale, &slug); err != nil {
			rows.Close()
			return nil, err
		}
		old[locale] = slug
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	slugs := map[string]string{}
	for _, tr := range item.GetTranslations() {
		slugs[tr.GetLocale()] = tr.GetSlug()
		_, err := tx.Exec(ctx, `INSERT INTO item_translations (tenant_id, content_id, locale, slug, title, summary)
			VALUES ($1, $2, $3, $4, $5, $6)`, tenant, id, tr.GetLocale(), tr.GetSlug(), tr.GetTitle(), tr.GetSummary())
		if err != nil {
			if isUnique(err) {
				// Another item took the slug after checkSlugs looked.
				return nil, slugRefusal(tr.GetLocale(), tr.GetSlug(), "")
			}
			return nil, err
		}
		// A slug in use is no longer a redirect, whoever held it before.
		if _, err := tx.Exec(ctx, `DELETE FROM slug_history WHERE tenant_id = $1 AND locale = $2 AND slug = $3`,
			tenant, tr.GetLocale(), tr.GetSlug()); err != nil {
			return nil, err
		}
	}
	locales := make([]string, 0, len(old))
	for l := range old {
		locales = append(locales, l)
	}
	sort.Strings(locales)
	for _, l := range locales {
		if slugs[l] == old[l] {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO slug_history (tenant_id, locale, slug, content_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, locale, slug) DO UPDATE SET content_id = EXCLUDED.content_id, retired_at = now()`,
			tenant, l, old[l], id); err != nil {
			return nil, err
		}
	}
	return slugs, nil
}

func isUnique(err error) bool {
	var pgErr interface{ SQLState() string }
	return errors.As(err, &pgErr) && pgErr.SQLState() == pgUniqueViolation
}

// categoryRefusal turns a foreign-key failure on the category into the
// refusal the tenant would have had if the in-memory list were fresh.
func categoryRefusal(err error, category string) error {
	var pgErr interface {
		SQLState() string
	}
	if errors.As(err, &pgErr) && pgErr.SQLState() == pgForeignKeyViolation {
		return &Refusal{Reason: contentrules.ReasonUnknownCategory, Field: "item.category",
			Description: fmt.Sprintf("category %q is not in the hub's code list", category),
			MessageVI:   fmt.Sprintf("Chuyên mục %q không có trong danh mục của cổng", category)}
	}
	return err
}

// enumWord turns PUBLICATION_STATE_PUBLISHED into published, the word the
// items table stores; stateOf reads such words back (contentrules.KindWord
// and KindOfWord do the same for kinds).
func enumWord(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}

// stateOf reads a state word of the items table (unspecified if unknown).
func stateOf(word string) pb.PublicationState {
	return pb.PublicationState(pb.PublicationState_value["PUBLICATION_STATE_"+strings.ToUpper(word)])
}

func changeOf(s pb.PublicationState) pb.ContentChange {
	switch s {
	case pb.PublicationState_PUBLICATION_STATE_WITHDRAWN:
		return pb.ContentChange_CONTENT_CHANGE_WITHDRAWN
	case pb.PublicationState_PUBLICATION_STATE_REDIRECTED:
		return pb.ContentChange_CONTENT_CHANGE_REDIRECTED
	case pb.PublicationState_PUBLICATION_STATE_GONE:
		return pb.ContentChange_CONTENT_CHANGE_GONE
	default:
		return pb.ContentChange_CONTENT_CHANGE_PUBLISHED
	}
}
