package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// itemJSON is an item's public shape (openapi/items.json, Item): stable,
// whatever the protobuf contract's wire names. Items the hub took down are
// never shown; a withdrawn item keeps its content with the reason; a
// redirected or gone one shows only its state (and successor).
type itemJSON struct {
	ID          string                     `json:"id"`
	Tenant      string                     `json:"tenant"`
	ContentID   string                     `json:"content_id"`
	Version     uint64                     `json:"version"`
	Kind        string                     `json:"kind"`
	Category    string                     `json:"category"`
	State       string                     `json:"state"`
	PublishedAt time.Time                  `json:"published_at"`
	UpdatedAt   time.Time                  `json:"updated_at"`
	Self        string                     `json:"self"`
	Texts       map[string]translationJSON `json:"translations,omitempty"`
	Details     json.RawMessage            `json:"details,omitempty"`
	Attachments []attachmentJSON           `json:"attachments,omitempty"`
	Reason      string                     `json:"withdrawn_reason,omitempty"`
	Successor   *successorJSON             `json:"successor,omitempty"`
}

type translationJSON struct {
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	BodyHTML string `json:"body_html"`
	Slug     string `json:"slug"`
	URL      string `json:"url"`
}

type attachmentJSON struct {
	URL       string `json:"url"`
	Filename  string `json:"filename"`
	Title     string `json:"title"`
	MediaType string `json:"media_type"`
	SHA256    string `json:"sha256"`
}

// successorJSON is where a redirected item leads: another item (by its API
// address) or an address elsewhere.
type successorJSON struct {
	Tenant    string `json:"tenant,omitempty"`
	ContentID string `json:"content_id,omitempty"`
	Self      string `json:"self,omitempty"`
	URL       string `json:"url,omitempty"`
}

// itemSelf is the API address of an item.
func (s *Server) itemSelf(r *http.Request, tenant, contentID string) string {
	return s.cfg.Links.Origin(r) + Prefix + "/items/" + tenant + "/" + contentID
}

// item makes the public shape of an item.
func (s *Server) item(r *http.Request, it *hubread.Item) (itemJSON, error) {
	doc := it.Doc
	out := itemJSON{ID: it.Tenant + "/" + it.ContentID, Tenant: it.Tenant, ContentID: it.ContentID, Version: it.Version,
		Kind: contentrules.KindWord(doc.GetKind()), Category: doc.GetCategory(), State: it.State,
		PublishedAt: it.PublishedAt, UpdatedAt: it.UpdatedAt, Self: s.itemSelf(r, it.Tenant, it.ContentID)}
	if ts := doc.GetPublishedAt(); ts.IsValid() {
		out.PublishedAt = ts.AsTime()
	}
	switch it.State {
	case "redirected":
		u := doc.GetUnpublishing()
		if ref := u.GetSuccessor(); ref.GetTenant() != "" {
			out.Successor = &successorJSON{Tenant: ref.GetTenant(), ContentID: ref.GetContentId(),
				Self: s.itemSelf(r, ref.GetTenant(), ref.GetContentId())}
		} else if u.GetSuccessorUrl() != "" {
			out.Successor = &successorJSON{URL: u.GetSuccessorUrl()}
		}
		return out, nil
	case "gone":
		return out, nil
	case "withdrawn":
		out.Reason = doc.GetUnpublishing().GetReason()
	}
	out.Texts = map[string]translationJSON{}
	for _, tr := range doc.GetTranslations() {
		out.Texts[tr.GetLocale()] = translationJSON{Title: tr.GetTitle(), Summary: tr.GetSummary(), BodyHTML: tr.GetBodyHtml(),
			Slug: tr.GetSlug(), URL: s.cfg.Links.Page(r, tr.GetLocale(), it.Tenant, tr.GetSlug())}
	}
	for _, a := range doc.GetAttachments() {
		out.Attachments = append(out.Attachments, attachmentJSON{URL: s.cfg.Links.File(r, it.Tenant, it.ContentID, a.GetSha256()),
			Filename: a.GetFilename(), Title: a.GetTitle(), MediaType: a.GetMediaType(), SHA256: a.GetSha256()})
	}
	details, err := detailsJSON(doc)
	if err != nil {
		return itemJSON{}, fmt.Errorf("item %s/%s: %w", it.Tenant, it.ContentID, err)
	}
	out.Details = details
	return out, nil
}

// detailsOneof is the oneof of ContentItem holding an item's typed details.
var detailsOneof = (&pb.ContentItem{}).ProtoReflect().Descriptor().Oneofs().ByName("details")

// detailsJSON writes the item's typed details (the message set in the
// details oneof) with the contract's field names, empty fields left out,
// and without deprecated fields (a legal document's pushed validity: the
// portal computes validity from the dates). nil when the kind has none.
func detailsJSON(doc *pb.ContentItem) (json.RawMessage, error) {
	fd := doc.ProtoReflect().WhichOneof(detailsOneof)
	if fd == nil {
		return nil, nil
	}
	m := proto.Clone(doc.ProtoReflect().Get(fd).Message().Interface())
	clearDeprecated(m.ProtoReflect())
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("details: %w", err)
	}
	return b, nil
}

// deprecatedFields are the fields the contract's comments deprecate (the
// proto marks none with the deprecated option yet, which counts too).
var deprecatedFields = map[protoreflect.FullName]bool{
	"portalhub.v1.LegalDocument.validity": true,
}

// clearDeprecated clears the deprecated fields of m and of the messages it
// holds.
func clearDeprecated(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if opts, ok := fd.Options().(*descriptorpb.FieldOptions); deprecatedFields[fd.FullName()] || ok && opts.GetDeprecated() {
			m.Clear(fd)
			continue
		}
		if fd.Kind() != protoreflect.MessageKind || !m.Has(fd) {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				clearDeprecated(l.Get(j).Message())
			}
		case !fd.IsMap():
			clearDeprecated(m.Get(fd).Message())
		}
	}
}
