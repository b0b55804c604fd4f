package editorial

import (
	"context"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
)

// currentVersion is the item's current approved version (0 for an item
// never approved), read under the item's lock when the caller holds it.
func currentVersion(ctx context.Context, q querier, contentID string) (uint64, error) {
	var v int64
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT hub_version FROM items WHERE content_id = $1), 0)`, contentID).Scan(&v)
	return uint64(v), wrap(err, "current version of %s", contentID)
}

// dueContent is the content that is public: the item's due version (see
// store.DueVersion: the newest approved version pushed at once or whose
// scheduled time has come), as its revision has it, or, for versions
// approved outside the workflow (API, seed), the version's document with
// its HTML body as the Markdown (see ChangeFromItem). An item whose first
// publication is still scheduled has no due version; it starts from its
// scheduled content. BaseVersion is the version returned.
func (s *Service) dueContent(ctx context.Context, q querier, contentID string) (Change, error) {
	v, doc, err := s.st.DueVersion(ctx, contentID)
	if err != nil {
		return Change{}, err
	}
	if v == 0 {
		it, err := s.st.Get(ctx, contentID)
		if err != nil {
			return Change{}, err // NotFound: no such item
		}
		v, doc = it.Version, it.Doc
	}
	revs, err := queryRevisions(ctx, q, `SELECT `+revColumns+` FROM revisions WHERE content_id = $1 AND hub_version = $2`, contentID, int64(v))
	if err != nil {
		return Change{}, err
	}
	var ch Change
	if len(revs) > 0 {
		ch = revs[0].Change.clone()
	} else {
		ch = ChangeFromItem(doc)
	}
	ch.BaseVersion = v
	return ch, nil
}

// baseFor is the base version of a new revision of an existing item:
// requested when the caller knows what the text started from, else the
// item's due version (its current one when none is due).
func (s *Service) baseFor(ctx context.Context, q querier, contentID string, requested uint64) (uint64, error) {
	if requested != 0 {
		return requested, nil
	}
	v, _, err := s.st.DueVersion(ctx, contentID)
	if err != nil || v != 0 {
		return v, err
	}
	return currentVersion(ctx, q, contentID)
}

// ChangeFromItem returns the change holding an approved item's content, for
// items approved outside the workflow. Their bodies are HTML; they are kept
// as the Markdown text, which RenderMarkdown renders (raw HTML included)
// and sanitises, so such a body survives an edit and approval.
func ChangeFromItem(item *pb.ContentItem) Change {
	in := store.ChangeFromItem(item)
	ch := Change{ContentID: in.ContentID, Kind: in.Kind, Category: in.Category, Texts: map[string]LocaleText{}, Details: in.Details,
		Attachments: in.Attachments, State: in.State, Unpublishing: in.Unpublishing, PublishedAt: in.PublishedAt}
	for _, tr := range item.GetTranslations() {
		ch.Texts[tr.GetLocale()] = LocaleText{Title: tr.GetTitle(), Summary: tr.GetSummary(), Markdown: tr.GetBodyHtml(), Slug: tr.GetSlug()}
	}
	return ch.clone()
}

// CurrentContent returns what a new revision of an item starts from: the
// content that is public, i.e. the item's due version (published at once,
// or scheduled for a time that has passed), never a version approved for a
// time still to come, whose text must not go out early through a new
// revision approved before then. Its BaseVersion is that version; approving
// the new revision while another version is current (a newer approval, or
// one still scheduled) needs an explicit rebase (Approval.Rebase). An item
// whose first publication is still scheduled starts from the scheduled
// content.
func (s *Service) CurrentContent(ctx context.Context, contentID string) (Change, error) {
	ch, err := s.dueContent(ctx, s.pool, contentID)
	if err != nil {
		return Change{}, err
	}
	ch.State, ch.Unpublishing = pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED, nil
	return ch, nil
}
